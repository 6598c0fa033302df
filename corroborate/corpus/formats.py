"""One reader per text format. Each takes the seed's text and returns its blocks in reading order."""
from __future__ import annotations

from typing import Callable

from .compilation import read_compilation
from .ocr import read_ocr
from .paragraphs import read_paragraphs
from .passages import Block

Reader = Callable[[str], list[Block]]

READERS: dict[str, Reader] = {
    "paragraph-per-line": read_paragraphs,
    "hard-wrapped-ocr": read_ocr,
    "quotation-compilation": read_compilation,
}

FORMATS = frozenset(READERS)
