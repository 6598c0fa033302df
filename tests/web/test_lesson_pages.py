"""The unit page, the lesson page and the side-by-side view (fixture curriculum)."""
from __future__ import annotations

import re
import shutil
from datetime import datetime, timezone

from app import create_app
from tests.conftest import FIXTURE_CURRICULUM


def test_unit_page_lists_modules(client):
    page = client.get("/").get_data(as_text=True)
    assert "Test unit" in page and "A unit used by the tests." in page
    assert 'href="/modules/sample"' in page


def test_lesson_renders_every_excerpt_headnote_and_citation(client, app):
    page = client.get("/modules/sample").get_data(as_text=True)
    assert "How do the sources disagree?" in page
    for text in ("The Leningrad NKVD arrested an additional 843 former Zinovievites",
                 "Goldman, an archival historian, counts arrests.",
                 "On [2] March 1938 the third and last of the Moscow show trials",
                 "swallowed the bait […] of the trial"):
        assert text in page
    # full citation with page, and the record's original work "quoted in" the compilation
    assert "Oleg V. Naumov, <cite>The Road to Terror" in page and ", p. 525" in page
    assert "Davies, Joseph E., <cite>Mission to Moscow</cite> (c1941), p. 82 — quoted in <cite>Moscow Trials</cite>" in page
    assert re.search(r'href="/sources/getty-naumov-1999(/chapters/\d+)?#p\d+"', page) and "Read in context" in page


def test_lesson_marks_glossary_terms_and_shows_the_timeline(client):
    page = client.get("/modules/sample").get_data(as_text=True)
    assert '<a class="term" href="#term-nkvd">NKVD</a>' in page and 'id="term-nkvd"' in page
    assert '<time datetime="1938-03-02">' in page
    assert "8 questions" in page


def test_lesson_never_shows_keys_or_teacher_material(client):
    page = client.get("/modules/sample").get_data(as_text=True)
    assert "Use the show trial material with care." not in page       # teacher notes
    assert "Rogovin writes decades later" not in page                 # rubric sample answer
    assert "Davies is the one judged" not in page                     # per-option feedback


def test_markdown_is_sanitized_on_the_page(client):
    page = client.get("/modules/sample").get_data(as_text=True)
    assert "alert(1)" not in page and "onerror" not in page and "file:///etc/passwd" not in page


def test_comparison_view_shows_the_excerpts_side_by_side(client):
    page = client.get("/modules/sample/exercises/compare-davies").get_data(as_text=True)
    assert 'class="columns columns-2"' in page
    assert "swallowed the bait" in page and "widespread conspiracy existed" in page
    assert "Where do these documents" in page and "<script>" not in page


def test_unknown_module_and_exercise_are_404(client):
    assert client.get("/modules/nope").status_code == 404
    assert client.get("/modules/sample/exercises/nope").status_code == 404


def test_curriculum_check_fails_with_file_and_line(tmp_path, corpus, corpus_cache, monkeypatch):
    folder = tmp_path / "curriculum"
    shutil.copytree(FIXTURE_CURRICULUM, folder)
    sample = folder / "sample.md"
    sample.write_text(sample.read_text().replace("swallowed the bait […]", "swallowed the hook […]"))
    monkeypatch.setenv("CORROBORATE_INSTANCE", str(tmp_path / "instance"))
    app = create_app({"SECRET_KEY": "x", "CACHE_DIR": str(corpus_cache), "CURRICULUM_DIR": str(folder)})
    app.extensions["corroborate.corpus"] = corpus
    result = app.test_cli_runner().invoke(args=["curriculum", "check"])
    assert result.exit_code == 1
    assert "curriculum/sample.md:36: excerpt 'bait': not found in rogovin-2009" in result.output


def test_shared_pages_are_served_from_memory_only_to_visitors_without_a_session(app):
    anonymous = app.test_client()
    first = anonymous.get("/modules/sample")
    assert ("/modules/sample?", "public") in app.wsgi_app.pages
    again = anonymous.get("/modules/sample")
    assert again.data == first.data and again.headers["Content-Security-Policy"]
    assert "Sign in" in again.get_data(as_text=True) and "Teacher edition with key" not in again.get_data(as_text=True)


