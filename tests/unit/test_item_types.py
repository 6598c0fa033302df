"""Item types, CTFd style: each is one class in a module of its own plus one Jinja template, registered in
``corroborate.items.TYPES``. Every registered type is complete, the packages depend on each other one way, and a
ninth type joins by one class and one template: module files, the quiz page, grading, snapshots, exports and
handouts all take it without another change."""
from __future__ import annotations

import inspect
import io
import json
import subprocess
import sys
import zipfile
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, select_autoescape

from corroborate.curriculum.load import load_module
from corroborate.curriculum.serialize import item_from_json, item_json
from corroborate.handouts import render
from corroborate.items import TYPES, Grade, Item, ItemType, answer_problem, grade, register
from corroborate.items.questions import question_html
from corroborate.quiz.export import EXPORTERS
from corroborate.quiz.present import layout_for, student_item

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "templates"
SAMPLE = ROOT / "tests" / "fixtures" / "curriculum" / "sample.md"


def environment(*folders: Path) -> Environment:
    """Templates as the app loads them (HTML autoescaped), with ``folders`` looked in first."""
    return Environment(loader=ChoiceLoader([FileSystemLoader(str(f)) for f in (*folders, TEMPLATES)]),
                       autoescape=select_autoescape(["html"]))


def test_the_eight_types_are_registered_in_order():
    assert list(TYPES) == ["single", "multiple", "truefalse", "matching", "ordering", "short", "cloze", "essay"]


@pytest.mark.parametrize("name", list(TYPES))
def test_every_type_is_complete(name):
    """Each registered type defines every method the app calls, names itself, and has a template whose macros draw
    its controls on the quiz page (``answer``) and its question on a printed handout (``printed``)."""
    kind = TYPES[name]
    assert kind.name == name and kind.label and kind.qti_type and kind.fields
    assert not inspect.isabstract(type(kind)), f"{name} leaves abstract methods undefined"
    assert (TEMPLATES / kind.template).is_file(), kind.template
    module = environment().get_template(kind.template).module
    assert callable(getattr(module, "answer", None)) and callable(getattr(module, "printed", None)), kind.template
    source = inspect.getsourcefile(type(kind))
    assert Path(source).name == f"{name}.py", "a type lives in the module named after it"


def test_the_item_model_depends_on_nothing_downstream():
    """``corroborate.items`` imports neither the curriculum, the quizzes nor Flask, and the curriculum reads items
    without importing the quizzes: the packages no longer form a cycle."""
    code = ("import sys; import corroborate.items, corroborate.items.questions; "
            "bad = [m for m in sys.modules if m.startswith(('corroborate.curriculum', 'corroborate.quiz', 'flask'))]; "
            "import corroborate.curriculum.build, corroborate.curriculum.serialize; "
            "bad += [m for m in sys.modules if m.startswith('corroborate.quiz')]; print(bad)")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


# --- a ninth type: this class and its template, nothing else ----------------------------------------------------------

@dataclass(frozen=True)
class NumberItem(Item):
    number: float = 0.0
    tolerance: float = 0.0


class Numeric(ItemType):
    """A number to give, right within a tolerance."""

    name, label, template = "numeric", "Number", "items/numeric.html"
    fields = frozenset({"number", "tolerance"})
    qti_type = "numerical_question"
    item_class = NumberItem

    def parse(self, reader):
        number = reader.fields.data.get("number")
        if isinstance(number, bool) or not isinstance(number, (int, float)):
            reader.error(reader.fields.line_of("number"), f"{reader.where}: 'number' should be a number")
            return None
        return {"number": float(number), "tolerance": float(reader.fields.data.get("tolerance", 0))}

    def to_json(self, item):
        return {"number": item.number, "tolerance": item.tolerance}

    def from_json(self, data):
        return {"number": data["number"], "tolerance": data["tolerance"]}

    def key(self, item):
        return item.number

    def grade(self, item, answer):
        try:
            return Grade(1.0 if abs(float(answer) - item.number) <= item.tolerance else 0.0)
        except (TypeError, ValueError):
            return Grade(0.0)

    def answer_problem(self, item, answer):
        return None if isinstance(answer, str) and len(answer) <= 40 else "Send the number as text."

    def student_view(self, item, layout):
        return {}

    def key_text(self, item):
        return f"{item.number:g} (± {item.tolerance:g})"

    def printed_key(self, item, view):
        return self.key_text(item)

    def to_gift(self, item, gift):
        return item.prompt, f"#{item.number:g}:{item.tolerance:g}", ""

    def to_moodle_xml(self, item, xml):
        return xml.question("numerical", item.prompt, [xml.answer(100, f"{item.number:g}")])

    def to_qti(self, item, qti):
        qti.text_response()
        qti.condition([qti.varequal("response1", f"{item.number:g}")], score="100")
        return item.prompt

    def to_csv(self, item, csv):
        return csv.plain(item.prompt), [], [self.key_text(item)]


