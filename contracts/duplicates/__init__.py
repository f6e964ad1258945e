"""The duplicate finder: compare, block, link and weigh contracts; keep the last run."""
