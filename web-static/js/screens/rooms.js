// The rooms of a consortium (room.list): each with who is in it right now, updated live, a link
// to join, and for those the server allows, a form to open a new room (room.create). Left out
// when the server has no rooms yet.
import { h, field } from '../dom.js';

export async function renderRooms(ctx, sec, c) {
  const { rpc, t } = ctx;
  let r;
  try { r = await rpc.optional('room.list', { consortium_id: c.id }); } catch (e) {
    sec.hidden = false;
    // A company account outside the consortium: closed to it until a coordinator adds it.
    sec.append(e.code === 'forbidden' ? h('p', { class: 'empty', id: 'rooms-outsider', i18n: 'rooms.outsider' })
      : h('p', { class: 'error' }, ctx.errorText(e)));
    return;
  }
  if (!r || !ctx.alive) return;
  sec.hidden = false;
  const list = h('ul', { class: 'rooms', id: 'room-list' });
  sec.append(list);

  function show(rooms) {
    list.replaceChildren(...rooms.map((room) => {
      const people = room.participants || [];
      return h('li', { class: 'room-item', dataset: { room: String(room.id) } },
        h('div', { class: 'room-main' },
          h('a', { href: `#/room/${room.id}`, class: 'room-name' }, room.name || t('rooms.lounge')),
          room.description ? h('p', { class: 'muted' }, room.description) : null,
          h('p', { class: 'room-people' }, people.length
            ? [h('span', { class: 'count' }, t('rooms.inNow', { n: people.length })), ' ',
              people.map((p) => p.name).join(', ')]
            : t('rooms.empty'))),
        h('a', { href: `#/room/${room.id}`, class: 'button primary small' }, t('rooms.join')));
    }));
    if (!rooms.length) list.append(h('li', { class: 'empty', i18n: 'rooms.none' }));
  }
  show(r.rooms || []);

  const refresh = async () => {
    try {
      const x = await rpc.request('room.list', { consortium_id: c.id });
      if (ctx.alive) show(x.rooms || []);
    } catch { /* keep the last list */ }
  };
  for (const ev of ['room.updated', 'room.created', 'room.closed', 'room.participant_joined', 'room.participant_left']) {
    ctx.on(ev, (m) => { if (!m.consortium_id || m.consortium_id === c.id) refresh(); });
  }
  const timer = setInterval(refresh, 15000);
  ctx.cleanup(() => clearInterval(timer));

  if (c.my_role || rpc.user.is_admin) {
    const name = h('input', { type: 'text', maxlength: 100, required: true });
    const desc = h('input', { type: 'text', maxlength: 500 });
    const status = h('p', { class: 'form-error', role: 'alert' });
    const form = h('form', { class: 'room-create', on: { submit: async (e) => {
      e.preventDefault();
      status.textContent = '';
      if (!name.value.trim()) { status.textContent = t('rooms.nameMissing'); name.focus(); return; }
      try {
        const x = await rpc.request('room.create', { consortium_id: c.id, name: name.value.trim(), description: desc.value.trim() || undefined });
        const room = x.room || x;
        ctx.go(`#/room/${room.id}`);
      } catch (err) { status.textContent = ctx.errorText(err); }
    } } },
    field('rooms.name', name).wrap, field('rooms.description', desc).wrap, status,
    h('button', { type: 'submit', class: 'primary', i18n: 'rooms.create' }));
    sec.append(h('details', { class: 'create' }, h('summary', { i18n: 'rooms.open' }), form));
  }
}
