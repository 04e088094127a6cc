// Interface text in Korean (the default) and English, the language switch (remembered in
// localStorage), and formatting of dates, times and numbers in Asia/Seoul for the chosen language.
// Every visible string of the app goes through t().
import { ko, en } from './strings.js';

const LANG_KEY = 'moa.lang';
const DICTS = { ko, en };
const TZ = 'Asia/Seoul';

let lang = (() => {
  try {
    const v = localStorage.getItem(LANG_KEY);
    return v === 'en' || v === 'ko' ? v : 'ko';
  } catch { return 'ko'; }
})();
const listeners = new Set();

export function getLang() { return lang; }

export function setLang(next) {
  if (next !== 'ko' && next !== 'en') return;
  lang = next;
  try { localStorage.setItem(LANG_KEY, next); } catch { /* not remembered */ }
  document.documentElement.lang = next;
  for (const fn of [...listeners]) fn(next);
}

export function onLangChange(fn) { listeners.add(fn); return () => listeners.delete(fn); }

// t('home.hello', {name}) — {name} placeholders; a missing key falls back to Korean, then the key.
export function t(key, vars) {
  let s = DICTS[lang][key] ?? ko[key] ?? key;
  if (vars) s = s.replace(/\{(\w+)\}/g, (m, k) => (vars[k] !== undefined ? String(vars[k]) : m));
  return s;
}

// The localized one of a server object's name_ko / name_en pair (falls back to the other).
export function pick(obj, field = 'name') {
  if (!obj) return '';
  const ko_ = obj[`${field}_ko`] ?? obj[field];
  const en_ = obj[`${field}_en`];
  return (lang === 'en' ? en_ || ko_ : ko_ || en_) ?? '';
}

// Korea's provinces and metropolitan cities as the reference data names them (short Korean
// forms), in English; the app shows them in the page's language. Industrial complexes keep their
// Korean names (proper names with no settled English form).
const REGION_EN = {
  서울: 'Seoul', 부산: 'Busan', 대구: 'Daegu', 인천: 'Incheon', 광주: 'Gwangju', 대전: 'Daejeon',
  울산: 'Ulsan', 세종: 'Sejong', 경기: 'Gyeonggi', 강원: 'Gangwon', 충북: 'Chungbuk', 충남: 'Chungnam',
  전북: 'Jeonbuk', 전남: 'Jeonnam', 경북: 'Gyeongbuk', 경남: 'Gyeongnam', 제주: 'Jeju',
};

// The 17 시도 in the reference data's order (the server's list in storage/company_profile.c).
export const SIDO = Object.keys(REGION_EN);

// A region (a {name_ko} object or its Korean name) in the page's language.
export function regionName(r) {
  const ko_ = typeof r === 'object' && r !== null ? pick(r) : (r ?? '');
  return lang === 'en' ? REGION_EN[ko_] || ko_ : ko_;
}

function locale() { return lang === 'en' ? 'en-GB' : 'ko-KR'; }

const cache = new Map();
function fmt(opts) {
  const key = lang + JSON.stringify(opts);
  if (!cache.has(key)) cache.set(key, new Intl.DateTimeFormat(locale(), { timeZone: TZ, ...opts }));
  return cache.get(key);
}

function toDate(secOrMs) { return new Date(secOrMs > 1e11 ? secOrMs : secOrMs * 1000); }

// Unix seconds (or ms) -> "2025년 11월 25일 (화) 오후 2:30" / "Tue 25 Nov 2025, 14:30", Seoul time.
export function fmtDateTime(sec) {
  return fmt({ dateStyle: 'medium', timeStyle: 'short' }).format(toDate(sec));
}

export function fmtDate(sec) { return fmt({ dateStyle: 'medium' }).format(toDate(sec)); }

export function fmtTime(sec) { return fmt({ hour: '2-digit', minute: '2-digit' }).format(toDate(sec)); }

// A short time for lists: the time today (Seoul), otherwise the date.
export function fmtShort(sec) {
  const d = toDate(sec);
  const day = fmt({ year: 'numeric', month: '2-digit', day: '2-digit' });
  return day.format(d) === day.format(new Date()) ? fmtTime(sec) : fmt({ month: 'short', day: 'numeric' }).format(d);
}

export function fmtNumber(n) { return new Intl.NumberFormat(locale()).format(n); }
