/* Word lists of the demo data (see demo_words.h). Universities and national institutes are real
 * names so that the directory reads like the programme's; companies are made up from neutral
 * stems (no conglomerate names) and sector suffixes. */
#include "storage/demo_words.h"

#include <string.h>

#define END \
  { NULL, NULL }

const demo_pair demo_company_stems[] = {{"대성", "Daesung"},
                                        {"한빛", "Hanbit"},
                                        {"세원", "Sewon"},
                                        {"신흥", "Shinheung"},
                                        {"우진", "Woojin"},
                                        {"삼우", "Samwoo"},
                                        {"금강", "Geumgang"},
                                        {"한일", "Hanil"},
                                        {"영진", "Youngjin"},
                                        {"성원", "Sungwon"},
                                        {"대원", "Daewon"},
                                        {"극동", "Geukdong"},
                                        {"유니", "Uni"},
                                        {"미래", "Mirae"},
                                        {"그린", "Green"},
                                        {"스마트", "Smart"},
                                        {"나노", "Nano"},
                                        {"에코", "Eco"},
                                        {"한결", "Hangyeol"},
                                        {"동진", "Dongjin"},
                                        {"삼정", "Samjung"},
                                        {"대양", "Daeyang"},
                                        {"서진", "Seojin"},
                                        {"진성", "Jinsung"},
                                        {"경원", "Kyungwon"},
                                        {"화신", "Hwashin"},
                                        {"명성", "Myungsung"},
                                        {"부강", "Bukang"},
                                        {"신성", "Shinsung"},
                                        {"창성", "Changsung"},
                                        {"태성", "Taesung"},
                                        {"해성", "Haesung"},
                                        {"한성", "Hansung"},
                                        {"대진", "Daejin"},
                                        {"정우", "Jungwoo"},
                                        {"세진", "Sejin"},
                                        {"에이스", "Ace"},
                                        {"제일", "Jeil"},
                                        {"새한", "Saehan"},
                                        {"한누리", "Hannuri"},
                                        {"누리", "Nuri"},
                                        {"다온", "Daon"},
                                        {"가온", "Gaon"},
                                        {"온누리", "Onnuri"},
                                        {"푸른", "Pureun"},
                                        {"바른", "Bareun"},
                                        {"하나", "Hana"},
                                        {"한울", "Hanul"},
                                        {"청운", "Cheongun"},
                                        {"백두", "Baekdu"},
                                        {"태백", "Taebaek"},
                                        {"소백", "Sobaek"},
                                        {"대명", "Daemyung"},
                                        {"유진", "Yujin"},
                                        {"케이엠", "KM"},
                                        {"에스티", "ST"},
                                        {"제이에스", "JS"},
                                        {"에이치엠", "HM"},
                                        {"디에스", "DS"},
                                        {"티에스", "TS"},
                                        {"와이케이", "YK"},
                                        {"엔에스", "NS"},
                                        {"비전", "Vision"},
                                        {"넥스트", "Next"},
                                        {"퓨처", "Future"},
                                        {"이노", "Inno"},
                                        {"테크노", "Techno"},
                                        {"알파", "Alpha"},
                                        {"세종", "Sejong"},
                                        {"광명", "Gwangmyung"},
                                        {"동성", "Dongsung"},
                                        {"삼진", "Samjin"},
                                        {"대흥", "Daeheung"},
                                        {"성진", "Sungjin"},
                                        {"우성", "Woosung"},
                                        {"신영", "Shinyoung"},
                                        {"동일", "Dongil"},
                                        {"삼원", "Samwon"},
                                        {"일신", "Ilshin"},
                                        {"태양", "Taeyang"},
                                        {"진영", "Jinyoung"},
                                        {"선진", "Sunjin"},
                                        {"고려", "Koryo"},
                                        {"화인", "Hwain"},
                                        {"케이씨", "KC"},
                                        {"엠투", "M2"},
                                        {"아이엘", "IL"},
                                        {"씨엔", "CN"},
                                        {"정일", "Jungil"},
                                        {"보성", "Bosung"},
                                        {"한서", "Hanseo"},
                                        {"대광", "Daekwang"},
                                        {"평화", "Pyunghwa"},
                                        {"동보", "Dongbo"},
                                        {"수성", "Susung"},
                                        {"오성", "Osung"},
                                        END};

