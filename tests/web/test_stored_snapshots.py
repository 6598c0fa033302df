"""Module snapshots stored by an earlier release keep working: attempts read their items back from the snapshot they
started on for as long as the attempt exists, so a snapshot written by today's release must load, render, grade,
print its keys, export and analyse tomorrow exactly as it did when it was stored.

``tests/fixtures/snapshots/release-bee1ca8.json`` was written by the release before the item types got a module each
(issue #23; commit bee1ca8, with the answer checks as fixed in 22d9fda). It holds a stored snapshot — the fixture
module with 21 generated items kept, as an assignment's quiz — and more generated items (ordering, multiple
response) from a shipped module; the answers, layouts and form values tried on them; and what that release made of
them: keys, grades, answer checks, keyless views, answers from forms, printed keys, item analysis, and digests of
every question's HTML, of each export and of the handouts. Nothing here rebuilds the module from its file: the
module is read back from the snapshot itself.

A deliberate change of markup, printing or an export format changes digests here: check the change, then write
today's outputs into the fixture with ``.venv/bin/python -m tests.web.test_stored_snapshots`` (the snapshot and the
answers tried stay as they are).
"""
from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from pathlib import Path

import pytest

from corroborate.curriculum.model import (Excerpt, Exercise, GlossaryEntry, Locator, Module, RubricLevel,
                                          TimelineEvent)
from corroborate.curriculum.serialize import item_from_json, item_json, module_json
from corroborate.handouts.render import Request, handout_html, key_for
from corroborate.items import answer_problem, grade
from corroborate.items.questions import question_html
from corroborate.quiz.analysis import item_stats, mastery
from corroborate.quiz.export import EXPORTERS
from corroborate.quiz.present import layout_for, shown_answer, student_item
from corroborate.web.extensions import db
from corroborate.web.models import Assignment, Attempt, ModuleSnapshot, Response, User
from tests import factories as f
from tests.conftest import login, post
from tests.web.test_quiz_engine import student_client, submit

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "snapshots" / "release-bee1ca8.json"


def digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def normalized(html: str) -> str:
    """HTML with runs of whitespace as one space and none between tags (how a template is indented changes
    nothing a reader sees)."""
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", html)).strip()


def module_from_snapshot(data: dict) -> Module:
    """The module as the snapshot stores it (``module_json``), items included."""
    def locator(e):
        return Locator(e["passage"], tuple(e["passages"]), e["start"], e["end"], e["chapter"], e["page"],
                       e["citation"], e["heading"]) if e["passage"] else None
    return Module(
        id=data["id"], title=data["title"], question=data["question"], level=data["level"],
        duration=data["duration"], objectives=tuple(data["objectives"]), context=data["context"],
        teacher_notes=data["teacher_notes"], claims=data["claims"],
        glossary=tuple(GlossaryEntry(g["term"], g["definition"], tuple(g["aliases"])) for g in data["glossary"]),
        timeline=tuple(TimelineEvent(**t) for t in data["timeline"]),
        excerpts=tuple(Excerpt(e["id"], e["source"], e["text"], e["headnote"], e["title"], e["claims"], locator(e))
                       for e in data["excerpts"]),
        exercises=tuple(Exercise(x["id"], x["skill"], x["title"], tuple(x["excerpts"]), x["prompt"],
                                 tuple(RubricLevel(**level) for level in x["rubric"]), x["compare"], x["lines"])
                        for x in data["exercises"]),
        items=tuple(item_from_json(i) for i in data["items"]), version=data["version"])


