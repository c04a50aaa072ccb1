"""Cegid Loop: the API client, its settings, and a local simulator of the documented contract."""

from __future__ import annotations

from ..errors import (
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
)
from . import filters
from .client import BatchResult, FileDeposit, ImportStatus, LoopClient
from .settings import PRESETS, LoopSettings

__all__ = [
    "PRESETS",
    "BatchResult",
    "FileDeposit",
    "ImportStatus",
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
    "filters",
]
