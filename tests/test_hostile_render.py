"""Hostile input, safe output (issue 5): what a briefing says is only ever text.

``tests/hostile/briefings/`` is valid under the schema and carries markup,
template syntax, Markdown block syntax, attr_list injections and bidi controls
in every text field of every file kind. It is rendered with ``render_site``
(the Markdown, checked line by line; ``tests/test_hostile_render/data_spots.txt``
names each field on every line that shows one, and says whether it is shown as
typed and fully escaped) and built with MkDocs (the HTML, parsed: no element and
no attribute may come from the data).

The corpus cases under ``tests/cases/`` that must load cleanly are rendered
here too, so that "accepted" also means "shown exactly as typed".

Golden review: ``pytest tests/test_hostile_render.py --force-regen``, then read
the diff of ``tests/test_hostile_render/data_spots.txt`` line by line: a field
left as text or marked ``raw:`` is a regression, never a new golden.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
import shutil
import subprocess
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from mkdocs.utils.meta import get_data
from site_helpers import is_basemap_image, markdown_to_html, run_module, scan_html

from conftest import CASES, MINIMAL, PROJECT, load_dir, render, write_briefing
from generator import Briefing, Report
from generator.markup import excerpt, inline_html, prose_html
from generator.render import render_site
from generator.tags import tag_id

HERE = Path(__file__).resolve().parent
HOSTILE = HERE / "hostile" / "briefings"
TEMPLATES = PROJECT / "templates"

PWN = "<script>window.__pwned=1</script>"
RTL = "\u202e"

# Tags markdown-it-py (js-default + tables + strikethrough) makes from prose; the
# templates add their own. Nothing else may appear: a tag elsewhere came from data.
PROSE_TAGS = frozenset({
    "p", "em", "strong", "s", "code", "pre", "blockquote", "ul", "ol", "li", "hr", "br",
    "a", "img", "table", "thead", "tbody", "tr", "th", "td", "h1", "h2", "h3", "h4", "h5", "h6",
})  # fmt: skip
# What the templates and the template filters (links, dates) write themselves, read from
# their sources so that a new template feature needs no change here.
_TEMPLATE_SOURCES = [
    path.read_text(encoding="utf-8")
    for path in [
        *sorted(TEMPLATES.glob("*.j2")),
        *(PROJECT / "generator" / name for name in ("templating.py", "clocks.py", "mapsvg.py")),
    ]
]
TEMPLATE_TAGS = frozenset(
    tag.lower()
    for text in _TEMPLATE_SOURCES
    for tag in re.findall(r"</?([A-Za-z][A-Za-z0-9]*)", text)
)
MARKDOWN_ATTRIBUTES = frozenset(
    {"class", "title", "href", "id", "start", "style", "alt", "src", "markdown"}
    | {
        name.lower()
        for text in _TEMPLATE_SOURCES
        for name in re.findall(r"\s([A-Za-z][\w:-]*)=\"", text)
    }
    | {  # attributes written without a value (<form hidden data-search-exclude …>)
        name.lower()
        for text in _TEMPLATE_SOURCES
        for tag in re.findall(r"<[A-Za-z][^<>]*>", re.sub(r"\{[{%#].*?[}%#]\}", " ", text))
        for name in re.findall(r"\s([A-Za-z][\w:-]*)(?=[\s/>])", re.sub(r"\"[^\"]*\"", "", tag))
    }
)


def _attr_list_pattern(written: str) -> str:
    """A template's attr_list, e.g. ``{ #source-{{ ident|slug }} }``, as a regex in which
    each ``{{ }}`` stands for an id (the only data the ``slug`` filter lets through)."""
    parts = re.split(r"\{\{.*?\}\}", written)
    return "[A-Za-z0-9-]+".join(re.escape(part) for part in parts)


# attr_list blocks the templates write: `{: .class }` or `{ #id }` (not Jinja's `{#`).
TEMPLATE_ATTR_LISTS = re.compile(
    "|".join(
        sorted(
            {
                _attr_list_pattern(match)
                for text in _TEMPLATE_SOURCES
                for match in re.findall(r"\{(?::|\s+[#.:])(?:[^{}\n]|\{\{[^{}]*\}\})*\}", text)
            }
        )
    )
    or "(?!)"
)
UNSAFE_SCHEMES = re.compile(r"^\s*(javascript|vbscript|data|file)\s*:", re.IGNORECASE)
FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.DOTALL)


# --- shared with tests/test_browser.py --------------------------------------------------


def load_clean(root: Path) -> Briefing:
    """Load ``root``; it must have neither errors nor warnings."""
    briefing, report = load_dir(root)
    assert render(report) == ""
    assert briefing is not None
    return briefing


def render_pages(root: Path) -> dict[str, str]:
    report = Report()
    pages = render_site(load_clean(root), TEMPLATES, report)
    assert render(report) == ""
    return pages


def make_project(dst: Path, briefings: Path) -> Path:
    """A copy of the project's site config and templates with ``briefings_dir`` → a copy
    of ``briefings`` (as ``dst/input-briefings``)."""
    dst.mkdir(parents=True, exist_ok=True)
    config = (PROJECT / "mkdocs.yml").read_text(encoding="utf-8")
    config, count = re.subn(
        r"(?m)^(\s*)briefings_dir:.*$", r"\1briefings_dir: input-briefings", config
    )
    assert count == 1, "mkdocs.yml no longer sets briefings_dir once"
    (dst / "mkdocs.yml").write_text(config, encoding="utf-8")
    shutil.copytree(TEMPLATES, dst / "templates")
    (dst / "docs").mkdir()
    shutil.copytree(briefings, dst / "input-briefings")
    return dst


def mkdocs_build(project: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return run_module(project, "mkdocs", "build", "--strict", *extra)


def build_site(dst: Path, briefings: Path) -> Path:
    project = make_project(dst, briefings)
    result = mkdocs_build(project)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return project / "site"


VOID = frozenset(
    [
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "source",
        "track",
        "wbr",
    ]
)


@dataclass
class Page:
    """One HTML document as a browser would see it (entities decoded)."""

    tags: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    title: str = ""
    h1: str = ""
    text: list[str] = field(default_factory=list)
    scripts: list[str] = field(default_factory=list)

    def count(self, tag: str) -> int:
        return sum(1 for name, _ in self.tags if name == tag)


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self.stack: list[str] = []
        self.h1_done = False
        self.in_article = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        self.page.tags.append((tag, values))
        if tag == "article":
            self.in_article = True
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.page.tags.append((tag, {name: value or "" for name, value in attrs}))

    def handle_endtag(self, tag: str) -> None:
        if tag in self.stack:
            while self.stack and self.stack.pop() != tag:
                pass
        if tag == "h1" and self.in_article:
            self.h1_done = True

    def handle_data(self, data: str) -> None:
        where = self.stack[-1] if self.stack else ""
        if where == "script":
            self.page.scripts.append(data)
            return
        if where == "title" and "head" in self.stack:  # not an SVG <title>
            self.page.title += data
        if "h1" in self.stack and self.in_article and not self.h1_done and "a" not in self.stack:
            self.page.h1 += data
        self.page.text.append(data)


def parse_html(text: str) -> Page:
    parser = _Parser()
    parser.feed(text)
    parser.close()
    return parser.page


def html_pages(site: Path) -> dict[str, Page]:
    return {
        path.relative_to(site).as_posix(): parse_html(path.read_text(encoding="utf-8"))
        for path in sorted(site.rglob("*.html"))
    }


def flat(text: str) -> str:
    """Text as a one-line field shows it: whitespace runs become one space."""
    return " ".join(text.split())


# --- the hostile briefing ---------------------------------------------------------------


# Pages of the hostile site (the contract's URLs; more may come).
HOSTILE_PAGES = {
    "index.md", "about.md", "situation/index.md", "background/index.md",
    "actors/index.md", "places/index.md", "sources/index.md",
    "situation/2024-12-06-hostile.md", "situation/2024-12-05-second.md",
    "background/hostile-topic.md", "actors/evil-actor.md",
    "places/evil-place.md", "places/evil-country.md",
    "sources/evil-source.md", "sources/wire-source.md", "indicators/index.md",
}  # fmt: skip


def html_path(page: str) -> str:
    """Where MkDocs writes the page ``page`` (use_directory_urls)."""
    stem = page.removesuffix(".md")
    if stem == "index" or stem.endswith("/index"):
        return stem + ".html"
    return stem + "/index.html"


@pytest.fixture(scope="module")
def hostile() -> Briefing:
    return load_clean(HOSTILE)


@pytest.fixture(scope="module")
def pages() -> dict[str, str]:
    return render_pages(HOSTILE)


def text_fields(b: Briefing) -> Iterator[tuple[str, str]]:
    """(kind of field, value) for every text and Markdown field that is set."""
    m = b.meta
    found: list[tuple[str, str | None]] = [
        ("briefing.title", m.title),
        ("briefing.subtitle", m.subtitle),
        ("briefing.region", m.region),
        ("briefing.summary", m.summary),
    ]
    for k in m.key_figures:
        found += [("key_figure.label", k.label), ("key_figure.value", k.value)]
        found += [("key_figure.note", k.note)]
    for s in b.sources.values():
        found += [("source.name", s.name), ("source.description", s.description)]
        found += [("source.discredited.note", s.discredited.note if s.discredited else None)]
    for a in b.actors.values():
        found += [("actor.name", a.name), ("actor.short", a.short), ("actor.side", a.side)]
        found += [("actor.summary", a.summary), *(("actor.alias", x) for x in a.aliases)]
    for p in b.places.values():
        found += [("place.name", p.name), ("place.description", p.description)]
        found += [("place.alias", x) for x in p.aliases]
    for d in b.developments.values():
        found += [("development.title", d.title), ("development.summary", d.summary)]
        found += [("key_point.text", point.text) for point in d.key_points]
        found += [("assessment.text", d.assessment.text if d.assessment else None)]
        found += [("development.tag", tag) for tag in d.tags]
        found += [("update.note", update.note) for update in d.updates]
        found += [("source_ref.title", ref.title) for ref in d.sources]
        found += [("source_ref.retracted.note", r.retracted.note) for r in d.sources if r.retracted]
        for c in d.competing_claims:
            found += [("competing_claim.claim", c.claim), ("competing_claim.note", c.note)]
    for t in b.topics.values():
        found += [("topic.title", t.title), ("topic.summary", t.summary), ("topic.body", t.body)]
        found += [("topic.source_ref.title", ref.title) for ref in t.sources]
    for i in b.indicators.values():
        found += [("indicator.text", i.text), ("indicator.note", i.note)]
    return ((kind, value) for kind, value in found if value is not None)


# Values in the hostile folder that are deliberately harmless: a control source, a plain
# tag, and Arabic aliases for the search test.
HARMLESS = {"Plain source", "plain-tag", "حمص", "هيئة تحرير الشام"}


def test_every_text_field_of_every_kind_carries_the_payloads(hostile: Briefing) -> None:
    kinds: set[str] = set()
    for kind, value in text_fields(hostile):
        if value in HARMLESS:
            continue
        assert value, f"{kind} is empty in the hostile briefing"
        for payload in (PWN, 'onerror="window.__pwned=1"', "{{ 7*7 }}", "{% raw %}", RTL):
            assert payload in value, (kind, payload)
        assert "&lt;script&gt;" in value and "{ #id .class onclick=x }" in value
        kinds.add(kind)
    assert kinds == {
        "briefing.title", "briefing.subtitle", "briefing.region", "briefing.summary",
        "key_figure.label", "key_figure.value", "key_figure.note",
        "source.name", "source.description",
        "actor.name", "actor.short", "actor.alias", "actor.side", "actor.summary",
        "place.name", "place.alias", "place.description",
        "development.title", "development.summary", "key_point.text", "assessment.text",
        "development.tag", "update.note", "source_ref.title",
        "topic.title", "topic.summary", "topic.body", "topic.source_ref.title",
        "source.discredited.note", "source_ref.retracted.note",
        "competing_claim.claim", "competing_claim.note", "indicator.text", "indicator.note",
    }  # fmt: skip


def body_of(page: str) -> str:
    return FRONT_MATTER.sub("", page, count=1)


class _MarkdownTags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {name: value or "" for name, value in attrs}))


def assert_inert_markdown(path: str, page: str, *, images: bool = False) -> None:
    """The Markdown holds no tag, attribute, comment, attr_list or table cell the
    templates did not write."""
    body = body_of(page)
    allowed = (TEMPLATE_TAGS | PROSE_TAGS) - (set() if images else {"img"})
    for match in re.finditer(r"<(/?)([A-Za-z][A-Za-z0-9-]*)", body):
        assert match.group(2).lower() in allowed, (path, body[match.start() : match.start() + 60])
    assert "<!" not in body and "<?" not in body, path
    outside_tags = re.sub(r"<[^<>]*>", "", body).lower()
    assert "javascript:" not in outside_tags and "vbscript:" not in outside_tags, path
    parser = _MarkdownTags()
    parser.feed(body)
    for tag, attrs in parser.tags:
        for name, value in attrs.items():
            assert name in MARKDOWN_ATTRIBUTES, (path, tag, name)
            assert not name.startswith("on"), (path, tag, name)
            if name in ("href", "src"):
                assert not UNSAFE_SCHEMES.match(value), (path, tag, value)
    lines = re.split(r"\r\n|\r|\n", body)  # how Python-Markdown splits lines
    for line in lines:
        # attr_list: only what the templates write; data never holds a raw brace.
        rest = TEMPLATE_ATTR_LISTS.sub("", line)
        assert "{" not in rest and "}" not in rest, (path, line)
        assert not re.match(r"#+ +#", line), (path, line)  # a heading inside a heading
    # Every row of a table keeps the header's number of cells.
    cells = None
    for line in [*lines, ""]:
        if line.startswith("|"):
            count = len(re.findall(r"(?<!\\)\|", line))
            cells = count if cells is None else cells
            assert count == cells, (path, line)
        else:
            cells = None


def test_hostile_markdown_is_inert_on_every_page(pages: dict[str, str]) -> None:
    markdown = {path: page for path, page in pages.items() if path.endswith(".md")}
    assert set(markdown) >= HOSTILE_PAGES
    for path, page in markdown.items():
        assert_inert_markdown(path, page)


def test_template_syntax_in_data_stays_text(pages: dict[str, str]) -> None:
    for path, page in pages.items():
        # the map's coordinates, and the hash in its basemap's name, may hold 49
        outside_tags = re.sub(r"<[^<>]*>|!\[\]\([^()]*\)", "", page)
        assert "49" not in outside_tags, path  # {{ 7*7 }} was never evaluated
    development = pages["situation/2024-12-06-hostile.md"]
    assert (
        "&#123;&#123; 7&#42;7 &#125;&#125; &#123;&#37; raw &#37;&#125; &#123;&#35;" in development
    )
    assert "<p>&#123;&#123; 7&#42;7 &#125;&#125; &#123;% raw %&#125; &#123;&#35;</p>" in development


def test_exact_markdown_at_key_spots(hostile: Briefing, pages: dict[str, str]) -> None:
    page = pages["situation/2024-12-06-hostile.md"]
    lines = page.splitlines()
    # The title: a heading whose every active character is a numeric reference.
    heading = next(line for line in lines if line.startswith("# "))
    assert heading.startswith(
        "# &#35; heading D&#45;TITLE &#60;script&#62;window&#46;&#95;&#95;pwned&#61;1"
        "&#60;/script&#62; &#60;img src&#61;x onerror&#61;&#34;window&#46;&#95;&#95;pwned"
        "&#61;1&#34;&#62; "
    )
    assert heading.endswith(
        f"&#38;lt;script&#38;gt; {RTL}RTL &#123; &#35;id &#46;class onclick&#61;x &#125;"
    )
    # Prose: raw HTML shown as text, Markdown structure rendered by markdown-it.
    for expected in (
        "<p>D-SUMMARY &#60;script&#62;window.&#95;&#95;pwned&#61;1&#60;/script&#62;",
        "<p>&#60;/div&#62;</p>",
        "<p>&#60;&#33;-- comment</p>",
        "<td>&#60;script&#62;window.&#95;&#95;pwned&#61;1&#60;/script&#62;</td>",
        "<h3>heading &#123; &#35;id .class onclick&#61;x &#125;</h3>",  # prose headings start at h3
        "<pre><code>&#60;script&#62;window.&#95;&#95;pwned&#61;1&#60;/script&#62;&#10;</code></pre>",
        # an unused reference definition to javascript: is not a definition, only text
        "<p>&#91;x&#93;&#58; javascript&#58;alert(1)</p>",
        f"<p><em>emph</em> &#58;smile&#58; &#36;x&#36; &#60;script&#62; {RTL}RTL "
        "<code>&#60;b&#62;code&#60;/b&#62;</code>",
        '<a href="https://example.org/">a safe link</a> and javascript&#58;alert(1) as text',
    ):
        assert expected in page, expected
    # A URL the schema accepted, quotes and all, stays inside its attribute.
    assert (
        '<a href="https://example.org/&#34;onmouseover=&#34;window.__pwned=1&#34;&gt;&lt;script'
        '&gt;window.__pwned=1&lt;/script&gt;" rel="noopener">link</a>'
    ) in page
    # The front matter MkDocs reads holds the title HTML-escaped, once.
    typed = hostile.developments["2024-12-06-hostile"].title
    assert get_data(page)[1] == {"title": html.escape(flat(typed))}
    sources = pages["sources/index.md"]
    assert re.search(r"(?m)^## &#35; heading S&#45;NAME .* \{ #source-evil-source \}$", sources)


def test_every_front_matter_title_reads_back_as_typed(
    hostile: Briefing, pages: dict[str, str]
) -> None:
    titles = {
        "index.md": hostile.meta.title,
        "situation/2024-12-06-hostile.md": hostile.developments["2024-12-06-hostile"].title,
        "background/hostile-topic.md": hostile.topics["hostile-topic"].title,
        "actors/evil-actor.md": hostile.actors["evil-actor"].name,
        "places/evil-place.md": hostile.places["evil-place"].name,
    }
    for path, typed in titles.items():
        body, meta = get_data(pages[path])
        assert html.unescape(meta["title"]) == flat(typed), path
        assert not body.startswith("---"), path


def test_exports_keep_the_data_as_typed(hostile: Briefing, pages: dict[str, str]) -> None:
    data = json.loads(pages["data/developments.json"])
    dev = hostile.developments["2024-12-06-hostile"]
    entry = next(d for d in data["developments"] if d["id"] == "2024-12-06-hostile")
    assert entry["title"] == dev.title and entry["summary"] == dev.summary
    assert data["briefing"]["title"] == hostile.meta.title
    feed = ET.fromstring(pages["feed.xml"].encode("utf-8"))
    atom = "{http://www.w3.org/2005/Atom}"
    titles = [e.findtext(f"{atom}title") for e in feed.iter(f"{atom}entry")]
    assert dev.title in titles
    summary = next(
        e.findtext(f"{atom}summary")
        for e in feed.iter(f"{atom}entry")
        if e.findtext(f"{atom}title") == dev.title
    )
    assert summary is not None and PWN not in summary and "&#60;script&#62;" in summary


def _inert_html(path: str, fragment: str) -> None:
    """HTML another program renders (TimelineJS): only prose tags, no handler, no script
    link, and the data's markup only as text."""
    parser = _MarkdownTags()
    parser.feed(fragment)
    for tag, attrs in parser.tags:
        assert tag in PROSE_TAGS - {"img"}, (path, tag)
        for name, value in attrs.items():
            assert name in {"href", "title"}, (path, tag, name)
            assert not UNSAFE_SCHEMES.match(value), (path, tag, value)
    assert "<script" not in fragment.lower() and "<!--" not in fragment, path


