"""The class page: one primary action, and every destructive action behind a second button that needs no JavaScript."""
from __future__ import annotations

import re

from corroborate.web.extensions import db
from corroborate.web.models import Classroom, Enrollment
from tests import factories as f
from tests.conftest import login, post


def teacher_page(app, ids) -> tuple:
    client = app.test_client()
    login(client, "teacher-a", f.PASSWORD)
    return client, client.get(f"/teach/classes/{ids['class_a']}").get_data(as_text=True)


def test_assigning_a_module_is_the_one_primary_action(app):
    ids = f.world(app)
    _, page = teacher_page(app, ids)
    primaries = re.findall(r'<(?:a|button)[^>]*class="[^"]*\bprimary\b[^"]*"[^>]*>([^<]*)<', page)
    assert [p.strip() for p in primaries] == ["Assign a module"], primaries


def test_destructive_actions_wait_for_a_second_button_inside_a_details(app):
    ids = f.world(app)
    _, page = teacher_page(app, ids)
    for action in (f"/teach/classes/{ids['class_a']}/archive",
                   f"/teach/classes/{ids['class_a']}/students/{ids['student_a']}/reset",
                   f"/teach/classes/{ids['class_a']}/students/{ids['student_a']}/remove"):
        form_at = page.index(f'action="{action}"')
        opened = page.rfind('<details class="confirm">', 0, form_at)
        closed = page.rfind("</details>", 0, form_at)
        assert opened > closed, f"{action} is not behind a confirmation"
        button = re.search(r"<button[^>]*>([^<]*)</button>", page[form_at:])
        assert 'class="danger"' in button[0] and button[1].strip(), button[0]


def test_confirmed_remove_and_archive_do_what_they_say(app):
    ids = f.world(app)
    client, _ = teacher_page(app, ids)
    page_url = f"/teach/classes/{ids['class_a']}"
    done = post(client, f"{page_url}/students/{ids['student_a']}/remove", page=page_url, follow_redirects=True)
    assert "is no longer in Class A" in done.get_data(as_text=True)
    archived = post(client, f"{page_url}/archive", page=page_url, follow_redirects=True).get_data(as_text=True)
    assert "Class archived" in archived and "Restore Class A" in archived and "Assign a module</a>" not in archived
    with app.app_context():
        assert db.session.get(Classroom, ids["class_a"]).archived
        assert not db.session.query(Enrollment).filter_by(classroom_id=ids["class_a"],
                                                          student_id=ids["student_a"]).count()
