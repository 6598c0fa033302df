"""Every shipped module builds and meets the content standard (CONTENT.md) that a machine can check."""
from __future__ import annotations

import io
from pathlib import Path

import pypdf
import pytest
import yaml

from corroborate.curriculum.build import build_unit
from corroborate.curriculum.model import SKILLS
from corroborate.handouts.render import Request, render
from corroborate.items import TYPES

CURRICULUM = Path(__file__).resolve().parents[2] / "curriculum"
MODULES = yaml.safe_load((CURRICULUM / "unit.yaml").read_text(encoding="utf-8"))["modules"]


@pytest.fixture(scope="module")
def built(corpus):
    return build_unit(CURRICULUM, corpus)


def test_every_shipped_module_builds_without_warnings(built):
    unit, problems = built
    assert [m.id for m in unit.modules] == MODULES and len(MODULES) >= 3
    assert problems == []


@pytest.mark.parametrize("module_id", MODULES)
def test_module_meets_the_content_standard(built, module_id):
    module = built[0].module(module_id)
    assert 4 <= len(module.excerpts) <= 6 and len(module.sources) >= 3
    for excerpt in module.excerpts:
        assert 60 <= excerpt.word_count <= 250, excerpt.id
        assert excerpt.locator is not None and excerpt.headnote
    assert {e.skill for e in module.exercises} == set(SKILLS)
    assert any(e.compare and e.skill == "corroboration" for e in module.exercises)
    for exercise in module.exercises:
        assert [level.level for level in exercise.rubric] == ["proficient", "emergent", "basic"]
        assert all(level.sample for level in exercise.rubric)
    assert len(module.items) >= 12 and len({i.type for i in module.items} & set(TYPES)) >= 5
    assert all(i.skill in SKILLS for i in module.items)
    assert module.glossary and len(module.timeline) >= 4 and module.teacher_notes
    context_words = len(module.context.split())
    assert 300 <= context_words <= 700


@pytest.mark.parametrize("module_id", MODULES)
def test_module_puts_conflicting_excerpts_side_by_side(built, module_id):
    """At least one claim is affirmed by one excerpt and denied by another: a real conflict to corroborate."""
    module = built[0].module(module_id)
    conflicts = [claim for claim in module.claims
                 if {"yes", "no"} <= {e.claims.get(claim) for e in module.excerpts}]
    assert conflicts, "no claim is contested between excerpts"


def test_compilation_excerpts_cite_the_original_work(built):
    records = [e for m in built[0].modules for e in m.excerpts if e.source.startswith("real-stalin")]
    assert records
    assert all(e.locator.citation and e.locator.citation["author"] for e in records)


@pytest.mark.parametrize("module_id", MODULES)
def test_student_edition_stays_within_ten_pages(built, corpus, module_id):
    """The student handout a teacher prints (A4, the paper the app offers first) stays within ten pages."""
    sources = {s.id: s for s in corpus.sources}
    pdf = render(Request(built[0].module(module_id), "student", "A", "a4"), sources)
    assert len(pypdf.PdfReader(io.BytesIO(pdf)).pages) <= 10