NUMERIC_TEMPLATE = """\
{%- macro answer(view, value) -%}
<input type="text" inputmode="decimal" id="answer-{{ view["id"] }}" name="answer-{{ view["id"] }}" \
aria-labelledby="prompt-{{ view["id"] }}" value="{{ value or "" }}">
{%- endmacro -%}
{%- macro printed(item, view, edition) -%}<div class="ruled" style="height: 9mm"></div>{%- endmacro -%}
"""
NUMERIC_ITEM = """items:
  - id: q-number
    type: numeric
    skill: close-reading
    prompt: How many former Zinovievites did the Leningrad NKVD arrest?
    number: 843
    tolerance: 0
"""


@pytest.fixture
def numeric(tmp_path, monkeypatch):
    """The ninth type registered (and unregistered after the test), its template in a folder of its own."""
    (tmp_path / "items").mkdir()
    (tmp_path / "items" / "numeric.html").write_text(NUMERIC_TEMPLATE, encoding="utf-8")
    register(Numeric)
    monkeypatch.setattr(render, "_env", render._environment())
    render._env.loader = ChoiceLoader([FileSystemLoader(str(tmp_path)), render._env.loader])
    yield environment(tmp_path)
    del TYPES["numeric"]


def test_a_ninth_type_is_one_class_and_one_template(numeric, corpus, tmp_path):
    path = tmp_path / "sample.md"
    path.write_text(SAMPLE.read_text(encoding="utf-8").replace("items:\n", NUMERIC_ITEM, 1), encoding="utf-8")
    module, problems = load_module(path, {s.id for s in corpus.sources})
    assert [p for p in problems if p.severity == "error"] == []
    item = module.item("q-number")
    assert isinstance(item, NumberItem) and (item.number, item.tolerance, item.kind.label) == (843.0, 0.0, "Number")

    broken = path.read_text(encoding="utf-8").replace("    number: 843\n", "    number: many\n    accept: [843]\n")
    path.write_text(broken, encoding="utf-8")
    _, problems = load_module(path, {s.id for s in corpus.sources}, "curriculum/sample.md")
    assert {str(p) for p in problems} >= {"curriculum/sample.md:59: item 'q-number': 'number' should be a number",
                                          "curriculum/sample.md:60: item 'q-number': 'accept' does not belong to a "
                                          "numeric item"}

    assert grade(item, "843").score == 1.0 and grade(item, "842").score == 0.0 and grade(item, None).score == 0.0
    assert answer_problem(item, "843") is None and answer_problem(item, ["843"])
    assert item_from_json(json.loads(json.dumps(item_json(item)))) == replace(item, line=0)    # as a snapshot

    layout = layout_for(list(module.items), "seed", True, True, opaque_ids=True)
    view = student_item(item, layout)
    html = str(question_html(numeric, view, 9, "84"))
    assert html.startswith('<li class="item item-numeric" data-item="q-number" data-type="numeric">')
    assert 'aria-labelledby="prompt-q-number" value="84"' in html and "Question 9" in html
    assert str(question_html(numeric, view, 9, ["84"])) == str(question_html(numeric, view, 9))   # wrong shape
    assert item.kind.answer_from_form(view, ["843"]) == "843"

    quiz = [item]
    assert "::q-number::[html]" in EXPORTERS["gift"](module, quiz).decode() and "#843:0" in \
        EXPORTERS["gift"](module, quiz).decode()
    assert b'<question type="numerical">' in EXPORTERS["moodle-xml"](module, quiz)
    with zipfile.ZipFile(io.BytesIO(EXPORTERS["qti"](module, quiz))) as archive:
        assert "numerical_question" in archive.read(f"{module.id}/assessment.xml").decode()
    assert "843 (± 0)" in EXPORTERS["csv"](module, quiz).decode("utf-8-sig")

    teacher = render.handout_html(render.Request(module, "teacher"), {s.id: s for s in corpus.sources})
    assert "<td>Number</td><td>843 (± 0)</td>" in teacher