def observe(stored: dict, env, sources: dict) -> dict:
    """What today's code makes of the stored snapshot and of the answers, layouts and form values tried on it, in
    the fixture's shape."""
    module = module_from_snapshot(stored["snapshot"])
    items = list(module.items) + [item_from_json(i) for i in stored["more_items"]]
    layouts = stored["layouts"]
    seen = {"cases": []}
    for item, tried in zip(items, stored["cases"]):
        answers = [g["answer"] for g in tried["grades"]]
        case = {"id": item.id, "type": item.type, "key": item.key(), "grades": [], "html": {}, "handout_key": {},
                "views": {}, "forms": {}}
        for answer in answers:
            result = grade(item, answer)
            case["grades"].append({"answer": answer, "score": result.score, "feedback": list(result.feedback),
                                   "parts": list(result.parts), "problem": answer_problem(item, answer)})
        for name, layout in layouts.items():
            view = student_item(item, layout)
            case["html"][name] = [digest(str(question_html(env, view, 3, answer))) for answer in answers]
            if name == "attempt":
                case["views"][name] = view
            else:
                case["handout_key"][name] = key_for(item, layout)
            case["forms"][name] = [[values, item.kind.answer_from_form(view, values)]
                                   for values, _ in tried["forms"][name]]
        seen["cases"].append(json.loads(json.dumps(case)))
    seen["exports"] = {}
    for name, export in EXPORTERS.items():
        data = export(module, list(module.items), sources)
        if name == "qti":
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                seen["exports"][name] = {file: digest(archive.read(file).decode()) for file in archive.namelist()}
        else:
            seen["exports"][name] = digest(data.decode("utf-8-sig"))
    scores, choices = stored["analysis"]["scores"], stored["analysis"]["choices"]
    seen["analysis"] = json.loads(json.dumps({
        "scores": scores, "choices": choices, "mastery": mastery(items, scores),
        "stats": [[s.item_id, s.answered, s.facility, s.discrimination, s.choices]
                  for s in item_stats(items, scores, choices)]}))
    seen["handouts"] = {f"{edition}-{form}": digest(normalized(handout_html(Request(module, edition, form), sources)))
                        for edition in ("student", "teacher") for form in ("A", "B")}
    return seen


@pytest.fixture(scope="module")
def stored() -> dict:
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


@pytest.fixture
def seen(stored, app, corpus) -> dict:
    return observe(stored, app.jinja_env, {s.id: s for s in corpus.sources})


def test_the_stored_json_reads_back_to_the_same_json(stored):
    """Today's item model writes each stored item exactly as it was stored: the snapshot's shape is unchanged, so
    no migration is needed, and a module's version (the hash of this JSON) stays the same."""
    for data in stored["snapshot"]["items"] + stored["more_items"]:
        assert item_json(item_from_json(data)) == data, data["id"]
    assert json.loads(json.dumps(module_json(module_from_snapshot(stored["snapshot"])))) == stored["snapshot"]


def test_stored_items_grade_and_check_answers_as_they_did(stored, seen):
    for before, now in zip(stored["cases"], seen["cases"], strict=True):
        assert now["key"] == before["key"], before["id"]
        for was, is_ in zip(before["grades"], now["grades"], strict=True):
            assert is_ == was, (before["id"], was["answer"])


def test_stored_items_show_students_the_same_questions(stored, seen):
    for before, now in zip(stored["cases"], seen["cases"], strict=True):
        assert now["views"] == before["views"], before["id"]
        assert now["html"] == before["html"], before["id"]
        assert now["forms"] == before["forms"], before["id"]


def test_stored_items_print_the_same_keys_and_handouts(stored, seen):
    for before, now in zip(stored["cases"], seen["cases"], strict=True):
        assert now["handout_key"] == before["handout_key"], before["id"]
    assert seen["handouts"] == stored["handouts"]


def test_a_stored_snapshot_exports_and_analyses_the_same(stored, seen):
    assert seen["exports"] == stored["exports"]
    assert seen["analysis"]["stats"] == stored["analysis"]["stats"]
    for student, skills in stored["analysis"]["mastery"].items():     # summed in another order: the last digit
        assert seen["analysis"]["mastery"][student] == pytest.approx(skills), student


