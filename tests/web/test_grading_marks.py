"""Grades that do not mislead (#24): provisional totals while an essay waits, the review beside the key, stable
question labels, essay marks with no credit, points of the teacher's own and re-marking, and the grading queue
filtered by class and assignment. The fixture quiz has 13 points: seven 1-point questions and a 6-point essay."""
from __future__ import annotations

import csv
import io

import pytest
from lxml import html as lxml_html

from corroborate.web.extensions import db
from corroborate.web.models import Attempt
from tests import factories as f
from tests.conftest import post
from tests.web.test_quiz_engine import put, start, student_client, submit
from tests.web.test_teaching import finish_attempt, teacher_client


@pytest.fixture
def app(any_app):
    return any_app


def text(node) -> str:
    """A node's text as a reader reads it: every piece, spaces joined."""
    return " ".join(" ".join(node.itertext()).split())


def questions(page: str) -> dict[str, str]:
    """The review's questions by their heading ("Question 1"), each as its text."""
    doc = lxml_html.fromstring(page)
    found = {}
    for li in doc.xpath("//ol[contains(concat(' ', @class, ' '), ' review ')]/li"):
        heading = li.xpath(".//h2[@class='item-label']")[0]
        found[text(heading).split(" · ")[0]] = text(li)
    return found


def essay_response(app, attempt_id: int) -> int:
    with app.app_context():
        return next(r.id for r in db.session.get(Attempt, attempt_id).responses if r.item_id == "q-essay")


def test_a_part_marked_attempt_says_points_so_far_until_the_essay_is_marked(app):
    ids = f.world(app)
    attempt_id = finish_attempt(app, "student-a", {"q-single": "a", "q-tf": "false"})
    student, _ = student_client(app, "student-a")
    review = student.get(f"/learn/attempts/{attempt_id}/review").get_data(as_text=True)
    assert "2 of 13 points so far, 6 waiting for your teacher" in review
    assert "Score:" not in review and "%" not in text(lxml_html.fromstring(review).xpath("//p[contains(@class, 'score')]")[0])
    page = student.get(f"/learn/assignments/{ids['assignment_a']}").get_data(as_text=True)
    assert "2 of 13 points so far, 1 written answer waiting for your teacher" in page and "15%" not in page
    assert "not final yet" in page
    teacher = teacher_client(app)
    view = teacher.get(f"/teach/attempts/{attempt_id}").get_data(as_text=True)
    assert "2 of 13 points so far, 6 still to mark" in view
    results = teacher.get(f"/teach/assignments/{ids['assignment_a']}/results").get_data(as_text=True)
    assert "#1 2 of 13 points so far, 6 still to mark" in results and "so far, not final" in results

    post(teacher, f"/teach/responses/{essay_response(app, attempt_id)}/grade", {"level": "proficient"},
         page="/teach/grading")
    review = student.get(f"/learn/attempts/{attempt_id}/review").get_data(as_text=True)
    assert "Score: <strong>8 of 13 points (62%)</strong>" in review and "so far" not in review
    results = teacher.get(f"/teach/assignments/{ids['assignment_a']}/results").get_data(as_text=True)
    assert "#1 8 of 13 points (62%)" in results and "not final" not in results


def test_the_gradebook_and_its_csv_never_pass_a_provisional_grade_as_final(app):
    ids = f.world(app)
    attempt_id = finish_attempt(app, "student-a", {"q-single": "a", "q-tf": "false"})
    teacher = teacher_client(app)
    page = teacher.get(f"/teach/classes/{ids['class_a']}/gradebook").get_data(as_text=True)
    cell = lxml_html.fromstring(page).xpath("//td[contains(@class, 'status-provisional')]")
    assert len(cell) == 1 and text(cell[0]) == "15% so far 1 to mark"

    def csv_rows():
        response = teacher.get(f"/teach/classes/{ids['class_a']}/gradebook.csv")
        return list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    rows = csv_rows()
    percent = next(c for c in rows[0] if c.startswith("A sample module") and c.endswith("[%]"))
    status = next(c for c in rows[0] if c.startswith("A sample module") and c.endswith(" status"))
    assert rows[0][percent] == "" and rows[0][status] == "provisional: 1 written answer to mark"
    assert rows[1][percent] == "" and rows[1][status] == "not submitted"

    post(teacher, f"/teach/responses/{essay_response(app, attempt_id)}/grade", {"level": "basic"},
         page="/teach/grading")
    rows = csv_rows()
    assert rows[0][percent] == f"{100 * 4 / 13:.1f}" and rows[0][status] == "final"


