"""The `briefing` command line (also `python -m generator`).

Every command finds the briefing where the site does: ``briefings_dir`` and
``templates_dir`` of mkdocs.yml's `briefings` plugin entry (:mod:`.project`; ``-f``
names another config file), unless a folder is given on the command line.
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from .diagnostics import Report
from .loader import display_path
from .messages import counted
from .pipeline import load
from .project import ConfigError, Project, read_project

__all__ = ["main"]


def _print_report(report: Report, strict: bool) -> int:
    for item in report.sorted():
        print(item, file=sys.stderr)
    errors, warnings = len(report.errors), len(report.warnings)
    failed = errors > 0 or (strict and warnings > 0)
    if errors or warnings:
        print(f"{errors} error(s), {warnings} warning(s)", file=sys.stderr)
    return 1 if failed else 0


def _shown(path: Path) -> str:
    return display_path(path, Path.cwd())


def _project(args: argparse.Namespace) -> Project:
    """mkdocs.yml's settings, read once per run (raises ConfigError)."""
    project: Project | None = getattr(args, "project", None)
    if project is None:
        project = args.project = read_project(args.config_file)
    return project


def _folder(args: argparse.Namespace, given: str | None, setting: str, quiet: bool = False) -> Path:
    """The folder given on the command line, else the one mkdocs.yml names (said on
    stderr, unless ``quiet``), else the default."""
    if given is not None:
        return Path(given)
    project = _project(args)
    folder = project.briefings if setting == "briefings_dir" else project.templates
    origin = project.origin(setting)
    if origin and not quiet:
        print(f"using {_shown(folder)} ({origin})", file=sys.stderr)
    return folder


def _init_hint(folder: Path) -> str:
    return f"`briefing init {shlex.quote(_shown(folder))}`"


def _validate(args: argparse.Namespace) -> int:
    folder = _folder(args, args.dir, "briefings_dir")
    report = Report()
    briefing = load(folder, report)
    code = _print_report(report, args.strict)
    if briefing is not None and code == 0:
        counts = ", ".join(counted(len(items), noun) for items, noun in (
            (briefing.developments, "development"), (briefing.topics, "topic"),
            (briefing.sources, "source"), (briefing.actors, "actor"), (briefing.places, "place"),
        ))  # fmt: skip
        print(f"{_shown(folder)}: ok ({counts})")
    elif not (folder / "briefing.yaml").exists():
        print(f"to start a briefing there: {_init_hint(folder)}", file=sys.stderr)
    return code


def _audit(args: argparse.Namespace) -> int:
    from .audit import audit
    from .pipeline import check

    folder = _folder(args, args.dir, "briefings_dir", quiet=args.json)
    report = Report()
    located, briefing = check(folder, report)
    if briefing is None:
        _print_report(report, strict=False)
        return 1
    found = audit(located, briefing, _shown(folder))
    try:
        print(found.as_json() if args.json else found.as_text(), flush=True)
    except BrokenPipeError:  # `briefing audit | head`: the reader has what it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 1 if args.fail_on_findings and found.findings else 0


def _new(args: argparse.Namespace) -> int:
    from .scaffold import ScaffoldError, new_development, new_topic

    root = _folder(args, args.dir, "briefings_dir")
    if not (root / "briefing.yaml").exists():
        what = "has no briefing.yaml" if root.is_dir() else "does not exist"
        print(
            f"error: {_shown(root)} {what}: start a briefing there with {_init_hint(root)}, "
            "then add developments and topics",
            file=sys.stderr,
        )
        return 1
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


def _init(args: argparse.Namespace) -> int:
    from .scaffold import ScaffoldError, init_briefing

    project = _project(args)
    root = _folder(args, args.dir, "briefings_dir")
    try:
        written = init_briefing(root, date.today())
    except ScaffoldError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for path in written:
        print(f"wrote {_shown(path)}")
    print(
        f"\n{_shown(root)} holds a small example briefing that validates as it is: every "
        "value in it is a placeholder, and its comments explain the fields (FORMAT.md has "
        "them all). Next:"
    )
    if project.config is None:
        print(
            "  - there is no mkdocs.yml here: the site is built from one that lists the "
            "`briefings` plugin (see README.md)"
        )
    elif root.resolve() != project.briefings.resolve():
        relative = Path(os.path.relpath(root.resolve(), project.config.parent.resolve()))
        print(
            f"  - in {_shown(project.config)}, set `briefings_dir: {relative.as_posix()}` "
            "under plugins → briefings"
        )
    print("  - `make serve` (or `mkdocs serve`) and open http://127.0.0.1:8000/")
    print("  - replace the examples with your own; `briefing validate` checks every save")
    print('  - `briefing new development "Title"` starts the next development')
    return 0


