"""Money and date parsing: exact, never a float, never an exception (a Problem instead)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from contracts.store.money import format_gbp
from importers.values import (
    DAY_FIRST,
    MONTH_FIRST,
    Problem,
    annual_from_total,
    is_placeholder,
    numeric_order_evidence,
    parse_date,
    parse_money,
)

amounts = st.decimals(
    min_value=Decimal("-999999999999.99"),
    max_value=Decimal("999999999999.99"),
    places=2,
    allow_nan=False,
    allow_infinity=False,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (1234567, Decimal("1234567.00")),
        (1234.5, Decimal("1234.50")),
        (0.1, Decimal("0.10")),
        ("£1,234,567.89", Decimal("1234567.89")),
        ("1,234,567", Decimal("1234567.00")),
        ("1.2m", Decimal("1200000.00")),
        ("£250k", Decimal("250000.00")),
        ("(1,000)", Decimal("-1000.00")),
        ("  £ 12 500 ", Decimal("12500.00")),
        ("-£99.999", Decimal("-100.00")),
        ("GBP 10", Decimal("10.00")),
        (Decimal("2.005"), Decimal("2.01")),
    ],
)
def test_money_shapes(raw: object, expected: Decimal) -> None:
    assert parse_money(raw) == expected


@pytest.mark.parametrize("raw", [None, "", "TBC", "n/a", "-", " tba "])
def test_unknown_money_stays_unknown_not_zero(raw: object) -> None:
    assert parse_money(raw) is None


@pytest.mark.parametrize("raw", ["abc", "1,2,3", "£", "12.3.4", True, float("nan"), "1e400"])
def test_bad_money_is_a_problem(raw: object) -> None:
    result = parse_money(raw)
    assert isinstance(result, Problem)
    assert result.code == "bad-money"


def test_money_in_thousands_header_is_multiplied() -> None:
    assert parse_money("1.5", Decimal(1000)) == Decimal("1500.00")


@settings(max_examples=300)
@given(amounts)
def test_money_round_trips_what_it_formats(amount: Decimal) -> None:
    parsed = parse_money(format_gbp(amount))
    assert parsed == amount
    assert isinstance(parsed, Decimal)


@settings(max_examples=300)
@given(
    st.one_of(
        st.text(),
        st.floats(),
        st.integers(),
        st.decimals(),
        st.dates(),
        st.booleans(),
        st.none(),
    )
)
def test_money_never_raises_or_returns_a_float(raw: object) -> None:
    result = parse_money(raw)
    assert result is None or isinstance(result, Decimal | Problem)
    if isinstance(result, Decimal):
        assert result == result.quantize(Decimal("0.01"))


@pytest.mark.parametrize(
    "raw",
    [
        dt.datetime(2016, 4, 1),
        dt.date(2016, 4, 1),
        42461,
        42461.0,
        "42461",
        "01/04/2016",
        "1/4/16",
        "1 April 2016",
        "1-Apr-2016",
        "2016-04-01",
        "2016-04-01 00:00:00",
        "1st Apr 2016",
        "01.04.2016",
    ],
)
def test_date_shapes(raw: object) -> None:
    assert parse_date(raw) == dt.date(2016, 4, 1)


def test_month_first_reading() -> None:
    assert parse_date("4/30/2020", MONTH_FIRST) == dt.date(2020, 4, 30)
    assert parse_date("4/1/2020", MONTH_FIRST) == dt.date(2020, 4, 1)
    assert isinstance(parse_date("4/30/2020", DAY_FIRST), Problem)


def test_order_evidence() -> None:
    assert numeric_order_evidence("4/30/2020") == MONTH_FIRST
    assert numeric_order_evidence("30/4/2020") == DAY_FIRST
    assert numeric_order_evidence("1/4/2020") is None


@pytest.mark.parametrize("raw", [None, "", "TBC", "ongoing", "n/a"])
def test_unknown_dates(raw: object) -> None:
    assert parse_date(raw) is None


@pytest.mark.parametrize("raw", ["31/02/2016", "soon", 12, "2016", True, "13/13/2013"])
def test_bad_dates_are_problems(raw: object) -> None:
    result = parse_date(raw)
    assert isinstance(result, Problem) and result.code == "bad-date"


@settings(max_examples=300)
@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2099, 12, 31)), st.booleans())
def test_date_round_trips_day_first_and_month_first(day: dt.date, month_first: bool) -> None:
    if month_first:
        text, order = f"{day.month}/{day.day}/{day.year}", MONTH_FIRST
    else:
        text, order = f"{day.day:02}/{day.month:02}/{day.year}", DAY_FIRST
    assert parse_date(text, order) == day
    assert parse_date(day.isoformat()) == day


@settings(max_examples=300)
@given(
    st.one_of(st.text(), st.floats(), st.integers(), st.decimals(), st.none(), st.booleans()),
    st.sampled_from([DAY_FIRST, MONTH_FIRST]),
)
def test_dates_never_raise(raw: object, order: str) -> None:
    result = parse_date(raw, order)
    assert result is None or isinstance(result, dt.date | Problem)


# --- other currencies, placeholders, a year's value from the whole -------------------


@pytest.mark.parametrize(
    ("raw", "currency"),
    [
        ("$1,000", "dollars"),
        ("US$ 2,500.00", "US dollars"),
        ("USD 1000", "US dollars"),
        ("1000 USD", "US dollars"),
        ("€500", "euros"),
        ("1.200,50 EUR", "euros"),
        ("250 euros", "euros"),
        ("CHF 90", "Swiss francs"),
    ],
)
def test_money_in_another_currency_is_refused(raw: str, currency: str) -> None:
    problem = parse_money(raw)
    assert isinstance(problem, Problem) and problem.code == "foreign-currency"
    assert f"is in {currency}" in problem.message


@given(amounts, st.sampled_from(["$", "€", "USD ", "EUR "]))
def test_no_amount_in_another_currency_reads_as_pounds(amount: Decimal, mark: str) -> None:
    problem = parse_money(f"{mark}{amount:,.2f}")
    assert isinstance(problem, Problem) and problem.code == "foreign-currency"


@pytest.mark.parametrize(
    "raw", ["01/01/1900", "1 January 1970", "2000-01-01", "31/12/2099", "31/12/9999"]
)
def test_placeholder_dates_are_recognised(raw: str) -> None:
    day = parse_date(raw)
    assert isinstance(day, dt.date) and is_placeholder(day)


def test_real_dates_are_not_placeholders() -> None:
    assert not is_placeholder(dt.date(2016, 4, 1))
    assert not is_placeholder(dt.date(2000, 4, 1))


@given(
    st.decimals(min_value=Decimal(0), max_value=Decimal("999999999.99"), places=2),
    st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2060, 12, 1)),
    st.integers(min_value=2, max_value=15),
)
def test_a_whole_number_of_years_shares_the_total_to_the_penny(
    total: Decimal, start: dt.date, years: int
) -> None:
    day = min(start.day, 28)
    start = start.replace(day=day)
    end = start.replace(year=start.year + years) - dt.timedelta(days=1)
    annual, months = annual_from_total(total, start, end)
    assert months == 12 * years
    assert annual == annual.quantize(Decimal("0.01"))
    assert abs(annual * years - total) <= Decimal("0.01") * years


@given(
    st.decimals(min_value=Decimal(0), max_value=Decimal("999999999.99"), places=2),
    st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2060, 12, 1)),
    st.integers(min_value=0, max_value=364),
)
def test_a_year_or_less_is_worth_its_total(total: Decimal, start: dt.date, days: int) -> None:
    annual, months = annual_from_total(total, start, start + dt.timedelta(days=days))
    assert months <= 12 and annual == total
