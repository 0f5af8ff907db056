"""Where a project keeps its briefing: the settings every `briefing` command reads
from mkdocs.yml, so that the commands check the folder the site is built from.

The `briefings` plugin entry gives ``briefings_dir`` and ``templates_dir``
(relative to mkdocs.yml's folder, as the plugin resolves them); the top level
gives ``site_url``, and the plugin entry ``feed_id``. The file is read as plain
YAML without MkDocs: ``!ENV`` is looked up in the environment as MkDocs does, any
other tag (``!relative``, ``!!python/name:``) reads as nothing, and ``INHERIT``
is followed. Without an mkdocs.yml the defaults hold: ``briefings`` and
``templates`` in the working directory.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .diagnostics import Diagnostic, Mark, Severity
from .loader import display_path
from .yamlread import YamlProblem, _syntax_problem

__all__ = ["CONFIG", "ConfigError", "Project", "read_project"]

CONFIG = "mkdocs.yml"
DEFAULTS = {"briefings_dir": "briefings", "templates_dir": "templates"}
MAX_BYTES = 1_000_000
MAX_DEPTH = 100  # an mkdocs.yml never nests this deep; the C composer would crash far deeper
MAX_INHERIT = 10


class ConfigError(Exception):
    """An mkdocs.yml that cannot be used; prints as ``mkdocs.yml:3:1: error: …``."""

    def __init__(self, shown: str, mark: Mark, message: str) -> None:
        super().__init__(message)
        self.diagnostic = Diagnostic(shown, mark, Severity.ERROR, message)

    def __str__(self) -> str:
        return str(self.diagnostic)


@dataclass(frozen=True)
class Project:
    """The settings a command needs, and which file gave each."""

    config: Path | None  # the mkdocs.yml read; None when there is none
    briefings: Path
    templates: Path
    site_url: str = ""
    feed_id: str = ""
    origins: dict[str, str] = field(default_factory=dict)  # setting → the file that set it

    def origin(self, setting: str) -> str | None:
        """``"briefings_dir in mkdocs.yml"``, or None where the setting is not in a file."""
        shown = self.origins.get(setting)
        return f"{setting} in {shown}" if shown else None


def read_project(config: str | os.PathLike[str] | None = None) -> Project:
    """The settings of the mkdocs.yml at ``config`` (which must exist), or of
    ./mkdocs.yml when there is one, or the defaults. Raises :class:`ConfigError`."""
    path = Path(config) if config is not None else Path(CONFIG)
    if config is None and not (path.exists() or path.is_symlink()):
        return Project(None, Path(DEFAULTS["briefings_dir"]), Path(DEFAULTS["templates_dir"]))
    found: dict[str, tuple[Any, str]] = {}
    _read(path, found, [])
    base = path.parent
    folders = {
        key: Path(os.path.normpath(base / found.get(key, (default, ""))[0]))
        for key, default in DEFAULTS.items()
    }
    return Project(
        config=path,
        briefings=folders["briefings_dir"],
        templates=folders["templates_dir"],
        site_url=found.get("site_url", ("", ""))[0],
        feed_id=found.get("feed_id", ("", ""))[0],
        origins={key: shown for key, (_, shown) in found.items()},
    )


class _Loader(yaml.CSafeLoader):
    """mkdocs.yml as plain YAML: ``!ENV`` from the environment, other tags as nothing."""


def _env(loader: _Loader, node: yaml.Node) -> Any:
    """MkDocs' ``!ENV NAME`` / ``!ENV [NAME, OTHER, default]``."""
    default = None
    if isinstance(node, yaml.ScalarNode):
        names = [loader.construct_scalar(node)]
    elif isinstance(node, yaml.SequenceNode) and node.value:
        children = node.value
        if len(children) > 1:
            default = loader.construct_object(children[-1])
            children = children[:-1]
        names = [loader.construct_scalar(child) for child in children]
    else:
        return None
    for name in names:
        if isinstance(name, str) and name in os.environ:
            value = os.environ[name]
            tag = loader.resolve(yaml.ScalarNode, value, (True, False))  # type: ignore[no-untyped-call]
            return loader.construct_object(yaml.ScalarNode(tag, value))
    return default


_Loader.add_constructor("!ENV", _env)
_Loader.add_constructor(None, lambda loader, node: None)


