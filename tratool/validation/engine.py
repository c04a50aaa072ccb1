"""The validator's front door: `validate` picks the configuration and the pass that runs.

The reference pass (validation/streaming.py) reads line by line; the fast pass
(validation/columnar.py) proves blocks of same-width lines clean with numpy and hands every
other line to the reference code. Both give the same report.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from ..config import find_config, load_config
from ..tra.lines import LineDecoder, Source, open_source
from .configuration import ValidationConfig
from .findings import Report
from .streaming import DEFAULT_MAX_FINDINGS, ValidationPass


def config_for(path: str | os.PathLike[str] | None) -> ValidationConfig:
    """The configuration that applies to a file: the nearest config file's, or the defaults."""
    if path is None:
        return ValidationConfig()
    found = find_config(Path(path))
    return ValidationConfig.from_file(load_config(found)) if found else ValidationConfig()


def validate(
    source: Source,
    config: ValidationConfig | None = None,
    *,
    encoding: str = "cp1252",
    max_findings: int = DEFAULT_MAX_FINDINGS,
    engine: Literal["fast", "reference"] = "fast",
) -> Report:
    """Check a TRA file against the rule catalogue; see docs/validation.md.

    `engine` ``"fast"`` reads blocks of same-width lines as arrays and spares the rows it
    proves clean the per-line rules (validation/columnar.py); ``"reference"`` is the plain
    streaming pass, line by line. Both give the same report.

    Without `config`, the nearest ``tratool.toml`` / ``pyproject.toml`` ([tool.tratool]) above
    the file is used, or the defaults. Raises `UnreadableInput` when the file cannot be opened.
    """
    if config is None:
        config = config_for(source if isinstance(source, (str, os.PathLike)) else None)
    decoder = LineDecoder(encoding)  # fails on a misspelt encoding before opening anything
    path, stream, owned = open_source(source)
    try:
        run = _engine(engine)(path, config, decoder, max_findings)
        try:
            return run.run(stream)
        finally:
            run.pieces.close()
    finally:
        if owned:
            stream.close()


def _engine(name: str) -> type[ValidationPass]:
    if name == "reference":
        return ValidationPass
    if name == "fast":
        from .columnar import FastPass  # numpy is imported only when used

        return FastPass
    raise ValueError(f"unknown validation engine {name!r}: 'fast' or 'reference'")
