"""Exports to GIFT, Moodle XML, QTI 1.2 (Canvas) and CSV, on real built modules: each file is read back the way the
importing platform reads it and compared with the items, its structure is checked against what Moodle and IMS
require, special characters survive, and what a format cannot express is said in the file."""
from __future__ import annotations

import codecs
import csv
import html
import io
import re
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
from lxml import etree

from corroborate.curriculum.build import build_unit
from corroborate.curriculum.markup import plain
from corroborate.curriculum.model import SKILL_LABELS
from corroborate.quiz.export import EXPORTERS, FILE_SUFFIX, MIMETYPE
from corroborate.quiz.export.common import MOODLE_GRADES, item_citations, shares
from corroborate.quiz.export.csv_items import COLUMNS, to_csv
from corroborate.quiz.export.gift import to_gift
from corroborate.quiz.export.moodle_xml import to_moodle_xml
from corroborate.quiz.export.qti import IMSCP, QTI, to_qti_zip
from corroborate.items import Blank, Option, element_id

ROOT = Path(__file__).resolve().parents[2]
NASTY = "a~b=c#d{e}f::g\\h \\n AT&T <b> *"    # every GIFT special character, a literal \n, HTML and a wildcard


@pytest.fixture(scope="module")
def sources(corpus):
    return {s.id: s for s in corpus.sources}


@pytest.fixture(scope="module")
def sample(corpus):
    unit, _ = build_unit(ROOT / "tests" / "fixtures" / "curriculum", corpus)
    return unit.module("sample")


@pytest.fixture(scope="module")
def modules(corpus, sample):
    """The fixture module (one item of every type) and the shipped ones (kirov, first-trial, confessions)."""
    unit, _ = build_unit(ROOT / "curriculum", corpus)
    return [sample, *unit.modules]


def assert_same_grading_as_corroborate(item, weights: dict[str, float]) -> None:
    """For every set of ticked options, Moodle's score (sum of grades, not below 0) equals Corroborate's."""
    from itertools import combinations

    from corroborate.items import grade
    options = list(item.options)
    for size in range(len(options) + 1):
        for ticked in combinations(options, size):
            moodle = max(sum(weights[html.unescape(o.text)] if html.unescape(o.text) in weights else weights[o.text]
                             for o in ticked), 0) / 100
            ours = grade(item, [o.id for o in ticked]).score
            assert abs(moodle - ours) < 0.001, ([o.text for o in ticked], moodle, ours)


def is_moodle_grade(value: float) -> bool:
    """Moodle's import matches a grade to its list within 0.00001 of a fraction, i.e. 0.001 of a percent."""
    return any(abs(abs(value) - grade) < 0.001 for grade in MOODLE_GRADES)


# --- GIFT -----------------------------------------------------------------------------------------------------------

GIFT_ESCAPES = {"\\:": "\x01", "\\#": "\x02", "\\=": "\x03", "\\{": "\x04", "\\}": "\x05", "\\~": "\x06", "\\n": "\x07"}
GIFT_PLAIN = {"\x01": ":", "\x02": "#", "\x03": "=", "\x04": "{", "\x05": "}", "\x06": "~", "\x07": "\n", "\x00": "\\"}


def gift_pre(text: str) -> str:
    """Moodle's escapedchar_pre: escaped characters become placeholders (an escaped backslash first)."""
    text = text.replace("\\\\", "\x00")
    for escaped, placeholder in GIFT_ESCAPES.items():
        text = text.replace(escaped, placeholder)
    return text


def gift_post(text: str) -> str:
    for placeholder, char in GIFT_PLAIN.items():
        text = text.replace(placeholder, char)
    return text.strip()


def gift_answer(text: str) -> tuple[str, float | None, str]:
    """(text, weight or None, feedback) of one answer: ``=text``, ``~%50%text``, ``~text``, each ``#feedback``."""
    text = text.strip()
    weight = None
    if text.startswith("="):
        text, weight = text[1:], 100.0
    elif m := re.match(r"%(-?[\d.]+)%", text):
        text, weight = text[m.end():], float(m[1])
    answer, _, feedback = text.partition("#")
    return gift_post(answer), weight, gift_post(feedback)


