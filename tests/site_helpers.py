"""Helpers for the site tests (issue 3): temp projects, MkDocs runs, HTML scanning.

Nothing here is a fixture; each test module builds its own from these pieces.
"""

from __future__ import annotations

import gzip
import html
import json
import os
import posixpath
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import yaml

from generator.tags import tag_id

PROJECT = Path(__file__).resolve().parent.parent
EXAMPLE = PROJECT / "briefings"
TEMPLATES = PROJECT / "templates"
SECOND = Path(__file__).resolve().parent / "briefings-second"

# `path:line:col: error: message`, as the plugin logs it (after MkDocs' "ERROR -  ").
DIAGNOSTIC = re.compile(
    r"(?m)^(?:ERROR\s+-\s+)?(?P<path>[^\s:]+):(?P<line>\d+):(?P<col>\d+): error: "
)

MKDOCS_ENV = {
    **{k: v for k, v in os.environ.items() if k != "OFFLINE"},  # mkdocs.yml: offline plugin
    "NO_MKDOCS_2_WARNING": "1",
    "PYTHONIOENCODING": "utf-8",
}


# --- projects and MkDocs runs ---------------------------------------------------------------


def copy_project(dst: Path, briefings: Path = EXAMPLE) -> Path:
    """A copy of mkdocs.yml, templates/, docs/ and a briefing folder (as briefings/) in ``dst``."""
    dst.mkdir(parents=True, exist_ok=True)
    shutil.copy2(PROJECT / "mkdocs.yml", dst / "mkdocs.yml")
    shutil.copytree(TEMPLATES, dst / "templates")
    docs = PROJECT / "docs"
    if docs.is_dir():
        shutil.copytree(docs, dst / "docs")
    else:
        (dst / "docs").mkdir()
    shutil.copytree(briefings, dst / "briefings")
    return dst


