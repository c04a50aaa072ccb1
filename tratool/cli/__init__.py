"""The ``tratool`` command line: see `tratool.cli.common` for the group and the exit codes."""

from __future__ import annotations

from . import cabinet, convert, dossier, files, loop, push, remote  # noqa: F401 - importing them registers their commands
from .common import main

__all__ = ["main"]
