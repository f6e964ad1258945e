"""The rules file: the shipped defaults, and clear errors for a broken file."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from contracts.errors import RuleFileError
from contracts.proposals.rules import default_rules_path, load_rules, parse_rules

HEADER = """\
[settings]
extension_months = 12

[form_groups]
nhs = ["NHS Standard Contract", "NHS Standard Contract (shorter form)"]
council = ["local authority contract"]

[[rules]]
name = "my-rule"
description = "A rule written for the test."
"""
# The first line after HEADER, where each case's offending key goes.
KEY_LINE = len(HEADER.splitlines()) + 1


def test_the_default_file_has_the_four_rules_the_programme_asked_for() -> None:
    rules = load_rules()
    names = [rule.name for rule in rules.rules]
    assert names == [
        "one-provider-one-service",
        "one-commissioner-one-provider",
        "three-hospitals",
        "nhs-and-council",
    ]
    by_name = {rule.name: rule for rule in rules.rules}
    assert all(len(rule.description) > 40 for rule in rules.rules)
    assert by_name["nhs-and-council"].needs_partnership_agreement
    assert not by_name["one-provider-one-service"].needs_partnership_agreement
    assert by_name["three-hospitals"].providers == ("RDD", "RQ8", "RAJ")
    assert by_name["three-hospitals"].service_categories == ("acute", "a&e")
    assert by_name["one-provider-one-service"].min_commissioners == 2
    # A grant is never merged into an NHS Standard Contract by a default rule.
    for rule in rules.rules:
        for group in rule.form_groups:
            assert "grant agreement" not in rules.form_groups[group]
    assert rules.extension_months == 12
    assert default_rules_path().name == "rules.toml"


def test_a_users_file_is_read_and_its_money_is_exact(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(HEADER + 'min_value = "250000.50"\nlead = "06Q"\n', encoding="utf-8")
    rules = load_rules(path)
    (rule,) = rules.rules
    assert rule.min_value == Decimal("250000.50")
    assert rule.lead == "06Q"
    assert rule.form_groups == ("nhs", "council")  # every group when the rule names none
    assert rules.path == str(path)


def test_a_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(RuleFileError, match="does not exist"):
        load_rules(tmp_path / "nowhere.toml")


@pytest.mark.parametrize(
    ("broken", "line"),
    [
        ('group_by = ["provider" "service_category"]\nmin_contracts = 2\n', KEY_LINE),
        ("min_contracts = 2\nmin_contracts = 3\n", KEY_LINE + 1),
        ('title = "unclosed\n', KEY_LINE),
        ('group_by = ["provider",\n', KEY_LINE),
    ],
)
def test_a_syntax_error_names_the_line(broken: str, line: int) -> None:
    with pytest.raises(RuleFileError) as caught:
        parse_rules(HEADER + broken, "mine.toml")
    message = str(caught.value)
    assert message.startswith(f"mine.toml line {line}")
    assert "not valid TOML" in message


@pytest.mark.parametrize(
    ("line", "key", "fragment"),
    [
        ("colour = 'blue'", "colour", "unknown key"),
        ("min_contracts = '2'", "min_contracts", "whole number"),
        ("min_contracts = 1", "min_contracts", "at least 2"),
        ("min_commissioners = true", "min_commissioners", "whole number"),
        ("enabled = 'yes'", "enabled", "true or false"),
        ("group_by = 'provider'", "group_by", "list of quoted texts"),
        ("group_by = ['provder']", "group_by", "'provder' is not a known grouping"),
        ("form_groups = ['grants']", "form_groups", "'grants' is not a known form group"),
        ("service_categories = ['acute care']", "service_categories", "not a known category"),
        ("commissioner_kinds = ['council']", "commissioner_kinds", "not a known kind"),
        ("requires = 'handshake'", "requires", "'handshake' is not known"),
        ("min_value = 2500.5", "min_value", "whole number or a quoted amount"),
        ("min_value = '12.345'", "min_value", "whole number or a quoted amount"),
        ("title = '{services} for {region}'", "title", "uses {region}"),
        ("must_include_kinds = ['CCG']\ncommissioner_kinds = ['local authority']", None, "CCG"),
        ("providers = 'RDD'", "providers", "list of quoted texts"),
        ("description = ''", "description", "non-empty"),
    ],
)
def test_a_wrong_key_names_its_line_and_key(line: str, key: str | None, fragment: str) -> None:
    text = HEADER.replace('description = "A rule written for the test."\n', "") + (
        'description = "A rule written for the test."\n'
        if not line.startswith("description")
        else ""
    )
    text += line + "\n"
    with pytest.raises(RuleFileError) as caught:
        parse_rules(text, "mine.toml")
    message = str(caught.value)
    offending = key or "must_include_kinds"
    expected_line = next(
        number
        for number, text_line in enumerate(text.splitlines(), start=1)
        if text_line.startswith(offending)
    )
    assert f"mine.toml line {expected_line}:" in message
    assert f"key '{offending}'" in message
    assert fragment in message


def test_an_unknown_form_in_a_form_group_names_its_line() -> None:
    text = HEADER.replace('council = ["local authority contract"]', 'council = ["contract"]')
    with pytest.raises(RuleFileError, match=r"mine.toml line 6: key 'council' in \[form_groups\]"):
        parse_rules(text, "mine.toml")


def test_an_unknown_setting_names_its_line() -> None:
    text = HEADER.replace("extension_months = 12", "extension_months = 12\nwindow = 3")
    with pytest.raises(RuleFileError, match=r"line 3: key 'window' in \[settings\]"):
        parse_rules(text, "mine.toml")


def test_two_rules_with_one_name_are_refused() -> None:
    text = HEADER + '\n[[rules]]\nname = "my-rule"\ndescription = "Again."\n'
    second_name_line = len(text.splitlines()) - 1
    with pytest.raises(RuleFileError, match=rf"line {second_name_line}: key 'name'.*two rules"):
        parse_rules(text, "mine.toml")


def test_form_groups_of_one_rule_must_not_share_a_form() -> None:
    text = HEADER.replace(
        'council = ["local authority contract"]',
        'council = ["local authority contract", "NHS Standard Contract"]',
    )
    with pytest.raises(RuleFileError, match="both hold 'NHS Standard Contract'"):
        parse_rules(text, "mine.toml")


def test_a_rule_name_must_be_a_slug() -> None:
    text = HEADER.replace('name = "my-rule"', 'name = "My Rule"')
    with pytest.raises(RuleFileError, match="lower-case words joined by hyphens"):
        parse_rules(text, "mine.toml")


def test_a_file_without_rules_is_refused() -> None:
    text = HEADER.split("[[rules]]")[0]
    with pytest.raises(RuleFileError, match="at least one"):
        parse_rules(text, "mine.toml")
