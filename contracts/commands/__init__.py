"""The `contracts` commands: one module per command group, assembled by ``cli.py``."""
