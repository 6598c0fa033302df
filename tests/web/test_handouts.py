"""Handouts: real WeasyPrint PDFs, checked by extracting their text with pypdf."""
from __future__ import annotations

import io
import re
import socket
import time

import pypdf
import pytest

from corroborate.handouts.pdf import render_pdf
from corroborate.handouts.render import Request, form_items, handout_html, key_for, numbered_lines, render
from tests import factories as f
from tests.conftest import login, sqlite_app


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@pytest.fixture(scope="module")
def built(corpus):
    from pathlib import Path
    from corroborate.curriculum.build import build_unit
    from tests.conftest import FIXTURE_CURRICULUM
    unit, _ = build_unit(Path(FIXTURE_CURRICULUM), corpus)
    return unit.module("sample"), {s.id: s for s in corpus.sources}


@pytest.fixture(scope="module")
def student_pdf(built):
    module, sources = built
    return render(Request(module, "student", "A", "a4"), sources)


@pytest.fixture(scope="module")
def teacher_pdf(built):
    module, sources = built
    return render(Request(module, "teacher", "A", "a4"), sources)


def test_student_edition_has_every_excerpt_citation_and_item_and_no_key(built, student_pdf):
    module, _ = built
    text = squash(text_of(student_pdf))
    for excerpt in module.excerpts:
        for line in numbered_lines(excerpt.quote):
            assert squash(line) in text, line
    assert "Leningrad NKVD arrested an additional 843" in text
    assert "Davies, Joseph E., Mission to Moscow (c1941), p. 82 — quoted in Moscow Trials" in text
    assert "Oleg V. Naumov, The Road to Terror" in text and "p. 525" in text
    for item in module.items:
        prompt = re.sub(r"<[^>]+>", "", item.prompt).replace("&quot;", '"').replace("&#x27;", "'")
        assert squash(prompt)[:40] in text, item.id
    for secret in ("Key:", "✔ correct", "Answer key", "No; Davies is the one judged", "Rogovin writes decades later",
                   "Use the show trial material with care"):
        assert secret not in text


def test_the_handout_prints_each_citation_in_the_words_of_cite_py(built, student_pdf):
    """The printed citation is curriculum/cite.py's (the words exports and the check of rendered text use), with
    titles in <cite>: for a record quoted in a compilation and for a passage of a book."""
    from html import unescape

    from markupsafe import escape

    from corroborate.curriculum.cite import printed_citation
    module, sources = built
    html = handout_html(Request(module, "student", "A", "a4"), sources)
    printed = [unescape(re.sub(r"<[^>]+>", "", p)) for p in re.findall(r'<p class="citation">(.*?)</p>', html, re.S)]
    assert len(printed) == len(module.excerpts)
    text = squash(text_of(student_pdf))
    compilation = next(e for e in module.excerpts if e.locator and e.locator.citation)
    book = next(e for e in module.excerpts if e.locator and not e.locator.citation)
    for excerpt, after in ((compilation, " The heading over it in the compilation is the compiler's claim."),
                           (book, "")):
        source = sources[excerpt.source]
        cited = printed_citation(excerpt, source)
        assert printed[module.excerpts.index(excerpt)] == f"{cited}.{after}", excerpt.id
        assert squash(f"{cited}.{after}") in text, excerpt.id
        assert f"<cite>{escape(source.title)}</cite>" in html
    assert f"<cite>{escape(compilation.locator.citation['title'])}</cite>" in html


def test_student_edition_numbers_the_excerpt_lines_and_leaves_room_to_write(student_pdf):
    text = text_of(student_pdf)
    assert re.search(r"Name\s+Class\s+Date", text)
    assert "page 1 of" in text and "Student edition · Form A" in text


def pages_of(pdf: bytes) -> list[str]:
    return [squash(page.extract_text()) for page in pypdf.PdfReader(io.BytesIO(pdf)).pages]


def test_teacher_edition_has_no_name_lines_and_one_wording_for_choose_all(built, teacher_pdf, student_pdf):
    assert not re.search(r"Name\s+Class\s+Date", text_of(teacher_pdf))
    for pdf in (teacher_pdf, student_pdf):
        text = squash(text_of(pdf))
        assert "Tick all that apply" not in text
        assert text.count("Choose all that apply") == 1          # the sample's one multiple-response question


def test_exercises_share_pages_and_get_the_lines_they_ask_for(built):
    """Four short exercises fit on one page (no page each, as before), each whole: its prompt with its lines."""
    from dataclasses import replace
    module, sources = built
    base = module.exercises[0]
    exercises = tuple(replace(base, id=f"ex{n}", title=f"Exercise title number {n}", lines=lines)
                      for n, lines in enumerate((3, 5, 4, 6), start=1))
    short = replace(module, exercises=exercises)
    request = Request(short, "student", "A", "a4")
    html = handout_html(request, sources)
    for lines in (3, 5, 4, 6):
        assert f'style="height: {lines * 7}mm" aria-label="{lines} lines to write on"' in html
    pages = pages_of(render(request, sources))
    where = [next(i for i, page in enumerate(pages) if f"{n}. Exercise title number {n}" in page) for n in range(1, 5)]
    assert len(set(where)) == 1, where
    assert len(pages) <= len(pages_of(render(Request(module, "student", "A", "a4"), sources))) + 1


