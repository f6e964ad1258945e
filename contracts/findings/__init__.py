"""Findings: problems with a user's input as data, and the catalogue of their codes.

``model`` holds the types; ``codes`` the catalogue, loaded here so that every
code exists before any finding is made.
"""

from contracts.findings import codes
from contracts.findings.model import CATALOGUE, Finding, FindingCode, Severity, ordered

__all__ = ["CATALOGUE", "Finding", "FindingCode", "Severity", "codes", "ordered"]
