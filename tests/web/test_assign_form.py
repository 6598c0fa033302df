"""The assignment form: a clear message for zero attempts, and a form sent back with errors keeps every field."""
from __future__ import annotations

import re

from tests import factories as f
from tests.conftest import csrf_token
from tests.web.test_teaching import assign, teacher_client


def test_zero_attempts_says_why_not_that_the_field_is_required(app):
    ids = f.world(app)
    page = assign(teacher_client(app), ids["class_a"], attempts_allowed="0").get_data(as_text=True)
    assert "This field is required" not in page
    assert "Allow between 1 and 20 attempts: with 0 no student could start the quiz." in page
    assert re.search(r'<input[^>]*autofocus[^>]*id="attempts_allowed"|<input[^>]*id="attempts_allowed"[^>]*autofocus',
                     page)
    empty = assign(teacher_client(app), ids["class_a"], attempts_allowed="").get_data(as_text=True)
    assert "Give the number of attempts each student may make (1 to 20)." in empty


def test_a_form_with_errors_keeps_every_field_it_was_sent(app):
    ids = f.world(app)
    page = assign(teacher_client(app), ids["class_a"], attempts_allowed="0", time_limit_minutes="40",
                  review_policy="immediately", grading_method="average").get_data(as_text=True)
    assert 'value="40"' in page and 'value="0"' in page
    assert re.search(r'<option selected value="immediately">|<option value="immediately" selected>', page)
    assert re.search(r'<option selected value="average">|<option value="average" selected>', page)
    assert 'value="2030-01-10T09:00"' in page and 'value="2030-01-17T09:00"' in page
    assert "Everything you typed is kept." in page


def test_a_form_with_errors_keeps_the_generated_questions_as_ticked(app):
    ids = f.world(app)
    teacher = teacher_client(app)
    page = teacher.get("/teach/modules/sample/generated").get_data(as_text=True)
    generated = re.findall(r'name="keep" value="(gen-[a-z-]+-[0-9a-f]{8})"', page)[:3]
    teacher.post("/teach/modules/sample/generated",
                 data={"keep": generated, "csrf_token": csrf_token(teacher, "/teach/modules/sample/generated")})
    page = assign(teacher, ids["class_a"], attempts_allowed="0", generated=[generated[1]]).get_data(as_text=True)
    assert f'value="{generated[1]}" checked' in page                   # as ticked, not as every kept one
    assert f'value="{generated[0]}" checked' not in page and f'value="{generated[0]}"' in page