const demo_pair demo_general_suffixes[] = {
    {"테크", "Tech"},        {"산업", "Industrial"}, {"엔지니어링", "Engineering"},
    {"시스템", "Systems"},   {"하이텍", "Hitech"},   {"이노베이션", "Innovation"},
    {"솔루션", "Solutions"}, {"기공", "Machinery"},  END};

const demo_pair demo_common_institutes[] = {
    {"한국생산기술연구원", "Korea Institute of Industrial Technology"},
    {"한국기계연구원", "Korea Institute of Machinery & Materials"},
    {"한국전자기술연구원", "Korea Electronics Technology Institute"},
    {"한국산업기술시험원", "Korea Testing Laboratory"},
    {"한국화학융합시험연구원", "Korea Testing & Research Institute"},
    END};

const demo_pair demo_university_units[] = {{"산학협력단", "Industry-Academic Cooperation Foundation"},
                                           {"LINC 3.0 사업단", "LINC 3.0 Project Group"},
                                           {"RISE 사업단", "RISE Project Group"},
                                           {"창업지원단", "Startup Support Foundation"},
                                           {"공동실험실습관", "Central Laboratory"},
                                           {"산업기술연구소", "Industrial Technology Research Institute"},
                                           {"지역혁신센터", "Regional Innovation Center"},
                                           {"기술사업화센터", "Technology Commercialization Center"},
                                           END};

const demo_pair demo_surnames[] = {{"김", "Kim"},
                                   {"이", "Lee"},
                                   {"박", "Park"},
                                   {"최", "Choi"},
                                   {"정", "Jung"},
                                   {"강", "Kang"},
                                   {"조", "Cho"},
                                   {"윤", "Yoon"},
                                   {"장", "Jang"},
                                   {"임", "Lim"},
                                   {"한", "Han"},
                                   {"오", "Oh"},
                                   {"서", "Seo"},
                                   {"신", "Shin"},
                                   {"권", "Kwon"},
                                   {"황", "Hwang"},
                                   {"안", "Ahn"},
                                   {"송", "Song"},
                                   {"류", "Ryu"},
                                   {"전", "Jeon"},
                                   {"홍", "Hong"},
                                   {"고", "Ko"},
                                   {"문", "Moon"},
                                   {"양", "Yang"},
                                   {"손", "Son"},
                                   {"배", "Bae"},
                                   {"백", "Baek"},
                                   {"허", "Heo"},
                                   {"남", "Nam"},
                                   {"노", "Noh"},
                                   END};

const demo_pair demo_given_names[] = {{"민준", "Minjun"},   {"서연", "Seoyeon"},   {"지훈", "Jihoon"},
                                      {"수빈", "Subin"},    {"현우", "Hyunwoo"},   {"지민", "Jimin"},
                                      {"도윤", "Doyun"},    {"하은", "Haeun"},     {"준호", "Junho"},
                                      {"예린", "Yerin"},    {"성민", "Sungmin"},   {"유진", "Yujin"},
                                      {"동현", "Donghyun"}, {"은지", "Eunji"},     {"재원", "Jaewon"},
                                      {"소영", "Soyoung"},  {"태호", "Taeho"},     {"미경", "Mikyung"},
                                      {"상훈", "Sanghoon"}, {"혜진", "Hyejin"},    {"영수", "Youngsoo"},
                                      {"정희", "Junghee"},  {"승우", "Seungwoo"},  {"다은", "Daeun"},
                                      {"진우", "Jinwoo"},   {"수정", "Sujung"},    {"경민", "Kyungmin"},
                                      {"나연", "Nayeon"},   {"병철", "Byungchul"}, {"윤서", "Yunseo"},
                                      {"기현", "Kihyun"},   {"보람", "Boram"},     END};

/* ---- sectors ---------------------------------------------------------------------------- */

static const demo_pair display_suffixes[] = {{"디스플레이", "Display"},
                                             {"옵틱스", "Optics"},
                                             {"일렉트로닉스", "Electronics"},
                                             {"머티리얼즈", "Materials"},
                                             {"반도체", "Semiconductor"},
                                             {"코팅", "Coating"},
                                             END};
static const char *const display_caps[] = {
    "디스플레이 OLED 증착", "OLED 봉지 공정",        "플렉시블 기판 소재",     "마이크로 LED 전사",
    "편광필름 가공",        "디스플레이 검사장비",   "TFT 백플레인 공정",      "터치센서 모듈",
    "OLED 발광소재 합성",   "초박형 유리(UTG) 가공", "레이저 리프트오프 장비", NULL};
