#!/usr/bin/env python3
"""Generates Moa's sample support-programme feeds (data/programmes/): invented announcements in
the real formats of 기업마당 (JSON and RSS), K-Startup, 중소벤처24 and the CSV template, from a few
hundred agencies, with planted cases the tests check exactly:

  - DUPLICATES programmes announced by 기업마당 and again by K-Startup or 중소벤처24 under another id
    and a slightly different title (same agency, same last day): each must merge, nothing else;
  - AMENDMENTS 정정/연장/재공고 notices amending an earlier 기업마당 programme;
  - every period form (dated ranges in several styles, 상시, 예산 소진시까지, 추후 공지, 사업별 상이);
  - a second 기업마당 snapshot a week later with CLOSED programmes (deadline passed, dropped from
    the feed), NEW ones, CHANGED deadlines and WITHDRAWN rolling ones.

Deterministic (fixed seed); run `python3 tools/gen_programmes.py` from the repository root and
commit the output. data/programmes/PLANTED.json records what was planted, for the tests.
"""
import json
import os
import random
import re
from xml.sax.saxutils import escape

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "programmes")
WEEK1, WEEK2 = "2026-11-23", "2026-11-30"
N_BIZINFO, N_KSTARTUP_OWN, N_SMES24_OWN, N_CSV = 300, 60, 70, 60
N_DUP_K, N_DUP_S, N_AMEND = 20, 20, 10
N_CLOSED, N_NEW2, N_CHANGED2, N_WITHDRAWN2 = 15, 20, 10, 3

rnd = random.Random(20261123)

SIDO = [("서울", "서울특별시"), ("부산", "부산광역시"), ("대구", "대구광역시"), ("인천", "인천광역시"),
        ("광주", "광주광역시"), ("대전", "대전광역시"), ("울산", "울산광역시"), ("세종", "세종특별자치시"),
        ("경기", "경기도"), ("강원", "강원특별자치도"), ("충북", "충청북도"), ("충남", "충청남도"),
        ("전북", "전북특별자치도"), ("전남", "전라남도"), ("경북", "경상북도"), ("경남", "경상남도"),
        ("제주", "제주특별자치도")]
SIGUNGU = ["창원시", "김해시", "포항시", "구미시", "천안시", "아산시", "청주시", "충주시", "전주시", "익산시",
           "여수시", "순천시", "광양시", "원주시", "춘천시", "강릉시", "수원시", "화성시", "평택시", "안산시",
           "시흥시", "성남시", "용인시", "고양시", "파주시", "김포시", "거제시", "양산시", "진주시", "경산시",
           "영천시", "당진시", "서산시", "군산시", "목포시", "나주시", "제천시", "음성군", "진천군", "오송읍",
           "울주군", "기장군", "달성군", "남동구", "연수구", "유성구", "대덕구", "북구", "서구", "동구"]
MINISTRIES = ["중소벤처기업부", "산업통상자원부", "과학기술정보통신부", "고용노동부", "국토교통부", "해양수산부",
              "농림축산식품부", "환경부", "문화체육관광부", "보건복지부", "특허청", "조달청", "관세청",
              "기획재정부", "행정안전부", "여성가족부", "국방부", "방위사업청", "식품의약품안전처", "산림청"]
BODIES = ["중소벤처기업진흥공단", "창업진흥원", "중소기업기술정보진흥원", "한국산업기술진흥원", "KOTRA",
          "한국무역보험공사", "기술보증기금", "신용보증기금", "소상공인시장진흥공단", "한국산업단지공단",
          "한국에너지공단", "정보통신산업진흥원", "한국콘텐츠진흥원", "한국디자인진흥원", "한국발명진흥회",
          "한국환경산업기술원", "한국농업기술진흥원", "한국해양과학기술진흥원", "한국보건산업진흥원",
          "한국로봇산업진흥원", "한국세라믹기술원", "한국생산기술연구원", "한국전자기술연구원",
          "한국기계연구원", "한국화학연구원"]
