"""Push a TRA file into Cegid Loop, exactly once: validate, upload, import, wait.

    result = push(path, dossier="MANON002", target=StorageTarget.from_env(),
                  client=LoopClient.from_env(settings), journal=SubmissionJournal(default_path()))

The journal (`submission.journal`) reserves the file for this push before anything is
validated or sent, and is updated at every step, so a crash, a timeout, a second CI run or
a concurrent push never imports the same file twice. Polling uses
exponential backoff with full jitter under an overall deadline; when the deadline passes the
import is still followed by `wait_for` (``tratool status ID --wait``).
"""

from __future__ import annotations

import datetime as dt
import logging
import random
import time
from collections.abc import Callable
from pathlib import Path
from typing import Literal

import attrs

from ..azure import DEFAULT_EXPIRY, StorageTarget, UploadResult, file_digests, upload
from ..backoff import Deadline
from ..errors import (
    LoopAmbiguousError,
    LoopConfigError,
    LoopError,
    LoopQuotaError,
    LoopRejected,
    LoopServerError,
    LoopTransportError,
    Message,
)
from ..i18n import N_, Text
from ..loop import ImportStatus, LoopClient
from ..validation import Report, ValidationConfig, config_for, validate
from .journal import SubmissionJournal
from .policy import PollPolicy

log = logging.getLogger("tratool.push")
# interrupted: the import was requested, then following it failed (Loop or the network).
Outcome = Literal["invalid", "submitted", "succeeded", "failed", "running", "interrupted"]
MAYBE_SENT = N_(
    "The journal keeps this submission as possibly imported: look for it in Loop's import "
    "history (Comptabilité › Imports › Historique des imports) and push it again with --force "
    "only if it is not there"
)
# What a push says as it goes: `str()` of each is the English; the CLI says it in --lang.
Events = Callable[[Text], None]


@attrs.frozen(kw_only=True)
class PushResult:
    file: Path
    sha256: str
    dossier: str
    outcome: Outcome
    report: Report
    upload: UploadResult | None = None  # Azure storage
    uri: str | None = None  # Loop storage: where getFileUrlDeposit put the file
    request_id: str | None = None
    status: ImportStatus | None = None
    journal_id: int | None = None
    error: Message | None = None  # why following the import stopped (outcome "interrupted")


@attrs.frozen(kw_only=True)
class Placed:
    """Where the file now is, for importTra: a SAS URL (Azure) or a deposit uri (Loop)."""

    storage: Literal["azure", "loop"]
    url: str | None = None
    uri: str | None = None
    upload: UploadResult | None = None

    @property
    def shown_blob_url(self) -> str | None:
        return self.upload.blob_url if self.upload is not None else None

    @property
    def shown(self) -> str:
        """What the journal and the messages name (never the SAS token)."""
        return self.upload.blob_url if self.upload is not None else f"loop:{self.uri}"


DEPOSIT_EXTENSIONS = (".tra", ".txt", ".csv")  # what getFileUrlDeposit accepts


def place(
    file: Path,
    dossier: str,
    target: StorageTarget | None,
    client: LoopClient,
    expiry: dt.timedelta,
    say: Events,
) -> Placed:
    """Put the file where Loop will read it: the Azure `target`, or, when it is None, the
    storage Loop provides (getFileUrlDeposit, then a PUT)."""
    if target is None:
        name = file.name if file.name.lower().endswith(DEPOSIT_EXTENSIONS) else f"{file.stem}.tra"
        deposit = client.deposit_file(name, file)
        say(N_("deposited {file} in Loop's storage as {uri}", file=file.name, uri=deposit.uri))
        return Placed(storage="loop", uri=deposit.uri)
    # Blobs are addressed by the content uploaded: <prefix>/<dossier>/<sha256>/<name>.
    per_dossier = attrs.evolve(target, prefix=f"{target.prefix.strip('/')}/{dossier}")
    uploaded = upload(file, per_dossier, expiry=expiry)
    placed = (
        N_(
            "found {url} (readable until {moment} UTC)",
            url=uploaded.blob_url,
            moment=uploaded.expires_at,
        )
        if uploaded.already_present
        else N_(
            "uploaded {url} (readable until {moment} UTC)",
            url=uploaded.blob_url,
            moment=uploaded.expires_at,
        )
    )
    say(placed)
    return Placed(storage="azure", url=uploaded.sas_url, upload=uploaded)