static const char *const display_kw[] = {
    "OLED", "마이크로LED", "QD",       "플렉시블", "폴더블",          "증착", "봉지",
    "UTG",  "편광필름",    "검사장비", "TFT",      "디스플레이 소재", NULL};
static const demo_pair display_depts[] = {{"디스플레이공학과", "Department of Display Engineering"},
                                          {"전자공학과", "Department of Electronic Engineering"},
                                          {"신소재공학과", "Department of Materials Science and Engineering"},
                                          {"물리학과", "Department of Physics"},
                                          END};
static const demo_pair display_inst[] = {
    {"한국전자통신연구원", "Electronics and Telecommunications Research Institute"},
    {"한국디스플레이산업협회 기술센터", "Korea Display Industry Association Technology Center"},
    {"한국나노기술원", "Korea Advanced Nano Fab Center"},
    END};

static const demo_pair car_suffixes[] = {{"모빌리티", "Mobility"},
                                         {"오토텍", "Autotech"},
                                         {"오토모티브", "Automotive"},
                                         {"정밀", "Precision"},
                                         {"전장", "Electronics"},
                                         {"모터스", "Motors"},
                                         END};
static const char *const car_caps[] = {"전기차 배터리 팩",
                                       "배터리 관리 시스템(BMS)",
                                       "구동모터 코어",
                                       "차량용 전력변환장치",
                                       "경량 알루미늄 차체 부품",
                                       "자율주행 센서 모듈",
                                       "열관리 시스템",
                                       "차량용 와이어링 하네스",
                                       "전동식 조향장치 부품",
                                       "브레이크 시스템 정밀가공",
                                       "충전 인프라 커넥터",
                                       "차량용 인포테인먼트",
                                       NULL};
static const char *const car_kw[] = {"전기차", "배터리", "BMS",    "구동모터", "자율주행",
                                     "라이다", "경량화", "열관리", "전장부품", "친환경차",
                                     "충전",   "SDV",    "수소차", NULL};
static const demo_pair car_depts[] = {{"미래자동차공학과", "Department of Future Automotive Engineering"},
                                      {"기계공학과", "Department of Mechanical Engineering"},
                                      {"전기공학과", "Department of Electrical Engineering"},
                                      {"스마트모빌리티학과", "Department of Smart Mobility"},
                                      END};
static const demo_pair car_inst[] = {
    {"한국자동차연구원", "Korea Automotive Technology Institute"},
    {"한국교통안전공단 자동차안전연구원", "Korea Automobile Testing & Research Institute"},
    {"한국전기연구원", "Korea Electrotechnology Research Institute"},
    END};

static const demo_pair ship_suffixes[] = {{"마린", "Marine"},
                                          {"중공업", "Heavy Industries"},
                                          {"조선", "Shipbuilding"},
                                          {"오션텍", "Oceantech"},
                                          {"해양", "Ocean"},
                                          {"기자재", "Marine Equipment"},
                                          END};
static const char *const ship_caps[] = {"선박 평형수 처리장치",
                                        "LNG 연료공급시스템",
                                        "선박용 배기가스 세정장치",
                                        "전기추진 선박 시스템",
                                        "선박 블록 용접",
                                        "선박용 밸브·배관",
                                        "친환경 선박 도료",
                                        "소형선박 FRP 선체",
                                        "선박 자율운항 장비",
                                        "해양플랜트 구조물",
                                        "암모니아 추진 엔진 부품",
                                        "선박 의장품",
                                        NULL};
static const char *const ship_kw[] = {
    "조선",        "해양플랜트",    "LNG",         "평형수",   "스크러버",    "전기추진", "자율운항",
    "친환경 선박", "암모니아 추진", "선박 기자재", "IMO 규제", "중소형 선박", NULL};
static const demo_pair ship_depts[] = {
    {"조선해양공학과", "Department of Naval Architecture and Ocean Engineering"},
    {"기계공학과", "Department of Mechanical Engineering"},
    {"해양시스템공학과", "Department of Ocean Systems Engineering"},
    {"기관공학과", "Department of Marine Engineering"},
    END};
