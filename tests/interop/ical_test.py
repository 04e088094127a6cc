"""iCalendar interop: the .ics the server serves is parsed by Python's icalendar (Debian's
python3-icalendar, written by nobody here) and its fields and times checked.

The real moa binary on loopback with the demo database; coord02 schedules a weekly meeting with a
long Korean description full of characters that need escaping (, ; \\ and newlines) and a one-off
meeting it then cancels; member02a's private feed (/calendar/feed/<token>.ics) and the per-meeting
file (/calendar/meeting/<id>.ics?t=...) are fetched over HTTP. Checked: Content-Type, CRLF and
75-octet folding, VTIMEZONE Asia/Seoul with +0900, DTSTART/DTEND in Asia/Seoul equal to the
scheduled instants, RRULE FREQ=WEEKLY COUNT=4, SUMMARY/DESCRIPTION round-trip exactly, UID and
DTSTAMP present, STATUS:CANCELLED for the cancelled meeting."""
import asyncio
import datetime
import os
import sys
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from moa_interop import Failure, Server, Signaling, check, log  # noqa: E402

import icalendar  # noqa: E402

KST = datetime.timezone(datetime.timedelta(hours=9))


def fetch(server, path):
    with urllib.request.urlopen(server.url + path, timeout=20) as res:
        return res.status, res.headers.get("Content-Type"), res.read()


def check_lines(raw):
    text = raw.decode("utf-8")
    check("\n" not in text.replace("\r\n", ""), "every line ends with CRLF")
    for line in raw.split(b"\r\n"):
        check(len(line) <= 75, f"a physical line is longer than 75 octets: {line[:40]!r}...")
        line.decode("utf-8")  # no line ends or starts inside a UTF-8 sequence


async def main():
    server = await Server().start()
    try:
        coord = await Signaling.connect(server, "coord02")
        await coord.request("auth.login", email="coord02@moa.example", password="moa-demo-2025")
        member = await Signaling.connect(server, "member02a")
        await member.request("auth.login", email="member02a@moa.example", password="moa-demo-2025")
        day = (datetime.datetime.now(KST) + datetime.timedelta(days=2)).date()
        start = datetime.datetime(day.year, day.month, day.day, 14, 30, tzinfo=KST)
        end = start + datetime.timedelta(hours=2)
        title = "협의체 정기회의; 1부, 2부 \\ 합동"
        description = ("안건: 공동 R&D, 예산; 인력 교류\n둘째 줄 \\ 백슬래시\n" +
                       "수소 모빌리티 협의체와 디지털 산업단지가 함께하는 긴 설명입니다, " * 6).strip()
        weekly = await coord.request(
            "meeting.create", consortium_id=2, title=title, description=description,
            starts_at=start.isoformat(), ends_at=end.isoformat(), recurrence="weekly", recurrence_count=4,
            agenda=[{"start": "14:30", "minutes": 30, "item": "개회, 인사", "speaker": "코디네이터"}])
        once = await coord.request(
            "meeting.create", consortium_id=2, title="취소될 회의",
            starts_at=(start + datetime.timedelta(days=1)).isoformat(),
            ends_at=(end + datetime.timedelta(days=1)).isoformat())
        await coord.request("meeting.cancel", meeting_id=once["id"])
        feed = await member.request("calendar.feed")

        status, ctype, raw = fetch(server, feed["url"])
        check(status == 200, f"feed status {status}")
        check(ctype == "text/calendar; charset=utf-8", f"Content-Type {ctype}")
        check_lines(raw)
        cal = icalendar.Calendar.from_ical(raw)
        check(str(cal["VERSION"]) == "2.0" and cal.get("PRODID"), "VERSION 2.0 and PRODID")
        tzs = [c for c in cal.walk("VTIMEZONE")]
        check(len(tzs) == 1 and str(tzs[0]["TZID"]) == "Asia/Seoul", "one VTIMEZONE Asia/Seoul")
        std = tzs[0].walk("STANDARD")[0]
        check(std["TZOFFSETTO"].td == datetime.timedelta(hours=9) and
              std["TZOFFSETFROM"].td == datetime.timedelta(hours=9), "KST is +0900 all year")
        events = {str(e["UID"]): e for e in cal.walk("VEVENT")}
        log(f"feed has {len(events)} events: {sorted(events)}")
        ev = next(e for e in events.values() if str(e["SUMMARY"]) == title)
        check(ev["DTSTART"].params.get("TZID") == "Asia/Seoul", "DTSTART;TZID=Asia/Seoul")
        check(ev.decoded("DTSTART") == start, f"DTSTART {ev.decoded('DTSTART')} != {start}")
        check(ev.decoded("DTEND") == end, f"DTEND {ev.decoded('DTEND')} != {end}")
        check(ev.decoded("DTSTART").utcoffset() == datetime.timedelta(hours=9), "Seoul offset")
        check(ev.decoded("DTSTART").timestamp() == weekly["starts_at"], "the same instant as starts_at")
        rrule = ev["RRULE"]
        check(rrule["FREQ"] == ["WEEKLY"] and rrule["COUNT"] == [4], f"RRULE {rrule.to_ical()}")
        desc = str(ev["DESCRIPTION"])
        join = f"/#/room/{weekly['room_id']}"
        check(str(ev.get("URL", "")).endswith(join), f"URL is the join link: {ev.get('URL')}")
        first, _, rest = desc.partition("\n\n")
        check(first.startswith("회의 참여 (Join): http") and first.endswith(join), f"the join link first: {first!r}")
        check(rest.startswith(description), "DESCRIPTION round-trips (escaping, folding of Korean text)")
        check("14:30 (30분) 개회, 인사" in desc, "the agenda is in the description")
        check(ev.get("DTSTAMP") is not None and str(ev["STATUS"]) == "CONFIRMED", "DTSTAMP, STATUS")
        cancelled = next(e for e in events.values() if str(e["SUMMARY"]) == "취소될 회의")
        check(str(cancelled["STATUS"]) == "CANCELLED", "cancelled meetings are STATUS:CANCELLED")
        check(not cancelled.walk("VALARM"), "no alarm for a cancelled meeting")
        alarm = ev.walk("VALARM")[0]
        check(alarm.decoded("TRIGGER") == datetime.timedelta(minutes=-10), "reminder 10 minutes before")

        token = feed["url"].split("/")[-1][:-4]
        status, ctype, raw = fetch(server, f"/calendar/meeting/{weekly['id']}.ics?t={token}")
        check(status == 200 and ctype.startswith("text/calendar"), f"per-meeting .ics {status} {ctype}")
        one = icalendar.Calendar.from_ical(raw)
        evs = list(one.walk("VEVENT"))
        check(len(evs) == 1 and str(evs[0]["SUMMARY"]) == title, "one event in the meeting's file")
        log("icalendar parsed the feed and the meeting file; fields and times as scheduled")
        await coord.close()
        await member.close()
    finally:
        code = await server.stop()
    check(code == 0, f"moa exited with {code}")


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except Failure as e:
        print(f"FAIL: {e}", file=sys.stderr)
        sys.exit(1)
    print("PASS")