def import_key(sha256: str, dossier: str, endpoint: str) -> str:
    return f"{sha256}|{dossier}|{endpoint}"


def wait_for(
    client: LoopClient,
    request_id: str,
    policy: PollPolicy,
    *,
    on_status: Callable[[ImportStatus], None] | None = None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
    jitter: Callable[[], float] = random.random,
) -> ImportStatus:
    """Poll until the import ends or the deadline passes; returns the last status seen.
    Each change of status is passed to `on_status` (unknown codes too, once each)."""
    deadline = Deadline.after(policy.timeout, clock)
    backoff = policy.backoff(jitter)
    last: ImportStatus | None = None
    sleep(deadline.clip(policy.first))
    polls = 0
    while True:
        polls += 1
        try:
            status = client.import_status(request_id)
        except (LoopQuotaError, LoopServerError, LoopTransportError) as exc:
            # Asking for a status again is harmless: ride out a storm until the deadline.
            if deadline.passed:
                raise
            log.warning("import %s: %s; asking again later", request_id, exc)
            sleep(deadline.clip(backoff.delay(polls + 1, exc.retry_after)))
            continue
        if (last is None or status.code != last.code) and on_status is not None:
            on_status(status)
        last = status
        if status.terminal or deadline.passed:
            return status
        sleep(deadline.clip(backoff.delay(polls + 1)))


def push(
    path: str | Path,
    *,
    dossier: str,
    target: StorageTarget | None,
    client: LoopClient,
    journal: SubmissionJournal,
    wait: bool = True,
    force: bool = False,
    expiry: dt.timedelta = DEFAULT_EXPIRY,
    policy: PollPolicy | None = None,
    config: ValidationConfig | None = None,
    on_event: Events | None = None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
    source: str | Path | None = None,
) -> PushResult:
    """Validate, upload, import and (with `wait`) follow one file. See the module docstring.

    `target` None puts the file in the storage Loop provides instead of Azure (see `place`).
    `source` is the file the user pushed when `path` is its conversion to TRA: the journal
    then recognises that file. `sleep` and `clock` time the polling (tests pass fakes).

    The journal reservation comes first, before anything is validated or sent. Raises
    `DuplicateSubmission` when the journal holds a blocking submission of the same file to
    the same dossier, or another process is pushing it right now (`force` passes over the
    first, not the second); storage and Loop errors as they come, after the journal recorded
    how far the push went (`LoopAmbiguousError`: the import may be in Loop). When following
    the import fails after Loop accepted it, the result says ``interrupted``, with its
    request id and the error, instead of raising.
    """
    file = Path(path)
    say = on_event or (lambda message: None)
    # The journal remembers what the user pushed: for a converted CSV or FEC that is the
    # source, since the TRA made from it carries its conversion time and differs every run.
    original = Path(source) if source is not None else file
    sha256, entry = _reserve(client, journal, original, dossier, force)
    try:
        report = validate(file, config or config_for(file))
        say(
            N_(
                "validated {file}: {errors} error(s), {warnings} warning(s)",
                file=str(file),
                errors=report.errors,
                warnings=report.warnings,
            )
        )
        if report.errors and not force:
            return PushResult(
                file=file, sha256=sha256, dossier=dossier, outcome="invalid", report=report
            )
        placed = place(file, dossier, target, client, expiry, say)
        journal.attach_upload(entry, placed.shown_blob_url, storage=placed.storage, uri=placed.uri)
        request_id = _request_import(client, journal, entry, dossier, placed)
    finally:
        journal.release(entry)  # a no-op once the import request was committed as sent
    say(N_("import requested: {request_id}", request_id=request_id))
    result = PushResult(
        file=file,
        sha256=sha256,
        dossier=dossier,
        outcome="submitted",
        report=report,
        upload=placed.upload,
        uri=placed.uri,
        request_id=request_id,
        journal_id=entry,
    )
    if not wait:
        return result
    try:
        policy = policy or PollPolicy()
        status = follow(client, journal, request_id, policy, on_event=say, sleep=sleep, clock=clock)
    except LoopError as exc:
        # The import was requested and may well run to its end: say so, with its id.
        return attrs.evolve(result, outcome="interrupted", error=exc.text or str(exc))
    return attrs.evolve(result, outcome=outcome_of(status), status=status)


