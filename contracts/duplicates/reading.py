"""Reading the register for detection: five queries, each row once, into columns.

The same five queries decide whether a stored run is still current
(:mod:`contracts.duplicates.stored_run` hashes their rows), so detection hashes
the rows as it reads them and the run it stores needs no second pass over the
register. Rows are Core rows streamed in chunks (a server-side cursor on
PostgreSQL), money as the stored integer pence: no ORM objects, no ``Decimal``
until a record is built for a pair that may link.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from typing import Any, NamedTuple

from sqlalchemy import BigInteger, ColumnElement, Connection, Select, String, select, type_coerce

from contracts.duplicates.columns import ContractFields, Provider, RegisterColumns
from contracts.duplicates.compare import (
    normalise_reference,
    normalise_title,
    provider_key,
    provider_terms,
)
from contracts.duplicates.linkage import Decision, uid_pair
from contracts.duplicates.weights import Weights
from contracts.graphs import successor_chain
from contracts.store.models import (
    Contract,
    ContractParty,
    DuplicateDecision,
    Organisation,
    OrganisationAlias,
    PartyRole,
    contract_uid,
)
from contracts.store.selects import columns_of
from contracts.vocabulary import refine_category

_normalise_title = normalise_title.__wrapped__
_normalise_reference = normalise_reference.__wrapped__

# The contracts detection looks at: those still in their register.
IN_REGISTER = Contract.in_register.is_(True)
# Raise when detection would find other sets from the same inputs, so runs
# stored by an earlier version are not trusted.
SNAPSHOT_VERSION = "2"
_CHUNK = 5_000
_CONTRACT_FIELDS = "id source source_key reference title provider_id service_category"


def organisations_read() -> Select:
    """The organisation columns detection reads (names and codes, and successors for
    provider groups)."""
    return select(
        Organisation.id,
        Organisation.name,
        Organisation.successor_id,
        Organisation.ods_code,
        Organisation.gss_code,
    ).order_by(Organisation.id)


def aliases_read() -> Select:
    """The other names of organisations, which titles may carry ("BTUH: Acute Services")."""
    return select(OrganisationAlias.organisation_id, OrganisationAlias.alias).order_by(
        OrganisationAlias.organisation_id, OrganisationAlias.alias
    )


def parties_read(chosen: ColumnElement[bool]) -> Select:
    """The commissioner columns detection reads, for the contracts ``chosen``."""
    return (
        select(
            ContractParty.contract_id,
            ContractParty.organisation_id,
            type_coerce(ContractParty.role, String),
        )
        .join(Contract, Contract.id == ContractParty.contract_id)
        .where(chosen)
        .order_by(ContractParty.contract_id, ContractParty.organisation_id)
    )


def contracts_read(chosen: ColumnElement[bool]) -> Select:
    """The contract columns detection reads, as stored: dates as the database gives them
    (ISO text from SQLite), money in pence."""
    return (
        select(
            *columns_of(Contract, _CONTRACT_FIELDS),
            type_coerce(Contract.start_date, String),
            type_coerce(Contract.end_date, String),
            type_coerce(Contract.annual_value, BigInteger),
            type_coerce(Contract.total_value, BigInteger),
        )
        .where(chosen)
        .order_by(Contract.id)
    )


def decisions_read() -> Select:
    """The columns of people's duplicate decisions that detection is given."""
    return select(
        DuplicateDecision.contract_uid_a,
        DuplicateDecision.contract_uid_b,
        DuplicateDecision.decision,
        DuplicateDecision.decided_by,
    ).order_by(DuplicateDecision.contract_uid_a, DuplicateDecision.contract_uid_b)


def inputs() -> list[Select]:
    """Every query whose rows decide what detection finds, in the order it reads them."""
    return [
        organisations_read(),
        aliases_read(),
        contracts_read(IN_REGISTER),
        parties_read(IN_REGISTER),
        decisions_read(),
    ]


def _tool_version() -> str:
    try:
        return version("essex-contracts")
    except PackageNotFoundError:
        return "unknown"


def start_digest(weights: Weights) -> Any:
    """The hash of a run's inputs, begun with what is not in the store's rows."""
    digest = hashlib.sha256()
    digest.update(f"{SNAPSHOT_VERSION}\n{_tool_version()}\n{weights!r}\n".encode())
    return digest


def read_chunks(
    connection: Connection, statement: Select, digest: Any = None
) -> Iterator[list[tuple[Any, ...]]]:
    """The statement's rows as plain tuples, a chunk at a time (streamed); each chunk
    hashed into ``digest`` when one is given."""
    result = connection.execute(statement.execution_options(yield_per=_CHUNK))
    for partition in result.partitions():
        chunk = [tuple(row) for row in partition]
        if digest is not None:
            digest.update(repr(chunk).encode())
        yield chunk
    if digest is not None:
        digest.update(b"\x1e")


def read_rows(connection: Connection, statement: Select, digest: Any = None) -> Iterator[Any]:
    """The statement's rows, streamed; hashed into ``digest`` when one is given."""
    for chunk in read_chunks(connection, statement, digest):
        yield from chunk


@dataclass
class Register:
    """The contracts as columns, with the organisations' names and people's decisions."""

    columns: RegisterColumns
    names: dict[int, str]  # organisation id -> name
    decisions: dict[tuple[str, str], Decision] = field(default_factory=dict)


class _Organisation(NamedTuple):
    id: int
    name: str
    successor_id: int | None
    ods_code: str | None
    gss_code: str | None


