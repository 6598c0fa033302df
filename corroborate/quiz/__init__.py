"""Quizzes built on the item model (``corroborate.items``): attempts' layouts and keyless views (present.py),
generated items, item analysis and exports."""
