"""tratool: read, write, validate and convert Cegid TRA files; send them to Cegid Loop.

The public API is what this module exports; everything else may change between versions.

    >>> import tratool
    >>> with tratool.read("PG00001.TRA") as tra:
    ...     for line, entry in tra.entries():
    ...         print(line, entry.account, entry.direction, entry.amount)
"""

from __future__ import annotations

import importlib
import logging
from typing import TYPE_CHECKING, Any

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

if TYPE_CHECKING:
    from ._version import __version__
    from .azure import StorageTarget, UploadResult, upload
    from .conversion import ConversionResult, Mapping, convert
    from .conversion.export import ExportResult, export
    from .loop import ImportStatus, LoopClient, LoopSettings
    from .submission.journal import SubmissionJournal
    from .submission.policy import PollPolicy
    from .submission.push import PushResult, push

# The layers a validation never needs (Azure, Loop, conversion, push) and the version, which
# asks the installed metadata, are imported on first use: `import tratool` then costs a
# command such as `tratool validate` a third of what it did.
_LAZY = {
    "__version__": "._version",
    **dict.fromkeys(("StorageTarget", "UploadResult", "upload"), ".azure"),
    **dict.fromkeys(("ConversionResult", "Mapping", "convert"), ".conversion"),
    **dict.fromkeys(("ExportResult", "export"), ".conversion.export"),
    **dict.fromkeys(("ImportStatus", "LoopClient", "LoopSettings"), ".loop"),
    "SubmissionJournal": ".submission.journal",
    "PollPolicy": ".submission.policy",
    **dict.fromkeys(("PushResult", "push"), ".submission.push"),
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'tratool' has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value  # once found, an ordinary attribute
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


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