def signed_in(app, username, role="student"):
    from tests import factories as f
    from tests.conftest import login
    f.user(app, username, role)
    client = app.test_client()
    login(client, username, f.PASSWORD)
    return client


def header_token(page: str) -> str:
    return re.search(r'action="/logout">\s*<input type="hidden" name="csrf_token" value="([^"]+)"', page)[1]


def test_signed_in_visitors_get_the_shared_lesson_with_their_own_header(app):
    rivera, ana, ben = signed_in(app, "rivera", "teacher"), signed_in(app, "ana"), signed_in(app, "ben")
    pages = {}
    for name, client in (("rivera", rivera), ("ana", ana), ("ben", ben)):
        for _ in range(3):                 # the first views render; the later ones come from the page cache
            pages[name] = client.get("/modules/sample")
    assert len(app.wsgi_app.visitors) == 3
    for name, response in pages.items():
        page = response.get_data(as_text=True)
        assert f"Sign out {name}" in page and page.count("Sign out") == 1
        assert response.headers["Cache-Control"] == "private, no-cache"
    assert "Teacher edition with key and rubrics" in pages["rivera"].get_data(as_text=True)
    for student in ("ana", "ben"):
        assert "Teacher edition with key" not in pages[student].get_data(as_text=True)
        assert "Assignments" in pages[student].get_data(as_text=True)
    # each header carries its own visitor's CSRF token, which signs that visitor out
    token = header_token(pages["ana"].get_data(as_text=True))
    assert token != header_token(pages["ben"].get_data(as_text=True))
    assert ana.post("/logout", data={"csrf_token": token}).status_code == 302
    assert "Sign in" in ana.get("/modules/sample").get_data(as_text=True)


def test_a_session_revoked_elsewhere_stops_getting_the_cached_page_at_once(app):
    from corroborate.web.extensions import db
    from corroborate.web.models import LoginSession
    rivera = signed_in(app, "rivera", "teacher")
    for _ in range(3):
        assert "Teacher edition with key" in rivera.get("/modules/sample").get_data(as_text=True)
    with app.app_context():          # a password reset elsewhere revokes every session of the account
        for login_session in db.session.query(LoginSession):
            login_session.revoked_at = datetime.now(timezone.utc).replace(tzinfo=None)
        db.session.commit()
    page = rivera.get("/modules/sample").get_data(as_text=True)
    assert "Teacher edition with key" not in page and "Sign out rivera" not in page and "Sign in" in page


def test_a_waiting_message_is_shown_on_a_shared_page(app):
    from tests import factories as f
    ana = signed_in(app, "ana")
    for _ in range(2):
        ana.get("/modules/sample")
    teacher = f.user(app, "rivera", "teacher")
    code = f.join_code(app, f.classroom(app, teacher))
    ana.post("/learn/join", data={"code": code, "csrf_token": header_token(ana.get("/modules/sample").get_data(
        as_text=True))})
    page = ana.get("/modules/sample").get_data(as_text=True)
    assert "You joined History 10B." in page
    assert "You joined" not in ana.get("/modules/sample").get_data(as_text=True)


def test_a_browser_holding_the_page_gets_a_304_that_names_the_visitor(app):
    ana = signed_in(app, "ana")
    for _ in range(3):
        first = ana.get("/modules/sample")
    assert ana.get("/modules/sample", headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    ben = signed_in(app, "ben")
    ben.get("/modules/sample")
    theirs = ben.get("/modules/sample", headers={"If-None-Match": first.headers["ETag"]})
    assert theirs.status_code == 200 and "Sign out ben" in theirs.get_data(as_text=True)
    anonymous = app.test_client()
    anonymous.get("/modules/sample")
    assert anonymous.get("/modules/sample", headers={"If-None-Match": first.headers["ETag"]}).status_code == 200
