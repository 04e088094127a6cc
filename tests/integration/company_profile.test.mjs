// The company profile for support-programme matching (issue 14, item 3) through the real binary:
// org.profile_get and org.profile_update. A member reads and edits their own organization's profile
// (values typed, each with its date and source), is refused another organization's (forbidden,
// nothing changed), an admin may edit any; every bad value is invalid_params with the attribute
// in error.field and a message naming it, and a bad change among good ones writes nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, seededDb, cleanup, signedIn } from '../lib/moa.mjs';

let srv, db;
let a, b, m2, admin; // member01a, member01b (same organization or not), member02a, admin
const orgOf = (c) => c.me.organization.id;
const attr = (p, key) => p.attributes.find((x) => x.key === key);

before(async () => {
  db = seededDb();
  srv = await startServer({ db: db.path });
  [a, b, m2, admin] = await Promise.all([
    signedIn(srv, 'member01a@moa.example'), signedIn(srv, 'member01b@moa.example'),
    signedIn(srv, 'member02a@moa.example'), signedIn(srv, 'admin@moa.example'),
  ]);
});
after(async () => {
  await Promise.all([a, b, m2, admin].map((c) => c.close()));
  await srv.stop();
  cleanup(db.dir);
});

test('org.profile_get: the own organization by default, every attribute with group and type', async () => {
  const p = await a.call('org.profile_get', {});
  assert.equal(p.org_id, orgOf(a));
  assert.equal(p.editable, true);
  assert.match(p.today, /^\d{4}-\d{2}-\d{2}$/);
  assert.equal(p.attributes.length, 34);
  const groups = new Set(p.attributes.map((x) => x.group));
  assert.deepEqual([...groups], ['basic', 'scale', 'industry', 'cert', 'other']);
  for (const x of p.attributes) {
    assert.ok(x.key && x.type, JSON.stringify(x));
    if (x.value === null) assert.equal(x.source, null, x.key);
    else assert.ok(['entered', 'imported'].includes(x.source) && /^\d{4}-\d{2}-\d{2}$/.test(x.as_of), JSON.stringify(x));
  }
  assert.equal(attr(p, 'revenue').unit, 'won');
  assert.deepEqual(attr(p, 'size').options, ['solo', 'micro', 'small', 'medium', 'midsize', 'large']);
  assert.deepEqual(await a.call('org.profile_get', { org_id: orgOf(a) }), p);
});

test('a member edits their own organization: typed values, date and source, kept', async () => {
  const r = await a.call('org.profile_update', {
    changes: {
      revenue: { value: 4200000000, as_of: '2025-12-31' },
      employees: { value: 37 },
      founded: { value: '2018-04-02' },
      venture: { value: true, valid_from: '2025-03-01', valid_to: '2028-02-29' },
      plant_regions: { value: ['충남', '경기'] },
      ksic: { value: 'C29199' },
      female_owned: { value: false },
      history: { value: ['2024 스마트공장 구축지원'] },
      patents: null,
    },
  });
  assert.equal(attr(r, 'revenue').value, 4200000000);
  assert.equal(attr(r, 'revenue').as_of, '2025-12-31');
  assert.equal(attr(r, 'revenue').source, 'entered');
  assert.equal(attr(r, 'employees').as_of, r.today, 'no date given: today');
  assert.equal(attr(r, 'venture').value, true);
  assert.equal(attr(r, 'venture').valid_to, '2028-02-29');
  assert.deepEqual(attr(r, 'plant_regions').value, ['충남', '경기']);
  assert.equal(attr(r, 'female_owned').value, false, 'a known "no" is not blank');
  assert.equal(attr(r, 'patents').value, null);
  // Another connection of the same organization reads what was saved.
  if (orgOf(b) === orgOf(a)) assert.equal(attr(await b.call('org.profile_get', {}), 'revenue').value, 4200000000);
  const again = await a.call('org.profile_get', {});
  assert.deepEqual(attr(again, 'history').value, ['2024 스마트공장 구축지원']);
  // Clearing: null, or {"value": null}.
  const cleared = await a.call('org.profile_update', { changes: { female_owned: { value: null } } });
  assert.equal(attr(cleared, 'female_owned').value, null);
  assert.equal(attr(cleared, 'female_owned').source, null);
});

