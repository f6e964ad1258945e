"""The register as columns: one array per field, one position per contract.

Detection compares millions of candidate pairs among 100,000 contracts. As one
:class:`MatchRecord` per contract the register costs about a kilobyte a
contract before anything is compared; as columns (ids, day numbers, integer
pence, strings as codes into a table of the distinct values) it is read in one
pass, blocked and scored with NumPy and rapidfuzz, and a record is built only
for the few contracts ``compare()`` and the report need (:meth:`record`).
What is the same for every contract of one provider (its names, codes,
successors) is kept once per provider.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import cast

import numpy as np
from numpy.typing import NDArray

from contracts.duplicates.compare import MatchRecord, normalise_reference, normalise_title
from contracts.store.money import from_pence

Ints = NDArray[np.int64]
Bools = NDArray[np.bool_]
MISSING = -1


@dataclass(frozen=True, eq=False)
class Provider:
    """What detection knows of one provider, shared by all its contracts (``id`` None:
    no provider). Its attributes are named as :class:`MatchRecord`'s, so the
    comparison's provider rules read either. One object per provider: compared (and
    hashed) by identity, which costs nothing at 100,000 contracts."""

    provider_id: int | None
    provider_group: int | None
    provider_chain: tuple[int, ...]
    provider_name: str | None
    provider_coded: bool
    provider_terms: tuple[str, ...]
    provider_key: str


def value_codes(values: Iterable[Hashable | None]) -> tuple[Ints, list[Hashable]]:
    """Each value's number among the distinct values (first seen first), MISSING for
    None; and the distinct values. (Dictionary passes in C: a second at 100,000
    contracts when numbered one by one.)"""
    listed = values if isinstance(values, list) else list(values)
    distinct = [v for v in dict.fromkeys(listed) if v is not None]
    numbers: dict[Hashable | None, int] = {v: i for i, v in enumerate(distinct)}
    numbers[None] = MISSING
    codes = np.fromiter(map(numbers.__getitem__, listed), dtype=np.int64, count=len(listed))
    return codes, distinct


def pair_levels(codes_a: Ints, codes_b: Ints, decide: Callable[[int, int], int]) -> Ints:
    """``decide`` for each pair of codes, called once per distinct pair (codes run from
    MISSING up)."""
    if len(codes_a) == 0:
        return np.zeros(0, dtype=np.int64)
    width = int(max(codes_a.max(), codes_b.max())) + 2
    keys = (codes_a + 1) * width + (codes_b + 1)
    distinct, inverse = np.unique(keys, return_inverse=True)
    found = np.array(
        [decide(int(k) // width - 1, int(k) % width - 1) for k in distinct], dtype=np.int64
    )
    return found[inverse.reshape(-1)]


_EPOCH_DAY = dt.date(1970, 1, 1).toordinal()


def _days(dates: list[dt.date | str | None]) -> Ints:
    """Day numbers (``date.toordinal``) of dates, or of ISO text ("2016-04-01", as SQLite
    keeps them: parsed by NumPy); MISSING where unknown."""
    if any(isinstance(d, str) for d in dates):
        days = np.array(dates, dtype="datetime64[D]")
        return np.where(np.isnat(days), MISSING, days.astype(np.int64) + _EPOCH_DAY)
    ordinals = (MISSING if d is None else d.toordinal() for d in dates)  # type: ignore[union-attr]
    return np.fromiter(ordinals, dtype=np.int64, count=len(dates))


def _pence(values: Iterable[int | None]) -> tuple[Ints, Bools]:
    """Integer pence (0 where unknown) and which are known."""
    listed = list(values)
    known = np.array([v is not None for v in listed], dtype=np.bool_)
    amounts = np.array([0 if v is None else v for v in listed], dtype=np.int64)
    return amounts, known


@dataclass
class ContractFields:
    """One list per field, a contract per position: what a reader collects."""

    ids: list[int] = field(default_factory=list)
    uids: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    references: list[str | None] = field(default_factory=list)
    reference_keys: list[str] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)
    title_keys: list[str] = field(default_factory=list)
    providers: list[Provider] = field(default_factory=list)
    commissioners: list[frozenset[int]] = field(default_factory=list)
    leads: list[int | None] = field(default_factory=list)
    has_associates: list[bool] = field(default_factory=list)
    service_categories: list[str | None] = field(default_factory=list)
    category_keys: list[str | None] = field(default_factory=list)
    starts: list[dt.date | str | None] = field(default_factory=list)
    ends: list[dt.date | str | None] = field(default_factory=list)
    annual_pence: list[int | None] = field(default_factory=list)
    total_pence: list[int | None] = field(default_factory=list)


# Which record attribute fills each list of ContractFields, and a Provider's facts.
_RECORD_FIELDS = {
    "ids": "id",
    "uids": "uid",
    "sources": "source",
    "references": "reference",
    "reference_keys": "reference_key",
    "titles": "title",
    "title_keys": "title_key",
    "commissioners": "commissioners",
    "leads": "lead_id",
    "has_associates": "has_associates",
    "service_categories": "service_category",
    "category_keys": "category_key",
    "starts": "start_date",
    "ends": "end_date",
}
_PROVIDER_FACTS = [f.name for f in dataclasses.fields(Provider)]


def _pence_of(value: Decimal | None) -> int | None:
    return None if value is None else int(value * 100)


class RegisterColumns:
    """The contracts' fields as arrays, indexed by position (the order they were read)."""

    def __init__(self, fields: ContractFields, records: Sequence[MatchRecord] | None = None):
        self.records = records  # given when built from records: record(i) returns them
        self.ids = np.array(fields.ids, dtype=np.int64)
        self.uids = fields.uids
        self.source, self.source_names = value_codes(fields.sources)
        self.references = fields.references
        self.reference, _ = value_codes(r or None for r in fields.references)
        self.reference_stripped, _ = value_codes(
            r.strip() if r else None for r in fields.references
        )
        # The normalised forms are kept as codes (and sorted words) only: a record
        # built for a pair works its own out again.
        self.reference_key, _ = value_codes([k or None for k in fields.reference_keys])
        self.titles = fields.titles
        # The title's words in order ("services community"): token_sort_ratio's own
        # first step, done once a contract instead of once a pair.
        self.title_sorted = [" ".join(sorted(k.split())) for k in fields.title_keys]
        self.provider_index, table = value_codes(fields.providers)
        self.provider_table = cast(list[Provider], table)
        self.provider = self._per_provider(
            [MISSING if p.provider_id is None else p.provider_id for p in self.provider_table]
        )
        self.group = self._per_provider(
            [MISSING if p.provider_group is None else p.provider_group for p in self.provider_table]
        )
        self.coded = self._per_provider([p.provider_coded for p in self.provider_table], np.bool_)
        keys, _ = value_codes(p.provider_key or None for p in self.provider_table)
        self.provider_key = keys[self.provider_index] if len(keys) else self.provider_index
        self.commissioners, sets = value_codes(c or None for c in fields.commissioners)
        self.commissioner_sets = cast(list[frozenset[int]], sets)
        self.lead = np.array([MISSING if x is None else x for x in fields.leads], dtype=np.int64)
        self.has_associates = np.array(fields.has_associates, dtype=np.bool_)
        self.service_categories = fields.service_categories
        self.category_keys = fields.category_keys
        self.category, categories = value_codes(fields.category_keys)
        self.category_names = cast(list[str], categories)
        self.start, self.end = _days(fields.starts), _days(fields.ends)
        self.annual, self.annual_known = _pence(fields.annual_pence)
        self.total, self.total_known = _pence(fields.total_pence)
        self._title_rank: Ints | None = None

    def _per_provider(self, values: list[object], dtype: type = np.int64) -> NDArray:
        """A per-provider value spread to every contract of the provider."""
        return np.array(values or [0], dtype=dtype)[self.provider_index]

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def title_rank(self) -> Ints:
        """Each contract's place among the sorted titles' words (equal titles, equal ranks)."""
        if self._title_rank is None:
            words = np.array(self.title_sorted, dtype=object)
            self._title_rank = np.unique(words, return_inverse=True)[1].reshape(-1)
        return self._title_rank

    def positions(self) -> Ints:
        """Position by id (-1 where no contract has the id), for turning ids into rows."""
        position = np.full(int(self.ids.max(initial=0)) + 1, MISSING, dtype=np.int64)
        position[self.ids] = np.arange(len(self.ids), dtype=np.int64)
        return position

    def record(self, i: int) -> MatchRecord:
        """The contract at position ``i`` as a record, as ``MatchRecord.build`` makes it."""
        if self.records is not None:
            return self.records[i]
        provider = self.provider_table[self.provider_index[i]]
        start, end, lead = int(self.start[i]), int(self.end[i]), int(self.lead[i])
        commissioners = int(self.commissioners[i])
        return MatchRecord(
            id=int(self.ids[i]),
            uid=self.uids[i],
            source=self.source_names[self.source[i]],
            reference=self.references[i],
            title=self.titles[i],
            provider_id=provider.provider_id,
            provider_group=provider.provider_group,
            commissioners=(
                frozenset() if commissioners == MISSING else self.commissioner_sets[commissioners]
            ),
            lead_id=None if lead == MISSING else lead,
            service_category=self.service_categories[i],
            start_date=None if start == MISSING else dt.date.fromordinal(start),
            end_date=None if end == MISSING else dt.date.fromordinal(end),
            annual_value=from_pence(int(self.annual[i])) if self.annual_known[i] else None,
            total_value=from_pence(int(self.total[i])) if self.total_known[i] else None,
            has_associates=bool(self.has_associates[i]),
            provider_chain=provider.provider_chain,
            provider_name=provider.provider_name,
            provider_coded=provider.provider_coded,
            provider_terms=provider.provider_terms,
            title_key=normalise_title(self.titles[i], provider.provider_terms),
            reference_key=normalise_reference(self.references[i]),
            provider_key=provider.provider_key,
            category_key=self.category_keys[i],
        )

    @classmethod
    def from_records(cls, records: Sequence[MatchRecord]) -> RegisterColumns:
        """Columns of records already built (tests, and anything holding records)."""
        return RecordColumns(records)


class RecordColumns(RegisterColumns):
    """The columns of records already built; :meth:`record` gives back the records."""

    def __init__(self, records: Sequence[MatchRecord]) -> None:
        fields = ContractFields()
        for name, attribute in _RECORD_FIELDS.items():
            setattr(fields, name, [getattr(r, attribute) for r in records])
        providers: dict[tuple[object, ...], Provider] = {}
        for r in records:
            facts = tuple(getattr(r, name) for name in _PROVIDER_FACTS)
            fields.providers.append(providers.setdefault(facts, Provider(*facts)))
        fields.annual_pence = [_pence_of(r.annual_value) for r in records]
        fields.total_pence = [_pence_of(r.total_value) for r in records]
        super().__init__(fields, records)
