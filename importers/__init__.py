"""Importers: turn commissioning teams' spreadsheets into rows for ``contracts``."""
