"""/data/events.csv and /data/timeline.json (generator/interchange.py), and the flags for
claims resting on discredited or retracted sources in developments.json and the feed.

The briefing here puts hostile text in every field the exports show: cells that a
spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``, tab, carriage return),
quotes, commas, line breaks, Arabic, raw HTML. pandas is not a dependency of the
project, so the CSV is read back with the csv module, as RFC 4180 text.
"""

from __future__ import annotations

import csv
import dataclasses
import html
import io
import json
import xml.etree.ElementTree as ET
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import load_dir
from generator import Briefing
from generator.exports import developments_json
from generator.feed import ATOM, atom_feed
from generator.interchange import (
    ACLED_COLUMNS,
    OWN_COLUMNS,
    events_csv,
    neutralise,
    plain_text,
    timeline_json,
)
from generator.schema import Withdrawal
from generator.urls import permalink

SITE_URL = "https://example.org/briefing/"
A, B, C = "2024-12-06-a", "2024-11-20-b", "2024-12-01-c"
TITLE = '<b>Bold</b> & "=title"'
SOHR = '=HYPERLINK("http://evil.example","click")'
DW = 'المرصد السوري لحقوق الإنسان, "quoted"'
AP = "@news agency"
HTS, SAA, RU = "-HTS\twith tab", "+Syrian Arab Army", "\rCR actor"
SYRIA, HOMS_GOV, HOMS = '@Syria, "country"', "=Homs governorate", "\tHoms\nnewline"
A_TITLE = "=cmd|' /c calc'!A1"
A_SUMMARY = (
    '+1 danger, "quoted"\n\n<script>alert(1)</script> and [a link](https://example.org/x) '
    "in العربية"
)
A_TAGS = ["-tag", "@tag", "comma, tag", "\ttab tag"]
B_TITLE = "Line one\nسطر الثاني"
# Text a spreadsheet runs as a formula: OWASP's characters, also after leading spaces.
DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
NUMERIC = {"year", "time_precision", "latitude", "longitude", "timestamp"}


def dump(data: Any) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


FILES = {
    "briefing.yaml": dump({
        "title": TITLE, "as_of": "2024-12-06T12:00:00+00:00", "summary": "**Bottom** line.",
        "key_figures": [{"label": "Distance", "value": "5 km", "sources": ["sohr"]}],
    }),
    "sources.yaml": dump([
        {"id": "sohr", "name": SOHR, "kind": "monitor", "reliability": "C"},
        {"id": "dw", "name": DW, "kind": "broadcaster",
         "discredited": {"at": "2024-12-05", "note": "Fabricated a report."}},
        {"id": "ap", "name": AP, "kind": "news-agency"},
    ]),
    "actors.yaml": dump([
        {"id": "hts", "name": HTS, "kind": "armed-group"},
        {"id": "saa", "name": SAA, "kind": "armed-forces"},
        {"id": "ru", "name": RU, "kind": "state"},
    ]),
    "places.yaml": dump([
        {"id": "syria", "name": SYRIA, "kind": "country"},
        {"id": "homs-gov", "name": HOMS_GOV, "kind": "governorate", "within": "syria"},
        {"id": "homs", "name": HOMS, "kind": "city", "within": "homs-gov",
         "lat": 34.73, "lon": 36.71},
        {"id": "nowhere", "name": "-Unlocated", "kind": "village", "within": "homs-gov"},
        {"id": "south", "name": "Southern town", "kind": "town", "within": "syria",
         "lat": -3.5, "lon": -60.25},
        {"id": "free", "name": "Free place", "kind": "city", "lat": 10.5, "lon": 20.25},
    ]),
    "developments/2024-12-06-rebels-near-homs.yaml": None,
    f"developments/{A}.yaml": dump({
        "title": A_TITLE, "date": "2024-12-06T05:00:00+03:00", "date_precision": "week",
        "status": "claimed", "places": ["homs", "nowhere", "south", "free"],
        "actors": ["hts", "saa", "ru"], "summary": A_SUMMARY, "tags": A_TAGS,
        "key_points": [
            {"text": "Cites the discredited one.", "sources": ["dw"]},
            {"text": "Cites two.", "sources": ["sohr", "ap"]},
        ],
        "sources": [
            "sohr",
            {"source": "ap", "title": "=Report title",
             "retracted": {"at": "2024-12-06", "note": "Withdrawn by the publisher."}},
            "dw",
        ],
        "competing_claims": [{"claim": "AP says so.", "by": ["ap"]}],
        "updates": [{"at": "2024-12-06T11:00:00+00:00", "note": "-Update note"}],
    }),
    f"developments/{B}.yaml": dump({
        "title": B_TITLE, "date": "2024-11-20", "date_precision": "month",
        "status": "confirmed", "actors": ["saa"], "summary": "@mention at the start",
        "sources": ["sohr"],
    }),
    f"developments/{C}.yaml": dump({
        "title": "Plain title", "date": "2024-12-01", "places": ["nowhere"],
        "summary": "Only an unlocated place.\n\n# Heading\n\nText after.",
        "key_points": [{"text": "Cites AP, not in its sources.", "sources": ["ap"]}],
        "sources": ["sohr"],
    }),
}  # fmt: skip


