"""The relational model: organisations, contracts, imports, proposals and decisions.

Every capability of the pipeline (import → duplicates → rules → proposals →
workbook → decisions) reads and writes these tables, so they are designed for
all of it at once. Money is exact (:class:`contracts.money.Money`), dates are
dates, and nothing a user entered is ever deleted: contracts that leave a
register are marked, merged organisations get a successor, the audit log only
grows.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any

from sqlalchemy import (
    JSON,
    DateTime,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    event,
    func,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from contracts.store.money import Money

# Alembic's recommended convention, so every constraint has a predictable name
# and SQLite batch migrations can drop and recreate them.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

IntPK = Annotated[int, mapped_column(Integer, primary_key=True)]
ShortText = Annotated[str, mapped_column(String(200))]
Code = Annotated[str, mapped_column(String(40))]
Amount = Annotated[Decimal, mapped_column(Money())]
Timestamp = Annotated[
    dt.datetime, mapped_column(DateTime(timezone=True), server_default=func.now())
]
JsonList = Annotated[list[Any], mapped_column(JSON, default=list)]


def contract_uid(source: str, source_key: str) -> str:
    """A contract's stable identity in one string: what decisions and exports refer to."""
    return f"{source}:{source_key}"


def enum_column(enum: type[StrEnum], length: int) -> Enum:
    """A StrEnum stored as its value in a plain VARCHAR of ``length``: no database enum
    type and no CHECK, so the schema stays what the migrations made, while Python
    reads and writes the enum's members."""
    return Enum(
        enum,
        native_enum=False,
        create_constraint=False,
        length=length,
        values_callable=lambda members: [m.value for m in members],
    )


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class OrganisationKind(StrEnum):
    CCG = "CCG"
    ICB = "ICB"
    LOCAL_AUTHORITY = "local authority"
    NHS_TRUST = "NHS trust"
    NHS_FOUNDATION_TRUST = "NHS foundation trust"
    NHS_ENGLAND = "NHS England"
    INDEPENDENT_SECTOR = "independent sector"
    VOLUNTARY = "voluntary/community"
    OTHER = "other"


class Footprint(StrEnum):
    MID_AND_SOUTH_ESSEX = "mid and south Essex"
    NORTH_EAST_ESSEX = "north east Essex"
    WEST_ESSEX = "west Essex"
    OTHER = "other"


class PartyRole(StrEnum):
    LEAD = "lead commissioner"
    ASSOCIATE = "associate commissioner"


class ProposalStatus(StrEnum):
    CANDIDATE = "candidate"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    DEFERRED = "deferred"


class Organisation(Base):
    """A commissioner or provider. Never deleted: a merger records a successor."""

    __tablename__ = "organisations"

    id: Mapped[IntPK]
    name: Mapped[ShortText]
    kind: Mapped[OrganisationKind] = mapped_column(
        enum_column(OrganisationKind, 40), default=OrganisationKind.OTHER
    )
    ods_code: Mapped[Code | None] = mapped_column(unique=True)
    gss_code: Mapped[Code | None] = mapped_column(unique=True)
    is_commissioner: Mapped[bool] = mapped_column(default=False)
    footprint: Mapped[Footprint] = mapped_column(
        enum_column(Footprint, 40), default=Footprint.OTHER
    )
    open_date: Mapped[dt.date | None]
    close_date: Mapped[dt.date | None]
    successor_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    # The body this one is part of: a CCG's STP/ICB, a district's county.
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    # A local authority's tier: county, unitary, metropolitan district, London borough, district.
    tier: Mapped[str | None] = mapped_column(String(40))
    # Where the row came from: "reference" data, an "import" (a provider new to
    # the tool), or a "user" command.
    origin: Mapped[str] = mapped_column(String(20), default="reference")
    created_at: Mapped[Timestamp]

    successor: Mapped[Organisation | None] = relationship(
        remote_side="Organisation.id", foreign_keys=[successor_id]
    )
    parent: Mapped[Organisation | None] = relationship(
        remote_side="Organisation.id", foreign_keys=[parent_id]
    )
    aliases: Mapped[list[OrganisationAlias]] = relationship(
        back_populates="organisation", cascade="all, delete-orphan"
    )

    @property
    def code(self) -> str | None:
        return self.ods_code or self.gss_code

    def __repr__(self) -> str:
        return f"<Organisation {self.code or '-'} {self.name!r}>"