def answer_every_type(app, username="student-a"):
    from corroborate.items import element_id
    order = ["Kirov is murdered", "The third Moscow trial", "The first Moscow trial"]
    return finish_attempt(app, username, {
        "q-single": "b", "q-multiple": ["a", "c"], "q-tf": "false",
        "q-match": {element_id("L:Goldman"): element_id("R:Soviet prosecutor"),
                    element_id("L:Davies"): element_id("R:US ambassador")},
        "q-order": [element_id(text) for text in order], "q-short": "843",
        "q-cloze": ["NKVD", "", "Zinovievists"]}, essay="Davies was there")


def test_the_review_shows_each_answer_beside_the_key_with_marks_and_feedback_on_its_option(app):
    f.world(app)
    attempt_id = answer_every_type(app)
    student, _ = student_client(app, "student-a")
    page = student.get(f"/learn/attempts/{attempt_id}/review").get_data(as_text=True)
    shown = questions(page)
    assert list(shown) == [f"Question {n}" for n in range(1, 9)]        # the written order, whatever was shown
    doc = lxml_html.fromstring(page)
    options = {text(li.xpath("span[@class='option-text']")[0]): text(li)
               for li in doc.xpath("//li[@id='q1']//ul[@class='review-options']/li")}
    assert options["Davies"] == "Davies Your answer ✗ wrong No; Davies is the one judged."
    assert options["Rogovin"] == "Rogovin Right answer, not chosen Yes."
    multiple = {text(li.xpath("span[@class='option-text']")[0]): text(li)
                for li in doc.xpath("//li[@id='q2']//ul[@class='review-options']/li")}
    assert multiple == {"Rogovin": "Rogovin Your answer ✓ right", "Davies' diary": "Davies' diary Right answer, not chosen",
                        "Goldman's arrest figures": "Goldman's arrest figures Your answer ✗ wrong"}
    assert "Goldman Your answer Soviet prosecutor ✗ wrong Right answer archival social historian" in shown["Question 4"]
    assert "Davies Your answer US ambassador ✓ right" in shown["Question 4"]
    assert "Your answer: Kirov is murdered ✓ right The third Moscow trial ✗ wrong The first Moscow trial ✗ wrong" \
        in shown["Question 5"]
    assert "Answer: Kirov is murdered → The first Moscow trial → The third Moscow trial" in shown["Question 5"]
    assert "Your answer: 843 ✓ right Answer: 843" in shown["Question 6"]
    assert "NKVD ✓ right" in shown["Question 7"] and "— ✗ wrong (answer: 843)" in shown["Question 7"]
    assert "Davies was there Waiting for your teacher to mark it." in shown["Question 8"]


def test_without_the_review_policy_the_student_sees_only_their_own_answers(app):
    ids = f.world(app)
    with app.app_context():
        from corroborate.web.models import Assignment
        db.session.get(Assignment, ids["assignment_a"]).review_policy = "after_due"
        db.session.commit()
    attempt_id = answer_every_type(app)
    student, _ = student_client(app, "student-a")
    page = student.get(f"/learn/attempts/{attempt_id}/review").get_data(as_text=True)
    shown = questions(page)
    assert "Davies Your answer" in shown["Question 1"] and "Your answer: 843" in shown["Question 6"]
    for leak in ("Right answer", "✓", "✗", "Answer:", "No; Davies is the one judged", "archival social historian",
                 "points so far", "Yes."):
        assert leak not in page, leak


def test_the_teachers_attempt_view_draws_every_type_answered_and_unanswered(app):
    f.world(app)
    answered = answer_every_type(app)
    client, token = student_client(app, "student-a2")
    blank = start(app, client, token, 1)
    submit(client, token, blank)
    teacher = teacher_client(app)
    page = teacher.get(f"/teach/attempts/{answered}").get_data(as_text=True)
    shown = questions(page)
    assert "Davies Student's answer ✗ wrong" in shown["Question 1"]
    assert "Davies was there Not marked yet." in shown["Question 8"] and 'name="points"' in page
    response = teacher.get(f"/teach/attempts/{blank}")
    assert response.status_code == 200
    shown = questions(response.get_data(as_text=True))
    assert all("No answer." in shown[f"Question {n}"] for n in range(1, 9))
    assert "Answer: Kirov is murdered → The first Moscow trial → The third Moscow trial" in shown["Question 5"]
    assert "Rogovin Right answer" in shown["Question 1"]


