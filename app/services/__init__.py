"""Use cases: the one layer that opens and commits database transactions."""