def parse_gift(text: str) -> list[dict]:
    """The questions of a GIFT file, read as Moodle's qformat_gift reads the constructs the export writes."""
    questions, category = [], None
    for block in re.split(r"\n\s*\n", text):
        body = "\n".join(" " if line.strip().startswith("//") else line for line in block.split("\n")).strip()
        if not body:
            continue
        body = gift_pre(body)
        if body.startswith("$CATEGORY:"):
            category = body[len("$CATEGORY:"):].strip()
            continue
        assert body.startswith("::"), body
        name, body = body[2:].split("::", 1)
        start, end = body.index("{"), body.index("}")
        answers = body[start + 1:end].strip()
        question = body[:start] if body.endswith("}") else body[:start] + "_____" + body[end + 1:]
        general = ""
        if "####" in answers:
            answers, general = answers[:answers.rindex("####")].strip(), answers[answers.rindex("####") + 4:]
        assert question.startswith("[html]")
        found = {"name": gift_post(name), "category": category, "text": gift_post(question[6:]),
                 "general": gift_post(general)}
        if answers == "":
            found["type"] = "essay"
        elif "~" in answers:
            found["type"] = "multichoice"
            found["answers"] = [gift_answer(a) for a in answers.replace("=", "~=").split("~") if a.strip()]
        elif "=" in answers and "->" in answers:
            found["type"] = "match"
            found["pairs"] = [tuple(gift_post(side) for side in a.split("->", 1)) for a in answers.split("=")[1:]]
        elif answers.split("#")[0].strip() in ("TRUE", "FALSE"):
            found["type"] = "truefalse"
            parts = (answers.split("#", 2) + ["", ""])[:3]      # TRUE, feedback if wrong, feedback if right
            found["answer"], found["wrong"], found["right"] = [gift_post(part) for part in parts]
        else:
            found["type"] = "shortanswer"
            found["answers"] = [gift_answer("=" + a)[0] for a in answers.split("=")[1:]]
        questions.append(found)
    return questions


def unwild(answer: str) -> str:
    """A Moodle short answer as typed: ``\\*`` is a literal asterisk."""
    return answer.replace("\\*", "*")


def check_gift_question(found: dict, item, module, sources) -> None:
    assert found["category"] == f"$course$/Corroborate/{module.title}/{SKILL_LABELS[item.skill]}"
    for cited in item_citations(module, item, sources):
        assert cited in plain(found["general"])
    if item.type != "cloze":
        assert found["text"] == item.prompt
    if item.type in ("single", "multiple"):
        assert found["type"] == "multichoice"
        answers = {html.unescape(text): (weight, feedback) for text, weight, feedback in found["answers"]}
        assert {text: feedback for text, (_, feedback) in answers.items()} == \
            {o.text: o.feedback or "" for o in item.options}
        right = {text for text, (weight, _) in answers.items() if weight and weight > 0}
        assert right == {o.text for o in item.options if o.correct}
        if item.type == "multiple":
            weights = [weight for weight, _ in answers.values()]
            assert all(is_moodle_grade(w) for w in weights)
            assert abs(sum(w for w in weights if w > 0) - 100) <= 0.1
            by_text = {text: weight for text, (weight, _) in answers.items()}
            assert_same_grading_as_corroborate(item, by_text)
    elif item.type == "truefalse":
        right = next(o for o in item.options if o.correct)
        wrong = next(o for o in item.options if not o.correct)
        assert (found["answer"], found["wrong"], found["right"]) == \
            (item.key().upper(), wrong.feedback or "", right.feedback or "")
    elif item.type == "matching":
        assert found["type"] == "match"
        assert [(html.unescape(left), right) for left, right in found["pairs"] if left] == \
            [(p.left, p.right) for p in item.pairs]
        assert [right for left, right in found["pairs"] if not left] == list(item.distractors)
    elif item.type == "short":
        assert found["type"] == "shortanswer"
        assert [unwild(a) for a in found["answers"]] == list(item.accept)
    else:
        assert (item.type, found["type"]) == ("essay", "essay")


def test_gift_round_trip_recovers_every_item_gift_can_express(modules, sources):
    for module in modules:
        text = to_gift(module, module.items, sources)
        found = {q["name"]: q for q in parse_gift(text)}
        expressible = [i for i in module.items
                       if i.type != "ordering" and not (i.type == "cloze" and len(i.blanks) > 1)]
        assert sorted(found) == sorted(i.id for i in expressible)
        for item in expressible:
            check_gift_question(found[item.id], item, module, sources)


def test_gift_lists_what_it_cannot_express(sample, sources):
    text = to_gift(sample, sample.items, sources)
    assert "// skipped: q-order (ordering is not supported by GIFT; use Moodle XML)" in text
    assert ("// skipped: q-cloze (a cloze with 3 blanks is not supported by GIFT, which allows one; "
            "use Moodle XML)") in text
    assert "// note: q-essay is worth 6 points" in text
    assert "// note: q-essay has a rubric, which GIFT cannot carry" in text
    only_skipped = to_gift(sample, [sample.item("q-order")], sources)
    assert "$CATEGORY" not in only_skipped and "// skipped: q-order" in only_skipped


def test_gift_header_says_what_moodle_xml_keeps(sample, sources):
    header = to_gift(sample, sample.items, sources).split("\n\n")[0].split("\n")
    assert all(line.startswith("// ") for line in header)
    said = " ".join(line[3:] for line in header)
    for what in ("Moodle's GIFT import gives every question a mark of 1", "every true/false question a penalty of 1",
                 "an essay no information for graders, so the rubric is lost",
                 "ordering questions and clozes with more than one blank are skipped",
                 "Moodle XML keeps every question type, each question's mark and penalty, and each essay's rubric"):
        assert what in said
    assert parse_gift("\n".join(header)) == []


