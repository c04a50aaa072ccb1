"""Configuration files: ``tratool.toml``, or ``[tool.tratool]`` in ``pyproject.toml``.

Like ruff and pytest, tratool looks for the nearest such file from the input file's folder
upward; the first one found wins. Each command reads its own table: ``[validate]`` (in
pyproject: ``[tool.tratool.validate]``). Unknown keys are errors, so a typo never silently
disables a check.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from pathlib import Path
from typing import Any

import attrs

from .errors import ConfigError

CONFIG_NAMES = ("tratool.toml", "pyproject.toml")


@attrs.frozen
class ConfigFile:
    path: Path
    data: dict[str, Any]  # the whole tratool table

    def section(self, name: str) -> dict[str, Any]:
        value = self.data.get(name, {})
        if not isinstance(value, dict):
            raise ConfigError(str(self.path), f"[{name}] must be a table")
        return value


def find_config(start: Path) -> Path | None:
    """The nearest tratool.toml, or pyproject.toml with a [tool.tratool] table, upward."""
    folder = start.resolve()
    if not folder.is_dir():
        folder = folder.parent
    for directory in (folder, *folder.parents):
        for name in CONFIG_NAMES:
            candidate = directory / name
            if candidate.is_file() and (name == "tratool.toml" or _has_tool_table(candidate)):
                return candidate
    return None


def _has_tool_table(pyproject: Path) -> bool:
    try:
        return "tratool" in _load_toml(pyproject).get("tool", {})
    except ConfigError:
        return False


def _load_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except OSError as exc:
        raise ConfigError(str(path), f"cannot read: {exc.strerror or exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(str(path), f"invalid TOML: {exc}") from exc


def load_config(path: Path) -> ConfigFile:
    data = _load_toml(path)
    if path.name == "pyproject.toml":
        data = data.get("tool", {}).get("tratool", {})
    return ConfigFile(path, data)


def dump_toml(table: str, values: dict[str, Any]) -> str:
    """A small TOML writer for configuration tables (scalars, dates, lists, nested tables)."""
    lines = [f"[{table}]"]
    subtables = []
    for key, value in values.items():
        if isinstance(value, dict) and value and all(isinstance(v, dict) for v in value.values()):
            subtables.append((key, value))
        else:
            lines.append(f"{_key(key)} = {_toml_value(value)}")
    for key, value in subtables:
        lines.append(f"\n[{table}.{_key(key)}]")
        lines.extend(f"{_key(k)} = {_toml_value(v)}" for k, v in value.items())
    return "\n".join(lines) + "\n"


def _key(key: str) -> str:
    return key if key.replace("_", "").replace("-", "").isalnum() else _toml_value(key)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        escaped = value.replace("\\", "\\\\").replace('"', '\\"')
        return f'"{escaped}"'
    if isinstance(value, (list, tuple, set, frozenset)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_key(k)} = {_toml_value(v)}" for k, v in value.items()) + "}"
    if hasattr(value, "isoformat"):
        return value.isoformat()  # type: ignore[no-any-return]
    raise TypeError(f"cannot write {type(value).__name__} as TOML")


_DURATION = re.compile(r"(\d+)\s*([smhdw])")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def parse_duration(text: str) -> dt.timedelta:
    """``48h``, ``2d``, ``90m``, ``1h30m`` -> timedelta. Raises ValueError on anything else."""
    cleaned = text.strip().lower()
    parts = _DURATION.findall(cleaned)
    if not parts or _DURATION.sub("", cleaned).strip():
        raise ValueError(f"{text!r} is not a duration such as 48h, 2d or 90m")
    return sum((dt.timedelta(**{_UNITS[u]: int(n)}) for n, u in parts), dt.timedelta())
