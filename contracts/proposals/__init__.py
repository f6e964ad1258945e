"""Consolidation proposals: the rules, grouping contracts under them, and the stored proposals."""