static const demo_pair ship_inst[] = {
    {"한국조선해양기자재연구원", "Korea Marine Equipment Research Institute"},
    {"선박해양플랜트연구소", "Korea Research Institute of Ships & Ocean Engineering"},
    {"중소조선연구원", "Research Institute of Medium & Small Shipbuilding"},
    {"한국해양과학기술원", "Korea Institute of Ocean Science & Technology"},
    END};

static const demo_pair mat_suffixes[] = {{"소재", "Materials"},
                                         {"케미칼", "Chemical"},
                                         {"머티리얼즈", "Materials"},
                                         {"화학", "Chemicals"},
                                         {"세라믹", "Ceramics"},
                                         {"카본", "Carbon"},
                                         END};
static const char *const mat_caps[] = {"탄소섬유 복합소재",
                                       "고기능성 엔지니어링 플라스틱",
                                       "이차전지 양극재",
                                       "특수 합금 분말",
                                       "바이오 기반 화학소재",
                                       "정밀 세라믹 부품",
                                       "고순도 산업용 가스",
                                       "친환경 촉매",
                                       "나노 코팅 소재",
                                       "폐플라스틱 화학적 재활용",
                                       "반도체용 고순도 화학소재",
                                       "희소금속 정련",
                                       NULL};
static const char *const mat_kw[] = {"탄소섬유", "복합소재", "양극재",   "엔지니어링 플라스틱",
                                     "촉매",     "석유화학", "고순도",   "세라믹",
                                     "탄소중립", "재활용",   "나노소재", "소부장",
                                     NULL};
static const demo_pair mat_depts[] = {{"신소재공학과", "Department of Materials Science and Engineering"},
                                      {"화학공학과", "Department of Chemical Engineering"},
                                      {"고분자공학과", "Department of Polymer Engineering"},
                                      {"응용화학과", "Department of Applied Chemistry"},
                                      END};
static const demo_pair mat_inst[] = {
    {"한국재료연구원", "Korea Institute of Materials Science"},
    {"한국화학연구원", "Korea Research Institute of Chemical Technology"},
    {"한국세라믹기술원", "Korea Institute of Ceramic Engineering and Technology"},
    {"한국탄소산업진흥원", "Korea Carbon Industry Promotion Agency"},
    END};

static const demo_pair robot_suffixes[] = {{"로보틱스", "Robotics"},
                                           {"로봇", "Robot"},
                                           {"오토메이션", "Automation"},
                                           {"메카트로닉스", "Mechatronics"},
                                           {"모션", "Motion"},
                                           {"정밀", "Precision"},
                                           END};
static const char *const robot_caps[] = {"협동로봇 감속기",
                                         "로봇용 서보모터",
                                         "로봇 비전 시스템",
                                         "자율주행 물류로봇",
                                         "로봇 그리퍼",
                                         "용접 로봇 셀",
                                         "로봇 제어기",
                                         "힘·토크 센서",
                                         "서비스 로봇 플랫폼",
                                         "로봇 관절 모듈",
                                         NULL};
static const char *const robot_kw[] = {
    "협동로봇",     "감속기", "서보모터", "로봇비전", "AMR",          "그리퍼", "제어기",
    "스마트팩토리", "자동화", "물류로봇", "센서",     "매니퓰레이터", NULL};
static const demo_pair robot_depts[] = {{"로봇공학과", "Department of Robotics Engineering"},
                                        {"기계공학과", "Department of Mechanical Engineering"},
                                        {"메카트로닉스공학과", "Department of Mechatronics Engineering"},
                                        {"전자공학과", "Department of Electronic Engineering"},
                                        END};
static const demo_pair robot_inst[] = {
    {"한국로봇융합연구원", "Korea Institute of Robotics & Technology Convergence"},
    {"한국로봇산업진흥원", "Korea Institute for Robot Industry Advancement"},
    END};

static const demo_pair mfg_suffixes[] = {{"정밀", "Precision"},
                                         {"기계", "Machinery"},
                                         {"금속", "Metal"},
                                         {"테크놀로지", "Technology"},
                                         {"전자", "Electronics"},
                                         {"인더스트리", "Industry"},
                                         END};
static const char *const mfg_caps[] = {"스마트공장 MES",
                                       "금형 설계·제작",
                                       "CNC 정밀가공",
                                       "산업용 IoT 센서",
                                       "머신비전 검사",
                                       "디지털트윈 공정 시뮬레이션",
                                       "3D 프린팅 부품 제작",
                                       "표면처리·도금",
                                       "산업용 AI 예지보전",
                                       "프레스 성형",
                                       "PCB 실장",
                                       "자동화 설비 설계",
                                       NULL};