def run_module(
    cwd: Path, module: str, *args: str, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m MODULE ARGS`` in ``cwd``; stdout and stderr kept apart."""
    return subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=cwd,
        env=MKDOCS_ENV,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
        check=False,
    )


def mkdocs(cwd: Path, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """Run ``python -m mkdocs ARGS`` in ``cwd``; stdout and stderr are merged."""
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", *args],
        cwd=cwd,
        env=MKDOCS_ENV,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        encoding="utf-8",
        timeout=timeout,
        check=False,
    )


def build(project: Path, site: Path | None = None, *extra: str) -> subprocess.CompletedProcess[str]:
    """``mkdocs build --strict`` of ``project`` into ``site`` (default project/site)."""
    target = site or project / "site"
    return mkdocs(project, "build", "--strict", "--site-dir", str(target), *extra)


def warning_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("WARNING")]


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under ``folder``: relative path → (bytes, mtime in ns)."""
    return {
        path.relative_to(folder).as_posix(): (path.read_bytes(), path.stat().st_mtime_ns)
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def write_yaml_tree(root: Path, files: Mapping[str, Any]) -> Path:
    """Write each value as YAML (``safe_dump``, so any string round-trips exactly)."""
    for name, data in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10_000)
        path.write_text(text, encoding="utf-8")
    return root


def example_ids() -> dict[str, list[str]]:
    """The ids of the example briefing, read straight from its files."""
    return briefing_ids(EXAMPLE)


def briefing_ids(root: Path) -> dict[str, list[str]]:
    def registry(name: str) -> list[str]:
        return [entry["id"] for entry in yaml.safe_load((root / name).read_text("utf-8"))]

    watch = root / "indicators.yaml"  # optional: /indicators/ only when it lists a sign
    devs = sorted((root / "developments").glob("*.yaml"))
    tags = {t for p in devs for t in yaml.safe_load(p.read_text("utf-8")).get("tags") or []}

    return {
        "developments": [p.stem for p in devs],
        "topics": sorted(p.stem for p in (root / "background").glob("*.yaml")),
        "actors": registry("actors.yaml"),
        "places": registry("places.yaml"),
        "sources": registry("sources.yaml"),
        "indicators": registry("indicators.yaml") if watch.is_file() else [],
        "tags": sorted({tag_id(t) for t in tags}),  # a page per tag (generator/tags.py)
    }


EXPORTS = (
    "feed.xml", "data/developments.json", "data/events.geojson", "data/events.csv",
    "data/timeline.json",
)  # fmt: skip
# The maps' shared basemaps, named by a hash of their extent and size.
BASEMAP = re.compile(r"^assets/briefing/maps/basemap-[0-9a-f]{12}\.svg$")


def is_basemap_image(tag: str, attrs: Mapping[str, str]) -> bool:
    """An <img> of ours: a map's basemap, a relative link to a generated file."""
    src = attrs.get("src", "")
    return (
        tag == "img"
        and attrs.get("class") == "bf-map-base"
        and not is_external(src)
        and re.search(r"(^|/)assets/briefing/maps/basemap-[0-9a-f]{12}\.svg$", src) is not None
    )


def expected_tree(ids: Mapping[str, list[str]]) -> set[str]:
    """The tree paths the contract's URLs need (plus the stylesheet)."""
    paths = {
        "index.md",
        "situation/index.md",
        "background/index.md",
        "actors/index.md",
        "places/index.md",
        "sources/index.md",
        "about.md",
        "brief/index.md",
        "changes/index.md",
        "tags/index.md",
        "assets/briefing/briefing.css",
        "assets/briefing/iframe-worker-shim.js",
        "assets/briefing/a11y.js",
        "assets/briefing/search.js",  # the header's search box with Pagefind
        "assets/briefing/filters.js",  # the timeline's filters and their index
        "assets/briefing/filter-index.js",
        *EXPORTS,
    }
    paths |= {f"situation/{i}.md" for i in ids["developments"]}
    paths |= {f"background/{i}.md" for i in ids["topics"]}
    paths |= {f"actors/{i}.md" for i in ids["actors"]}
    paths |= {f"places/{i}.md" for i in ids["places"]}
    paths |= {f"sources/{i}.md" for i in ids["sources"]}
    paths |= {f"tags/{i}.md" for i in ids.get("tags", [])}
    if ids.get("indicators"):
        paths.add("indicators/index.md")
    return paths


def expected_urls(ids: Mapping[str, list[str]]) -> set[str]:
    """The contract's page URLs, relative to the site root ('' is /)."""
    urls = {
        "", "situation/", "background/", "actors/", "places/", "sources/", "about/", "brief/",
        "changes/", "tags/",
    }  # fmt: skip
    urls |= {f"situation/{i}/" for i in ids["developments"]}
    urls |= {f"background/{i}/" for i in ids["topics"]}
    urls |= {f"actors/{i}/" for i in ids["actors"]}
    urls |= {f"places/{i}/" for i in ids["places"]}
    urls |= {f"tags/{i}/" for i in ids.get("tags", [])}
    if ids.get("indicators"):
        urls.add("indicators/")
    return urls


# --- HTML ------------------------------------------------------------------------------------


@dataclass
class Scan:
    """What one HTML document holds, as the browser would see it (entities decoded)."""

    tags: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)
    text: list[str] = field(default_factory=list)
    scripts: list[str] = field(default_factory=list)  # inline script bodies

    @property
    def plain(self) -> str:
        return " ".join(" ".join(self.text).split())

    def hrefs(self, tag: str = "a") -> list[str]:
        return [a["href"] for t, a in self.tags if t == tag and a.get("href") is not None]


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scan = Scan()
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        self.scan.tags.append((tag, values))
        for key in ("id", "name") if tag == "a" else ("id",):
            if values.get(key):
                self.scan.ids.add(values[key])
        if tag == "script":
            self._in_script = True

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag == "script":
            self._in_script = False

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        (self.scan.scripts if self._in_script else self.scan.text).append(data)


def scan_html(text: str) -> Scan:
    parser = _Parser()
    parser.feed(text)
    parser.close()
    return parser.scan


def pagefind_pages(site: Path) -> list[dict[str, Any]]:
    """What Pagefind indexed of each page (generator/sitesearch.py): its fragments, each
    gzip-compressed JSON after a "pagefind_dcd" signature: url, content, meta.title."""
    pages = []
    for path in sorted((site / "pagefind" / "fragment").glob("*.pf_fragment")):
        data = gzip.decompress(path.read_bytes())
        assert data.startswith(b"pagefind_dcd"), path
        pages.append(json.loads(data[len(b"pagefind_dcd") :]))
    return pages


def html_pages(site: Path) -> Iterator[tuple[str, Path]]:
    """(path relative to the site, file) for every built HTML page."""
    for path in sorted(site.rglob("*.html")):
        yield path.relative_to(site).as_posix(), path


def is_external(url: str) -> bool:
    parts = urlsplit(url)
    return bool(parts.scheme or parts.netloc)


def resolve(page: str, url: str) -> tuple[str, str]:
    """The site file an internal ``url`` on ``page`` points at, and its fragment.

    ``page`` is a path relative to the site root (``situation/x/index.html``); a
    folder URL means its ``index.html``. The file is '' if the URL leaves the site.
    """
    parts = urlsplit(url)
    fragment = unquote(parts.fragment)
    if not parts.path:
        return page, fragment
    if parts.path.startswith("/"):
        joined = parts.path.lstrip("/")
    else:
        joined = posixpath.join(posixpath.dirname(page), unquote(parts.path))
    target = posixpath.normpath(joined) if joined else "."
    if target == ".." or target.startswith("../"):
        return "", fragment
    if parts.path.endswith("/") or target == ".":
        target = posixpath.join(target, "index.html") if target != "." else "index.html"
    return target, fragment