def test_gift_escapes_survive_a_round_trip(sample, sources):
    single = replace(sample.item("q-single"), id="q::{odd}#1", prompt=f"<p>{html.escape(NASTY)}</p>\n<p>2</p>",
                     options=(Option("a", NASTY, True, f"<em>{html.escape(NASTY)}</em>"), Option("b", "x=~y")))
    short = replace(sample.item("q-short"), id="q=short", accept=(NASTY, "plain"))
    matching = replace(sample.item("q-match"), pairs=tuple(replace(p, left=p.left + " -> {x}", right=p.right + " #1")
                                                           for p in sample.item("q-match").pairs))
    truefalse = replace(sample.item("q-tf"), options=(replace(sample.item("q-tf").options[0], feedback=None),
                                                      replace(sample.item("q-tf").options[1], feedback=NASTY)))
    silent = replace(truefalse, id="q-silent", options=tuple(replace(o, feedback=None) for o in truefalse.options))
    items = [single, short, matching, truefalse, silent]
    found = {q["name"]: q for q in parse_gift(to_gift(sample, items, sources))}
    for item in items:
        check_gift_question(found[item.id], item, sample, sources)


def test_gift_writes_a_one_blank_cloze_as_missing_word(sample, sources):
    cloze = sample.item("q-cloze")
    inside = replace(cloze, cloze=("The Leningrad ", Blank(("NKVD", "N.K.V.D.")), " arrested 843 {people}."))
    at_end = replace(cloze, id="q-end", cloze=("Arrests were made by the ", Blank(("NKVD",))))
    found = {q["name"]: q for q in parse_gift(to_gift(sample, [inside, at_end], sources))}
    assert found["q-cloze"]["type"] == "shortanswer"
    assert found["q-cloze"]["answers"] == ["NKVD", "N.K.V.D."]
    assert found["q-cloze"]["text"] == "<p>Fill in the blanks.</p><p>The Leningrad _____ arrested 843 {people}.</p>"
    assert found["q-end"]["text"] == "<p>Fill in the blanks.</p><p>Arrests were made by the _____</p>"
    assert "Wendy Goldman" in found["q-cloze"]["general"]


# --- Moodle XML -----------------------------------------------------------------------------------------------------

MOODLE_TYPES = {"single": "multichoice", "multiple": "multichoice", "truefalse": "truefalse", "matching": "matching",
                "ordering": "ordering", "short": "shortanswer", "cloze": "cloze", "essay": "essay"}
# qtype_multianswer's regular expressions (question/type/multianswer/questiontype.php), SHORTANSWER only.
ALTERNATIVE = r"(=|%(-?[0-9]+(?:[.,][0-9]*)?)%)?(.+?(?<!\\)(?<!&)(?<!&amp;)(?=[~#}]|$))(#(.*?(?<!\\)(?=[~}]|$)))?"
EMBEDDED = re.compile(r"\{([0-9]*):(SHORTANSWER|SA|MW):(" + ALTERNATIVE + "(~" + ALTERNATIVE + r")*)\}", re.S)


def moodle_cloze(questiontext: str) -> list[tuple[int, list[str]]]:
    """(weight, accepted answers) per embedded short answer, as qtype_multianswer_extract_question reads them."""
    blanks = []
    for found in EMBEDDED.finditer(questiontext):
        remaining, accepted = found[3], []
        while m := re.match("~?" + ALTERNATIVE, remaining, re.S):
            answer = html.unescape(m[3]).replace("\\}", "}").replace("\\#", "#")
            accepted.append(unwild(answer) if m[1] == "=" else None)
            remaining = remaining[m.end():]
        blanks.append((int(found[1] or 1), accepted))
    return blanks


def check_moodle_structure(quiz: etree._Element) -> None:
    """What Moodle's XML import needs: the elements and attributes it reads, and grades it accepts."""
    assert quiz.tag == "quiz"
    questions = quiz.findall("question")
    assert questions and all(q.get("type") for q in questions)
    for question in questions:
        if question.get("type") == "category":
            assert question.findtext("category/text").startswith("$course$/Corroborate/")
            continue
        assert question.findtext("name/text")
        assert question.find("questiontext").get("format") == "html"
        assert question.find("questiontext/text") is not None
        assert float(question.findtext("defaultgrade")) > 0
        answers = question.findall("answer")
        assert all(a.get("fraction") is not None and a.find("text") is not None for a in answers)
        fractions = [float(a.get("fraction")) for a in answers]
        kind = question.get("type")
        if kind in ("multichoice", "truefalse", "shortanswer"):
            assert all(is_moodle_grade(f) for f in fractions)
        if kind == "multichoice" and question.findtext("single") == "false":
            assert abs(sum(f for f in fractions if f > 0) - 100) <= 0.1
        elif kind in ("multichoice", "truefalse", "shortanswer"):
            assert max(fractions) == 100
        if kind == "matching":
            subquestions = question.findall("subquestion")
            assert len([s for s in subquestions if s.findtext("text")]) >= 2
            assert all(s.findtext("answer/text") for s in subquestions)
        if kind == "ordering":
            assert question.findtext("layouttype") in ("VERTICAL", "HORIZONTAL")
            assert question.findtext("selecttype") == "ALL"
            assert question.findtext("gradingtype") == "RELATIVE_ALL_PREVIOUS_AND_NEXT"
            assert fractions == list(range(1, len(answers) + 1))
            assert question.findtext("shownumcorrect") == "1"     # Moodle's ordering import fails without it
        if kind == "cloze":
            assert moodle_cloze(question.findtext("questiontext/text"))
        if kind == "essay":
            assert question.findtext("responseformat") == "editor"
            assert question.find("graderinfo").get("format") == "html"


