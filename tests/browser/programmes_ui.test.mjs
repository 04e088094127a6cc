// The 지원사업 screens (issue 14, item 5) through real Chromium and the real server. The programmes
// are the test's own (tests/lib/programme_fixture.mjs: imported by an admin through
// programme.import), so nothing here can pass by accident on other data:
//  - a member (member01a, revenue left blank) opens 지원사업 from the top navigation, sees the three
//    buckets with their counts and the "새 공고" marks, opens the programme whose revenue rule is
//    UNKNOWN (확인 필요), reads the line quoting "매출액 100억원 이하 기업", enters the revenue on the
//    prompt "매출액을 입력하면 확인할 수 있습니다" and sees it move to 신청 가능 at once, there and in
//    the list; saves it (the saved list, the .ics);
//  - a coordinator sees the programmes that fit many members of the consortium, posts one to the
//    channel, and a member of the consortium sees it in the channel;
//  - a company signs up (the test's SMTP sink receives the link), confirms, sees its matches on
//    지원사업 but not the consortium's rooms; in English it answers two prompts ("Enter your
//    revenue to check", then the size) and sees the programme become Eligible.
// Screenshots in build/screenshots/programmes-*.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { signedIn } from '../lib/moa.mjs';
import { parseMail } from '../lib/smtp_sink.mjs';
import { importTestFeed, TITLES, seoulDate } from '../lib/programme_fixture.mjs';
import { launch, newPage, signIn, screenshots, until, serverWithMail, stopServerWithMail } from './ui_helpers.mjs';

let mail, srv, sink, browser, base;
const COMPANY = { company: '(주)모아정밀', bizno: '305-87-04125', region: '대전', name: '정모아', email: 'ceo@moa-precision.example' };
const PW = 'moa-precision-2026';

before(async () => {
  mail = await serverWithMail();
  ({ srv, sink, base } = mail);
  const [admin, member] = await Promise.all([signedIn(srv, 'admin@moa.example'), signedIn(srv, 'member01a@moa.example')]);
  const r = await importTestFeed(admin);
  assert.equal(r.report.new, 3);
  // the member's company has no revenue entered: the revenue rule is UNKNOWN for it
  await member.call('org.profile_update', { changes: { revenue: null } });
  await Promise.all([admin.close(), member.close()]);
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await stopServerWithMail(mail);
});

const tabText = (page, b) => page.locator(`#pg-tab-${b}`).textContent();
const itemOf = (page, title) => page.locator('#pg-list .pg-item', { hasText: title });

