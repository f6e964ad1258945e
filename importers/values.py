"""Cell values → money, dates and text, or a :class:`Problem` (never an exception).

Registers write money as numbers with any format, "£1,234.50", "1.2m",
"(1,000)" or "TBC", and dates as real dates, Excel serials or text in
either day or month order. Each parser returns the value, ``None`` for a
cell that says "unknown", or a :class:`Problem` that becomes a finding.
Money never passes through a float: a float cell is read from its shortest
repr, so 0.1 is 0.10, not 0.1000000000000000055….
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from contracts.findings import FindingCode, codes
from contracts.findings.model import cell_text
from contracts.store.money import PENNY


@dataclass(frozen=True)
class Problem:
    """Why a cell could not be read: a finding's kind and wording, without its place."""

    kind: FindingCode
    variant: str | None = None
    params: Mapping[str, Any] = field(default_factory=dict)

    @property
    def code(self) -> str:
        return self.kind.code

    @property
    def message(self) -> str:
        return self.kind.message(self.variant, **self.params)


def _problem(kind: FindingCode, variant: str | None = None, **params: Any) -> Problem:
    return Problem(kind, variant, params)


# Cells that mean "not known": kept as unknown, never as zero.
UNKNOWN_WORDS = frozenset(
    {"", "-", "–", "—", "tbc", "tba", "tbd", "n/a", "na", "n.a.", "unknown", "?", "not known"}
)
# No register holds a contract worth a trillion pounds; beyond it is a typing slip.
MONEY_LIMIT = Decimal(10) ** 12

_SPACES = re.compile(r"[\s\u00a0\u202f]+")
_PLAIN_NUMBER = re.compile(r"^(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$|^\.\d+$")
_SCALES = {
    "k": Decimal(1000),
    "m": Decimal(1_000_000),
    "mn": Decimal(1_000_000),
    "million": Decimal(1_000_000),
    "bn": Decimal(1_000_000_000),
}
_SCALED = re.compile(r"^(?P<number>.*?)(?P<scale>k|mn|m|million|bn)$")


def _is_unknown(text: str) -> bool:
    return text.strip().lower() in UNKNOWN_WORDS


def _finish_money(amount: Decimal, raw: object) -> Decimal | Problem:
    if not amount.is_finite():
        return _problem(codes.BAD_MONEY, "repr", raw=raw)
    # The limit applies to the value as written: 999,999,999,999.995 would round up to
    # the limit itself, so anything above the largest storable amount is refused.
    if abs(amount) > MONEY_LIMIT - PENNY:
        return _problem(codes.BAD_MONEY, "too-large", raw=cell_text(raw))
    return amount.quantize(PENNY, rounding=ROUND_HALF_UP)


def parse_money(raw: object, multiplier: Decimal = Decimal(1)) -> Decimal | Problem | None:
    """An exact amount in pounds rounded once to the penny, None if unknown, or a Problem."""
    if raw is None:
        return None
    if isinstance(raw, bool | dt.date | dt.time | dt.timedelta):
        return _problem(codes.BAD_MONEY, "plain", raw=cell_text(raw))
    if isinstance(raw, int):
        return _finish_money(Decimal(raw) * multiplier, raw)
    if isinstance(raw, float):
        if not math.isfinite(raw):
            return _problem(codes.BAD_MONEY, "plain", raw=raw)
        return _finish_money(Decimal(repr(raw)) * multiplier, raw)
    if isinstance(raw, Decimal):
        if not raw.is_finite():
            return _problem(codes.BAD_MONEY, "plain", raw=raw)
        return _finish_money(raw * multiplier, raw)
    return _parse_money_text(str(raw), multiplier)


# Money in another currency: refused per cell, never read as pounds.
_CURRENCIES = (
    ("us$", "US dollars"),
    ("usd", "US dollars"),
    ("$", "dollars"),
    ("€", "euros"),
    ("eur", "euros"),
    ("euros", "euros"),
    ("euro", "euros"),
    ("dollars", "dollars"),
    ("¥", "yen"),
    ("jpy", "yen"),
    ("chf", "Swiss francs"),
    ("aud", "Australian dollars"),
    ("cad", "Canadian dollars"),
    ("sek", "Swedish kronor"),
    ("nok", "Norwegian kroner"),
    ("dkk", "Danish kroner"),
    ("pln", "Polish złoty"),
)
_AMOUNT = re.compile(r"[\d.,()\-]+")


def foreign_currency(text: str) -> str | None:
    """The currency named in a money cell that is not pounds ("$1,000", "1000 EUR")."""
    squeezed = _SPACES.sub("", text).lower()
    rest = _AMOUNT.sub(" ", squeezed).split()
    for word in rest:
        for mark, name in _CURRENCIES:
            if word == mark or (mark in "$€¥" and mark in word):
                return name
    return None


