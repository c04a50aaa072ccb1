"""Configuration files: ``tratool.toml``, or ``[tool.tratool]`` in ``pyproject.toml``.

Like ruff and pytest, tratool looks for the nearest such file from the input file's folder
upward; the first one found wins. Each command reads its own table: ``[validate]`` (in
pyproject: ``[tool.tratool.validate]``). Unknown keys are errors, so a typo never silently
disables a check.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import tomllib
from pathlib import Path
from typing import Any

import attrs
import tomli_w

from .errors import ConfigError, system_reason
from .i18n import N_, TextValueError

CONFIG_NAMES = ("tratool.toml", "pyproject.toml")


@attrs.frozen
class ConfigFile:
    path: Path
    data: dict[str, Any]  # the whole tratool table

    def section(self, name: str) -> dict[str, Any]:
        value = self.data.get(name, {})
        if not isinstance(value, dict):
            raise ConfigError(str(self.path), N_("[{name}] must be a table", name=name))
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
        message = N_("cannot read: {reason}", reason=system_reason(exc))
        raise ConfigError(str(path), message) from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(str(path), N_("invalid TOML: {reason}", reason=str(exc))) from exc
    except UnicodeDecodeError as exc:  # TOML is UTF-8; a TRA file given by mistake is not
        message = N_("not a TOML file (not UTF-8 text: {reason})", reason=exc.reason)
        raise ConfigError(str(path), message) from exc


def load_config(path: Path) -> ConfigFile:
    data = _load_toml(path)
    if path.name == "pyproject.toml":
        data = data.get("tool", {}).get("tratool", {})
    return ConfigFile(path, data)


def dump_toml(table: str, values: dict[str, Any]) -> str:
    """One TOML table, written by tomli-w so that it always parses back to the same values.

    None is left out (TOML has no null), tuples and sets become arrays, paths text, durations
    the notation people write (`format_duration`), mapping keys text."""
    return tomli_w.dumps({table: _plain(values)})


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items() if v is not None}
    if isinstance(value, (set, frozenset)):
        return [_plain(v) for v in sorted(value)]
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, dt.timedelta):
        return format_duration(value)
    return value


_DURATION = re.compile(r"(\d+)\s*([smhdw])")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86_400, "w": 604_800}
# A duration longer than this is a mistake (and past what dates and timers hold).
LONGEST_DURATION = dt.timedelta(days=100 * 365)


def parse_duration(text: str) -> dt.timedelta:
    """``48h``, ``2d``, ``90m``, ``1h30m`` -> timedelta. Raises ValueError on anything else,
    and on a duration longer than `LONGEST_DURATION`."""
    cleaned = text.strip().lower()
    parts = _DURATION.findall(cleaned)
    if not parts or _DURATION.sub("", cleaned).strip():
        raise TextValueError(N_("{text!r} is not a duration such as 48h, 2d or 90m", text=text))
    try:
        seconds = sum(int(n) * _UNIT_SECONDS[u] for n, u in parts)
    except ValueError:  # more digits than Python turns into an int: far past the longest
        raise TextValueError(N_("{text!r} is longer than 100 years", text=text)) from None
    return checked_duration(seconds, text)


def checked_duration(seconds: float, text: str) -> dt.timedelta:
    """`seconds` as a timedelta, if a duration of at most `LONGEST_DURATION` either way (not
    NaN, not infinite); ValueError naming `text`, as written, otherwise. (An int is compared
    as it is: one too big for a float is simply too long.)"""
    if isinstance(seconds, float) and not math.isfinite(seconds):
        raise TextValueError(N_("{text!r} is not a duration such as 48h, 2d or 90m", text=text))
    if abs(seconds) > LONGEST_DURATION.total_seconds():
        raise TextValueError(N_("{text!r} is longer than 100 years", text=text))
    return dt.timedelta(seconds=seconds)


def format_duration(value: dt.timedelta | float) -> str | float:
    """The notation `parse_duration` reads: ``48h``, ``60m``, ``90s``; whole hours from 2h,
    else whole minutes, else seconds; a fraction of a second stays a number of seconds."""
    seconds = value.total_seconds() if isinstance(value, dt.timedelta) else float(value)
    if seconds != int(seconds):
        return seconds
    whole = int(seconds)
    if whole >= 7200 and whole % 3600 == 0:
        return f"{whole // 3600}h"
    if whole >= 60 and whole % 60 == 0:
        return f"{whole // 60}m"
    return f"{whole}s"
