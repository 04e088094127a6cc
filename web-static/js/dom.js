// DOM helpers: build elements with createElement and textContent only. User text never goes
// through innerHTML anywhere in the app; these helpers are the one way screens make elements.
import { t } from './i18n.js';

// h('button', {class: 'primary', type: 'button', on: {click}, i18n: 'key'}, 'text', child, [more])
// Props: class, text, i18n (translated text, re-translated on a language switch),
// i18nAttr ({'aria-label': 'key'}), on ({event: fn}), dataset, hidden, value, checked, disabled,
// anything else as an attribute (null/false skipped). Children: nodes, strings (as text), arrays.
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') el.className = Array.isArray(v) ? v.filter(Boolean).join(' ') : v;
    else if (k === 'text') el.textContent = v;
    else if (k === 'i18n') { el.dataset.i18n = v; el.textContent = t(v); }
    else if (k === 'i18nAttr') {
      el.dataset.i18nAttr = JSON.stringify(v);
      for (const [a, key] of Object.entries(v)) el.setAttribute(a, t(key));
    } else if (k === 'on') for (const [ev, fn] of Object.entries(v)) el.addEventListener(ev, fn);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k === 'hidden' || k === 'checked' || k === 'disabled' || k === 'value'
      || k === 'selected' || k === 'muted' || k === 'autoplay' || k === 'playsInline' || k === 'required') el[k] = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

// Re-translates elements made with i18n / i18nAttr under root (after a language switch).
export function retranslate(root = document) {
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-attr]')) {
    try {
      for (const [a, key] of Object.entries(JSON.parse(el.dataset.i18nAttr))) el.setAttribute(a, t(key));
    } catch { /* ignore */ }
  }
}

let uid = 0;
export function nextId(prefix = 'f') { return `${prefix}-${++uid}`; }

// A labelled form field: returns {wrap, input}.
export function field(labelKey, input, hintKey) {
  if (!input.id) input.id = nextId('in');
  const wrap = h('div', { class: 'field' },
    h('label', { for: input.id, i18n: labelKey }), input,
    hintKey ? h('small', { class: 'hint', i18n: hintKey }) : null);
  return { wrap, input };
}

// A status / error line that screen readers announce.
export function statusLine(cls = 'status') {
  return h('p', { class: cls, role: 'status', 'aria-live': 'polite' });
}

// Splits text on the U+0002 / U+0003 highlight markers of search results into text and <mark>.
export function highlighted(text) {
  const out = [];
  const parts = String(text).split(/([\u0002\u0003])/);
  let inMark = false;
  for (const p of parts) {
    if (p === '\u0002') inMark = true;
    else if (p === '\u0003') inMark = false;
    else if (p) out.push(inMark ? h('mark', {}, p) : p);
  }
  return out;
}

export function debounce(fn, ms) {
  let timer = null;
  return (...args) => { clearTimeout(timer); timer = setTimeout(() => fn(...args), ms); };
}

// Saves text as a file named name from the page (a Blob URL: nothing sensitive goes in a URL).
// A UTF-8 BOM is put first for csv, so spreadsheets read Korean right.
export function downloadText(name, text, type = 'text/csv;charset=utf-8') {
  const bom = type.startsWith('text/csv') && !text.startsWith('\uFEFF') ? '\uFEFF' : '';
  const a = h('a', { href: URL.createObjectURL(new Blob([bom + text], { type })), download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10000);
}
