"""One exception hierarchy for problems a user can fix.

Only ``cli.py`` turns these into click errors, so a user sees one readable
sentence and never a traceback for a problem with their input or database.
"""

from __future__ import annotations

import re

# A file name or cell quoted in a message may hold a line break or a NUL; shown escaped
# (\n, \x00), the message stays one line on a terminal and in a log.
_CONTROL = re.compile("[\x00-\x1f\x7f]")


class ContractsError(Exception):
    """Base class: something the user can put right; the message says how."""

    def __str__(self) -> str:
        return _CONTROL.sub(lambda m: repr(m.group())[1:-1], super().__str__())


class DatabaseError(ContractsError):
    """The database cannot be opened or used as it is."""


class SchemaOutOfDate(DatabaseError):
    """The database schema is behind the code: run ``contracts db upgrade``."""


class SchemaTooNew(DatabaseError):
    """The database was written by a newer version of the tool."""


class OrganisationNotFound(ContractsError):
    """A name or code did not resolve to any organisation."""


class InputRejected(ContractsError):
    """An input file was refused as a whole (wrong format, empty, unreadable)."""


class RuleFileError(ContractsError):
    """A consolidation rule file is invalid; the message names the key."""


class WeightsFileError(ContractsError):
    """A duplicate-weights file is invalid; the message names the key."""


class PlanError(ContractsError):
    """The stored proposals cannot be planned as they are; the message says why."""


class PlanConflict(PlanError):
    """Two accepted proposals share a contract, so no plan can carry out both."""
