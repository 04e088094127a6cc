// Pieces shared by the 지원사업 screens (screens/programmes.js, screens/programme.js): a programme's
// deadline as people read it, its bucket chip, the label of a rule's attribute and one explanation
// line (✓ / ✗ / ? / ★, the attribute, our value, the rule and the sentence it was read from).
import { h } from './dom.js';
import { t, fmtNumber } from './i18n.js';

export const BUCKETS = ['eligible', 'check', 'ineligible'];

// "마감 2026-12-27 (D-20)", "오늘 마감", "상시·기한 없음".
export function deadlineText(d) {
  if (!d || !d.apply_end) return t('pg.openEnded');
  if (d.days_left === 0) return t('pg.deadlineToday', { date: d.apply_end });
  return t('pg.deadline', { date: d.apply_end, n: d.days_left });
}

export function bucketChip(bucket) {
  return h('span', { class: `chip bucket-${bucket}`, dataset: { bucket }, i18n: `pg.bucket.${bucket}` });
}

// The label of a rule attribute: the company profile's, or the derived ones' (업력, 대표자 나이).
export function attrLabel(attr) {
  for (const key of [`cp.a.${attr}`, `pg.attr.${attr}`]) {
    const s = t(key);
    if (s !== key) return s;
  }
  return attr;
}

const OPS = { le: '≤', lt: '<', ge: '≥', in: '∈', not_in: '∉', prefix_in: '∈', prefix_not_in: '∉', has_any: '∋', has_all: '⊇' };

// A value of a rule or of the organization, readable: numbers grouped, '|' lists with commas.
function readable(attr, v) {
  if (v === null || v === undefined || v === '') return '';
  if (/^-?\d+$/.test(v) && !['ksic', 'ksic_sub'].includes(attr)) return fmtNumber(Number(v));
  if (/^-?\d+\.\.-?\d+$/.test(v)) return v.split('..').map((x) => fmtNumber(Number(x))).join(' – ');
  return v.split('|').map((x) => {
    const k = `cp.o.${x}`;
    const s = t(k);
    return s === k ? x : s;
  }).join(', ');
}

export function ruleText(l) {
  if (l.op === 'is_true') return t('cp.yes');
  if (l.op === 'is_false') return t('cp.no');
  return `${OPS[l.op] || l.op} ${readable(l.attr, l.value)}`;
}

const MARK = { why: '✓', why_not: '✗', unknown: '?', preferred: '★' };

// One line of programme.get's explanation.
export function lineItem(l) {
  const value = l.org_value === null ? t('pg.blank') : readable(l.attr, l.org_value);
  return h('li', { class: `pg-line ${l.kind}`, dataset: { kind: l.kind, attr: l.attr } },
    h('span', { class: 'pg-mark', 'aria-hidden': 'true' }, MARK[l.kind] || '·'),
    h('span', { class: 'pg-kind', i18n: `pg.line.${l.kind}` }),
    h('strong', { class: 'pg-attr' }, attrLabel(l.attr)),
    h('span', { class: 'pg-rule' }, ` ${l.strength === 'excluded' ? '≠ ' : ''}${ruleText(l)}`),
    h('span', { class: 'pg-value muted' }, ` (${t('pg.yourValue', { v: value })})`),
    h('q', { class: 'pg-evidence' }, l.evidence));
}

// 을 or 를 after a Korean word (by its last syllable's final consonant); '' for other text.
export function josa(word) {
  const c = word.charCodeAt(word.length - 1) - 0xac00;
  if (c < 0 || c > 11171) return '을(를)';
  return c % 28 ? '을' : '를';
}

// The "enter your revenue to check" sentence of a prompt attribute.
export function promptText(attr) {
  const key = `pg.promptName.${attr}`;
  let name = t(key);
  if (name === key) name = attrLabel(attr);
  return t('pg.prompt', { attr: name, josa: josa(name) });
}
