"""The validator: every kind of broken module is rejected with the right file:line, and the fixture module builds."""
from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest

from corroborate.curriculum.build import CurriculumError, build_unit, check

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "curriculum"
SAMPLE = (FIXTURE / "sample.md").read_text(encoding="utf-8")


def broken(tmp_path: Path, old: str, new: str) -> Path:
    assert old in SAMPLE, f"fixture no longer contains {old!r}"
    folder = tmp_path / "curriculum"
    folder.mkdir(parents=True)
    shutil.copy(FIXTURE / "unit.yaml", folder / "unit.yaml")
    (folder / "sample.md").write_text(SAMPLE.replace(old, new, 1), encoding="utf-8")
    return folder


def errors(corpus, folder: Path) -> list[str]:
    return [str(p) for p in check(folder, corpus) if p.severity == "error"]


def test_the_fixture_module_is_valid(corpus):
    assert errors(corpus, FIXTURE) == []


CASES = {
    "changed word": (
        "swallowed the bait […] of the trial", "swallowed the hook […] of the trial",
        "curriculum/sample.md:36: excerpt 'bait': not found in rogovin-2009; nearest rogovin-2009:p",
    ),
    "wrong source": (
        "    source: rogovin-2009\n", "    source: goldman-2008\n",
        "curriculum/sample.md:36: excerpt 'bait': not found in goldman-2008, but found in rogovin-2009",
    ),
    "unknown source": (
        "    source: rogovin-2009\n", "    source: rogovin-2010\n",
        "curriculum/sample.md:34: excerpt 'bait': unknown source 'rogovin-2010' (did you mean 'rogovin-2009'?)",
    ),
    "duplicate id": ("  - id: bait\n", "  - id: arrests\n", "curriculum/sample.md:33: excerpt 'arrests': id already used on line 25"),
    "dangling reference": (
        "    excerpts: [bait]\n", "    excerpts: [bate]\n",
        "curriculum/sample.md:58: item 'q-single': unknown excerpt 'bate' (did you mean 'bait'?)",
    ),
    "two correct options": (
        "      - {text: Davies, feedback: No; Davies is the one judged.}",
        "      - {text: Davies, correct: true}",
        "curriculum/sample.md:60: item 'q-single': a single-choice item needs exactly one correct option (found 2)",
    ),
    "true/false without a boolean": (
        "    answer: false\n", "    answer: maybe\n", "curriculum/sample.md:75: item 'q-tf': 'answer' should be true or false",
    ),
    "invalid date": (
        "  - date: 1938-03-02\n", "  - date: 1938-02-30\n",
        "curriculum/sample.md:20: timeline: '1938-02-30' is not a valid date",
    ),
    "unknown skill": (
        "    skill: corroboration\n    title: Two views", "    skill: corroborating\n    title: Two views",
        "curriculum/sample.md:45: exercise 'compare-davies': unknown skill 'corroborating'",
    ),
    "misspelt field": (
        "    headnote: Getty and Naumov", "    headnot: Getty and Naumov",
        "curriculum/sample.md:31: excerpt 'third-trial': unknown field 'headnot' (did you mean 'headnote'?)",
    ),
    "undefined claim": (
        "    claims: {trial-genuine: no}", "    claims: {trial-fake: no}",
        "curriculum/sample.md:37: excerpt 'bait': claim 'trial-fake' is not defined in the module's claims",
    ),
    "cloze without blanks": (
        "text: The Leningrad {{NKVD}} arrested an additional {{843}} former {{Zinovievites|Zinovievists}}",
        "text: The Leningrad NKVD arrested an additional 843 former Zinovievites",
        "curriculum/sample.md:100: item 'q-cloze': a cloze text needs at least one blank",
    ),
    "malformed YAML": ("    answer: false\n", "    answer: [false\n", "curriculum/sample.md:76: malformed YAML"),
    "unmarked erratum": (
        "quote: On [2] March 1938 the third", "quote: On 2 March 1938 the third",
        "curriculum/sample.md:32: excerpt 'third-trial': the source's text is emended here",
    ),
    "missing section": ("# Teacher notes\n", "# Notes for teachers\n", "curriculum/sample.md:120: unknown section '# Notes for teachers'"),
    "timing does not fill a lesson": (
        "  - {lesson: 1, minutes: 10, activity: Plenary.}\n", "  - {lesson: 1, minutes: 20, activity: Plenary.}\n",
        "curriculum/sample.md:111: timing: lesson 1 adds up to 60 minutes, but the duration gives 50 minutes",
    ),
    "timing for a lesson the duration does not have": (
        "  - {lesson: 1, minutes: 10, activity: Plenary.}\n", "  - {lesson: 2, minutes: 10, activity: Plenary.}\n",
        "curriculum/sample.md:113: timing: lesson 2 is beyond the duration (1 lesson of 50 minutes)",
    ),
    "timing with minutes that are not a number": (
        "minutes: 30, activity: Read", "minutes: half an hour, activity: Read",
        "curriculum/sample.md:112: timing step: 'minutes' should be a whole number above 0, not 'half an hour'",
    ),
    "no timing": (
        "timing:\n  - {lesson: 1, minutes: 10, activity: \"Starter: what makes a source disagree?\"}\n"
        "  - {lesson: 1, minutes: 30, activity: Read the documents and answer the quiz.}\n"
        "  - {lesson: 1, minutes: 10, activity: Plenary.}\n", "",
        "curriculum/sample.md:2: module: missing 'timing'",
    ),
    "duration without minutes": (
        "duration: 1 lesson of 50 minutes", "duration: 1 lesson",
        "curriculum/sample.md:6: module: duration '1 lesson' should read 'N lessons of M minutes'",
    ),
    "author that is not text": (
        "    source: rogovin-2009\n", "    source: rogovin-2009\n    author: [Rogovin, Trotsky]\n",
        "curriculum/sample.md:35: excerpt 'bait': 'author' should be text",
    ),
    "elision beyond the quotation's cuts": (
        "    claims: {trial-genuine: no}", "    claims: {trial-genuine: no}\n    elisions:\n"
        "      - {at: 2, cut: the trial's name, why: the headnote names it}",
        "curriculum/sample.md:39: excerpt 'bait': elision at 2, but the quotation has 1 '[…]'",
    ),
    "elision without a reason": (
        "    claims: {trial-genuine: no}", "    claims: {trial-genuine: no}\n    elisions:\n      - {at: 1, cut: a name}",
        "curriculum/sample.md:39: excerpt 'bait': elision: missing 'why'",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_kind_of_error_is_reported_at_its_line(corpus, tmp_path, case):
    old, new, expected = CASES[case]
    found = errors(corpus, broken(tmp_path, old, new))
    assert any(message.startswith(expected) for message in found), found


def test_a_miss_names_the_first_differing_words(corpus, tmp_path):
    folder = broken(tmp_path, "swallowed the bait […] of the trial", "swallowed the hook […] of the trial")
    (message,) = errors(corpus, folder)
    assert 'differs at "hook' in message and 'vs "bait' in message


def test_style_warnings_do_not_fail_the_check(corpus, tmp_path):
    long_quote = " ".join(["word"] * 310)
    folder = broken(tmp_path, "    headnote: Goldman, an archival historian, counts arrests.\n",
                    "    headnote: Goldman, an archival historian, counts arrests.\n")
    text = (folder / "sample.md").read_text()
    (folder / "sample.md").write_text(text.replace("  - id: third-trial", f"  - id: long\n    source: goldman-2008\n"
                                                   f"    headnote: Too long.\n    quote: {long_quote}\n"
                                                   "  - id: third-trial"))
    problems = check(folder, corpus)
    assert any(p.severity == "warning" and "has 310 words" in p.message for p in problems)


def test_build_refuses_a_broken_curriculum(corpus, tmp_path):
    with pytest.raises(CurriculumError) as error:
        build_unit(broken(tmp_path, "    answer: false\n", "    answer: maybe\n"), corpus)
    assert len(error.value.problems) == 1


def test_build_sanitizes_markdown_and_versions_by_content(corpus, tmp_path):
    unit, _ = build_unit(FIXTURE, corpus)
    module = unit.modules[0]
    assert "<script" not in module.exercises[0].prompt and "onerror" not in module.context
    assert "file:///etc/passwd" not in module.context
    assert '<a class="term" href="#term-nkvd">NKVD</a>' in module.context
    again, _ = build_unit(broken(tmp_path, "# Context", "# Context"), corpus)
    assert again.modules[0].version == module.version
    changed, _ = build_unit(broken(tmp_path / "x", "A sample module", "A changed module"), corpus)
    assert changed.modules[0].version != module.version


def test_build_is_cached_per_module(corpus, tmp_path):
    folder = broken(tmp_path, "A sample module", "A sample module")
    cache = tmp_path / "cache"
    first, _ = build_unit(folder, corpus, cache)
    (cached,) = (cache / "modules").glob("sample.*.pickle")
    second, _ = build_unit(folder, corpus, cache)
    assert second.modules[0].version == first.modules[0].version
    assert list((cache / "modules").glob("sample.*.pickle")) == [cached]
    (folder / "sample.md").write_text(SAMPLE.replace("A sample module", "Another title"))
    build_unit(folder, corpus, cache)
    assert list((cache / "modules").glob("sample.*.pickle")) != [cached]


def test_threads_building_a_cold_cache_at_once_all_succeed(corpus, tmp_path):
    """Workers that start together (and threads of one worker) may build the same cache files at the same moment."""
    folder = broken(tmp_path, "A sample module", "A sample module")
    barrier, versions, errors = threading.Barrier(6), [], []

    def build():
        barrier.wait()
        try:
            versions.append(build_unit(folder, corpus, tmp_path / "cache")[0].modules[0].version)
        except Exception as error:   # noqa: BLE001 - reported below
            errors.append(error)
    threads = [threading.Thread(target=build) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors and len(set(versions)) == 1 and len(versions) == 6
    assert not list((tmp_path / "cache").rglob("*.tmp"))


def test_unit_yaml_names_a_missing_module_at_its_line(corpus, tmp_path):
    folder = broken(tmp_path, "A sample module", "A sample module")
    (folder / "unit.yaml").write_text("title: T\nintroduction: I\nmodules:\n  - sample\n  - kirvo\n")
    assert errors(corpus, folder) == ["curriculum/unit.yaml:5: module 'kirvo' is listed but no file defines it "
                                      "(files: sample)"]
