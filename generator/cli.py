"""The `briefing` command line (also `python -m generator`)."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from .diagnostics import Report
from .pipeline import load

__all__ = ["main"]


def _print_report(report: Report, strict: bool) -> int:
    for item in report.sorted():
        print(item, file=sys.stderr)
    errors, warnings = len(report.errors), len(report.warnings)
    failed = errors > 0 or (strict and warnings > 0)
    if errors or warnings:
        print(f"{errors} error(s), {warnings} warning(s)", file=sys.stderr)
    return 1 if failed else 0


def _validate(args: argparse.Namespace) -> int:
    report = Report()
    briefing = load(Path(args.dir), report)
    code = _print_report(report, args.strict)
    if briefing is not None and code == 0:
        print(
            f"{args.dir}: ok ({len(briefing.developments)} developments, "
            f"{len(briefing.topics)} topics, {len(briefing.sources)} sources, "
            f"{len(briefing.actors)} actors, {len(briefing.places)} places)"
        )
    return code


def _audit(args: argparse.Namespace) -> int:
    from .audit import audit
    from .loader import display_path
    from .pipeline import check

    report = Report()
    located, briefing = check(Path(args.dir), report)
    if briefing is None:
        _print_report(report, strict=False)
        return 1
    found = audit(located, briefing, display_path(Path(args.dir), Path.cwd()))
    try:
        print(found.as_json() if args.json else found.as_text(), flush=True)
    except BrokenPipeError:  # `briefing audit | head`: the reader has what it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 1 if args.fail_on_findings and found.findings else 0


def _new(args: argparse.Namespace) -> int:
    from .scaffold import ScaffoldError, new_development, new_topic

    root = Path(args.dir)
    try:
        if args.kind == "development":
            day = date.fromisoformat(args.date) if args.date else date.today()
            path, todo = new_development(root, args.title, day, args.id)
        else:
            path, todo = new_topic(root, args.title, args.id)
    except ScaffoldError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {path.as_posix()}")
    print("fill in: " + ", ".join(todo) + "; then run `briefing validate`")
    return 0


def _schema(args: argparse.Namespace) -> int:
    from .jsonschema import write_schemas

    for path in write_schemas(Path(args.out)):
        print(f"wrote {path.as_posix()}")
    return 0


def _settings_from(config: Path) -> tuple[str, str]:
    """``site_url`` and the briefings plugin's ``feed_id`` from an mkdocs.yml, read as
    plain YAML (its ``!ENV`` tags ignored); empty where absent or unreadable."""
    import yaml

    class _Loader(yaml.CSafeLoader):
        pass

    _Loader.add_multi_constructor("!", lambda loader, suffix, node: None)
    try:
        data = yaml.load(config.read_text(encoding="utf-8"), Loader=_Loader)  # noqa: S506
    except (OSError, yaml.YAMLError):
        return "", ""
    if not isinstance(data, dict):
        return "", ""
    site_url = data.get("site_url")
    feed_id: object = ""
    for plugin in data.get("plugins") or []:
        if isinstance(plugin, dict) and isinstance(plugin.get("briefings"), dict):
            feed_id = plugin["briefings"].get("feed_id", "")
    return (
        site_url if isinstance(site_url, str) else "",
        feed_id if isinstance(feed_id, str) else "",
    )


def _render(args: argparse.Namespace) -> int:
    from .forks import available_workers
    from .output import write_tree
    from .pipeline import render_tree

    report = Report()
    site_url, feed_id = _settings_from(Path(args.config))
    if args.site_url is not None:
        site_url = args.site_url
    pages = render_tree(
        Path(args.dir), Path(args.templates), report, site_url, feed_id, available_workers()
    )
    written = write_tree(pages, Path(args.out), report) if pages is not None else 0
    code = _print_report(report, args.strict)
    if pages is not None and not report.errors and code == 0:
        print(f"wrote {written} pages to {args.out}")
        return 0
    return 1


def _diff(args: argparse.Namespace) -> int:
    from .diff import compare
    from .history import GitError, snapshot
    from .loader import display_path

    folder = Path(args.dir)
    try:
        with snapshot(folder, args.ref) as old:
            old_report = Report()
            old_briefing = (
                load(old.root, old_report, base=old.base) if old.root is not None else None
            )
    except GitError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    report = Report()
    briefing = load(folder, report)
    if old_report.errors:
        print(f"error: the briefing at {args.ref} does not load:", file=sys.stderr)
        for item in old_report.sorted():
            print(f"{args.ref}:{item}", file=sys.stderr)
    if report.errors:
        return _print_report(report, strict=False)
    if old_report.errors or briefing is None:
        return 2
    shown = display_path(folder, Path.cwd())
    diff = compare(
        old_briefing,
        briefing,
        ref=args.ref,
        commit=old.commit,
        folder=shown,
        old_folder=f"{args.ref}:{old.shown}",
    )
    try:
        print(diff.as_json() if args.json else diff.as_text(), flush=True)
    except BrokenPipeError:  # `briefing diff | head`: the reader has what it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0


def _valid_date(text: str) -> str:
    try:
        date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date (YYYY-MM-DD)") from None
    return text


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="briefing", description="Validate and render a YAML briefing."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    check = commands.add_parser("validate", help="check every file; exit 1 on errors")
    check.add_argument("dir", nargs="?", default="briefings", help="briefing folder")
    check.add_argument("--strict", action="store_true", help="warnings count as errors")
    check.set_defaults(func=_validate)

    audit = commands.add_parser(
        "audit", help="the integrity report: thinly sourced claims, stale developments"
    )
    audit.add_argument("dir", nargs="?", default="briefings", help="briefing folder")
    audit.add_argument(
        "--fail-on-findings", action="store_true", help="exit 1 when there is any finding"
    )
    audit.add_argument("--json", action="store_true", help="print JSON for scripts")
    audit.set_defaults(func=_audit)

    new = commands.add_parser("new", help="write a skeleton development or topic")
    new.add_argument("kind", choices=["development", "topic"])
    new.add_argument("title")
    new.add_argument("--date", type=_valid_date, help="YYYY-MM-DD (developments; default today)")
    new.add_argument("--id", help="the id (file name) instead of one made from the title")
    new.add_argument("--dir", default="briefings", help="briefing folder")
    new.set_defaults(func=_new)

    schema = commands.add_parser("schema", help="write JSON Schemas for editors")
    schema.add_argument("--out", default="schema", help="folder to write into")
    schema.set_defaults(func=_schema)

    render = commands.add_parser("render", help="write the generated Markdown tree")
    render.add_argument("--out", required=True, help="folder to write the Markdown into")
    render.add_argument("--dir", default="briefings", help="briefing folder")
    render.add_argument("--templates", default="templates", help="templates folder")
    render.add_argument("--strict", action="store_true", help="warnings count as errors")
    render.add_argument(
        "--site-url",
        help="the published address, for absolute links in feed and data "
        "(default: site_url of --config)",
    )
    render.add_argument(
        "--config", default="mkdocs.yml", help="where to read site_url and feed_id from"
    )
    render.set_defaults(func=_render)

    diff = commands.add_parser("diff", help="what changed in the briefing since a git revision")
    diff.add_argument("ref", nargs="?", default="HEAD", help="git revision (default HEAD)")
    diff.add_argument("--dir", default="briefings", help="briefing folder")
    diff.add_argument("--json", action="store_true", help="print JSON for scripts")
    diff.set_defaults(func=_diff)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    code: int = args.func(args)
    return code


if __name__ == "__main__":
    sys.exit(main())