def check_moodle_question(question: etree._Element, item, module, sources) -> None:
    answers = question.findall("answer")
    assert question.get("type") == MOODLE_TYPES[item.type]
    for cited in item_citations(module, item, sources):
        assert cited in plain(question.findtext("generalfeedback/text"))
    if item.type != "cloze":
        assert question.findtext("questiontext/text") == item.prompt
        assert float(question.findtext("defaultgrade")) == item.points
    if item.type in ("single", "multiple"):
        assert question.findtext("single") == ("true" if item.type == "single" else "false")
        by_text = {html.unescape(a.findtext("text")): a for a in answers}
        assert list(by_text) == [o.text for o in item.options]
        right = {text for text, answer in by_text.items() if float(answer.get("fraction")) > 0}
        assert right == {o.text for o in item.options if o.correct}
        assert [a.findtext("feedback/text") for a in answers] == [o.feedback for o in item.options]
        if item.type == "multiple":
            assert_same_grading_as_corroborate(item, {t: float(a.get("fraction")) for t, a in by_text.items()})
    elif item.type == "truefalse":
        assert {a.findtext("text"): float(a.get("fraction")) for a in answers} == \
            {o.id: 100.0 if o.correct else 0.0 for o in item.options}
    elif item.type == "matching":
        pairs = [(html.unescape(s.findtext("text") or ""), s.findtext("answer/text"))
                 for s in question.findall("subquestion")]
        assert [p for p in pairs if p[0]] == [(p.left, p.right) for p in item.pairs]
        assert [right for left, right in pairs if not left] == list(item.distractors)
    elif item.type == "ordering":
        assert [html.unescape(a.findtext("text")) for a in answers] == list(item.sequence)
    elif item.type == "short":
        assert question.findtext("usecase") == "0"
        assert [unwild(a.findtext("text")) for a in answers] == list(item.accept)
    elif item.type == "cloze":
        blanks = moodle_cloze(question.findtext("questiontext/text"))
        assert [accepted for _, accepted in blanks] == item.key()
        assert float(question.findtext("defaultgrade")) == sum(weight for weight, _ in blanks)
    else:
        grader = plain(question.findtext("graderinfo/text"))
        for level in item.rubric:
            assert plain(level.sample) in grader and plain(level.descriptor) in grader


def test_moodle_xml_round_trip_and_structure(modules, sources):
    for module in modules:
        quiz = etree.fromstring(to_moodle_xml(module, module.items, sources))
        check_moodle_structure(quiz)
        questions, category = {}, None
        for question in quiz.findall("question"):
            if question.get("type") == "category":
                category = question.findtext("category/text")
            else:
                questions[question.findtext("name/text")] = (question, category)
        assert sorted(questions) == sorted(i.id for i in module.items)
        for item in module.items:
            question, category = questions[item.id]
            assert category == f"$course$/Corroborate/{module.title}/{SKILL_LABELS[item.skill]}"
            check_moodle_question(question, item, module, sources)


def test_moodle_cloze_answers_keep_their_special_characters(sample, sources):
    cloze = replace(sample.item("q-cloze"), points=6, cloze=(
        "Literal {1:SA:=not a blank} & <text> ", Blank(("a}b", "c#d")), " then ", Blank(("x~y\\z", '1/2 "q" &#38;')),
        " and ", Blank(("AT&", "end\\", "star*"))))
    question = etree.fromstring(to_moodle_xml(sample, [cloze], sources)).find("question[@type='cloze']")
    blanks = moodle_cloze(question.findtext("questiontext/text"))
    assert blanks == [(2, ["a}b", "c#d"]), (2, ["x~y\\z", '1/2 "q" &#38;']), (2, ["AT&", "end\\", "star*"])]
    assert "Literal &#123;1:SA:=not a blank} &amp; &lt;text&gt;" in question.findtext("questiontext/text")


