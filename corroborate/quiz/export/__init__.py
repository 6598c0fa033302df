"""Export a module's quiz items for other platforms: Moodle (GIFT, Moodle XML), Canvas Classic Quizzes (QTI 1.2
zip) and spreadsheets (CSV).

``EXPORTERS[name](module, items, sources=None)`` returns the file's bytes; ``sources`` (source id → Source, e.g.
``{s.id: s for s in corpus.sources}``) completes the citations in the feedback, which otherwise name sources by id.
``FILE_SUFFIX`` and ``MIMETYPE`` give each format's file name ending and media type. What a format cannot express
is said in the file itself (see each module's docstring), never dropped silently.
"""
from __future__ import annotations

from collections.abc import Iterable

from ...curriculum.model import Module
from ...items import Item
from .common import Sources
from .csv_items import to_csv
from .gift import to_gift
from .moodle_xml import to_moodle_xml
from .qti import to_qti_zip


def gift_bytes(module: Module, items: Iterable[Item], sources: Sources | None = None) -> bytes:
    return to_gift(module, items, sources).encode("utf-8")


def csv_bytes(module: Module, items: Iterable[Item], sources: Sources | None = None) -> bytes:
    """UTF-8 with a byte-order mark, which Excel needs to read the file as UTF-8."""
    return to_csv(module, items, sources).encode("utf-8-sig")


EXPORTERS = {"gift": gift_bytes, "moodle-xml": to_moodle_xml, "qti": to_qti_zip, "csv": csv_bytes}
FILE_SUFFIX = {"gift": ".gift.txt", "moodle-xml": ".moodle.xml", "qti": ".qti.zip", "csv": ".csv"}
MIMETYPE = {"gift": "text/plain; charset=utf-8", "moodle-xml": "application/xml", "qti": "application/zip",
            "csv": "text/csv; charset=utf-8"}