test('another organization\'s profile is forbidden, and nothing changes', async () => {
  assert.notEqual(orgOf(m2), orgOf(a));
  const before = await a.call('org.profile_get', {});
  const read = await m2.request('org.profile_get', { org_id: orgOf(a) });
  assert.equal(read.error.code, 'forbidden');
  const write = await m2.request('org.profile_update', { org_id: orgOf(a), changes: { revenue: { value: 1 } } });
  assert.equal(write.error.code, 'forbidden');
  assert.deepEqual(await a.call('org.profile_get', {}), before);
  // An admin may read and edit any organization's.
  const r = await admin.call('org.profile_update', { org_id: orgOf(a), changes: { patents: { value: 3 } } });
  assert.equal(attr(r, 'patents').value, 3);
  assert.equal(attr(await a.call('org.profile_get', {}), 'patents').value, 3);
  assert.equal((await admin.request('org.profile_get', { org_id: 99999999 })).error.code, 'not_found');
  assert.equal((await admin.request('org.profile_get', {})).error.code, 'not_found', 'the admin belongs to no organization');
});

test('bad values: invalid_params naming the field; a bad change among good ones writes nothing', async () => {
  const cases = [
    [{ revenue: { value: -5 } }, 'revenue', /^revenue: cannot be negative/],
    [{ revenue: { value: '12억' } }, 'revenue', /^revenue: must be a whole number/],
    [{ revenue: { value: 1e16 } }, 'revenue', /^revenue: must be a whole number|^revenue: .* out of range/],
    [{ employees: { value: 5000000 } }, 'employees', /^employees: 5000000 is out of range/],
    [{ founded: { value: '2999-01-01' } }, 'founded', /^founded: 2999-01-01 is in the future/],
    [{ revenue: { value: 1, as_of: '2999-01-01' } }, 'revenue', /^revenue: as_of 2999-01-01 is in the future/],
    [{ ksic: { value: 'C99999' } }, 'ksic', /^ksic: "C99999" is not a KSIC code/],
    [{ region: { value: 'Seoul' } }, 'region', /^region: "Seoul" is not a region/],
    [{ plant_regions: { value: ['충남|경기'] } }, 'plant_regions', /^plant_regions: elements must not contain/],
    [{ plant_regions: { value: '충남' } }, 'plant_regions', null], // a '|' text form is accepted
    [{ innobiz: { value: true, valid_from: '2025-01-01', valid_to: '2030-01-01' } }, 'innobiz', /more than 3 years/],
    [{ innobiz: { value: true } }, 'innobiz', /^innobiz: valid_from must be a date/],
    [{ mainbiz: { value: 'yes' } }, 'mainbiz', /^mainbiz: must be 1 \(held\) or 0/],
    [{ size: { value: 'huge' } }, 'size', /^size: must be one of/],
    [{ biz_no: { value: '123-45-67892' } }, 'biz_no', /not a valid business registration number/],
    [{ biz_no: { value: '123-45-67891' } }, 'biz_no', null], // the check digit is right
    [{ spaceship: { value: 1 } }, 'spaceship', /^spaceship: unknown attribute/],
    // quoted fragments are cut between characters, never inside one (the reply stays valid UTF-8)
    [{ region: { value: '가나다라마바사아자차카' } }, 'region', /^region: "가나다라마바" is not a region/],
    [{ ['가'.repeat(20)]: { value: 1 } }, '가'.repeat(13), /^가{13}: unknown attribute/],
    [{ plant_regions: { value: ['충남', '가'.repeat(20)] } }, 'plant_regions', /^plant_regions: "가{13}" is not a region/],
    [{ revenue: 5 }, 'revenue', /^revenue: must be null \(clear\) or an object/],
    [{ revenue: { value: { x: 1 } } }, 'revenue', /^revenue: must be a whole number/],
    [{ history: { value: ['x'.repeat(2000)] } }, 'history', /^history: is too long/],
    [{ employees: { value: 10 }, youth_employees: { value: 11 } }, 'youth_employees', /^youth_employees: 11 is more than employees \(10\)/],
  ];
  const before = await a.call('org.profile_get', {});
  for (const [changes, field, message] of cases) {
    const good = message === null ? {} : { patents: { value: 7 } }; // a good change beside the bad one
    const r = await a.request('org.profile_update', { changes: { ...good, ...changes } });
    if (message === null) {
      assert.equal(r.ok, true, JSON.stringify(r.error));
      continue;
    }
    assert.equal(r.error?.code, 'invalid_params', JSON.stringify(changes));
    assert.equal(r.error.field, field, JSON.stringify(r.error));
    assert.match(r.error.message, message);
  }
  const after = await a.call('org.profile_get', {});
  assert.equal(attr(after, 'patents').value, attr(before, 'patents').value, 'the good change beside a bad one was not written');
  for (const params of [{}, { changes: [] }, { changes: {} }, { changes: { revenue: { value: 1 } }, org_id: 'x' },
    { changes: Object.fromEntries(Array.from({ length: 35 }, (_, i) => [`k${i}`, null])) }]) {
    const r = await a.request('org.profile_update', params);
    assert.equal(r.error?.code, 'invalid_params', JSON.stringify(params).slice(0, 80));
  }
});
