// Small helpers for tests of rooms and meetings through the protocol.
import assert from 'node:assert/strict';

// A matcher for Client.waitEvent: an event of this type for which fn holds.
export const isEvent = (type, fn = () => true) => (m) => m.type === type && fn(m);

// Sends type with params and asserts it fails with code; returns the error.
export async function expectError(c, type, params, code) {
  const r = await c.request(type, params);
  assert.equal(r.ok, false, `${type} should fail with ${code}`);
  assert.equal(r.error.code, code, `${type}: ${r.error.message}`);
  return r.error;
}

// The id of a consortium's lounge, as client c lists it.
export async function loungeOf(c, consortium = 1) {
  const { rooms } = await c.call('room.list', { consortium_id: consortium });
  return rooms.find((r) => r.is_lounge).id;
}