@pytest.fixture
def briefing(make_briefing: Callable[..., Path]) -> Briefing:
    loaded, report = load_dir(make_briefing(FILES))
    assert not report.errors, [str(e) for e in report.errors]
    assert loaded is not None
    return loaded


def read_csv(text: str) -> list[dict[str, str]]:
    """The CSV as a spreadsheet or pandas gets it: bytes, BOM, RFC 4180 quoting."""
    data = text.encode("utf-8")
    assert data.startswith(b"\xef\xbb\xbf"), "UTF-8 with a byte-order mark, for Excel"
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[0] == [*ACLED_COLUMNS, *OWN_COLUMNS]
    assert all(len(row) == len(rows[0]) for row in rows)
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def is_dangerous(cell: str) -> bool:
    return cell.startswith(DANGEROUS) or cell.lstrip().startswith(DANGEROUS)


# ---------------------------------------------------------------- events.csv


def test_acled_columns_come_first_in_order() -> None:
    assert ACLED_COLUMNS == (
        "event_id_cnty", "event_date", "year", "time_precision", "actor1", "actor2",
        "country", "admin1", "location", "latitude", "longitude", "source", "notes", "tags",
        "timestamp",
    )  # fmt: skip
    assert not set(ACLED_COLUMNS) & set(OWN_COLUMNS)


def test_one_row_per_development_and_located_place(briefing: Briefing) -> None:
    rows = read_csv(events_csv(briefing, SITE_URL))
    # A: homs, south and free have coordinates, nowhere has none; B names no place;
    # C only an unlocated one: both still get a row, with empty location fields.
    assert [(r["development"], r["place"]) for r in rows] == [
        (A, "homs"), (A, "south"), (A, "free"), (C, ""), (B, ""),
    ]  # fmt: skip
    assert [r["event_id_cnty"] for r in rows] == [f"{A}/homs", f"{A}/south", f"{A}/free", C, B]
    for row in rows[3:]:
        assert [row[k] for k in ("country", "admin1", "location", "latitude", "longitude")] == [
            "", "", "", "", "",
        ]  # fmt: skip


def test_the_line_ends_are_crlf_outside_quoted_cells(briefing: Briefing) -> None:
    text = events_csv(briefing)
    assert text.endswith("\r\n")
    header = text[1:].split("\r\n", 1)[0]
    assert header == ",".join((*ACLED_COLUMNS, *OWN_COLUMNS))


