"""Every exception tratool raises, in one hierarchy: catch `TraError` to catch them all.

    TraError
    ├── ParseError            a located problem found while reading (collected, rarely raised)
    ├── UnreadableInput       the input cannot be read at all
    ├── WriteError            records that cannot be written; nothing was written
    ├── ConfigError           a configuration file or value that cannot be used
    ├── ConversionError       CSV/FEC rows that cannot be converted; nothing was written
    ├── ConversionRejected    the converted file does not validate; nothing was written
    ├── TabularError          a delimited file that cannot be read as such
    ├── StorageError          the uploader
    │   ├── StorageConfigError      the target cannot work as configured; nothing was sent
    │   └── StorageTransportError   storage refused, or could not be reached
    ├── LoopError             the Loop client (``request_id`` for Cegid support)
    │   ├── LoopConfigError         fix the configuration first
    │   │   ├── LoopAuthError           HTTP 401
    │   │   ├── LoopRouteNotFound       HTTP 404 on a configured route
    │   │   └── LoopForbidden           HTTP 403 without Retry-After
    │   ├── LoopRejected            Loop understood and refused
    │   ├── LoopQuotaError          HTTP 429 longer than we may wait
    │   ├── LoopServerError         HTTP 5xx after every retry
    │   ├── LoopTransportError      Loop could not be reached
    │   └── LoopAmbiguousError      a write may or may not have been processed
    ├── FilterError           a Loop filter expression that cannot be built or parsed
    ├── DuplicateSubmission   the file was already pushed to that dossier
    ├── AzuriteError          the local storage emulator could not be started
    └── TransportFailure      (internal) how an HTTP exchange failed
        ├── NotSent                 before the request was written: safe to repeat
        └── MaybeSent               after: the server may have acted on it

Foreign exceptions (OSError, the Azure SDK's, http.client's, json's) are translated into
these where tratool calls the foreign code; none of them escapes the public functions.
"""

from __future__ import annotations

import errno
import functools
from collections.abc import Sequence
from typing import Literal, Protocol, TypeAlias

import attrs

from .i18n import N_, Text
from .redaction import redact, redact_text

# A message as it is raised: English text, or a `Text` (English template and its values) that
# the command line says in the reader's language. `str()` of an error is always the English.
Message: TypeAlias = "str | Text"

# How bad a problem is, for the reader's `ParseError` (error / warning) and the validator's
# findings (also info). One type for both, so a reader problem maps onto a finding as is.
Severity = Literal["error", "warning", "info"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")


# What three exceptions need of the values they carry, as shapes: errors.py sits under every
# layer, so it names no type of theirs (importing them, even for type checking only, would draw
# an import circle through the layers it is meant to sit under).
class RowProblemLike(Protocol):
    """A row a conversion cannot use (`tratool.conversion.build.RowProblem`)."""

    @property
    def row(self) -> int: ...
    @property
    def column(self) -> str | None: ...
    @property
    def message(self) -> Message: ...
    def located(self, path: str) -> str: ...
    def located_text(self, path: str) -> Text: ...


class ReportLike(Protocol):
    """A validation report (`tratool.validation.findings.Report`)."""

    path: str

    @property
    def errors(self) -> int: ...


class SubmissionLike(Protocol):
    """A row of the submission journal (`tratool.submission.journal.Submission`)."""

    @property
    def id(self) -> int: ...
    @property
    def file(self) -> str: ...
    @property
    def sha256(self) -> str: ...
    @property
    def dossier(self) -> str: ...
    @property
    def state(self) -> str: ...
    @property
    def created_at(self) -> str: ...
    @property
    def request_id(self) -> str | None: ...
    @property
    def pid(self) -> int | None: ...
    @property
    def host(self) -> str | None: ...


# The system's words for the refusals people meet most, as a Text the CLI can say in French.
_SYSTEM_REASONS = {
    errno.ENOENT: N_("No such file or directory"),
    errno.EACCES: N_("Permission denied"),
    errno.EISDIR: N_("Is a directory"),
    errno.ENOTDIR: N_("Not a directory"),
}


def system_reason(exc: OSError) -> Message:
    """Why the system refused a file operation: a `Text` for the common cases, else the
    system's own words (English)."""
    if exc.errno in _SYSTEM_REASONS:
        return _SYSTEM_REASONS[exc.errno]
    return exc.strerror or str(exc)


class TraError(Exception):
    """Base class of every error tratool raises on purpose.

    `text` is the message as a `Text` when it was made as one (the command line says it in
    French or English), else None (English only); `str()` is the English either way."""

    def __init__(self, message: Message = "", *args: object) -> None:
        super().__init__(str(message), *args)
        self._text = message if isinstance(message, Text) else None

    @property
    def text(self) -> Text | None:
        return getattr(self, "_text", None)

    def __reduce__(self) -> tuple[object, ...]:
        """Pickled as its args and attributes, rebuilt without calling ``__init__``: the
        default calls ``cls(*args)``, which the errors built from a report, a submission or
        keyword-only fields cannot take (a process pool hands errors back pickled)."""
        state = dict(getattr(self, "__dict__", {}))
        for klass in type(self).__mro__:
            for name in getattr(klass, "__slots__", ()):
                if not name.startswith("__") and hasattr(self, name):
                    state[name] = getattr(self, name)
        return (_unpickled, (type(self), self.args, state))


def _unpickled(
    kind: type[TraError], args: tuple[object, ...], state: dict[str, object]
) -> TraError:
    error = kind.__new__(kind)
    error.args = args
    for name, value in state.items():
        object.__setattr__(error, name, value)
    return error


@attrs.define(auto_exc=True, kw_only=True)
class ParseError(TraError):
    """A problem found while reading, located as precisely as the reader can.

    The reader collects these instead of raising them, so one bad line never hides the next;
    `severity` says whether the data read may be wrong (``error``) or only looks unusual.
    `message` and `hint` are English; `message_text` and `hint_text`, when the reader made
    them as `Text`, say them in any language (the command line's French).
    """

    message: str
    path: str | None = None
    line: int | None = None
    column: int | None = None
    field: str | None = None
    value: str | None = None
    hint: str | None = None
    severity: Severity = "error"
    message_text: Text | None = attrs.field(default=None, eq=False, repr=False)
    hint_text: Text | None = attrs.field(default=None, eq=False, repr=False)

    @property
    def location(self) -> str:
        parts = [self.path or "<stream>"]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)

    def __str__(self) -> str:
        where = f" {self.field}" if self.field else ""
        return f"{self.location}: {self.severity}{where}: {self.message}"


