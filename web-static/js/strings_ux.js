// The meeting screen's keyboard shortcuts and their help, the room chat's unread count, the
// share button of a viewer without the floor and the banner while the meeting reconnects, in
// Korean and English; merged into strings.js. {name} marks a placeholder.
export const ko = {
  'room.state.rejoining': '회의에 다시 연결하는 중…',
  'room.shareNeedsFloor': '발언권을 받으면 화면을 공유할 수 있습니다. 손을 들어 요청하세요.',
  'room.unread': '읽지 않은 메시지 {n}개',
  'room.newMessage': '{name}: {text}',
  'room.keys': '단축키',
  'room.keysTitle': '회의 단축키',
  'room.keys.mic': '마이크 켜기/끄기',
  'room.keys.cam': '카메라 켜기/끄기',
  'room.keys.panel': '참가자·채팅 열기/닫기',
  'room.keys.help': '이 도움말',
  'room.keys.note': '한글 입력 상태에서도 같은 키로 동작합니다. 채팅을 입력하는 중에는 동작하지 않습니다.',
  'room.keys.close': '닫기',
};

export const en = {
  'room.state.rejoining': 'Reconnecting to the meeting…',
  'room.shareNeedsFloor': 'You can share your screen once you are given the floor. Raise your hand to ask.',
  'room.unread': '{n} unread messages',
  'room.newMessage': '{name}: {text}',
  'room.keys': 'Shortcuts',
  'room.keysTitle': 'Meeting shortcuts',
  'room.keys.mic': 'Mute / unmute',
  'room.keys.cam': 'Camera on / off',
  'room.keys.panel': 'Show / hide people & chat',
  'room.keys.help': 'This help',
  'room.keys.note': 'The keys work with any keyboard layout (Korean input too), but not while you type in the chat.',
  'room.keys.close': 'Close',
};
