// A company outside the consortia signs itself up, through real Chromium, the real server and a
// real SMTP exchange with the test's mail sink (tests/lib/smtp_sink.mjs), in Korean and in
// English: from the sign-in page's "기업 회원 가입" link it fills the form, is told next to the
// field when its business number's check digit is wrong or its e-mail already has an account,
// is told to check its mail, opens the link the mail carries (the very URL in the mail), lands
// signed in on a home page that says what a company account has; finds itself in the partner
// directory; on a consortium's page it sees no rooms (a plain sentence saying why) and no
// channel. The used link opened again says it was used. A coordinator adds the company's
// organization from the consortium's page; the company's home then lists the consortium and its
// page shows the rooms.
// Screenshots in build/screenshots/signup-*.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { parseMail } from '../lib/smtp_sink.mjs';
import { launch, newPage, signIn, screenshots, SCREENSHOTS, until, serverWithMail, stopServerWithMail } from './ui_helpers.mjs';

let mail, sink, browser, base;
const PW = 'hanbit-signup-2026';
const KO = { company: '(주)한빛로보틱스', bizno: '305-87-04125', region: '대전', name: '한빛나', email: 'ceo@hanbit-robotics.example' };
const EN = { company: 'Seorak Sensors Ltd', bizno: '608-87-02555', region: '강원', name: 'Jamie Park', email: 'jamie@seorak-sensors.example' };

before(async () => {
  mail = await serverWithMail();
  ({ sink, base } = mail);
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await stopServerWithMail(mail);
});

async function fill(page, who, { bizno = who.bizno, email = who.email } = {}) {
  await page.locator('#su-company').fill(who.company);
  await page.locator('#su-bizno').fill(bizno);
  await page.locator('#su-region').selectOption(who.region);
  await page.locator('#su-name').fill(who.name);
  await page.locator('#su-email').fill(email);
  await page.locator('#su-password').fill(PW);
  await page.locator('#su-password2').fill(PW);
}

// The link in the mail sent to address, checked to be this server's confirmation link.
async function mailedLink(address) {
  const mail = await sink.next((m) => m.to.includes(address));
  const { headers, body } = parseMail(mail.data);
  assert.equal(headers.subject, '[모아] 기업 회원 가입을 확인해 주세요 · Confirm your company sign-up');
  const link = new RegExp(`${base.replace(/[.]/g, '\\.')}/#/signup/confirm/[A-Za-z0-9_-]{43}`).exec(body)?.[0];
  assert.ok(link, body);
  return { link, body };
}

let koLink, koPage;
test('Korean: sign-up from the sign-in page, errors by their fields, the mail, the link, home', async () => {
  koPage = await newPage(browser, { label: 'company-ko' });
  const page = koPage;
  await page.goto(`${base}/#/signin`);
  await page.locator('#signup-link').click();
  await page.locator('#su-company').waitFor();
  assert.equal(await page.locator('#signup-title').textContent(), '기업 회원 가입');
  // A wrong check digit is caught at once, next to its field; nothing is sent.
  await fill(page, KO, { bizno: '305-87-04126' });
  await page.locator('#signup-submit').click();
  assert.equal(await page.locator('#su-bizno-error').textContent(), '올바른 사업자등록번호가 아닙니다. 10자리 숫자와 마지막 검증 숫자를 확인하세요.');
  assert.equal(await page.locator('#su-bizno').getAttribute('aria-invalid'), 'true');
  await screenshots(page, 'signup-form-error-ko');
  // An e-mail that already has an account: the server's refusal, next to the e-mail.
  await fill(page, KO, { email: 'member01a@moa.example' });
  await page.locator('#signup-submit').click();
  await until(async () => (await page.locator('#su-email-error').textContent()) === '이 이메일로 가입한 계정이 이미 있습니다. 로그인하세요.', 'email taken');
  assert.equal(await page.locator('#su-bizno-error').textContent(), '');
  assert.equal(sink.messages.length, 0, 'no mail for refused sign-ups');
  await fill(page, KO);
  await page.locator('#signup-submit').click();
  await page.locator('#signup-sent').waitFor({ timeout: 60000 });
  assert.equal(await page.locator('#signup-sent').textContent(), `${KO.email} 주소로 확인 링크를 보냈습니다. 메일의 링크를 열면 가입이 끝납니다.`);
  await screenshots(page, 'signup-sent-ko');
  const { link, body } = await mailedLink(KO.email);
  assert.match(body, /한빛나님, 안녕하세요/);
  assert.ok(body.indexOf('안녕하세요') < body.indexOf('Hello'), 'Korean first for a Korean sign-up');
  koLink = link;
  await page.goto(link);
  await page.locator('#company-notice').waitFor();
  assert.equal(new URL(page.url()).hash, '#/home', 'the used link left the address bar');
  assert.equal(await page.locator('#h-company').textContent(), '협의체 밖의 기업 계정');
  assert.match(await page.locator('#company-notice').textContent(), /\(주\)한빛로보틱스은\(는\) 아직 어느 협의체에도 속하지 않았습니다/);
  assert.equal(await page.locator('.who').textContent(), KO.name);
  assert.equal(await page.locator('#my-consortia').count(), 0);
  await screenshots(page, 'signup-home-ko');
  assert.deepEqual(page.errors, []);
});