def test_hostile_cells_are_neutralised_and_otherwise_kept_exactly(briefing: Briefing) -> None:
    rows = read_csv(events_csv(briefing, SITE_URL))
    homs = rows[0]
    typed = {  # what the briefing says, as typed
        "actor1": HTS, "actor2": SAA, "country": SYRIA, "admin1": HOMS_GOV, "location": HOMS,
        "source": f"{SOHR}; {AP}; {DW}",
        "notes": '+1 danger, "quoted" <script>alert(1)</script> and a link in العربية',
        "tags": "; ".join(A_TAGS), "title": A_TITLE, "actors": f"{HTS}; {SAA}; {RU}",
        "status": "claimed", "development": A, "place": "homs",
    }  # fmt: skip
    for column, value in typed.items():
        expected = "'" + value if is_dangerous(value) else value
        assert homs[column] == expected, column
    assert homs["title"] == "'=cmd|' /c calc'!A1"
    assert homs["location"] == "'\tHoms\nnewline"  # the line break survives, quoted
    assert rows[-1]["title"] == B_TITLE  # Arabic and a line break, not dangerous: as typed
    assert rows[-1]["notes"] == "'@mention at the start"
    for row in rows:
        for column, cell in row.items():
            if column in NUMERIC and cell:
                float(cell)  # a number, never a neutralised text
            else:
                assert not is_dangerous(cell), (row["event_id_cnty"], column, cell)


def test_neutralise_leaves_ordinary_text_alone() -> None:
    assert neutralise("Homs") == "Homs"
    assert neutralise("") == ""
    assert neutralise("a=b") == "a=b"
    assert neutralise("  =1+1") == "'  =1+1"
    assert neutralise("\r=1") == "'\r=1"
    assert neutralise("'=already") == "'=already"


def test_coordinates_stay_numbers(briefing: Briefing) -> None:
    rows = {r["place"]: r for r in read_csv(events_csv(briefing))}
    assert (rows["south"]["latitude"], rows["south"]["longitude"]) == ("-3.5", "-60.25")
    assert (float(rows["homs"]["latitude"]), float(rows["homs"]["longitude"])) == (34.73, 36.71)


def test_country_and_admin1_follow_within(briefing: Briefing) -> None:
    rows = {r["place"]: r for r in read_csv(events_csv(briefing))}
    assert (rows["homs"]["country"], rows["homs"]["admin1"]) == ("'" + SYRIA, "'" + HOMS_GOV)
    assert (rows["south"]["country"], rows["south"]["admin1"]) == ("'" + SYRIA, "")
    assert (rows["free"]["country"], rows["free"]["admin1"]) == ("", "")


def test_dates_precision_and_timestamp(briefing: Briefing) -> None:
    rows = {r["development"]: r for r in read_csv(events_csv(briefing))}
    assert [rows[i]["time_precision"] for i in (A, B, C)] == ["2", "3", "1"]  # week, month, day
    assert (rows[A]["event_date"], rows[A]["year"]) == ("2024-12-06", "2024")
    assert rows[B]["event_date"] == "2024-11-20"
    # A's newest update, 2024-12-06T11:00:00Z; C has none: its date.
    assert rows[A]["timestamp"] == "1733482800"
    assert rows[C]["timestamp"] == "1733011200"


def test_urls_actors_and_withdrawn_sources(briefing: Briefing) -> None:
    rows = {r["development"]: r for r in read_csv(events_csv(briefing, SITE_URL))}
    assert rows[A]["url"] == permalink(SITE_URL, "development", A)
    assert rows[C]["actors"] == rows[C]["actor1"] == rows[C]["actor2"] == ""
    assert rows[B]["actor1"] == "'" + SAA and rows[B]["actor2"] == ""
    assert rows[A]["discredited_or_retracted"] == (
        f"{DW} (discredited 2024-12-05); {AP} (retracted 2024-12-06)"
    )
    assert rows[C]["discredited_or_retracted"] == ""
    assert rows[B]["discredited_or_retracted"] == ""


def test_plain_text_keeps_every_block_apart() -> None:
    assert plain_text("# Head\nText `code`\n\n```\nfenced\n```\n\n- one\n- two") == (
        "Head Text code fenced one two"
    )
    assert plain_text("**Homs** and [a link](https://example.org)") == "Homs and a link"


# ---------------------------------------------------------------- timeline.json


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def scan(fragment: str) -> _Tags:
    parser = _Tags()
    parser.feed(fragment)
    parser.close()
    return parser