class OrganisationAlias(Base):
    """Another spelling or code of an organisation, looked up by its normalised form."""

    __tablename__ = "organisation_aliases"

    id: Mapped[IntPK]
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    alias: Mapped[ShortText]
    normalised: Mapped[str] = mapped_column(String(200), unique=True)

    organisation: Mapped[Organisation] = relationship(back_populates="aliases")


class ImportBatch(Base):
    """One import of one file: what it was, who ran it, and what it did."""

    __tablename__ = "import_batches"

    id: Mapped[IntPK]
    source: Mapped[ShortText]
    file_name: Mapped[str] = mapped_column(String(500))
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    sheets: Mapped[str | None] = mapped_column(String(500))
    encoding: Mapped[str | None] = mapped_column(String(40))
    imported_at: Mapped[Timestamp]
    imported_by: Mapped[str | None] = mapped_column(String(100))
    rows_read: Mapped[int] = mapped_column(default=0)
    rows_created: Mapped[int] = mapped_column(default=0)
    rows_updated: Mapped[int] = mapped_column(default=0)
    rows_unchanged: Mapped[int] = mapped_column(default=0)
    rows_missing: Mapped[int] = mapped_column(default=0)
    rows_rejected: Mapped[int] = mapped_column(default=0)
    outcome: Mapped[str] = mapped_column(String(20))


class Contract(Base):
    """One contract as one register records it.

    ``(source, source_key)`` is the contract's stable identity: a re-import of
    the same register updates the row with the same key in place, and
    duplicate decisions refer to it, so they survive re-imports.
    """

    __tablename__ = "contracts"
    __table_args__ = (UniqueConstraint("source", "source_key"),)

    id: Mapped[IntPK]
    source: Mapped[ShortText] = mapped_column(index=True)
    source_key: Mapped[ShortText]
    reference: Mapped[str | None] = mapped_column(String(100), index=True)
    title: Mapped[str] = mapped_column(String(500))
    provider_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    service_category: Mapped[str | None] = mapped_column(String(100), index=True)
    contract_form: Mapped[str | None] = mapped_column(String(100))
    # Why the form was inferred (the register gave none the tool knows); None when the
    # register gave it. See contracts.contract_forms.
    contract_form_inferred: Mapped[str | None] = mapped_column(String(300))
    start_date: Mapped[dt.date | None]
    end_date: Mapped[dt.date | None]
    annual_value: Mapped[Amount | None]
    total_value: Mapped[Amount | None]
    payment_mechanism: Mapped[str | None] = mapped_column(String(100))
    status: Mapped[str | None] = mapped_column(String(50))
    notes: Mapped[str | None] = mapped_column(Text)
    # False once a re-import of its register no longer contains it; never deleted.
    in_register: Mapped[bool] = mapped_column(default=True)
    source_file: Mapped[str | None] = mapped_column(String(500))
    source_sheet: Mapped[str | None] = mapped_column(String(100))
    source_row: Mapped[int | None]
    import_batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id"))
    created_at: Mapped[Timestamp]
    updated_at: Mapped[Timestamp] = mapped_column(onupdate=func.now())

    provider: Mapped[Organisation | None] = relationship()
    parties: Mapped[list[ContractParty]] = relationship(
        back_populates="contract", cascade="all, delete-orphan", order_by="ContractParty.id"
    )
    history: Mapped[list[ContractHistory]] = relationship(
        back_populates="contract", order_by="ContractHistory.id"
    )
    import_batch: Mapped[ImportBatch | None] = relationship()

    @property
    def uid(self) -> str:
        """The stable identity in one string, as decisions and exports refer to it."""
        return contract_uid(self.source, self.source_key)

    @property
    def lead_commissioner(self) -> Organisation | None:
        return next((p.organisation for p in self.parties if p.role == PartyRole.LEAD), None)

    @property
    def associate_commissioners(self) -> list[Organisation]:
        return [p.organisation for p in self.parties if p.role == PartyRole.ASSOCIATE]

    def is_active_on(self, day: dt.date) -> bool:
        """In force on ``day``; an unknown start or end does not rule it out."""
        started = self.start_date is None or self.start_date <= day
        not_ended = self.end_date is None or self.end_date >= day
        return self.in_register and started and not_ended

    def __repr__(self) -> str:
        return f"<Contract {self.id} {self.source}/{self.reference} {self.title!r}>"