# What Moodle's own Moodle XML export writes for each question type, and how Moodle's import reads each element, with
# file:line in moodle/moodle: question/format/xml/format.php at 9094211d277b ("format.php"; writequestion exports,
# import_* imports), question/type/ordering/questiontype.php at 9762977c028c, Moodle 4.5 ("ordering.php";
# export_to_xml, import_from_xml) and question/type/questiontypebase.php at 606158ca8160 ("questiontypebase.php").
# Hints are left out: Moodle writes them only for a question that has some (format.php:1570, :1639-1649) and reads
# none when there are none (format.php:379-381).
MOODLE_COMMON = {
    "name",             # format.php:1269; :227-229 import_headers reads it with no default (an error without it)
    "questiontext",     # format.php:1272; :230-231 (default "", html); a cloze's blanks are in it, :496-498
    "generalfeedback",  # format.php:1276; :261-262 (default ""), cloze :548-549
    "defaultgrade",     # format.php:1280-1282, not for a cloze; :269-270 (default 1); a cloze's is not read
    "penalty",          # format.php:1283; :271-272 (default 0.3333333), cloze :556-557
    "hidden",           # format.php:1284 (always 0, :1220); the import does not read it
    "idnumber",         # format.php:1285, empty when unset; :258 (default null), cloze :545;
                        # questiontypebase.php:441-446 saves "" as no ID number
}
COMBINED_FEEDBACK = {
    "correctfeedback",           # format.php:1693-1702 write_combined_feedback, each with format and <text>;
    "partiallycorrectfeedback",  # :318-323 import_combined_feedback (default "" each)
    "incorrectfeedback",
    "shownumcorrect",            # format.php:1704-1706 writes <shownumcorrect/> when on; :325-326 reads whether it is
                                 # there (a new Moodle question has it on)
}
MULTICHOICE = MOODLE_COMMON | COMBINED_FEEDBACK | {   # format.php:1303-1315; import_multichoice :448-485
    "single",                   # format.php:1304; :454 (default true)
    "shuffleanswers",           # format.php:1306; :456-457 (default false)
    "answernumbering",          # format.php:1309; :458-459 (default abc)
    "showstandardinstruction",  # format.php:1311; :461-462 (default 1, which we write)
    "answer",                   # format.php:1314, write_answer :1619-1632 (fraction, format, text, feedback);
                                # :471 reads them with no default, import_answer :294-310 (feedback default "")
}
MOODLE_ELEMENTS = {
    "single": MULTICHOICE,
    "multiple": MULTICHOICE,
    "truefalse": MOODLE_COMMON | {   # format.php:1293-1301; import_truefalse :574-626
        "answer",    # format.php:1294-1300 writes "true" then "false" (write_answer :1619-1632); :588-612 needs both
                     # (truefalse saves feedbacktrue and feedbackfalse), text true/false (:594-602) and the fraction
                     # attribute, read with no default (:605, :609)
    },
    "matching": MOODLE_COMMON | COMBINED_FEEDBACK | {   # format.php:1363-1380; import_match :749-774
        "shuffleanswers",  # format.php:1364-1366; :755-756 (default 1)
        "subquestion",     # format.php:1368-1379 (format, <text>, <answer><text>); :761 reads them with no default,
                           # :762-767 (text and answer default "")
    },
    "ordering": MOODLE_COMMON | {   # ordering.php:549-584 export_to_xml; :586-655 import_from_xml
        "layouttype",      # ordering.php:557; :608 (default VERTICAL)
        "selecttype",      # ordering.php:558; :609 (default RANDOM: ALL must be written)
        "selectcount",     # ordering.php:559; :610 (default 6)
        "gradingtype",     # ordering.php:560; :611 (default RELATIVE, i.e. next item only)
        "showgrading",     # ordering.php:561; :612 (default 1)
        "numberingstyle",  # ordering.php:562; :613 (default the style's default)
        "correctfeedback", "partiallycorrectfeedback", "incorrectfeedback",   # ordering.php:563; :632 (default "")
        "shownumcorrect",  # ordering.php:565-569 writes <shownumcorrect>1</shownumcorrect>; :633 reads its value with
                           # default null, and then :637-652 asks for two hints with no text, which save_hints saves
                           # from a missing $hint (questiontypebase.php:764, :786-788): hintformat is null (issue #21)
        "answer",          # ordering.php:571-581; :624-630 import_answer with HTML text, in order
    },
    "short": MOODLE_COMMON | {   # format.php:1317-1320; import_shortanswer :633-657
        "usecase",  # format.php:1318; :641 (default 0)
        "answer",   # format.php:1319; :644 reads them with no default, :647 as plain text
    },
    # format.php:1386-1390 writes the common part only and no <defaultgrade> (:1280); import_multianswer :492-567
    # never reads one (the mark is the sum of the blanks' weights), so ours is there for our own checks only.
    "cloze": MOODLE_COMMON,
    "essay": MOODLE_COMMON | {   # format.php:1392-1421; import_essay :781-816
        "responseformat",       # format.php:1393; :788-789 (default editor)
        "responserequired",     # format.php:1395; :792-793 (default 1)
        "responsefieldlines",   # format.php:1397; :790-791 (default 15)
        "attachments",          # format.php:1403; :800-801 (default 0)
        "attachmentsrequired",  # format.php:1405; :802-803 (default 0)
        "graderinfo",           # format.php:1411-1416; :808-809 (default ""): the rubric
        "responsetemplate",     # format.php:1417-1420; :810-813 (default "")
        # Left out: minwordlimit, maxwordlimit (format.php:1399, :1401; default null at :794-799: no limit),
        # maxbytes, filetypeslist (format.php:1407, :1409; default null at :804-807; the essay takes no attachments).
    },
}


