"""The shared words of the register: service categories and contract forms.

Registers write "Community Services", "COMMUNITY", "Community health"; the
importer maps them to one canonical category so that the duplicate finder and
the consolidation rules compare like with like. The template's drop-downs
and the rules' TOML use the same canonical names.
"""

from __future__ import annotations

from contracts.organisations.names import simplify

# canonical name -> spellings seen in registers (matched after `simplify`)
SERVICE_CATEGORIES: dict[str, tuple[str, ...]] = {
    "acute": ("acute services", "acute care", "acute hospital", "elective", "non elective"),
    "a&e": ("a and e", "accident and emergency", "emergency department", "ae"),
    "ambulance": ("ambulance services", "emergency ambulance", "999"),
    "community": ("community services", "community health", "community health services"),
    "mental health": ("mental health services", "mh", "adult mental health"),
    "continuing healthcare": ("chc", "continuing health care", "nhs continuing healthcare"),
    "diagnostics": ("diagnostic services", "imaging", "pathology"),
    "nhs 111": ("111", "nhs111"),
    "patient transport": ("non emergency patient transport", "pts", "nepts"),
    "urgent care": ("urgent care centre", "walk in centre", "out of hours", "ooh"),
    "end of life care": ("end of life", "palliative care", "hospice"),
    "primary care": ("gp services", "general practice", "primary medical services"),
    "learning disabilities": ("learning disability", "ld"),
    "social care": ("adult social care", "domiciliary care", "home care"),
    "residential care": ("care homes", "nursing homes", "residential and nursing care"),
    "public health": ("sexual health", "substance misuse", "health visiting"),
    "voluntary sector support": ("carers support", "advocacy", "befriending"),
    "other": (),
}

# canonical name -> spellings
CONTRACT_FORMS: dict[str, tuple[str, ...]] = {
    "NHS Standard Contract": (
        "nhs standard contract full length",
        "nhssc",
        "full length",
        "nhs sc",
    ),
    "NHS Standard Contract (shorter form)": (
        "nhs standard contract shorter form",
        "shorter form",
        "short form",
        "nhs sc shorter form",
    ),
    "grant agreement": ("grant", "grant funding"),
    "service level agreement": ("sla",),
    "section 75 agreement": ("section 75", "s75", "s 75"),
    "local authority contract": ("council contract", "framework call off", "spot purchase"),
    "other": (),
}


def _lookup(table: dict[str, tuple[str, ...]]) -> dict[str, str]:
    index: dict[str, str] = {}
    for canonical, spellings in table.items():
        for spelling in (canonical, *spellings):
            index.setdefault(simplify(spelling), canonical)
    return index


_CATEGORY_INDEX = _lookup(SERVICE_CATEGORIES)
_FORM_INDEX = _lookup(CONTRACT_FORMS)


def canonical_category(text: str | None) -> str | None:
    """The canonical service category for ``text``; None if it is not one we know."""
    return _CATEGORY_INDEX.get(simplify(text)) if text else None


def canonical_form(text: str | None) -> str | None:
    """The canonical contract form for ``text``; None if it is not one we know."""
    return _FORM_INDEX.get(simplify(text)) if text else None
