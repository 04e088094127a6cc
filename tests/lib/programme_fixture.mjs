// Support programmes made by the tests themselves (issue 14, item 5): a small CSV feed, imported by
// an admin through programme.import, with deadlines relative to today (Seoul), so that what the
// tests see is decided here and cannot come from whatever else the database holds.
//   T-REV    "매출액 100억원 이하 기업": one rule on revenue; 확인 필요 while revenue is blank
//   T-ALL    no condition: 신청 가능 for every company; closes in 2 days (deadline reminder)
//   T-SEOUL  "서울 소재 기업": 신청 불가 for a company elsewhere
//   T-BAD    an impossible date: rejected, the rest imported
export const TITLES = {
  rev: '모아 검증용 스마트제조 혁신 바우처',
  all: '모아 검증용 공동 판로개척 지원',
  seoul: '모아 검증용 서울 소재 기업 마케팅 지원',
};

// Seoul's date offset days from now, "YYYY-MM-DD".
export function seoulDate(offsetDays = 0) {
  const t = new Date(Date.now() + 9 * 3600e3 + offsetDays * 86400e3);
  return t.toISOString().slice(0, 10);
}

export function testFeedCsv() {
  const start = seoulDate(-1);
  return [
    'source_id,title,agency,executor,period,summary,fields,regions,target,url,amount_min,amount_max',
    `T-REV,"${TITLES.rev}",모아시험청,모아시험원,${start} ~ ${seoulDate(20)},"제조 중소기업의 공정 혁신을 돕는 바우처",기술,,"매출액 100억원 이하 기업",https://example.org/notice/t-rev,0,"50,000,000"`,
    `T-ALL,"${TITLES.all}",모아시험청,,${start} ~ ${seoulDate(2)},"컨소시엄 회원사의 공동 판로개척",내수,,,https://example.org/notice/t-all,,`,
    `T-SEOUL,"${TITLES.seoul}",서울시험재단,,${start} ~ ${seoulDate(30)},"마케팅 비용 지원",경영,서울,"서울 소재 기업",https://example.org/notice/t-seoul,,`,
    'T-BAD,"모아 검증용 잘못된 기간",모아시험청,,2026-02-30 ~ 2026-03-10,,,,,,,',
    '',
  ].join('\n');
}

// Imports the feed as admin (a signed-in Client); returns programme.import's result.
export async function importTestFeed(admin, source = 'moa_test') {
  return admin.call('programme.import', { source, format: 'csv', file_name: 'moa-test.csv', content: testFeedCsv() });
}

// The id of the programme titled title among a programme.matches / saved list.
export function idOf(list, title) {
  const p = list.find((x) => x.title === title);
  return p ? p.id : null;
}
