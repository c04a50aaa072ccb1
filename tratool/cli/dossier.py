"""``tratool dossier settings``, and what validate and push share to check a file against the
accounting settings of the Loop dossier it is meant for."""

from __future__ import annotations

import json
import os
from typing import Any

import click

from ..config import dump_toml
from ..errors import ConfigError
from ..loop import LoopClient
from ..submission.dossier_settings import DossierSettings, plain_tables, validation_tables
from ..submission.profiles import Profile, load_profile
from ..submission.settings_cache import Obtained, SettingsCache, default_folder, obtain
from .common import EXIT_TRANSPORT, _, fail, said, when
from .common import settings as cli_settings
from .loop import base_url_option, dossier

KEY_VARIABLES = ("TRATOOL_LOOP_SUBSCRIPTION_KEY", "TRATOOL_LOOP_API_KEY")


def obtain_settings(profile: Profile, code: str, *, refresh: bool = False) -> Obtained:
    """The dossier's settings for this profile: cache, Loop, or none (with a one-line note)."""
    keys = all(os.environ.get(name, "").strip() for name in KEY_VARIABLES)
    cache = SettingsCache(default_folder(), profile.settings_ttl)
    return obtain(LoopClient.from_env(profile.loop), code, cache, keys=keys, refresh=refresh)


def settings_for_validation(
    code: str, profile: Profile | str | None, *, refresh: bool = False
) -> DossierSettings | None:
    """The settings validate and push check a file against, after one line on stderr that
    says where they come from — or that there are none (no keys, Loop unreachable) and the
    file is checked without them: a missing check is never silent. When Loop answers and
    refuses (most often: no such dossier), the command stops with exit 2 before anything is
    uploaded."""
    if not code.strip():
        fail(_("--dossier needs a dossier code"))
    try:
        chosen = (
            profile
            if isinstance(profile, Profile)
            else load_profile(profile, config_path=cli_settings().config)
        )
    except ConfigError as exc:
        fail(said(exc))
    obtained = obtain_settings(chosen, code, refresh=refresh)
    if obtained.source == "refused":
        _refused(obtained)
    if obtained.settings is None:
        message = _("{note}: validated without them").format(note=said(obtained.note))
        click.echo(f"tratool: {message}", err=True)
    else:
        click.echo(f"tratool: {said(obtained.note)}", err=True)
    return obtained.settings


def _refused(obtained: Obtained) -> None:
    message = _("{note}: check the dossier code ('tratool dossier list')")
    fail(message.format(note=said(obtained.note)))


def _tables(obtained: Obtained) -> dict[str, Any]:
    assert obtained.settings is not None
    return plain_tables(validation_tables(obtained.settings))


@dossier.command(name="settings")
@click.argument("code")
@click.option(
    "--format", "fmt", type=click.Choice(["toml", "json"]), default="toml", show_default=True
)
@click.option("--refresh", is_flag=True, help="Read Loop again even if the cached copy is fresh.")
@click.option("--profile", help="A [profiles.NAME] of tratool.toml.")
@base_url_option
def dossier_settings(
    code: str, fmt: str, refresh: bool, profile: str | None, base_url: str | None
) -> None:
    """The accounting settings of dossier CODE in Loop (journals, accounts, sections,
    establishments), as the [validate] tables they give the validator.

    Kept in the user cache directory for [dossier] cache_ttl (default 12h). Exit status: 0
    shown; 2 configuration, or Loop refuses (no such dossier); 4 Loop could not be read and
    nothing is cached.
    """
    if not code.strip():
        fail(_("a dossier code is needed"))
    try:
        chosen = load_profile(profile, base_url=base_url, config_path=cli_settings().config)
    except ConfigError as exc:
        fail(said(exc))
    obtained = obtain_settings(chosen, code, refresh=refresh)
    if obtained.source == "refused":
        _refused(obtained)
    click.echo(said(obtained.note), err=True)
    if obtained.settings is None:
        raise SystemExit(EXIT_TRANSPORT)
    settings = obtained.settings
    if fmt == "json":
        data = {
            "dossier": settings.dossier,
            "base_url": settings.base_url,
            "fetched_at": settings.fetched_at.isoformat(timespec="seconds"),
            "source": obtained.source,
            "validate": _tables(obtained),
        }
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    heading = _("dossier {dossier}, read from {url} at {moment} UTC").format(
        dossier=settings.dossier, url=settings.base_url, moment=when(settings.fetched_at)
    )
    click.echo(f"# {heading}\n" + dump_toml("validate", _tables(obtained)), nl=False)
