"""A quiz question as the student answers it: labelled native controls, saved answers shown, odd input survived."""
from __future__ import annotations

import re
from dataclasses import replace

import pytest

from corroborate.quiz.present import layout_for, student_item
from corroborate.items.questions import question_html
from corroborate.web.state import unit

@pytest.fixture
def questions(app):
    with app.app_context():
        items = unit().module("sample").items
    layout = layout_for(items, "seed", True, True)
    return {item.id: (item, layout, app.jinja_env) for item in items}


def render(questions, item_id, value=None, number=1):
    item, layout, env = questions[item_id]
    return str(question_html(env, student_item(item, layout), number, value))


def test_every_field_of_every_type_has_a_label(questions):
    for item_id in questions:
        html = render(questions, item_id)
        fields = re.findall(r"<(input|select|textarea)\b[^>]*>", html)
        assert fields, item_id
        for tag in re.finditer(r"<(?:input|select|textarea)\b([^>]*)>", html):
            attributes = tag[1]
            field_id = re.search(r'id="([^"]+)"', attributes)
            labelled = "aria-label=" in attributes or "aria-labelledby=" in attributes or \
                (field_id and f'for="{field_id[1]}"' in html) or \
                re.search(r'<label class="choice"><input[^>]*' + re.escape(attributes.strip()), html)
            assert labelled, (item_id, attributes)


def test_saved_answers_are_shown(questions):
    assert re.search(r'value="b" checked>', render(questions, "q-single", "b"))
    multiple = render(questions, "q-multiple", ["a", "c"])
    assert re.search(r'value="a" checked>', multiple) and re.search(r'value="c" checked>', multiple)
    assert 'value="b">' in multiple
    assert 'value="eight hundred"' in render(questions, "q-short", "eight hundred")
    cloze = render(questions, "q-cloze", ["NKVD", "", "x"])
    assert 'data-blank="0" aria-label="Blank 1" value="NKVD"' in cloze
    essay = render(questions, "q-essay", "Davies <b>was</b> an ambassador")
    assert "Davies &lt;b&gt;was&lt;/b&gt; an ambassador</textarea>" in essay
    item, layout, _ = questions["q-match"]
    view = student_item(item, layout)
    left, right = view["lefts"][0]["id"], view["rights"][-1]["id"]
    matched = render(questions, "q-match", {left: right})
    assert re.search(rf'data-left="{left}">.*?<option value="{right}" selected>', matched)
    assert matched.count(" selected") == 1
    item, layout, _ = questions["q-order"]
    order = [e["id"] for e in student_item(item, layout)["elements"]]
    placed = render(questions, "q-order", list(reversed(order)))
    assert re.search(rf'data-element="{order[-1]}" [^>]*><option value="">–</option><option value="1" selected>',
                     placed)


def test_answers_of_the_wrong_shape_show_as_unanswered(questions):
    """Saved answers come from browsers: one of the wrong shape must not break the page."""
    for item_id in questions:
        blank = render(questions, item_id)
        for value in ({"a": 1}, 42, 3.5, [1, 2], {"x": ["y"]}):
            assert render(questions, item_id, value) == blank, (item_id, value)


def test_texts_are_escaped_and_numbers_filled_in(questions):
    item, layout, env = questions["q-single"]
    hostile = replace(item, options=tuple(replace(o, text='<img src=x onerror="alert(1)">') for o in item.options))
    html = str(question_html(env, student_item(hostile, layout), 7))
    assert "<img" not in html and "&lt;img src=x" in html
    assert '<span class="number">Question 7</span>' in html
