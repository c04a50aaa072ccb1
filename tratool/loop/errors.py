"""Errors of the Loop client, in a hierarchy to catch by what the caller can do about them."""

from __future__ import annotations

from ..errors import TraError
from ..redaction import redact


class LoopError(TraError):
    """Base class. `request_id` is the id to give Cegid support, when Loop sent one."""

    def __init__(
        self, message: str, *, request_id: str | None = None, retry_after: float | None = None
    ) -> None:
        super().__init__(redact(message) + (f" [request id {request_id}]" if request_id else ""))
        self.request_id = request_id
        self.retry_after = retry_after


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
