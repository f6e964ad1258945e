"""Money is exact: Decimal in, the same Decimal out, on SQLite and PostgreSQL."""

from __future__ import annotations

from decimal import Decimal
from uuid import uuid4

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from contracts.store.models import Contract
from contracts.store.money import format_gbp, from_pence, money_json, to_pence

# Up to £99 billion and down to the penny: beyond what a float keeps exactly.
amounts = st.decimals(
    min_value=Decimal("-99999999999.99"),
    max_value=Decimal("99999999999.99"),
    places=2,
    allow_nan=False,
    allow_infinity=False,
)


@given(amounts)
def test_pence_round_trip(amount: Decimal) -> None:
    assert from_pence(to_pence(amount)) == amount


def test_float_is_refused() -> None:
    with pytest.raises(TypeError, match="Decimal"):
        to_pence(1234.5)  # type: ignore[arg-type]


def test_fraction_of_a_penny_is_refused() -> None:
    with pytest.raises(ValueError, match="penny"):
        to_pence(Decimal("0.001"))


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        (Decimal("1234567.89"), "£1,234,567.89"),
        (Decimal("-1000"), "-£1,000.00"),
        (None, "unknown"),
    ],
)
def test_format_gbp(amount: Decimal | None, text: str) -> None:
    assert format_gbp(amount) == text


def test_money_json_has_two_places() -> None:
    assert money_json(Decimal("1234567")) == "1234567.00"
    assert money_json(None) is None


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(amount=amounts)
def test_database_round_trip_is_exact(sessions, amount: Decimal) -> None:  # type: ignore[no-untyped-def]
    # One database serves every example, and hypothesis may draw an amount twice:
    # each row gets a key of its own, or the second draw breaks (source, source_key).
    with sessions.begin() as session:
        contract = Contract(source="money", source_key=uuid4().hex, title="t", annual_value=amount)
        session.add(contract)
        session.flush()
        contract_id = contract.id
    with sessions() as session:
        stored = session.scalar(select(Contract.annual_value).where(Contract.id == contract_id))
    assert stored == amount
    assert isinstance(stored, Decimal)