def test_attempts_on_a_stored_snapshot_render_grade_mark_and_analyse(app, stored):
    """A database holding the stored snapshot with two attempts on it, one in progress and one submitted: each
    page over them works, submitting grades the answers as the release did, an essay is marked, and the results
    analyse both."""
    ids = f.world(app)
    snapshot = stored["snapshot"]
    items = [item_from_json(data) for data in snapshot["items"]]
    tried = {case["id"]: case["grades"] for case in stored["cases"]}
    chosen = {item.id: next(g for g in tried[item.id] if g["answer"] and g["problem"] is None) for item in items}
    expected = sum(item.points * chosen[item.id]["score"] for item in items if not item.manual)
    made = {}
    with app.app_context():
        db.session.add(ModuleSnapshot(version=snapshot["version"], module_id="sample", data=json.dumps(snapshot)))
        assignment = db.session.get(Assignment, ids["assignment_a"])
        for username in ("student-a", "student-a2"):
            student = db.session.query(User).filter_by(username=username).one()
            attempt = Attempt(assignment_id=assignment.id, student_id=student.id, number=1,
                              module_version=snapshot["version"], deadline=assignment.due_at,
                              layout=json.dumps(layout_for(items, username, True, True, opaque_ids=True)),
                              points_possible=sum(item.points for item in items))
            attempt.responses = [Response(item_id=item_id, value=json.dumps(g["answer"]), seq=1)
                                 for item_id, g in chosen.items()]
            db.session.add(attempt)
            db.session.commit()
            made[username] = (attempt.id, json.loads(attempt.layout))

    for username, (attempt_id, layout) in made.items():
        client, token = student_client(app, username)
        page = client.get(f"/learn/attempts/{attempt_id}").get_data(as_text=True)
        shown = shown_answer("q-single", layout, chosen["q-single"]["answer"])
        assert f'value="{shown}" checked>' in page and f"Question {len(items)}" in page
        assert submit(client, token, attempt_id).status_code == 200
        with app.app_context():
            attempt = db.session.get(Attempt, attempt_id)
            assert attempt.score == pytest.approx(expected) and attempt.pending == sum(i.manual for i in items)
        review = client.get(f"/learn/attempts/{attempt_id}/review").get_data(as_text=True)
        assert "<strong>Answer:</strong> Kirov is murdered → The first Moscow trial → The third Moscow trial" in review

    teacher = app.test_client()
    login(teacher, "teacher-a", f.PASSWORD)
    attempt_id = made["student-a"][0]
    view = teacher.get(f"/teach/attempts/{attempt_id}")
    assert view.status_code == 200
    assert "Kirov is murdered → The first Moscow trial → The third Moscow trial" in view.get_data(as_text=True)
    with app.app_context():
        essay = next(r for r in db.session.get(Attempt, attempt_id).responses if r.item_id == "q-essay")
    post(teacher, f"/teach/responses/{essay.id}/grade", {"level": "proficient"}, page="/teach/grading")
    with app.app_context():
        assert db.session.get(Attempt, attempt_id).score == pytest.approx(expected + 6)
    results = teacher.get(f"/teach/assignments/{ids['assignment_a']}/results").get_data(as_text=True)
    assert "Item facility and discrimination" in results and "<svg" in results


def _rewrite() -> None:
    """Write today's outputs into the fixture, keeping what was stored and tried (see the module's docstring)."""
    import os
    import tempfile

    from jinja2 import Environment, FileSystemLoader, select_autoescape

    from corroborate.corpus.store import Corpus

    root = Path(__file__).resolve().parents[2]
    stored = json.loads(FIXTURE.read_text(encoding="utf-8"))
    corpus = Corpus.open(root / "seeds", Path(os.environ.get("CORROBORATE_CACHE", tempfile.mkdtemp())))
    env = Environment(loader=FileSystemLoader(str(root / "templates")), autoescape=select_autoescape(["html"]))
    stored.update(observe(stored, env, {s.id: s for s in corpus.sources}))
    FIXTURE.write_text(json.dumps(stored, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")


if __name__ == "__main__":
    _rewrite()
