"""Footprints as data: the default, any ICB or STP by code or name, and lists of your own."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from contracts.errors import ContractsError
from contracts.organisations.footprints import Footprint, resolve_footprint
from contracts.organisations.index import OrganisationIndex
from contracts.proposals.shapes import proposal_json
from contracts.proposals.stored import propose
from tests.contracts.proposals.proposal_factory import AS_AT, Register, no_duplicates

MAPPING = (
    Path(__file__).parents[3]
    / ".."
    / "shared"
    / "data"
    / "real"
    / "organisations"
    / "ccg_to_ccg21_stp21_nhser21_mapping.csv"
)


def _footprint(session: Session, text: str) -> tuple[Footprint, set[str]]:
    index = OrganisationIndex.load(session)
    found = resolve_footprint(text, index.organisations, index)
    assert found.members is not None
    codes = {o.code or o.name for o in index.organisations if o.id in found.members}
    return found, codes


def test_the_default_is_the_five_ccgs_their_icb_and_three_councils(session: Session) -> None:
    footprint, codes = _footprint(session, "mid and south Essex")
    assert footprint.name == "mid and south Essex"
    assert codes == {
        "99E", "99F", "06Q", "99G", "07G", "QH8", "E10000012", "E06000033", "E06000034",
    }  # fmt: skip


@pytest.mark.parametrize("text", ["QH8", "NHS Mid and South Essex ICB", "E54000026"])
def test_an_icb_by_code_or_name_brings_its_ccgs(session: Session, text: str) -> None:
    footprint, codes = _footprint(session, text)
    assert footprint.name == "NHS Mid and South Essex ICB"
    assert codes == {"99E", "99F", "06Q", "99G", "07G", "QH8"}


@pytest.mark.skipif(not MAPPING.is_file(), reason=f"CCG mapping not at {MAPPING}")
def test_norfolk_and_waveney_by_its_stp_name_has_every_ccg_that_became_it(
    session: Session,
) -> None:
    with MAPPING.open(encoding="utf-8") as handle:
        expected = {r["CCG_UNMAPPED"] for r in csv.DictReader(handle) if r["STP21CDH"] == "QMM"}
    _, codes = _footprint(session, "Norfolk and Waveney")
    assert expected | {"QMM"} == codes
    assert {"06M", "06V", "06W", "06Y", "07J", "26A"} <= codes


def test_a_footprint_of_your_own_in_a_toml_file(session: Session, tmp_path: Path) -> None:
    path = tmp_path / "norfolk.toml"
    path.write_text(
        '[footprints."Norfolk"]\ndescription = "ICB and county"\n'
        'members = ["QMM", "Norfolk County Council"]\n'
        '[footprints."Norwich"]\nmembers = ["06W"]\n',
        encoding="utf-8",
    )
    footprint, codes = _footprint(session, f"{path}:Norfolk")
    assert footprint.name == "Norfolk"
    assert {"QMM", "26A", "E10000020"} <= codes
    with pytest.raises(ContractsError, match="name one footprint"):
        _footprint(session, str(path))
    path.write_text('[footprints.x]\nmembers = ["Nowhere Trust"]\n', encoding="utf-8")
    with pytest.raises(ContractsError, match="no organisation is called or coded 'Nowhere"):
        _footprint(session, str(path))
    path.write_text("[footprints\n", encoding="utf-8")
    with pytest.raises(ContractsError, match="not valid TOML"):
        _footprint(session, str(path))


def test_a_body_that_is_not_an_icb_is_not_a_footprint(session: Session) -> None:
    with pytest.raises(ContractsError, match="Kent County Council, a local authority, not an ICB"):
        _footprint(session, "Kent County Council")


def test_the_rules_work_the_same_for_another_footprint(session: Session) -> None:
    r = Register(session)
    for code in ("06W", "06V", "06Y"):  # three Norfolk CCGs buying one service
        r.add(code, "Norfolk Community Health and Care NHS Trust", "community")
    r.add("06Q", "Provide", "community")
    r.add("99E", "Provide", "community")
    norfolk = propose(session, footprint="QMM", on=AS_AT, representatives=no_duplicates)
    found = [proposal_json(p) for p in norfolk.proposals]
    (proposal,) = [p for p in found if p["rule"] == "one-provider-one-service"]
    assert len(proposal["contracts"]) == 3  # type: ignore[arg-type]
    assert proposal["footprint"] == "NHS Norfolk and Waveney ICB"
    essex = propose(session, on=AS_AT, representatives=no_duplicates)
    (mse,) = [p for p in essex.proposals if p.rule == "one-provider-one-service"]
    assert mse.footprint == "mid and south Essex"
