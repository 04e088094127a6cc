// Chat as in a team messenger, through real Chromium and the real server (issue 15): in the
// consortium's channel A types @ and the start of B's name, picks B from the list with the
// keyboard and sends; B's inbox counts the unread mention and lists it, the message shows B's
// name highlighted, reading the channel clears the count; B finds messages with the search box
// (matches marked) and opens one's conversation; while B's tab is hidden a mention and a direct
// message raise browser notifications (none while it is visible); B replies in a thread to A's
// question (A sees the count live and opens the thread), A reacts 👍 and B joins, live both ways.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, seededDb, cleanup } from '../lib/moa.mjs';
import { launch, newPage, signIn, screenshots, until } from './ui_helpers.mjs';

let srv, db, browser, a, b, channel, bName;
before(async () => {
  db = seededDb();
  srv = await startServer({ db: db.path });
  browser = await launch();
  a = await newPage(browser, { label: 'A' });
  b = await newPage(browser, { label: 'B' });
  await signIn(a, srv.url, 'member01a@moa.example');
  await signIn(b, srv.url, 'member01b@moa.example');
  channel = await a.evaluate(async () => (await window.moa.rpc.request('chat.conversations', {}))
    .conversations.find((c) => c.kind === 'channel' && c.consortium_id === 1).id);
  bName = await b.evaluate(() => window.moa.rpc.user.name);
  // B's browser: notifications allowed, recorded (headless Chromium shows none), visibility controllable
  await b.evaluate(() => {
    window.shown = [];
    window.Notification = class { static permission = 'granted'; static requestPermission() { return Promise.resolve('granted'); }
      constructor(title, opts) { window.shown.push({ title, body: opts?.body }); } close() {} };
    window.hideTab = (hidden) => {
      Object.defineProperty(document, 'hidden', { configurable: true, get: () => hidden });
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => (hidden ? 'hidden' : 'visible') });
    };
  });
});
after(async () => {
  const errors = [...(a?.errors || []), ...(b?.errors || [])];
  await browser?.close();
  await srv?.stop();
  cleanup(db?.dir);
  assert.deepEqual(errors, [], 'no page errors');
});

test('@ and part of a name lists the people of the conversation; the keyboard picks one', async () => {
  await a.goto(`${srv.url}/#/inbox/${channel}`);
  const box = a.locator('#inbox-detail textarea.chat-input');
  await box.waitFor();
  await box.click();
  await box.pressSequentially(`내일 회의 자료는 @${[...bName][0]}`);
  const list = a.locator('#inbox-detail .mention-list');
  await list.locator('.mention-option', { hasText: bName }).waitFor();
  assert.equal(await box.getAttribute('aria-autocomplete'), 'list');
  // arrows move, Enter picks (and does not send)
  const names = await list.locator('.mention-option').allTextContents();
  const idx = names.findIndex((n) => n === `@${bName}`);
  assert.ok(idx >= 0, `B in the list: ${names.join(', ')}`);
  for (let i = 0; i < idx; i++) await box.press('ArrowDown');
  assert.equal(await list.locator('.mention-option.active').textContent(), `@${bName}`);
  await screenshots(a, 'chat-mention-picker', { prepare: async () => { await box.focus(); } });
  await box.press('Enter');
  assert.equal(await list.isHidden(), true);
  assert.equal(await box.inputValue(), `내일 회의 자료는 @${bName} `);
  assert.equal(await a.locator('#inbox-detail .msg', { hasText: '내일 회의 자료는' }).count(), 0, 'Enter picked, not sent');
  await box.pressSequentially('님께 부탁드립니다');
  await box.press('Enter');
  await a.locator('#inbox-detail .msg.mine .body', { hasText: `@${bName} 님께 부탁드립니다` }).waitFor();
  // Escape closes the list
  await box.pressSequentially(`@${[...bName][0]}`);
  await list.locator('.mention-option').first().waitFor();
  await box.press('Escape');
  assert.equal(await list.isHidden(), true);
  await box.fill('');
});

test('the mention: counted and listed in B\'s inbox, highlighted in the message, cleared by reading', async () => {
  await b.goto(`${srv.url}/#/inbox`);
  const count = b.locator('#mentions-unread');
  await until(async () => (await count.isVisible()) && (await count.textContent()) === '1', 'an unread mention count of 1');
  assert.equal(await count.getAttribute('aria-label'), '읽지 않은 언급 1개');
  const item = b.locator('#mention-list .mention-item.unread', { hasText: `@${bName} 님께 부탁드립니다` });
  await item.waitFor();
  await screenshots(b, 'chat-mentions-inbox');
  await item.locator('a').click();
  const msg = b.locator('#inbox-detail .msg.mentions-me', { hasText: '내일 회의 자료는' });
  await msg.waitFor();
  assert.equal(await msg.locator('.mention.me').textContent(), `@${bName}`);
  await until(async () => await count.isHidden(), 'the count gone once read');
  assert.equal(await b.locator('#mention-list .mention-item.unread').count(), 0);
});

test('search finds messages in every conversation B may read, matches marked', async () => {
  await a.evaluate((id) => window.moa.rpc.request('chat.send', { conversation_id: id, body: '수소연료전지 시험 성적서 올립니다' }), channel);
  await b.goto(`${srv.url}/#/inbox`);
  await b.locator('#chat-search').fill('연료전지');
  const hit = b.locator('#chat-search-results .search-hit', { hasText: '시험 성적서' });
  await hit.waitFor();
  assert.equal(await hit.locator('mark').first().textContent(), '연료전지');
  await hit.locator('a').click();
  await b.waitForFunction((id) => location.hash === `#/inbox/${id}`, channel);
  await b.locator('#inbox-detail .msg .body', { hasText: '수소연료전지 시험 성적서' }).waitFor();
  await b.locator('#chat-search').fill('없는말없는말');
  await b.locator('[role=status]', { hasText: '"없는말없는말"이(가) 들어간 메시지가 없습니다.' }).waitFor();
});

