"""Cegid Loop commands: what the firm-settings commands share (`cabinet.py`), and the local
simulator."""

from __future__ import annotations

import json
import signal
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, NoReturn

import click

from ..errors import ConfigError, FilterError, LoopError, LoopRejected, LoopRouteNotFound
from ..loop import LoopClient, filters
from ..submission.profiles import load_profile
from .common import EXIT_ERRORS, EXIT_TRANSPORT, EXIT_USAGE, _, fail, main, said
from .common import settings as cli_settings

base_url_option = click.option(
    "--base-url",
    help="Loop API base URL, or a preset: prod, inte (default: [loop] in tratool.toml, "
    "then TRATOOL_LOOP_BASE_URL, then prod).",
)


def loop_client(base_url: str | None, profile: str | None = None) -> LoopClient:
    """The client the commands use: settings from config/env/flags, keys from the env."""
    try:
        settings = load_profile(profile, base_url=base_url, config_path=cli_settings().config).loop
    except ConfigError as exc:
        fail(said(exc))
    return LoopClient.from_env(settings)


def loop_failure(exc: LoopError) -> NoReturn:
    """Exit 2 for a wrong route (configuration), 1 when Loop refused the request, and 4 for
    authentication, quota and transport failures."""
    if isinstance(exc, LoopRouteNotFound):
        fail(said(exc), EXIT_USAGE)
    fail(said(exc), EXIT_ERRORS if isinstance(exc, LoopRejected) else EXIT_TRANSPORT)


def filter_from(where: tuple[str, ...], raw: str | None) -> filters.Filter | str | None:
    """--where FIELD=VALUE (quoted and escaped for you) or --filter RAW (sent as written)."""
    if where and raw:
        fail(_("give --where or --filter, not both"))
    if raw:
        return raw
    built: filters.Filter | None = None
    for condition in where:
        field, sep, value = condition.partition("=")
        if not sep:
            fail(_("--where {condition}: expected FIELD=VALUE").format(condition=repr(condition)))
        try:
            part = filters.eq(field.strip(), value)
            str(part)  # the value is quoted when written: one that cannot be sent fails here
        except FilterError as exc:
            fail(f"--where {condition!r}: {said(exc)}")
        built = part if built is None else built & part
    return built


def table_lines(rows: Iterable[dict[str, Any]], columns: tuple[str, ...]) -> Iterator[str]:
    rows = list(rows)
    widths = [max([len(c)] + [len(str(r.get(c, "") or "")) for r in rows]) for c in columns]
    yield "  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip()
    for row in rows:
        cells = (str(row.get(c, "") or "") for c in columns)
        yield "  ".join(v.ljust(w) for v, w in zip(cells, widths, strict=True)).rstrip()


def show_rows(rows: Iterable[dict[str, Any]], fmt: str, columns: tuple[str, ...]) -> None:
    if fmt == "json":
        click.echo(json.dumps(list(rows), ensure_ascii=False, indent=2))
    else:
        for line in table_lines(rows, columns):
            click.echo(line)


where_option = click.option(
    "--where", multiple=True, metavar="FIELD=VALUE", help="Equality condition; repeatable."
)
raw_filter_option = click.option("--filter", "raw_filter", help="A raw Loop filter expression.")
format_option = click.option(
    "--format",
    "fmt",
    # "table" is the former name of "text", still accepted.
    type=click.Choice(["text", "json", "table"]),
    default="text",
    show_default=True,
)
profile_option = click.option("--profile", help="A [profiles.NAME] of tratool.toml.")


@main.group()
def dossier() -> None:
    """Client dossiers of the firm (Loop's dossierClient)."""


@main.group()
def groupe() -> None:
    """Work groups of the firm (Loop's groupe)."""


@main.command(name="loop-sim")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=0,
    show_default=True,
    help="0 picks a free port.",
)
@click.option(
    "--subscription-key",
    default="sim-subscription-key",
    show_default=True,
    help="The Ocp-Apim-Subscription-Key the simulator expects.",
)
@click.option(
    "--api-key",
    default="sim-key:sim-secret",
    show_default=True,
    help="The x-apikey the simulator expects.",
)
@click.option(
    "--state",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Keep the simulator's data in this JSON file between runs.",
)
@click.option("--dossier", "dossiers", multiple=True, help="A client dossier that exists.")
@click.option(
    "--firm-code",
    default="cabinet",
    show_default=True,
    help="The codeDossier firm-level calls must carry (the seed: « le nom du cabinet »).",
)
@click.option(
    "--fail-every",
    type=click.IntRange(min=0),
    default=0,
    help="Answer every Nth request with HTTP 500.",
)
@click.option(
    "--latency", type=click.FloatRange(min=0), default=0.0, help="Seconds added to every answer."
)
@click.option(
    "--waiting",
    type=click.FloatRange(min=0),
    default=1.0,
    show_default=True,
    help="Seconds an import stays 'waiting' (1).",
)
@click.option(
    "--running",
    type=click.FloatRange(min=0),
    default=2.0,
    show_default=True,
    help="Seconds an import stays 'running' (2) at least.",
)
def loop_sim(
    host: str,
    port: int,
    subscription_key: str,
    api_key: str,
    state: Path | None,
    dossiers: tuple[str, ...],
    firm_code: str,
    fail_every: int,
    latency: float,
    waiting: float,
    running: float,
) -> None:
    """Run a local Cegid Loop simulator until interrupted (see docs/loop.md)."""
    from ..testing.loop_simulator import Simulator, SimulatorOptions

    options = SimulatorOptions(
        host=host,
        port=port,
        subscription_key=subscription_key,
        api_key=api_key,
        state=state,
        dossiers=dossiers,
        firm_code=firm_code,
        fail_every=fail_every,
        latency=latency,
        waiting_seconds=waiting,
        running_seconds=running,
    )
    try:
        simulator = Simulator(options)
    except (OSError, ValueError) as exc:  # ValueError: json.JSONDecodeError
        message = _("--state {path}: not a readable simulator state (JSON): {reason}")
        fail(message.format(path=state, reason=exc))
    try:
        server = simulator.bind()
    except OSError as exc:  # a port in use, a host that does not resolve
        message = _("cannot listen on {host}:{port}: {reason}")
        fail(message.format(host=host, port=port, reason=exc.strerror or exc))

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    click.echo(_("listening on {origin}").format(origin=simulator.origin))
    click.echo("  " + _("base URL {url}").format(url=simulator.url), err=True)
    sys.stdout.flush()
    try:
        server.serve_forever(poll_interval=0.1)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
