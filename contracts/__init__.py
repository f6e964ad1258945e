"""essex-contracts: the domain library behind the `contracts` command.

Plain Python that a notebook or a test can call without the command line:
open a database, import registers (``importers.import_file``), find
duplicates, propose single contracts, export the finance workbook and read
its decisions back. Every function takes a ``Session`` and leaves the commit
to the caller.
"""

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
