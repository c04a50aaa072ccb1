"""Which currency codes exist and how many decimals each takes (TRA-F14, TRA-F11).

The facts come from ISO 4217 as published by its maintenance agency, through the `iso4217`
package, which ships the agency's table (its date is `PUBLISHED`). Codes without minor units
(gold, special drawing rights…) take 2 decimals here, like the euro.
"""

from __future__ import annotations

import datetime as dt
import functools

import iso4217

PUBLISHED: dt.date = iso4217.__published__
DEFAULT_DECIMALS = 2


@functools.cache
def iso_4217() -> dict[str, int]:
    """Every current ISO 4217 code with its decimals (minor units)."""
    return {
        c.code: DEFAULT_DECIMALS if c.exponent is None else c.exponent for c in iso4217.Currency
    }
