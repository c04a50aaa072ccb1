"""Profiles: which Loop, which storage, how long to wait — for ``push``, ``status``, ``doctor``.

In ``tratool.toml`` the top-level ``[loop]``, ``[storage]`` and ``[push]`` tables apply to every
profile, and ``[profiles.NAME.loop]`` / ``.storage`` / ``.push`` override them. Environment
variables come next, then command-line flags: later ones win. Secrets (Loop keys, storage
credentials) come from the environment only.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

from ..azure import DEFAULT_EXPIRY, StorageTarget
from ..azure.target import connection_string_problem
from ..config import (
    ConfigFile,
    checked_duration,
    find_config,
    format_duration,
    load_config,
    parse_duration,
)
from ..errors import ConfigError
from ..i18n import N_, Text, TextValueError
from ..loop.settings import LoopSettings, settings_for
from ..redaction import credential_problem
from .journal import JOURNAL_VARIABLE, default_path, journal_from_env
from .policy import PollPolicy
from .settings_cache import DEFAULT_TTL

SECRET_VARIABLES = (
    "TRATOOL_LOOP_SUBSCRIPTION_KEY",
    "TRATOOL_LOOP_API_KEY",
    "AZURE_STORAGE_CONNECTION_STRING",
    "AZURE_STORAGE_ACCOUNT_KEY",
    "TRATOOL_STORAGE_CONTAINER_SAS_URL",
    "AZURE_STORAGE_KEY",
)


def check_credentials(env: Mapping[str, str]) -> None:
    """Refuse, naming the variable and never showing its value, a secret variable that is set
    but cannot work: with whitespace or control characters, outside Latin-1, or (for the
    connection string) not a connection string. An empty one counts as not set. Runs when a
    profile is loaded, before anything is validated, uploaded, sent or written in the journal.
    """
    for name in SECRET_VARIABLES:
        value = env.get(name)
        if not value:  # not set: whoever needs it says so
            continue
        problem = credential_problem(value)
        if problem is None and name == "AZURE_STORAGE_CONNECTION_STRING":
            problem = connection_string_problem(value)
        if problem is not None:
            raise ConfigError(name, N_("{problem}; its value is not shown", problem=problem))


@attrs.frozen(kw_only=True)
class StorageSettings:
    """The ``[storage]`` table: where uploads go. None: the environment, else the default.

    Credentials are not here: they come from the environment only."""

    account_url: str | None = None
    container: str | None = None
    prefix: str | None = None
    retry_total: int | None = None
    connection_timeout: float | None = None
    read_timeout: float | None = None
    # "azure", "loop" (the storage Loop provides, through getFileUrlDeposit) or "auto": Azure
    # when credentials are configured, else Loop. None: "auto".
    mode: str | None = None


STORAGE_MODES = ("auto", "azure", "loop")


_TEXT, _WHOLE, _NUMBER = ((str,), "text"), ((int,), "a whole number"), ((int, float), "a number")
_STORAGE_TYPES: dict[str, tuple[tuple[type, ...], str]] = {
    "account_url": _TEXT,
    "container": _TEXT,
    "prefix": _TEXT,
    "retry_total": _WHOLE,
    "connection_timeout": _NUMBER,
    "read_timeout": _NUMBER,
    "mode": _TEXT,
}
_STORAGE_KEYS = set(_STORAGE_TYPES)
_PUSH_KEYS = {"timeout", "poll_first", "poll_cap", "sas_expiry", "journal"}
_DOSSIER_KEYS = {"cache_ttl"}


@attrs.frozen
class Profile:
    name: str | None
    source: str  # the configuration file, or "<defaults>"
    loop: LoopSettings
    storage: StorageSettings
    expiry: dt.timedelta
    poll: PollPolicy
    journal: Path
    settings_ttl: dt.timedelta = DEFAULT_TTL  # how long cached dossier settings are trusted
    # "table.key" -> where its value came from ("tratool.toml", "env NAME", "flag --x");
    # a key absent here has its default.
    sources: dict[str, str] = attrs.field(factory=dict)

    def to_toml(self, env: Mapping[str, str] | None = None) -> dict[str, dict[str, Any]]:
        """The effective values as ``tratool.toml`` tables: loaded again, they give the same
        profile (`config show`). The storage account is left out when credentials that name
        their own account (a connection string, a container SAS URL) make it unused."""
        loop = attrs.asdict(self.loop)
        loop["status_map"] = {str(code): state for code, state in self.loop.status_map.items()}
        storage = {k: v for k, v in attrs.asdict(self.storage).items() if v is not None}
        target = self.storage_target(env)
        if target.connection_string or target.container_sas_url or not target.account_url:
            storage.pop("account_url", None)
        else:
            storage["account_url"] = target.account_url
        return {
            "loop": loop,
            "storage": storage,
            "push": {
                "timeout": format_duration(self.poll.timeout),
                "poll_first": format_duration(self.poll.first),
                "poll_cap": format_duration(self.poll.cap),
                "sas_expiry": format_duration(self.expiry),
                "journal": str(self.journal),
            },
            "dossier": {"cache_ttl": format_duration(self.settings_ttl)},
        }

    def storage_target(self, env: Mapping[str, str] | None = None) -> StorageTarget:
        env = os.environ if env is None else env
        options = self.storage
        if env.get("AZURE_STORAGE_ACCOUNT_URL") or env.get("AZURE_STORAGE_ACCOUNT"):
            options = attrs.evolve(options, account_url=None)  # the environment wins
        values = attrs.asdict(options)
        values.pop("mode")
        return StorageTarget.from_env(env, **values)

    def storage_choice(
        self, flag: str | None = None, env: Mapping[str, str] | None = None
    ) -> tuple[StorageTarget | None, Text | None]:
        """The Azure target, or None for the storage Loop provides; and the line to print
        when the choice was made for the user ("auto" without Azure credentials)."""
        mode = flag or self.storage.mode or "auto"
        if mode == "loop":
            return None, None
        target = self.storage_target(env)
        if mode == "auto" and target.mode == "none":
            return None, N_(
                "no Azure storage credentials configured: the file goes to the storage Loop "
                "provides (getFileUrlDeposit)"
            )
        return target, None


def _seconds(value: Any, key: str, source: str, table: str | None = "push") -> float:
    """A duration in seconds: a number, or text such as 48h; `table` None names a flag."""
    try:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return checked_duration(value, str(value)).total_seconds()
        if not isinstance(value, str):
            wrong = N_("{text!r} is not a duration such as 48h, 2d or 90m", text=str(value))
            raise TextValueError(wrong)
        return parse_duration(value).total_seconds()
    except ValueError as exc:
        reason = exc.text if isinstance(exc, TextValueError) else str(exc)
        if table is None:
            raise ConfigError(source, reason) from None
        message = N_("[{table}] {key}: {reason}", table=table, key=key, reason=reason)
        raise ConfigError(source, message) from None


def _file_sources(source: str, name: str | None, *tables: dict[str, Any]) -> dict[str, str]:
    origin = source + (f" (profile {name})" if name else "")
    names = ("loop", "storage", "push", "dossier")
    return {f"{t}.{key}": origin for t, data in zip(names, tables, strict=True) for key in data}


def _env_sources(env: Mapping[str, str], journal_in_file: bool) -> dict[str, str]:
    found = {}
    if env.get("TRATOOL_LOOP_BASE_URL"):
        found["loop.base_url"] = "env TRATOOL_LOOP_BASE_URL"
    for variable in ("AZURE_STORAGE_ACCOUNT_URL", "AZURE_STORAGE_ACCOUNT"):
        if env.get(variable):
            found["storage.account_url"] = f"env {variable}"
    if journal_from_env(env) is not None and not journal_in_file:
        found["push.journal"] = f"env {JOURNAL_VARIABLE}"
    return found


def _storage_settings(data: Mapping[str, Any], source: str) -> StorageSettings:
    for key, value in data.items():
        kinds, wanted = _STORAGE_TYPES[key]
        if isinstance(value, bool) or not isinstance(value, kinds):
            message = N_(
                "[storage] {key}: expected {wanted}, got {value}",
                key=key,
                wanted=wanted,
                value=repr(value),
            )
            raise ConfigError(source, message)
    if data.get("mode", "auto") not in STORAGE_MODES:
        message = N_(
            "[storage] mode: {mode!r} is not one of {modes}",
            mode=str(data["mode"]),
            modes=", ".join(STORAGE_MODES),
        )
        raise ConfigError(source, message)
    return StorageSettings(**data)


def _merged(config: ConfigFile | None, name: str | None, table: str) -> dict[str, Any]:
    if config is None:
        return {}
    data = dict(config.section(table))
    if name is not None:
        profiles = config.section("profiles")
        if name not in profiles:
            message = N_(
                "no profile {name!r}; profiles: {profiles}",
                name=name,
                profiles=", ".join(sorted(profiles)) or "-",
            )
            raise ConfigError(str(config.path), message)
        profile = profiles[name]
        overrides = profile.get(table, {}) if isinstance(profile, dict) else None
        if not isinstance(overrides, dict):
            message = N_(
                "[profiles.{name}] and [profiles.{name}.{table}] must be tables",
                name=name,
                table=table,
            )
            raise ConfigError(str(config.path), message)
        data.update(overrides)
    return data


def load_profile(
    name: str | None = None,
    *,
    start: Path | None = None,
    config_path: Path | None = None,
    env: Mapping[str, str] | None = None,
    base_url: str | None = None,
    timeout: str | None = None,
    journal: Path | None = None,
    container: str | None = None,
) -> Profile:
    """The effective profile: config file (found upward from `start`), environment, flags."""
    env = os.environ if env is None else env
    check_credentials(env)
    name = name or env.get("TRATOOL_PROFILE") or None
    path = config_path or find_config(start or Path.cwd())
    config = load_config(path) if path else None
    if name is not None and config is None:
        message = N_(
            "profile {name!r} asked for, but no tratool.toml (or [tool.tratool] in "
            "pyproject.toml) was found",
            name=name,
        )
        raise ConfigError("<no tratool.toml>", message)
    source = str(path) if path else "<defaults>"
    loop_data = _merged(config, name, "loop")
    loop = settings_for(loop_data, source=source, env=env, base_url=base_url)
    storage = _merged(config, name, "storage")
    push = _merged(config, name, "push")
    dossier = _merged(config, name, "dossier")
    _reject_unknown_keys(source, storage=storage, push=push, dossier=dossier)
    sources = _file_sources(source, name, loop_data, storage, push, dossier)
    sources.update(_env_sources(env, path is not None and "journal" in push))
    if base_url:
        sources["loop.base_url"] = "flag --base-url"
    if container:
        storage["container"] = container
        sources["storage.container"] = "flag --container"
    if journal:
        sources["push.journal"] = "flag --journal"
    if timeout:
        _seconds(timeout, "timeout", "--timeout", None)  # blame the flag, not the file
        push["timeout"] = timeout
        sources["push.timeout"] = "flag --timeout"
    expiry = DEFAULT_EXPIRY
    if "sas_expiry" in push:
        expiry = dt.timedelta(seconds=_seconds(push["sas_expiry"], "sas_expiry", source))
    poll = _poll_policy(push, source)
    where = journal or _configured_journal(push, source)
    return Profile(
        name=name,
        source=source,
        loop=loop,
        storage=_storage_settings(storage, source),
        expiry=expiry,
        poll=poll,
        journal=where or default_path(env),
        sources=sources,
        settings_ttl=dt.timedelta(
            seconds=_seconds(
                dossier.get("cache_ttl", DEFAULT_TTL.total_seconds()),
                "cache_ttl",
                source,
                "dossier",
            )
        ),
    )


def _reject_unknown_keys(source: str, **tables: dict[str, Any]) -> None:
    allowed = {"storage": _STORAGE_KEYS, "push": _PUSH_KEYS, "dossier": _DOSSIER_KEYS}
    for table, data in tables.items():
        unknown = sorted(set(data) - allowed[table])
        if unknown:
            message = N_(
                "unknown key(s) in [{table}]: {keys}", table=table, keys=", ".join(unknown)
            )
            raise ConfigError(source, message)


def _poll_policy(push: dict[str, Any], source: str) -> PollPolicy:
    default = PollPolicy()
    return PollPolicy(
        first=_seconds(push.get("poll_first", default.first), "poll_first", source),
        cap=_seconds(push.get("poll_cap", default.cap), "poll_cap", source),
        timeout=_seconds(push.get("timeout", default.timeout), "timeout", source),
    )


def _configured_journal(push: dict[str, Any], source: str) -> Path | None:
    if "journal" not in push:
        return None
    if not isinstance(push["journal"], str):
        message = N_("[push] journal = {value}: expected a file path", value=repr(push["journal"]))
        raise ConfigError(source, message)
    return Path(push["journal"])
