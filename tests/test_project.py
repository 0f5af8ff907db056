"""generator.project: what every `briefing` command reads from mkdocs.yml, and
`mkdocs serve` following a change of briefings_dir (issue 13)."""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from site_helpers import MKDOCS_ENV, SECOND, copy_project, scan_html

from generator.project import ConfigError, read_project

PLUGIN = """\
site_name: Test
plugins:
  - search
  - briefings:
{options}
"""


def config(
    tmp_path: Path, options: str = "", name: str = "mkdocs.yml", text: str = "", before: str = ""
) -> Path:
    """An mkdocs.yml: ``text``, or ``before`` and a plugins list with these briefings options."""
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text or before + PLUGIN.format(options=options), encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def _here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def test_without_mkdocs_yml_the_defaults_hold(tmp_path: Path) -> None:
    project = read_project()
    assert (project.config, project.briefings, project.templates) == (
        None, Path("briefings"), Path("templates"),
    )  # fmt: skip
    assert (project.site_url, project.feed_id, project.origin("briefings_dir")) == ("", "", None)


def test_the_plugin_entry_gives_the_folders(tmp_path: Path) -> None:
    config(
        tmp_path,
        "      briefings_dir: sudan\n      templates_dir: tpl\n"
        "      feed_id: tag:example.org,2025:sudan",
        before="site_url: https://example.org/sudan/\n",
    )
    project = read_project()
    assert (project.briefings, project.templates) == (Path("sudan"), Path("tpl"))
    assert project.site_url == "https://example.org/sudan/"
    assert project.feed_id == "tag:example.org,2025:sudan"
    assert project.origin("briefings_dir") == "briefings_dir in mkdocs.yml"
    assert project.origin("templates_dir") == "templates_dir in mkdocs.yml"


def test_folders_are_relative_to_the_config_file_as_the_plugin_resolves_them(
    tmp_path: Path,
) -> None:
    config(tmp_path / "site", "      briefings_dir: ../data/sudan")
    project = read_project("site/mkdocs.yml")
    assert project.briefings == Path("data/sudan")
    assert project.templates == Path("site/templates")  # the default, beside that mkdocs.yml
    assert project.origin("briefings_dir") == "briefings_dir in site/mkdocs.yml"
    assert project.origin("templates_dir") is None


@pytest.mark.parametrize(
    "plugins",
    [
        "plugins:\n  - briefings:\n      briefings_dir: sudan\n",
        "plugins:\n  search: {}\n  briefings:\n    briefings_dir: sudan\n",
        "x: &opts\n  briefings_dir: sudan\nplugins:\n  - briefings:\n      <<: *opts\n",
    ],
    ids=["list", "mapping", "merge-key"],
)
def test_both_forms_of_plugins(tmp_path: Path, plugins: str) -> None:
    config(tmp_path, text="site_name: Test\n" + plugins)
    assert read_project().briefings == Path("sudan")


def test_a_plugin_entry_without_options_or_no_entry_keeps_the_defaults(tmp_path: Path) -> None:
    config(tmp_path, text="site_name: Test\nplugins:\n  - search\n  - briefings\n")
    assert read_project().briefings == Path("briefings")
    config(tmp_path, text="site_name: Test\n")
    assert read_project().briefings == Path("briefings")


def test_env_tags_are_read_as_mkdocs_reads_them_and_other_tags_ignored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config(
        tmp_path,
        "      briefings_dir: !ENV [BRIEFING_FOLDER, briefings]\n"
        "      templates_dir: !ENV TEMPLATE_FOLDER",
        before="markdown_extensions:\n  - pymdownx.emoji:\n"
        "      emoji_index: !!python/name:material.extensions.emoji.twemoji\n"
        "  - pymdownx.snippets:\n      base_path: !relative $config_dir\n",
    )
    monkeypatch.delenv("BRIEFING_FOLDER", raising=False)
    monkeypatch.delenv("TEMPLATE_FOLDER", raising=False)
    project = read_project()
    assert (project.briefings, project.templates) == (Path("briefings"), Path("templates"))
    monkeypatch.setenv("BRIEFING_FOLDER", "sudan")
    monkeypatch.setenv("TEMPLATE_FOLDER", "tpl")
    project = read_project()
    assert (project.briefings, project.templates) == (Path("sudan"), Path("tpl"))


def test_inherit_is_followed_and_the_child_wins(tmp_path: Path) -> None:
    config(tmp_path, "      briefings_dir: base-folder\n      templates_dir: tpl", "base.yml")
    config(
        tmp_path / "sub",
        text="INHERIT: ../base.yml\nplugins:\n  - briefings:\n      briefings_dir: mine\n",
    )
    project = read_project("sub/mkdocs.yml")
    # Relative to the file MkDocs is given, as the plugin resolves them.
    assert (project.briefings, project.templates) == (Path("sub/mine"), Path("sub/tpl"))
    assert project.origin("templates_dir") == "templates_dir in base.yml"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("site_name: Test\nplugins: [\n", "mkdocs.yml:3:1: error: YAML syntax: "),
        ("site_name: Test\n  nav: x\n", "mkdocs.yml:2:6: error: YAML syntax: "),
        (
            "site_name: Test\nplugins:\n  - briefings:\n      briefings_dir: 3\n",
            "mkdocs.yml:4:22: error: briefings_dir: expected text (a folder or an address), "
            "not 3",
        ),
        (
            "plugins:\n  - briefings:\n      briefings_dir: [a, b]\n",
            "mkdocs.yml:3:22: error: briefings_dir: expected text",
        ),
        ("plugins:\n  - briefings: [a]\n", "mkdocs.yml:2:16: error: briefings: expected options"),
        ("- just\n- a list\n", "mkdocs.yml:1:1: error: expected settings"),
        ("", "mkdocs.yml:1:1: error: expected settings"),
        ("a: 1\n---\nb: 2\n", "mkdocs.yml:2:1: error: YAML syntax: "),
        ("INHERIT: nowhere.yml\n", "mkdocs.yml:1:10: error: INHERIT: no such file 'nowhere.yml'"),
        ("INHERIT: mkdocs.yml\n", "mkdocs.yml:1:10: error: INHERIT: goes round in a circle"),
        ("x: " + "[" * 200 + "]" * 200 + "\n", "mkdocs.yml:1:"),
    ],
    ids=[
        "unclosed", "indent", "number", "list", "options", "not-mapping", "empty",
        "two-documents", "inherit-missing", "inherit-circle", "deep",
    ],
)  # fmt: skip
def test_a_bad_mkdocs_yml_is_one_line_at_its_place(
    tmp_path: Path, text: str, expected: str
) -> None:
    path = tmp_path / "mkdocs.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        read_project()
    message = str(caught.value)
    assert message.startswith(expected)
    assert "\n" not in message


