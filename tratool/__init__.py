"""tratool: read, write, validate and convert Cegid TRA files; send them to Cegid Loop.

The public API is what this module exports; everything else may change between versions.

    >>> import tratool
    >>> with tratool.read("PG00001.TRA") as tra:
    ...     for line, entry in tra.entries():
    ...         print(line, entry.account, entry.direction, entry.amount)
"""

from __future__ import annotations

import logging

from ._version import __version__
from .azure import StorageTarget, UploadResult, upload
from .errors import ParseError, TraError, UnreadableInput, WriteError, WriteProblem
from .tra.charset import Change
from .tra.reader import TraReader, read, read_text
from .tra.records import (
    AnalyticExtension,
    Entry,
    Exercise,
    GeneralAccount,
    GeneralExtension,
    Header,
    Journal,
    ParameterRecord,
    RawLine,
    Record,
    Tiers,
)
from .tra.scan import scan
from .tra.summary import Summary, Totals, summarize
from .tra.writer import WriteResult, render_lines, write
from .validation import Report, ValidationConfig, validate

# A library logs but never prints: without this, Python's last-resort handler would write
# tratool's warnings to stderr in programs that configure no logging.
logging.getLogger("tratool").addHandler(logging.NullHandler())

__all__ = [
    "AnalyticExtension",
    "Change",
    "Entry",
    "Exercise",
    "GeneralAccount",
    "GeneralExtension",
    "Header",
    "Journal",
    "ParameterRecord",
    "ParseError",
    "RawLine",
    "Record",
    "Report",
    "StorageTarget",
    "Summary",
    "Tiers",
    "Totals",
    "TraError",
    "TraReader",
    "UnreadableInput",
    "UploadResult",
    "ValidationConfig",
    "WriteError",
    "WriteProblem",
    "WriteResult",
    "__version__",
    "read",
    "read_text",
    "render_lines",
    "scan",
    "summarize",
    "upload",
    "validate",
    "write",
]
