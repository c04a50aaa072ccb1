"""Azure Blob Storage: upload a TRA file and mint the read-only SAS URL Loop reads it from.

`target` holds what an upload needs (`StorageTarget`, the SAS rules), `uploader` does it,
`_sessions` holds the azure-storage-blob calls (imported only when an upload really runs).
"""

from __future__ import annotations

from .target import DEFAULT_EXPIRY, Progress, StorageTarget
from .uploader import UploadResult, file_digests, preflight, upload

__all__ = [
    "DEFAULT_EXPIRY",
    "Progress",
    "StorageTarget",
    "UploadResult",
    "file_digests",
    "preflight",
    "upload",
]