def test_timeline_json_text_is_inert_html_of_the_typed_text(
    hostile: Briefing, pages: dict[str, str]
) -> None:
    """TimelineJS puts a slide's headline and text into the page as HTML."""
    text = pages["data/timeline.json"]
    assert "<script" not in text.lower() and 'onerror=\\"' not in text  # no attribute
    data = json.loads(text)
    assert html.unescape(data["title"]["text"]["headline"]) == hostile.meta.title
    slides = {event["unique_id"]: event for event in data["events"]}
    assert set(slides) == set(hostile.developments)
    for ident, event in slides.items():
        headline, body = event["text"]["headline"], event["text"]["text"]
        assert html.unescape(headline) == hostile.developments[ident].title, ident
        _inert_html(ident, headline)
        _inert_html(ident, body)
        assert "&#60;script&#62;window.&#95;&#95;pwned&#61;1&#60;/script&#62;" in body, ident
    _inert_html("title", data["title"]["text"]["text"])


def test_events_csv_keeps_the_typed_text_and_names_the_withdrawn_sources(
    hostile: Briefing, pages: dict[str, str]
) -> None:
    rows = list(csv.DictReader(io.StringIO(pages["data/events.csv"].removeprefix("\ufeff"))))
    by_dev = {row["development"]: row for row in rows}
    assert set(by_dev) == set(hostile.developments)
    dev = hostile.developments["2024-12-06-hostile"]
    row = by_dev["2024-12-06-hostile"]
    assert row["title"] == dev.title  # starts with "#": no formula, kept as typed
    assert row["tags"] == "; ".join(dev.tags)
    evil, wire = hostile.sources["evil-source"], hostile.sources["wire-source"]
    assert row["discredited_or_retracted"] == (
        f"{evil.name} (discredited 2024-12-06); {wire.name} (retracted 2024-12-06)"
    )
    assert by_dev["2024-12-05-second"]["discredited_or_retracted"] == ""


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    text: list[str] = field(default_factory=list)  # its descendants' included
    inner: list[tuple[str, dict[str, str]]] = field(default_factory=list)  # every descendant