test('Korean: a member opens 지원사업, sees the buckets, answers the revenue prompt and the programme moves to 신청 가능', async () => {
  const page = await newPage(browser, { label: 'member' });
  await signIn(page, base, 'member01a@moa.example');
  await page.locator('nav a[href="#/programmes"]').click();
  await page.locator('#pg-tab-eligible').waitFor();
  assert.equal(await page.locator('nav a[href="#/programmes"]').textContent(), '지원사업');
  assert.equal(await page.locator('#pg-matches h1').textContent(), '지원사업');
  assert.equal(await tabText(page, 'eligible'), '신청 가능 1');
  assert.equal(await tabText(page, 'check'), '확인 필요 1');
  assert.equal(await tabText(page, 'ineligible'), '신청 불가 1');
  // 신청 가능 first: the programme without conditions, new since no visit before
  const all = itemOf(page, TITLES.all);
  assert.equal(await all.count(), 1);
  assert.equal(await all.locator('.chip.new').textContent(), '새 공고');
  assert.match(await all.textContent(), new RegExp(`마감 ${seoulDate(2)} \\(D-2\\)`));
  await screenshots(page, 'programmes-list-ko');
  await page.locator('#pg-tab-check').click();
  const rev = itemOf(page, TITLES.rev);
  assert.equal(await rev.locator('.chip[data-bucket]').textContent(), '확인 필요');
  assert.equal(await itemOf(page, TITLES.all).count(), 0, 'one bucket at a time');
  await rev.locator('a.pg-title').click();
  await page.locator('#pg-verdict').waitFor();
  assert.equal(await page.locator('#pg-title').textContent(), TITLES.rev);
  assert.equal(await page.locator('#pg-bucket').textContent(), '확인 필요');
  assert.equal(await page.locator('#pg-notice-link').getAttribute('href'), 'https://example.org/notice/t-rev');
  assert.match(await page.locator('.pg-facts').textContent(), new RegExp(`${seoulDate(20)} 23:59 \\(한국 시간\\)`));
  const unknown = page.locator('.pg-line[data-kind=unknown]');
  assert.equal(await unknown.locator('.pg-attr').textContent(), '매출액 (최근 연도)');
  assert.equal(await unknown.locator('.pg-evidence').textContent(), '매출액 100억원 이하 기업');
  assert.match(await unknown.textContent(), /미입력/);
  const prompt = page.locator('form.pg-prompt[data-attr=revenue]');
  assert.equal(await prompt.locator('label').textContent(), '매출액을 입력하면 확인할 수 있습니다');
  await screenshots(page, 'programmes-prompt-ko');
  await prompt.locator('input').fill('5,000,000,000');
  await prompt.locator('button[type=submit]').click();
  await until(async () => (await page.locator('#pg-bucket').textContent()) === '신청 가능', 'moved to 신청 가능');
  assert.equal(await page.locator('form.pg-prompt').count(), 0, 'nothing left to enter');
  const why = page.locator('.pg-line[data-attr=revenue]');
  assert.equal(await why.getAttribute('data-kind'), 'why');
  assert.match(await why.textContent(), /충족.*5,000,000,000/);
  await screenshots(page, 'programmes-eligible-ko');
  // save it: the button, the .ics, the saved list
  await page.locator('#pg-save').click();
  await until(async () => (await page.locator('#pg-save').textContent()) === '저장 취소', 'saved');
  const ics = await page.request.get(`${base}${await page.locator('#pg-ics').getAttribute('href')}`);
  assert.equal(ics.status(), 200);
  assert.match(await ics.text(), new RegExp(`SUMMARY:\\[마감\\] ${TITLES.rev}`));
  await page.locator('a[href="#/programmes"]').first().click();
  await page.locator('#pg-tab-eligible').waitFor();
  assert.equal(await tabText(page, 'eligible'), '신청 가능 2');
  assert.equal(await tabText(page, 'check'), '확인 필요 0');
  assert.equal(await itemOf(page, TITLES.rev).locator('.chip[data-bucket]').textContent(), '신청 가능');
  assert.equal(await page.locator('#pg-list .chip.new').count(), 0, 'seen on the previous visit: not new any more');
  await until(async () => (await page.locator('#pg-saved').textContent()).includes(TITLES.rev), 'in the saved list');
  // a filter with nothing to show says what to do
  await page.locator('#pg-q').fill('존재하지않는검색어');
  await page.locator('#pg-filters button[type=submit]').click();
  await until(async () => (await page.locator('#pg-empty').count()) === 1, 'empty state');
  assert.equal(await page.locator('#pg-empty').textContent(), '조건에 맞는 지원사업이 없습니다. 찾기 조건을 바꾸거나 초기화해 보세요.');
  await page.locator('#pg-clear').click();
  await until(async () => (await itemOf(page, TITLES.all).count()) === 1, 'reset');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('a coordinator posts a programme that fits many members to the channel; a member sees it there', async () => {
  const coord = await newPage(browser, { label: 'coordinator' });
  await signIn(coord, base, 'coord01@moa.example', { hash: '#/programmes' });
  await coord.goto(`${base}/#/programmes`);
  const fit = coord.locator('#pg-fits .pg-item', { hasText: TITLES.all });
  await fit.waitFor();
  assert.match(await fit.textContent(), /신청 가능 \d+개사 · 확인 필요 \d+개사/);
  const n = Number(/신청 가능 (\d+)개사/.exec(await fit.textContent())[1]);
  assert.ok(n >= 2, `fits ${n} members`);
  await fit.locator('button.pg-post').click();
  const status = coord.locator('#pg-fits-panel .form-status');
  await until(async () => (await status.textContent()).startsWith('채널에 공유했습니다.'), 'posted');
  const channel = await status.locator('a').getAttribute('href');
  assert.match(channel, /^#\/inbox\/\d+$/);
  await fit.scrollIntoViewIfNeeded();
  await screenshots(coord, 'programmes-coordinator-ko');
  await coord.context().close();
  const member = await newPage(browser, { label: 'member01b' });
  await signIn(member, base, 'member01b@moa.example');
  await member.goto(`${base}/${channel}`);
  await until(async () => (await member.locator('main').textContent()).includes(`[지원사업 공유] ${TITLES.all}`), 'the post in the channel');
  assert.match(await member.locator('main').textContent(), new RegExp(`${seoulDate(2)} 23:59 마감`));
  await screenshots(member, 'programmes-channel-post-ko');
  // the programme's page named in the post is a link: it opens the programme
  await member.locator('main a.app-link[href^="#/programmes/"]').last().click();
  await member.locator('#pg-title').waitFor();
  assert.equal(await member.locator('#pg-title').textContent(), TITLES.all);
  assert.deepEqual(member.errors, []);
  await member.context().close();
});

test('a company signs up, confirms, sees its matches but not the consortium\'s rooms; in English it answers the prompts', async () => {
  const page = await newPage(browser, { label: 'company' });
  await page.goto(`${base}/#/signup`);
  await page.locator('#su-company').waitFor();
  await page.locator('#su-company').fill(COMPANY.company);
  await page.locator('#su-bizno').fill(COMPANY.bizno);
  await page.locator('#su-region').selectOption(COMPANY.region);
  await page.locator('#su-name').fill(COMPANY.name);
  await page.locator('#su-email').fill(COMPANY.email);
  await page.locator('#su-password').fill(PW);
  await page.locator('#su-password2').fill(PW);
  await page.locator('#signup-submit').click();
  await page.locator('#signup-sent').waitFor({ timeout: 60000 });
  const mail = await sink.next((m) => m.to.includes(COMPANY.email));
  const link = new RegExp(`${base.replace(/[.]/g, '\\.')}/#/signup/confirm/[A-Za-z0-9_-]{43}`).exec(parseMail(mail.data).body)?.[0];
  assert.ok(link);
  await page.goto(link);
  await page.locator('#company-notice').waitFor();
  // 지원사업 is open to it: its own matches (대전, nothing entered yet but the sign-up's facts)
  await page.locator('nav a[href="#/programmes"]').click();
  await page.locator('#pg-tab-eligible').waitFor();
  assert.equal(await tabText(page, 'eligible'), '신청 가능 1');
  assert.equal(await tabText(page, 'check'), '확인 필요 1');
  assert.equal(await tabText(page, 'ineligible'), '신청 불가 1');
  assert.equal(await itemOf(page, TITLES.all).count(), 1);
  assert.match(await page.locator('#pg-fill').textContent(), /비워 둔 기업 정보가 \d+개 있습니다/);
  assert.equal(await page.locator('#pg-fits-panel').count(), 0, 'no coordinator panel');
  await page.locator('#pg-tab-ineligible').click();
  await itemOf(page, TITLES.seoul).locator('a.pg-title').click();
  await page.locator('#pg-verdict').waitFor();
  const whyNot = page.locator('.pg-line[data-kind=why_not]');
  assert.match(await whyNot.textContent(), /미충족.*본사 소재지.*대전/);
  assert.equal(await whyNot.locator('.pg-evidence').textContent(), TITLES.seoul);
  await screenshots(page, 'programmes-company-why-not-ko');
  // ... but no consortium's rooms
  await page.goto(`${base}/#/consortium/1`);
  await page.locator('#rooms-outsider').waitFor();
  assert.equal(await page.locator('#room-list').count(), 0);
  // English: the programme to check, its prompts in English, answered one after the other
  await page.goto(`${base}/#/programmes`);
  await page.locator('#pg-tab-check').waitFor();
  await page.locator('#lang-switch').click();
  await until(async () => (await tabText(page, 'check')) === 'To check 1', 'English tabs');
  assert.equal(await tabText(page, 'eligible'), 'Eligible 1');
  assert.equal(await page.locator('nav a[href="#/programmes"]').textContent(), 'Programmes');
  await page.locator('#pg-tab-check').click();
  await itemOf(page, TITLES.rev).locator('a.pg-title').click();
  await page.locator('#pg-verdict').waitFor();
  assert.equal(await page.locator('#pg-bucket').textContent(), 'To check');
  const revenue = page.locator('form.pg-prompt[data-attr=revenue]');
  assert.equal(await revenue.locator('label').textContent(), 'Enter your revenue to check');
  await screenshots(page, 'programmes-prompt-en');
  await revenue.locator('input').fill('800000000');
  await revenue.locator('button[type=submit]').click();
  await until(async () => (await page.locator('form.pg-prompt[data-attr=revenue]').count()) === 0, 'revenue answered');
  assert.equal(await page.locator('#pg-bucket').textContent(), 'To check', 'the company size is still blank');
  const size = page.locator('form.pg-prompt[data-attr=size]');
  await size.locator('select').selectOption('small');
  await size.locator('button[type=submit]').click();
  await until(async () => (await page.locator('#pg-bucket').textContent()) === 'Eligible', 'Eligible');
  assert.match(await page.locator('.pg-line[data-attr=revenue]').textContent(), /Met.*800,000,000/);
  await screenshots(page, 'programmes-eligible-en');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('an admin uploads a feed file and tightens a programme\'s rules; a member\'s verdict follows', async () => {
  const page = await newPage(browser, { label: 'admin' });
  await signIn(page, base, 'admin@moa.example');
  await page.goto(`${base}/#/programmes`);
  await page.locator('#pg-no-org').waitFor();
  assert.equal(await page.locator('#pg-no-org').textContent(), '이 계정은 소속 기업이 없어 지원사업을 판정할 수 없습니다. 관리자는 아래에서 공고 규칙과 파일을 관리할 수 있습니다.');
  // the upload: the command line's result line and the rejected item
  const csv = 'source_id,title,agency,period\nU-1,"모아 검증용 업로드 공고",업로드시험청,상시\nU-2,"잘못된 공고",업로드시험청,2026-02-30 ~ 2026-03-10\n';
  await page.locator('#pg-import-source').fill('upload_test');
  await page.locator('#pg-import-format').selectOption('csv');
  await page.locator('#pg-import-file').setInputFiles({ name: 'upload.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await page.locator('#pg-import button[type=submit]').click();
  const status = page.locator('#pg-import .form-status');
  await until(async () => (await status.textContent()).startsWith('upload_test:'), 'imported');
  assert.equal(await status.textContent(), 'upload_test: 1 items: 1 new, 0 changed, 0 unchanged, 0 merged with another feed, '
    + '0 amendments, 0 withdrawn, 0 closed, 1 rejected.');
  assert.match(await page.locator('#pg-import-rejects').textContent(), /2 \(U-2\): period "2026-02-30 ~ 2026-03-10": impossible date/);
  await page.locator('#pg-import-panel').scrollIntoViewIfNeeded();
  await screenshots(page, 'programmes-admin-upload-ko');
  // the rules of the revenue programme: a stricter cap, reviewed
  const member = await signedIn(srv, 'member01a@moa.example');
  const { programmes } = await member.call('programme.matches', { mark_visit: false });
  const rev = programmes.find((p) => p.title === TITLES.rev).id;
  await page.goto(`${base}/#/programmes/${rev}`);
  await page.locator('#pg-rules-text').waitFor();
  assert.equal(await page.locator('#pg-title').textContent(), TITLES.rev, 'the admin reads the programme it reviews');
  assert.equal(await page.locator('#pg-verdict p').textContent(), '이 계정은 소속 기업이 없어 판정하지 않습니다.');
  assert.match(await page.locator('#pg-rules-text').inputValue(), /^revenue \| le \| 10000000000 \| required \| 0 \| 매출액 100억원 이하 기업$/m);
  await page.locator('#pg-rules-text').fill('revenue | le | 3000000000 | required | 0 | 매출액 30억원 이하 (검토자 확인)');
  await page.locator('#pg-rules-form button[type=submit]').click();
  await until(async () => (await page.locator('#pg-rules-form .form-status').textContent()) === '규칙을 저장하고 모든 기업을 다시 판정했습니다.', 'rules saved');
  assert.match(await page.locator('#pg-rules').textContent(), /reviewer/);
  await screenshots(page, 'programmes-admin-rules-ko');
  const g = await member.call('programme.get', { programme_id: rev });
  assert.equal(g.match.bucket, 'ineligible', 'member01a entered 5,000,000,000 won: over the reviewed cap');
  assert.equal(g.lines[0].evidence, '매출액 30억원 이하 (검토자 확인)');
  // a bad rule: the server's message, nothing changed
  await page.locator('#pg-rules-text').fill('revenue | le | -1 | required | 0 | 음수');
  await page.locator('#pg-rules-form button[type=submit]').click();
  await until(async () => (await page.locator('#pg-rules-form .form-status').textContent()).startsWith('rules[0]: '), 'refused');
  assert.equal((await member.call('programme.get', { programme_id: rev })).lines[0].evidence, '매출액 30억원 이하 (검토자 확인)');
  await member.close();
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
