"""Quiz items: types and grading (pure functions), generation and exports."""
