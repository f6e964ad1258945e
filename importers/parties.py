"""A row's provider and commissioners: by name, by ODS/GSS code, as of the contract's start.

Registers name organisations by name, by code (a "Provider Code" column), or
both. A code alone is enough; a code and a name that name two different
bodies is a finding, and the code is used. A body that had closed before the
contract started gives way to its successor ("Basildon Hospital" in a 2021
contract is Mid and South Essex NHS FT), and the report says so once.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Protocol

from contracts.findings import FindingCode, Severity, codes
from contracts.organisations.index import OrganisationIndex, Suggestion
from contracts.organisations.names import normalise_name
from contracts.store.imports import NewProvider
from contracts.store.models import Organisation

# A new provider this similar to a known name may be a misspelling of it: warn.
CLOSE_NAME_SCORE = 85.0
_LIST_SEPARATORS = (";", "|", "\n", ",")


class Emit(Protocol):
    """Reports a finding about the row's field ``name``; ``details`` fill its message."""

    def __call__(self, kind: FindingCode, name: str, value: Any, /, **details: Any) -> None: ...


class Parties:
    """Resolves the parties of one file's rows; each spelling is looked up once."""

    def __init__(
        self,
        index: OrganisationIndex,
        default_commissioner: Organisation | None,
        new_providers: dict[str, NewProvider],
    ) -> None:
        self.index = index
        self.default_commissioner = default_commissioner
        self.new_providers = new_providers  # normalised name -> placeholder (whole file)
        self._organisations: dict[str, Organisation | None] = {}
        self._said: set[tuple[str, ...]] = set()  # notes given once per file, not per row

    def resolve(self, text: str) -> Organisation | None:
        if text not in self._organisations:
            self._organisations[text] = self.index.resolve(text)
        return self._organisations[text]

    def provider(
        self, name: str | None, code: str | None, start: dt.date | None, emit: Emit
    ) -> Organisation | NewProvider | None:
        decided, by_code = self._code_first("provider", name, code, start, emit)
        if decided:
            return by_code
        if not name:
            emit(codes.MISSING_PROVIDER, "provider", None)
            return None
        found = self.resolve(name)
        if found is not None:
            return self._on_date("provider", found, start, emit)
        return self._new_provider(name, emit)

    def commissioner(
        self, name: str | None, code: str | None, start: dt.date | None, emit: Emit
    ) -> Organisation | None:
        decided, by_code = self._code_first("commissioner", name, code, start, emit)
        if decided:
            return by_code
        if not name:
            if self.default_commissioner is None:
                emit(codes.MISSING_COMMISSIONER, "commissioner", None)
            return self.default_commissioner
        found = self.resolve(name)
        if found is None:
            self._unknown_commissioner(name, "commissioner", "commissioner", emit)
            return None
        return self._on_date("commissioner", found, start, emit)

    def associates(
        self, names: str | None, start: dt.date | None, emit: Emit
    ) -> list[Organisation]:
        if not names:
            return []
        parts = [names]
        whole = self.resolve(names)  # "Bournemouth, Christchurch and Poole Council" is one
        for separator in () if whole is not None else _LIST_SEPARATORS:
            if separator in names:
                parts = names.split(separator)
                break
        found: list[Organisation] = []
        for part in (p.strip() for p in parts):
            if not part:
                continue
            organisation = self.resolve(part)
            if organisation is None:
                self._unknown_commissioner(
                    part, "associate_commissioners", "associate commissioner", emit
                )
                continue
            organisation = self._on_date("associate_commissioners", organisation, start, emit)
            if organisation not in found:
                found.append(organisation)
        return found

    # --- parts -----------------------------------------------------------------

    def _code_first(
        self, what: str, name: str | None, code: str | None, start: dt.date | None, emit: Emit
    ) -> tuple[bool, Organisation | None]:
        """(decided, body): a code decides when it names a body, or when no name is given;
        otherwise the name is looked up as if there were no code."""
        if not code:
            return False, None
        by_code = self._by_code(what, name, code, emit)
        if by_code is not None:
            return True, self._on_date(what, by_code, start, emit)
        return not name, None

    def _by_code(self, what: str, name: str | None, code: str, emit: Emit) -> Organisation | None:
        """The body ``code`` names; a finding when it is unknown or the name says otherwise."""
        field = f"{what}_code"
        by_code = self.resolve(code)
        if by_code is None:
            key = ("unknown-code", what, code)
            if name and key in self._said:
                return None
            self._said.add(key)
            emit(
                codes.UNKNOWN_CODE,
                field,
                code,
                severity=Severity.WARNING if name else None,
                variant="by-name" if name else None,
                what=what,
                code=code,
            )
            return None
        if not name:
            return by_code
        by_name = self.resolve(name)
        if by_name is None:
            said = ("unknown-name", what, name, code)
            if said not in self._said:
                self._said.add(said)
                emit(
                    codes.NAME_BY_CODE, what, name, what=what, name=name, code=code,
                    known=by_code.name,
                )  # fmt: skip
        elif not self._one_body(by_code, by_name):
            mismatch = (
                codes.PROVIDER_CODE_MISMATCH if what == "provider"
                else codes.COMMISSIONER_CODE_MISMATCH
            )  # fmt: skip
            emit(mismatch, field, code, code=code, by_code=by_code.name, name=name,
                 by_name=by_name.name)  # fmt: skip
        return by_code

    def _one_body(self, a: Organisation, b: Organisation) -> bool:
        """Whether ``a`` and ``b`` are one body, or one succeeded the other."""
        return a.id == b.id or b.id in self._chain(a) or a.id in self._chain(b)

    def _chain(self, organisation: Organisation) -> set[int]:
        chain = {organisation.id}
        node: Organisation | None = organisation
        while node is not None and node.successor_id is not None and node.successor_id not in chain:
            chain.add(node.successor_id)
            node = self.index.get(node.successor_id)
        return chain

    def _on_date(
        self, field: str, found: Organisation, start: dt.date | None, emit: Emit
    ) -> Organisation:
        if start is None or found.close_date is None or found.close_date >= start:
            return found
        current = self.index.on_date(found, start)
        if current is not found:
            key = ("successor", str(found.id), str(current.id))
            if key not in self._said:
                self._said.add(key)
                closed = found.close_date.strftime("%d/%m/%Y") if found.close_date else "?"
                emit(codes.SUCCESSOR_BY_DATE, field, found.name, name=found.name,
                     closed=closed, successor=current.name)  # fmt: skip
        return current

    def _new_provider(self, name: str, emit: Emit) -> NewProvider:
        key = normalise_name(name) or name.lower()
        if key not in self.new_providers:
            self.new_providers[key] = NewProvider(name[:200])
            suggestion = self.index.suggest(name, parts=False, min_score=CLOSE_NAME_SCORE)
            if suggestion is not None and _may_be_misspelling(key, suggestion):
                found = suggestion.organisation
                command = f'contracts orgs alias "{name}" {found.code or ""}'.rstrip()
                emit(codes.NEW_PROVIDER, "provider", name, severity=Severity.WARNING,
                     variant="near", name=name, known=found.name, command=command)  # fmt: skip
            else:
                emit(codes.NEW_PROVIDER, "provider", name, name=name)
        return self.new_providers[key]

    def _unknown_commissioner(self, name: str, field: str, what: str, emit: Emit) -> None:
        hint = self.index.hint(name, commissioners_only=True)
        emit(codes.UNKNOWN_COMMISSIONER, field, name, what=what, name=name, hint=hint)


def _may_be_misspelling(key: str, suggestion: Suggestion) -> bool:
    """Close enough to warn, unless the known name is whole words of a longer one.

    "Brentwood Council for Voluntary Service" contains all of "Brentwood
    Council": that is another body that names itself after a place, not a
    misspelling.
    """
    known = normalise_name(suggestion.organisation.name).split()
    words = key.split()
    contained = len(known) < len(words) and all(w in words for w in known)
    return suggestion.score >= CLOSE_NAME_SCORE and not contained