def test_essays_take_no_credit_points_of_the_teachers_own_and_a_new_mark(app):
    f.world(app)
    attempt_id = finish_attempt(app, "student-a", {"q-single": "a"})
    response_id = essay_response(app, attempt_id)
    teacher = teacher_client(app)
    url, page = f"/teach/responses/{response_id}/grade", f"/teach/attempts/{attempt_id}"

    def score():
        with app.app_context():
            attempt = db.session.get(Attempt, attempt_id)
            return attempt.score, attempt.pending

    post(teacher, url, {"level": "points", "points": "4.5", "comment": "Nearly.", "back": page}, page=page)
    assert score() == (pytest.approx(5.5), 0)
    view = teacher.get(page).get_data(as_text=True)
    assert "Marked: 4.5 of 6 points. Change it below." in view and 'value="4.5"' in view and "Save the new mark" in view
    post(teacher, url, {"level": "zero", "comment": "Not on the question.", "back": page}, page=page)
    assert score() == (pytest.approx(1.0), 0)
    post(teacher, url, {"level": "emergent", "back": page}, page=page)
    assert score() == (pytest.approx(5.0), 0)
    student, _ = student_client(app, "student-a")
    assert "Marked emergent: 4 of 6 points." in student.get(f"/learn/attempts/{attempt_id}/review").get_data(as_text=True)


@pytest.mark.parametrize("form, problem", [
    ({"comment": "Good use of the diary."}, "Choose a rubric level, no credit, or type the points"),
    ({"level": "points", "points": "7", "comment": "Good use of the diary."}, "Give points from 0 to 6."),
    ({"points": "-1", "comment": "Good use of the diary."}, "Give points from 0 to 6."),
    ({"level": "points", "comment": "Good use of the diary."}, "Type the points (0 to 6), or choose a level."),
])
def test_a_mark_that_cannot_be_saved_keeps_the_comment_and_saves_nothing(app, form, problem):
    f.world(app)
    attempt_id = finish_attempt(app, "student-a", {"q-single": "a"})
    teacher = teacher_client(app)
    response = post(teacher, f"/teach/responses/{essay_response(app, attempt_id)}/grade", form,
                    page="/teach/grading")
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and problem in page
    assert ">Good use of the diary.</textarea>" in page and "My essay" in page
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt.pending == 1 and attempt.score == 1.0


def essay_in_class_c(app, ids: dict) -> tuple[int, int]:
    """Teacher A's second class, "Class C", where student-a submits an essay: (its class id, the attempt's id)."""
    other_class = f.classroom(app, ids["teacher_a"], "Class C", (ids["student_a"],))
    other = f.assignment(app, other_class, review_policy="immediately")
    client, token = student_client(app, "student-a")
    attempt_id = start(app, client, token, other)
    put(client, token, attempt_id, "q-essay", "Other class essay", 1)
    submit(client, token, attempt_id)
    return other_class, attempt_id


def test_the_grading_queue_filters_by_class_and_assignment_with_counts(app):
    ids = f.world(app)
    finish_attempt(app, "student-a", {"q-single": "a"}, essay="First class essay")
    finish_attempt(app, "student-a2", {"q-single": "a"}, essay="Second student essay")
    other_class, _ = essay_in_class_c(app, ids)
    teacher = teacher_client(app)
    page = teacher.get("/teach/grading").get_data(as_text=True)
    assert "3 written answers to mark." in page
    assert ">All classes (3)</option>" in page and ">Class A (2)</option>" in page and ">Class C (1)</option>" in page
    page = teacher.get(f"/teach/grading?class={other_class}").get_data(as_text=True)
    assert "Other class essay" in page and "First class essay" not in page
    assert "1 written answer to mark here, 3 in all." in page
    page = teacher.get(f"/teach/grading?assignment={ids['assignment_a']}").get_data(as_text=True)
    assert "First class essay" in page and "Second student essay" in page and "Other class essay" not in page
    assert f'name="back" value="/teach/grading?assignment={ids["assignment_a"]}"' in page   # marking keeps the filter
    assert "Nothing to mark under this choice" in teacher.get(
        f"/teach/grading?class={other_class}&assignment={ids['assignment_a']}").get_data(as_text=True)
    assert 'href="/teach/grading">Grading</a>' in page                    # the site header links the queue
    student_page = student_client(app, "student-a")[0].get("/learn/").get_data(as_text=True)
    assert ">Grading</a>" not in student_page


