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
from .conversion import ConversionResult, Mapping, convert
from .conversion.export import ExportResult, export
from .errors import (
    AzuriteError,
    ConfigError,
    ConversionError,
    ConversionRejected,
    DuplicateSubmission,
    FilterError,
    LoopAmbiguousError,
    LoopAuthError,
    LoopConfigError,
    LoopError,
    LoopForbidden,
    LoopQuotaError,
    LoopRejected,
    LoopRouteNotFound,
    LoopServerError,
    LoopTransportError,
    ParseError,
    StorageConfigError,
    StorageError,
    StorageTransportError,
    TabularError,
    TraError,
    UnreadableInput,
    WriteError,
    WriteProblem,
)
from .loop import ImportStatus, LoopClient, LoopSettings
from .submission.journal import SubmissionJournal
from .submission.policy import PollPolicy
from .submission.push import PushResult, push
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
from .validation import Finding, Report, ValidationConfig, validate

# A library logs but never prints: without this, Python's last-resort handler would write
# tratool's warnings to stderr in programs that configure no logging.
logging.getLogger("tratool").addHandler(logging.NullHandler())

__all__ = [
    "AnalyticExtension",
    "AzuriteError",
    "Change",
    "ConfigError",
    "ConversionError",
    "ConversionRejected",
    "ConversionResult",
    "DuplicateSubmission",
    "Entry",
    "Exercise",
    "ExportResult",
    "FilterError",
    "Finding",
    "GeneralAccount",
    "GeneralExtension",
    "Header",
    "ImportStatus",
    "Journal",
    "LoopAmbiguousError",
    "LoopAuthError",
    "LoopClient",
    "LoopConfigError",
    "LoopError",
    "LoopForbidden",
    "LoopQuotaError",
    "LoopRejected",
    "LoopRouteNotFound",
    "LoopServerError",
    "LoopSettings",
    "LoopTransportError",
    "Mapping",
    "ParameterRecord",
    "ParseError",
    "PollPolicy",
    "PushResult",
    "RawLine",
    "Record",
    "Report",
    "StorageConfigError",
    "StorageError",
    "StorageTarget",
    "StorageTransportError",
    "SubmissionJournal",
    "Summary",
    "TabularError",
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
    "convert",
    "export",
    "push",
    "read",
    "read_text",
    "render_lines",
    "scan",
    "summarize",
    "upload",
    "validate",
    "write",
]
