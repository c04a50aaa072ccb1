"""The firm-settings commands ("Paramètres cabinet"), one per endpoint and verb of the seed:
``dossier list|show|create|update|delete``, ``groupe list|create|update|delete``,
``agence list|update``, ``collaborateur list|show|update``, ``engagement create|update``.

The commands are built from one description per resource, so every resource behaves alike:
lists walk every page, creates first check that the code is absent (as the seed asks), updates
start from a fresh GET (objectId + revisionId), deletes show what they will delete and ask.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Mapping
from typing import Any, TextIO

import attrs
import click

from ..errors import FilterError, LoopError
from ..loop import BatchResult, LoopClient
from ..loop.client import RESOURCE_KEYS
from .common import EXIT_ERRORS, _, diagnostic, fail, main, said
from .loop import (
    base_url_option,
    dossier,
    filter_from,
    format_option,
    groupe,
    loop_client,
    loop_failure,
    profile_option,
    raw_filter_option,
    show_rows,
    table_lines,
    where_option,
)

Command = Callable[..., None]


@attrs.frozen
class Resource:
    name: str  # the client's resource (and route) name
    columns: tuple[str, ...]  # what a text listing shows
    select: bool  # whether the route takes `select` (the seed / Cegid's page lists it)

    @property
    def key(self) -> str:
        return RESOURCE_KEYS[self.name]


DOSSIER = Resource("dossier", ("codeDossier", "raisonSociale", "nomUsuel", "groupeTravail"), True)
GROUPE = Resource("groupe", ("code", "description", "agence"), False)
AGENCE = Resource("agence", ("code", "libelle", "siret"), False)
COLLABORATEUR = Resource("collaborateur", ("identifiant", "prenom", "nom", "email"), True)
ENGAGEMENT = Resource("engagement", ("codeIBS", "description", "maitreDossier"), False)


@main.group()
def agence() -> None:
    """The firm's agencies (Loop's AgenceCabinet)."""


@main.group()
def collaborateur() -> None:
    """The firm's collaborators (Loop's CollaborateurCabinet)."""


@main.group()
def engagement() -> None:
    """Engagement letters (Loop's engagement: create and modify, both POSTs)."""


def _client(base_url: str | None, profile: str | None) -> LoopClient:
    return loop_client(base_url, profile)


def _json_file(file: TextIO) -> list[dict[str, Any]]:
    """An object or an array of objects, from a JSON file."""
    try:
        data = json.load(file)
    except ValueError as exc:
        fail(_("{path}: not JSON: {reason}").format(path=file.name, reason=exc))
    items = data if isinstance(data, list) else [data]
    if not all(isinstance(item, dict) for item in items):
        fail(_("{path}: expected an object or an array of objects").format(path=file.name))
    return items


def _report(result: BatchResult, verb: str, key: str, fmt: str) -> None:
    """Each item's outcome (`verb` already in this run's language); exit 1 if Loop reported
    an error for any of them."""
    if fmt == "json":
        document = {"success": result.success, "errors": result.errors}
        click.echo(json.dumps(document, ensure_ascii=False, indent=2))
    else:
        failed = _("error")
        width = max(7, len(verb), len(failed))
        for item in result.success:
            click.echo(f"{verb:<{width}}  {item.get(key) or '-'}  objectId {item.get('objectId')}")
        for error in result.errors:
            shown = json.dumps(error, ensure_ascii=False)
            click.echo(f"{failed:<{width}}  {shown}", err=True)
    if result.errors:
        sys.exit(EXIT_ERRORS)


def _one(client: LoopClient, resource: Resource, code: str) -> dict[str, Any]:
    """The record named `code` (a fresh GET: its objectId and current revisionId)."""
    try:
        found = client.find(resource.name, code)
    except FilterError as exc:  # a code that cannot be written in a Loop filter
        fail(said(exc))
    except LoopError as exc:
        loop_failure(exc)
    if found is None:
        message = _("no {resource} {code} in the firm")
        fail(message.format(resource=resource.name, code=repr(code)), EXIT_ERRORS)
    return found


def _changes(assignments: tuple[str, ...], file: TextIO | None) -> dict[str, Any]:
    """--set FIELD=VALUE (text values) and --json FILE (one object, typed values)."""
    changes: dict[str, Any] = {}
    if file is not None:
        items = _json_file(file)
        if len(items) != 1:
            fail(_("{path}: expected one object of fields to change").format(path=file.name))
        changes.update(items[0])
    for assignment in assignments:
        field, sep, value = assignment.partition("=")
        if not sep or not field.strip():
            fail(_("--set {assignment}: expected FIELD=VALUE").format(assignment=repr(assignment)))
        changes[field.strip()] = value
    for reserved in ("objectId", "revisionId"):
        if reserved in changes:
            message = _("{field} comes from Loop (a fresh GET), it cannot be set")
            fail(message.format(field=reserved))
    if not changes:
        fail(_("nothing to change: give --set FIELD=VALUE or --json FILE"))
    return changes


# -- command factories ---------------------------------------------------------------------------
def add_list(group: click.Group, resource: Resource) -> None:
    def run(
        where: tuple[str, ...],
        raw_filter: str | None,
        sort: str | None,
        page_size: int | None,
        fmt: str,
        profile: str | None,
        base_url: str | None,
        select: str | None = None,
    ) -> None:
        fields = [f.strip() for f in select.split(",") if f.strip()] if select else None
        client = _client(base_url, profile)
        flt = filter_from(where, raw_filter)
        try:
            rows = list(client.list_records(resource.name, flt, sort, fields, page_size))
        except LoopError as exc:
            loop_failure(exc)
        show_rows(rows, fmt, tuple(fields) if fields else resource.columns)
        if fmt != "json":  # on stderr: standard output stays the table alone
            counted = _("{count} {resource} record(s)")
            diagnostic(counted.format(count=len(rows), resource=resource.name))

    run.__doc__ = f"List the firm's {resource.name} records (every page)."
    command: Any = run
    if resource.select:
        command = click.option("--select", help="Comma-separated fields to return.")(command)
    for decorate in (
        base_url_option,
        profile_option,
        format_option,
        click.option("--page-size", type=click.IntRange(1, 1000), help="Records per request."),
        click.option("--sort", help="e.g. code or code&&libelle:desc"),
        raw_filter_option,
        where_option,
    ):
        command = decorate(command)
    group.command(name="list")(command)


def add_show_by_code(group: click.Group, resource: Resource) -> None:
    @group.command(name="show")
    @click.argument("code")
    @format_option
    @profile_option
    @base_url_option
    def show(code: str, fmt: str, profile: str | None, base_url: str | None) -> None:
        """Every field of one record, found by its code."""
        record = _one(_client(base_url, profile), resource, code)
        _print_record(record, fmt)


def _print_record(record: Mapping[str, Any], fmt: str) -> None:
    if fmt == "json":
        click.echo(json.dumps(record, ensure_ascii=False, indent=2))
        return
    width = max((len(k) for k in record), default=0)
    for name, value in record.items():
        click.echo(f"{name.ljust(width)}  {value}")


def add_create(group: click.Group, resource: Resource, *, check_absent: bool = True) -> None:
    @group.command(name="create")
    @click.argument("file", type=click.File("r", encoding="utf-8"))
    @format_option
    @profile_option
    @base_url_option
    def create(file: TextIO, fmt: str, profile: str | None, base_url: str | None) -> None:
        """Create the records of a JSON file (an object or an array of objects)."""
        items = _json_file(file)
        client = _client(base_url, profile)
        if check_absent:
            _refuse_existing(client, resource, items)
        try:
            result = client.create(resource.name, items)
        except LoopError as exc:
            loop_failure(exc)
        _report(result, _("created"), resource.key, fmt)


def _refuse_existing(client: LoopClient, resource: Resource, items: list[dict[str, Any]]) -> None:
    """« Assurez-vous de l'absence du code … avant de créer »: nothing is created if one of
    the codes exists already (or is missing from its item)."""
    try:
        for item in items:
            code = str(item.get(resource.key) or "").strip()
            if not code:
                message = _("an item has no {key}: nothing created")
                fail(message.format(key=resource.key), EXIT_ERRORS)
            if client.find(resource.name, code) is not None:
                message = _("{resource} {code} exists already: nothing created")
                fail(message.format(resource=resource.name, code=repr(code)), EXIT_ERRORS)
    except FilterError as exc:
        fail(_("{error}: nothing created").format(error=said(exc)))
    except LoopError as exc:
        loop_failure(exc)


def add_update(group: click.Group, resource: Resource) -> None:
    @group.command(name="update")
    @click.argument("code")
    @click.option("--set", "assignments", multiple=True, metavar="FIELD=VALUE")
    @click.option("--json", "file", type=click.File("r", encoding="utf-8"), help="Typed fields.")
    @format_option
    @profile_option
    @base_url_option
    def update(
        code: str,
        assignments: tuple[str, ...],
        file: TextIO | None,
        fmt: str,
        profile: str | None,
        base_url: str | None,
    ) -> None:
        """Change fields of one record, found by its code (a fresh GET gives its revision)."""
        changes = _changes(assignments, file)
        client = _client(base_url, profile)
        record = _one(client, resource, code)
        try:
            result = client.update(resource.name, {**record, **changes})
        except LoopError as exc:
            loop_failure(exc)
        _report(result, _("updated"), resource.key, fmt)


def add_delete(group: click.Group, resource: Resource) -> None:
    @group.command(name="delete")
    @click.argument("codes", nargs=-1, required=True)
    @click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
    @format_option
    @profile_option
    @base_url_option
    def delete(
        codes: tuple[str, ...], yes: bool, fmt: str, profile: str | None, base_url: str | None
    ) -> None:
        """Delete records by code. Shows what it will delete and asks first; refuses to run
        unattended without --yes; deletes nothing if one code does not exist."""
        client = _client(base_url, profile)
        found = [_one(client, resource, code) for code in codes]
        click.echo(_("about to delete:"), err=fmt == "json")
        for line in table_lines(found, (*resource.columns[:2], "objectId", "revisionId")):
            click.echo(f"  {line}", err=fmt == "json")
        if not yes:
            if not sys.stdin.isatty():
                fail(_("refusing to delete without --yes when not on a terminal"))
            question = _("delete {count} {resource} record(s)?")
            click.confirm(question.format(count=len(found), resource=resource.name), abort=True)
        items = [(str(r["objectId"]), str(r["revisionId"])) for r in found]
        try:
            result = client.delete(resource.name, items)
        except LoopError as exc:
            loop_failure(exc)
        _report(result, _("deleted"), "objectId", fmt)


def add_show_collaborateur(group: click.Group) -> None:
    @group.command(name="show")
    @click.argument("object_id")
    @format_option
    @profile_option
    @base_url_option
    def show(object_id: str, fmt: str, profile: str | None, base_url: str | None) -> None:
        """One collaborator by its objectId (the seed's second CollaborateurCabinet GET)."""
        try:
            record = _client(base_url, profile).get_collaborateur(object_id)
        except LoopError as exc:
            loop_failure(exc)
        _print_record(record, fmt)


def add_engagement_update(group: click.Group) -> None:
    @group.command(name="update")
    @click.argument("file", type=click.File("r", encoding="utf-8"))
    @format_option
    @profile_option
    @base_url_option
    def update(file: TextIO, fmt: str, profile: str | None, base_url: str | None) -> None:
        """Modify engagements from a JSON file; each carries its objectId and revisionId (the
        seed documents no engagement GET to look them up)."""
        client = _client(base_url, profile)
        results = []
        for item in _json_file(file):
            if not item.get("objectId") or not item.get("revisionId"):
                fail(_("each engagement to update needs its objectId and revisionId"))
            try:
                results.append(client.update_engagement(item))
            except LoopError as exc:
                loop_failure(exc)
        merged = BatchResult(
            [s for r in results for s in r.success], [e for r in results for e in r.errors]
        )
        _report(merged, _("updated"), ENGAGEMENT.key, fmt)


for _group, _resource in ((dossier, DOSSIER), (groupe, GROUPE)):
    add_list(_group, _resource)
    add_create(_group, _resource)
    add_update(_group, _resource)
    add_delete(_group, _resource)
add_show_by_code(dossier, DOSSIER)
add_list(agence, AGENCE)
add_update(agence, AGENCE)
add_list(collaborateur, COLLABORATEUR)
add_show_collaborateur(collaborateur)
add_update(collaborateur, COLLABORATEUR)
# No engagement GET in the seed's catalogue: create cannot look the code up first.
add_create(engagement, ENGAGEMENT, check_absent=False)
add_engagement_update(engagement)