@attrs.define(auto_exc=True)
class UnreadableInput(TraError):
    """The input cannot be read at all (missing file, permission, not a file)."""

    path: str
    reason: Message

    @property
    def text(self) -> Text:
        return N_("{path}: cannot read: {reason}", path=self.path, reason=self.reason)

    def __str__(self) -> str:
        return str(self.text)


@attrs.frozen(kw_only=True)
class WriteProblem:
    """Why one field of one record cannot be written. `message` is the English;
    `message_text`, when the writer made it as a `Text`, says it in any language."""

    record: int  # 1-based position of the record in the output, i.e. its line number
    field: str | None
    column: int | None
    message: str
    message_text: Text | None = attrs.field(default=None, eq=False, repr=False)

    @property
    def text(self) -> Text:
        return N_(
            "line {record}{column}{field}: {message}",
            record=self.record,
            column=N_(" column {column}", column=self.column) if self.column else "",
            field=f" {self.field}" if self.field else "",
            message=self.message_text or self.message,
        )

    def __str__(self) -> str:
        return str(self.text)


@attrs.define(auto_exc=True)
class WriteError(TraError):
    """Records that cannot be written as a valid TRA file. Nothing was written."""

    path: str
    problems: list[WriteProblem]

    @property
    def text(self) -> Text:
        shown = [p.text for p in self.problems[:20]]
        join = lambda above, row: N_("{above}\n  {row}", above=above, row=row)  # noqa: E731
        rows: Text | str = functools.reduce(join, shown) if shown else ""
        more = len(self.problems) - 20
        return N_(
            "{path}: nothing written, {count} problem(s):\n  {rows}{more}",
            path=self.path,
            count=len(self.problems),
            rows=rows,
            more=N_("\n  … and {count} more", count=more) if more > 0 else "",
        )

    def __str__(self) -> str:
        return str(self.text)


@attrs.define(auto_exc=True)
class ConfigError(TraError):
    """A configuration file that cannot be used: where it is and what is wrong."""

    path: str
    message: Message

    @property
    def text(self) -> Text:
        return N_("{path}: {message}", path=self.path, message=self.message)

    def __str__(self) -> str:
        return str(self.text)


class ConversionError(TraError):
    """Rows that cannot be converted; nothing was written."""

    def __init__(self, path: str, problems: Sequence[RowProblemLike]) -> None:
        self.path, self.problems = path, problems
        shown = [p.located_text(path) for p in problems[:50]]
        join = lambda above, row: N_("{above}\n  {row}", above=above, row=row)  # noqa: E731
        rows: Text | str = functools.reduce(join, shown) if shown else ""
        more = N_("\n  … and {count} more", count=len(problems) - 50)
        super().__init__(
            N_(
                "{path}: {count} row problem(s), nothing written:\n  {rows}{more}",
                path=path,
                count=len(problems),
                rows=rows,
                more=more if len(problems) > 50 else "",
            )
        )


class ConversionRejected(TraError):
    """The converted file has validation errors; nothing was written (use force=True)."""

    def __init__(self, report: ReportLike) -> None:
        self.report = report
        super().__init__(
            N_(
                "{path}: the converted file has {errors} validation error(s); nothing written",
                path=report.path,
                errors=report.errors,
            )
        )


