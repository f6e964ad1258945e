"""essex-contracts: the domain library behind the `contracts` command.

Plain Python that a notebook or a test can call without the command line:
open a database, import registers (``importers.import_file``), find
duplicates, propose single contracts, export the finance workbook and read
its decisions back. Every function takes a ``Session`` and leaves the commit
to the caller.
"""

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from contracts.duplicates.finder import find_duplicates
    from contracts.duplicates.pair import explain_pair, record_decision
    from contracts.duplicates.stored_run import duplicate_representatives
    from contracts.errors import ContractsError
    from contracts.organisations.index import OrganisationIndex, find_organisation
    from contracts.proposals.decisions import list_proposals, set_decision
    from contracts.proposals.stored import propose
    from contracts.proposals.summary import summarise_register
    from contracts.sample.generate import write_sample
    from contracts.store.db import database_url, open_database, session_factory, upgrade
    from contracts.store.models import Contract, Organisation, Proposal
    from contracts.workbook.export import export_workbook
    from contracts.workbook.review import review_workbook

# Each name is imported on first use (PEP 562), so `import contracts` (and the
# command line's --help) does not load SQLAlchemy, NumPy or openpyxl.
_WHERE = {
    "Contract": "contracts.store.models",
    "ContractsError": "contracts.errors",
    "Organisation": "contracts.store.models",
    "OrganisationIndex": "contracts.organisations.index",
    "Proposal": "contracts.store.models",
    "database_url": "contracts.store.db",
    "duplicate_representatives": "contracts.duplicates.stored_run",
    "explain_pair": "contracts.duplicates.pair",
    "export_workbook": "contracts.workbook.export",
    "find_duplicates": "contracts.duplicates.finder",
    "find_organisation": "contracts.organisations.index",
    "list_proposals": "contracts.proposals.decisions",
    "open_database": "contracts.store.db",
    "propose": "contracts.proposals.stored",
    "record_decision": "contracts.duplicates.pair",
    "review_workbook": "contracts.workbook.review",
    "session_factory": "contracts.store.db",
    "set_decision": "contracts.proposals.decisions",
    "summarise_register": "contracts.proposals.summary",
    "upgrade": "contracts.store.db",
    "write_sample": "contracts.sample.generate",
}

__all__ = [
    "Contract",
    "ContractsError",
    "Organisation",
    "OrganisationIndex",
    "Proposal",
    "database_url",
    "duplicate_representatives",
    "explain_pair",
    "export_workbook",
    "find_duplicates",
    "find_organisation",
    "list_proposals",
    "open_database",
    "propose",
    "record_decision",
    "review_workbook",
    "session_factory",
    "set_decision",
    "summarise_register",
    "upgrade",
    "write_sample",
]


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'contracts' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(_WHERE[name]), name)
    globals()[name] = value
    return value