def test_class_set_numbers_pages_per_student_names_each_form_and_ends_with_the_keys(built):
    module, sources = built
    students = ("Ada Lovelace", "Bo Diddley", "Cy Young", "Di Prince", "Ed Sheeran")
    pages = pages_of(render(Request(module, "student", "A", "a4", students=students), sources))
    forms = dict(zip(students, "ABCDA"))
    runs: dict[str, list[str]] = {}
    for page in pages:
        owner = next((s for s in students if f"Form {forms[s]} · {s}" in page), None)
        runs.setdefault(owner or "keys", []).append(page)
    assert list(runs) == [*students, "keys"]                    # each student's copy in turn, the keys last
    for student, own in runs.items():
        total = len(own)
        numbers = [re.search(r"page (\d+) of (\d+)", page).groups() for page in own]
        assert numbers == [(str(n), str(total)) for n in range(1, total + 1)], student    # restarts per copy
        if student != "keys":
            assert "Key:" not in " ".join(own) and "Answer key" not in " ".join(own)
            assert "Form S" not in " ".join(own)
    keys = " ".join(runs["keys"])
    assert "remove before handing out" in keys
    for form in "ABCD":
        assert f"Answer key · Form {form}" in keys
        items, layout = form_items(module, form)
        sheet = keys.split(f"Answer key · Form {form}")[1].split("Answer key · Form")[0]
        for number, item in enumerate(items, start=1):
            assert f"{number} {item.kind.label} {squash(key_for(item, layout))}" in sheet, (form, number)
    assert "Form A was printed for: Ada Lovelace, Ed Sheeran." in keys
    assert "Form E" not in keys


def test_teacher_edition_has_keys_feedback_rubrics_and_notes(built, teacher_pdf):
    module, _ = built
    text = squash(text_of(teacher_pdf))
    assert "Answer key · Form A" in text and "Teacher edition · Form A" in text
    assert "No; Davies is the one judged." in text                     # feedback per option
    assert "Rogovin writes decades later" in text                      # rubric sample answer
    assert "Use the show trial material with care." in text            # teacher notes
    assert "843 / eight hundred forty-three" in text                   # short answer key


def test_forms_differ_in_order_and_each_key_matches_its_form(built):
    module, sources = built
    a_items, a_layout = form_items(module, "A")
    b_items, b_layout = form_items(module, "B")
    assert [i.id for i in a_items] != [i.id for i in b_items]
    assert sorted(i.id for i in a_items) == sorted(i.id for i in b_items)
    text_b = squash(text_of(render(Request(module, "teacher", "B", "a4"), sources)))
    key_table = text_b[text_b.index("Answer key · Form B"):]
    for number, item in enumerate(b_items, start=1):
        assert f"{number} " in key_table and squash(key_for(item, b_layout)) in key_table
    single = module.item("q-single")
    assert key_for(single, a_layout) in ("A", "B")


def test_paper_sizes(built):
    module, sources = built
    a4 = pypdf.PdfReader(io.BytesIO(render(Request(module, "student", "A", "a4"), sources))).pages[0].mediabox
    letter = pypdf.PdfReader(io.BytesIO(render(Request(module, "student", "A", "letter"), sources))).pages[0].mediabox
    assert (round(float(a4.width)), round(float(a4.height))) == (595, 842)
    assert (round(float(letter.width)), round(float(letter.height))) == (612, 792)


def test_pdf_metadata(student_pdf):
    reader = pypdf.PdfReader(io.BytesIO(student_pdf))
    assert reader.metadata.title.startswith("A sample module — Student edition")
    assert reader.metadata.author == "Corroborate"
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en" and "/StructTreeRoot" in root                # tagged PDF (PDF/UA)


def test_the_fetcher_refuses_files_and_the_network():
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        server.settimeout(0.2)
        port = server.getsockname()[1]
        html = (f'<html><head><link rel="attachment" href="file:///etc/hostname">'
                f'<link rel="stylesheet" href="http://127.0.0.1:{port}/x.css"></head><body><p>Visible</p>'
                f'<img src="file:///etc/passwd"><img src="http://127.0.0.1:{port}/a.png">'
                f'<iframe src="file:///etc/passwd"></iframe><object data="file:///etc/passwd"></object></body></html>')
        pdf = render_pdf(html)
        with pytest.raises(socket.timeout):
            server.accept()                         # nothing ever connected
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    text = text_of(pdf)
    assert "Visible" in text and "root:" not in text
    assert not reader.attachments
    with open("/etc/hostname", "rb") as handle:
        assert handle.read().strip() not in pdf
    assert b"root:x:0:0" not in pdf