class TabularError(TraError):
    """A delimited file that cannot be read as such."""


class StorageError(TraError):
    """Base class of the uploader's errors."""

    def __init__(self, message: Message) -> None:
        # the Text too: it is rendered in French and English, in JSON and progress lines
        super().__init__(redact_text(message) if isinstance(message, Text) else message)
        self.args = (redact(str(message)),)


class StorageConfigError(StorageError):
    """The target cannot work as configured (credentials, SAS permissions, expiry…)."""


class StorageTransportError(StorageError):
    """Storage answered with a refusal, or could not be reached."""


class LoopError(TraError):
    """Base class. `request_id` is the id to give Cegid support, when Loop sent one."""

    def __init__(
        self,
        message: Message,
        *,
        request_id: str | None = None,
        retry_after: float | None = None,
        http_status: int | None = None,
    ) -> None:
        if request_id:
            message = N_(
                "{message} [request id {request_id}]", message=message, request_id=request_id
            )
        super().__init__(redact_text(message) if isinstance(message, Text) else message)
        self.args = (redact(str(message)),)  # the Text too, just above: it is said in French
        self.request_id = request_id
        self.retry_after = retry_after
        self.http_status = http_status  # the HTTP status Loop answered with, when it answered


class LoopConfigError(LoopError):
    """Fix the configuration before trying again (keys, routes, permissions)."""


class LoopAuthError(LoopConfigError):
    """HTTP 401: a key is missing, invalid, or not activated."""


class LoopRouteNotFound(LoopConfigError):
    """HTTP 404: the configured route or base URL does not exist."""


class LoopForbidden(LoopConfigError):
    """HTTP 403 without Retry-After: the key lacks the permission (e.g. not a Cabinet key)."""


class LoopRejected(LoopError):
    """Loop understood the request and refused it (HTTP 200 with an error, or a 4xx)."""


class LoopQuotaError(LoopError):
    """HTTP 429, or 403 with Retry-After: rate or quota exhausted longer than we may wait."""


class LoopServerError(LoopError):
    """HTTP 5xx on a request that was safe to repeat, after every retry."""


class LoopTransportError(LoopError):
    """Loop could not be reached (or answered nothing) after every allowed attempt."""


class LoopAmbiguousError(LoopError):
    """A request that changes something may or may not have been processed: it is not sent
    again automatically, because Loop has no idempotency key and a second import would post
    every entry twice."""


class FilterError(TraError):
    """A Loop filter expression that cannot be built or parsed."""


class DuplicateSubmission(TraError):
    """The same file was already submitted to the same dossier (see `existing`)."""

    def __init__(self, existing: SubmissionLike) -> None:
        self.existing = existing
        super().__init__(_duplicate_message(existing))


def _duplicate_message(existing: SubmissionLike) -> Text:
    short = f"{existing.sha256[:12]}…"
    if existing.state == "reserved":
        return N_(
            "{file} (sha256 {sha}) is being pushed to dossier {dossier} by another process "
            "(pid {pid} on host {host}, since {since}): wait for it to end; if that process "
            "is gone on another machine, push again with --force",
            file=existing.file,
            sha=short,
            dossier=existing.dossier,
            pid=str(existing.pid),
            host=str(existing.host),
            since=existing.created_at,
        )
    advice = {
        "submitting": N_(
            "the process stopped while the import request was in flight: check Loop's import "
            "history (Comptabilité › Imports › Historique des imports) before pushing again "
            "with --force"
        ),
        "submitted": N_(
            "it is still being imported: follow it with 'tratool status {request_id} --wait'",
            request_id=str(existing.request_id),
        ),
        "succeeded": N_(
            "it was imported successfully: pushing it again would post every entry twice"
        ),
        "failed": N_(
            "its import finished with an error: check Loop's import history (a failed import "
            "may have left entries) before pushing again with --force"
        ),
        "unknown": N_("its outcome is unknown: check Loop's import history"),
    }[existing.state]
    request = N_(", request {request_id}", request_id=existing.request_id or "")
    return N_(
        "{file} (sha256 {sha}) was already pushed to dossier {dossier} on {created} (state "
        "{state}{request}): {advice}",
        file=existing.file,
        sha=short,
        dossier=existing.dossier,
        created=existing.created_at,
        state=existing.state,
        request=request if existing.request_id else "",
        advice=advice,
    )


class AzuriteError(TraError):
    """Azurite could not be found or started."""


class TransportFailure(TraError):
    """How an HTTP exchange with Loop failed; the Loop client turns it into a `LoopError`."""


class NotSent(TransportFailure):
    """The connection failed before the request was written."""


class MaybeSent(TransportFailure):
    """The connection failed after the request was written: it may have been processed."""