static const char *const mfg_kw[] = {"스마트공장", "디지털전환", "MES",      "금형",     "정밀가공",
                                     "디지털트윈", "예지보전",   "3D프린팅", "뿌리산업", "IoT",
                                     "머신비전",   "제조AI",     NULL};
static const demo_pair mfg_depts[] = {{"산업공학과", "Department of Industrial Engineering"},
                                      {"기계공학과", "Department of Mechanical Engineering"},
                                      {"컴퓨터공학과", "Department of Computer Engineering"},
                                      {"스마트팩토리학과", "Department of Smart Factory"},
                                      END};
static const demo_pair mfg_inst[] = {
    {"한국전자통신연구원", "Electronics and Telecommunications Research Institute"},
    {"한국기계전기전자시험연구원", "Korea Testing Certification Institute"},
    END};

static const demo_pair aero_suffixes[] = {{"에어로", "Aero"},
                                          {"에어로스페이스", "Aerospace"},
                                          {"디펜스", "Defense"},
                                          {"정밀", "Precision"},
                                          {"항공", "Aviation"},
                                          {"시스템즈", "Systems"},
                                          END};
static const char *const aero_caps[] = {"방산 정밀가공",         "항공기 복합재 구조물", "유도무기 구동장치",
                                        "항공기 엔진 부품 가공", "위성 탑재체 부품",     "군용 전원공급장치",
                                        "특수 열처리",           "항공기 MRO",           "드론 비행제어기",
                                        "방산 전자 커넥터",      "항공용 티타늄 가공",   NULL};
static const char *const aero_kw[] = {"방산",     "항공", "우주", "위성",   "MRO",    "복합재", "정밀가공",
                                      "유도무기", "드론", "UAM",  "국산화", "AS9100", NULL};
static const demo_pair aero_depts[] = {{"항공우주공학과", "Department of Aerospace Engineering"},
                                       {"기계공학과", "Department of Mechanical Engineering"},
                                       {"국방기술학과", "Department of Defense Technology"},
                                       {"전자공학과", "Department of Electronic Engineering"},
                                       END};
static const demo_pair aero_inst[] = {
    {"한국항공우주연구원", "Korea Aerospace Research Institute"},
    {"국방기술진흥연구소", "Korea Research Institute for Defense Technology Planning and Advancement"},
    {"한국재료연구원", "Korea Institute of Materials Science"},
    END};

static const demo_pair nuke_suffixes[] = {{"파워", "Power"},
                                          {"에너지", "Energy"},
                                          {"중공업", "Heavy Industries"},
                                          {"엔지니어링", "Engineering"},
                                          {"계전", "Instruments"},
                                          {"밸브", "Valve"},
                                          END};
static const char *const nuke_caps[] = {"원전 계측제어",
                                        "원전용 밸브·펌프",
                                        "원자로 압력용기 가공",
                                        "방사선 차폐 소재",
                                        "원전 해체 기술",
                                        "SMR 핵심 기자재",
                                        "원전 안전등급 케이블",
                                        "사용후핵연료 저장용기",
                                        "열교환기 튜브",
                                        "비파괴 검사",
                                        NULL};
static const char *const nuke_kw[] = {"원전",     "SMR",    "계측제어", "안전등급",   "원전해체",  "방사선",
                                      "압력용기", "기자재", "KEPIC",    "비파괴검사", "원전 수출", NULL};
static const demo_pair nuke_depts[] = {{"원자력공학과", "Department of Nuclear Engineering"},
                                       {"기계공학과", "Department of Mechanical Engineering"},
                                       {"전기공학과", "Department of Electrical Engineering"},
                                       END};
static const demo_pair nuke_inst[] = {{"한국원자력연구원", "Korea Atomic Energy Research Institute"},
                                      {"한국전기연구원", "Korea Electrotechnology Research Institute"},
                                      {"한국원자력안전기술원", "Korea Institute of Nuclear Safety"},
                                      END};

static const demo_pair bio_suffixes[] = {{"바이오", "Bio"},
                                         {"메디칼", "Medical"},
                                         {"헬스케어", "Healthcare"},
                                         {"파마", "Pharma"},
                                         {"바이오텍", "Biotech"},
                                         {"메디텍", "Meditech"},
                                         END};
