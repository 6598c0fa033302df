"""Grading is a pure function per item type, with partial credit where it makes sense."""
from __future__ import annotations

import pytest

from corroborate.items import Blank, Item, Level, Option, Pair, element_id, grade, normalize_answer, rubric_score


def choice(kind="single", correct=("b",)):
    return Item("q", kind, "Which?", "sourcing", options=tuple(
        Option(i, f"Option {i}", i in correct, f"feedback {i}") for i in "abcd"))


def test_single_choice_right_wrong_and_missing():
    item = choice()
    assert grade(item, "b").score == 1.0
    wrong = grade(item, "a")
    assert wrong.score == 0.0 and wrong.feedback == ("feedback a",)
    assert grade(item, None).score == 0.0
    assert grade(item, "zzz").score == 0.0


def test_true_false_uses_option_ids():
    item = Item("q", "truefalse", "True?", "close-reading",
                options=(Option("true", "True", False, "no"), Option("false", "False", True, "yes")))
    assert grade(item, "false").score == 1.0
    assert grade(item, "true").score == 0.0 and grade(item, "true").feedback == ("no",)


def test_multiple_response_gives_partial_credit_and_penalizes_wrong_choices():
    item = choice("multiple", correct=("a", "b"))
    assert grade(item, ["a", "b"]).score == 1.0
    assert grade(item, ["a"]).score == 0.5
    assert grade(item, ["a", "c"]).score == 0.0           # one right, one wrong
    assert grade(item, ["a", "b", "c"]).score == 0.5      # two right, one wrong
    assert grade(item, ["c", "d"]).score == 0.0           # never below zero
    assert grade(item, "a").score == 0.0                  # malformed answer


def test_matching_partial_credit_per_pair():
    pairs = (Pair("Goldman", "social historian"), Pair("Rogovin", "Trotskyist"), Pair("Davies", "ambassador"))
    item = Item("q", "matching", "Match", "sourcing", pairs=pairs, distractors=("prosecutor",))
    perfect = {p.left_id: p.right_id for p in pairs}
    assert grade(item, perfect).score == 1.0
    swapped = dict(perfect)
    swapped[pairs[0].left_id], swapped[pairs[1].left_id] = pairs[1].right_id, pairs[0].right_id
    assert grade(item, swapped).score == pytest.approx(1 / 3)
    assert grade(item, {}).score == 0.0
    # the right-hand choices include the distractor and do not follow the key's order
    assert "prosecutor" in [text for _, text in item.kind.right_options(item)]


def test_ordering_credits_pairs_in_the_right_relative_order():
    events = ("Kirov murdered", "First trial", "Second trial", "Third trial")
    item = Item("q", "ordering", "Order", "contextualization", sequence=events)
    ids = [element_id(e) for e in events]
    assert grade(item, ids).score == 1.0
    assert grade(item, ids[::-1]).score == 0.0
    one_swap = [ids[1], ids[0], ids[2], ids[3]]
    assert grade(item, one_swap).score == pytest.approx(5 / 6)
    assert grade(item, ids[:3]).score == 0.0              # incomplete answer


@pytest.mark.parametrize("answer, score", [
    ("Yezhov", 1.0), ("  yezhov. ", 1.0), ("EZHOV", 1.0), ("Iezhov", 0.0), ("", 0.0), (None, 0.0),
])
def test_short_answer_is_normalized(answer, score):
    item = Item("q", "short", "Who?", "close-reading", accept=("Yezhov", "Ezhov"))
    assert grade(item, answer).score == score


def test_normalize_answer_ignores_case_accents_punctuation_and_spacing():
    assert normalize_answer("  Émigrés,  in   PARIS! ") == "emigres in paris"


def test_cloze_partial_credit_per_blank_with_variants():
    item = Item("q", "cloze", "Fill", "close-reading",
                cloze=("The ", Blank(("NKVD",)), " arrested ", Blank(("843", "eight hundred forty-three")), "."))
    assert grade(item, ["nkvd", "843"]).score == 1.0
    assert grade(item, ["NKVD", "Eight hundred forty-three"]).score == 1.0
    assert grade(item, ["NKVD", "834"]).score == 0.5
    assert grade(item, ["NKVD"]).parts == (True, False)
    assert grade(item, "NKVD").score == 0.0


def test_essay_waits_for_a_teacher_and_scores_by_rubric_level():
    rubric = (Level("proficient", "d", "s", 6), Level("emergent", "d", "s", 4), Level("basic", "d", "s", 2))
    item = Item("q", "essay", "Discuss", "corroboration", points=6, rubric=rubric)
    assert grade(item, "My answer").pending
    assert rubric_score(item, "proficient") == 1.0
    assert rubric_score(item, "emergent") == pytest.approx(2 / 3)


def test_item_analysis_facility_discrimination_and_distractors():
    from corroborate.quiz.analysis import item_stats, mastery
    easy = choice()
    hard = Item("h", "single", "Hard?", "corroboration", options=(Option("a", "A", True), Option("b", "B")))
    items = [easy, hard]
    # ten students: everyone gets `easy`; only the five strongest get `hard`
    scores = {f"s{n}": {"q": 1.0, "h": 1.0 if n >= 5 else 0.0} for n in range(10)}
    choices = {f"s{n}": {"q": "b", "h": "a" if n >= 5 else "b"} for n in range(10)}
    by_id = {s.item_id: s for s in item_stats(items, scores, choices)}
    assert by_id["q"].facility == 1.0 and by_id["q"].discrimination == 0.0
    assert by_id["h"].facility == 0.5 and by_id["h"].discrimination == 1.0
    assert by_id["h"].choices == {"a": 5, "b": 5}
    skills = mastery(items, scores)
    assert skills["s0"] == {"sourcing": 1.0, "corroboration": 0.0}
    assert item_stats(items, {"s1": {"q": 1.0}}, {})[0].discrimination is None     # too few students
