"""Where the store is by default: plain constants the command line reads before it
imports SQLAlchemy (so `contracts --help` stays fast)."""

DEFAULT_URL = "sqlite:///contracts.db"
ENV_VAR = "CONTRACTS_DATABASE_URL"
