// Finding a partner in another region and proposing to work together, through real Chromium and
// the real server: a display company's person (member01a, 충남) searches from the home page in
// Korean, narrows the results with the kind and region filters (each option with its count),
// sees them ranked (names that contain a term first) with the terms marked, opens a hydrogen
// research institute's profile in 강원 (another consortium), sees the partners suggested for it,
// and sends a cooperation inquiry through the form. The institute's contact person (coord25),
// signed in in another browser context and already on the inbox, sees it arrive without a reload,
// reads it and accepts it; the sender, on the inquiry's conversation, sees "accepted" live.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, seededDb, signedIn, cleanup } from '../lib/moa.mjs';
import { launch, newPage, signIn, screenshots, until } from './ui_helpers.mjs';

let srv, db, browser;
// Full-page screenshots from the top (a sticky top bar would otherwise show mid-page).
const fromTop = (page) => ({ prepare: () => page.evaluate(() => window.scrollTo(0, 0)) });
const open = new Set();
async function person(label) {
  const page = await newPage(browser, { label });
  open.add(page.context());
  return page;
}
before(async () => {
  db = seededDb();
  srv = await startServer({ db: db.path });
  browser = await launch();
});
afterEach(async () => {
  for (const c of open) await c.close().catch(() => {});
  open.clear();
});
after(async () => {
  await browser?.close();
  await srv?.stop();
  cleanup(db?.dir);
});

const SENDER = { email: 'member01a@moa.example', name: '신상훈', org: '대원코팅' };
const QUERY = '수소 연료전지';

// What the result cards show, in order: [{id, name}].
const cardsOf = (page, sel = '#results') => page.locator(`${sel} .org-card`).evaluateAll((els) => els.map((el) => ({
  id: Number(el.dataset.org), name: el.querySelector('.card-title').textContent,
})));

// The option texts of the filter select for key (e.g. "region_id").
const optionsOf = (page, key) => page.locator(`select[data-filter="${key}"] option`).allTextContents();

