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
from ..curriculum.cite import printed_citation_html
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
    students: tuple[str, ...] = ()      # class set: one copy per student, forms A–D in turn, and the keys

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
    env.filters["citation"] = printed_citation_html      # {{ excerpt|citation(source) }}: the words exports print
    return env


_env = _environment()


def form_items(module: Module, form: str) -> tuple[list[Item], dict]:
    """The items of a form in its order, and the layout (option order) for the form. Every form shuffles the
    options with a seed made from the module version and the form (the written order would put the key where the
    author wrote it); form A keeps the author's order of questions, B, C, … shuffle that too. A form is the same
    wherever it is printed: form B of a class set is the teacher edition's form B."""
    items = list(module.items)
    layout = layout_for(items, f"{module.version}:{form}:", shuffle_items=form != "A", shuffle_options=True)
    by_id = {i.id: i for i in items}
    return [by_id[i] for i in layout["items"]], layout


def key_for(item: Item, layout: dict) -> str:
    """The answer in the terms a printed form uses (its type's ``printed_key``): option letters in the form's
    order, positions, texts."""
    return item.kind.printed_key(item, student_item(item, layout))


CLASS_SET_FORMS = "ABCD"     # a class set hands out forms A, B, C, D in turn down the roster


@dataclass(frozen=True)
class Copy:
    """One printed copy: for whom (a class set names each student), which form, and its items with their keys."""
    student: str
    form: str
    items: list[tuple]          # (item, the form's view of it, its printed key)


def copy_of(module: Module, form: str, student: str = "") -> Copy:
    items, layout = form_items(module, form)
    return Copy(student, form, [(item, student_item(item, layout), key_for(item, layout)) for item in items])


def class_set_copies(request: Request) -> list[Copy]:
    """A copy for each student, the forms dealt in turn so that neighbours on the roster have different ones."""
    return [copy_of(request.module, CLASS_SET_FORMS[position % len(CLASS_SET_FORMS)], student)
            for position, student in enumerate(request.students)]


def _module_html(request: Request, sources: dict[str, Source], copy: Copy) -> str:
    return _env.get_template("handouts/module.html").render(
        module=request.module, edition=request.edition, form=copy.form, paper=PAPERS[request.paper],
        sources=sources, copy=copy)


def handout_html(request: Request, sources: dict[str, Source]) -> str:
    """The HTML of a single handout (a class set is several documents: :func:`handout_documents`)."""
    return handout_documents(request, sources)[0]


def handout_documents(request: Request, sources: dict[str, Source]) -> list[str]:
    """The HTML documents of a handout, each laid out and page-numbered on its own: one for an edition of a form;
    for a class set, one per student and, last, the teacher's answer key of each form handed out."""
    if not request.students:
        return [_module_html(request, sources, copy_of(request.module, request.form))]
    copies = class_set_copies(request)
    forms = {copy.form: copy for copy in copies}
    students = {form: [copy.student for copy in copies if copy.form == form] for form in forms}
    keys = _env.get_template("handouts/keys.html").render(
        module=request.module, paper=PAPERS[request.paper], forms=[forms[form] for form in sorted(forms)],
        students=students)
    return [_module_html(request, sources, copy) for copy in copies] + [keys]


def render(request: Request, sources: dict[str, Source]) -> bytes:
    module = request.module
    if request.students:
        title = f"{module.title} — class set of {len(request.students)}"
    else:
        edition = "Teacher edition" if request.edition == "teacher" else "Student edition"
        title = f"{module.title} — {edition}, form {request.form}"
    return render_pdf(handout_documents(request, sources), ("css/print.css",), title=title)


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