static const char *const bio_caps[] = {
    "바이오 의약품 CDMO",   "체외진단 키트",          "디지털 치료기기",      "의료용 AI 영상판독",
    "세포·유전자 치료제",   "의료기기 인허가 컨설팅", "줄기세포 배양",        "웨어러블 생체신호 센서",
    "항체 의약품 공정개발", "마이크로바이옴 소재",    "원격 모니터링 플랫폼", NULL};
static const char *const bio_kw[] = {"바이오의약품",   "CDMO",     "체외진단", "디지털헬스", "의료기기",
                                     "세포치료제",     "AI 진단",  "GMP",      "임상",       "헬스케어",
                                     "마이크로바이옴", "웨어러블", NULL};
static const demo_pair bio_depts[] = {{"생명공학과", "Department of Biotechnology"},
                                      {"의공학과", "Department of Biomedical Engineering"},
                                      {"약학과", "College of Pharmacy"},
                                      {"바이오메디컬공학과", "Department of Biomedical Engineering"},
                                      END};
static const demo_pair bio_inst[] = {
    {"한국생명공학연구원", "Korea Research Institute of Bioscience and Biotechnology"},
    {"오송첨단의료산업진흥재단", "Osong Medical Innovation Foundation"},
    {"한국보건산업진흥원", "Korea Health Industry Development Institute"},
    END};

static const demo_pair h2_suffixes[] = {{"에너지", "Energy"},
                                        {"수소", "Hydrogen"},
                                        {"파워", "Power"},
                                        {"퓨얼셀", "Fuel Cell"},
                                        {"가스텍", "Gastech"},
                                        {"에너텍", "Enertech"},
                                        END};
static const char *const h2_caps[] = {"수소연료전지",
                                      "수전해 설비",
                                      "수소 저장용기(Type 4)",
                                      "수소충전소 압축기",
                                      "연료전지 분리판",
                                      "MEA 전극 코팅",
                                      "수소 배관·밸브",
                                      "액화수소 저장탱크",
                                      "암모니아 크래킹 촉매",
                                      "연료전지 BOP 부품",
                                      NULL};
static const char *const h2_kw[] = {"수소",     "연료전지", "수전해",       "PEMFC",
                                    "SOFC",     "그린수소", "수소충전소",   "고압용기",
                                    "탄소중립", "액화수소", "수소모빌리티", NULL};
static const demo_pair h2_depts[] = {{"에너지공학과", "Department of Energy Engineering"},
                                     {"화학공학과", "Department of Chemical Engineering"},
                                     {"기계공학과", "Department of Mechanical Engineering"},
                                     END};
static const demo_pair h2_inst[] = {
    {"한국에너지기술연구원", "Korea Institute of Energy Research"},
    {"한국가스안전공사 가스안전연구원", "Korea Gas Safety Corporation Research Institute"},
    {"한국기계연구원", "Korea Institute of Machinery & Materials"},
    END};

static const demo_sector sectors[] = {
    {"디스플레이",
     "",
     {"디스플레이", "Display"},
     display_suffixes,
     display_caps,
     display_kw,
     display_depts,
     display_inst},
    {"미래모빌리티",
     "조선",
     {"친환경 조선해양", "Eco-friendly Shipbuilding"},
     ship_suffixes,
     ship_caps,
     ship_kw,
     ship_depts,
     ship_inst},
    {"미래모빌리티",
     "",
     {"미래자동차", "Future Vehicle"},
     car_suffixes,
     car_caps,
     car_kw,
     car_depts,
     car_inst},
    {"핵심소재", "", {"첨단소재", "Advanced Materials"}, mat_suffixes, mat_caps, mat_kw, mat_depts, mat_inst},
    {"지능형로봇",
     "",
     {"지능형 로봇", "Intelligent Robotics"},
     robot_suffixes,
     robot_caps,
     robot_kw,
     robot_depts,
     robot_inst},
    {"첨단제조",
     "",
     {"스마트 제조", "Smart Manufacturing"},
     mfg_suffixes,
     mfg_caps,
     mfg_kw,
     mfg_depts,
     mfg_inst},
    {"항공·방산",
     "",
     {"항공·방산", "Aerospace & Defense"},
     aero_suffixes,
     aero_caps,
     aero_kw,
     aero_depts,
     aero_inst},
    {"차세대원자력",
     "",
     {"원자력", "Nuclear Power"},
     nuke_suffixes,
     nuke_caps,
     nuke_kw,
     nuke_depts,
     nuke_inst},
    {"첨단바이오", "", {"바이오헬스", "Bio Health"}, bio_suffixes, bio_caps, bio_kw, bio_depts, bio_inst},
    {"에너지신산업", "", {"수소에너지", "Hydrogen Energy"}, h2_suffixes, h2_caps, h2_kw, h2_depts, h2_inst},
    /* fallback for a sector this list does not know */
    {NULL, "", {"첨단산업", "Advanced Industry"}, mfg_suffixes, mfg_caps, mfg_kw, mfg_depts, mfg_inst},
};

