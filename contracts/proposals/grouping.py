"""Applying the rules: grouping contracts into draft single-contract proposals.

Pure Python over small records, with no database, so the grouping can be
tested for its invariants (order does not matter, a contract is in at most
one proposal per rule, values add up to the penny) and run on 100,000
contracts in seconds. :mod:`contracts.proposals.stored` loads the records, stores
the drafts and keeps people's decisions.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from contracts.graphs import successor_chain
from contracts.proposals.members import members_hash, proposal_id
from contracts.proposals.rules import LEAD_LARGEST_SHARE, Rule, RuleSet
from contracts.store.money import format_gbp
from contracts.vocabulary import SERVICE_CATEGORIES, ancestors

PARTNERSHIP_FLAG = "needs a partnership (section 75) agreement"
# Service categories written as people write them in a title.
_DISPLAY = {"a&e": "A&E", "nhs 111": "NHS 111"}
# Endings dropped from organisation names in titles ("Provide", not "Provide
# Community Interest Company").
_NAME_ENDINGS: tuple[str, ...] = (" NHS Foundation Trust", " NHS Trust")
_NAME_ENDINGS += (" Community Interest Company", " NHS FT", " CIC", " Limited", " Ltd")


@dataclass(frozen=True)
class OrgInfo:
    id: int
    name: str
    code: str | None
    kind: str
    footprint: str
    close_date: dt.date | None = None
    successor_id: int | None = None


@dataclass(frozen=True, slots=True)  # slotted: a dict per record costs more than its values
class RuleInput:
    """One contract as the rules see it: a duplicate set's representative."""

    id: int
    uid: str
    provider_id: int | None
    service_category: str | None
    contract_form: str | None
    start_date: dt.date | None
    end_date: dt.date | None
    annual_value: Decimal | None
    lead_id: int
    associate_ids: tuple[int, ...] = ()
    copies: tuple[str, ...] = ()  # uids of the other records of the same contract
    # Why the form was inferred (the register did not give one the tool knows), if it was.
    form_inferred: str | None = None
    # Why the category is narrower than the register's ("MH" for "Community LD Team").
    category_narrowed: str | None = None
    # What the proposal's readers show of a member (not used by the rules).
    reference: str | None = None
    source: str = ""
    title: str = ""


@dataclass(slots=True)
class Draft:
    """A proposal before it is stored: what the rule found and why."""

    id: str
    rule: Rule
    members: list[RuleInput]
    provider_id: int | None
    lead_id: int
    commissioner_ids: list[int]  # the lead first
    title: str
    annual_value: Decimal | None
    unknown_values: int
    earliest_start: dt.date | None
    reasons: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    members_hash: str = ""

    @property
    def member_ids(self) -> set[int]:
        return {m.id for m in self.members}


def short_name(org: OrgInfo) -> str:
    name = org.name
    if name.startswith("NHS ") and name.endswith(" CCG"):
        name = name[4:]
    for ending in _NAME_ENDINGS:
        if name.endswith(ending) and len(name) > len(ending):
            return name[: -len(ending)]
    return name


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, last))
        except ValueError:
            continue
    raise ValueError(f"cannot add {months} months to {day}")  # pragma: no cover


def _months_between(earlier: dt.date, later: dt.date) -> int:
    return (later.year - earlier.year) * 12 + later.month - earlier.month


_ORDER = {name: n for n, name in enumerate(SERVICE_CATEGORIES)}


def _category_order(category: str) -> tuple[int, str]:
    return (_ORDER.get(category, len(_ORDER)), category)


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


