"""Choosing the plan: the proposals to carry out, no contract in two of them.

Overlapping proposals are alternatives (the three hospitals' acute contracts,
or one provider's acute services); a commissioning lead can sign only one of
each. Picking the set that removes the most contracts is weighted set
packing, NP-hard in general but easy here: the conflict graph (proposals
joined where they share a contract) falls apart into small connected
components, and each is solved exactly: a component of a few proposals (most
of them) by trying every conflict-free choice, one with too many choices for
that by OR-Tools' CP-SAT solver. Both work in integers, so money in pence is compared to the
penny with no floating-point tolerance, and both give the same plan.

The objective is lexicographic: most contracts removed (a proposal of n
contracts removes n − 1), then most annual value covered (known values, in
pence); ``Objective.VALUE`` swaps the two. Among plans equal on both, the
one holding the earliest proposal IDs wins, so the answer never depends on
the order the proposals came in or on the solver's search.

Pure Python over small records: :mod:`contracts.proposals.plan` loads them
from the store and works out each planned contract's go-live.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from contracts.errors import PlanConflict, PlanError
from contracts.proposals.members import overlap_groups
from contracts.store.models import ProposalStatus

if TYPE_CHECKING:
    from ortools.sat.python import cp_model


class Objective(StrEnum):
    """What the plan maximises first; the other breaks ties."""

    CONTRACTS = "contracts"
    VALUE = "value"


@dataclass(frozen=True)
class Option:
    """A proposal as the planner sees it.

    ``contracts`` are the contracts it would replace, each counted once (a
    duplicate's copies share one key); ``annual_value`` is the sum of the
    members' known annual values in pence.
    """

    id: str
    contracts: frozenset[int]
    annual_value: int
    status: str = ProposalStatus.CANDIDATE

    @property
    def removes(self) -> int:
        """Contracts it takes out of the register: n members become one."""
        return max(len(self.contracts) - 1, 0)


@dataclass(frozen=True)
class Packing:
    """The chosen proposals (in ID order), and why each other one was left out."""

    planned: tuple[str, ...]
    left_out: tuple[tuple[str, str], ...]  # (proposal ID, the planned one it conflicts with)
    contracts_removed: int
    annual_value: int  # pence


def choose(options: Iterable[Option], objective: Objective = Objective.CONTRACTS) -> Packing:
    """The best set of accepted and candidate proposals with no contract twice.

    Accepted proposals are always in it and rejected or deferred ones never;
    a candidate sharing a contract with an accepted one is left out. Raises
    :class:`PlanConflict` if two accepted proposals share a contract.
    """
    by_id: dict[str, Option] = {}
    for option in options:
        if option.id in by_id:
            raise ValueError(f"proposal {option.id} given twice")
        by_id[option.id] = option
    accepted = sorted(i for i, o in by_id.items() if o.status == ProposalStatus.ACCEPTED)
    candidates = sorted(i for i, o in by_id.items() if o.status == ProposalStatus.CANDIDATE)

    clashes = accepted_conflicts(by_id.values())
    if clashes:
        first, second, shared = clashes[0]
        raise PlanConflict(
            f"accepted proposals {first} and {second} share contract {min(shared)}, so both "
            "cannot be carried out; reject or defer one of them"
        )
    holder = {c: pid for pid in accepted for c in by_id[pid].contracts}

    planned = list(accepted)
    open_ids = [pid for pid in candidates if not (by_id[pid].contracts & holder.keys())]
    member_sets = {pid: set(by_id[pid].contracts) for pid in open_ids}
    for component in overlap_groups(member_sets):
        planned += _solve([by_id[pid] for pid in component], objective)

    planned.sort()
    chosen = [by_id[pid] for pid in planned]
    taken = {contract: o for o in chosen for contract in o.contracts}
    in_plan = set(planned)
    left_out = tuple(
        (pid, _conflicts_with(by_id[pid], taken)) for pid in candidates if pid not in in_plan
    )
    return Packing(
        planned=tuple(planned),
        left_out=left_out,
        contracts_removed=sum(o.removes for o in chosen),
        annual_value=sum(o.annual_value for o in chosen),
    )


def accepted_conflicts(options: Iterable[Option]) -> list[tuple[str, str, frozenset[int]]]:
    """Pairs of accepted proposals that share contracts (IDs in order), with what they share.

    No plan can carry out both of such a pair, so review refuses to accept them together.
    """
    holders: dict[int, list[str]] = defaultdict(list)
    accepted = {o.id: o for o in options if o.status == ProposalStatus.ACCEPTED}
    for pid in sorted(accepted):
        for contract in accepted[pid].contracts:
            holders[contract].append(pid)
    pairs = sorted(
        {(a, b) for ids in holders.values() for i, a in enumerate(ids) for b in ids[i + 1 :]}
    )
    return [(a, b, accepted[a].contracts & accepted[b].contracts) for a, b in pairs]


def _conflicts_with(option: Option, taken: dict[int, Option]) -> str:
    """The planned proposal sharing the most contracts with it (ties: earliest ID)."""
    shared: dict[str, int] = defaultdict(int)
    for contract in option.contracts:
        if contract in taken:
            shared[taken[contract].id] += 1
    if not shared:  # pragma: no cover - an optimal plan takes any proposal that fits
        raise AssertionError(f"{option.id} was left out of the plan without a conflict")
    return min(shared, key=lambda pid: (-shared[pid], pid))


# CP-SAT keeps integer coefficients but compares objective values as doubles,
# exact only below 2**53 (£90 trillion in pence): each level must stay under it.
EXACT_LIMIT = 2**53


def _weights(options: Sequence[Option], objective: Objective) -> list[list[int]]:
    """The objective's levels, most important first, as integer weights per proposal.

    Two levels fold into one weight (first × (Σ|second| + 1) + second) when
    the total stays exact: one solve, not two.
    """
    removes = [o.removes for o in options]
    # A negative value (a credit note) weighs nothing: taking a proposal that conflicts
    # with nothing then never makes a plan worse, so every one left out has a conflict.
    values = [max(o.annual_value, 0) for o in options]
    if sum(values) >= EXACT_LIMIT:
        raise PlanError(
            f"the proposals overlapping {options[0].id} cover more than "
            f"£{(EXACT_LIMIT - 1) / 100:,.2f} a year between them, more than the plan "
            "can compare to the penny; check their annual values"
        )
    first, second = (removes, values) if objective == Objective.CONTRACTS else (values, removes)
    scale = sum(abs(w) for w in second) + 1
    if (sum(abs(w) for w in first) + 1) * scale < EXACT_LIMIT:
        return [[a * scale + b for a, b in zip(first, second, strict=True)]]
    return [first, second]


# A component is solved by trying every conflict-free choice while that means at most
# this many steps (a few dozen for almost every component at 100,000 contracts); past
# it, CP-SAT solves it. Building a CP-SAT model, and loading OR-Tools at all, costs more
# than enumerating a small component.
ENUMERATE_STEPS = 2**16


class _TooManyChoices(Exception):
    """The component has more conflict-free choices than are worth trying one by one."""


def _solve(component: Sequence[Option], objective: Objective) -> list[str]:
    """The IDs of the best plan inside one connected component of the conflict graph."""
    if len(component) == 1:  # nothing to conflict with: a proposal always helps
        return [component[0].id]
    options = sorted(component, key=lambda o: o.id)
    try:
        return _enumerate(options, objective)
    except _TooManyChoices:
        return _solve_cp_sat(options, objective)


def _enumerate(
    options: Sequence[Option], objective: Objective, steps: int = ENUMERATE_STEPS
) -> list[str]:
    """The best plan by trying every conflict-free choice: CP-SAT's answer, tie-break included.

    ``options`` are in ID order. The search takes each proposal before leaving it out,
    so choices come in order of earliest IDs first; only a strictly better score
    replaces the best so far, so among equal plans the one with the earliest IDs stays.
    Raises :class:`_TooManyChoices` after ``steps`` steps.
    """
    weights = _folded(_weights(options, objective))
    clashes = [0] * len(options)
    for i, option in enumerate(options):
        for j in range(i + 1, len(options)):
            if not option.contracts.isdisjoint(options[j].contracts):
                clashes[i] |= 1 << j
                clashes[j] |= 1 << i
    end = len(options)
    best_score, best_taken, left = -1, 0, steps

    def search(index: int, taken: int, blocked: int, score: int) -> None:
        nonlocal best_score, best_taken, left
        left -= 1
        if left < 0:
            raise _TooManyChoices
        while index < end and blocked >> index & 1:
            index += 1  # conflicts with one taken: left out, no choice to make
        if index == end:
            if score > best_score:
                best_score, best_taken = score, taken
            return
        search(index + 1, taken | 1 << index, blocked | clashes[index], score + weights[index])
        search(index + 1, taken, blocked, score)

    search(0, 0, 0, 0)
    return [o.id for i, o in enumerate(options) if best_taken >> i & 1]


def _folded(levels: list[list[int]]) -> list[int]:
    """The levels as one weight per proposal, exact whatever its size (Python's integers)."""
    weights = levels[0]
    for level in levels[1:]:
        scale = sum(abs(w) for w in level) + 1
        weights = [a * scale + b for a, b in zip(weights, level, strict=True)]
    return weights


def _solve_cp_sat(options: Sequence[Option], objective: Objective) -> list[str]:
    """The best plan by OR-Tools' CP-SAT solver, for components too large to enumerate."""
    from ortools.sat.python import cp_model

    model = cp_model.CpModel()
    chosen = [model.new_bool_var(o.id) for o in options]
    holders: dict[int, list[cp_model.IntVar]] = defaultdict(list)
    for var, option in zip(chosen, options, strict=True):
        for contract in option.contracts:
            holders[contract].append(var)
    for contract in sorted(holders):
        if len(holders[contract]) > 1:
            model.add_at_most_one(holders[contract])

    solver = cp_model.CpSolver()
    # One worker searches the same way every time: the same model, the same answer.
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = 0
    # Presolve costs more than it saves on components of a few dozen proposals.
    solver.parameters.cp_model_presolve = False
    for weights in _weights(options, objective):
        score = cp_model.LinearExpr.weighted_sum(chosen, weights)
        model.maximize(score)
        _optimal(solver.solve(model), options)
        best = solver.value(score)
        _hint(model, chosen, [solver.boolean_value(v) for v in chosen])
        model.add(score == best)  # keep this level's optimum while improving the next
    model.clear_objective()
    picked = [solver.boolean_value(v) for v in chosen]
    return [
        o.id
        for o, take in zip(options, _earliest_ids(model, solver, chosen, picked), strict=True)
        if take
    ]


def _earliest_ids(
    model: cp_model.CpModel,
    solver: cp_model.CpSolver,
    chosen: list[cp_model.IntVar],
    picked: list[bool],
) -> list[bool]:
    """Among the optimal plans, the one taking the earliest proposal IDs.

    Walks the proposals in ID order, taking each if some optimal plan still
    can; most components have one optimal plan, found out with one solve.
    """
    from ortools.sat.python import cp_model

    other = model.new_bool_var("another optimal plan")
    model.add_bool_or(
        [var.Not() if take else var for var, take in zip(chosen, picked, strict=True)]
    ).only_enforce_if(other)
    model.add_assumptions([other])
    status = solver.solve(model)
    model.clear_assumptions()
    if status == cp_model.INFEASIBLE:
        return picked
    model.add(other == 0)
    picked = list(picked)
    for index, var in enumerate(chosen):
        if not picked[index]:
            model.add_assumptions([var])
            status = solver.solve(model)
            model.clear_assumptions()
            if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                picked = [solver.boolean_value(v) for v in chosen]
            elif status != cp_model.INFEASIBLE:  # pragma: no cover - no time limit is set
                raise RuntimeError(f"the plan solver stopped with {solver.status_name(status)}")
        model.add(var == int(picked[index]))
    return picked


def _optimal(status: cp_model.CpSolverStatus, options: Sequence[Option]) -> None:
    from ortools.sat.python import cp_model

    if status != cp_model.OPTIMAL:  # pragma: no cover - packing always has a feasible plan
        names = ", ".join(o.id for o in options[:3])
        raise RuntimeError(f"the plan solver found no optimum for {names}…")


def _hint(model: cp_model.CpModel, chosen: list[cp_model.IntVar], values: list[bool]) -> None:
    model.clear_hints()
    for var, value in zip(chosen, values, strict=True):
        model.add_hint(var, value)
