"""The matching form of a text: what is left when typography is set aside.

Locating quotations and comparing words both use this form, so curly or straight quotes, dashes, whitespace, line
breaks, case and accents never matter, while any changed letter or digit does: the form keeps every letter and digit
(case-folded, accents removed) and nothing else.
"""
from __future__ import annotations

import re
import unicodedata

NON_ALNUM = re.compile(r"[\W_]+")
COMBINING = re.compile(r"[\u0300-\u036f]")
WORD = re.compile(r"\w+(?:['’]\w+)*")


def fold(text: str) -> str:
    """Case-folded, accent-free, NFKD text (letters keep their positions relative to each other)."""
    return COMBINING.sub("", unicodedata.normalize("NFKD", text)).casefold()


def match_form(text: str) -> str:
    return NON_ALNUM.sub("", fold(text))


def match_offsets(text: str) -> list[int]:
    """For each character of ``match_form(text)``, its index in ``text`` (to turn a hit into display offsets)."""
    offsets = []
    for index, char in enumerate(text):
        offsets.extend([index] * len(match_form(char)))
    return offsets


def words(text: str) -> list[str]:
    """Display words, for reporting where two texts part ways."""
    return WORD.findall(text)
