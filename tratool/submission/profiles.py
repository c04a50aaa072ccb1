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
from ..config import ConfigFile, find_config, load_config, parse_duration
from ..errors import ConfigError
from ..loop.settings import LoopSettings, settings_for
from .journal import default_path
from .policy import PollPolicy
from .settings_cache import DEFAULT_TTL

SECRET_VARIABLES = (
    "TRATOOL_LOOP_SUBSCRIPTION_KEY",
    "TRATOOL_LOOP_API_KEY",
    "AZURE_STORAGE_CONNECTION_STRING",
    "AZURE_STORAGE_ACCOUNT_KEY",
    "TRATOOL_STORAGE_CONTAINER_SAS_URL",
)


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
    ) -> tuple[StorageTarget | None, str | None]:
        """The Azure target, or None for the storage Loop provides; and the line to print
        when the choice was made for the user ("auto" without Azure credentials)."""
        mode = flag or self.storage.mode or "auto"
        if mode == "loop":
            return None, None
        target = self.storage_target(env)
        if mode == "auto" and target.mode == "none":
            return None, (
                "no Azure storage credentials configured: the file goes to the storage Loop "
                "provides (getFileUrlDeposit)"
            )
        return target, None


def _seconds(value: Any, key: str, source: str, table: str = "push") -> float:
    if isinstance(value, (int, float)):
        return float(value)
    try:
        return parse_duration(str(value)).total_seconds()
    except ValueError as exc:
        raise ConfigError(source, f"[{table}] {key}: {exc}") from None


def _storage_settings(data: Mapping[str, Any], source: str) -> StorageSettings:
    for key, value in data.items():
        kinds, wanted = _STORAGE_TYPES[key]
        if isinstance(value, bool) or not isinstance(value, kinds):
            raise ConfigError(source, f"[storage] {key}: expected {wanted}, got {value!r}")
    if data.get("mode", "auto") not in STORAGE_MODES:
        raise ConfigError(
            source, f"[storage] mode: {data['mode']!r} is not one of {', '.join(STORAGE_MODES)}"
        )
    return StorageSettings(**data)


def _merged(config: ConfigFile | None, name: str | None, table: str) -> dict[str, Any]:
    if config is None:
        return {}
    data = dict(config.section(table))
    if name is not None:
        profiles = config.section("profiles")
        if name not in profiles:
            raise ConfigError(
                str(config.path), f"no profile {name!r}; profiles: {sorted(profiles) or 'none'}"
            )
        data.update(profiles[name].get(table, {}))
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
    name = name or env.get("TRATOOL_PROFILE") or None
    path = config_path or find_config(start or Path.cwd())
    config = load_config(path) if path else None
    if name is not None and config is None:
        raise ConfigError(
            "<no tratool.toml>",
            f"profile {name!r} asked for, but no "
            "tratool.toml (or [tool.tratool] in pyproject.toml) was found",
        )
    source = str(path) if path else "<defaults>"
    loop_data = _merged(config, name, "loop")
    loop = settings_for(loop_data, source=source, env=env, base_url=base_url)
    storage = _merged(config, name, "storage")
    push = _merged(config, name, "push")
    dossier = _merged(config, name, "dossier")
    for table, allowed, data in (
        ("storage", _STORAGE_KEYS, storage),
        ("push", _PUSH_KEYS, push),
        ("dossier", _DOSSIER_KEYS, dossier),
    ):
        unknown = sorted(set(data) - allowed)
        if unknown:
            raise ConfigError(source, f"unknown key(s) in [{table}]: {', '.join(unknown)}")
    if container:
        storage["container"] = container
    if timeout:
        push["timeout"] = timeout
    expiry = DEFAULT_EXPIRY
    if "sas_expiry" in push:
        expiry = dt.timedelta(seconds=_seconds(push["sas_expiry"], "sas_expiry", source))
    default = PollPolicy()
    poll = PollPolicy(
        first=_seconds(push.get("poll_first", default.first), "poll_first", source),
        cap=_seconds(push.get("poll_cap", default.cap), "poll_cap", source),
        timeout=_seconds(push.get("timeout", default.timeout), "timeout", source),
    )
    where = journal or (Path(push["journal"]) if "journal" in push else None)
    return Profile(
        name=name,
        source=source,
        loop=loop,
        storage=_storage_settings(storage, source),
        expiry=expiry,
        poll=poll,
        journal=where or default_path(env),
        settings_ttl=dt.timedelta(
            seconds=_seconds(
                dossier.get("cache_ttl", DEFAULT_TTL.total_seconds()),
                "cache_ttl",
                source,
                "dossier",
            )
        ),
    )