@pytest.mark.parametrize("kind", list(MOODLE_ELEMENTS))
def test_moodle_xml_writes_the_elements_moodle_writes_and_reads(kind, sample, sources):
    item = next(i for i in sample.items if i.type == kind)
    [question] = etree.fromstring(to_moodle_xml(sample, [item], sources)).xpath("question[@type!='category']")
    assert {child.tag for child in question if isinstance(child.tag, str)} == MOODLE_ELEMENTS[kind]
    assert question.findtext("idnumber") == "" and question.findtext("hidden") == "0"
    for field in MOODLE_ELEMENTS[kind] & COMBINED_FEEDBACK - {"shownumcorrect"}:
        assert question.find(field).get("format") == "html" and question.findtext(f"{field}/text") == ""
    if "shownumcorrect" in MOODLE_ELEMENTS[kind]:
        assert question.findtext("shownumcorrect") == ("1" if kind == "ordering" else "")
    if kind in ("single", "multiple"):
        assert question.findtext("showstandardinstruction") == "1"


# --- QTI 1.2 for Canvas ---------------------------------------------------------------------------------------------

CANVAS_TYPES = {"single": "multiple_choice_question", "multiple": "multiple_answers_question",
                "truefalse": "true_false_question", "matching": "matching_question", "ordering": "matching_question",
                "short": "short_answer_question", "cloze": "fill_in_multiple_blanks_question",
                "essay": "essay_question"}


# The content models of QTI 1.2's ASI DTD (ims_qtiasiv1p2.dtd) for the elements the export writes, cut down to the
# children it may use; enough to check the order and the required attributes of everything in the assessment.
QTI_DTD = f"""
<!ENTITY % tests "not | and | or | other | varequal">
<!ELEMENT questestinterop (qticomment?, assessment)>
<!ATTLIST questestinterop xmlns CDATA #FIXED "{QTI}">
<!ELEMENT qticomment (#PCDATA)>
<!ELEMENT assessment (qticomment?, qtimetadata*, section+)>
<!ATTLIST assessment ident CDATA #REQUIRED title CDATA #IMPLIED>
<!ELEMENT section (qticomment?, qtimetadata*, item*)>
<!ATTLIST section ident CDATA #REQUIRED title CDATA #IMPLIED>
<!ELEMENT item (qticomment?, itemmetadata?, presentation?, resprocessing*, itemfeedback*)>
<!ATTLIST item ident CDATA #REQUIRED title CDATA #IMPLIED>
<!ELEMENT itemmetadata (qtimetadata*)>
<!ELEMENT qtimetadata (qtimetadatafield+)>
<!ELEMENT qtimetadatafield (fieldlabel, fieldentry)>
<!ELEMENT fieldlabel (#PCDATA)>
<!ELEMENT fieldentry (#PCDATA)>
<!ELEMENT presentation (qticomment?, (material | response_lid | response_str)+)>
<!ELEMENT material (qticomment?, mattext+)>
<!ELEMENT mattext (#PCDATA)>
<!ATTLIST mattext texttype CDATA "text/plain">
<!ELEMENT response_lid (material?, render_choice, material?)>
<!ATTLIST response_lid ident CDATA #REQUIRED rcardinality (Single | Multiple | Ordered) "Single">
<!ELEMENT response_str (material?, render_fib, material?)>
<!ATTLIST response_str ident CDATA #REQUIRED rcardinality (Single | Multiple | Ordered) "Single">
<!ELEMENT render_choice (material | response_label)*>
<!ELEMENT render_fib (material | response_label)*>
<!ELEMENT response_label (#PCDATA | qticomment | material | flow_mat)*>
<!ATTLIST response_label ident CDATA #REQUIRED rshuffle (Yes | No) "Yes">
<!ELEMENT resprocessing (qticomment?, outcomes, respcondition+)>
<!ELEMENT outcomes (qticomment?, decvar+)>
<!ELEMENT decvar (#PCDATA)>
<!ATTLIST decvar varname CDATA "SCORE" minvalue CDATA #IMPLIED maxvalue CDATA #IMPLIED
                 vartype (Integer | String | Decimal | Scientific | Boolean | Enumerated | Set) "Integer">
<!ELEMENT respcondition (qticomment?, conditionvar, setvar*, displayfeedback*)>
<!ATTLIST respcondition continue (Yes | No) "No" title CDATA #IMPLIED>
<!ELEMENT conditionvar (%tests;)+>
<!ELEMENT not (%tests;)>
<!ELEMENT and (%tests;)+>
<!ELEMENT or (%tests;)+>
<!ELEMENT other (#PCDATA)>
<!ELEMENT varequal (#PCDATA)>
<!ATTLIST varequal respident CDATA #REQUIRED case (Yes | No) "No">
<!ELEMENT setvar (#PCDATA)>
<!ATTLIST setvar varname CDATA "SCORE" action (Set | Add | Subtract | Multiply | Divide) "Set">
<!ELEMENT displayfeedback (#PCDATA)>
<!ATTLIST displayfeedback linkrefid CDATA #REQUIRED feedbacktype (Response | Solution | Hint) "Response">
<!ELEMENT itemfeedback (flow_mat | material)+>
<!ATTLIST itemfeedback ident CDATA #REQUIRED title CDATA #IMPLIED>
<!ELEMENT flow_mat (qticomment?, (flow_mat | material)+)>
"""