class ContractParty(Base):
    """A commissioner of a contract and its role in it."""

    __tablename__ = "contract_parties"
    __table_args__ = (UniqueConstraint("contract_id", "organisation_id"),)

    id: Mapped[IntPK]
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    role: Mapped[PartyRole] = mapped_column(enum_column(PartyRole, 40))

    contract: Mapped[Contract] = relationship(back_populates="parties")
    organisation: Mapped[Organisation] = relationship()


class ContractHistory(Base):
    """Earlier values of a contract, kept when a re-import changes it."""

    __tablename__ = "contract_history"

    id: Mapped[IntPK]
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"), index=True)
    import_batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id"))
    recorded_at: Mapped[Timestamp]
    # {field: [old, new]} with values as text (money as "1234.50", dates ISO).
    changes: Mapped[dict[str, Any]] = mapped_column(JSON)

    contract: Mapped[Contract] = relationship(back_populates="history")


class DuplicateDecision(Base):
    """A person's verdict on whether two contracts are the same one.

    Keyed on the contracts' stable identities (``Contract.uid``), smaller
    first, so it survives re-imports that change row ids.
    """

    __tablename__ = "duplicate_decisions"
    __table_args__ = (UniqueConstraint("contract_uid_a", "contract_uid_b"),)

    id: Mapped[IntPK]
    contract_uid_a: Mapped[str] = mapped_column(String(420))
    contract_uid_b: Mapped[str] = mapped_column(String(420))
    decision: Mapped[str] = mapped_column(String(20))  # "confirmed" or "rejected"
    decided_by: Mapped[str | None] = mapped_column(String(100))
    decided_at: Mapped[Timestamp]
    notes: Mapped[str | None] = mapped_column(Text)


class DuplicateRun(Base):
    """The duplicate sets found with the default weights, kept so reports need not look again.

    A cache, never the record: ``inputs_digest`` hashes everything detection
    reads (the register, parties, organisations, decisions, weights), and a run
    is used only while that hash is unchanged (see :mod:`contracts.duplicate_snapshot`).
    """

    __tablename__ = "duplicate_runs"
    # Never reuse an id (SQLite would, after the old run is deleted): a new id
    # is how a caller knows the sets were found again.
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: Mapped[IntPK]
    inputs_digest: Mapped[str] = mapped_column(String(64), index=True)
    found_at: Mapped[Timestamp]
    contracts_considered: Mapped[int]


class LearnedWeight(Base):
    """A duplicate-finder weight re-estimated from this store's confirmed and rejected pairs.

    One row per field and level, replaced by each ``contracts duplicates train``;
    they lie over the shipped defaults (and under a ``--weights`` file). m and u are
    the estimated probabilities of the level for copies and for different contracts.
    """

    __tablename__ = "learned_weights"
    __table_args__ = (UniqueConstraint("field", "level"),)

    id: Mapped[IntPK]
    field: Mapped[str] = mapped_column(String(40))
    level: Mapped[str] = mapped_column(String(40))
    weight: Mapped[float] = mapped_column(Float)
    m: Mapped[float] = mapped_column(Float)
    u: Mapped[float] = mapped_column(Float)
    matches: Mapped[int]  # confirmed pairs on this level
    non_matches: Mapped[int]  # rejected pairs on this level
    trained_at: Mapped[Timestamp]
    trained_by: Mapped[str | None] = mapped_column(String(100))


