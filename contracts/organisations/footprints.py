"""Footprints as data: which commissioners a set of proposals is for.

A footprint is a named list of organisations in a TOML file (the default,
mid and south Essex, ships in ``contracts/data/footprints.toml``), or an ICB
or STP named by code or name. Either way it becomes a set of organisation
IDs, and the rules only ask whether a contract's lead commissioner is in it,
so they work the same for any footprint in England.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from contracts.errors import ContractsError
from contracts.graphs import successor_chain

FOOTPRINTS_FILE = Path(__file__).parents[1] / "data" / "footprints.toml"
DEFAULT_FOOTPRINT = "mid and south Essex"
ALL_FOOTPRINTS = "all"
ICB_KIND = "ICB"
MAX_NAME_LENGTH = 200  # proposals record the footprint's name


class _Org(Protocol):
    # Read-only, so an ORM Organisation (kind an OrganisationKind) fits as well as a row.
    @property
    def id(self) -> int: ...
    @property
    def name(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def successor_id(self) -> int | None: ...
    @property
    def parent_id(self) -> int | None: ...


class _Index(Protocol):
    def resolve(self, text: str | None) -> _Org | None: ...


@dataclass(frozen=True)
class Footprint:
    """A footprint's name as proposals record it, and its commissioners (None: all)."""

    name: str
    members: frozenset[int] | None
    description: str = ""

    def __contains__(self, organisation_id: object) -> bool:
        return self.members is None or organisation_id in self.members


@dataclass(frozen=True)
class FootprintList:
    """One named list of a footprints file, as written."""

    name: str
    members: tuple[str, ...]
    description: str
    path: Path


def read_footprints(path: Path) -> dict[str, FootprintList]:
    """The named lists of a footprints TOML file, by lower-case name."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ContractsError(f"footprint file {path} does not exist") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ContractsError(f"footprint file {path} is not valid TOML: {error}") from None
    table = data.get("footprints")
    if not isinstance(table, dict) or not table:
        raise ContractsError(f'footprint file {path} has no [footprints."NAME"] table')
    found = {}
    for name, entry in table.items():
        members = entry.get("members") if isinstance(entry, dict) else None
        if (
            not isinstance(members, list)
            or not members
            or not all(isinstance(m, str) and m.strip() for m in members)
        ):
            raise ContractsError(
                f"footprint '{name}' in {path} needs members = [\"code or name\", …]"
            )
        description = str(entry.get("description", ""))
        if len(name) > MAX_NAME_LENGTH:
            raise ContractsError(
                f"footprint name '{name[:40]}…' in {path} is longer than "
                f"{MAX_NAME_LENGTH} characters"
            )
        found[name.strip().lower()] = FootprintList(name, tuple(members), description, path)
    return found


def resolve_footprint(
    text: str,
    organisations: Iterable[_Org],
    index: _Index,
    *,
    default_file: Path = FOOTPRINTS_FILE,
) -> Footprint:
    """The footprint ``text`` names: "all", a listed name, FILE.toml[:NAME], or an ICB/STP."""
    text = text.strip()
    if text.lower() == ALL_FOOTPRINTS:
        return Footprint(ALL_FOOTPRINTS, None, "every commissioner")
    orgs = list(organisations)
    path_text, toml, name = text.partition(".toml")
    if toml and (name == "" or name.startswith(":")):
        lists = read_footprints(Path(path_text + ".toml"))
        wanted = name[1:].strip().lower()
        if not wanted and len(lists) == 1:
            return _from_list(next(iter(lists.values())), orgs, index)
        if wanted in lists:
            return _from_list(lists[wanted], orgs, index)
        names = ", ".join(f"'{f.name}'" for f in lists.values())
        raise ContractsError(f"name one footprint of {path_text}.toml with ':NAME' ({names})")
    lists = read_footprints(default_file)
    if text.lower() in lists:
        return _from_list(lists[text.lower()], orgs, index)
    found = index.resolve(text)
    if found is None or found.kind != ICB_KIND:  # "Norfolk and Waveney": its ICB's short name
        found = index.resolve(f"{text} ICB") or found
    if found is not None and found.kind == ICB_KIND:
        name = found.name.replace("Integrated Care Board", "ICB")
        return Footprint(name, _expand([found.id], orgs), f"{found.name} and its CCGs")
    named = ", ".join(f"'{f.name}'" for f in lists.values())
    what = f": it names {found.name}, a {found.kind}, not an ICB or STP" if found else ""
    raise ContractsError(
        f"'{text}' is not a footprint{what}; use an ICB or STP by code or name (e.g. QH8, "
        f"'Norfolk and Waveney'), {named}, 'all', or a TOML file of your own (FILE.toml or "
        "FILE.toml:NAME)"
    )


def _from_list(listed: FootprintList, orgs: list[_Org], index: _Index) -> Footprint:
    ids = []
    for member in listed.members:
        found = index.resolve(member)
        if found is None:
            raise ContractsError(
                f"footprint '{listed.name}' in {listed.path}: no organisation is called or "
                f"coded '{member}'"
            )
        ids.append(found.id)
    return Footprint(listed.name, _expand(ids, orgs), listed.description)


def _expand(ids: list[int], orgs: list[_Org]) -> frozenset[int]:
    """The members, the CCGs of member ICBs, and every predecessor of either."""
    members = set(ids)
    icbs = {o.id for o in orgs if o.id in members and o.kind == ICB_KIND}
    members |= {o.id for o in orgs if o.parent_id in icbs}
    by_id = {o.id: o for o in orgs}
    for org in orgs:
        chain = successor_chain(org.id, lambda known: by_id[known].successor_id)
        # A body whose successor is a member was a member before it closed.
        joins = next((n for n, later in enumerate(chain) if n and later in members), None)
        if joins is not None:
            members.update(chain[:joins])
    return frozenset(members)