def test_module_markdown_cannot_pull_in_local_files(built, student_pdf):
    # the fixture's Context tries <img src="file:///etc/passwd" onerror=...>
    assert b"root:x:0:0" not in student_pdf and "etc/passwd" not in text_of(student_pdf)


def test_teacher_edition_is_for_teachers_only(app):
    f.user(app, "ana")
    assert app.test_client().get("/modules/sample/handout.pdf?edition=teacher").status_code == 403
    student = app.test_client()
    login(student, "ana", f.PASSWORD)
    assert student.get("/modules/sample/handout.pdf?edition=teacher").status_code == 403


def test_bad_handout_parameters_are_400(app):
    client = app.test_client()
    assert client.get("/modules/sample/handout.pdf?paper=a3").status_code == 400
    assert client.get("/modules/sample/handout.pdf?form=AB").status_code == 400
    assert client.get("/modules/nope/handout.pdf").status_code == 404


def _state_url(page) -> str:
    return re.search(r'data-state-url="([^"]+)"', page.get_data(as_text=True))[1]


def _wait_for_job(client, state_url: str, seconds: float = 120) -> dict:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        state = client.get(state_url).get_json()
        if state["state"] != "waiting":
            return state
        time.sleep(0.3)
    raise AssertionError("the job did not finish")


def test_cold_request_becomes_a_job_for_the_worker_then_serves_the_cached_file(app, worker):
    worker.start()
    client = app.test_client()
    url = "/modules/sample/handout.pdf?edition=student&form=C&paper=letter"
    first = client.get(url)
    assert first.status_code == 202 and "Preparing your handout" in first.get_data(as_text=True)
    assert first.headers["Cache-Control"] == "no-store"
    again = client.get(url)                          # a second teacher, or a refresh: the same job
    assert _state_url(again) == _state_url(first)
    assert _wait_for_job(client, _state_url(first)) == {"state": "done", "reason": None}
    response = client.get(url)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "Student edition · Form C" in text_of(response.data)
    response.close()


def test_a_queued_handout_survives_a_restart_of_the_web_server(tmp_path, corpus, corpus_cache, sqlite_template,
                                                               worker):
    url = "/modules/sample/handout.pdf?edition=student&form=R&paper=letter"
    (tmp_path / "before").mkdir()
    (tmp_path / "after").mkdir()
    before = sqlite_app(tmp_path / "before", corpus, corpus_cache, sqlite_template)
    state_url = _state_url(before.test_client().get(url))             # queued while no worker runs
    after = sqlite_app(tmp_path / "after", corpus, corpus_cache, sqlite_template)    # the web server restarted
    assert after.test_client().get(state_url).get_json()["state"] == "waiting"
    worker.start()
    assert _wait_for_job(after.test_client(), state_url)["state"] == "done"
    response = after.test_client().get(url)
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    response.close()


def test_a_failed_job_says_why(app, worker):
    from dataclasses import replace

    from corroborate import jobs
    from corroborate.web.state import unit
    with app.app_context():
        edited = replace(unit(app).module("sample"), version="an-older-version")
    job_id = jobs.request_handout(Request(edited, "student", "S", "letter"))
    worker.start()
    state = _wait_for_job(app.test_client(), f"/handouts/jobs/{job_id}")
    assert state == {"state": "failed",
                     "reason": "The module has changed since this handout was asked for: ask for it again."}


def test_teacher_gets_a_class_set_with_every_students_name(app):
    app.config["HANDOUTS_SYNC"] = True
    ids = f.world(app)
    client = app.test_client()
    login(client, "teacher-a", f.PASSWORD)
    response = client.get(f"/teach/assignments/{ids['assignment_a']}/class-set.pdf")
    assert response.status_code == 200
    text = text_of(response.data)
    response.close()
    assert "Student-A" in text and "Student-A2" in text
    students_pages = text.split("Answer key · Form A")[0]
    assert "Key:" not in students_pages and "Student edition · Form B · " in students_pages
    assert "For the teacher · Answer keys" in text
    other = app.test_client()
    login(other, "teacher-b", f.PASSWORD)
    assert other.get(f"/teach/assignments/{ids['assignment_a']}/class-set.pdf").status_code == 404


def test_cli_writes_a_handout(runner, tmp_path):
    target = tmp_path / "h.pdf"
    result = runner.invoke(args=["handout", "sample", "--edition", "teacher", "--form", "B", "--paper", "letter",
                                 "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert "Teacher edition · Form B" in text_of(target.read_bytes())
