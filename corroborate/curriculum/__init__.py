"""Curated modules: the format, its validator and the builder. Plain Python; never imports Flask."""