test('while B\'s tab is hidden, a mention and a direct message raise notifications', async () => {
  await b.goto(`${srv.url}/#/home`);
  await b.locator('#signout').waitFor();
  await b.evaluate(() => { window.shown.length = 0; });
  // visible: nothing
  await a.evaluate(({ id, n }) => window.moa.rpc.request('chat.send', { conversation_id: id, body: `@${n} 보이는 중` }), { id: channel, n: bName });
  await new Promise((r) => setTimeout(r, 800));
  assert.deepEqual(await b.evaluate(() => window.shown), []);
  await b.evaluate(() => window.hideTab(true));
  const aName = await a.evaluate(() => window.moa.rpc.user.name);
  await a.evaluate(({ id, n }) => window.moa.rpc.request('chat.send', { conversation_id: id, body: `@${n} 숨은 중에 언급` }), { id: channel, n: bName });
  await until(() => b.evaluate(() => window.shown.length === 1), 'a notification for the mention');
  assert.deepEqual(await b.evaluate(() => window.shown[0]), { title: `${aName} 님이 회원님을 언급했습니다`, body: `@${bName} 숨은 중에 언급` });
  // a plain channel message: no notification; a direct message: one
  await a.evaluate((id) => window.moa.rpc.request('chat.send', { conversation_id: id, body: '채널의 일반 메시지' }), channel);
  const bId = await b.evaluate(() => window.moa.rpc.user.id);
  await a.evaluate(async (uid) => {
    const { conversation_id: dm } = await window.moa.rpc.request('chat.direct', { user_ids: [uid] });
    await window.moa.rpc.request('chat.send', { conversation_id: dm, body: '따로 여쭤볼 것이 있습니다' });
  }, bId);
  await until(() => b.evaluate(() => window.shown.length === 2), 'a notification for the direct message');
  assert.deepEqual(await b.evaluate(() => window.shown[1]), { title: `${aName} 님의 메시지`, body: '따로 여쭤볼 것이 있습니다' });
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(await b.evaluate(() => window.shown.length), 2, 'nothing for the plain channel message');
  await b.evaluate(() => window.hideTab(false));
});

test('a reply in a thread, counted on its parent live; a reaction given and joined, seen live', async () => {
  await a.goto(`${srv.url}/#/inbox/${channel}`);
  await b.goto(`${srv.url}/#/inbox/${channel}`);
  const aBox = a.locator('#inbox-detail textarea.chat-input').first();
  await aBox.waitFor();
  await aBox.fill('다음 주 워크숍 장소 의견 주세요');
  await aBox.press('Enter');
  const onB = b.locator('#inbox-detail .chat-log:not(.thread-log) > .msg', { hasText: '다음 주 워크숍 장소 의견 주세요' });
  await onB.waitFor();
  // B replies in the thread
  await onB.locator('button.reply').click();
  const paneB = b.locator('#inbox-detail .thread');
  await paneB.waitFor();
  // the pane opens at once and shows its parent when the thread's messages have come
  await paneB.locator('.thread-parent', { hasText: '다음 주 워크숍 장소 의견 주세요' }).waitFor();
  await paneB.locator('textarea.thread-input').fill('대전 컨벤션센터 어떨까요?');
  await paneB.locator('textarea.thread-input').press('Enter');
  await paneB.locator('.thread-log .msg', { hasText: '대전 컨벤션센터 어떨까요?' }).waitFor();
  await onB.locator('.thread-link', { hasText: '답글 1개' }).waitFor();
  // A sees the count live, not the reply in the conversation itself, and opens the thread
  const onA = a.locator('#inbox-detail .chat-log:not(.thread-log) > .msg', { hasText: '다음 주 워크숍 장소 의견 주세요' });
  await onA.locator('.thread-link', { hasText: '답글 1개' }).waitFor();
  assert.equal(await a.locator('#inbox-detail .chat-log:not(.thread-log) > .msg', { hasText: '대전 컨벤션센터' }).count(), 0);
  await onA.locator('.thread-link').click();
  const paneA = a.locator('#inbox-detail .thread');
  await paneA.locator('.thread-log .msg', { hasText: '대전 컨벤션센터 어떨까요?' }).waitFor();

  // A reacts 👍 to the question; B sees it live and joins
  await onA.locator('.react-picker summary').click();
  await onA.locator('.react-choice[data-emoji="👍"]').click();
  const aThumb = onA.locator('.reaction[data-emoji="👍"]');
  await until(async () => (await aThumb.count()) === 1 && (await aThumb.textContent()) === '👍 1', 'A\'s 👍 1');
  assert.equal(await aThumb.getAttribute('aria-pressed'), 'true');
  const bThumb = onB.locator('.reaction[data-emoji="👍"]');
  await until(async () => (await bThumb.count()) === 1 && (await bThumb.textContent()) === '👍 1', 'B seeing 👍 1 live');
  assert.equal(await bThumb.getAttribute('aria-pressed'), 'false');
  await bThumb.click();
  await until(async () => (await bThumb.textContent()) === '👍 2' && (await bThumb.getAttribute('aria-pressed')) === 'true', 'B joined: 👍 2');
  await until(async () => (await aThumb.textContent()) === '👍 2', 'A seeing 👍 2 live');
  await screenshots(a, 'chat-thread', { prepare: () => a.evaluate(() => window.scrollTo(0, 0)) });
});
