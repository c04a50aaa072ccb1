"""The validator: catch what Cegid's import would silently "repair".

>>> report = tratool.validate("PG00001.TRA")
>>> report.ok, report.errors, [f.rule for f in report.findings]
"""

from __future__ import annotations

from ..errors import Severity
from .configuration import AccountInfo, FiscalYear, JournalInfo, TiersInfo, ValidationConfig
from .engine import config_for, validate
from .findings import Finding, Report
from .rules import RULES, Rule

__all__ = [
    "RULES",
    "AccountInfo",
    "Finding",
    "FiscalYear",
    "JournalInfo",
    "Report",
    "Rule",
    "Severity",
    "TiersInfo",
    "ValidationConfig",
    "config_for",
    "validate",
]
