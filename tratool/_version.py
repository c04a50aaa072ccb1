"""The installed distribution's version: pyproject.toml is its one source."""

from __future__ import annotations

from functools import cache


@cache
def installed_version() -> str:
    """The version, looked up when first asked: importing importlib.metadata took a tenth of
    every command's start-up, and most commands never show it."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("tratool")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "0+unknown"


def __getattr__(name: str) -> str:
    if name == "__version__":  # `tratool.__version__`
        return installed_version()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