class Grouper:
    """Applies a rule set to contract records as at one date."""

    def __init__(
        self,
        rules: RuleSet,
        orgs: dict[int, OrgInfo],
        *,
        as_at: dt.date,
        footprint: str,
        resolve: Callable[[str], int | None],
    ) -> None:
        self.rules = rules
        self.orgs = orgs
        self.as_at = as_at
        self.footprint = footprint
        self._chains: dict[int, list[int]] = {}
        self._on_date: dict[int, int] = {}
        self._categories: dict[str, frozenset[str]] = {}
        self.provider_sets = {
            rule.name: self._resolve_all(rule, "providers", rule.providers, resolve)
            for rule in rules.rules
        }
        self.leads = {
            rule.name: next(iter(self._resolve_all(rule, "lead", (rule.lead,), resolve)))
            for rule in rules.rules
            if rule.lead != LEAD_LARGEST_SHARE
        }

    def _resolve_all(
        self, rule: Rule, key: str, texts: tuple[str, ...], resolve: Callable[[str], int | None]
    ) -> frozenset[int]:
        found = set()
        for text in texts:
            org_id = resolve(text)
            if org_id is None:
                hint = " or 'largest share'" if key == "lead" else ""
                raise self.rules.error(
                    rule, key, f"'{text}' is no organisation the tool knows; use its code{hint}"
                )
            found.add(org_id)
        return frozenset(found)

    # --- organisations ---------------------------------------------------------

    def chain(self, org_id: int) -> list[int]:
        """The organisation and its successors, in order (remembered: asked per contract)."""
        known = self._chains.get(org_id)
        if known is None:
            known = successor_chain(org_id, lambda found: self.orgs[found].successor_id)
            self._chains[org_id] = known
        return known

    def provider_on_date(self, org_id: int) -> int:
        """The provider, or its successor if it had closed by the date."""
        known = self._on_date.get(org_id)
        if known is not None:
            return known
        found = self.chain(org_id)[-1]
        for candidate in self.chain(org_id):
            org = self.orgs[candidate]
            if org.close_date is None or org.close_date >= self.as_at:
                found = candidate
                break
        self._on_date[org_id] = found
        return found

    def _ancestors(self, category: str) -> frozenset[str]:
        known = self._categories.get(category)
        if known is None:
            known = self._categories[category] = frozenset(ancestors(category))
        return known

    # --- grouping --------------------------------------------------------------

    def group_key(self, rule: Rule, record: RuleInput) -> tuple[object, ...] | None:
        """Which group of ``rule`` the record joins, or None if the rule leaves it alone."""
        form_group = self.rules.form_group_of(rule, record.contract_form)
        if form_group is None:
            return None
        if (
            rule.commissioner_kinds
            and self.orgs[record.lead_id].kind not in rule.commissioner_kinds
        ):
            return None
        if rule.service_categories and self._ancestors(record.service_category or "").isdisjoint(
            rule.service_categories
        ):
            return None
        wanted = self.provider_sets[rule.name]
        if wanted and (
            record.provider_id is None or not wanted & set(self.chain(record.provider_id))
        ):
            return None
        key: list[object] = [form_group]
        for part in rule.group_by:
            if part == "service_category":
                value: object = record.service_category
            elif part == "commissioner":
                value = record.lead_id
            elif record.provider_id is None:
                value = None
            elif part == "provider":
                value = self.provider_on_date(record.provider_id)
            else:  # provider_root
                value = self.chain(record.provider_id)[-1]
            if value is None:
                return None
            key.append(value)
        return tuple(key)

    def drafts(self, records: Iterable[RuleInput]) -> list[Draft]:
        """Every rule's proposals, in rule order then by ID, with overlaps flagged."""
        ordered = sorted(records, key=lambda r: r.uid)
        found: list[Draft] = []
        for rule in self.rules.rules:
            if not rule.enabled:
                continue
            groups: dict[tuple[object, ...], list[RuleInput]] = defaultdict(list)
            for record in ordered:
                key = self.group_key(rule, record)
                if key is not None:
                    groups[key].append(record)
            rule_drafts = [
                draft
                for members in groups.values()
                if (draft := self._draft(rule, members)) is not None
            ]
            found.extend(sorted(rule_drafts, key=lambda d: d.id))
        _flag_overlaps(found)
        return found

    def _draft(self, rule: Rule, members: list[RuleInput]) -> Draft | None:
        if len(members) < rule.min_contracts:
            return None
        commissioners = {m.lead_id for m in members} | {a for m in members for a in m.associate_ids}
        if len(commissioners) < rule.min_commissioners:
            return None
        kinds = {self.orgs[c].kind for c in commissioners}
        if not set(rule.must_include_kinds) <= kinds:
            return None
        known = [m.annual_value for m in members if m.annual_value is not None]
        total = sum(known, Decimal("0.00")) if known else None
        if rule.min_value > 0 and (total is None or total < rule.min_value):
            return None
        lead_id, lead_reason = self._lead(rule, members, commissioners, total)
        others = sorted(commissioners - {lead_id}, key=lambda c: (self.orgs[c].name, c))
        providers = {self.provider_on_date(m.provider_id) for m in members if m.provider_id}
        roots = {self.chain(p)[-1] for p in providers}
        provider_id = next(iter(providers)) if len(providers) == 1 else None
        if provider_id is None and len(roots) == 1 and all(m.provider_id for m in members):
            provider_id = next(iter(roots))
        ends = [m.end_date for m in members if m.end_date is not None]
        latest_end = max(ends) if ends else None
        draft = Draft(
            id=proposal_id(rule.name, (m.uid for m in members)),
            rule=rule,
            members=members,
            provider_id=provider_id,
            lead_id=lead_id,
            commissioner_ids=[lead_id, *others],
            title="",
            annual_value=total,
            unknown_values=len(members) - len(known),
            earliest_start=latest_end + dt.timedelta(days=1) if latest_end else None,
            members_hash=members_hash(
                (m.uid, m.annual_value, m.start_date, m.end_date) for m in members
            ),
        )
        draft.title = self._title(rule, draft, providers)
        draft.reasons = self._reasons(rule, draft, providers, lead_reason)
        draft.flags = self._flags(rule, draft, latest_end)
        return draft

    def _lead(
        self,
        rule: Rule,
        members: list[RuleInput],
        commissioners: set[int],
        total: Decimal | None,
    ) -> tuple[int, str]:
        chosen = self.leads.get(rule.name)
        if chosen is not None and chosen in commissioners:
            return chosen, f"{self.orgs[chosen].name} leads, as the rule '{rule.name}' sets"
        shares: dict[int, Decimal] = defaultdict(Decimal)
        counts: dict[int, int] = defaultdict(int)
        for member in members:
            counts[member.lead_id] += 1
            if member.annual_value is not None:
                shares[member.lead_id] += member.annual_value
        lead = min(
            {m.lead_id for m in members},
            key=lambda c: (-shares[c], -counts[c], self.orgs[c].name, c),
        )
        name = self.orgs[lead].name
        if total:
            share = shares[lead]
            percent = (share * 100 / total).quantize(Decimal("1"))
            reason = (
                f"{name} leads: it holds the largest share of the value "
                f"({format_gbp(share)} of {format_gbp(total)}, {percent}%)"
            )
        else:
            reason = f"{name} leads: it holds the most contracts (no values are known)"
        if chosen is not None:
            reason += f"; the rule's lead {self.orgs[chosen].name} is not party to these contracts"
        return lead, reason

    def _services(self, members: list[RuleInput]) -> str:
        categories = sorted(
            {m.service_category for m in members if m.service_category}, key=_category_order
        )
        return _and([_DISPLAY.get(c, c) for c in categories]) if categories else "various"

    def _commissioners_phrase(self, commissioner_ids: list[int]) -> str:
        if len(commissioner_ids) == 1:
            return short_name(self.orgs[commissioner_ids[0]])
        by_kind: dict[str, list[int]] = defaultdict(list)
        for c in commissioner_ids:
            by_kind[self.orgs[c].kind].append(c)
        parts = []
        for kind, plural in (("CCG", "CCGs"), ("local authority", "councils")):
            ids = by_kind.pop(kind, [])
            if len(ids) == 1:
                parts.append(short_name(self.orgs[ids[0]]))
            elif ids:
                parts.append(f"{len(ids)} {plural}")
        rest = sum(len(ids) for ids in by_kind.values())
        if rest:
            parts.append(f"{rest} other commissioner{'s' if rest > 1 else ''}")
        return _and(parts)

    def _title(self, rule: Rule, draft: Draft, providers: set[int]) -> str:
        if draft.provider_id is not None:
            provider = short_name(self.orgs[draft.provider_id])
        else:
            provider = _and(sorted(short_name(self.orgs[p]) for p in providers)) or "various"
        title = rule.title.format(
            services=self._services(draft.members),
            provider=provider,
            commissioners=self._commissioners_phrase(draft.commissioner_ids),
            lead=short_name(self.orgs[draft.lead_id]),
            count=len(draft.members),
        )
        return title[:1].upper() + title[1:]

    def _reasons(
        self, rule: Rule, draft: Draft, providers: set[int], lead_reason: str
    ) -> list[str]:
        names = [self.orgs[p].name for p in sorted(providers, key=lambda p: self.orgs[p].name)]
        reasons = []
        if len(names) == 1:
            reasons.append(f"same provider: {names[0]}")
        elif names:
            successor = self.orgs[draft.provider_id].name if draft.provider_id else None
            reasons.append(
                f"providers {_and(names)}"
                + (f"; one organisation since their merger: {successor}" if successor else "")
            )
        categories = sorted(
            {m.service_category or "unknown" for m in draft.members}, key=_category_order
        )
        word = "same service" if len(categories) == 1 else "services"
        reasons.append(f"{word}: {_and([_DISPLAY.get(c, c) for c in categories])}")
        lead = self.orgs[draft.lead_id].name
        others = [self.orgs[c].name for c in draft.commissioner_ids[1:]]
        if others:
            reasons.append(f"commissioners: {lead} (lead), {', '.join(others)}")
        reasons.append(
            f"all {len(draft.members)} contracts in force on {self.as_at.isoformat()} "
            f"and led by commissioners in {self.footprint}"
        )
        forms = sorted({m.contract_form or "" for m in draft.members})
        reasons.append(f"contract forms that can be merged: {_and(forms)}")
        for member in draft.members:
            if member.form_inferred:
                reasons.append(
                    f"contract form of {member.uid} inferred as {member.contract_form}: "
                    f"{member.form_inferred}"
                )
            if member.category_narrowed:
                reasons.append(f"service category of {member.uid}: {member.category_narrowed}")
        reasons.append(lead_reason)
        if rule.needs_partnership_agreement:
            reasons.append(
                f"{PARTNERSHIP_FLAG} with pooled budgets, rather than a contract variation"
            )
        elif others:
            reasons.append(
                f"by contract variation: {lead} as lead commissioner "
                f"with {len(others)} associate{'s' if len(others) > 1 else ''}"
            )
        else:
            reasons.append(
                f"by contract variation: one contract with a service schedule for each of "
                f"the {len(draft.members)} contracts"
            )
        if draft.earliest_start:
            reasons.append(
                f"one contract could start on {draft.earliest_start.isoformat()}, "
                "the day after the last member ends"
            )
        if draft.annual_value is not None:
            reasons.append(f"combined annual value {format_gbp(draft.annual_value)}")
        return reasons

    def _flags(self, rule: Rule, draft: Draft, latest_end: dt.date | None) -> list[str]:
        flags = []
        if rule.needs_partnership_agreement:
            flags.append(f"{PARTNERSHIP_FLAG}, not a contract variation")
        if draft.unknown_values:
            unknown = [m.uid for m in draft.members if m.annual_value is None]
            covered = (
                f"the combined value {format_gbp(draft.annual_value)} covers the other "
                f"{len(draft.members) - len(unknown)} only"
                if draft.annual_value is not None
                else "the combined value is unknown"
            )
            flags.append(
                f"annual value unknown for {len(unknown)} of {len(draft.members)} contracts "
                f"({', '.join(unknown)}): {covered}"
            )
        no_end = [m.uid for m in draft.members if m.end_date is None]
        if no_end:
            flags.append(
                f"end date unknown for {', '.join(no_end)}: check it before fixing the start date"
            )
        if latest_end is not None:
            cutoff = add_months(latest_end, -self.rules.extension_months)
            for member in draft.members:
                if member.end_date is not None and member.end_date <= cutoff:
                    months = _months_between(member.end_date, latest_end)
                    flags.append(
                        f"{member.uid} ends on {member.end_date.isoformat()}, {months} months "
                        f"before the last member: it needs an extension to "
                        f"{latest_end.isoformat()} to move to one contract with the others"
                    )
        for member in draft.members:
            if member.copies:
                flags.append(
                    f"{member.uid} is also recorded as {', '.join(member.copies)}: "
                    "the same contract, counted once"
                )
        return flags


def _flag_overlaps(drafts: list[Draft]) -> None:
    """Say so on both proposals where a contract is in proposals of two rules."""
    holders: dict[int, list[Draft]] = defaultdict(list)
    for draft in drafts:
        for member in draft.members:
            holders[member.id].append(draft)
    for draft in drafts:
        shared: dict[str, int] = defaultdict(int)
        others: dict[str, Draft] = {}
        for member in draft.members:
            holding = holders[member.id]
            if len(holding) == 1:  # only this draft: most contracts
                continue
            for other in holding:
                if other is not draft:
                    shared[other.id] += 1
                    others[other.id] = other
        for other_id in sorted(shared):
            count = shared[other_id]
            draft.flags.append(
                f"overlaps {other_id} ({others[other_id].rule.name}): {count} "
                f"contract{'s' if count > 1 else ''} in both; accept one of them, "
                "the summary counts each contract once"
            )