def q(path: str) -> str:
    """An ElementPath in the QTI namespace: ``q("item/presentation")``."""
    return "/".join(part if part in (".", "..") or part.startswith("*") else f"{{{QTI}}}{part}"
                    for part in path.split("/"))


def read_qti(data: bytes) -> etree._Element:
    """Unzip, check the IMS content package, and return the parsed assessment it points to."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.testzip() is None
    manifest = etree.fromstring(archive.read("imsmanifest.xml"))
    assert manifest.tag == f"{{{IMSCP}}}manifest" and manifest.get("identifier")
    assert manifest.findtext(f"{{{IMSCP}}}metadata/{{{IMSCP}}}schemaversion") == "1.1.3"
    [resource] = manifest.findall(f"{{{IMSCP}}}resources/{{{IMSCP}}}resource")
    assert resource.get("identifier") and resource.get("type") == "imsqti_xmlv1p2"
    assert resource.get("href") in archive.namelist()
    assert [f.get("href") for f in resource.findall(f"{{{IMSCP}}}file")] == [resource.get("href")]
    assessment = etree.fromstring(archive.read(resource.get("href")))
    dtd = etree.DTD(io.StringIO(QTI_DTD))
    assert dtd.validate(assessment), dtd.error_log
    return assessment


def check_qti_item(element: etree._Element) -> None:
    """Every feedback shown exists, every condition names a response of the item and one of its labels."""
    assert element.get("ident") and element.get("title")
    assert element.find(q("presentation/material/mattext")).get("texttype") == "text/html"
    processing = element.find(q("resprocessing"))
    assert processing.find(q("outcomes/decvar")).get("varname") == "SCORE"
    assert processing.findall(q("respcondition"))
    responses = {r.get("ident"): r for r in element.find(q("presentation"))
                 if r.tag in (q("response_lid"), q("response_str"))}
    for test in processing.iter(q("varequal")):
        response = responses[test.get("respident")]
        if response.tag == q("response_lid"):
            assert test.text in {label.get("ident") for label in response.iter(q("response_label"))}
    feedback = {f.get("ident") for f in element.findall(q("itemfeedback"))}
    assert {d.get("linkrefid") for d in processing.iter(q("displayfeedback"))} == feedback


def label_texts(element: etree._Element) -> dict[str, str]:
    return {label.get("ident"): label.findtext(q("material/mattext")) for label in element.iter(q("response_label"))}


def scoring_tests(element: etree._Element) -> list[etree._Element]:
    """The ``varequal`` tests of the conditions that give points (not those that only show feedback)."""
    conditions = [c for c in element.iter(q("respcondition")) if c.find(q("setvar")) is not None]
    return [test for c in conditions for test in c.iter(q("varequal"))]


def qti_key(element: etree._Element, item) -> object:
    """The correct answer read back from the item's response processing, in the shape of ``item.key()``."""
    labels = label_texts(element)
    tests = scoring_tests(element)
    if item.type in ("single", "truefalse"):
        [test] = tests
        return test.text.removeprefix(f"{item.id}-")
    if item.type == "multiple":
        return [t.text.removeprefix(f"{item.id}-") for t in tests if t.getparent().tag != q("not")]
    if item.type in ("matching", "ordering"):
        lefts = {r.get("ident"): r.findtext(q("material/mattext")) for r in element.iter(q("response_lid"))}
        return {lefts[t.get("respident")]: labels[t.text] for t in tests}
    if item.type == "short":
        return [t.text for t in tests]
    if item.type == "cloze":
        per_blank: dict[str, list[str]] = {}
        for test in tests:
            per_blank.setdefault(test.get("respident"), []).append(labels[test.text])
        return list(per_blank.values())
    return tests


def expected_qti_key(item) -> object:
    if item.type == "matching":
        return {p.left: p.right for p in item.pairs}
    if item.type == "ordering":
        return {text: str(n) for n, text in enumerate(item.sequence, start=1)}
    return item.key() if item.type != "essay" else []


def test_qti_round_trip_and_structure(modules, sources):
    for module in modules:
        root = read_qti(to_qti_zip(module, module.items, sources))
        assert root.tag == q("questestinterop")
        assessment = root.find(q("assessment"))
        assert assessment.get("ident") and assessment.get("title") == module.title
        elements = assessment.findall(q("section/item"))
        assert assessment.find(q("section")).get("ident") == "root_section"
        assert [e.get("ident") for e in elements] == [i.id for i in module.items]
        for element, item in zip(elements, module.items):
            check_qti_item(element)
            fields = {f.findtext(q("fieldlabel")): f.findtext(q("fieldentry"))
                      for f in element.iter(q("qtimetadatafield"))}
            assert fields["question_type"] == CANVAS_TYPES[item.type]
            assert float(fields["points_possible"]) == item.points
            assert qti_key(element, item) == expected_qti_key(item)
            general = element.find(q("itemfeedback[@ident='general_fb']"))
            for cited in item_citations(module, item, sources):
                assert cited in plain(general.findtext(q("flow_mat/material/mattext")))
            for option in item.options:
                shown = element.find(q(f"itemfeedback[@ident='{item.id}-{option.id}_fb']"))
                text = shown.findtext(q("flow_mat/material/mattext")) if shown is not None else None
                assert text == option.feedback