SAFE_TAGS = {"p", "strong", "em", "a", "code", "pre", "h3", "h4", "ul", "ol", "li", "s"}


def assert_safe_html(fragment: str) -> None:
    for tag, attrs in scan(fragment).tags:
        assert tag in SAFE_TAGS, tag
        assert set(attrs) <= {"href"}, attrs
        href = (attrs.get("href") or "").strip().lower()
        assert not href or href.startswith(("https:", "http:", "mailto:", "#", "/", "."))


def test_timeline_has_the_timelinejs_shape(briefing: Briefing) -> None:
    data = json.loads(timeline_json(briefing, SITE_URL))
    assert set(data) <= {"title", "events", "eras", "scale"}
    title = data["title"]["text"]
    assert title["headline"] == "&lt;b&gt;Bold&lt;/b&gt; &amp; &quot;=title&quot;"
    assert html.unescape(title["headline"]) == TITLE
    assert title["text"] == "<p><strong>Bottom</strong> line.</p>"
    events = data["events"]
    assert [e["unique_id"] for e in events] == [A, C, B]
    assert [e["group"] for e in events] == ["claimed", "reported", "confirmed"]
    for event in events:
        start = event["start_date"]
        assert all(isinstance(start[k], int) for k in ("year", "month", "day") if k in start)
        assert set(event["text"]) == {"headline", "text"}
        assert_safe_html(event["text"]["text"])
    by_id = {e["unique_id"]: e for e in events}
    assert by_id[A]["start_date"] == {
        "year": 2024, "month": 12, "day": 6, "display_date": "Week of 2024-12-06",
    }  # fmt: skip
    assert by_id[B]["start_date"] == {"year": 2024, "month": 11}  # month precision: no day
    assert by_id[C]["start_date"] == {"year": 2024, "month": 12, "day": 1}


def test_timeline_text_is_safe_html(briefing: Briefing) -> None:
    by_id = {e["unique_id"]: e for e in json.loads(timeline_json(briefing, SITE_URL))["events"]}
    event = by_id[A]
    assert event["text"]["headline"] == html.escape(A_TITLE)
    assert html.unescape(by_id[B]["text"]["headline"]) == B_TITLE
    body = event["text"]["text"]
    assert "<script" not in body.lower()
    parsed = scan(body)
    assert "script" not in {tag for tag, _ in parsed.tags}
    assert "<script>alert(1)</script>" in "".join(parsed.text)  # shown as text
    links = [attrs["href"] for tag, attrs in parsed.tags if tag == "a"]
    assert links == ["https://example.org/x", permalink(SITE_URL, "development", A)]


def test_timeline_refuses_javascript_links(briefing: Briefing) -> None:
    # The schema refuses these links already; the renderer must too.
    summary = (
        "[one](javascript:alert(1)) [two](JaVaScRiPt:alert(2)) [three](&#106;avascript:x) "
        '<a href="javascript:alert(4)">four</a> [five](data:text/html,x)'
    )
    dev = briefing.developments[C].model_copy(update={"summary": summary})
    hostile = dataclasses.replace(briefing, developments={**briefing.developments, C: dev})
    by_id = {e["unique_id"]: e for e in json.loads(timeline_json(hostile, SITE_URL))["events"]}
    body = by_id[C]["text"]["text"]
    assert_safe_html(body)
    hrefs = [attrs["href"] for tag, attrs in scan(body).tags if tag == "a"]
    assert hrefs == [permalink(SITE_URL, "development", C)]


# ---------------------------------------------------------------- flags in developments.json


