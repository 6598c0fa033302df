"""Warm start: what every worker would otherwise build on its first requests, built once in the process that loads
the app before gunicorn forks its workers (gunicorn.conf.py sets CORROBORATE_WARM_START=1). The workers inherit it.

When a class presses Start together, the first requests each worker serves would otherwise also compile the quiz
page's templates, parse the module's items and import each item type's template (its macros), and lay out every
source a document of the quiz's panel links into (its pages, to link each document to the page it is read on).
"""
from __future__ import annotations

from flask import Flask

from ..items.questions import question_html
from ..quiz.present import layout_for, student_item
from . import attempts
from .library import reading_layout
from .state import corpus, unit


def _a_page(name: str) -> bool:
    return name.endswith(".html") and not name.startswith("handouts/")     # handouts have an environment of their own


def warm_up(app: Flask) -> None:
    library = corpus(app)
    built = unit(app)
    with app.app_context():
        for source in library.sources:
            reading_layout(source.id)
    for name in app.jinja_env.list_templates(filter_func=_a_page):
        app.jinja_env.get_template(name)
    for module in built.modules:
        attempts.remember_items(module)
        items = list(module.items)
        in_order = layout_for(items, "", shuffle_items=False, shuffle_options=False)
        for item in items:
            question_html(app.jinja_env, student_item(item, in_order), 1)
