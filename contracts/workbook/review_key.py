"""The hidden review key on each Proposals row, written by export and checked by review.

A key is ``proposal ID | member hash | export ID | seal``. The member hash says
what the proposal's contracts were when exported (review refuses a decision
on a proposal that has changed since); the export ID ties the workbook to this
database; the seal, an HMAC of the other three under a secret kept only in
the export's audit entry, shows the key was not edited. One secret per export
(not a hash per proposal) keeps the audit entry, and the export's memory,
the same size however many proposals the workbook holds.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any, NamedTuple

SEPARATOR = "|"
SEAL_LENGTH = 16


class ReviewKey(NamedTuple):
    proposal_id: str
    member_hash: str
    export_id: str
    seal: str | None = None  # None in keys written before keys were sealed


def new_secret() -> str:
    return secrets.token_hex(16)


def _seal(secret: str, proposal_id: str, member_hash: str, export_id: str) -> str:
    message = SEPARATOR.join((proposal_id, member_hash, export_id)).encode("utf-8")
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()[:SEAL_LENGTH]


def make_key(proposal_id: str, member_hash: str, export_id: str, secret: str) -> str:
    """The hidden key of one proposal row."""
    seal = _seal(secret, proposal_id, member_hash, export_id)
    return SEPARATOR.join((proposal_id, member_hash, export_id, seal))


def parse_key(text: str) -> ReviewKey | None:
    """The key's parts, or None for text that is no key."""
    parts = text.rsplit(SEPARATOR, 3)
    if len(parts) == 4 and len(parts[3]) == SEAL_LENGTH and all(parts):
        return ReviewKey(*parts)
    parts = text.rsplit(SEPARATOR, 2)
    if len(parts) == 3 and all(parts):
        return ReviewKey(*parts)
    return None


def is_genuine(key: ReviewKey, export: dict[str, Any]) -> bool:
    """Whether ``key`` is what the export recorded as ``export`` (its audit entry's
    ``after``) wrote. Exports from before sealed keys listed each proposal's hash."""
    secret = export.get("key_secret")
    if isinstance(secret, str):
        expected = _seal(secret, key.proposal_id, key.member_hash, key.export_id)
        return key.seal is not None and hmac.compare_digest(key.seal, expected)
    listed = export.get("proposals")
    return isinstance(listed, dict) and listed.get(key.proposal_id) == key.member_hash
