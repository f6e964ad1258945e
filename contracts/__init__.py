"""essex-contracts: the domain library behind the `contracts` command.

Plain Python that a notebook or a test can call without the command line.
"""

from contracts.db import database_url, open_database, session_factory, upgrade
from contracts.errors import ContractsError
from contracts.models import Contract, Organisation, Proposal
from contracts.organisations import OrganisationIndex, find_organisation

__all__ = [
    "Contract",
    "ContractsError",
    "Organisation",
    "OrganisationIndex",
    "Proposal",
    "database_url",
    "find_organisation",
    "open_database",
    "session_factory",
    "upgrade",
]