def broken_links(site: Path) -> list[str]:
    """Every <a href> of every page that points at a missing file or anchor."""
    scans: dict[str, Scan] = {}

    def scan_of(rel: str) -> Scan:
        if rel not in scans:
            scans[rel] = scan_html((site / rel).read_text(encoding="utf-8"))
        return scans[rel]

    problems: list[str] = []
    for rel, _ in html_pages(site):
        for href in scan_of(rel).hrefs():
            if is_external(href):
                continue
            target, fragment = resolve(rel, href)
            if not target:
                problems.append(f"{rel}: {href!r} leaves the site")
                continue
            file = site / target
            if file.is_dir():
                target, file = posixpath.join(target, "index.html"), file / "index.html"
            if not file.is_file():
                problems.append(f"{rel}: {href!r} → missing {target}")
            elif fragment and target.endswith(".html") and fragment not in scan_of(target).ids:
                problems.append(f"{rel}: {href!r} → no id {fragment!r} in {target}")
    return problems


def front_matter(page: str) -> tuple[dict[str, Any], str]:
    """Split a generated Markdown page into its front matter (parsed) and its body."""
    if not page.startswith("---\n"):
        return {}, page
    head, _, body = page[4:].partition("\n---\n")
    return yaml.safe_load(head) or {}, body


def markdown_to_html(page: str) -> str:
    """The HTML MkDocs would make of a generated page (the extensions of mkdocs.yml)."""
    import markdown

    _, body = front_matter(page)
    converter = markdown.Markdown(
        extensions=["admonition", "attr_list", "md_in_html", "tables", "toc"]
    )
    return converter.convert(body)


def decoded(text: str) -> str:
    return html.unescape(text)


# --- a hostile briefing ----------------------------------------------------------------------

# What a careless or malicious author might type into any text field.
PAYLOADS = (
    "<script>window.PWNED=1</script>",
    "<img src=x onerror=alert(1)>",
    "{{ 7*7 }}",
    "{% if %}",
    "| a | b |",
    "# heading",
    "</div>",
    "*emph*",
    "[x](https://ok.example)",
)
TEMPLATE_TITLE = "{{ 7*7 }}"


def hostile_text(label: str) -> str:
    """A one-line plain-text value: ``label`` then every payload."""
    return f"{label} " + " ".join(PAYLOADS)


def hostile_prose(label: str) -> str:
    """A Markdown value: ``label``, then every payload as its own paragraph."""
    return label + "\n\n" + "\n\n".join(PAYLOADS) + "\n"


# Field → label; the label makes each field's value findable in the output.
PLAIN_FIELDS = {
    "briefing.subtitle": "plainsubtitle",
    "briefing.region": "plainregion",
    "key_figure.label": "plainfigurelabel",
    "key_figure.value": "plainfigurevalue",
    "key_figure.note": "plainfigurenote",
    "source.name": "plainsourcename",
    "source.name (2)": "plainsecondsource",
    "actor.name": "plainactorname",
    "actor.short": "plainactorshort",
    "actor.aliases[0]": "plainactoralias",
    "actor.side": "plainactorside",
    "place.name": "plainplacename",
    "place.name (2)": "plaininnerplace",
    "place.aliases[0]": "plainplacealias",
    "development.title": "plaindevtitle",
    "development.sources[0].title": "plainreftitle",
    "development.tags[0]": "plaintag",
    "development.updates[0].note": "plainupdatenote",
    "topic.title": "plaintopictitle",
    "topic.sources[0].title": "plaintopicreftitle",
    "development (2).sources[1].title": "plainretractedtitle",
}
PROSE_FIELDS = {
    "briefing.summary": "prosebriefingsummary",
    "source.description": "prosesourcedescription",
    "actor.summary": "proseactorsummary",
    "place.description": "proseplacedescription",
    "development.summary": "prosedevsummary",
    "development.key_points[0].text": "prosekeypoint",
    "development.assessment.text": "proseassessment",
    "topic.summary": "prosetopicsummary",
    "topic.body": "prosetopicbody",
    # v2 (issue 12): withdrawn sources, competing claims, the watch list
    "source.discredited.note (2)": "prosediscreditednote",
    "development (2).sources[1].retracted.note": "proseretractednote",
    "development.competing_claims[0].claim": "proseclaimtext",
    "development.competing_claims[0].note": "proseclaimnote",
    "indicator.text": "proseindicatortext",
    "indicator.note": "proseindicatornote",
}