FIELDS = ["금융", "기술", "인력", "수출", "내수", "창업", "경영", "기타"]
TOPICS = ["수소 모빌리티", "이차전지 소재", "디스플레이 장비", "반도체 후공정", "스마트공장", "조선해양 기자재",
          "바이오 헬스", "의료기기", "미래차 부품", "탄소소재", "로봇 자동화", "인공지능 솔루션", "데이터 바우처",
          "클라우드 전환", "친환경 선박", "항공 부품", "방산 부품", "뿌리기술", "소재부품장비", "섬유 패션",
          "식품 가공", "농생명", "해양바이오", "콘텐츠", "게임", "관광 서비스", "물류 혁신", "에너지 효율",
          "태양광", "풍력 부품", "자원순환", "정밀화학", "금형", "용접", "3D 프린팅", "드론", "메타버스",
          "핀테크", "사이버보안", "스마트팜"]
KINDS = ["기술개발 지원사업", "사업화 지원", "시제품 제작 지원", "해외 판로개척 지원", "수출바우처",
         "전문인력 채용 지원", "시험인증 지원", "컨설팅 지원", "정책자금 융자", "보증 지원", "실증 지원",
         "디자인 개발 지원", "특허 전략 지원", "마케팅 지원", "공정 개선 지원", "인증 획득 지원",
         "투자유치 지원", "판로 지원", "교육 지원", "입주기업 모집"]
WEEKDAY = "월화수목금토일"


def agencies():
    names = list(MINISTRIES) + [long for _, long in SIDO] + list(BODIES)
    for short, long in SIDO:
        names.append(f"{short}테크노파크")
        names.append(f"{short}경제진흥원" if short in ("서울", "부산", "대구", "인천", "광주", "대전", "울산") else f"{short}중소기업지원센터")
        names.append(f"{short}창조경제혁신센터")
        names.append(f"{short}지방중소벤처기업청")
    for s in SIGUNGU:
        names.append(s if s[-1] in "시군" else f"{s} 기업지원센터")
    for i, s in enumerate(SIGUNGU[:60]):
        names.append(f"{s} 기업지원과")
    seen, out = set(), []
    for n in names:
        if n not in seen:
            seen.add(n)
            out.append(n)
    return out


AGENCIES = agencies()


def region_of(agency):
    for short, long in SIDO:
        if agency.startswith(long) or agency.startswith(short):
            return short
    return None


def title_norm(t):
    t = re.sub(r"[\[(<](정정|변경|연장|추가|수정)[^\])>]*[\])>]", "", t)
    for mark in ("재공고", "정정공고", "변경공고", "연장공고", "추가공고"):
        t = t.replace(mark, "")
    return "".join(c.lower() for c in t if c.isalnum())


def bigrams(s):
    return {s[i:i + 2] for i in range(len(s) - 1)}


def similarity(a, b):
    if a == b:
        return 1.0
    ga, gb = bigrams(a), bigrams(b)
    return len(ga & gb) / len(ga | gb) if ga | gb else 0.0


def ymd(d):
    return d.replace("-", "")


def add_days(date, n):
    import datetime
    d = datetime.date.fromisoformat(date) + datetime.timedelta(days=n)
    return d.isoformat()


def weekday(date):
    import datetime
    return WEEKDAY[datetime.date.fromisoformat(date).weekday()]


def period_text(start, end, style):
    """The free text of a dated period in one of the styles seen in the real feeds."""
    y1, m1, d1 = start.split("-")
    y2, m2, d2 = end.split("-")
    if style == 0:
        return f"{start} ~ {end}"
    if style == 1:
        return f"{ymd(start)} ~ {ymd(end)}"
    if style == 2:
        return f"{int(y1)}. {int(m1)}. {int(d1)}.({weekday(start)}) ~ {int(m2)}. {int(d2)}.({weekday(end)}) 18:00"
    if style == 3:
        return f"{y1}년 {int(m1)}월 {int(d1)}일 ~ {y2}년 {int(m2)}월 {int(d2)}일"
    return f"{y1}.{m1}.{d1} ~ {y2}.{m2}.{d2}"


