// The meeting screen's text for media that cannot connect through the person's network (a
// company or institute firewall), Korean and English; merged into strings.js. {name} marks a
// placeholder.
export const ko = {
  'room.media.blockedTitle': '영상과 음성을 연결하지 못했습니다',
  'room.media.blockedWhy': '회의에는 들어왔지만, 지금 쓰는 네트워크(회사·기관의 방화벽)가 화상회의의 영상과 음성 연결을 막고 있는 것 같습니다. 채팅은 그대로 쓸 수 있습니다.',
  'room.media.blockedAsk': '네트워크 관리자에게 다음 연결을 허용해 달라고 요청하세요.',
  'room.media.portUdp': 'UDP {port}번 포트, 주소 {address} (영상·음성, 가장 좋음)',
  'room.media.portTcp': 'TCP {port}번 포트, 주소 {address} (영상·음성)',
  'room.media.portTurnTls': 'TCP {port}번 포트의 TLS 연결, 주소 {host} (중계 서버)',
  'room.media.portTurnOther': '{transport} {port}번 포트, 주소 {host} (중계 서버)',
  'room.media.portGeneric': '화상회의(WebRTC) 영상·음성을 위한 UDP 연결, 또는 443번 포트의 TLS 연결',
  'room.media.otherNetwork': '다른 네트워크(예: 휴대전화 테더링)에서는 바로 연결될 수도 있습니다.',
  'room.media.retry': '다시 연결',
};

export const en = {
  'room.media.blockedTitle': 'Video and audio could not connect',
  'room.media.blockedWhy': 'You are in the meeting, but the network you are on (a company or institute firewall) seems to block its video and audio. Chat still works.',
  'room.media.blockedAsk': 'Ask your network administrator to allow these connections:',
  'room.media.portUdp': 'UDP port {port} to {address} (video and audio; best)',
  'room.media.portTcp': 'TCP port {port} to {address} (video and audio)',
  'room.media.portTurnTls': 'TLS on TCP port {port} to {host} (relay server)',
  'room.media.portTurnOther': '{transport} port {port} to {host} (relay server)',
  'room.media.portGeneric': 'UDP for video meetings (WebRTC) video and audio, or TLS on port 443',
  'room.media.otherNetwork': 'On another network (a phone hotspot, say) it may connect right away.',
  'room.media.retry': 'Connect again',
};