def _reserve(
    client: LoopClient, journal: SubmissionJournal, original: Path, dossier: str, force: bool
) -> tuple[str, int]:
    """The file's SHA-256 and its journal reservation, once the client is known to have keys."""
    missing = client.missing_keys()
    if missing:  # found now, not after a validation and an upload
        raise LoopConfigError(
            N_(
                "{variables} not set: Loop refuses every request without it; nothing was sent",
                variables=" and ".join(missing),
            )
        )
    sha256, _, size = file_digests(original)
    endpoint = client.settings.url("import_tra")
    entry = journal.reserve(
        key=import_key(sha256, dossier, endpoint),
        sha256=sha256,
        dossier=dossier,
        endpoint=endpoint,
        file=str(original),
        size=size,
        forced=force,
    )
    return sha256, entry


def _request_import(
    client: LoopClient, journal: SubmissionJournal, entry: int, dossier: str, placed: Placed
) -> str:
    """POST importTra once, with the journal committed as ``submitting`` before it leaves."""
    journal.set_state(entry, "submitting")
    try:
        request_id = client.import_tra(dossier, url=placed.url, uri=placed.uri)
    except LoopAmbiguousError as exc:
        journal.set_state(entry, "submitting", message=str(exc))  # stays blocking
        said = N_("{error}. {advice}", error=exc.text or str(exc), advice=MAYBE_SENT)
        raise LoopAmbiguousError(said, request_id=exc.request_id) from None
    except (LoopRejected, LoopTransportError, LoopQuotaError) as exc:
        # Loop refused it, or it never got there: nothing was imported.
        journal.set_state(
            entry, "rejected" if isinstance(exc, LoopRejected) else "uploaded", message=str(exc)
        )
        raise
    except LoopError as exc:  # configuration: 401, 403, 404 answered by the gateway
        journal.set_state(entry, "uploaded", message=str(exc))
        raise
    journal.set_state(entry, "submitted", request_id=request_id)
    return request_id


def status_label(status: ImportStatus) -> Text:
    """An import's status as people read it, with Loop's code (1 to 4)."""
    return {
        "waiting": N_("waiting (1)"),
        "running": N_("being integrated (2)"),
        "succeeded": N_("finished successfully (3)"),
        "failed": N_("finished with an error (4)"),
    }.get(status.state, N_("unknown code {code}, still waiting", code=str(status.code)))


def outcome_of(status: ImportStatus) -> Outcome:
    if status.state == "succeeded":
        return "succeeded"
    if status.state == "failed":
        return "failed"
    return "running"


def follow(
    client: LoopClient,
    journal: SubmissionJournal | None,
    request_id: str,
    policy: PollPolicy,
    *,
    on_event: Events | None = None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> ImportStatus:
    """Wait for an import and record its end in the journal (when it knows the request)."""
    say = on_event or (lambda message: None)

    def changed(status: ImportStatus) -> None:
        say(N_("status: {label}", label=status_label(status)))

    status = wait_for(client, request_id, policy, on_status=changed, sleep=sleep, clock=clock)
    if journal is not None and status.terminal:
        entry = journal.by_request(request_id)
        if entry is not None:
            journal.set_state(entry.id, status.state, status_code=status.code)
    return status
