"""When to try again: exponential backoff with full jitter, ``Retry-After``, a deadline.

The one rule every waiting loop of tratool follows — the Loop client between retries of a
request, the push between two import-status requests:

- the n-th wait is drawn uniformly in ``[0, min(cap, base * 2**(n-1))]`` ("full jitter", so
  that many clients retrying together spread out instead of hitting the server in step);
- a server's ``Retry-After`` is a floor: never ask again sooner than it said;
- a deadline is a ceiling: never sleep past it.

It sits below `loop` and `submission` (both use it) and imports nothing of tratool's.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable

import attrs

Clock = Callable[[], float]
Sleep = Callable[[float], None]
Jitter = Callable[[], float]


@attrs.frozen(kw_only=True)
class Backoff:
    base: float  # seconds: the ceiling of the first wait
    cap: float  # seconds: the ceiling never grows past this
    floor: float = 0.0  # seconds: the shortest wait, whatever the draw
    jitter: Jitter = attrs.field(default=random.random, eq=False, repr=False)  # in [0, 1)

    def ceiling(self, attempt: int) -> float:
        """The longest wait after the `attempt`-th try (1-based)."""
        return min(self.cap, self.base * 2.0 ** (max(1, attempt) - 1))

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        """Seconds to wait after the `attempt`-th try; `retry_after` as the server said."""
        drawn = max(self.floor, self.jitter() * self.ceiling(attempt))
        return max(retry_after or 0.0, drawn)


@attrs.frozen
class Deadline:
    """A moment on `clock` (monotonic seconds) past which nobody waits."""

    at: float
    clock: Clock = attrs.field(default=time.monotonic, eq=False, repr=False)

    @classmethod
    def after(cls, seconds: float, clock: Clock = time.monotonic) -> Deadline:
        return cls(clock() + seconds, clock)

    @property
    def passed(self) -> bool:
        return self.clock() >= self.at

    def clip(self, seconds: float) -> float:
        """`seconds`, shortened so that the wait ends at the deadline at the latest."""
        return min(seconds, max(0.0, self.at - self.clock()))
