"""How a push follows its import: when to ask Loop for the status, and until when.

The defaults live here and nowhere else: `PollPolicy()` is what ``[push]`` starts from.
"""

from __future__ import annotations

import random

import attrs

from ..backoff import Backoff, Jitter

# Asking for a status sooner than this gains nothing and spends the subscription's quota.
SHORTEST_POLL = 0.1


@attrs.frozen(kw_only=True)
class PollPolicy:
    first: float = 3.0  # seconds before the first status request
    cap: float = 30.0  # longest wait between two status requests
    timeout: float = 3600.0  # overall deadline, from the import request

    def backoff(self, jitter: Jitter = random.random) -> Backoff:
        """The waits after the first: doubling from `first`, full jitter, at most `cap`."""
        return Backoff(base=self.first, cap=self.cap, floor=SHORTEST_POLL, jitter=jitter)