test('Korean: the company finds itself in the partner directory, and no consortium rooms or channel', async () => {
  const page = koPage;
  await page.locator('#company-notice a[href="#/partners"]').click();
  await page.goto(`${base}/#/partners?q=${encodeURIComponent('한빛로보틱스')}`);
  await until(async () => (await page.locator('main').textContent()).includes(KO.company), 'its own organization in the results');
  await screenshots(page, 'signup-partners-ko');
  await page.goto(`${base}/#/consortium/1`);
  await page.locator('#rooms-outsider').waitFor();
  assert.equal(await page.locator('#rooms-outsider').textContent(), '이 협의체의 회원 기관만 회의실을 볼 수 있습니다. 협의체 코디네이터가 귀사를 추가하면 열립니다.');
  assert.equal(await page.locator('#room-list').count(), 0);
  await until(async () => (await page.locator('.channel').textContent()).includes('협의체 채널은 구성원만 볼 수 있습니다.'), 'channel closed');
  assert.equal(await page.locator('#add-org').count(), 0, 'no coordinator panel for a company');
  await screenshots(page, 'signup-consortium-outsider-ko');
  // The inbox lists no consortium channel either.
  const convs = await page.evaluate(() => window.moa.rpc.request('chat.conversations', {}));
  assert.equal(convs.conversations.filter((c) => c.kind === 'channel').length, 0);
});

test('the used link, opened again in another browser, says so and points to sign-in', async () => {
  const page = await newPage(browser, { label: 'reuse' });
  await page.goto(koLink);
  await page.locator('#signup-confirm-error').waitFor();
  assert.equal(await page.locator('#signup-confirm-error').textContent(), '이미 사용한 확인 링크입니다. 이메일과 비밀번호로 로그인하세요.');
  assert.equal(await page.locator('#signup-panel a.button[href="#/signin"]').count(), 1);
  await screenshots(page, 'signup-link-used-ko');
  await page.goto(`${base}/#/signup/confirm/${'x'.repeat(43)}`);
  await until(async () => (await page.locator('#signup-confirm-error').textContent()) === '올바른 확인 링크가 아닙니다. 메일의 링크 전체를 열었는지 확인하세요.', 'made-up link');
  await page.context().close();
});

test('English: the same sign-up in English, the mail English first, home and a consortium in English', async () => {
  const page = await newPage(browser, { label: 'company-en' });
  await page.goto(`${base}/#/signup`);
  await page.locator('#su-company').waitFor();
  await page.locator('#lang-switch').click();
  await until(async () => (await page.locator('#signup-title').textContent()) === 'Company sign-up', 'English title');
  assert.equal(await page.locator('label[for=su-bizno]').textContent(), 'Business registration number');
  await fill(page, EN, { bizno: '6088702556' });
  await page.locator('#signup-submit').click();
  assert.equal(await page.locator('#su-bizno-error').textContent(), 'Not a valid business registration number: check the 10 digits and the last, check digit.');
  await fill(page, EN);
  await page.locator('#signup-submit').click();
  await page.locator('#signup-sent').waitFor({ timeout: 60000 });
  assert.equal(await page.locator('#signup-sent').textContent(), `A confirmation link was sent to ${EN.email}. Open it to finish signing up.`);
  await screenshots(page, 'signup-sent-en');
  const { link, body } = await mailedLink(EN.email);
  assert.ok(body.indexOf('Hello Jamie Park,') < body.indexOf('Jamie Park님, 안녕하세요'), 'English first for an English sign-up');
  await page.goto(link);
  await page.locator('#company-notice').waitFor();
  assert.equal(await page.locator('#h-company').textContent(), 'Company account outside the consortia');
  assert.match(await page.locator('#company-notice').textContent(), /Seorak Sensors Ltd is not in a consortium yet/);
  await screenshots(page, 'signup-home-en');
  await page.goto(`${base}/#/consortium/1`);
  await page.locator('#rooms-outsider').waitFor();
  assert.equal(await page.locator('#rooms-outsider').textContent(), 'Only this consortium\'s member organizations see its rooms. They open once a coordinator adds your company.');
  await screenshots(page, 'signup-consortium-outsider-en');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('a coordinator adds the company to the consortium; the company then sees its rooms', async () => {
  const coord = await newPage(browser, { label: 'coordinator' });
  await signIn(coord, base, 'coord01@moa.example', { hash: '#/consortium/1' });
  await coord.goto(`${base}/#/consortium/1`);
  await coord.locator('#add-org summary').click();
  await coord.locator('#add-org-query').fill('한빛로보틱스');
  await coord.locator('#add-org button[type=submit]').click();
  const item = coord.locator('.add-org-item', { hasText: KO.company });
  await item.waitFor();
  await item.locator('button').click();
  await until(async () => (await coord.locator('#add-org-status').textContent()) === `${KO.company}을(를) 협의체에 추가했습니다.`, 'added');
  await coord.locator('#add-org').scrollIntoViewIfNeeded();
  await coord.screenshot({ path: join(SCREENSHOTS, 'signup-coordinator-added-1280x800.png') });
  await coord.context().close();
  const page = koPage;
  await page.goto(`${base}/#/home`);
  await page.locator('#my-consortia').waitFor();
  assert.equal(await page.locator('#company-notice').count(), 0, 'the outsider notice is gone');
  assert.match(await page.locator('#my-consortia').textContent(), /디스플레이협의체/);
  await page.goto(`${base}/#/consortium/1`);
  await page.locator('#room-list').waitFor();
  assert.ok(await page.locator('#room-list .room-item').count() >= 1, 'the lounge at least');
  assert.equal(await page.locator('#rooms-outsider').count(), 0);
  await screenshots(page, 'signup-consortium-member-ko');
  await page.context().close();
});