def write_hostile_briefing(root: Path) -> Path:
    """A valid briefing in which every text field carries :data:`PAYLOADS`.

    The briefing's title and the second development's title are exactly
    :data:`TEMPLATE_TITLE`.
    """
    t = {field: hostile_text(label) for field, label in PLAIN_FIELDS.items()}
    p = {field: hostile_prose(label) for field, label in PROSE_FIELDS.items()}
    files: dict[str, Any] = {
        "briefing.yaml": {
            "title": TEMPLATE_TITLE,
            "subtitle": t["briefing.subtitle"],
            "region": t["briefing.region"],
            "as_of": "2031-01-02T12:00:00+00:00",
            "summary": p["briefing.summary"],
            "key_figures": [
                {
                    "label": t["key_figure.label"],
                    "value": t["key_figure.value"],
                    "note": t["key_figure.note"],
                    "sources": ["src-a"],
                }
            ],
        },
        "sources.yaml": [
            {
                "id": "src-a",
                "name": t["source.name"],
                "kind": "monitor",
                "url": "https://a.example/",
                "reliability": "C",
                "description": p["source.description"],
            },
            {
                "id": "src-b",
                "name": t["source.name (2)"],
                "kind": "other",
                # the key point cites src-a too: it keeps a standing source (no warning)
                "discredited": {"at": "2031-01-02", "note": p["source.discredited.note (2)"]},
            },
        ],
        "actors.yaml": [
            {
                "id": "actor-a",
                "name": t["actor.name"],
                "short": t["actor.short"],
                "aliases": [t["actor.aliases[0]"], "second alias"],
                "kind": "armed-group",
                "side": t["actor.side"],
                "summary": p["actor.summary"],
            }
        ],
        "places.yaml": [
            {
                "id": "place-a",
                "name": t["place.name"],
                "aliases": [t["place.aliases[0]"]],
                "kind": "country",
                "lat": 1.5,
                "lon": 2.5,
                "description": p["place.description"],
            },
            {"id": "place-b", "name": t["place.name (2)"], "kind": "city", "within": "place-a"},
        ],
        "developments/2031-01-01-first.yaml": {
            "title": t["development.title"],
            "date": "2031-01-01",
            "status": "claimed",
            "places": ["place-a", "place-b"],
            "actors": ["actor-a"],
            "summary": p["development.summary"],
            "key_points": [
                {
                    "text": p["development.key_points[0].text"],
                    "sources": ["src-a", "src-b"],
                    "credibility": 3,
                }
            ],
            "assessment": {
                "text": p["development.assessment.text"],
                "confidence": "low",
                "likelihood": "likely",
            },
            "sources": [
                {
                    "source": "src-a",
                    "title": t["development.sources[0].title"],
                    "url": "https://a.example/report",
                    "published": "2031-01-01",
                }
            ],
            "competing_claims": [
                {
                    "claim": p["development.competing_claims[0].claim"],
                    "by": ["src-a", "src-b"],  # src-b is discredited, src-a stands
                    "verdict": "refuted",
                    "note": p["development.competing_claims[0].note"],
                },
                {"claim": "Second claim.", "by": ["src-a"]},
            ],
            "related": ["2031-01-02-second"],
            "tags": [t["development.tags[0]"]],
            "updates": [
                {"at": "2031-01-02T10:00:00+00:00", "note": t["development.updates[0].note"]}
            ],
        },
        "developments/2031-01-02-second.yaml": {
            "title": TEMPLATE_TITLE,
            "date": "2031-01-02",
            "summary": "Second.",
            "sources": [
                "src-b",
                {  # no key point here: a retracted report leaves no claim without a source
                    "source": "src-a",
                    "title": t["development (2).sources[1].title"],
                    "retracted": {
                        "at": "2031-01-02",
                        "note": p["development (2).sources[1].retracted.note"],
                    },
                },
            ],
            "related": ["2031-01-01-first"],
        },
        "background/topic-a.yaml": {
            "title": t["topic.title"],
            "order": 1,
            "summary": p["topic.summary"],
            "body": p["topic.body"],
            "actors": ["actor-a"],
            "places": ["place-a"],
            "sources": [
                {
                    "source": "src-a",
                    "title": t["topic.sources[0].title"],
                    "url": "https://a.example/topic",
                }
            ],
        },
        "indicators.yaml": [
            {
                "id": "sign-a",
                "text": p["indicator.text"],
                "status": "emerging",
                "developments": ["2031-01-01-first"],
                "note": p["indicator.note"],
                "updated": "2031-01-02",
            }
        ],
    }
    return write_yaml_tree(root, files)