def test_developments_json_flags_withdrawn_sources(briefing: Briefing) -> None:
    data = json.loads(developments_json(briefing, SITE_URL))
    assert data["version"] == 1  # fields were added: readers ignore keys they do not know
    records = {r["id"]: r for r in data["developments"]}
    dw = {"source": "dw", "name": DW, "how": "discredited", "at": "2024-12-05",
          "note": "Fabricated a report.", "report": None}  # fmt: skip
    ap = {"source": "ap", "name": AP, "how": "retracted", "at": "2024-12-06",
          "note": "Withdrawn by the publisher.", "report": "=Report title"}  # fmt: skip
    a = records[A]
    assert a["withdrawn"] == [dw, ap]
    assert [(p["withdrawn"], p["unsupported"]) for p in a["key_points"]] == [
        ([dw], True), ([ap], False),  # sohr still stands behind the second
    ]  # fmt: skip
    assert a["competing_claims"] == [{
        "claim": "AP says so.", "by": ["ap"], "verdict": "unverified", "note": None,
        "withdrawn": [ap], "unsupported": True,
    }]  # fmt: skip
    sources = {s["id"]: s for s in a["sources"]}
    assert sources["dw"]["discredited"] == {"at": "2024-12-05", "note": "Fabricated a report."}
    assert sources["dw"]["retracted"] is None
    assert sources["ap"]["retracted"] == {"at": "2024-12-06", "note": "Withdrawn by the publisher."}
    assert sources["ap"]["discredited"] is None
    assert sources["sohr"]["discredited"] is sources["sohr"]["retracted"] is None
    assert records[B]["withdrawn"] == [] and records[C]["withdrawn"] == []
    assert records[C]["key_points"][0]["withdrawn"] == []  # AP's report is retracted for A only


def discredit(briefing: Briefing, source: str) -> Briefing:
    gone = Withdrawal.model_validate({"at": "2024-12-06", "note": "Gone."})
    changed = briefing.sources[source].model_copy(update={"discredited": gone})
    return dataclasses.replace(briefing, sources={**briefing.sources, source: changed})


def test_a_long_lived_caller_sees_a_newly_discredited_source(briefing: Briefing) -> None:
    """C's key point cites AP, which is not among C's sources: the reused record must
    still change when AP is discredited."""
    memo: dict[str, tuple[Any, str]] = {}
    developments_json(briefing, SITE_URL, memo)
    later = discredit(briefing, "ap")
    assert developments_json(later, SITE_URL, memo) == developments_json(later, SITE_URL)
    records = {r["id"]: r for r in json.loads(developments_json(later, SITE_URL, memo))[
        "developments"]}  # fmt: skip
    assert [f["source"] for f in records[C]["withdrawn"]] == ["ap"]

    feeds: dict[str, tuple[Any, ET.Element]] = {}
    atom_feed(briefing, SITE_URL, feeds)
    assert atom_feed(later, SITE_URL, feeds) == atom_feed(later, SITE_URL)


# ---------------------------------------------------------------- flags in the feed


def feed_entries(briefing: Briefing) -> dict[str, ET.Element]:
    root = ET.fromstring(atom_feed(briefing, SITE_URL))
    return {
        (e.findtext(f"{{{ATOM}}}id") or "").rsplit(":", 1)[1]: e
        for e in root.findall(f"{{{ATOM}}}entry")
        if ":situation:" in (e.findtext(f"{{{ATOM}}}id") or "")
    }


def test_the_feed_entry_says_it_rests_on_withdrawn_sources(briefing: Briefing) -> None:
    entries = feed_entries(briefing)
    categories = {
        c.get("term"): c.get("label") for c in entries[A].findall(f"{{{ATOM}}}category")
    }
    assert categories["discredited-source"] == "Rests on a discredited source"
    assert categories["retracted-report"] == "Rests on a retracted report"
    summary = entries[A].findtext(f"{{{ATOM}}}summary") or ""
    assert_safe_html(summary)
    shown = " ".join("".join(scan(summary).text).split())
    assert shown.startswith(
        f"Withdrawn sources: claims in this development rest on {DW} (discredited on "
        f"2024-12-05); {AP}, “=Report title” (report retracted on 2024-12-06)."
    )
    assert "danger" in shown  # the summary follows
    for ident in (B, C):
        terms = {c.get("term") for c in entries[ident].findall(f"{{{ATOM}}}category")}
        assert not terms & {"discredited-source", "retracted-report"}
        assert "Withdrawn" not in (entries[ident].findtext(f"{{{ATOM}}}summary") or "")