def test_qti_matching_offers_distractors_and_cloze_names_its_blanks(sample, sources):
    elements = {e.get("ident"): e for e in read_qti(to_qti_zip(sample, sample.items, sources)).iter(q("item"))}
    matching = elements["q-match"]
    for response in matching.iter(q("response_lid")):
        offered = [label.findtext(q("material/mattext")) for label in response.iter(q("response_label"))]
        assert sorted(offered) == sorted([p.right for p in sample.item("q-match").pairs] + ["Soviet prosecutor"])
    text = elements["q-cloze"].findtext(q("presentation/material/mattext"))
    assert text == ("<p>Fill in the blanks.</p><p>The Leningrad [blank1] arrested an additional [blank2] former "
                    "[blank3] in January and February.</p>")
    ordering = elements["q-order"]
    shown = [r.findtext(q("material/mattext")) for r in ordering.iter(q("response_lid"))]
    assert sorted(shown) == sorted(sample.item("q-order").sequence) and shown != list(sample.item("q-order").sequence)


def test_qti_notes_what_canvas_cannot_take(sample, sources):
    comment = read_qti(to_qti_zip(sample, sample.items, sources)).findtext(q("assessment/qticomment"))
    assert "q-order: ordering became matching" in comment
    assert "q-essay: the rubric is not included" in comment
    plain_items = [i for i in sample.items if i.type not in ("ordering", "essay")]
    assert read_qti(to_qti_zip(sample, plain_items, sources)).find(q("assessment/qticomment")) is None


def test_qti_zip_is_the_same_for_the_same_items(sample, sources):
    assert to_qti_zip(sample, sample.items, sources) == to_qti_zip(sample, sample.items, sources)


# --- CSV ------------------------------------------------------------------------------------------------------------

def csv_key(row: dict, item) -> object:
    lines = row["key"].split("\n")
    if item.type in ("single", "truefalse"):
        return lines[0].split(")")[0] if item.type == "single" else lines[0].lower()
    if item.type == "multiple":
        return [line.split(")")[0] for line in lines]
    if item.type == "matching":
        pairs = [line.split(" → ") for line in lines]
        return {element_id("L:" + left): element_id("R:" + right) for left, right in pairs}
    if item.type == "ordering":
        return [element_id(line.split(". ", 1)[1]) for line in lines]
    if item.type == "short":
        return lines
    if item.type == "cloze":
        return [line.split(") ", 1)[1].split(" | ") for line in lines]
    return None


def test_csv_has_one_row_per_item_with_its_key(modules, sources):
    for module in modules:
        data = EXPORTERS["csv"](module, module.items, sources)
        assert data.startswith(codecs.BOM_UTF8)
        reader = csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline=""))
        rows = list(reader)
        assert tuple(reader.fieldnames) == COLUMNS
        assert [r["id"] for r in rows] == [i.id for i in module.items]
        for row, item in zip(rows, module.items):
            assert (row["type"], row["skill"], float(row["points"])) == (item.type, item.skill, item.points)
            assert row["prompt"].startswith(plain(item.prompt))
            assert csv_key(row, item) == item.key()
            assert row["excerpts"].split("\n") == list(item.excerpts or [""])
            assert row["citations"].split("\n") == (item_citations(module, item, sources) or [""])
            if item.type == "essay":
                assert all(plain(level.sample) in row["key"] for level in item.rubric)
            if item.type == "cloze":
                assert row["prompt"].count("____") == len(item.blanks)


def test_csv_without_source_metadata_never_prints_a_source_id(sample):
    rows = list(csv.DictReader(io.StringIO(to_csv(sample, sample.items), newline="")))
    cited = {row["id"]: row["citations"] for row in rows}
    assert cited["q-single"] == cited["q-cloze"] == "Unknown source"      # their excerpts have no title or author
    assert not any(source in " ".join(cited.values()) for source in ("rogovin-2009", "goldman-2008"))


# --- the package ----------------------------------------------------------------------------------------------------

def test_every_format_has_an_exporter_a_suffix_and_a_media_type(sample, sources):
    assert set(EXPORTERS) == set(FILE_SUFFIX) == set(MIMETYPE) == {"gift", "moodle-xml", "qti", "csv"}
    for name, export in EXPORTERS.items():
        assert isinstance(export(sample, sample.items, sources), bytes)
        assert isinstance(export(sample, sample.items), bytes)
        assert FILE_SUFFIX[name].startswith(".") and "/" in MIMETYPE[name]


def test_compilation_records_cite_the_original_and_the_compilation(sample, sources):
    [cited] = item_citations(sample, replace(sample.item("q-single"), excerpts=("davies-diary",)), sources)
    assert cited.startswith("Davies, Joseph E., Mission to Moscow (c1941), p. 82 — quoted in ")


def test_multiple_response_grades_are_moodle_grades_that_add_up_to_100():
    for count in range(1, 21):
        grades = shares(count)
        assert len(grades) == count and all(is_moodle_grade(g) for g in grades)
        assert abs(sum(grades) - 100) <= 0.1
