"""Quiz questions as HTML: one renderer, Jinja, for every type.

``templates/items/question.html`` is the frame every question shares; inside it the macro ``answer`` of the type's
own template (``ItemType.template``) draws its controls. A page's questions are rendered together, in one render of
the frame. Plain Jinja, no Flask: the web app passes its environment (the handouts use the macro ``printed`` of the
same templates in their own).
"""
from __future__ import annotations

from collections.abc import Iterable

from jinja2 import Environment
from markupsafe import Markup

from .base import TYPES

QUESTIONS = "items/question.html"


def questions_html(env: Environment, questions: Iterable[tuple[dict, int | str, object]]) -> Markup:
    """The questions of a page, each ``(view, number, value)``: an item's keyless view (``quiz/present.py``), its
    number, and the saved answer in the ids this attempt shows (an answer of the wrong shape shows as none)."""
    rows = []
    for view, number, value in questions:
        kind = TYPES[view["type"]]
        rows.append((view, number, kind.shown_value(value), env.get_template(kind.template).module.answer))
    return Markup(env.get_template(QUESTIONS).render(questions=rows))


def question_html(env: Environment, view: dict, number: int | str, value: object = None) -> Markup:
    """One question: :func:`questions_html` of one."""
    return questions_html(env, [(view, number, value)])
