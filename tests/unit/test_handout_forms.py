"""Printed forms never give the key away by position: every form, A included, prints the options in a seeded
shuffle, so the correct option of a single-choice question is not where the author wrote it on every question."""
from __future__ import annotations

from pathlib import Path

import pytest

from corroborate.curriculum.build import build_unit
from corroborate.handouts.render import form_items, key_for

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def shipped(corpus):
    unit, _ = build_unit(ROOT / "curriculum", corpus)
    return unit.modules


@pytest.mark.parametrize("form", ["A", "B"])
def test_no_form_prints_every_single_choice_key_at_one_letter(shipped, form):
    for module in shipped:
        items, layout = form_items(module, form)
        letters = [key_for(item, layout) for item in items if item.type == "single"]
        assert len(letters) >= 3, module.id
        assert len(set(letters)) > 1, (module.id, form, letters)


def test_form_a_keeps_the_written_order_of_questions_and_is_the_same_each_time(shipped):
    module = shipped[0]
    items, layout = form_items(module, "A")
    assert [i.id for i in items] == [i.id for i in module.items]
    assert form_items(module, "A")[1] == layout