class Prog:
    def __init__(self, n, agency, title, kind, start=None, end=None, text=None):
        self.n, self.agency, self.title, self.kind = n, agency, title, kind
        self.start, self.end, self.text = start, end, text
        self.field = rnd.choice(FIELDS)
        r = region_of(agency)
        self.regions = [r] if r else (["전국"] if rnd.random() < 0.6 else rnd.sample([s for s, _ in SIDO], 3))
        self.summary = None
        self.amount = rnd.choice([None, 20000000, 50000000, 100000000, 300000000, 500000000])


used_titles = set()


def new_title(year_prefix=True):
    while True:
        t = f"{rnd.choice(TOPICS)} {rnd.choice(KINDS)}"
        if rnd.random() < 0.3:
            t = f"{rnd.choice(['중소기업', '창업기업', '강소기업', '혁신기업', '수출기업'])} {t}"
        key = title_norm(t)
        if key not in used_titles:
            used_titles.add(key)
            return (f"2026년 {t}" if year_prefix else t)


def make_programme(n, kind=None, agency=None, deadline_from=WEEK2, deadline_days=(0, 60)):
    agency = agency or (AGENCIES[n % len(AGENCIES)] if n < len(AGENCIES) else rnd.choice(AGENCIES))
    kind = kind or rnd.choices(["dated", "rolling", "budget", "tbd", "varies"], [80, 7, 6, 4, 3])[0]
    title = new_title(rnd.random() < 0.7)
    if kind == "dated":
        end = add_days(deadline_from, rnd.randint(*deadline_days))
        start = add_days(end, -rnd.randint(10, 40))
        return Prog(n, agency, title, kind, start, end, period_text(start, end, rnd.randint(0, 4)))
    text = {"rolling": rnd.choice(["상시", "상시 접수", "연중 상시"]),
            "budget": rnd.choice(["예산 소진시까지", "예산 소진 시까지"]),
            "tbd": rnd.choice(["추후 공지", "추후공지"]),
            "varies": "사업별 상이"}[kind]
    return Prog(n, agency, title, kind, text=text)


def summary(p):
    lines = [f"&lt;p&gt;{escape(p.title)} 참여 기업을 모집합니다.&lt;/p&gt;",
             f"- 지원분야: {p.field}",
             f"- 지원대상: {'·'.join(p.regions)} 소재 중소기업"]
    if p.amount:
        lines.append(f"- 지원규모: 기업당 최대 {p.amount // 10000:,}만원")
    return "\r\n".join(lines)


def bizinfo_item(p, seq):
    tags = [p.field] + [r for r in p.regions]
    item = {
        "pblancId": f"PBLN_{seq:015d}",
        "pblancNm": p.title.replace("(", "&#40;").replace(")", "&#41;"),
        "pblancUrl": f"/web/lay1/bbs/S1T122C128/AS/74/view.do?pblancId=PBLN_{seq:015d}",
        "jrsdInsttNm": p.agency,
        "excInsttNm": rnd.choice(["직접수행", f"{p.regions[0] if p.regions[0] != '전국' else '한국'}테크노파크"]),
        "bsnsSumryCn": summary(p),
        "pldirSportRealmLclasCodeNm": p.field,
        "pldirSportRealmMlsfcCodeNm": p.field + "지원",
        "trgetNm": rnd.choice(["중소기업", "중소기업@소상공인", "창업벤처"]),
        "reqstBeginEndDe": p.text,
        "reqstMthPapersCn": "온라인 접수",
        "creatPnttm": f"{WEEK1} 09:00:00",
        "updtPnttm": f"{WEEK1} 09:00:00",
        "inqireCo": rnd.randint(0, 3000),
        "hashtags": ",".join(tags),
        "printFlpthNm": None,
        "printFileNm": "공고문.hwp",
        "flpthNm": None,
        "fileNm": "공고문.hwp@신청서.hwp" if rnd.random() < 0.7 else None,
        "refrncNm": f"{p.agency} 담당자",
        "rceptEngnHmpgUrl": None,
    }
    if rnd.random() < 0.3:
        item["areaNm"] = "@".join(p.regions) if p.regions != ["전국"] else "@".join(s for s, _ in SIDO)
        item["industNm"] = "제조업(10~34)@전문, 과학 및 기술 서비스업(70~73)"
    p.item_id = item["pblancId"]
    return item