def test_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        read_project("other.yml")  # named: must exist
    assert str(caught.value) == "other.yml:1:1: error: cannot read it: no such file"
    (tmp_path / "mkdocs.yml").write_bytes(b"site_name: caf\xe9\n")
    with pytest.raises(ConfigError) as caught:
        read_project()
    assert str(caught.value) == "mkdocs.yml:1:1: error: not valid UTF-8; save the file as UTF-8"
    (tmp_path / "mkdocs.yml").unlink()
    (tmp_path / "mkdocs.yml").mkdir()
    with pytest.raises(ConfigError) as caught:
        read_project()
    assert str(caught.value).startswith("mkdocs.yml:1:1: error: cannot read it: ")


# ---------------------------------------------------------------- mkdocs serve follows


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class _Serve:
    def __init__(self, project: Path, log: Path) -> None:
        self.project, self.log = project, log
        port = _free_port()
        self.base = f"http://127.0.0.1:{port}"
        with log.open("wb") as sink:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "mkdocs", "serve", "--dirty", "--dev-addr",
                 f"127.0.0.1:{port}"],
                cwd=project, env=MKDOCS_ENV, stdout=sink, stderr=subprocess.STDOUT,
            )  # fmt: skip

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def text(self, path: str) -> str:
        try:
            with urllib.request.urlopen(self.base + path, timeout=5) as response:
                return scan_html(response.read().decode("utf-8")).plain
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            return ""

    def wait(self, what: str, check: Callable[[], bool]) -> None:
        deadline = time.monotonic() + 30
        while not check():
            if self.process.poll() is not None:
                pytest.fail(f"mkdocs serve exited while waiting for {what}:\n{self.output()}")
            if time.monotonic() > deadline:
                pytest.fail(f"timed out waiting for {what}:\n{self.output()}")
            time.sleep(0.2)

    def wait_for_text(self, path: str, expected: str) -> None:
        self.wait(f"{expected!r} on {path}", lambda: expected in self.text(path))


@pytest.fixture
def serving(tmp_path: Path) -> Iterator[_Serve]:
    """`make serve` (mkdocs serve --dirty) of the example, with a second briefing beside it."""
    project = copy_project(tmp_path / "project")
    shutil.copytree(SECOND, project / "second")
    server = _Serve(project, tmp_path / "serve.log")
    try:
        server.wait_for_text("/", "opposition offensive toward Homs")
        yield server
    finally:
        server.process.terminate()
        try:
            server.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait(timeout=10)


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.slow
def test_serve_follows_a_change_of_briefings_dir(serving: _Serve) -> None:
    project = serving.project
    _replace(project / "mkdocs.yml", "briefings_dir: briefings", "briefings_dir: second")
    serving.wait_for_text("/", "Floods on the Lower Vessa")
    assert "opposition offensive toward Homs" not in serving.text("/")
    page = "/situation/2031-04-09-vessa-breaks-its-banks/"
    assert "The Vessa breaks its banks at Marrow Bend" in serving.text(page)

    # The new folder is watched: an edit there reaches the page...
    development = project / "second/developments/2031-04-09-vessa-breaks-its-banks.yaml"
    _replace(development, "title: The Vessa breaks", "title: The Vessa bursts")
    serving.wait_for_text(page, "The Vessa bursts its banks at Marrow Bend")

    # ...and the old one is not: an edit there starts no rebuild.
    since = len(serving.output())
    _replace(project / "briefings/briefing.yaml", "opposition offensive", "offensive")
    time.sleep(2)  # MkDocs polls every 0.5 s and waits 0.1 s for more changes
    assert "Detected file changes" not in serving.output()[since:]
    assert re.search(r"now watching second, templates", serving.output())
    assert "Traceback" not in serving.output()


# ---------------------------------------------------------------- make targets and CI

ROOT = Path(__file__).resolve().parent.parent


def _briefing_commands(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if re.search(r"\bbriefing (?!init)\w", line)
            and not line.lstrip().startswith("#")]  # fmt: skip


def test_make_targets_and_the_pages_workflow_name_no_briefing_folder() -> None:
    """They follow mkdocs.yml through the commands: a folder named here would not."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    workflow = (ROOT / ".github" / "workflows" / "pages.yml").read_text(encoding="utf-8")
    commands = _briefing_commands(makefile) + _briefing_commands(workflow)
    assert "$(BIN)/briefing validate --strict" in commands
    assert "run: briefing validate --strict" in commands
    for command in commands:
        assert not re.search(r"\bbriefings\b|--dir|--templates|\btemplates\b", command), command
