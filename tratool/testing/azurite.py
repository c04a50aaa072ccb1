"""Start and stop a local Azurite (Microsoft's Azure Storage emulator) on loopback.

For tests, the demo and rehearsing a CI pipeline without an Azure account. Azurite is an npm
package; tratool does not install it (``make test`` does, from the committed package.json).
It runs in memory, without telemetry, on a free port of 127.0.0.1, and is stopped by its pid.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from pathlib import Path
from types import TracebackType

from ..errors import AzuriteError

# Microsoft's published development account: not a secret (it only opens local emulators).
ACCOUNT = "devstoreaccount1"
KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
_READY = re.compile(r"successfully listens on (https?)://127\.0\.0\.1:(\d+)")


def find_azurite(start: Path | None = None) -> Path | None:
    """``azurite-blob`` from node_modules/.bin (searched upward) or from PATH."""
    folder = (start or Path.cwd()).resolve()
    for directory in (folder, *folder.parents):
        candidate = directory / "node_modules" / ".bin" / "azurite-blob"
        if candidate.exists():
            return candidate
    found = shutil.which("azurite-blob")
    return Path(found) if found else None


class Azurite:
    """``with Azurite() as az: az.connection_string`` — a fresh, empty emulator."""

    def __init__(
        self,
        executable: Path | None = None,
        *,
        timeout: float = 30.0,
        tls: tuple[Path, Path] | None = None,
    ) -> None:
        """`tls` is (certificate, key) in PEM: HTTPS with OAuth ("basic" mode: bearer tokens
        are parsed and checked, their signatures are not), as Microsoft Entra ID needs."""
        self.executable = executable or find_azurite()
        self.timeout = timeout
        self.tls = tls
        self.process: subprocess.Popen[str] | None = None
        self.port = 0

    @property
    def blob_endpoint(self) -> str:
        scheme = "https" if self.tls else "http"
        return f"{scheme}://127.0.0.1:{self.port}/{ACCOUNT}"

    @property
    def connection_string(self) -> str:
        return (
            f"DefaultEndpointsProtocol=http;AccountName={ACCOUNT};AccountKey={KEY};"
            f"BlobEndpoint={self.blob_endpoint};"
        )

    def start(self) -> Azurite:
        if self.executable is None:
            raise AzuriteError(
                "azurite-blob not found: run 'npm ci' in the project (make test does it)"
            )
        command = [
            str(self.executable),
            "--blobHost",
            "127.0.0.1",
            "--blobPort",
            "0",
            "--inMemoryPersistence",
            "--silent",
            "--disableTelemetry",
            "--skipApiVersionCheck",
        ]
        if self.tls:
            command += ["--oauth", "basic", "--cert", str(self.tls[0]), "--key", str(self.tls[1])]
        self.process = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            # AZURITE_ACCOUNTS would replace the development account this class relies on.
            env={k: v for k, v in os.environ.items() if k != "AZURITE_ACCOUNTS"},
        )
        deadline = time.monotonic() + self.timeout
        seen = []
        assert self.process.stdout is not None
        while time.monotonic() < deadline:
            line = self.process.stdout.readline()
            if not line:
                break  # the process ended
            seen.append(line.rstrip())
            match = _READY.search(line)
            if match:
                self.port = int(match.group(2))
                return self
        self.stop()
        raise AzuriteError("Azurite did not start: " + " | ".join(seen[-5:]))

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None:
            return
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout:
            process.stdout.close()

    def __enter__(self) -> Azurite:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
