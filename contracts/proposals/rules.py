"""Consolidation rules as data: load, validate and describe a rules TOML file.

The rules live in a file a commissioning lead can read and change
(``contracts/data/rules.toml`` by default, ``--rules FILE`` for their own), so
what the tool proposes is never hidden in code. Every mistake in that file is
reported as a :class:`~contracts.errors.RuleFileError` naming the file, the
line and the key, because the person fixing it is not a programmer.
"""

from __future__ import annotations

import re
import string
import tomllib
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from contracts import gate
from contracts.errors import InputRejected, RuleFileError
from contracts.store.models import OrganisationKind
from contracts.vocabulary import CONTRACT_FORMS, SERVICE_CATEGORIES

DEFAULT_RULES_NAME = "rules.toml"

# How contracts can be grouped: "provider" is the provider on the date (its
# successor if it had closed by then); "provider_root" the end of its
# successor chain whatever the date.
GROUPINGS = ("provider", "provider_root", "service_category", "commissioner")
LEAD_LARGEST_SHARE = "largest share"
REQUIREMENTS = ("contract variation", "partnership agreement")
TITLE_FIELDS = ("services", "provider", "commissioners", "lead", "count")

_RULE_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_TOML_POSITION = re.compile(r"\(at line (?P<line>\d+), column (?P<column>\d+)\)")


@dataclass(frozen=True)
class Rule:
    """One rule: which contracts it matches, how it groups them, and its limits."""

    name: str
    description: str
    group_by: tuple[str, ...]
    form_groups: tuple[str, ...]
    min_contracts: int = 2
    min_commissioners: int = 1
    commissioner_kinds: tuple[str, ...] = ()
    must_include_kinds: tuple[str, ...] = ()
    providers: tuple[str, ...] = ()  # codes or names; successors match too
    service_categories: tuple[str, ...] = ()
    requires: str = "contract variation"
    lead: str = LEAD_LARGEST_SHARE
    min_value: Decimal = Decimal("0.00")
    title: str = "{services} services from {provider} for {commissioners}"
    enabled: bool = True
    # key -> line in the file, so later checks (e.g. an unknown provider code)
    # can still point at the line to fix.
    lines: dict[str, int] = field(default_factory=dict, compare=False, repr=False)

    @property
    def needs_partnership_agreement(self) -> bool:
        return self.requires == "partnership agreement"


@dataclass(frozen=True)
class RuleSet:
    """The rules of one file with the settings they share."""

    path: str
    rules: tuple[Rule, ...]
    form_groups: dict[str, tuple[str, ...]]
    extension_months: int = 12

    def error(self, rule: Rule, key: str, message: str) -> RuleFileError:
        """An error about ``key`` of ``rule``, pointing at its line in the file."""
        line = rule.lines.get(key) or rule.lines.get("name")
        return RuleFileError(
            f"{self.path} line {line}: key '{key}' of rule '{rule.name}': {message}"
        )

    def forms_merged(self) -> frozenset[str]:
        """Every contract form some enabled rule may merge."""
        return frozenset(
            form
            for rule in self.rules
            if rule.enabled
            for group in rule.form_groups
            for form in self.form_groups[group]
        )

    def form_group_of(self, rule: Rule, form: str | None) -> str | None:
        """The rule's form group holding ``form``, or None if the rule leaves it alone."""
        for name in rule.form_groups:
            if form in self.form_groups[name]:
                return name
        return None


def default_rules_path() -> Path:
    return Path(__file__).parents[1] / "data" / DEFAULT_RULES_NAME


def load_rules(path: Path | str | None = None) -> RuleSet:
    """Read and validate a rules file (the shipped default when ``path`` is None)."""
    file = Path(path) if path is not None else default_rules_path()
    label = file.name if path is None else str(path)
    try:
        gate.check_input(file, "the rules file", gate.MAX_TEXT_FILE_BYTES)
        text = file.read_text(encoding="utf-8")
    except InputRejected as refused:
        raise RuleFileError(str(refused)) from None
    except FileNotFoundError:
        raise RuleFileError(f"the rules file {label} does not exist; check the path") from None
    except (OSError, UnicodeDecodeError) as error:
        raise RuleFileError(f"cannot read the rules file {label}: {error}") from error
    return parse_rules(text, label)