const demo_sector *demo_words_sector(const char *sector_ko, const char *detail_ko) {
  size_t n = sizeof sectors / sizeof sectors[0];
  for (size_t i = 0; i + 1 < n; i++) {
    if (strcmp(sectors[i].sector_ko, sector_ko) != 0) continue;
    if (sectors[i].detail_ko[0] == '\0' || (detail_ko && strcmp(sectors[i].detail_ko, detail_ko) == 0))
      return &sectors[i];
  }
  return &sectors[n - 1];
}

/* ---- regions ---------------------------------------------------------------------------- */

static const demo_pair seoul_u[] = {
    {"서울과학기술대학교", "Seoul National University of Science and Technology"},
    {"한양대학교", "Hanyang University"},
    {"고려대학교", "Korea University"},
    {"숭실대학교", "Soongsil University"},
    {"서울시립대학교", "University of Seoul"},
    {"광운대학교", "Kwangwoon University"},
    END};
static const demo_pair incheon_u[] = {{"인하대학교", "Inha University"},
                                      {"인천대학교", "Incheon National University"},
                                      {"인하공업전문대학", "Inha Technical College"},
                                      {"경인여자대학교", "Kyungin Women's University"},
                                      END};
static const demo_pair gyeonggi_u[] = {
    {"한양대학교 ERICA", "Hanyang University ERICA"},
    {"아주대학교", "Ajou University"},
    {"한국공학대학교", "Tech University of Korea"},
    {"가천대학교", "Gachon University"},
    {"경기대학교", "Kyonggi University"},
    {"성균관대학교 자연과학캠퍼스", "Sungkyunkwan University Natural Sciences Campus"},
    END};
static const demo_pair gangwon_u[] = {{"강원대학교", "Kangwon National University"},
                                      {"강릉원주대학교", "Gangneung-Wonju National University"},
                                      {"한림대학교", "Hallym University"},
                                      {"연세대학교 미래캠퍼스", "Yonsei University Mirae Campus"},
                                      {"가톨릭관동대학교", "Catholic Kwandong University"},
                                      {"상지대학교", "Sangji University"},
                                      END};
static const demo_pair chungbuk_u[] = {{"충북대학교", "Chungbuk National University"},
                                       {"한국교통대학교", "Korea National University of Transportation"},
                                       {"청주대학교", "Cheongju University"},
                                       {"서원대학교", "Seowon University"},
                                       {"세명대학교", "Semyung University"},
                                       {"충북보건과학대학교", "Chungbuk Health & Science University"},
                                       END};
static const demo_pair chungnam_u[] = {{"순천향대학교", "Soonchunhyang University"},
                                       {"호서대학교", "Hoseo University"},
                                       {"선문대학교", "Sun Moon University"},
                                       {"한국기술교육대학교", "Korea University of Technology and Education"},
                                       {"단국대학교 천안캠퍼스", "Dankook University Cheonan Campus"},
                                       {"공주대학교", "Kongju National University"},
                                       END};
static const demo_pair daegu_u[] = {
    {"경북대학교", "Kyungpook National University"},
    {"계명대학교", "Keimyung University"},
    {"대구경북과학기술원", "Daegu Gyeongbuk Institute of Science and Technology"},
    {"영진전문대학교", "Yeungjin University"},
    {"대구보건대학교", "Daegu Health College"},
    END};
static const demo_pair gyeongbuk_u[] = {{"영남대학교", "Yeungnam University"},
                                        {"금오공과대학교", "Kumoh National Institute of Technology"},
                                        {"포항공과대학교", "Pohang University of Science and Technology"},
                                        {"대구가톨릭대학교", "Daegu Catholic University"},
                                        {"대구대학교", "Daegu University"},
                                        {"경일대학교", "Kyungil University"},
                                        END};