class _Providers:
    """Each provider's names, codes and successors, worked out once per provider."""

    def __init__(self, connection: Connection, digest: Any) -> None:
        self.rows = {
            row[0]: _Organisation(*row)
            for row in read_rows(connection, organisations_read(), digest)
        }
        self.aliases: dict[int, list[str]] = defaultdict(list)
        for org_id, alias in read_rows(connection, aliases_read(), digest):
            self.aliases[org_id].append(alias)
        successors = {org_id: row.successor_id for org_id, row in self.rows.items()}
        self.chains = {o: tuple(successor_chain(o, successors.get)) for o in successors}
        # Those each organisation succeeded: a 2018 title may still say "SEPT" of EPUT.
        self.earlier: dict[int, set[int]] = defaultdict(set)
        for org_id, chain in self.chains.items():
            for later in chain[1:]:
                self.earlier[later].add(org_id)
        self.none = Provider(None, None, (), None, False, (), provider_key(None))
        self.known: dict[int, Provider] = {}

    def names(self) -> dict[int, str]:
        return {org_id: row.name for org_id, row in self.rows.items()}

    def get(self, org_id: int | None) -> Provider:
        if org_id is None:
            return self.none
        found = self.known.get(org_id)
        if found is None:
            found = self.known[org_id] = self._provider(org_id)
        return found

    def _provider(self, org_id: int) -> Provider:
        row, chain = self.rows[org_id], self.chains[org_id]
        family = set(chain) | self.earlier.get(org_id, set())
        names = [n for o in family for n in (self.rows[o].name, *self.aliases.get(o, ()))]
        codes = [c for o in family for c in (self.rows[o].ods_code, self.rows[o].gss_code) if c]
        return Provider(
            provider_id=org_id,
            provider_group=chain[-1],
            provider_chain=chain,
            provider_name=row.name,
            provider_coded=bool(row.ods_code or row.gss_code),
            provider_terms=provider_terms(names, codes),
            provider_key=provider_key(row.name),
        )


class _Normalised:
    """Titles and references normalised once each, for this read only: the functions'
    own caches would keep 65,536 titles after it."""

    def __init__(self, providers: _Providers) -> None:
        self.providers = providers
        self.titles: dict[tuple[str, int | None], str] = {}
        self.references: dict[str | None, str] = {}
        self.shared: dict[Any, Any] = {}  # one object per distinct source or category

    def title(self, title: str, org: int | None) -> str:
        found = self.titles.get((title, org))
        if found is None:
            terms = self.providers.get(org).provider_terms
            found = self.titles[(title, org)] = _normalise_title(title, terms)
        return found

    def reference(self, reference: str | None) -> str:
        found = self.references.get(reference)
        if found is None:
            found = self.references[reference] = _normalise_reference(reference)
        return found


def _contracts(fields: ContractFields, chunks: Iterator[list[Any]], providers: _Providers) -> None:
    """Each contract's fields and their normalised forms, a chunk of rows at a time."""
    normalised = _Normalised(providers)
    share = normalised.shared.setdefault
    for chunk in chunks:
        ids, sources, keys, references, titles, orgs, categories, *rest = zip(*chunk, strict=True)
        starts, ends, annual, total = rest
        fields.ids += ids
        fields.uids += map(contract_uid, sources, keys)
        fields.sources += map(share, sources, sources)
        fields.references += references
        fields.reference_keys += map(normalised.reference, references)
        fields.titles += titles
        fields.title_keys += map(normalised.title, titles, orgs)
        fields.providers += map(providers.get, orgs)
        fields.service_categories += map(share, categories, categories)
        fields.category_keys += map(refine_category, categories, titles)
        fields.starts += starts
        fields.ends += ends
        fields.annual_pence += annual
        fields.total_pence += total


def _parties(fields: ContractFields, chunks: Iterator[list[Any]]) -> None:
    """Each contract's commissioners, its lead, and whether it lists associates."""
    position = {contract_id: i for i, contract_id in enumerate(fields.ids)}
    count = len(fields.ids)
    parties: list[list[int]] = [[] for _ in range(count)]
    leads: list[int | None] = [None] * count
    associates = [False] * count
    for chunk in chunks:
        for contract_id, organisation_id, role in chunk:
            i = position[contract_id]
            parties[i].append(organisation_id)
            if role == PartyRole.LEAD:
                leads[i] = organisation_id
            elif role == PartyRole.ASSOCIATE:
                associates[i] = True
    shared: dict[frozenset[int], frozenset[int]] = {}
    fields.commissioners = [shared.setdefault(s, s) for s in map(frozenset, parties)]
    fields.leads, fields.has_associates = leads, associates


def read_register(
    connection: Connection, ids: Sequence[int] | None = None, digest: Any = None
) -> Register:
    """The register as columns: the contracts ``ids``, or all those in their register
    (then hashed into ``digest`` when given, as :func:`inputs` lists the queries)."""
    chosen = Contract.id.in_(ids) if ids is not None else IN_REGISTER
    providers = _Providers(connection, digest)
    fields = ContractFields()
    _contracts(fields, read_chunks(connection, contracts_read(chosen), digest), providers)
    _parties(fields, read_chunks(connection, parties_read(chosen), digest))
    decisions = {
        uid_pair(uid_a, uid_b): Decision(decision, decided_by)
        for uid_a, uid_b, decision, decided_by in read_rows(connection, decisions_read(), digest)
    }
    return Register(RegisterColumns(fields), providers.names(), decisions)