def parse_rules(text: str, label: str = "rules.toml") -> RuleSet:
    """Validate TOML text into a :class:`RuleSet`; every problem names line and key."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        # Python 3.11's error has the position only in its message.
        problem = str(error)
        where = _TOML_POSITION.search(problem)
        if where is not None:
            problem = _TOML_POSITION.sub("", problem).strip()
            place = f"{label} line {where['line']}, column {where['column']}"
        else:
            problem = problem.replace("(at end of document)", "").strip()
            place = f"{label} line {len(text.splitlines())} (the end)"
        raise RuleFileError(f"{place}: not valid TOML ({problem}); fix that line") from error
    return _Validator(text, label).rule_set(data)


class _Validator:
    """Checks the parsed TOML key by key, finding each key's line in the text."""

    def __init__(self, text: str, label: str) -> None:
        self.lines = text.splitlines()
        self.label = label
        self.rule_starts = [
            number
            for number, line in enumerate(self.lines, start=1)
            if line.strip().replace(" ", "").startswith("[[rules]]")
        ]
        self.section_starts = {
            line.strip().strip("[] "): number
            for number, line in enumerate(self.lines, start=1)
            if line.strip().startswith("[") and not line.strip().startswith("[[")
        }

    # --- finding lines -------------------------------------------------------

    def _find_key(self, key: str, start: int, end: int | None) -> int | None:
        pattern = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=")
        stop = end if end is not None else len(self.lines)
        for number in range(start, stop + 1):
            if number - 1 < len(self.lines) and pattern.match(self.lines[number - 1]):
                return number
        return None

    def _block(self, index: int) -> tuple[int, int | None]:
        start = self.rule_starts[index] if index < len(self.rule_starts) else 1
        later = [n for n in [*self.rule_starts, *self.section_starts.values()] if n > start]
        return start, (min(later) - 1 if later else None)

    def rule_line(self, index: int, key: str | None) -> int:
        start, end = self._block(index)
        found = self._find_key(key, start, end) if key else None
        return found or start

    def section_line(self, section: str | None, key: str | None) -> int:
        if section is None:
            first_table = min(
                [*self.rule_starts, *self.section_starts.values()], default=len(self.lines)
            )
            return (self._find_key(key, 1, first_table) if key else None) or 1
        start = self.section_starts.get(section, 1)
        later = [n for n in [*self.rule_starts, *self.section_starts.values()] if n > start]
        end = min(later) - 1 if later else None
        return (self._find_key(key, start, end) if key else None) or start

    def fail(self, line: int, where: str, message: str) -> RuleFileError:
        return RuleFileError(f"{self.label} line {line}: {where}: {message}")

    # --- the file --------------------------------------------------------------

    def rule_set(self, data: dict[str, Any]) -> RuleSet:
        for key in data:
            if key not in ("settings", "form_groups", "rules"):
                raise self.fail(
                    self.section_starts.get(key) or self.section_line(None, key),
                    f"key '{key}'",
                    "unknown key; the file has [settings], [form_groups] and [[rules]]",
                )
        settings = self._table(data, "settings")
        extension_months = 12
        default_min_value = Decimal("0.00")
        for key, value in settings.items():
            line = self.section_line("settings", key)
            if key == "extension_months":
                extension_months = self._int(value, line, f"key '{key}' in [settings]", 1)
            elif key == "min_value":
                default_min_value = self._money(value, line, f"key '{key}' in [settings]")
            else:
                raise self.fail(
                    line,
                    f"key '{key}' in [settings]",
                    "unknown key; use extension_months or min_value",
                )
        form_groups = self._form_groups(self._table(data, "form_groups"))
        raw_rules = data.get("rules", [])
        if not isinstance(raw_rules, list) or not raw_rules:
            raise self.fail(1, "key 'rules'", "needs at least one [[rules]] table")
        rules: list[Rule] = []
        for index, raw in enumerate(raw_rules):
            rules.append(self._rule(index, raw, form_groups, default_min_value))
        seen: dict[str, int] = {}
        for index, rule in enumerate(rules):
            if rule.name in seen:
                raise self.fail(
                    self.rule_line(index, "name"),
                    "key 'name'",
                    f"'{rule.name}' is used by two rules; give each rule its own name",
                )
            seen[rule.name] = index
        return RuleSet(self.label, tuple(rules), form_groups, extension_months)

    def _table(self, data: dict[str, Any], name: str) -> dict[str, Any]:
        value = data.get(name, {})
        if not isinstance(value, dict):
            raise self.fail(self.section_line(None, name), f"key '{name}'", "must be a table")
        return value

    def _form_groups(self, raw: dict[str, Any]) -> dict[str, tuple[str, ...]]:
        if not raw:
            raise self.fail(
                1, "[form_groups]", "missing; name the contract forms that can be merged"
            )
        groups: dict[str, tuple[str, ...]] = {}
        for name, forms in raw.items():
            line = self.section_line("form_groups", name)
            where = f"key '{name}' in [form_groups]"
            groups[name] = self._choices(forms, line, where, tuple(CONTRACT_FORMS), "form")
        return groups

    # --- one rule --------------------------------------------------------------

    def _rule(
        self,
        index: int,
        raw: Any,
        form_groups: dict[str, tuple[str, ...]],
        default_min_value: Decimal,
    ) -> Rule:
        if not isinstance(raw, dict):
            raise self.fail(self.rule_line(index, None), "[[rules]]", "must be a table")
        name = raw.get("name")
        label = f"rule '{name}'" if isinstance(name, str) else f"rule {index + 1}"
        lines = {key: self.rule_line(index, key) for key in raw}
        lines["name"] = self.rule_line(index, "name")

        def where(key: str) -> str:
            return f"key '{key}' of {label}"

        for key in ("name", "description"):
            if key not in raw:
                raise self.fail(lines["name"], where(key), "missing; every rule needs one")
        values: dict[str, Any] = {}
        for key, value in raw.items():
            line = lines[key]
            if key in ("name", "description", "title"):
                values[key] = self._str(value, line, where(key))
            elif key == "enabled":
                if not isinstance(value, bool):
                    raise self.fail(line, where(key), "must be true or false")
                values[key] = value
            elif key in ("min_contracts", "min_commissioners"):
                values[key] = self._int(value, line, where(key), 2 if key == "min_contracts" else 1)
            elif key == "min_value":
                values[key] = self._money(value, line, where(key))
            elif key == "group_by":
                values[key] = self._choices(value, line, where(key), GROUPINGS, "grouping", True)
            elif key == "form_groups":
                values[key] = self._choices(
                    value, line, where(key), tuple(form_groups), "form group"
                )
            elif key in ("commissioner_kinds", "must_include_kinds"):
                kinds = tuple(k.value for k in OrganisationKind)
                values[key] = self._choices(value, line, where(key), kinds, "kind")
            elif key == "service_categories":
                categories = tuple(SERVICE_CATEGORIES)
                values[key] = self._choices(value, line, where(key), categories, "category")
            elif key == "providers":
                values[key] = self._strings(value, line, where(key))
            elif key == "requires":
                text = self._str(value, line, where(key))
                if text not in REQUIREMENTS:
                    raise self.fail(
                        line, where(key), f"'{text}' is not known; use {_either(REQUIREMENTS)}"
                    )
                values[key] = text
            elif key == "lead":
                values[key] = self._str(value, line, where(key))
            else:
                allowed = (
                    "name, description, enabled, group_by, form_groups, min_contracts, "
                    "min_commissioners, commissioner_kinds, must_include_kinds, providers, "
                    "service_categories, requires, lead, min_value, title"
                )
                raise self.fail(line, where(key), f"unknown key; a rule can have {allowed}")
        if not _RULE_NAME.match(values["name"]):
            raise self.fail(
                lines["name"],
                where("name"),
                f"'{values['name']}' must be lower-case words joined by hyphens",
            )
        values.setdefault("group_by", ())
        values.setdefault("form_groups", tuple(form_groups))
        values.setdefault("min_value", default_min_value)
        self._check_title(values.get("title"), lines.get("title", lines["name"]), where("title"))
        self._check_disjoint(values["form_groups"], form_groups, lines, where("form_groups"))
        missing = set(values.get("must_include_kinds", ())) - set(
            values.get("commissioner_kinds", ()) or values.get("must_include_kinds", ())
        )
        if missing:
            raise self.fail(
                lines["must_include_kinds"],
                where("must_include_kinds"),
                f"names {', '.join(sorted(missing))}, which commissioner_kinds leaves out",
            )
        return Rule(lines=lines, **values)

    def _check_title(self, title: str | None, line: int, where: str) -> None:
        if title is None:
            return
        try:
            names = {f for _, f, _, _ in string.Formatter().parse(title) if f is not None}
        except ValueError as error:
            raise self.fail(line, where, f"not a valid template ({error})") from error
        unknown = sorted(n for n in names if n not in TITLE_FIELDS)
        if unknown:
            raise self.fail(
                line,
                where,
                f"uses {{{unknown[0]}}}; a title can use "
                + ", ".join(f"{{{f}}}" for f in TITLE_FIELDS),
            )

    def _check_disjoint(
        self,
        chosen: tuple[str, ...],
        groups: dict[str, tuple[str, ...]],
        lines: dict[str, int],
        where: str,
    ) -> None:
        seen: dict[str, str] = {}
        for group in chosen:
            for form in groups[group]:
                if form in seen:
                    raise self.fail(
                        lines.get("form_groups", lines["name"]),
                        where,
                        f"lists '{seen[form]}' and '{group}', which both hold '{form}'; "
                        "a rule's form groups must not share a form",
                    )
                seen[form] = group

    # --- value checks ------------------------------------------------------------

    def _str(self, value: Any, line: int, where: str) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.fail(line, where, "must be a non-empty quoted text")
        return " ".join(value.split())

    def _strings(self, value: Any, line: int, where: str) -> tuple[str, ...]:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(line, where, 'must be a list of quoted texts, e.g. ["a", "b"]')
        return tuple(value)

    def _choices(
        self,
        value: Any,
        line: int,
        where: str,
        allowed: tuple[str, ...],
        noun: str,
        allow_empty: bool = False,
    ) -> tuple[str, ...]:
        items = self._strings(value, line, where)
        if not items and not allow_empty:
            raise self.fail(line, where, f"must name at least one {noun}")
        for item in items:
            if item not in allowed:
                raise self.fail(
                    line, where, f"'{item}' is not a known {noun}; use {_either(allowed)}"
                )
        return items

    def _int(self, value: Any, line: int, where: str, minimum: int) -> int:
        if type(value) is not int:
            raise self.fail(line, where, "must be a whole number")
        if value < minimum:
            raise self.fail(line, where, f"must be at least {minimum}")
        return value

    def _money(self, value: Any, line: int, where: str) -> Decimal:
        if type(value) is int:
            return Decimal(value).quantize(Decimal("0.01"))
        if isinstance(value, str):
            try:
                amount = Decimal(value.replace(",", "").replace("£", "").strip())
            except InvalidOperation:
                amount = None
            if (
                amount is not None
                and amount.is_finite()
                and amount == amount.quantize(Decimal("0.01"))
            ):
                return amount.quantize(Decimal("0.01"))
        raise self.fail(
            line, where, 'must be pounds as a whole number or a quoted amount like "250000.00"'
        )


def _either(options: tuple[str, ...]) -> str:
    quoted = [f"'{o}'" for o in options]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]
