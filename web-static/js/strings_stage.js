// The meeting's video area (stage.js): the grid and speaker views, pinning, and the per-tile
// quality badge, Korean and English; merged into strings.js.
export const ko = {
  'room.layoutSpeaker': '발표자 보기',
  'room.layoutGrid': '격자 보기',
  'room.pin': '고정',
  'room.unpin': '고정 해제',
  'room.videoPaused': '일시 중지',
};

export const en = {
  'room.layoutSpeaker': 'Speaker view',
  'room.layoutGrid': 'Grid view',
  'room.pin': 'Pin',
  'room.unpin': 'Unpin',
  'room.videoPaused': 'paused',
};
