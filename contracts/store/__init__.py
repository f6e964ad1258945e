"""The contracts store: models, database, money, audit log and the register's reads and writes."""