def _text(path: Path, shown: str) -> str:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        if isinstance(exc, FileNotFoundError):
            reason = "no such file"
        raise ConfigError(shown, Mark(), f"cannot read it: {reason}") from None
    if len(raw) > MAX_BYTES:
        raise ConfigError(shown, Mark(), f"larger than {MAX_BYTES:,} bytes; is it an mkdocs.yml?")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise ConfigError(
            shown, Mark(line, 1), "not valid UTF-8; save the file as UTF-8"
        ) from None


def _root(text: str, shown: str) -> tuple[_Loader, yaml.MappingNode]:
    """The document's top-level mapping, checked for depth before it is composed."""
    try:
        depth = 0
        for event in yaml.parse(text, Loader=yaml.CSafeLoader):
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    message = f"nesting deeper than {MAX_DEPTH} levels"
                    raise ConfigError(shown, _mark(event), message)
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
        loader = _Loader(text)
        node = loader.get_single_node()
    except yaml.YAMLError as exc:
        problem: YamlProblem = _syntax_problem(exc, text)
        raise ConfigError(shown, problem.mark, problem.message) from None
    if not isinstance(node, yaml.MappingNode):
        where = _mark(node) if node is not None else Mark()
        raise ConfigError(shown, where, "expected settings (`site_name: …` and so on)")
    return loader, node


def _mark(item: yaml.Node | yaml.Event) -> Mark:
    start = item.start_mark
    return Mark(start.line + 1, start.column + 1) if start is not None else Mark()


def _items(loader: _Loader, node: yaml.MappingNode) -> dict[str, yaml.Node]:
    loader.flatten_mapping(node)  # `<<: *base` merge keys, as a YAML loader reads them
    return {
        key.value: value for key, value in node.value if isinstance(key, yaml.ScalarNode)
    }


def _plugin(loader: _Loader, plugins: yaml.Node) -> yaml.Node | None:
    """The `briefings` entry's options (a node), from either form MkDocs accepts."""
    if isinstance(plugins, yaml.MappingNode):
        return _items(loader, plugins).get("briefings")
    if isinstance(plugins, yaml.SequenceNode):
        for item in plugins.value:
            if isinstance(item, yaml.ScalarNode) and item.value == "briefings":
                return item  # no options
            if isinstance(item, yaml.MappingNode):
                entry = _items(loader, item).get("briefings")
                if entry is not None:
                    return entry
    return None


def _setting(loader: _Loader, node: yaml.Node, name: str, shown: str) -> str | None:
    value = loader.construct_object(node, deep=True)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ConfigError(
            shown, _mark(node), f"{name}: expected text (a folder or an address), not {value!r}"
        )
    return value


def _read(path: Path, found: dict[str, tuple[Any, str]], seen: list[Path]) -> None:
    """Fill ``found`` (setting → (value, file shown)) from ``path``, then from the file
    it inherits from; a setting already found stays."""
    shown = display_path(path, Path.cwd())
    text = _text(path, shown)
    loader, root = _root(text, shown)
    try:
        top = _items(loader, root)
        settings: dict[str, yaml.Node] = {}
        if "site_url" in top:
            settings["site_url"] = top["site_url"]
        entry = _plugin(loader, top["plugins"]) if "plugins" in top else None
        if isinstance(entry, yaml.MappingNode):
            options = _items(loader, entry)
            for name in ("briefings_dir", "templates_dir", "feed_id"):
                if name in options:
                    settings[name] = options[name]
        elif entry is not None and not isinstance(entry, yaml.ScalarNode):
            raise ConfigError(shown, _mark(entry), "briefings: expected options, as name: value")
        for name, node in settings.items():
            value = _setting(loader, node, name, shown)
            if value is not None and name not in found:
                found[name] = (value, shown)
        parent = top.get("INHERIT")
        inherit = _setting(loader, parent, "INHERIT", shown) if parent is not None else None
    except yaml.YAMLError as exc:  # e.g. a merge key on something not a mapping
        problem = _syntax_problem(exc, text)
        raise ConfigError(shown, problem.mark, problem.message) from None
    finally:
        loader.dispose()
    if inherit:
        assert parent is not None
        target = Path(os.path.normpath(path.parent / inherit))
        if target.absolute() in [p.absolute() for p in [*seen, path]]:
            raise ConfigError(shown, _mark(parent), "INHERIT: goes round in a circle")
        if len(seen) >= MAX_INHERIT:
            raise ConfigError(shown, _mark(parent), f"INHERIT: more than {MAX_INHERIT} levels")
        if not target.is_file():
            raise ConfigError(shown, _mark(parent), f"INHERIT: no such file {inherit!r}")
        _read(target, found, [*seen, path])
