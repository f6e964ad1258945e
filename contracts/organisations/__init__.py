"""Organisations: normalising names, resolving any spelling or code, and the Essex reference set."""
