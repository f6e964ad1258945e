"""The output formats and the --raw flag's key: plain constants, so the shared options
(``context.py``) load no table library before a command runs."""

FORMATS = ("table", "csv", "json")
RAW_CSV = "contracts.raw_csv"  # key in click's shared ctx.meta, set by --raw