test('search in Korean with filters, open a profile in another region, send an inquiry; the recipient accepts live', async () => {
  // the oracle: what the protocol answers to the same searches
  const api = await signedIn(srv, SENDER.email);
  const all = await api.call('partner.search', { query: QUERY, limit: 20 });
  const narrowed = await api.call('partner.search', { query: QUERY, kind: 'research_institute', region_id: 5, limit: 20 });
  await api.close();
  assert.ok(all.total > 20 && narrowed.total >= 2, `seeded directory as expected (${all.total}, ${narrowed.total})`);
  const target = narrowed.results.find((o) => o.name === '한국생산기술연구원 강원본부 수소에너지시험평가센터');
  assert.ok(target, 'the institute is among the narrowed results');

  // the recipient: the institute's contact person, already on the inbox
  const recipient = await person('coord25');
  await signIn(recipient, srv.url, 'coord25@moa.example', { hash: '#/inbox' });
  await recipient.goto(`${srv.url}/#/inbox`);
  await recipient.locator('#inquiry-list').waitFor();
  await recipient.locator('#inquiry-list .empty').waitFor();
  await recipient.evaluate(() => { window.notReloaded = true; });

  // the sender searches from the home page's box
  const page = await person('member01a');
  await signIn(page, srv.url, SENDER.email);
  await page.locator('#home-search').fill(QUERY);
  await page.locator('form.search-hero button[type=submit]').click();
  await page.locator('#results .org-card').first().waitFor();
  const hash = new URL(page.url()).hash;
  assert.match(hash, /^#\/partners\?/);
  assert.equal(new URLSearchParams(hash.split('?')[1]).get('q'), QUERY);
  assert.equal(await page.locator('#partner-q').inputValue(), QUERY);
  assert.equal(await page.locator('#result-count').textContent(), `“${QUERY}” 검색 결과 ${all.total}곳`);

  // ranked: the order is the server's; names with a term come first, then the others
  const first = await cardsOf(page);
  assert.deepEqual(first.map((c) => c.id), all.results.map((o) => o.id));
  const named = first.map((c) => c.name.includes('수소'));
  assert.ok(named[0] && named.includes(false), 'both kinds of match on the first page');
  assert.equal(named.indexOf(false), named.lastIndexOf(true) + 1, `names with "수소" rank first: ${JSON.stringify(first)}`);
  // the terms are marked in the cards (as text)
  assert.equal(await page.locator('#results .org-card').first().locator('.card-title mark').first().textContent(), '수소');
  assert.ok(await page.locator('#results .card-text mark', { hasText: '연료전지' }).count() > 0);

  // the facets: every filter option with its count, labels in Korean
  const kinds = await optionsOf(page, 'kind');
  const ri = all.facets.kind.find((f) => f.value === 'research_institute');
  assert.ok(kinds.includes(`연구기관 (${ri.count})`), `kind options: ${kinds}`);
  const regions = await optionsOf(page, 'region_id');
  for (const f of all.facets.region) assert.ok(regions.includes(`${f.name} (${f.count})`), `region options: ${regions}`);

  // narrow down: research institutes, then the 강원 region
  await page.locator('select[data-filter="kind"]').selectOption('research_institute');
  await page.locator('#result-count', { hasText: `${ri.count}곳` }).waitFor();
  assert.match(page.url(), /kind=research_institute/);
  await page.locator('select[data-filter="region_id"]').selectOption('5');
  await page.locator('#result-count', { hasText: `${narrowed.total}곳` }).waitFor();
  assert.match(page.url(), /region_id=5/);
  assert.deepEqual((await cardsOf(page)).map((c) => c.id), narrowed.results.map((o) => o.id));
  for (const meta of await page.locator('#results .card-meta').allTextContents()) assert.match(meta, /^연구기관 · 에너지신산업 · 강원/);
  // the active filters are shown (in the filter panel's order), each removable
  assert.deepEqual(await page.locator('#active-filters .chip-label').allTextContents(), ['지역: 강원', '기관 유형: 연구기관']);
  // in English, the region is named in English too (filter option, chip, cards)
  await page.locator('#lang-switch').click();
  await page.locator('#active-filters .chip-label', { hasText: 'Region: Gangwon' }).waitFor();
  assert.ok((await optionsOf(page, 'region_id')).some((o) => /^Gangwon \(\d+\)$/.test(o)), 'the region option in English');
  for (const meta of await page.locator('#results .card-meta').allTextContents()) assert.match(meta, / · Gangwon/);
  await page.locator('#lang-switch').click();
  await page.locator('#active-filters .chip-label', { hasText: '지역: 강원' }).waitFor();
  const gangwon = all.facets.region.find((f) => f.id === 5).count;
  await page.locator('#active-filters button[aria-label="기관 유형: 연구기관 필터 해제"]').click();
  await page.locator('#result-count', { hasText: `${gangwon}곳` }).waitFor();
  assert.doesNotMatch(page.url(), /kind=/);
  await page.goBack(); // the filters are in the hash: back restores them
  await page.locator('#result-count', { hasText: `${narrowed.total}곳` }).waitFor();
  // and a reload shows the same page
  await page.reload();
  await page.locator('#result-count', { hasText: `${narrowed.total}곳` }).waitFor();
  assert.equal(await page.locator('select[data-filter="region_id"]').inputValue(), '5');
  await screenshots(page, 'partners', fromTop(page));

  // open the institute's profile: another consortium, another region
  await page.locator(`#results .org-card[data-org="${target.id}"] a.card-link`).click();
  await page.locator('#org-name', { hasText: target.name }).waitFor();
  assert.equal(new URL(page.url()).hash, `#/org/${target.id}`);
  const facts = await page.locator('dl.facts').innerText();
  assert.match(facts, /강원/);
  assert.match(facts, /연구기관/);
  assert.deepEqual(await page.locator('.org .plain-list a[href^="#/consortium/"]').allTextContents(), ['수소 융복합에너지 연계산업']);
  assert.match(await page.locator('.contacts').innerText(), /노수빈/);
  // partners suggested for it
  await page.locator('#h-sugg').waitFor();
  assert.ok(await page.locator('section[aria-labelledby="h-sugg"] .org-card').count() > 0);
  assert.ok(await page.locator('section[aria-labelledby="h-sugg"] .reason').first().textContent());
  await screenshots(page, 'partner-profile', fromTop(page));

  // on a phone, the button under the name leads to the form below the profile
  await page.setViewportSize({ width: 390, height: 844 });
  await page.locator('button.to-inquiry').click();
  await until(() => page.evaluate(() => document.activeElement?.id === 'inq-subject'
    && document.getElementById('inq-subject').getBoundingClientRect().top < innerHeight), 'the subject field focused and in view');
  await page.setViewportSize({ width: 1280, height: 800 });

  // the inquiry: a missing subject is refused in the form, then it is sent
  await page.locator('#inq-topic').selectOption('joint_rnd');
  await page.locator('#inq-body').fill('분리판 코팅 기술로 수소연료전지 공동개발을 제안드립니다.');
  await page.locator('#inq-send').click();
  await page.locator('.inquiry-form .form-status', { hasText: '제목을 입력하세요' }).waitFor();
  const subject = '수소연료전지 분리판 코팅 공동개발 제안';
  await page.locator('#inq-subject').fill(subject);
  await page.locator('#inq-send').click();
  await page.locator('.inquiry-form .form-status.ok', { hasText: '문의를 보냈습니다' }).waitFor();

  // the recipient sees it arrive, without a reload
  const item = recipient.locator('#inquiry-list .inquiry', { hasText: subject });
  await item.waitFor({ timeout: 15000 });
  assert.equal(await item.locator('.status').textContent(), '대기 중');
  assert.match(await item.locator('.preview').textContent(), new RegExp(`${SENDER.name} \\(${SENDER.org}\\)에게서 · 공동 연구개발`));
  await recipient.locator('.toast', { hasText: `새 협력 문의: ${subject}` }).waitFor();
  assert.equal(await recipient.evaluate(() => window.notReloaded), true, 'the inbox was not reloaded');

  // the sender opens the inquiry's conversation from the form
  await page.locator('.inquiry-form .form-status a', { hasText: '대화 보기' }).click();
  await page.locator('#inquiry-card .status', { hasText: '대기 중' }).waitFor();
  await page.locator('.conversation .msg .body', { hasText: '분리판 코팅 기술로' }).waitFor();

  // the recipient reads and accepts it
  await item.locator('a').click();
  await recipient.locator('#inquiry-card').waitFor();
  await recipient.locator('.conversation .msg .body', { hasText: '분리판 코팅 기술로 수소연료전지 공동개발을 제안드립니다.' }).waitFor();
  // reading it clears its unread count in the list and the top bar
  await recipient.locator('#conversation-list .list-item.selected').waitFor();
  await recipient.locator('#conversation-list .list-item.selected .badge').waitFor({ state: 'detached' });
  await recipient.locator('.topbar .nav-link .badge').waitFor({ state: 'detached' });
  await recipient.locator('#inquiry-card button', { hasText: '수락' }).click();
  await recipient.locator('#inquiry-card .status', { hasText: '수락됨' }).waitFor();
  await recipient.locator('#inquiry-list .inquiry .status', { hasText: '수락됨' }).waitFor();
  await recipient.locator('.conversation .msg.system').first().waitFor(); // shown from the reply
  await screenshots(recipient, 'inbox', fromTop(recipient));

  // the sender sees the decision live, on the card and in the list
  await page.locator('#inquiry-card .status', { hasText: '수락됨' }).waitFor({ timeout: 15000 });
  await page.locator('.conversation .msg.system').first().waitFor(); // the decision, in the conversation
  await until(async () => (await page.locator('#inquiry-list .inquiry', { hasText: subject }).locator('.status').textContent()) === '수락됨',
    'the sender\'s inquiry list showing 수락됨');
  assert.equal(await page.locator('#inquiry-card button', { hasText: '수락' }).count(), 0, 'the sender cannot decide');
  assert.deepEqual([...page.errors, ...recipient.errors], []);
});