def _schema(args: argparse.Namespace) -> int:
    from .jsonschema import write_schemas

    for path in write_schemas(Path(args.out)):
        print(f"wrote {path.as_posix()}")
    return 0


def _render(args: argparse.Namespace) -> int:
    from .forks import available_workers
    from .output import write_tree
    from .pipeline import render_tree

    project = _project(args)  # site_url and feed_id come from it in any case
    folder = _folder(args, args.dir, "briefings_dir")
    templates = _folder(args, args.templates, "templates_dir")
    site_url = args.site_url if args.site_url is not None else project.site_url
    report = Report()
    pages = render_tree(
        folder, templates, report, site_url, project.feed_id, available_workers()
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

    folder = _folder(args, args.dir, "briefings_dir", quiet=args.json)
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
    diff = compare(
        old_briefing,
        briefing,
        ref=args.ref,
        commit=old.commit,
        folder=_shown(folder),
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


CONFIG_HELP = (
    "the MkDocs config to take briefings_dir, templates_dir, site_url and feed_id from "
    "(default: ./mkdocs.yml, if there is one)"
)
DIR_HELP = "briefing folder (default: briefings_dir in mkdocs.yml, else briefings)"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="briefing", description="Validate and render a YAML briefing."
    )
    parser.add_argument("-f", "--config-file", metavar="PATH", help=CONFIG_HELP)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, help: str, *config_names: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help)
        # Here too, so that `-f` may follow the command; SUPPRESS keeps a global -f.
        sub.add_argument(
            "-f", "--config-file", *config_names, metavar="PATH", default=argparse.SUPPRESS,
            help=CONFIG_HELP,
        )  # fmt: skip
        return sub

    check = command("validate", "check every file; exit 1 on errors")
    check.add_argument("dir", nargs="?", help=DIR_HELP)
    check.add_argument("--strict", action="store_true", help="warnings count as errors")
    check.set_defaults(func=_validate)

    audit = command("audit", "the integrity report: thinly sourced claims, stale developments")
    audit.add_argument("dir", nargs="?", help=DIR_HELP)
    audit.add_argument(
        "--fail-on-findings", action="store_true", help="exit 1 when there is any finding"
    )
    audit.add_argument("--json", action="store_true", help="print JSON for scripts")
    audit.set_defaults(func=_audit)

    init = command("init", "start a briefing: write a small example to replace, in a new folder")
    init.add_argument(
        "dir", nargs="?", help="folder to create (default: briefings_dir in mkdocs.yml)"
    )
    init.set_defaults(func=_init)

    new = command("new", "write a skeleton development or topic")
    new.add_argument("kind", choices=["development", "topic"])
    new.add_argument("title")
    new.add_argument("--date", type=_valid_date, help="YYYY-MM-DD (developments; default today)")
    new.add_argument("--id", help="the id (file name) instead of one made from the title")
    new.add_argument("--dir", help=DIR_HELP)
    new.set_defaults(func=_new)

    schema = commands.add_parser("schema", help="write JSON Schemas for editors")
    schema.add_argument("--out", default="schema", help="folder to write into")
    schema.set_defaults(func=_schema)

    render = command("render", "write the generated Markdown tree", "--config")
    render.add_argument("--out", required=True, help="folder to write the Markdown into")
    render.add_argument("--dir", help=DIR_HELP)
    render.add_argument(
        "--templates", help="templates folder (default: templates_dir in mkdocs.yml)"
    )
    render.add_argument("--strict", action="store_true", help="warnings count as errors")
    render.add_argument(
        "--site-url",
        help="the published address, for absolute links in feed and data "
        "(default: site_url in mkdocs.yml)",
    )
    render.set_defaults(func=_render)

    diff = command("diff", "what changed in the briefing since a git revision")
    diff.add_argument("ref", nargs="?", default="HEAD", help="git revision (default HEAD)")
    diff.add_argument("--dir", help=DIR_HELP)
    diff.add_argument("--json", action="store_true", help="print JSON for scripts")
    diff.set_defaults(func=_diff)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        code: int = args.func(args)
    except ConfigError as exc:  # mkdocs.yml cannot be used: one line, no traceback
        print(exc, file=sys.stderr)
        return 2
    return code


if __name__ == "__main__":
    sys.exit(main())
