"""Corroborate: teach history through its sources."""
