"""The ``tratool`` command line: see `tratool.cli.common` for the group and the exit codes."""

from __future__ import annotations

from . import cabinet, convert, dossier, files, loop, push, remote  # noqa: F401 - importing them registers their commands
from .common import add_language_option, main

add_language_option(main)  # after every command is registered

__all__ = ["main"]