def rss(items):
    out = ['<?xml version="1.0" encoding="UTF-8"?>', '<rss version="2.0">', "<channel>",
           "<title>기업마당 지원사업 공고</title>", "<link>https://www.bizinfo.go.kr</link>"]
    for it in items:
        out.append("<item>")
        out.append(f"<seq>{it['pblancId']}</seq>")
        title = it["pblancNm"].replace("&#40;", "(").replace("&#41;", ")")
        out.append(f"<title><![CDATA[{title}]]></title>")
        out.append(f"<link>https://www.bizinfo.go.kr{escape(it['pblancUrl'])}</link>")
        out.append(f"<author>{escape(it['jrsdInsttNm'])}</author>")
        out.append(f"<excInsttNm>{escape(it['excInsttNm'])}</excInsttNm>")
        out.append(f"<lcategory>{escape(it['pldirSportRealmLclasCodeNm'])}</lcategory>")
        out.append(f"<reqstDt>{escape(it['reqstBeginEndDe'])}</reqstDt>")
        out.append(f"<hashTags>{escape(it['hashtags'])}</hashTags>")
        out.append(f"<description>{escape(it['bsnsSumryCn'])}</description>")
        out.append(f"<pubDate>{it['creatPnttm']}</pubDate>")
        out.append("</item>")
    out += ["</channel>", "</rss>", ""]
    return "\n".join(out)


def kstartup_item(p, sn, title=None):
    return {
        "pbanc_sn": sn,
        "biz_pbanc_nm": title or p.title,
        "intg_pbanc_biz_nm": (title or p.title).replace("2026년 ", ""),
        "pbanc_ctnt": f"{p.title} 참여기업 모집",
        "supt_biz_clsfc": rnd.choice(["사업화", "멘토링ㆍ컨설팅ㆍ교육", "글로벌", "기술개발(R&D)", "시설ㆍ공간ㆍ보육"]),
        "supt_regin": ",".join(p.regions),
        "aply_trgt": rnd.choice(["일반기업", "대학생, 일반인", "일반기업, 1인 창조기업"]),
        "aply_trgt_ctnt": "공고일 기준 창업 7년 이내 기업",
        "biz_enyy": rnd.choice(["예비창업자,1년미만,2년미만,3년미만", "3년미만,5년미만,7년미만", "7년미만,10년미만"]),
        "biz_trgt_age": "만 20세 이상 ~ 만 39세 이하,만 40세 이상",
        "pbanc_rcpt_bgng_dt": ymd(p.start) if p.start else "",
        "pbanc_rcpt_end_dt": ymd(p.end) if p.end else "",
        "pbanc_ntrp_nm": p.agency,
        "sprv_inst": p.agency,
        "biz_prch_dprt_nm": "창업지원팀",
        "prch_cnpl_no": "044-000-0000",
        "detl_pg_url": f"https://www.k-startup.go.kr/web/contents/bizpbanc-ongoing.do?schM=view&pbancSn={sn}",
        "biz_aply_url": "",
        "aply_excl_trgt_ctnt": "국세 체납 기업",
        "prfn_matr": rnd.choice(["", "여성기업 우대", "법인 3년 미만 기업 우대"]),
        "rcrt_prgs_yn": "Y",
        "intg_pbanc_yn": "N",
    }


