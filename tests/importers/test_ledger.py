"""The key ledger answers the same whether it holds its entries in memory or on disk."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from importers.ledger import KeyLedger

_KEYS = st.text(alphabet="ABab1/ ", min_size=1, max_size=4)
_CALLS = st.lists(
    st.one_of(
        st.tuples(st.just("key"), _KEYS),
        st.tuples(st.just("ref"), st.sampled_from(["Sheet1", "Sheet2"]), _KEYS, _KEYS),
    ),
    max_size=60,
)


def _answers(ledger: KeyLedger, calls: list[tuple[str, ...]]) -> list[object]:
    answers: list[object] = []
    for number, call in enumerate(calls, start=2):
        if call[0] == "key":
            answers.append(ledger.first_seen(call[1], f"Sheet1!row {number}"))
        else:
            answers.append(ledger.first_supplier(call[1], call[2], call[3], number))
    answers.append(sorted(ledger.keys()))
    ledger.close()
    return answers


def _expected(calls: list[tuple[str, ...]]) -> list[object]:
    """What remembering every first sighting means, written out plainly."""
    keys: dict[str, str] = {}
    refs: dict[tuple[str, str], tuple[str, int]] = {}
    answers: list[object] = []
    for number, call in enumerate(calls, start=2):
        if call[0] == "key":
            answers.append(keys.get(call[1]))
            keys.setdefault(call[1], f"Sheet1!row {number}")
        else:
            answers.append(refs.get((call[1], call[2])))
            refs.setdefault((call[1], call[2]), (call[3], number))
    answers.append(sorted(keys))
    return answers


@given(_CALLS, st.integers(min_value=0, max_value=8))
def test_memory_and_disk_give_the_same_answers(calls: list[tuple[str, ...]], limit: int) -> None:
    assert _answers(KeyLedger(in_memory=limit), calls) == _expected(calls)
    assert _answers(KeyLedger(), calls) == _expected(calls)


def test_a_ledger_past_its_limit_moves_to_disk_and_keeps_what_it_knew() -> None:
    ledger = KeyLedger(in_memory=3)
    for number in range(3):
        assert ledger.first_seen(f"R{number}", f"row {number}") is None
    assert not ledger.on_disk
    assert ledger.first_supplier("Sheet1", "R9", "acme", 9) is None
    assert ledger.on_disk
    assert ledger.first_seen("R1", "row 99") == "row 1"
    assert ledger.first_supplier("Sheet1", "R9", "other", 12) == ("acme", 9)
    assert sorted(ledger.keys()) == ["R0", "R1", "R2"]
    ledger.close()
