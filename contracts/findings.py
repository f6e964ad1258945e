"""Validation findings: problems with a user's input, as data rather than exceptions.

Like frictionless' reports: each finding says what (a short code), how bad
(error or warning), and exactly where (file, sheet, cell such as "Sheet1!D17").
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True)
class Finding:
    code: str  # e.g. "bad-money", "end-before-start", "unknown-commissioner"
    severity: Severity
    message: str
    file: str | None = None
    sheet: str | None = None
    cell: str | None = None  # "Contracts!D17", or "row 17" for CSV
    value: str | None = None

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["severity"] = self.severity.value
        return data

    def line(self) -> str:
        """One line for people: ``code  file  Sheet!D17  value  message``."""
        parts = [
            self.code,
            self.file or "-",
            self.cell or "-",
            repr(self.value or ""),
            self.message,
        ]
        return "  ".join(parts)


def ordered(findings: list[Finding]) -> list[Finding]:
    """Errors first, then warnings, then information; stable within each."""
    rank = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
    return sorted(findings, key=lambda f: rank[f.severity])
