"""What an import did, for people (text) and scripts (JSON).

For each file: the sheets used, header rows, column mapping, encoding,
counts, new organisations, and every finding as
``code  file  Sheet!D17  value  message`` — errors first, then warnings.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from contracts.findings import Finding, Severity, ordered

# The text report shows this many findings of each code in full and counts the rest.
SHOWN_PER_CODE = 20
# The row counts of an import, in the order the JSON report gives them.
COUNTS = ("rows_read", "created", "updated", "unchanged", "missing", "rejected", "not_contracts")
_JSON_HEAD = ("file", "source", "outcome", "dry_run", "encoding")  # what the JSON opens with


@dataclass
class SheetReport:
    name: str
    header_rows: tuple[int, ...]
    columns: dict[str, str]  # field -> header as written
    rows_read: int = 0
    schema: str | None = None  # a published layout recognised as a whole


@dataclass
class ImportReport:
    """The outcome of importing one file; ``render_text()`` and ``as_json()`` show it."""

    file: str
    source: str
    encoding: str | None = None
    dry_run: bool = False
    skip_invalid: bool = False
    sheets: list[SheetReport] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    rows_read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    missing: int = 0
    rejected: int = 0
    not_contracts: int = 0  # rows read that are not contracts (opportunities, payments)
    new_organisations: list[str] = field(default_factory=list)
    written: bool = False
    identical_to: str | None = None  # when the same file was imported before
    rejects_path: str | None = None
    file_level_error: bool = False  # e.g. a required column is missing: no row can import

    @property
    def has_errors(self) -> bool:
        return any(f.is_error for f in self.findings)

    @property
    def failed(self) -> bool:
        """True when the file is refused: errors, unless --skip-invalid set the rows aside."""
        if self.file_level_error:
            return True
        return self.has_errors and not self.skip_invalid

    @property
    def outcome(self) -> str:
        if self.failed:
            return "rejected"
        if self.dry_run:
            return "dry run"
        return "imported" if self.written else "unchanged"

    def counts(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in COUNTS}

    def as_json(self) -> dict[str, Any]:
        return {
            **{name: getattr(self, name) for name in _JSON_HEAD},
            "sheets": [asdict(s) | {"header_rows": list(s.header_rows)} for s in self.sheets],
            **self.counts(),
            "new_organisations": self.new_organisations,
            "identical_to": self.identical_to,
            "rejects": self.rejects_path,
            "findings": [f.as_dict() for f in ordered(self.findings)],
        }

    def _headline(self) -> str:
        if self.failed:
            errors = sum(f.is_error for f in self.findings)
            return (
                f"REJECTED: {errors} error{'s' if errors != 1 else ''}; nothing was written. "
                "Fix them and import again"
                + ("" if self.file_level_error else ", or use --skip-invalid --rejects OUT.xlsx")
            )
        if self.rows_read and self.not_contracts == self.rows_read:
            return ("dry run: " if self.dry_run else "") + (
                f"nothing imported: none of its {self.rows_read} rows is a contract "
                "(see not-a-contract below)"
            )
        if self.dry_run:
            return "dry run: nothing was written"
        if not self.written:
            if not self.rows_read:
                return "nothing imported: no contract rows below the header"

            if self.identical_to:
                return (
                    f"nothing changed: this file is identical to the one imported "
                    f"{self.identical_to}"
                )
            return "nothing changed: every row matches the register already stored"
        return "imported"

    def render_text(self) -> str:
        lines = [f"{self.file} → source '{self.source}': {self._headline()}"]
        if self.encoding:
            lines.append(f"  encoding: {self.encoding}")
        for sheet in self.sheets:
            rows = "header row" + ("s" if len(sheet.header_rows) > 1 else "")
            numbers = "+".join(str(n) for n in sheet.header_rows)
            layout = f", {sheet.schema}" if sheet.schema else ""
            lines.append(
                f"  sheet '{sheet.name}': {rows} {numbers}, {sheet.rows_read} rows{layout}"
            )
            mapped = ", ".join(f"{header} → {name}" for name, header in sheet.columns.items())
            lines.append(f"    columns: {mapped}")
        counts = self.counts()
        verb = "would be " if self.dry_run else ""
        if self.failed:
            lines.append(
                f"  rows read {counts['rows_read']}: "
                f"{counts['rows_read'] - counts['rejected'] - counts['not_contracts']} valid, "
                f"{counts['rejected']} invalid"
                + (f", {counts['not_contracts']} not contracts" if counts["not_contracts"] else "")
            )
        else:
            lines.append(
                f"  rows read {counts['rows_read']}: {verb}{counts['created']} created, "
                f"{counts['updated']} updated, {counts['unchanged']} unchanged, "
                f"{counts['missing']} missing since the last import, {counts['rejected']} rejected"
                + (f", {counts['not_contracts']} not contracts" if counts["not_contracts"] else "")
            )
        if self.new_organisations:
            lines.append(
                f"  new organisations ({len(self.new_organisations)}): "
                + "; ".join(self.new_organisations)
            )
        if self.rejects_path:
            lines.append(f"  rejected rows written to {self.rejects_path}")
        titles = {
            Severity.ERROR: "errors",
            Severity.WARNING: "warnings",
            Severity.INFO: "notes",
        }
        findings = ordered(self.findings)
        for severity, title in titles.items():
            group = [f for f in findings if f.severity is severity]
            if group:
                lines.append(f"  {title} ({len(group)}):")
                lines.extend(_capped(group))
        return "\n".join(lines)


def _capped(group: list[Finding]) -> list[str]:
    """The first SHOWN_PER_CODE findings of each code in full, then how many more."""
    shown: dict[str, int] = {}
    lines: list[str] = []
    for finding in group:
        count = shown.get(finding.code, 0)
        shown[finding.code] = count + 1
        if count < SHOWN_PER_CODE:
            lines.append(f"    {finding.line()}")
    for code, count in shown.items():
        if count > SHOWN_PER_CODE:
            lines.append(
                f"    … and {count - SHOWN_PER_CODE} more {code} (every finding: "
                "--format json, or --report FILE.xlsx)"
            )
    return lines