class StoredDuplicateSet(Base):
    """One duplicate set of a run, in the report's order."""

    __tablename__ = "duplicate_sets"

    id: Mapped[IntPK]
    run_id: Mapped[int] = mapped_column(
        ForeignKey("duplicate_runs.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    set_id: Mapped[str] = mapped_column(String(12))
    score: Mapped[float] = mapped_column(Float)  # the weakest link's 0-1 match score
    reasons: Mapped[JsonList]
    weak_link: Mapped[bool]
    value_at_stake: Mapped[Amount]
    representative_id: Mapped[int] = mapped_column(ForeignKey("contracts.id", ondelete="CASCADE"))


class StoredDuplicateMember(Base):
    """A contract in a stored duplicate set."""

    __tablename__ = "duplicate_set_members"

    set_id: Mapped[int] = mapped_column(
        ForeignKey("duplicate_sets.id", ondelete="CASCADE"), primary_key=True
    )
    contract_id: Mapped[int] = mapped_column(
        ForeignKey("contracts.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class Proposal(Base):
    """A candidate single contract that replaces several, with its decision state."""

    __tablename__ = "proposals"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)  # stable: rule + members
    rule: Mapped[str] = mapped_column(String(100), index=True)
    title: Mapped[str] = mapped_column(String(500))
    status: Mapped[ProposalStatus] = mapped_column(
        enum_column(ProposalStatus, 20), default=ProposalStatus.CANDIDATE, index=True
    )
    provider_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    lead_commissioner_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    footprint: Mapped[str] = mapped_column(String(200))
    as_at: Mapped[dt.date]
    annual_value: Mapped[Amount | None]
    contracts_before: Mapped[int]
    contracts_after: Mapped[int] = mapped_column(default=1)
    earliest_start: Mapped[dt.date | None]
    reasons: Mapped[JsonList]
    flags: Mapped[JsonList]
    # Hash of the members' identities and values when proposed; a decided
    # proposal whose members have since changed needs another review.
    members_hash: Mapped[str] = mapped_column(String(64))
    needs_review: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[Timestamp]
    updated_at: Mapped[Timestamp] = mapped_column(onupdate=func.now())

    provider: Mapped[Organisation | None] = relationship(foreign_keys=[provider_id])
    lead_commissioner: Mapped[Organisation | None] = relationship(
        foreign_keys=[lead_commissioner_id]
    )
    members: Mapped[list[ProposalMember]] = relationship(
        back_populates="proposal", cascade="all, delete-orphan", order_by="ProposalMember.id"
    )
    commissioners: Mapped[list[ProposalCommissioner]] = relationship(
        back_populates="proposal",
        cascade="all, delete-orphan",
        order_by="ProposalCommissioner.id",
    )
    decisions: Mapped[list[ProposalDecision]] = relationship(
        back_populates="proposal", order_by="ProposalDecision.id"
    )


class ProposalMember(Base):
    """A contract that a proposal would replace."""

    __tablename__ = "proposal_members"
    __table_args__ = (UniqueConstraint("proposal_id", "contract_id"),)

    id: Mapped[IntPK]
    proposal_id: Mapped[str] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"))
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"), index=True)
    contract_uid: Mapped[str] = mapped_column(String(420))

    proposal: Mapped[Proposal] = relationship(back_populates="members")
    contract: Mapped[Contract] = relationship()


class ProposalCommissioner(Base):
    """A commissioner in a proposed contract: the lead or an associate."""

    __tablename__ = "proposal_commissioners"
    __table_args__ = (UniqueConstraint("proposal_id", "organisation_id"),)

    id: Mapped[IntPK]
    proposal_id: Mapped[str] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    role: Mapped[PartyRole] = mapped_column(enum_column(PartyRole, 40))

    proposal: Mapped[Proposal] = relationship(back_populates="commissioners")
    organisation: Mapped[Organisation] = relationship()


class ProposalDecision(Base):
    """Who decided what about a proposal, when, and from where (command or workbook)."""

    __tablename__ = "proposal_decisions"

    id: Mapped[IntPK]
    proposal_id: Mapped[str] = mapped_column(ForeignKey("proposals.id"), index=True)
    decision: Mapped[ProposalStatus] = mapped_column(enum_column(ProposalStatus, 20))
    previous_status: Mapped[ProposalStatus] = mapped_column(enum_column(ProposalStatus, 20))
    decided_by: Mapped[str | None] = mapped_column(String(100))
    decided_at: Mapped[Timestamp]
    notes: Mapped[str | None] = mapped_column(Text)
    via: Mapped[str] = mapped_column(String(200))

    proposal: Mapped[Proposal] = relationship(back_populates="decisions")


class AuditEntry(Base):
    """An append-only record of a change: rows are inserted, never updated or deleted."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_entity", "entity_type", "entity_id"),)

    id: Mapped[IntPK]
    at: Mapped[Timestamp]
    actor: Mapped[str | None] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(60))
    entity_type: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(String(420))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    notes: Mapped[str | None] = mapped_column(Text)


class AuditLogIsAppendOnly(Exception):
    """Raised when code tries to change or remove an audit entry."""


@event.listens_for(AuditEntry, "before_update")
@event.listens_for(AuditEntry, "before_delete")
def _refuse_audit_changes(mapper: Any, connection: Any, target: AuditEntry) -> None:
    raise AuditLogIsAppendOnly("the audit log is append-only")