static const demo_pair busan_u[] = {{"부산대학교", "Pusan National University"},
                                    {"부경대학교", "Pukyong National University"},
                                    {"한국해양대학교", "Korea Maritime & Ocean University"},
                                    {"동아대학교", "Dong-A University"},
                                    {"동의대학교", "Dong-eui University"},
                                    {"신라대학교", "Silla University"},
                                    END};
static const demo_pair ulsan_u[] = {{"울산대학교", "University of Ulsan"},
                                    {"울산과학기술원", "Ulsan National Institute of Science and Technology"},
                                    {"울산과학대학교", "Ulsan College"},
                                    END};
static const demo_pair gyeongnam_u[] = {{"경상국립대학교", "Gyeongsang National University"},
                                        {"창원대학교", "Changwon National University"},
                                        {"경남대학교", "Kyungnam University"},
                                        {"인제대학교", "Inje University"},
                                        {"창신대학교", "Changshin University"},
                                        END};
static const demo_pair gwangju_u[] = {{"전남대학교", "Chonnam National University"},
                                      {"조선대학교", "Chosun University"},
                                      {"광주과학기술원", "Gwangju Institute of Science and Technology"},
                                      {"호남대학교", "Honam University"},
                                      {"광주대학교", "Gwangju University"},
                                      END};
static const demo_pair jeonbuk_u[] = {
    {"전북대학교", "Jeonbuk National University"}, {"군산대학교", "Kunsan National University"},
    {"원광대학교", "Wonkwang University"},         {"우석대학교", "Woosuk University"},
    {"전주대학교", "Jeonju University"},           END};
static const demo_pair jeonnam_u[] = {{"목포대학교", "Mokpo National University"},
                                      {"순천대학교", "Sunchon National University"},
                                      {"전남대학교 여수캠퍼스", "Chonnam National University Yeosu Campus"},
                                      {"목포해양대학교", "Mokpo National Maritime University"},
                                      {"동신대학교", "Dongshin University"},
                                      END};
static const demo_pair other_u[] = {{"한국폴리텍대학", "Korea Polytechnics"}, END};

static const demo_region regions[] = {
    {"서울", "Seoul", {"수도권본부", "Capital Region Division"}, seoul_u},
    {"인천", "Incheon", {"인천본부", "Incheon Division"}, incheon_u},
    {"경기", "Gyeonggi", {"경기본부", "Gyeonggi Division"}, gyeonggi_u},
    {"강원", "Gangwon", {"강원본부", "Gangwon Division"}, gangwon_u},
    {"충북", "Chungbuk", {"충청본부", "Chungcheong Division"}, chungbuk_u},
    {"충남", "Chungnam", {"충남센터", "Chungnam Center"}, chungnam_u},
    {"대구", "Daegu", {"대경본부", "Daegyeong Division"}, daegu_u},
    {"경북", "Gyeongbuk", {"경북센터", "Gyeongbuk Center"}, gyeongbuk_u},
    {"부산", "Busan", {"동남본부", "Dongnam Division"}, busan_u},
    {"울산", "Ulsan", {"울산본부", "Ulsan Division"}, ulsan_u},
    {"경남", "Gyeongnam", {"경남본부", "Gyeongnam Division"}, gyeongnam_u},
    {"광주", "Gwangju", {"호남본부", "Honam Division"}, gwangju_u},
    {"전북", "Jeonbuk", {"전북본부", "Jeonbuk Division"}, jeonbuk_u},
    {"전남", "Jeonnam", {"전남센터", "Jeonnam Center"}, jeonnam_u},
    {NULL, "Region", {"지역센터", "Regional Center"}, other_u},
};

const demo_region *demo_words_region(const char *name_ko) {
  size_t n = sizeof regions / sizeof regions[0];
  for (size_t i = 0; i + 1 < n; i++)
    if (strcmp(regions[i].ko, name_ko) == 0) return &regions[i];
  return &regions[n - 1];
}

size_t demo_words_count(const demo_pair *list) {
  size_t n = 0;
  while (list[n].ko) n++;
  return n;
}

size_t demo_words_count_strings(const char *const *list) {
  size_t n = 0;
  while (list[n]) n++;
  return n;
}
