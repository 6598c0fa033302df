"""The editorial gates of ``flask curriculum check`` (issue #25), each failing on modules copied from the curriculum
as it was before the issue, and passing once the fault is fixed."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from corroborate.curriculum.build import check

GATES = Path(__file__).resolve().parents[1] / "fixtures" / "curriculum" / "gates"


def folder_with(tmp_path: Path, name: str, text: str | None = None) -> Path:
    """A curriculum folder holding one module: a gate fixture, or ``text`` as that module."""
    folder = tmp_path / "curriculum"
    folder.mkdir(parents=True, exist_ok=True)
    module_text = text if text is not None else (GATES / f"{name}.md").read_text(encoding="utf-8")
    module_id = re.search(r"^id: (\S+)$", module_text, re.MULTILINE)[1]
    (folder / "unit.yaml").write_text(f"title: T\nintroduction: I\nmodules: [{module_id}]\n", encoding="utf-8")
    (folder / f"{name}.md").write_text(module_text, encoding="utf-8")
    return folder


def messages(corpus, folder: Path, severity: str | None = None) -> list[str]:
    return [str(p) for p in check(folder, corpus) if severity is None or p.severity == severity]


def fixture_text(name: str) -> str:
    return (GATES / f"{name}.md").read_text(encoding="utf-8")


def line_of(text: str, fragment: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), start=1) if fragment in line)


# Gate 1: one passage range per excerpt.

def test_an_excerpt_stitched_from_pieces_pages_apart_is_an_error_that_gives_the_span(corpus, tmp_path):
    text = fixture_text("kirov-cuts")
    found = messages(corpus, folder_with(tmp_path, "kirov-cuts"), "error")
    quote_line = line_of(text[text.index("  - id: gn-commentary"):], "    quote:") + line_of(text, "id: gn-comm") - 1
    (span,) = [m for m in found if "'gn-commentary': its pieces span" in m]
    assert span.startswith(f"curriculum/kirov-cuts.md:{quote_line}: excerpt 'gn-commentary': its pieces span ")
    words = int(re.search(r"span (\d+) words", span)[1])
    assert words > 1000 and "getty-naumov-1999:p770 to getty-naumov-1999:p789" in span
    assert "make the distant passages separate excerpts" in span


def test_one_passage_cut_to_its_relevant_sentences_has_no_span_error(corpus, tmp_path):
    text = fixture_text("kirov-cuts")
    # the first two sentences of gn-commentary's first piece, on one page
    quote = ("In the 1930s various writers called into question the official Stalinist story of an assassin working at "
             "the behest of an anti-Soviet criminal conspiracy. […] The Letter of an Old Bolshevik (Boris Nicolaevsky, "
             "1936) suggested that Kirov's killing was related to power struggles within the Politburo")
    start = text.index("    quote: >-", text.index("  - id: gn-commentary"))
    end = text.index("\n\n", start)
    fixed = text[:start] + f"    quote: \"{quote}\"" + text[end:]
    found = messages(corpus, folder_with(tmp_path, "kirov-cuts", fixed))
    assert not any("'gn-commentary': its pieces span" in m for m in found)
    assert any("'goldman': its pieces span" in m for m in found)    # the other stitched excerpt still fails


# Gate 2: cuts that remove a hedge, a negation or a person of the question.

def test_a_cut_that_removes_a_hedge_is_a_warning_quoting_the_removed_sentence(corpus, tmp_path):
    found = messages(corpus, folder_with(tmp_path, "kirov-cuts"), "warning")
    (getty,) = [m for m in found if "'compilation-getty': the […] number 2" in m]
    assert "warning: excerpt 'compilation-getty'" in getty
    assert "elisions: [{at: 2, cut:" in getty
    commentary = [m for m in found if "'gn-commentary': the […] number" in m]
    assert len(commentary) == 4 and any("names Kirov" in m for m in commentary)


def test_the_cut_of_may_implicate_the_police_is_among_the_listed_sentences(corpus):
    from corroborate.curriculum.gates import between, flagged_sentences, pieces
    text = corpus.source_text("real-stalin-trials-2011")
    quote = yaml.safe_load(fixture_text("kirov-cuts").split("---")[1])["excerpts"][2]["quote"]
    placed = pieces(quote, text)
    removed = between(text, placed[1].end, placed[2].start)
    flagged = [sentence for sentence, _ in flagged_sentences(removed, {"Kirov", "Sergei"})]
    assert any("this evidence may implicate the police" in s for s in flagged)
    assert any("suggested police complicity" in s for s in flagged)


def test_a_cut_confirmed_by_an_elisions_note_is_not_reported(corpus, tmp_path):
    text = fixture_text("kirov-cuts").replace(
        "  - id: compilation-getty\n",
        "  - id: compilation-getty\n    elisions:\n      - {at: 2, cut: Getty's evidence that may implicate the police, "
        "why: the headnote tells students that Getty also weighs police complicity}\n", 1)
    found = messages(corpus, folder_with(tmp_path, "kirov-cuts", text))
    assert not any("'compilation-getty': the […] number 2" in m for m in found)
    assert any("'compilation-getty': the […] number 1" in m or "'gn-commentary': the […]" in m for m in found)


# Gate 3: quiz keys.

def test_the_two_giveaway_pairs_of_the_issue_are_errors_at_the_giving_item(corpus, tmp_path):
    text = fixture_text("giveaways")
    found = messages(corpus, folder_with(tmp_path, "giveaways"), "error")
    conclusion, krestinsky = line_of(text, "id: q-confession-conclusion"), line_of(text, "id: q-krestinsky-explains")
    assert (f"curriculum/giveaways.md:{conclusion}: item 'q-confession-conclusion': its prompt or options give away "
            f"the answer to item 'q-short-smirnov' (\"Smirnov\")") in " ".join(found)
    assert (f"curriculum/giveaways.md:{krestinsky}: item 'q-krestinsky-explains': its prompt or options give away "
            f"the answer to item 'q-who-denied' (\"Krestinsky\")") in " ".join(found)


def test_keys_always_first_and_longest_are_errors(corpus, tmp_path):
    found = messages(corpus, folder_with(tmp_path, "giveaways"), "error")
    assert any("the correct option is option 1 in 4 of the 4 single-choice items (more than half)" in m
               for m in found)
    assert any("the correct option is the longest in 4 of the 4 single-choice items" in m for m in found)


def test_a_bare_name_as_a_short_answer_is_a_warning(corpus, tmp_path):
    found = messages(corpus, folder_with(tmp_path, "giveaways"), "warning")
    assert any("item 'q-short-smirnov': the answer is a bare name (Smirnov)" in m for m in found)
    assert any("item 'q-who-denied': the answer is a bare name (Krestinsky)" in m for m in found)


def quiz_module(items: list[dict]) -> str:
    front = {"id": "quiz", "title": "A quiz", "question": "How do the sources disagree?", "level": "Ages 15-18",
             "duration": "1 lesson of 50 minutes", "objectives": ["Answer."],
             "timing": [{"lesson": 1, "minutes": 50, "activity": "The quiz."}],
             "glossary": [], "timeline": [], "excerpts": [], "exercises": [], "items": items}
    return f"---\n{yaml.safe_dump(front, sort_keys=False)}---\n\n# Context\n\nThe trials.\n\n# Teacher notes\n\nGo.\n"


def single(n: int, key_at: int) -> dict:
    options = [{"text": f"Answer {chr(65 + k)} of question {n}"} for k in range(4)]
    options[key_at]["correct"] = True
    return {"id": f"q-{n}", "type": "single", "skill": "sourcing", "prompt": f"Question {n}?", "options": options}


def multiple(n: int, keys: tuple[int, ...]) -> dict:
    options = [{"text": f"Choice {chr(65 + k)} of question {n}"} for k in range(4)]
    for k in keys:
        options[k]["correct"] = True
    return {"id": f"m-{n}", "type": "multiple", "skill": "sourcing", "prompt": f"Which of {n}?", "options": options}


def test_keys_spread_over_positions_and_lengths_pass(corpus, tmp_path):
    items = [single(n, n % 4) for n in range(4)] + [multiple(n, keys) for n, keys in
                                                     enumerate([(0, 2), (1, 3), (2,), (1, 2)])]
    assert messages(corpus, folder_with(tmp_path, "quiz", quiz_module(items))) == []


def test_multiple_response_keys_that_always_come_first_are_an_error(corpus, tmp_path):
    items = [multiple(n, keys) for n, keys in enumerate([(0, 1), (0,), (0, 1, 2), (0, 1)])]
    found = messages(corpus, folder_with(tmp_path, "quiz", quiz_module(items)), "error")
    assert any("option 1 holds 4 of the 9 correct options" in m or "come first in 4 of the 4" in m for m in found)
    items = [multiple(n, keys) for n, keys in enumerate([(0, 1), (1, 2), (0, 1, 2), (0, 1)])]
    found = messages(corpus, folder_with(tmp_path / "b", "quiz", quiz_module(items)), "error")
    assert any("the correct options come first in 3 of the 4 multiple-response items" in m for m in found)


def test_fewer_than_four_items_of_a_type_are_not_judged_for_position(corpus, tmp_path):
    items = [single(n, 0) for n in range(3)]
    assert messages(corpus, folder_with(tmp_path, "quiz", quiz_module(items))) == []


# Gate 4: internal words in rendered text.

def test_ids_seeds_file_names_and_commands_in_rendered_text_are_errors_at_their_lines(corpus, tmp_path):
    text = fixture_text("kirov-leaks")
    found = messages(corpus, folder_with(tmp_path, "kirov-leaks"), "error")
    at = {fragment: line_of(text, fragment) for fragment in
          ("Excerpts `cc-letter`", "`goldman` with", "the seeds do not agree", "The seeds disagree",
           "`corpus search`", "run `flask curriculum check`", "Read excerpt cc-letter")}
    expected = [
        (at["Excerpts `cc-letter`"], "teacher notes: shows the excerpt id 'cc-letter'"),
        (at["`goldman` with"], "teacher notes: shows the excerpt id 'goldman'"),
        (at["the seeds do not agree"], "context: shows the word 'seeds'"),
        (at["The seeds disagree"], "teacher notes: shows the word 'seeds'"),
        (at["`corpus search`"], "teacher notes: shows the command 'corpus search'"),
        (at["run `flask curriculum check`"], "teacher notes: shows the command 'flask curriculum'"),
        (at["run `flask curriculum check`"], "teacher notes: shows the file name 'kirov.md'"),
        (at["Read excerpt cc-letter"], "timing: shows the excerpt id 'cc-letter'"),
    ]
    for line, message in expected:
        assert any(m.startswith(f"curriculum/kirov-leaks.md:{line}: {message}") for m in found), (message, found)
    assert all("printed titles or numbers (\"Document 3\")" in m for m in found if "shows" in m)


def _clean_kirov_leaks() -> str:
    """The kirov-leaks fixture with its leaks fixed (it passes the check)."""
    text = fixture_text("kirov-leaks")
    notes = text.index("# Teacher notes")
    fixed = text[:notes] + ("# Teacher notes\n\nRead Documents 1 and 2; Goldman calls the letter a turning point. "
                            "Ask who printed the letter.\n")
    return fixed.replace("seeds do not agree", "sources do not agree").replace("excerpt cc-letter", "Document 1")


def _leaky_generator(module, sources, rng):
    from corroborate.items import Item
    yield Item("gen-leak-1", "essay", "<p>Compare the seeds with goldman-2008.</p>", "sourcing", generated=True)


def test_prose_that_names_a_historian_like_an_id_is_not_an_internal_word(corpus, tmp_path):
    assert messages(corpus, folder_with(tmp_path, "kirov-leaks", _clean_kirov_leaks()), "error") == []


GENERATED_LEAKS = ("generated item (gen-leak-1, from the excerpts' titles and the source list): shows the word "
                   "'seeds'", "generated item (gen-leak-1, from the excerpts' titles and the source list): shows the "
                   "source id 'goldman-2008'")


def test_a_generated_item_that_shows_an_internal_word_is_an_error_at_the_excerpts_line(corpus, tmp_path,
                                                                                       monkeypatch):
    from corroborate.curriculum.build import load_all
    from corroborate.quiz import generate
    text = _clean_kirov_leaks()
    module = load_all(folder_with(tmp_path, "kirov-leaks", text), corpus)[1][0]
    assert generate.generated_problems(module, corpus) == []
    monkeypatch.setitem(generate.GENERATORS, "leak", _leaky_generator)
    found = [str(p) for p in generate.generated_problems(module, corpus)]
    line = line_of(text, "excerpts:")
    for message in GENERATED_LEAKS:
        assert any(m.startswith(f"curriculum/kirov-leaks.md:{line}: {message}") for m in found), (message, found)
    assert all("printed titles or numbers (\"Document 3\")" in m for m in found)


def test_curriculum_check_and_build_fail_on_a_generated_item_that_shows_an_internal_word(corpus, corpus_cache,
                                                                                         tmp_path, monkeypatch):
    from app import create_app
    from corroborate.quiz import generate
    folder = folder_with(tmp_path, "kirov-leaks", _clean_kirov_leaks())
    monkeypatch.setenv("CORROBORATE_INSTANCE", str(tmp_path / "instance"))

    def run(*args):
        app = create_app({"SECRET_KEY": "x", "CACHE_DIR": str(corpus_cache), "CURRICULUM_DIR": str(folder)})
        app.extensions["corroborate.corpus"] = corpus
        return app.test_cli_runner().invoke(args=["curriculum", *args])
    assert run("check").exit_code == 0
    monkeypatch.setitem(generate.GENERATORS, "leak", _leaky_generator)
    for command in ("check", "build"):
        result = run(command)
        assert result.exit_code == 1, (command, result.output)
        for message in GENERATED_LEAKS:
            assert f"curriculum/kirov-leaks.md:{line_of(_clean_kirov_leaks(), 'excerpts:')}: {message}" in \
                result.output, (command, result.output)
    from corroborate.curriculum.build import CurriculumError
    from corroborate.web.state import unit
    app = create_app({"SECRET_KEY": "x", "CACHE_DIR": str(corpus_cache), "CURRICULUM_DIR": str(folder)})
    app.extensions["corroborate.corpus"] = corpus
    with pytest.raises(CurriculumError) as refused:                  # nor does the web app serve such a unit
        unit(app)
    assert any("shows the word 'seeds'" in str(p) for p in refused.value.problems)


# Gate 5: reading load and timing.

def test_a_long_headnote_is_an_error_and_a_lesson_overrun_is_an_error(corpus, tmp_path):
    text = fixture_text("kirov-cuts")
    found = messages(corpus, folder_with(tmp_path, "kirov-cuts"), "error")
    headnote = line_of(text, "  - id: compilation-getty") + 3
    assert any(m.startswith(f"curriculum/kirov-cuts.md:{headnote}: excerpt 'compilation-getty': the headnote has 98 "
                            "words (at most 80)") for m in found)
    lesson_two = line_of(text, "{lesson: 2, minutes: 20")
    assert (f"curriculum/kirov-cuts.md:{lesson_two}: timing: lesson 2 adds up to 60 minutes, but the duration gives "
            "50 minutes per lesson; make its steps add up to exactly 50") in found


def test_documents_over_1200_words_are_a_warning(corpus, tmp_path):
    text = fixture_text("kirov-cuts")
    start = text.index("  - id: gn-commentary")
    excerpts = text[start:text.index("exercises:")]
    copies = "".join(excerpts.replace("  - id: ", f"  - id: copy{n}-") + "\n" for n in range(2))
    found = messages(corpus, folder_with(tmp_path, "kirov-cuts", text.replace("exercises:", copies + "exercises:")),
                     "warning")
    assert any(re.search(r"module: the documents total \d{4} words \(at most about 1200\)", m) for m in found)
    assert not any("documents total" in m for m in messages(corpus, folder_with(tmp_path / "b", "kirov-cuts")))


@pytest.mark.parametrize("name", ["kirov-cuts", "giveaways", "kirov-leaks"])
def test_every_gate_fixture_fails_the_check(corpus, tmp_path, name):
    assert messages(corpus, folder_with(tmp_path, name), "error")


def test_a_first_piece_that_is_a_common_word_is_placed_next_to_the_rest(corpus):
    """The locator takes the first "On" of the book that has the rest within reach; the span is measured from the
    "On" right before "[2] March 1938", not from one pages earlier."""
    from corroborate.curriculum.gates import between, pieces
    text = corpus.source_text("getty-naumov-1999")
    placed = pieces("On […] March 1938 the third and last", text)
    assert between(text, placed[0].start, placed[-1].end).split() == ["On", "[2]", "March", "1938", "the", "third",
                                                                  "and", "last"]


def test_the_unit_introduction_names_no_seeds_or_files(corpus, tmp_path):
    folder = folder_with(tmp_path, "kirov-leaks")
    (folder / "unit.yaml").write_text("title: T\nintroduction: Read the seeds in seeds/sources.yaml.\n"
                                      "modules: [kirov-leaks]\n", encoding="utf-8")
    found = {m for m in messages(corpus, folder, "error") if m.startswith("curriculum/unit.yaml")}
    assert found == {"curriculum/unit.yaml:1: unit: shows the word 'seeds' (say: the sources, the documents), an "
                     "internal word students and teachers should not see; name sources by author and title",
                     "curriculum/unit.yaml:1: unit: shows the file name 'seeds/sources.yaml', an internal word "
                     "students and teachers should not see; name sources by author and title"}


# No excerpt in two modules (issue #27).

def test_an_excerpt_another_module_already_quotes_is_an_error_naming_that_module(corpus, tmp_path):
    """A copy of the shipped kirov module under another id quotes every one of kirov's documents again: each repeat
    is an error in the copy (the later file), at its excerpt, naming kirov and its excerpt; kirov stays clean."""
    folder = tmp_path / "curriculum"
    folder.mkdir()
    shipped = Path(__file__).resolve().parents[2] / "curriculum" / "kirov.md"
    kirov = shipped.read_text(encoding="utf-8")
    copy = kirov.replace("id: kirov", "id: purge-again", 1)
    (folder / "kirov.md").write_text(kirov, encoding="utf-8")
    (folder / "purge-again.md").write_text(copy, encoding="utf-8")
    (folder / "unit.yaml").write_text("title: T\nintroduction: I\nmodules: [kirov, purge-again]\n", encoding="utf-8")
    found = [m for m in messages(corpus, folder, "error") if "already quotes" in m]
    excerpt_ids = re.findall(r"^  - id: (\S+)\n    source:", kirov, re.MULTILINE)
    assert len(found) == len(excerpt_ids) >= 4
    first = excerpt_ids[0]
    where, message = found[0].split(": ", 1)
    assert where.startswith("curriculum/purge-again.md:")
    assert int(where.rsplit(":", 1)[1]) >= line_of(copy, f"  - id: {first}")
    assert message.startswith(f"excerpt '{first}' quotes text that module 'kirov' already quotes in its excerpt "
                              f"'{first}'")
    assert "no excerpt appears in two modules" in message


def test_two_modules_quoting_different_sentences_of_one_source_are_not_repeats(corpus, tmp_path):
    curriculum = Path(__file__).resolve().parents[2] / "curriculum"
    assert not [str(p) for p in check(curriculum, corpus) if "already quotes" in str(p)]