def test_item_analysis_names_questions_by_label_and_warns_when_few_answered(app):
    ids = f.world(app)
    answer_every_type(app)
    teacher = teacher_client(app)
    page = teacher.get(f"/teach/assignments/{ids['assignment_a']}/results").get_data(as_text=True)
    assert "Fewer than 10 students have answered: facility and discrimination are not yet meaningful" in page
    assert "Bar: facility" in page and "Tick: discrimination" in page
    doc = lxml_html.fromstring(page)
    heads = [text(th) for th in doc.xpath("//table[contains(@class, 'analysis')]/tbody/tr/th")]
    assert heads[:2] == ["Q1 Who judged that Davies \"swallowed the bait\"?",
                         "Q2 Which documents take a position on the guilt of the…"]
    response = teacher.get(f"/teach/assignments/{ids['assignment_a']}/results.csv")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][6:8] == ["Q1 · Who judged that Davies \"swallowed the bait\"?",
                            "Q2 · Which documents take a position on the guilt of the…"]
    assert rows[1][:6] == ["student-a", "Student-A", "1", "provisional: 3.67 of 13 points so far, 6 still to mark",
                           "3.67", "13"]
    assert rows[1][-1] == ""                                                # the essay waits


def test_only_the_classs_teacher_reaches_its_results_csv_and_marks_its_answers(app):
    ids = f.world(app)
    attempt_id = finish_attempt(app, "student-a", {"q-single": "a"}, essay="Mine alone")
    other = teacher_client(app, "teacher-b")
    csv_url = f"/teach/assignments/{ids['assignment_a']}/results.csv"
    response = other.get(csv_url)
    assert response.status_code in (403, 404) and b"student-a" not in response.data
    assert student_client(app, "student-a")[0].get(csv_url).status_code == 403
    response = post(other, f"/teach/responses/{essay_response(app, attempt_id)}/grade",
                    {"level": "points", "points": "6"}, page="/teach/grading")
    assert response.status_code in (403, 404)
    assert "Mine alone" not in other.get("/teach/grading").get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Attempt, attempt_id).pending == 1


def test_an_attempt_still_in_progress_cannot_be_marked(app):
    f.world(app)
    client, token = student_client(app, "student-a")
    attempt_id = start(app, client, token, 1)
    put(client, token, attempt_id, "q-essay", "Half an essay", 1)
    teacher = teacher_client(app)
    view = teacher.get(f"/teach/attempts/{attempt_id}").get_data(as_text=True)
    assert "Half an essay" in view and 'name="points"' not in view
    response = post(teacher, f"/teach/responses/{essay_response(app, attempt_id)}/grade",
                    {"level": "proficient"}, page="/teach/grading", follow_redirects=True)
    assert "still in progress" in response.get_data(as_text=True)
    with app.app_context():
        assert all(r.score is None for r in db.session.get(Attempt, attempt_id).responses)


def test_a_class_chosen_in_the_queue_stays_chosen_once_its_last_answer_is_marked(app):
    ids = f.world(app)
    finish_attempt(app, "student-a", {"q-single": "a"}, essay="First class essay")
    other_class, attempt_id = essay_in_class_c(app, ids)
    teacher = teacher_client(app)
    back = f"/teach/grading?class={other_class}"
    marked = post(teacher, f"/teach/responses/{essay_response(app, attempt_id)}/grade",
                  {"level": "proficient", "back": back}, page=back)
    assert (marked.status_code, marked.headers["Location"]) == (302, back)
    page = teacher.get(back).get_data(as_text=True)
    assert f'<option value="{other_class}" selected>Class C (0)</option>' in page
    assert "0 written answers to mark here, 1 in all." in page and "Nothing to mark under this choice" in page
