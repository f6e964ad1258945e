"""`contracts sources`: the registers imported, one with its imports, and retiring one."""

from __future__ import annotations

import re
from functools import partial
from pathlib import Path

from click.testing import CliRunner

from cli import main
from contracts.proposals.summary import summarise_register
from contracts.store import db
from tests.registers import import_register, invoke, json_of, row

MID_ESSEX = [
    row("MSE-1", "Community nursing", "Provide CIC", "£1,200,000", end="31/03/2019"),
    row("MSE-2", "Community physiotherapy", "Provide CIC", "£300,000", end="31/03/2019"),
]
southend_row = partial(row, commissioner="Southend CCG")
SOUTHEND = [
    southend_row(
        "SCCG-7", "Community nursing service", "Provide CIC", "£1,200,000", end="31/03/2019"
    ),
    southend_row("SCCG-8", "Wheelchair service", "Acme Wheels Ltd", "£250,000"),
    # Mid Essex's community nursing contract, recorded again here: a duplicate
    row("SCCG-9", "Community nursing", "Provide CIC", "£1,200,000", end="31/03/2019"),
]


def _two_registers(runner: CliRunner, url: str, tmp_path: Path) -> None:
    for name, rows in (("mid-essex", MID_ESSEX), ("southend", SOUTHEND)):
        import_register(runner, url, tmp_path / f"{name}.xlsx", rows)


def test_sources_list_and_show(runner: CliRunner, database_url: str, tmp_path: Path) -> None:
    _two_registers(runner, database_url, tmp_path)
    listed = json_of(runner, database_url, "sources", "list")
    assert [(s["source"], s["status"], s["contracts"], s["imports"]) for s in listed] == [
        ("mid-essex", "active", 2, 1),
        ("southend", "active", 3, 1),
    ]
    assert listed[0]["last_file"] == "mid-essex.xlsx"
    table = invoke(runner, database_url, "sources")
    assert table.exit_code == 0 and "2 sources" in table.output and "southend" in table.output
    csv = invoke(runner, database_url, "sources", "list", "--format", "csv")
    assert (
        csv.output.splitlines()[0] == "source,status,contracts,not_in_register,imports,last_import"
    )
    assert csv.output.splitlines()[1].startswith("mid-essex,active,2,0,1,")

    shown = json_of(runner, database_url, "sources", "show", "southend")
    assert shown["contracts"] == 3
    (batch,) = shown["imports"]
    assert (batch["file"], batch["outcome"], batch["created"]) == ("southend.xlsx", "imported", 3)
    text = invoke(runner, database_url, "sources", "show", "southend")
    assert "Source southend" in text.output and "Imports" in text.output

    unknown = invoke(runner, database_url, "sources", "show", "south-end")
    assert unknown.exit_code == 1
    assert "no source 'south-end'; did you mean 'southend'?" in unknown.stderr


def test_a_retired_register_leaves_the_register_and_stays_in_history(
    runner: CliRunner, database_url: str, tmp_path: Path
) -> None:
    _two_registers(runner, database_url, tmp_path)
    copies = json_of(runner, database_url, "duplicates")
    assert [sorted(c["source"] for c in d["contracts"]) for d in copies] == [
        ["mid-essex", "southend"]
    ]
    before = json_of(runner, database_url, "propose", "--on", "2017-01-01")
    assert any(
        {c["source"] for c in p["contracts"]} == {"mid-essex"} for p in before["proposals"]
    ), before
    refused = invoke(runner, database_url, "sources", "retire", "mid-essex", stdin="n\n")
    assert refused.exit_code == 1 and "2 contract(s) in the register" in refused.output
    assert len(json_of(runner, database_url, "list")) == 5  # nothing changed

    retired = invoke(runner, database_url, "sources", "retire", "mid-essex", stdin="y\n")
    assert retired.exit_code == 0, retired.output
    assert "retired 'mid-essex': 2 contract(s) left the register" in retired.output

    listed = json_of(runner, database_url, "list")
    assert {c["source"] for c in listed} == {"southend"}
    engine = db.open_database(database_url)
    with db.session_factory(engine)() as session:
        assert summarise_register(session).total.contracts == 3  # what `summary` counts
    engine.dispose()
    sources = {s["source"]: s for s in json_of(runner, database_url, "sources", "list")}
    assert sources["mid-essex"]["status"] == "retired"
    assert (sources["mid-essex"]["contracts"], sources["mid-essex"]["not_in_register"]) == (0, 2)
    after = json_of(runner, database_url, "propose", "--on", "2017-01-01")
    assert all(c["source"] == "southend" for p in after["proposals"] for c in p["contracts"])
    assert json_of(runner, database_url, "duplicates") == []

    card = json_of(runner, database_url, "show", "MSE-1")
    assert card["in_register"] is False
    assert card["retired"].startswith("register 'mid-essex' retired on ")
    assert card["history"][-1]["changes"] == {
        "in_register": [True, False],
        "retired": [False, True],
    }
    assert "retired" in invoke(runner, database_url, "show", "MSE-1").output

    again = invoke(runner, database_url, "sources", "retire", "mid-essex", "--yes")
    assert again.exit_code == 1 and "already retired" in again.stderr
    reimport = invoke(runner, database_url, "import", str(tmp_path / "mid-essex.xlsx"))
    assert reimport.exit_code == 1
    assert "source 'mid-essex' was retired on" in reimport.stderr
    assert "--source NAME" in reimport.stderr


def test_sources_table_keeps_long_names_whole_at_80_columns(
    runner: CliRunner, database_url: str, tmp_path: Path
) -> None:
    name = "basildon-and-brentwood-ccg-contracts-register-2016"
    import_register(runner, database_url, tmp_path / f"{name}.xlsx", MID_ESSEX)
    for args in (("sources",), ("sources", "show", name)):
        result = runner.invoke(
            main, ["--database", database_url, *args], terminal_width=80, env={"COLUMNS": "80"}
        )
        assert result.exit_code == 0, result.output
        assert name in result.output or f"{name}.xlsx" in result.output
        assert all(len(line) <= 80 for line in result.output.splitlines())
    listed = runner.invoke(
        main, ["--database", database_url, "sources", "list", "--wide"], terminal_width=80
    )
    assert name in listed.output  # the identifier itself, never cut with "…"
    assert re.search(r"\d\d/\d\d/\d{4} \d\d:\d\d", listed.output)  # as people read a date