# Registers repeat the same few spellings of money and dates on thousands of rows: each is
# parsed once (the results are immutable).
_REPEATED_SPELLINGS = 1 << 14


@functools.lru_cache(maxsize=_REPEATED_SPELLINGS)
def _parse_money_text(raw: str, multiplier: Decimal) -> Decimal | Problem | None:
    if _is_unknown(raw):
        return None
    currency = foreign_currency(raw)
    if currency is not None:
        return _problem(codes.FOREIGN_CURRENCY, raw=raw, currency=currency)
    text = _SPACES.sub("", raw).lower()
    negative = False
    if text.startswith("(") and text.endswith(")"):
        negative, text = True, text[1:-1]
    if text.startswith("-"):
        negative, text = not negative, text[1:]
    elif text.endswith("-"):
        negative, text = not negative, text[:-1]
    text = text.removeprefix("gbp").removesuffix("gbp").removeprefix("£")
    if text.startswith("-"):  # "£-1,000"
        negative, text = not negative, text[1:]
    scale = Decimal(1)
    scaled = _SCALED.match(text)
    if scaled and scaled["number"]:
        scale, text = _SCALES[scaled["scale"]], scaled["number"].removeprefix("£")
    if not _PLAIN_NUMBER.match(text):
        return _problem(codes.BAD_MONEY, raw=raw)
    try:
        amount = Decimal(text.replace(",", "")) * scale * multiplier
    except InvalidOperation:
        return _problem(codes.BAD_MONEY, "quoted", raw=raw)
    return _finish_money(-amount if negative else amount, raw)


# --- dates -------------------------------------------------------------------

DAY_FIRST = "day-first"
MONTH_FIRST = "month-first"
# Excel serials between 1 Jan 1980 and 31 Dec 2099: outside, a number is not a date.
_SERIAL_MIN, _SERIAL_MAX = 29221, 73050
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_EXCEL_LEAP_BUG_END = dt.date(1900, 3, 1)  # serial 60 is Excel's 29/02/1900, a day never was
_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
_NUMERIC = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_NAMED = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?[\s\-/.]*([a-z]+)[\s\-/.,]*(\d{2}|\d{4})$")
_NAMED_MONTH_FIRST = re.compile(r"^([a-z]+)[\s\-/.]*(\d{1,2})(?:st|nd|rd|th)?[\s,]+(\d{4})$")
_TEXT_TIME = re.compile(r"\s+\d{1,2}:\d{2}(?::\d{2})?$")
UNKNOWN_DATE_WORDS = UNKNOWN_WORDS | {"ongoing", "rolling", "open ended", "none"}


# Dates systems write when the real date is not known: stored as unknown, and said so.
PLACEHOLDER_DATES = frozenset(
    {
        dt.date(1899, 12, 30),
        dt.date(1899, 12, 31),
        dt.date(1900, 1, 1),
        dt.date(1901, 1, 1),
        dt.date(1970, 1, 1),
        dt.date(2000, 1, 1),
        dt.date(2099, 12, 31),
        dt.date(2100, 1, 1),
        dt.date(2999, 12, 31),
        dt.date(3000, 1, 1),
        dt.date(9999, 12, 31),
    }
)


def is_placeholder(day: dt.date) -> bool:
    """A date that stands for "not known" (01/01/1900, 01/01/1970, 31/12/2099, …)."""
    return day in PLACEHOLDER_DATES


def _year(text: str) -> int:
    year = int(text)
    if len(text) == 2:
        return 2000 + year if year < 70 else 1900 + year
    return year


def _make_date(year: int, month: int, day: int, raw: object) -> dt.date | Problem:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return _problem(codes.BAD_DATE, "not-real", raw=raw)


def _from_serial(number: float, raw: object) -> dt.date | Problem:
    if not _SERIAL_MIN <= number <= _SERIAL_MAX:
        return _problem(codes.BAD_DATE, "number", raw=cell_text(raw))
    return _EXCEL_EPOCH + dt.timedelta(days=int(number))


def numeric_order_evidence(raw: object) -> str | None:
    """For a text date like "4/30/2020": which order it proves (None if it proves none)."""
    if not isinstance(raw, str):
        return None
    match = _NUMERIC.match(_TEXT_TIME.sub("", raw.strip()))
    if not match:
        return None
    first, second = int(match[1]), int(match[2])
    if first > 12 >= second:
        return DAY_FIRST
    if second > 12 >= first:
        return MONTH_FIRST
    return None