class _Tree(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self.open: list[Element] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        for parent in self.open:
            parent.inner.append((tag, values))
        self.elements.append(Element(tag, values))
        if tag not in VOID:
            self.open.append(self.elements[-1])

    def handle_endtag(self, tag: str) -> None:
        while self.open and self.open.pop().tag != tag:
            pass

    def handle_data(self, data: str) -> None:
        for parent in self.open:
            parent.text.append(data)


def innermost(page_html: str, tag: str, cls: str, marker: str) -> Element:
    """The innermost ``tag`` (of class ``cls``, if given) whose text holds ``marker``."""
    tree = _Tree()
    tree.feed(page_html)
    found = [
        element for element in tree.elements
        if element.tag == tag and (not cls or cls in element.attrs.get("class", "").split())
        and marker in "".join(element.text)
    ]  # fmt: skip
    assert found, (tag, cls, marker)
    return min(found, key=lambda element: len("".join(element.text)))


# A Markdown note or claim, where it is shown in full: (page, element, class, field).
WHOLE_NOTES = [
    ("situation/2024-12-06-hostile.md", "li", "", "DISC-NOTE"),  # the notice at the top
    ("situation/2024-12-06-hostile.md", "li", "", "RET-NOTE"),
    ("situation/2024-12-06-hostile.md", "div", "bf-claim", "CC-CLAIM"),
    ("situation/2024-12-06-hostile.md", "div", "bf-claim-note", "CC-NOTE"),
    ("situation/2024-12-06-hostile.md", "div", "bf-claim", "CC2-CLAIM"),
    ("sources/evil-source.md", "div", "bf-withdrawn-notice", "DISC-NOTE"),
    ("sources/wire-source.md", "li", "", "RET-NOTE"),  # under the development citing it
    ("indicators/index.md", "div", "bf-sign-text", "IND-TEXT"),
    ("indicators/index.md", "div", "bf-sign-note", "IND-NOTE"),
]


@pytest.mark.parametrize(("path", "tag", "cls", "marker"), WHOLE_NOTES)
def test_a_note_of_many_paragraphs_stays_inside_its_item(
    pages: dict[str, str], path: str, tag: str, cls: str, marker: str
) -> None:
    """A note is Markdown: paragraphs, a table, a heading, a code block. Where it is shown
    in full it stays whole inside its own list item or block, shown as typed, with its
    Markdown working; it does not end the list or leave a template's `{: .class }` as text."""
    page_html = markdown_to_html(pages[path])
    element = innermost(page_html, tag, cls, marker)
    shown = flat("".join(element.text))
    for words in (
        f"{marker} {PWN}", "<!-- comment", "{{ 7*7 }} {% raw %} {#",
        f"emph :smile: $x$ <script> {RTL}RTL <b>code</b>",
        "a safe link and javascript:alert(1) as text { #id .class onclick=x }",
    ):  # fmt: skip
        assert words in shown, (marker, words)
    # its Markdown works: a table, a heading, a code block, emphasis and a link
    inner = [name for name, _ in element.inner]
    assert {"table", "h3", "pre", "em"} <= set(inner), (marker, inner)
    assert ("a", {"href": "https://example.org/"}) in element.inner, marker
    text = scan_html(page_html).plain
    assert "{:" not in text, text[text.index("{:") - 80 : text.index("{:") + 40]


# --- where the data lands: a golden a person can read ------------------------------------

# No character that Markdown, its extensions, HTML or Jinja could act on reaches a page raw
# from a plain-text field (titles, names, labels, notes): each is a character reference.
MUST_ESCAPE = frozenset("\\`*_{}[]()<>#+-.!|~:&\"'=$%^@")
# One character as written in the Markdown: a character reference or itself.
_CHAR = re.compile(r"&#[0-9]+;|&#[xX][0-9a-fA-F]+;|&(?:amp|lt|gt|quot|apos);|.", re.DOTALL)


def _marker(value: str) -> str:
    """A hostile value's name: ``D-TITLE`` for ``# heading D-TITLE <script>…``."""
    return value.removeprefix("# heading ").split(maxsplit=1)[0]


def _spots(line: str, texts: dict[str, str], excerpts: dict[str, str]) -> str:
    """``line`` with each field it shows as typed (references decoded) replaced by
    ``⟦name⟧``, or by ``⟦name, raw: …⟧`` naming the characters left unescaped; the start
    of a prose field cut with "…" is ``⟦name excerpt⟧``."""
    chars = _CHAR.findall(line)
    shown = "".join(html.unescape(char) for char in chars)
    assert len(shown) == len(chars), line
    pattern = "|".join(
        [re.escape(text) for text in sorted(texts, key=len, reverse=True)]
        # an excerpt never spans a field already named (``⟦KP-TEXT prose⟧ … DISC-NOTE …``)
        + [re.escape(name) + " [^…⟦⟧]*…" for name in excerpts]
    )
    out: list[str] = []
    done = 0
    for match in re.finditer(pattern, shown):
        text, name = match.group(), match.group().split(" ", 1)[0]
        if text in texts:
            label = texts[text]
        elif excerpts[name].startswith(text[:-1]):
            label = f"{name} excerpt"
        else:
            continue
        raw = "".join(sorted({c for c in chars[match.start() : match.end()] if c in MUST_ESCAPE}))
        out += [*chars[done : match.start()], f"⟦{label}, raw: {raw}⟧" if raw else f"⟦{label}⟧"]
        done = match.end()
    return "".join(out + chars[done:])


def test_golden_where_the_data_lands(
    hostile: Briefing, pages: dict[str, str], file_regression: Any
) -> None:
    """Every line of every page that shows the hostile data, each field in it named.

    ``⟦D-TITLE⟧`` stands where the page shows that field exactly as typed with every
    active character escaped, ``⟦D-SUMMARY prose⟧`` where it holds the field's prose
    HTML (pinned by ``test_exact_markdown_at_key_spots``). A field shown as typed but
    with active characters left raw becomes ``⟦D-TITLE, raw: #<>⟧``; one shown otherwise
    (a character lost, changed or escaped twice) stays in the golden as its text. Lines
    that show none of the data are left out: the golden follows the data, not the chrome.
    """
    texts: dict[str, str] = {}  # as a plain-text field shows it → name
    excerpts: dict[str, str] = {}  # name → the words of a prose field
    blocks: dict[str, str] = {}  # the prose HTML of a field → placeholder
    for _, value in text_fields(hostile):
        if value in HARMLESS:
            continue
        name = _marker(value)
        assert name not in texts.values(), name
        texts[flat(value)] = name
        for form in (prose_html(value), inline_html(value)):
            blocks[form] = f"⟦{name} prose⟧"
            # a note inside a Markdown list item (`|indent`): the same HTML, indented
            for indent in ("\n    ", "\n        "):
                blocks[form.replace("\n", indent)] = f"⟦{name} prose⟧"
        if "\n" in value.strip():
            excerpts[name] = excerpt(value, len(value))
    golden: list[str] = []
    for path in sorted(page for page in pages if page.endswith(".md")):
        body = body_of(pages[path])
        for form in sorted(blocks, key=len, reverse=True):
            body = body.replace(form, blocks[form])
        lines = [_spots(line, texts, excerpts) for line in body.splitlines()]
        golden += [f"== {path}", *(line for line in lines if "⟦" in line or "pwned" in line)]
    file_regression.check("\n".join(golden) + "\n", basename="data_spots", extension=".txt")


# --- the built site ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def plain_site(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Page]:
    tmp = tmp_path_factory.mktemp("plain")
    return html_pages(build_site(tmp / "project", write_briefing(tmp / "minimal")))


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_site(tmp_path_factory.mktemp("hostile") / "project", HOSTILE)


def script_shapes(page: Page) -> list[dict[str, str]]:
    """The attributes of each <script>, with ``src`` reduced to its file name."""
    return [
        {k: v.rsplit("/", 1)[-1] if k == "src" else v for k, v in attrs.items()}
        for tag, attrs in page.tags
        if tag == "script"
    ]


@pytest.mark.slow
def test_built_html_has_no_element_or_attribute_from_the_data(
    hostile_site: Path, plain_site: dict[str, Page]
) -> None:
    built = html_pages(hostile_site)
    assert set(built) >= {html_path(page) for page in HOSTILE_PAGES} | {"404.html"}
    reference = plain_site["index.html"]
    plain_tags = {tag for page in plain_site.values() for tag, _ in page.tags}
    for path, page in built.items():
        # The theme's own scripts and icons, no more: the same as on a plain page.
        assert page.count("script") == reference.count("script"), path
        assert script_shapes(page) == script_shapes(reference), path
        assert not any("__pwned" in script for script in page.scripts), path
        for tag, attrs in page.tags:
            if is_basemap_image(tag, attrs):
                continue
            assert tag in plain_tags | TEMPLATE_TAGS | (PROSE_TAGS - {"img"}), (path, tag)
            for name, value in attrs.items():
                assert not name.startswith("on"), (path, tag, name, value)
                if name in ("href", "src", "action", "formaction", "xlink:href", "poster"):
                    assert not UNSAFE_SCHEMES.match(value), (path, tag, name, value)
        basemaps = sum(1 for tag, attrs in page.tags if is_basemap_image(tag, attrs))
        assert page.count("img") == basemaps, path  # only a map's basemap
        for forbidden in ("iframe", "object", "embed", "base", "frame"):
            assert page.count(forbidden) == 0, (path, forbidden)


def test_the_theme_never_turns_a_title_attribute_into_markup() -> None:
    """Material's ``content.tooltips`` builds each tooltip from a ``title`` attribute with
    innerHTML: the site name in the header, a source name in a citation or a withdrawal
    note in a badge would run as HTML (tests/test_browser.py shows it in Chromium)."""
    config = (PROJECT / "mkdocs.yml").read_text(encoding="utf-8")
    assert not re.search(r"(?m)^\s*-\s*content\.tooltips\b", config)


@pytest.mark.slow
def test_built_pages_show_the_data_exactly_as_typed(hostile_site: Path, hostile: Briefing) -> None:
    built = html_pages(hostile_site)
    dev = hostile.developments["2024-12-06-hostile"]
    actor = hostile.actors["evil-actor"]
    cases = {
        "situation/2024-12-06-hostile/index.html": dev.title,
        "background/hostile-topic/index.html": hostile.topics["hostile-topic"].title,
        "actors/evil-actor/index.html": f"{actor.name} ({actor.short})",
        "places/evil-place/index.html": hostile.places["evil-place"].name,
        "index.html": hostile.meta.title,
    }
    for path, typed in cases.items():
        page = built[path]
        title = flat(typed).removesuffix(f" ({actor.short})")  # the page title is the name
        # The site is named after the briefing (the plugin's use_briefing_title), escaped.
        assert page.title.strip() == f"{title} - {flat(hostile.meta.title)}", path
        assert page.h1.strip() == flat(typed), path
        assert "{{ 7*7 }}" in page.h1 and RTL in page.h1 and "&lt;script&gt;" in page.h1
    text = " ".join(built["situation/2024-12-06-hostile/index.html"].text)
    for shown in (
        "D-SUMMARY " + PWN,
        '<img src=x onerror="window.__pwned=1">',
        "[x]: javascript:alert(1)",
        "{ #id .class onclick=x }",
        ":smile: $x$ <script> " + RTL + "RTL",
    ):
        assert shown in text, shown
    assert "49" not in text


# --- corpus cases that must load cleanly: they also render as typed ----------------------


def case_pages(name: str, root: Path) -> dict[str, str]:
    """The minimal briefing with case ``name``'s files laid over it, rendered."""
    write_briefing(root)
    case = CASES / name
    for source in sorted(case.rglob("*")):
        relative = source.relative_to(case)
        if source.is_file() and relative.as_posix() != "expected.txt":
            (root / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, root / relative)
    assert (case / "expected.txt").read_text(encoding="utf-8") == ""
    result = render_pages(root)
    for path, page in result.items():
        if path.endswith(".md"):
            assert_inert_markdown(path, page)
    return result


DEV = "situation/2024-12-06-rebels-near-homs.md"


def test_yaml11_surprises_render_as_typed(tmp_path: Path) -> None:
    pages = case_pages("yaml11-surprises-render-as-typed", tmp_path / "b")
    home, dev, topic = pages["index.md"], pages[DEV], pages["background/hts.md"]
    assert home.startswith('---\ntitle: "NO"\n---\n')
    assert "\n# NO\n" in home
    assert '<p class="bf-subtitle">on</p>' in home
    assert "</time> · 0o17</p>" in home
    assert "<p>1e3</p>" in home
    assert "| 2024&#45;12&#45;06 | 0o17<br><span class=" in home  # label, value, its as-of date
    assert "| &#8212; | 1&#95;000 | [Yes](sources/index.md#source-sohr) |" in home
    assert dev.startswith('---\ntitle: "2024-12-06"\n---\n')
    assert "\n# 2024&#45;12&#45;06\n" in dev
    assert "<p>no</p>" in dev
    assert (
        "**Where:** [&#45;&#46;NaN](../places/homs.md) "
        '<span class="bf-aliases">(<bdi>0o17</bdi> · <bdi>0b101</bdi> · <bdi>&#43;12</bdi>)</span>'
    ) in dev
    assert (
        "**Who:** [off](../actors/hts.md) "
        '<span class="bf-aliases">(<bdi>1e3</bdi> · <bdi>no</bdi> · <bdi>On</bdi> · '
        "<bdi>2024&#45;12&#45;06</bdi> · <bdi>12&#58;30&#58;45</bdi>)</span>"
    ) in dev
    assert "· 2024&#45;12&#45;06T10&#58;00&#58;00Z" in dev
    assert '<time datetime="2024-12-06">6 December 2024</time>: Off' in dev
    assert (
        "**Tags:** [on](../tags/on.md){: .bf-tag } [0o17](../tags/0o17.md){: .bf-tag } "
        "[1e3](../tags/1e3.md){: .bf-tag } [12&#58;30&#58;45](../tags/12-30-45.md){: .bf-tag }"
    ) in dev
    assert "\n# 1e3\n" in topic and "<p>0o17</p>" in topic
    assert "[0x1F](../sources/index.md#source-dw)" in topic
    for page in (home, dev, topic):
        assert get_data(page)[1]["title"] in ("NO", "2024-12-06", "1e3")


def test_zero_width_and_bidi_characters_are_kept_as_typed(tmp_path: Path) -> None:
    pages = case_pages("unicode-format-chars-accepted", tmp_path / "b")
    home, dev = pages["index.md"], pages[DEV]
    assert "\n# Test \u202ebriefing\u202c with RTL override\n" in home
    assert "<strong>Ho\u200dms</strong>" in home and "about 5\u200b km" in home
    assert "| Distance\ufeffto Homs |" in home
    assert "\n# Rebels near \u202eslmoH\u202c &#40;gpj&#46;exe&#41;\n" in dev
    assert "<p>Zero\u200bwidth\u200c\u200djoiners\ufeffand an RTL \u202eoverride</p>" in dev
    # Tags with no Latin letter or digit lead to pages named by a hash (generator/tags.py).
    assert (
        f"[\u200b](../tags/{tag_id(chr(0x200B))}.md){{: .bf-tag }} "
        f"[\u202e](../tags/{tag_id(chr(0x202E))}.md){{: .bf-tag }}"
    ) in dev
    assert get_data(dev)[1] == {"title": "Rebels near \u202eslmoH\u202c (gpj.exe)"}


def test_html_comments_in_titles_are_text(tmp_path: Path) -> None:
    pages = case_pages("html-comment-in-title-accepted", tmp_path / "b")
    dev = pages[DEV]
    assert (
        "\n# Rebels &#60;&#33;&#45;&#45; hidden? &#45;&#45;&#62; near Homs "
        "&#60;&#33;&#45;&#45; never closed\n"
    ) in dev
    assert "<p>Before &#60;&#33;-- a comment in prose --&#62; after</p>" in dev
    topic = pages["background/hts.md"]
    assert "\n# &#45;&#45;&#62; Hayat Tahrir al&#45;Sham &#60;&#33;&#45;&#45;\n" in topic
    actor = pages["actors/hts.md"]
    assert get_data(actor)[1]["title"] == (
        "&lt;!--[if IE]&gt;&lt;script&gt;window.__pwned=1&lt;/script&gt;&lt;![endif]--&gt;"
    )


def test_unused_unsafe_reference_definitions_are_text(tmp_path: Path) -> None:
    dev = case_pages("reference-definition-unused-accepted", tmp_path / "b")[DEV]
    assert "<p>&#91;x&#93;&#58; javascript&#58;alert(1)</p>" in dev
    assert "<li>&#91;img&#93;&#58; data&#58;text/html;base64,PHNjcmlwdD4&#61; <a" in dev


def test_odd_link_targets_become_harmless_relative_links(tmp_path: Path) -> None:
    dev = case_pages("links-odd-but-inert-accepted", tmp_path / "b")[DEV]
    # To a browser none of these has a scheme: percent signs and backslashes are not
    # allowed in one, so each is a path relative to the page.
    assert (
        '<p><a href="java%09script:alert(1)">tab</a> '
        '<a href="javascript%E2%80%8B:alert(1)">zwsp</a> '
        '<a href="%6Aavascript:alert(1)">pct</a> <a href="%5Cjavascript:alert(1)">bs</a></p>'
    ) in dev


def test_a_200_kb_single_line_summary_loads_and_renders(tmp_path: Path) -> None:
    words = " ".join(f"w{i % 1000}" for i in range(45_000))
    summary = f"{words} <b>end</b>"
    assert len(summary) > 200_000
    text = MINIMAL["developments/2024-12-06-rebels-near-homs.yaml"].replace(
        "summary: Rebels are about 5 km from Homs.", f"summary: {summary}"
    )
    assert len(text.splitlines()) == 6
    root = write_briefing(tmp_path / "b", {"developments/2024-12-06-rebels-near-homs.yaml": text})
    started = time.perf_counter()
    pages = render_pages(root)
    assert time.perf_counter() - started < 10
    assert f"<p>{words} &#60;b&#62;end&#60;/b&#62;</p>" in pages[DEV]
    # The overview and the timeline show an excerpt, cut at a word.
    assert "w0 w1 w2" in pages["index.md"] and "…" in pages["index.md"]
    assert len(pages["index.md"]) < 10_000 and len(pages["situation/index.md"]) < 10_000


INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


def test_invisible_characters_in_ids_are_named_in_messages(tmp_path: Path) -> None:
    root = write_briefing(tmp_path / "b")
    case = CASES / "unicode-format-chars-in-ids"
    for source in case.rglob("*.yaml"):
        shutil.copyfile(source, root / source.relative_to(case))
    briefing, report = load_dir(root)
    assert briefing is None
    lines = render(report).splitlines()
    assert len(lines) == 5
    for line in lines:
        assert not INVISIBLE.search(line), line


def test_prose_images_do_not_make_the_reader_contact_another_host(tmp_path: Path) -> None:
    dev = MINIMAL["developments/2024-12-06-rebels-near-homs.yaml"].replace(
        "summary: Rebels are about 5 km from Homs.",
        "summary: Rebels near Homs ![pixel](https://tracker.example/p.png?reader=1)",
    )
    root = write_briefing(tmp_path / "b", {"developments/2024-12-06-rebels-near-homs.yaml": dev})
    briefing, report = load_dir(root)
    pages = render_site(briefing, TEMPLATES, report) if briefing else {}
    # Either refused with a diagnostic, or rendered without a remote request.
    remote = [p for p, text in pages.items() if re.search(r"<img[^>]+src=\"https?://", text)]
    assert remote == [] and (briefing is not None or report.errors)