def smes24_item(p, seq, title=None):
    scale = rnd.choice(["CC10", "CC10|CC30", "CC60", "CC30"])
    age_max = rnd.choice([None, None, 7, 3])
    return {
        "pblancSeq": str(seq),
        "pblancNm": (title or p.title).replace("&", "&amp;"),
        "detailBsnsNm": p.title,
        "policyCnts": f"{p.title}을 통해 중소기업의 성장을 지원",
        "sportMg": f"최대 {p.amount // 10000:,}만원" if p.amount else "",
        "sportCnts": "사업비 지원",
        "sportTrget": ("업력 %d년 미만 " % age_max if age_max else "") + "중소기업",
        "reqstRcept": "온라인 접수",
        "sportInsttNm": p.agency,
        "sportInsttCd": "SP01",
        "cntcInsttNm": "중소벤처24",
        "cntcInsttCd": "BI99",
        "pblancBgnDt": p.start or "",
        "pblancEndDt": p.end or "",
        "creatDt": WEEK1,
        "updDt": WEEK1,
        "bizType": p.field,
        "bizTypeCd": "PC20",
        "sportType": p.field,
        "sportTypeCd": "RT03",
        "areaNm": "|".join(p.regions),
        "cmpScaleCd": scale,
        "salsAmtCd": rnd.choice(["", "SI04"]),
        "minSalsAmt": None,
        "maxSalsAmt": rnd.choice([None, 10000000000, 30000000000]),
        "emplyCntCd": "",
        "minEmplyCnt": None,
        "mixEmplyCnt": None,
        "ablbizCd": "OI02" if age_max else "",
        "minAblbiz": 0 if age_max else None,
        "maxAblbiz": age_max,
        "minRpsntAge": None,
        "maxRpsntAge": rnd.choice([None, None, 39]),
        "induty": rnd.choice(["", "제조업"]),
        "needCrtfnCd": rnd.choice(["", "", "EC08|EC06", "EC02"]),
        "fmleRpsntYn": "N",
        "fntnYn": "N",
        "refntnYn": "N",
        "minSportAmt": "0" if p.amount else None,
        "maxSportAmt": f"{p.amount:,}" if p.amount else None,
        "pblancDtlUrl": f"https://www.smes.go.kr/main/sportBsns/view?pblancSeq={seq}",
    }


def csv_field(s):
    s = "" if s is None else str(s)
    return '"' + s.replace('"', '""') + '"' if any(c in s for c in ',"\n') else s


