"""A contract's form, read from the register or inferred from its parties and title.

Many registers have no contract-form column, and some write a word the
vocabulary does not know ("Contract"). The consolidation rules merge only
contracts of compatible forms, so a contract with no form would be left out
of every rule. Where the register is silent, the form follows from who the
parties are, as commissioning law and guidance have it: an NHS commissioner
buying healthcare uses the NHS Standard Contract (full length or shorter
form; both merge alike), a council uses its own contract; a title that says
"grant" or "section 75" says what the agreement is. Every inference carries
its reason, which the proposals repeat.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from contracts.vocabulary import canonical_form

NHS_STANDARD_CONTRACT = "NHS Standard Contract"
LOCAL_AUTHORITY_CONTRACT = "local authority contract"
GRANT = "grant agreement"
SECTION_75 = "section 75 agreement"
SLA = "service level agreement"

# Words in a title that name the kind of agreement, whoever the parties are.
_TITLE_FORMS = (
    (re.compile(r"\bgrants?\b|\bgrant[- ]funded\b", re.IGNORECASE), GRANT),
    (
        re.compile(r"\bsection\s*75\b|\bs\.?\s?75\b|\bpooled budget\b|\bbetter care fund\b", re.I),
        SECTION_75,
    ),
    (re.compile(r"\bSLA\b|\bservice level agreement\b", re.IGNORECASE), SLA),
)


@dataclass(frozen=True)
class FormReading:
    """The form the rules should use, and why when the register did not give it."""

    form: str | None  # canonical; None when it can be neither read nor inferred
    inferred: str | None = None  # the reason, when the form was inferred
    unknown: str | None = None  # why no form could be found (for `propose --explain`)


def is_nhs_commissioner(kind: str | None) -> bool:
    lowered = (kind or "").lower()
    return lowered in {"ccg", "icb", "sub-icb", "nhs england"} or "ccg" in lowered.split()


def is_council(kind: str | None) -> bool:
    lowered = (kind or "").lower()
    return lowered == "local authority" or "council" in lowered or "authority" in lowered


def is_nhs_provider(kind: str | None) -> bool:
    lowered = (kind or "").lower()
    return "nhs" in lowered and "trust" in lowered


def read_form(
    written: str | None,
    *,
    commissioner_kind: str | None,
    provider_kind: str | None,
    title: str | None,
) -> FormReading:
    """The contract's form: as written when the vocabulary knows it, else inferred."""
    known = canonical_form(written)
    if known is not None:
        return FormReading(known)
    said = (
        f"the register says '{written}', which is no contract form the tool knows; "
        if (written)
        else "no contract form in the register; "
    )
    for pattern, form in _TITLE_FORMS:
        if title and pattern.search(title):
            return FormReading(form, f"{said}the title names a {form}")
    if is_nhs_commissioner(commissioner_kind):
        if is_nhs_provider(provider_kind):
            why = "an NHS commissioner and an NHS provider"
        else:
            why = "an NHS commissioner buying healthcare (full length or shorter form)"
        return FormReading(NHS_STANDARD_CONTRACT, f"{said}{NHS_STANDARD_CONTRACT}: {why}")
    if is_council(commissioner_kind):
        return FormReading(LOCAL_AUTHORITY_CONTRACT, f"{said}a council's contract")
    return FormReading(
        None,
        unknown=f"{said}none can be inferred for a commissioner of kind "
        f"'{commissioner_kind or 'unknown'}'",
    )


def form_to_store(
    written: str | None,
    *,
    commissioner_kind: str | None,
    provider_kind: str | None,
    title: str | None,
) -> tuple[str | None, str | None]:
    """The form to store for an imported row and why it was inferred (None if it was not):
    as written when the register gave one the tool knows, else inferred where it can be,
    else as written."""
    reading = read_form(
        written, commissioner_kind=commissioner_kind, provider_kind=provider_kind, title=title
    )
    if reading.form is None:
        return written, None
    return reading.form, reading.inferred
