"""The one backoff rule: full jitter under a doubling ceiling, Retry-After as a floor, a
deadline as a ceiling. The figures are worked out by hand here, not by the code under test."""

from __future__ import annotations

from tratool.backoff import Backoff, Deadline
from tratool.submission.policy import PollPolicy


def test_the_ceiling_doubles_from_base_up_to_cap() -> None:
    backoff = Backoff(base=1.0, cap=30.0, jitter=lambda: 1.0)
    assert [backoff.delay(n) for n in range(1, 8)] == [1, 2, 4, 8, 16, 30, 30]


def test_full_jitter_draws_below_the_ceiling_and_retry_after_is_a_floor() -> None:
    half = Backoff(base=1.0, cap=30.0, jitter=lambda: 0.5)
    assert half.delay(4) == 4.0  # half of 8
    assert half.delay(4, retry_after=12.0) == 12.0  # never sooner than the server said
    assert half.delay(4, retry_after=1.0) == 4.0
    nothing = Backoff(base=1.0, cap=30.0, floor=0.1, jitter=lambda: 0.0)
    assert nothing.delay(3) == 0.1  # the floor, when the draw is 0


def test_the_poll_policy_backs_off_from_its_first_wait() -> None:
    backoff = PollPolicy(first=3.0, cap=30.0).backoff(jitter=lambda: 1.0)
    assert [backoff.delay(n) for n in range(2, 6)] == [6, 12, 24, 30]


def test_a_deadline_shortens_the_last_wait_and_then_stops_them() -> None:
    now = [100.0]
    deadline = Deadline.after(10.0, lambda: now[0])
    assert deadline.clip(4.0) == 4.0
    now[0] = 108.0
    assert (deadline.clip(4.0), deadline.passed) == (2.0, False)
    now[0] = 110.0
    assert (deadline.clip(4.0), deadline.passed) == (0.0, True)
