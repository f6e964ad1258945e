"""Validation findings: problems with a user's input, as data rather than exceptions.

Like frictionless' reports: each finding says what (a short code), how bad
(error or warning), and exactly where (file, sheet, cell such as "Sheet1!D17").
Codes are not free strings: each is a :class:`FindingCode` in the catalogue
(:mod:`contracts.findings.codes`) with its title and message template, and a
finding with a code the catalogue does not hold cannot be made.
"""

from __future__ import annotations

import datetime as dt
import string
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


# Every code defined, by its name; filled as contracts.findings.codes is imported.
CATALOGUE: dict[str, FindingCode] = {}
# Keyword arguments of FindingCode.finding that say where, so templates cannot use them.
WHERE = frozenset({"file", "sheet", "cell", "value", "severity", "variant", "column"})


@dataclass(frozen=True, eq=False)
class FindingCode:
    """One kind of finding: its code, default severity, title and message template(s).

    ``template`` is a ``str.format`` template; ``variants`` are other wordings of
    the same finding, chosen by name. A finding about one cell's value says which
    column first (``column=``: "Expiry: '31/02/2016' is not a real date").
    """

    code: str
    severity: Severity
    title: str
    template: str
    variants: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.code in CATALOGUE:
            raise ValueError(f"finding code {self.code!r} is defined twice")
        for template in (self.template, *self.variants.values()):
            used = self.fields(template) & WHERE
            if used:
                raise ValueError(f"{self.code}: a template cannot use {sorted(used)}")
        CATALOGUE[self.code] = self

    @staticmethod
    def fields(template: str) -> set[str]:
        """The names a template fills in."""
        return {name for _, name, _, _ in string.Formatter().parse(template) if name}

    def message(self, variant: str | None = None, /, **params: Any) -> str:
        template = self.template if variant is None else self.variants[variant]
        return template.format(**params)

    def finding(
        self,
        *,
        file: str | None = None,
        sheet: str | None = None,
        cell: str | None = None,
        value: Any = None,
        severity: Severity | None = None,
        variant: str | None = None,
        column: str | None = None,
        **params: Any,
    ) -> Finding:
        """A finding of this kind, its message filled in from ``params``."""
        message = self.message(variant, **params)
        return Finding(
            code=self.code,
            severity=severity or self.severity,
            message=f"{column}: {message}" if column is not None else message,
            file=file,
            sheet=sheet,
            cell=cell,
            value=None if value is None else cell_text(value),
            variant=variant,
            params={} if column is not None else params,
        )


def cell_text(value: Any) -> str:
    """A cell's value as the register shows it: a date cell as 31/03/2016 (with its time
    when it has one), a whole number as 1000 rather than 1000.0, text as it is."""
    if isinstance(value, dt.datetime):
        return f"{value:%d/%m/%Y}" + ("" if value.time() == dt.time() else f" {value:%H:%M}")
    if isinstance(value, dt.date):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


@dataclass(frozen=True)
class Finding:
    code: str  # a code of the catalogue, e.g. "bad-money", "end-before-start"
    severity: Severity
    message: str
    file: str | None = None
    sheet: str | None = None
    cell: str | None = None  # "Contracts!D17", or "row 17" for CSV
    value: str | None = None
    # The wording chosen and the values it was filled with, to reword it once the
    # outcome is known ("will be added" → "added"); not part of what is reported.
    variant: str | None = field(default=None, compare=False, repr=False)
    params: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.code not in CATALOGUE:
            raise ValueError(
                f"{self.code!r} is not a finding code; add it to contracts/findings/codes.py"
            )

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    @property
    def title(self) -> str:
        return CATALOGUE[self.code].title

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity.value,
            "message": self.message,
            "file": self.file,
            "sheet": self.sheet,
            "cell": self.cell,
            "value": self.value,
        }

    def reworded(self, variant: str | None) -> Finding:
        """The same finding in another of its code's wordings (same values, same place)."""
        if not self.params:
            raise ValueError(f"{self.code}: a finding about one cell keeps its wording")
        message = CATALOGUE[self.code].message(variant, **self.params)
        return replace(self, message=message, variant=variant)

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
