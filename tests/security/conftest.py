"""Counts the attacks the security suite tried and blocked, and reports them at the end of the run."""
from __future__ import annotations

TALLY = {"tried": 0, "blocked": 0}


def pytest_runtest_logreport(report):
    if report.when == "call" and "tests/security/test_attacks.py::test_attack" in report.nodeid:
        TALLY["tried"] += 1
        TALLY["blocked"] += int(report.passed)


def pytest_terminal_summary(terminalreporter):
    if TALLY["tried"]:
        terminalreporter.write_line(f"security: {TALLY['tried']} attacks tried, {TALLY['blocked']} attacks blocked")
