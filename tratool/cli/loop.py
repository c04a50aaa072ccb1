"""Cegid Loop commands: the firm's dossiers and groups, and the local simulator."""

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
from .common import EXIT_ERRORS, EXIT_TRANSPORT, EXIT_USAGE, fail, main

base_url_option = click.option(
    "--base-url",
    help="Loop API base URL, or a preset: prod, inte (default: [loop] in tratool.toml, "
    "then TRATOOL_LOOP_BASE_URL, then prod).",
)
DOSSIER_COLUMNS = ("codeDossier", "raisonSociale", "nomUsuel", "groupeTravail")
GROUPE_COLUMNS = ("code", "description", "agence")


def loop_client(base_url: str | None, profile: str | None = None) -> LoopClient:
    """The client the commands use: settings from config/env/flags, keys from the env."""
    try:
        settings = load_profile(profile, base_url=base_url).loop
    except ConfigError as exc:
        fail(str(exc))
    return LoopClient.from_env(settings)


def loop_failure(exc: LoopError) -> NoReturn:
    """Exit 2 for a wrong route (configuration), 1 when Loop refused the request, and 4 for
    authentication, quota and transport failures."""
    if isinstance(exc, LoopRouteNotFound):
        fail(str(exc), EXIT_USAGE)
    fail(str(exc), EXIT_ERRORS if isinstance(exc, LoopRejected) else EXIT_TRANSPORT)


def _filter(where: tuple[str, ...], raw: str | None) -> filters.Filter | str | None:
    """--where FIELD=VALUE (quoted and escaped for you) or --filter RAW (sent as written)."""
    if where and raw:
        fail("give --where or --filter, not both")
    if raw:
        return raw
    built: filters.Filter | None = None
    for condition in where:
        field, sep, value = condition.partition("=")
        if not sep:
            fail(f"--where {condition!r}: expected FIELD=VALUE")
        try:
            part = filters.eq(field.strip(), value)
        except FilterError as exc:
            fail(f"--where {condition!r}: {exc}")
        built = part if built is None else built & part
    return built


def _table(rows: Iterable[dict[str, Any]], columns: tuple[str, ...]) -> Iterator[str]:
    rows = list(rows)
    widths = [max([len(c)] + [len(str(r.get(c, "") or "")) for r in rows]) for c in columns]
    yield "  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip()
    for row in rows:
        cells = (str(row.get(c, "") or "") for c in columns)
        yield "  ".join(v.ljust(w) for v, w in zip(cells, widths, strict=True)).rstrip()


def _show(rows: Iterable[dict[str, Any]], fmt: str, columns: tuple[str, ...]) -> None:
    if fmt == "json":
        click.echo(json.dumps(list(rows), ensure_ascii=False, indent=2))
    else:
        for line in _table(rows, columns):
            click.echo(line)


where_option = click.option(
    "--where", multiple=True, metavar="FIELD=VALUE", help="Equality condition; repeatable."
)
raw_filter_option = click.option("--filter", "raw_filter", help="A raw Loop filter expression.")
format_option = click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)


@main.group()
def dossier() -> None:
    """Client dossiers of the firm (Loop's dossierClient)."""


@dossier.command(name="list")
@where_option
@raw_filter_option
@click.option("--sort", help="e.g. codeDossier or raisonSociale&&codeDossier:desc")
@click.option("--select", help="Comma-separated fields to return.")
@click.option("--page-size", type=click.IntRange(1, 1000), help="Records per request.")
@format_option
@base_url_option
def dossier_list(
    where: tuple[str, ...],
    raw_filter: str | None,
    sort: str | None,
    select: str | None,
    page_size: int | None,
    fmt: str,
    base_url: str | None,
) -> None:
    """List client dossiers (every page)."""
    fields = [f.strip() for f in select.split(",")] if select else None
    client = loop_client(base_url)
    try:
        rows = list(client.list_dossiers(_filter(where, raw_filter), sort, fields, page_size))
    except LoopError as exc:
        loop_failure(exc)
    _show(rows, fmt, tuple(fields) if fields else DOSSIER_COLUMNS)


@dossier.command(name="create")
@click.argument("file", type=click.File("r", encoding="utf-8"))
@base_url_option
def dossier_create(file: Any, base_url: str | None) -> None:
    """Create the dossiers described in a JSON file (an object or an array of objects)."""
    try:
        data = json.load(file)
    except ValueError as exc:
        fail(f"{file.name}: not JSON: {exc}")
    items = data if isinstance(data, list) else [data]
    try:
        result = loop_client(base_url).create_dossiers(items)
    except LoopError as exc:
        loop_failure(exc)
    for created in result.success:
        click.echo(f"created  {created.get('codeDossier')}  objectId {created.get('objectId')}")
    for error in result.errors:
        click.echo(f"error    {json.dumps(error, ensure_ascii=False)}", err=True)
    if result.errors:
        sys.exit(EXIT_ERRORS)


@dossier.command(name="delete")
@click.argument("codes", nargs=-1, required=True)
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@base_url_option
def dossier_delete(codes: tuple[str, ...], yes: bool, base_url: str | None) -> None:
    """Delete client dossiers by code. Shows what it will delete and asks first; refuses to
    run unattended without --yes."""
    client = loop_client(base_url)
    found = []
    try:
        for code in codes:
            matches = list(client.list_dossiers(filters.eq("codeDossier", code)))
            if not matches:
                fail(f"no dossier {code!r} in the firm: nothing deleted", EXIT_ERRORS)
            found.extend(matches)
    except LoopError as exc:
        loop_failure(exc)
    click.echo("about to delete:")
    for line in _table(found, (*DOSSIER_COLUMNS, "objectId")):
        click.echo(f"  {line}")
    if not yes:
        if not sys.stdin.isatty():
            fail("refusing to delete without --yes when not on a terminal")
        click.confirm(f"delete {len(found)} dossier(s)?", abort=True)
    try:
        result = client.delete_dossiers([(d["objectId"], d["revisionId"]) for d in found])
    except LoopError as exc:
        loop_failure(exc)
    for deleted in result.success:
        click.echo(f"deleted  objectId {deleted.get('objectId')}")
    for error in result.errors:
        click.echo(f"error    {json.dumps(error, ensure_ascii=False)}", err=True)
    if result.errors:
        sys.exit(EXIT_ERRORS)


@main.group()
def groupe() -> None:
    """Work groups of the firm (Loop's groupe)."""


@groupe.command(name="list")
@where_option
@raw_filter_option
@format_option
@base_url_option
def groupe_list(
    where: tuple[str, ...], raw_filter: str | None, fmt: str, base_url: str | None
) -> None:
    """List work groups."""
    try:
        rows = list(loop_client(base_url).list_groupes(_filter(where, raw_filter)))
    except LoopError as exc:
        loop_failure(exc)
    _show(rows, fmt, GROUPE_COLUMNS)


@main.command(name="loop-sim")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, default=0, show_default=True, help="0 picks a free port.")
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
        fail_every=fail_every,
        latency=latency,
        waiting_seconds=waiting,
        running_seconds=running,
    )
    simulator = Simulator(options)
    server = simulator.bind()

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    click.echo(f"listening on {simulator.origin}")
    click.echo(f"  base URL {simulator.url}", err=True)
    sys.stdout.flush()
    try:
        server.serve_forever(poll_interval=0.1)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
