"""The ``tratool`` command line: see `tratool.cli.common` for the group and the exit codes."""

from __future__ import annotations

from .common import add_language_option, main

# Each command's modules, imported when the command is asked for (`--help` asks for them
# all): `tratool validate` then loads neither Loop's HTTP client, nor Azure, nor the
# converter, which took a third of its start-up. (`dossier` gets subcommands from three
# modules, `groupe` from two.)
main.modules.update(
    {
        **dict.fromkeys(("show", "export", "validate"), (".files",)),
        "convert": (".convert",),
        **dict.fromkeys(("push", "status", "history", "config", "doctor"), (".push",)),
        "upload": (".remote",),
        "dossier": (".loop", ".cabinet", ".dossier"),
        "groupe": (".loop", ".cabinet"),
        "loop-sim": (".loop",),
        **dict.fromkeys(("agence", "collaborateur", "engagement"), (".cabinet",)),
    }
)
add_language_option(main)

__all__ = ["main"]