def parse_date(raw: object, order: str = DAY_FIRST) -> dt.date | Problem | None:
    """A date from an Excel date, serial or text; None if unknown; else a Problem."""
    if raw is None:
        return None
    if isinstance(raw, dt.datetime):
        raw = raw.date()
    if isinstance(raw, dt.date):
        if raw < _EXCEL_LEAP_BUG_END and not is_placeholder(raw):
            return _problem(codes.BAD_DATE, "before-1900", day=raw)
        return raw
    if isinstance(raw, bool):
        return _problem(codes.BAD_DATE, "plain", raw=cell_text(raw))
    if isinstance(raw, int | float | Decimal):
        if isinstance(raw, Decimal) and not raw.is_finite():
            return _problem(codes.BAD_DATE, "plain", raw=cell_text(raw))
        if isinstance(raw, float) and not math.isfinite(raw):
            return _problem(codes.BAD_DATE, "plain", raw=cell_text(raw))
        return _from_serial(float(raw), raw)
    if isinstance(raw, dt.time | dt.timedelta):
        return _problem(codes.BAD_DATE, "time", raw=cell_text(raw))
    return _parse_date_text(str(raw), order)


@functools.lru_cache(maxsize=_REPEATED_SPELLINGS)
def _parse_date_text(raw: str, order: str) -> dt.date | Problem | None:
    text = " ".join(raw.strip().lower().split())
    if text in UNKNOWN_DATE_WORDS:
        return None
    if text.isdigit() and len(text) == 5:
        return _from_serial(int(text), raw)
    iso = _ISO.match(text)
    if iso:
        return _make_date(int(iso[1]), int(iso[2]), int(iso[3]), raw)
    text = _TEXT_TIME.sub("", text)
    numeric = _NUMERIC.match(text)
    if numeric:
        first, second, year = int(numeric[1]), int(numeric[2]), _year(numeric[3])
        day, month = (second, first) if order == MONTH_FIRST else (first, second)
        if month > 12:
            return _problem(codes.BAD_DATE, "not-real-in-order", raw=raw, order=order)
        return _make_date(year, month, day, raw)
    named = _NAMED.match(text)
    if named and named[2] in _MONTHS:
        return _make_date(_year(named[3]), _MONTHS[named[2]], int(named[1]), raw)
    named = _NAMED_MONTH_FIRST.match(text)
    if named and named[1] in _MONTHS:
        return _make_date(int(named[3]), _MONTHS[named[1]], int(named[2]), raw)
    return _problem(codes.BAD_DATE, raw=raw)


# --- derived values ------------------------------------------------------------


def term_months(start: dt.date, end: dt.date) -> Decimal:
    """The length of a contract from its first to its last day, in months: whole months
    when it ends the day before a month-day like its start (1 April to 31 March), else
    days over the average month."""
    after = end + dt.timedelta(days=1)
    whole = (after.year - start.year) * 12 + (after.month - start.month)
    if after.day == start.day:
        return Decimal(whole)
    return (Decimal((after - start).days) * 12 / Decimal("365.25")).quantize(Decimal("0.01"))


def annual_from_total(total: Decimal, start: dt.date, end: dt.date) -> tuple[Decimal, Decimal]:
    """(the value of a year of the contract, its term in months), from its whole-life
    value: the total itself for a year or less, else the total over the years."""
    months = term_months(start, end)
    if months <= 12:
        return total, months
    return (total * 12 / months).quantize(PENNY, rounding=ROUND_HALF_UP), months


# --- text --------------------------------------------------------------------


# The longest text each field's column in the store holds; longer is refused, never cut.
TEXT_LIMITS = {
    "reference": 100,
    "title": 500,
    "commissioner": 200,
    "provider": 200,
    "service_category": 100,
    "contract_form": 100,
    "payment_mechanism": 100,
    "status": 50,
}
# Code columns are looked up, never stored as written: an over-long "code" (Norfolk's
# register puts a URL in "Organisation Code") is simply not a known code.
# C0 controls that survive collapsing whitespace: no register means them, and
# PostgreSQL refuses NUL outright.
_CONTROL = re.compile("[\x00-\x08\x0e-\x1b\x7f]")


def text_problem(name: str, text: str | None) -> Problem | None:
    """Why cleaned cell text cannot be stored as it is: a control character, or too long."""
    if not text:
        return None
    # isprintable() first: a quick pass that clears almost every cell (cleaned text keeps
    # no whitespace but spaces, so only the characters _CONTROL finds can fail it, or
    # other unprintable ones it lets through).
    control = None if text.isprintable() else _CONTROL.search(text)
    if control is not None:
        return _problem(codes.CONTROL_CHARACTER, point=ord(control.group()))
    limit = TEXT_LIMITS.get(name)
    if limit is not None and len(text) > limit:
        return _problem(codes.TEXT_TOO_LONG, length=len(text), limit=limit)
    return None


def clean_text(raw: object) -> str | None:
    """Cell text with runs of spaces collapsed; None for an empty cell."""
    if raw is None:
        return None
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    if isinstance(raw, dt.datetime):
        raw = raw.date()
    if isinstance(raw, dt.date):
        return raw.isoformat()
    text = " ".join(str(raw).split())
    return text or None
