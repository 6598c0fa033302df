"""Handouts: a module as printable HTML (student or teacher edition, form A, B, … in A4 or US Letter), rendered to
PDF and cached by everything that determines it.

Plain Python with its own Jinja environment (no Flask), so the CLI, the web app and the benchmarks share it.
"""
from __future__ import annotations

import hashlib
import os
import tempfile
import textwrap
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from ..corpus.sources import Source
from ..curriculum.model import SKILL_LABELS, Module
from ..items import Item
from ..quiz.present import layout_for, student_item
from .pdf import STATIC, render_pdf

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
EDITIONS = ("student", "teacher")
PAPERS = {"a4": "A4", "letter": "Letter"}
LINE_WIDTH = 78            # characters per numbered excerpt line at 11 pt on the printed measure
CODE_VERSION = hashlib.sha256(b"".join(p.read_bytes() for p in sorted(
    [*Path(__file__).parent.glob("*.py"), *(TEMPLATES / "handouts").glob("*.html"), STATIC / "css" / "print.css",
     *(Path(__file__).parents[1] / "items").glob("*.py"), *(TEMPLATES / "items").glob("*.html")]
))).hexdigest()[:12]


@dataclass(frozen=True)
class Request:
    module: Module
    edition: str = "student"
    form: str = "A"
    paper: str = "a4"
    students: tuple[str, ...] = ()      # class set: one copy per student, each with its own form

    def __post_init__(self):
        if self.edition not in EDITIONS:
            raise ValueError(f"edition must be one of {', '.join(EDITIONS)}")
        if self.paper not in PAPERS:
            raise ValueError(f"paper must be one of {', '.join(PAPERS)}")
        if not (len(self.form) == 1 and self.form.isalpha() and self.form.isupper()):
            raise ValueError("form must be a capital letter: A, B, C, …")

    @property
    def key(self) -> str:
        """Everything the PDF depends on, hashed: cache file name."""
        parts = [self.module.id, self.module.version, self.edition, self.form, self.paper, CODE_VERSION,
                 *self.students]
        return f"{self.module.id}-{self.edition}-{self.form}-{self.paper}-" + \
            hashlib.sha256("\x00".join(parts).encode()).hexdigest()[:16]


def numbered_lines(text: str, width: int = LINE_WIDTH) -> list[str]:
    """The excerpt as fixed lines, so that printed line numbers match what students see and can cite."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        if paragraph.strip():
            lines.extend(textwrap.wrap(paragraph, width=width, break_on_hyphens=False) or [""])
    return lines


def _environment() -> Environment:
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(["html"]),
                      trim_blocks=True, lstrip_blocks=True)
    env.globals.update(skill_labels=SKILL_LABELS)
    env.filters["numbered_lines"] = numbered_lines
    return env


_env = _environment()


def form_items(module: Module, form: str, seed_extra: str = "") -> tuple[list[Item], dict]:
    """The items of a form in its order, and the layout (option order) for the form. Every form shuffles the
    options with a seed made from the module version and the form (the written order would put the key where the
    author wrote it); form A keeps the author's order of questions, B, C, … shuffle that too."""
    items = list(module.items)
    layout = layout_for(items, f"{module.version}:{form}:{seed_extra}", shuffle_items=form != "A" or bool(seed_extra),
                        shuffle_options=True)
    by_id = {i.id: i for i in items}
    return [by_id[i] for i in layout["items"]], layout


def key_for(item: Item, layout: dict) -> str:
    """The answer in the terms a printed form uses (its type's ``printed_key``): option letters in the form's
    order, positions, texts."""
    return item.kind.printed_key(item, student_item(item, layout))


def handout_html(request: Request, sources: dict[str, Source]) -> str:
    copies = []
    for student in request.students or ("",):
        items, layout = form_items(request.module, request.form, student)
        copies.append({"student": student, "items": [(item, student_item(item, layout), key_for(item, layout))
                                                     for item in items]})
    return _env.get_template("handouts/module.html").render(
        module=request.module, edition=request.edition, form=request.form, paper=PAPERS[request.paper],
        sources=sources, copies=copies, class_set=bool(request.students))


def render(request: Request, sources: dict[str, Source]) -> bytes:
    module = request.module
    edition = "Teacher edition" if request.edition == "teacher" else "Student edition"
    return render_pdf(handout_html(request, sources), ("css/print.css",),
                      title=f"{module.title} — {edition}, form {request.form}")


class HandoutCache:
    """PDFs on disk by request key, shared by every process that points at the same directory: ``get`` answers at
    once with the file when it exists; ``ensure`` renders it (in the worker of the job queue, or in the command
    line), writing to a temporary file first so that no reader ever sees half a PDF."""

    def __init__(self, directory: Path):
        self.directory = directory

    def path(self, request: Request) -> Path:
        return self.directory / f"{request.key}.pdf"

    def get(self, request: Request) -> Path | None:
        path = self.path(request)
        return path if path.exists() else None

    def ensure(self, request: Request, sources: dict[str, Source]) -> Path:
        path = self.path(request)
        if not path.exists():
            self.directory.mkdir(parents=True, exist_ok=True)
            data = render(request, sources)
            handle, temporary = tempfile.mkstemp(dir=self.directory, suffix=".part")
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.replace(temporary, path)
        return path
