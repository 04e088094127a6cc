// Chat attachments: the composer's files (chosen with its attach button or dropped on the panel)
// uploaded at once over HTTP with progress (POST /files, the session as a Bearer header), each
// shown as a chip until its message is sent, a refusal shown with the server's own message (the
// file too large, a type not allowed); and a sent message's files: images as inline previews,
// every file as a download link under its original name. The files are read by the browser from
// /files/<id> with the session cookie rpc.js sets (docs/PROTOCOL.md, "Attachments"); names are
// always rendered as text.
import { h } from './dom.js';
import { t, fmtNumber } from './i18n.js';

// 1,234 B / 12.3 KB / 4.5 MB (binary units, as the server's limits are counted).
export function fmtSize(bytes) {
  if (bytes < 1024) return `${fmtNumber(bytes)} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

// Uploads file into the conversation; onProgress(fraction). Returns {xhr, done}: done resolves
// the attachment object, or rejects with an Error whose message is the server's (or a network
// failure's) and whose code is the server's error code ('aborted' when xhr.abort() was called).
// A refusal in the page's language: the server's codes have their own wording (with the file's
// name and size, and the limit the server sent); anything else shows the server's message.
function refusal(e, file) {
  const vars = { name: file.name, size: fmtSize(file.size), limit: e.limitMb };
  if (e.code === 'too_large' && e.limitMb) return t('files.err.too_large', vars);
  if (e.code === 'quota_exceeded' && e.limitMb) return t('files.err.quota_exceeded', vars);
  if (['type_not_allowed', 'type_mismatch', 'forbidden', 'busy', 'insufficient_storage'].includes(e.code)) return t(`files.err.${e.code}`, vars);
  return e.message;
}

export function uploadFile(rpc, conversationId, file, onProgress) {
  const xhr = new XMLHttpRequest();
  const done = new Promise((resolve, reject) => {
    xhr.open('POST', `/files?conversation_id=${conversationId}&name=${encodeURIComponent(file.name)}`);
    xhr.setRequestHeader('Authorization', `Bearer ${rpc.token || ''}`);
    xhr.responseType = 'json';
    xhr.upload.addEventListener('progress', (e) => { if (e.lengthComputable) onProgress(e.loaded / e.total); });
    xhr.addEventListener('load', () => {
      const body = xhr.response || {};
      if (xhr.status === 201 && body.attachment) { resolve(body.attachment); return; }
      const err = new Error(body.error?.message || t('files.failed'));
      err.code = body.error?.code || 'http_' + xhr.status;
      err.limitMb = body.error?.limit_mb;
      reject(err);
    });
    xhr.addEventListener('error', () => reject(Object.assign(new Error(t('files.failed')), { code: 'network' })));
    xhr.addEventListener('abort', () => reject(Object.assign(new Error(t('files.cancelled')), { code: 'aborted' })));
    xhr.send(file);
  });
  return { xhr, done };
}

// The composer's pending files: createTray(ctx, conversationId) -> {el, ready(), busy(),
// clear(ids), addFiles(FileList), onChange}. ready(): the uploaded files' attachment objects, in
// order; busy(): uploads still running.
export function createTray(ctx, conversationId) {
  const items = []; // {file, chip, att, xhr, failed}
  const list = h('ul', { class: 'att-tray', hidden: true, i18nAttr: { 'aria-label': 'files.pending' } });
  const tray = { el: list, onChange: () => {} };

  function refresh() {
    list.hidden = items.length === 0;
    tray.onChange();
  }
  function remove(item) {
    item.xhr?.abort();
    items.splice(items.indexOf(item), 1);
    item.chip.remove();
    refresh();
  }
  function add(file) {
    const bar = h('progress', { max: 100, value: 0, class: 'att-progress' });
    const status = h('span', { class: 'att-status', role: 'status' }, t('files.uploading', { percent: 0 }));
    const removeBtn = h('button', { type: 'button', class: 'linkish att-remove', i18nAttr: { 'aria-label': 'files.remove', title: 'files.remove' } }, '✕');
    const chip = h('li', { class: 'att-chip uploading' },
      h('span', { class: 'att-name' }, file.name), h('span', { class: 'att-size muted' }, fmtSize(file.size)), bar, status, removeBtn);
    const item = { file, chip, att: null, failed: false };
    removeBtn.addEventListener('click', () => remove(item));
    items.push(item);
    list.append(chip);
    refresh();
    const up = uploadFile(ctx.rpc, conversationId, file, (f) => {
      const pct = Math.round(f * 100);
      bar.value = pct;
      status.textContent = t('files.uploading', { percent: pct });
    });
    item.xhr = up.xhr;
    up.done.then((att) => {
      item.xhr = null;
      item.att = att;
      chip.classList.replace('uploading', 'ready');
      bar.remove();
      status.textContent = t('files.ready');
      refresh();
    }, (e) => {
      item.xhr = null;
      if (e.code === 'aborted') return;
      item.failed = true;
      chip.classList.replace('uploading', 'refused');
      bar.remove();
      status.setAttribute('role', 'alert');
      status.textContent = t('files.refused', { message: refusal(e, file) });
      refresh();
    });
  }
  tray.addFiles = (files) => { for (const f of files) add(f); };
  tray.ready = () => items.filter((i) => i.att).map((i) => i.att);
  tray.busy = () => items.some((i) => !i.att && !i.failed);
  // After a send: the files it carried go, and the refusals already read.
  tray.clear = (sent) => { for (const i of [...items]) if ((i.att && sent.includes(i.att.id)) || i.failed) remove(i); };
  return tray;
}

// A paper clip, drawn (an emoji needs a font the machine may not have).
function clipIcon() {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('width', '20');
  svg.setAttribute('height', '20');
  svg.setAttribute('aria-hidden', 'true');
  const path = document.createElementNS(ns, 'path');
  path.setAttribute('d', 'M16.5 6.5v10a4.5 4.5 0 0 1-9 0V5a3 3 0 0 1 6 0v10.5a1.5 1.5 0 0 1-3 0V6.5');
  path.setAttribute('fill', 'none');
  path.setAttribute('stroke', 'currentColor');
  path.setAttribute('stroke-width', '1.8');
  path.setAttribute('stroke-linecap', 'round');
  svg.append(path);
  return svg;
}

// The attach button and its hidden file input, for the composer.
export function attachButton(tray) {
  const input = h('input', { type: 'file', multiple: true, class: 'att-input', hidden: true, tabindex: '-1',
    accept: '.pdf,.hwp,.hwpx,.doc,.docx,.xls,.xlsx,.ppt,.pptx,.odt,.ods,.odp,.txt,.csv,.zip,.png,.jpg,.jpeg,.gif,.webp' });
  input.addEventListener('change', () => { tray.addFiles(input.files); input.value = ''; });
  const btn = h('button', { type: 'button', class: 'ghost att-button', i18nAttr: { 'aria-label': 'files.attach', title: 'files.attach' },
    on: { click: () => input.click() } }, clipIcon());
  return h('span', { class: 'att-pick' }, btn, input);
}

// A sent message's files. thumbs: a Map id -> <img>, kept by the chat panel so that a message
// drawn again (an edit, a reaction) does not fetch its previews again.
export function attachmentList(m, thumbs) {
  const files = m.attachments || [];
  if (!files.length || m.deleted) return null;
  return h('ul', { class: 'attachments', i18nAttr: { 'aria-label': 'files.list' } }, ...files.map((a) => {
    const download = h('a', { class: 'att-download', href: `${a.url}?download=1`, download: a.name },
      h('span', { class: 'att-name' }, a.name));
    const meta = h('span', { class: 'att-size muted' }, fmtSize(a.size));
    const ext = /\.([A-Za-z0-9]{1,5})$/.exec(a.name)?.[1].toUpperCase() || 'FILE';
    if (!a.preview) return h('li', { class: 'att-file', dataset: { id: a.id } }, h('span', { class: 'att-ext', 'aria-hidden': 'true' }, ext), download, meta);
    let img = thumbs.get(a.id);
    if (!img) {
      img = h('img', { class: 'att-thumb', src: a.url, alt: t('files.preview', { name: a.name }), loading: 'lazy', decoding: 'async' });
      thumbs.set(a.id, img);
    }
    return h('li', { class: 'att-image', dataset: { id: a.id } },
      h('a', { href: a.url, target: '_blank', rel: 'noopener' }, img), h('div', { class: 'att-caption' }, download, meta));
  }));
}