def main():
    os.makedirs(OUT, exist_ok=True)
    planted = {"week1_at": WEEK1 + "T09:00:00+09:00", "week2_at": WEEK2 + "T09:00:00+09:00"}
    # 기업마당 week 1: the closed-in-week-2 ones end between the two snapshots; the rest after week 2
    biz = []
    for i in range(N_BIZINFO - N_AMEND):
        if i < N_CLOSED:
            p = make_programme(i, "dated", deadline_from=WEEK1, deadline_days=(0, 6))
        elif i < N_CLOSED + N_WITHDRAWN2:
            p = make_programme(i, rnd.choice(["rolling", "budget"]))
        else:
            p = make_programme(i)
        biz.append(p)
    # every period form appears
    forms = {p.kind for p in biz}
    assert forms >= {"dated", "rolling", "budget", "tbd", "varies"}, forms
    # amendments of earlier ones: same agency, the title with a mark, a later deadline
    amend_targets = [p for p in biz[N_CLOSED + N_WITHDRAWN2:] if p.kind == "dated"][:N_AMEND]
    marks = ["[정정] {}", "{} (연장)", "[재공고] {}", "{} 연장공고", "[정정공고] {}"]
    amendments = []
    for k, orig in enumerate(amend_targets):
        end = add_days(orig.end, 7)
        a = Prog(len(biz) + k, orig.agency, marks[k % len(marks)].format(orig.title), "dated", orig.start, end,
                 period_text(orig.start, end, 0))
        amendments.append((a, orig))
    seq0 = 126000
    biz_items = [bizinfo_item(p, seq0 + i) for i, p in enumerate(biz)]
    biz_items += [bizinfo_item(a, seq0 + len(biz) + k) for k, (a, _) in enumerate(amendments)]
    # duplicates: bizinfo programmes re-announced by K-Startup / SME24 with another title form
    candidates = [p for p in biz[N_CLOSED + N_WITHDRAWN2:] if p not in amend_targets and p.kind == "dated"]
    rnd.shuffle(candidates)
    dup_k, dup_s = candidates[:N_DUP_K], candidates[N_DUP_K:N_DUP_K + N_DUP_S]

    def variant(t):
        """Another feed's form of the same title: "2026년" written "2026", and a "공고" or "모집" added."""
        v = t.replace("2026년 ", "2026 ") if t.startswith("2026년") else t
        for suffix in rnd.sample([" 공고", " 모집", " 모집 공고"], 3):
            if similarity(title_norm(v + suffix), title_norm(t)) >= 0.6:
                return v + suffix
        return v + " 공고"

    ks, ss = [], []
    for i, p in enumerate(dup_k):
        t = variant(p.title)
        assert similarity(title_norm(t), title_norm(p.title)) >= 0.6, (t, p.title)
        ks.append(kstartup_item(p, 175000 + i, t))
    for i in range(N_KSTARTUP_OWN):
        ks.append(kstartup_item(make_programme(1000 + i, "dated"), 175100 + i))
    for i, p in enumerate(dup_s):
        t = variant(p.title)
        assert similarity(title_norm(t), title_norm(p.title)) >= 0.6, (t, p.title)
        ss.append(smes24_item(p, 1023000 + i, t))
    for i in range(N_SMES24_OWN):
        q = make_programme(2000 + i, "dated")
        if q.amount is None:
            q.amount = 100000000
        ss.append(smes24_item(q, 1023100 + i))
    # CSV: local agencies' notices
    csv_rows = []
    for i in range(N_CSV):
        sido = SIDO[i % len(SIDO)]
        agency = rnd.choice([f"{sido[0]}테크노파크", sido[1], f"{sido[0]}창조경제혁신센터"])
        q = make_programme(3000 + i, agency=agency)
        csv_rows.append([f"LOCAL-{i + 1:04d}", q.title, agency, rnd.choice(["", f"{sido[0]}테크노파크"]),
                         q.text, f"{q.title} 참여 기업 모집.\n문의: {agency}", q.field, sido[0],
                         f"{sido[0]} 소재 중소기업", f"https://example.org/{sido[0]}/{i + 1}",
                         "0" if q.amount else "", f"{q.amount:,}" if q.amount else "", rnd.choice(["기업지원과", "산업진흥과"])])
    # week 2: closed ones dropped, withdrawn rolling ones dropped, deadlines changed, new ones
    week2 = [p for p in biz[N_CLOSED + N_WITHDRAWN2:]]
    changed = [p for p in week2 if p.kind == "dated" and p not in amend_targets and p not in dup_k and p not in dup_s][:N_CHANGED2]
    items2 = []
    for i, p in enumerate(biz):
        if i < N_CLOSED + N_WITHDRAWN2:
            continue
        item = dict(biz_items[i])
        if p in changed:
            end = add_days(p.end, 14)
            item["reqstBeginEndDe"] = period_text(p.start, end, 0)
            item["updtPnttm"] = f"{WEEK2} 08:00:00"
        items2.append(item)
    items2 += biz_items[len(biz):]  # amendments stay
    new2 = [make_programme(4000 + i, deadline_from=WEEK2, deadline_days=(7, 60)) for i in range(N_NEW2)]
    items2 += [bizinfo_item(p, seq0 + 500 + i) for i, p in enumerate(new2)]

    # no accidental merge: programmes of other sources with the same agency and deadline stay apart
    def norm_key(t):
        return title_norm(t.replace("&#40;", "(").replace("&#41;", ")"))
    planted_pairs = set()
    for it, p in zip(ks[:N_DUP_K], dup_k):
        planted_pairs.add(("kstartup", str(it["pbanc_sn"])))
    for it, p in zip(ss[:N_DUP_S], dup_s):
        planted_pairs.add(("smes24", it["pblancSeq"]))
    others = [("kstartup", str(k["pbanc_sn"]), k["pbanc_ntrp_nm"], k["pbanc_rcpt_end_dt"], k["biz_pbanc_nm"]) for k in ks]
    others += [("smes24", s["pblancSeq"], s["sportInsttNm"], ymd(s["pblancEndDt"]), s["pblancNm"]) for s in ss]
    biz_keys = [(it["jrsdInsttNm"], p.end and ymd(p.end), norm_key(it["pblancNm"])) for it, p in zip(biz_items, biz)]
    for src, sid, ag, end, title in others:
        if (src, sid) in planted_pairs:
            continue
        for bag, bend, bt in biz_keys:
            assert not (bag == ag and bend == end and similarity(bt, title_norm(title)) >= 0.6), (title, bt)

    def dump(name, obj):
        with open(os.path.join(OUT, name), "w", encoding="utf-8") as f:
            json.dump(obj, f, ensure_ascii=False, indent=None, separators=(",", ":"))
            f.write("\n")

    dump(f"bizinfo-{WEEK1}.json", {"jsonArray": biz_items})
    dump(f"bizinfo-{WEEK2}.json", {"jsonArray": items2})
    with open(os.path.join(OUT, f"bizinfo-{WEEK1}.rss.xml"), "w", encoding="utf-8") as f:
        f.write(rss(biz_items))
    dump(f"kstartup-{WEEK1}.json", {"currentCount": len(ks), "data": ks, "matchCount": len(ks), "page": 1,
                                      "perPage": len(ks), "totalCount": len(ks)})
    dump(f"smes24-{WEEK1}.json", {"resultCd": "0", "resultMsg": "정상", "data": ss})
    header = ["source_id", "title", "agency", "executor", "period", "summary", "fields", "regions", "target", "url",
              "amount_min", "amount_max", "담당부서"]
    with open(os.path.join(OUT, f"agencies-local-{WEEK1}.csv"), "w", encoding="utf-8", newline="") as f:
        f.write(",".join(header) + "\r\n")
        for row in csv_rows:
            f.write(",".join(csv_field(c) for c in row) + "\r\n")
    agencies_used = {p.agency for p in biz} | {k["pbanc_ntrp_nm"] for k in ks} | {s["sportInsttNm"] for s in ss} | {r[2] for r in csv_rows}
    planted.update({
        "bizinfo_week1_items": len(biz_items),
        "kstartup_items": len(ks), "smes24_items": len(ss), "csv_items": len(csv_rows),
        "agencies": len(agencies_used),
        "duplicates": [{"bizinfo": p.item_id, "other": f"kstartup:{it['pbanc_sn']}"} for it, p in zip(ks, dup_k)]
        + [{"bizinfo": p.item_id, "other": f"smes24:{it['pblancSeq']}"} for it, p in zip(ss, dup_s)],
        "amendments": [{"amendment": a.item_id, "amends": o.item_id} for a, o in amendments],
        "week2": {"new": N_NEW2, "changed": N_CHANGED2, "closed": N_CLOSED, "withdrawn": N_WITHDRAWN2,
                  "unchanged": len(items2) - N_NEW2 - N_CHANGED2},
    })
    with open(os.path.join(OUT, "PLANTED.json"), "w", encoding="utf-8") as f:
        json.dump(planted, f, ensure_ascii=False, indent=1)
        f.write("\n")
    print(f"{len(biz_items)} + {len(ks)} + {len(ss)} + {len(csv_rows)} items from {len(agencies_used)} agencies")


if __name__ == "__main__":
    main()
