"""Commands that talk to remote services: upload, and Cegid Loop."""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from ..azure import Progress, StorageTarget, upload
from ..config import parse_duration
from ..errors import StorageConfigError, StorageTransportError
from ..redaction import RedactingFilter
from .common import EXIT_TRANSPORT, _, fail, main, said, when
from .inputs import stdin_as_file


def _verbose_logging() -> None:
    """Debug trace on stderr, secrets redacted (the SDK's own logs included)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(RedactingFilter())
    handler.setFormatter(logging.Formatter("%(name)s: %(message)s"))
    for name in ("tratool", "azure"):
        logger = logging.getLogger(name)
        logger.setLevel(logging.DEBUG)
        logger.addHandler(handler)


@contextmanager
def _progress(size: int) -> Iterator[Progress | None]:
    """A progress bar on an interactive terminal; nothing in CI or in a pipe."""
    if os.environ.get("CI") or not sys.stderr.isatty():
        yield None
        return
    with click.progressbar(length=size, label=_("uploading"), file=sys.stderr) as bar:
        seen = 0

        def hook(done: int, total: int | None) -> None:
            nonlocal seen
            bar.update(done - seen)
            seen = done

        yield hook


@main.command(name="upload")
@click.argument(
    "file",
    type=click.Path(exists=True, dir_okay=False, allow_dash=True, path_type=Path),
    callback=stdin_as_file,
)
@click.option("--container", help="Blob container (created if missing).  [default: tratool]")
@click.option("--blob-name", help="Blob name (default: <prefix>/<sha256>/<file name>).")
@click.option("--prefix", help="Prefix of content-addressed names.  [default: tra]")
@click.option(
    "--expiry", default="48h", show_default=True, help="SAS lifetime, at least 24h (e.g. 30h, 2d)."
)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option("-v", "--verbose", is_flag=True, help="Trace storage calls on stderr (redacted).")
def upload_command(
    file: Path,
    container: str | None,
    blob_name: str | None,
    prefix: str | None,
    expiry: str,
    fmt: str,
    verbose: bool,
) -> None:
    """Upload a file to Azure Blob Storage and print a read-only SAS URL for Cegid Loop.

    Credentials come from the environment only: AZURE_STORAGE_CONNECTION_STRING; or
    AZURE_STORAGE_ACCOUNT_URL with AZURE_STORAGE_ACCOUNT_KEY; or AZURE_STORAGE_ACCOUNT_URL
    alone (Microsoft Entra ID); or TRATOOL_STORAGE_CONTAINER_SAS_URL. See docs/upload.md.

    Exit status: 0 uploaded (or already there) and readable; 2 configuration problem;
    4 storage refused or could not be reached.
    """
    try:
        lifetime = parse_duration(expiry)
    except ValueError as exc:
        fail(f"--expiry: {said(exc)}")
    if verbose:
        _verbose_logging()
    try:
        target = StorageTarget.from_env(container=container, prefix=prefix)
        with _progress(file.stat().st_size) as hook:
            result = upload(file, target, expiry=lifetime, blob_name=blob_name, progress=hook)
    except StorageConfigError as exc:
        fail(said(exc))
    except StorageTransportError as exc:
        fail(said(exc), EXIT_TRANSPORT)
    if fmt == "json":
        click.echo(
            json.dumps(
                {
                    "blob_url": result.blob_url,
                    "sas_url": result.sas_url,
                    "sha256": result.sha256,
                    "size": result.size,
                    "expires_at": result.expires_at.isoformat(),
                    "blob_name": result.blob_name,
                    "already_present": result.already_present,
                },
                indent=2,
            )
        )
        return
    state = _("already present") if result.already_present else _("uploaded")
    size = _("({size} bytes)").format(size=result.size)
    expiry = _("{moment} UTC (read-only)").format(moment=when(result.expires_at))
    click.echo(f"{state:<10} {result.blob_name} {size}")
    shown = [
        ("sha256", result.sha256),
        (_("blob URL"), result.blob_url),
        (_("expires"), expiry),
        (_("SAS URL"), result.sas_url),
    ]
    width = max(11, *(len(label) + 1 for label, _value in shown))
    for label, value in shown:
        click.echo(f"{label:<{width}}{value}")
