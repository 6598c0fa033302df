"""The editorial gates of ``flask curriculum check``: honest cuts, quizzes that cannot be gamed, no internal words.

They run on a loaded module whose excerpts have been located (:mod:`.verify`), before its Markdown is rendered, and
report ``file:line`` problems like the loader does (curriculum/README.md, "Rules the check enforces"):

1. An excerpt is one passage range: from the start of its first piece to the end of its last lie at most
   :data:`MAX_SPAN` words of source text.
2. A ``[…]`` whose removed text has a sentence naming a person of the module's title or question, or a negation or a
   hedge (:data:`HEDGES`), needs an ``elisions:`` note at its position (a warning until it has one).
3. Quiz keys: no option position holds more than half of the keys of the single-choice items, nor of the
   multiple-response items; the key of a single-choice item is not the longest option in more than half of them
   (both judged from :data:`MIN_ITEMS` items of a type); no item's prompt or options contain another item's key
   (a short answer's accepted answers, a single-choice key of at most five words; true/false statements, which name
   their subject, are not searched, nor an option that is the key itself among other choices); a short answer that
   is a bare name is a warning.
4. Rendered text (and the printed citations) never shows source, excerpt, exercise, item or claim ids, file names,
   the word "seeds" or command lines. The generated items are held to it by :func:`shown_problems` from the quiz
   package (``quiz.generate.generated_problems``, run by ``flask curriculum check`` and ``build``): data flows from
   the curriculum to the quiz, never back.
5. Headnotes have at most :data:`MAX_HEADNOTE` words; the documents at most :data:`MAX_DOCUMENTS` (a warning).
   (The timing adds up per lesson: checked where it is read, in :mod:`.load`.)
"""
from __future__ import annotations

import dataclasses
import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

from ..corpus.locate import ELISION, SourceText, quote_pattern
from ..corpus.matching import match_form, words
from ..corpus.store import Corpus
from .cite import printed_citation
from .load import Problem
from .model import Excerpt, Module

MAX_SPAN = 600
MAX_HEADNOTE = 80
MAX_DOCUMENTS = 1200
MIN_ITEMS = 4
ASIDES = ("note", "heading")   # passages an elision skips that are not the author's running text
SHORT_KEY = 5    # words: a longer single-choice key is not searched for in other items

HEDGES = re.compile(
    r"\b(?:not|no|never|nothing|none|neither|nor|cannot|\w+n't|apparently|apparent|seems?|seemed|seemingly|"
    r"possible|possibly|perhaps|might|probably|probable|likely|unlikely|allegedly|alleged|suggest(?:s|ed|ion)?|"
    r"doubt(?:s|ed|ful)?|uncertain|unclear|presumably|reportedly)\b|\bmay\b(?!\s+\d)|^May\b(?!\s+\d)",
    re.IGNORECASE | re.MULTILINE)
NEGATION = re.compile(r"not|no|never|nothing|none|neither|nor|cannot|\w+n't", re.IGNORECASE)
SENTENCE = re.compile(r"(?<=[.!?])[\"”’)]?\s+")
NOT_PEOPLE = frozenset("""The A An Who Whom Whose Why How What When Where Which Was Were Did Do Does Is Are And Or
January February March April May June July August September October November December Monday Tuesday Wednesday
Thursday Friday Saturday Sunday Soviet Soviets Moscow Leningrad Russia Russian Russians Union Party Communist
Bolshevik Bolsheviks Trial Trials Great Terror Purge Purges Revolution Central Committee Politburo State Red Army
West Western Europe European America American Britain British Germany German Nazi World War Kremlin Lubyanka
Stalinist Trotskyist Trotskyists Zinovievite Zinovievites""".split())
NAME = re.compile(r"\b[A-Z][a-z]+(?:-[A-Z][a-z]+)?\b")
FILE_NAME = re.compile(r"(?<![\w/])[\w./-]*\w\.(?:md|ya?ml|txt)\b", re.IGNORECASE)
SEEDS = re.compile(r"\bseeds\b", re.IGNORECASE)
COMMAND = re.compile(r"\bflask\s+(?:--\w+|[a-z][\w-]*)|\b(?:corpus|curriculum|quiz|users|attempts)\s+"
                     r"(?:search|locate|stats|check|build|export|generate|create-teacher|invite)\b", re.IGNORECASE)
PERSON_TOKEN = re.compile(r"^(?:[A-Z][a-z'’-]+|[A-Z]\.(?:\s?[A-Z]\.)*|[A-Z][a-z]*\.)$")
NOT_SEARCHED = {"id", "type", "skill", "excerpts", "points", "line", "generated", "correct", "lines", "compare",
                "level", "lesson", "minutes"}


def gate_problems(module: Module, corpus: Corpus, path: Path) -> list[Problem]:
    """Every problem the gates find in ``module`` (read from ``path``), errors and warnings."""
    lines = path.read_text(encoding="utf-8").splitlines()
    problems: list[Problem] = []
    for excerpt in module.excerpts:
        if excerpt.locator is not None:
            text = corpus.source_text(excerpt.source)
            asides = {n for n, kind in enumerate(text.kinds) if kind in ASIDES}
            problems += cut_problems(module, excerpt, text, asides)
    problems += quiz_problems(module)
    problems += leak_problems(module, corpus, lines)
    problems += load_problems(module)
    return problems


# Gates 1 and 2: where the pieces of a quotation lie in its source, and what its cuts remove.

@dataclasses.dataclass(frozen=True)
class Piece:
    index: int     # position among the quotation's parts split at its […] (a part before the first […] is 0)
    start: int     # offsets in the source's joined matching form
    end: int


def pieces(quote: str, text: SourceText) -> list[Piece] | None:
    """Where each piece of the quotation lies in the source, packed as tightly as the source allows (None when it
    cannot be placed piece by piece).

    The locator takes the first place where the whole quotation matches, so a first piece that is a common word
    ("On […] March 1938") may be found pages before the rest. Here each piece is placed at its earliest occurrence
    after the one before, then, from the last piece back, each earlier piece moves to its latest occurrence before
    the next: the excerpt is judged by the closest reading of it the source allows.
    """
    whole = quote_pattern(quote)
    first = whole.search(text.joined) or (whole.tolerant.search(text.joined) if whole.tolerant else None)
    if first is None:
        return None
    patterns = []
    for index, part in enumerate(ELISION.split(quote)):
        try:
            patterns.append((index, quote_pattern(part)))
        except ValueError:
            continue     # a part with no words: the […] opens or closes the quotation
    found: list[Piece] = []
    position = first.start()
    for index, pattern in patterns:
        match = None
        for regex in filter(None, (pattern.exact, pattern.tolerant)):
            match = (regex.match if not found else regex.search)(text.joined, position)
            if match:
                break
        if match is None:
            return None
        found.append(Piece(index, match.start(), match.end()))
        position = match.end()
    for k in range(len(found) - 2, -1, -1):
        pattern = patterns[k][1]
        for regex in filter(None, (pattern.exact, pattern.tolerant)):
            latest = None
            for match in regex.finditer(text.joined, found[k].start, found[k + 1].start):
                latest = match
            if latest is not None:
                found[k] = Piece(found[k].index, latest.start(), latest.end())
                break
    return found


def _display(text: SourceText, offset: int) -> tuple[int, int]:
    """(passage index, offset in its display text) of an offset in the joined matching form."""
    index = bisect_right(text.starts, offset) - 1
    passage, local = text.texts[index], offset - text.starts[index]
    for position, char in enumerate(passage):      # match_offsets, stopping at the offset wanted
        local -= len(match_form(char))
        if local < 0:
            return index, position
    return index, len(passage)


def between(text: SourceText, start: int, end: int, asides: set[int] = frozenset()) -> str:
    """The source's running text from one matching-form offset to another (passages joined by a blank line; notes
    and headings in between left out)."""
    (first, begin), (last, finish) = _display(text, start), _display(text, end)
    if first == last:
        return text.texts[first][begin:finish]
    middle = [text.texts[n] for n in range(first + 1, last) if n not in asides]
    return "\n\n".join([text.texts[first][begin:], *middle, text.texts[last][:finish]])


def people(module: Module) -> set[str]:
    """The names of people in the module's title and question: capitalized words that do not open a sentence and
    are not months, places or institutions."""
    found = set()
    for text in (module.title, module.question):
        for sentence in re.split(r"[.?!:]\s+", text):
            for match in NAME.finditer(sentence):
                if match.start() > 0 and match[0] not in NOT_PEOPLE:
                    found.add(match[0])
    return found


def _why_flagged(sentence: str, names: set[str]) -> list[str]:
    reasons = [f"names {name}" for name in sorted(names) if re.search(rf"\b{re.escape(name)}\b", sentence)]
    hedges = list(dict.fromkeys(m[0] for m in HEDGES.finditer(sentence)))
    if hedges:
        reasons.append(", ".join(f"'{h}'" for h in hedges))
    return reasons


def flagged_sentences(removed: str, names: set[str]) -> list[tuple[str, list[str]]]:
    """The sentences of removed text that name a person of the question or carry a negation or hedge: those naming
    a person first, then those with a hedge, then those with a bare negation (each group in reading order)."""
    flagged = []
    for sentence in SENTENCE.split(" ".join(removed.split())):
        reasons = _why_flagged(sentence, names)
        if reasons:
            flagged.append((sentence, reasons))

    def weight(entry: tuple[str, list[str]]) -> int:
        if entry[1][0].startswith("names "):
            return 0
        return 2 if all(NEGATION.fullmatch(m[0]) for m in HEDGES.finditer(entry[0])) else 1
    return sorted(flagged, key=weight)


def _opening(sentence: str, count: int = 12) -> str:
    tokens = sentence.split()
    return " ".join(tokens[:count]) + (" …" if len(tokens) > count else "")


def cut_problems(module: Module, excerpt: Excerpt, text: SourceText, asides: set[int] = frozenset()) -> list[Problem]:
    where = f"excerpt '{excerpt.id}'"
    placed = pieces(excerpt.quote, text)
    if not placed:
        return []
    problems = []
    span = between(text, placed[0].start, placed[-1].end, asides)
    span_words = len(words(span))
    if span_words > MAX_SPAN:
        first, last = (text.ids[_display(text, o)[0]] for o in (placed[0].start, placed[-1].end - 1))
        problems.append(Problem(module.path, excerpt.line, (
            f"{where}: its pieces span {span_words} words of source text, from {first} to {last} (at most "
            f"{MAX_SPAN}); an excerpt is one passage range: make the distant passages separate excerpts")))
    notes = {note.at for note in excerpt.elisions}
    names = people(module)
    for before, after in zip(placed, placed[1:]):
        at = after.index     # the […] between part at-1 and part at is the at-th of the quotation
        flagged = flagged_sentences(between(text, before.end, after.start, asides), names)
        if not flagged or at in notes:
            continue
        sentence, reasons = flagged[0]
        more = f" and {len(flagged) - 1} more sentence(s) like it" if len(flagged) > 1 else ""
        problems.append(Problem(module.path, excerpt.line, (
            f"{where}: the […] number {at} cuts \"{_opening(sentence)}\" ({'; '.join(reasons)}){more}; restore the "
            f"words, or confirm the cut with a note under the excerpt: elisions: [{{at: {at}, cut: what was "
            f"removed, why: why it can go or how the headnote tells students}}]"), "warning"))
    return problems


# Gate 3: quiz keys.

def _correct_positions(item) -> tuple[int, ...]:
    return tuple(n for n, option in enumerate(item.options, start=1) if option.correct)


def _type_line(module: Module, items: list) -> int:
    return items[0].line if items else module.lines.get("items", 1)


def quiz_problems(module: Module) -> list[Problem]:
    problems = []
    singles = [i for i in module.items if i.type == "single" and i.options]
    multiples = [i for i in module.items if i.type == "multiple" and i.options]
    if len(singles) >= MIN_ITEMS:
        positions = Counter(_correct_positions(i)[0] for i in singles if _correct_positions(i))
        position, count = positions.most_common(1)[0]
        if count * 2 > len(singles):
            problems.append(Problem(module.path, _type_line(module, singles), (
                f"quiz: the correct option is option {position} in {count} of the {len(singles)} single-choice "
                f"items (more than half); move keys to other positions, e.g. in "
                f"{_ids(i for i in singles if _correct_positions(i)[:1] == (position,))}")))
        longest = [i for i in singles if _key_is_longest(i)]
        if len(longest) * 2 > len(singles):
            problems.append(Problem(module.path, _type_line(module, singles), (
                f"quiz: the correct option is the longest in {len(longest)} of the {len(singles)} single-choice "
                f"items ({_ids(longest)}); make distractors as full as the key, or the key shorter, so that "
                f"length gives nothing away")))
    if len(multiples) >= MIN_ITEMS:
        keys = Counter(p for i in multiples for p in _correct_positions(i))
        total = sum(keys.values())
        position, count = keys.most_common(1)[0]
        first = [i for i in multiples if _correct_positions(i) == tuple(range(1, len(_correct_positions(i)) + 1))]
        if count * 2 > total:
            problems.append(Problem(module.path, _type_line(module, multiples), (
                f"quiz: option {position} holds {count} of the {total} correct options of the multiple-response "
                f"items (more than half); spread the correct options across positions")))
        elif len(first) * 2 > len(multiples):
            problems.append(Problem(module.path, _type_line(module, multiples), (
                f"quiz: the correct options come first in {len(first)} of the {len(multiples)} multiple-response "
                f"items ({_ids(first)}); mix correct and wrong options")))
    problems += _giveaways(module)
    for item in module.items:
        if item.type == "short" and item.accept and all(_is_name(answer) for answer in item.accept):
            problems.append(Problem(module.path, item.line, (
                f"item '{item.id}': the answer is a bare name ({item.accept[0]}), which tests recall, not reading; "
                f"ask what the document shows about that person, or what lets students work the name out"),
                "warning"))
    return problems


def _ids(items) -> str:
    return ", ".join(f"'{i.id}'" for i in items)


def _key_is_longest(item) -> bool:
    key = next((o for o in item.options if o.correct), None)
    return key is not None and all(len(key.text) > len(o.text) for o in item.options if o is not key)


def _is_name(answer: str) -> bool:
    tokens = answer.replace(".", ". ").split()
    return 1 <= len(tokens) <= 4 and all(PERSON_TOKEN.match(t) for t in tokens) \
        and any(len(t) > 2 and not t.endswith(".") for t in tokens) and not answer.isupper()


def _keys(item) -> list[str]:
    if item.type == "short":
        return [a for a in item.accept if len(a) > 2]
    if item.type == "single":
        key = next((o.text for o in item.options if o.correct), "")
        return [key.strip().rstrip(".")] if key and len(key.split()) <= SHORT_KEY else []
    return []


def _giveaways(module: Module) -> list[Problem]:
    problems = []
    for holder in module.items:
        keys = _keys(holder)
        if not keys:
            continue
        for item in module.items:
            if item is holder or item.type == "truefalse":
                continue
            # an option that is just the key among other choices ("Rogovin" beside "Davies") tells nothing
            shown = " ".join([item.prompt, *(o.text for o in item.options
                                             if o.text.strip().rstrip(".").casefold() not in
                                             {k.casefold() for k in keys})])
            key = next((k for k in keys if re.search(rf"(?<!\w){re.escape(k)}(?!\w)", shown, re.IGNORECASE)), None)
            if key:
                problems.append(Problem(module.path, item.line, (
                    f"item '{item.id}': its prompt or options give away the answer to item '{holder.id}' "
                    f"(\"{key}\"); reword one of the two so that neither answers the other")))
    return problems


# Gate 4: internal words in rendered text.

def shown_text(value) -> str:
    """The texts inside an item, option, rubric level, … joined by spaces (ids, types and flags left out)."""
    return " ".join(_strings(value))


def _strings(value) -> Iterator[str]:
    """Every text inside an item, option, rubric level, … (ids, types and flags left out)."""
    if isinstance(value, str):
        yield value
    elif dataclasses.is_dataclass(value):
        for field in dataclasses.fields(value):
            if field.name not in NOT_SEARCHED:
                yield from _strings(getattr(value, field.name))
    elif isinstance(value, (list, tuple)):
        for entry in value:
            yield from _strings(entry)
    elif isinstance(value, dict):
        for entry in value.values():
            yield from _strings(entry)


def _id_pattern(identifier: str) -> re.Pattern:
    """An id as a whole token (not part of a longer id or word)."""
    return re.compile(rf"(?<![\w-]){re.escape(identifier)}(?![\w-])")


def _source_ids(corpus: Corpus) -> list[tuple[re.Pattern, str]]:
    return [(_id_pattern(s.id), f"the source id '{s.id}'") for s in corpus.sources]


def _internal_ids(module: Module, corpus: Corpus) -> list[tuple[re.Pattern, str]]:
    """Patterns for ids that must not be printed: sources, and the module's excerpts, exercises, items, claims."""
    found = _source_ids(corpus)
    own = [("excerpt", e.id) for e in module.excerpts] + [("exercise", x.id) for x in module.exercises] \
        + [("item", i.id) for i in module.items] + [("claim", c) for c in module.claims]
    for kind, identifier in own:
        if "-" in identifier or any(ch.isdigit() for ch in identifier):
            pattern = _id_pattern(identifier)
        else:      # a one-word id ("goldman") is a word of prose too; only its code form is internal
            pattern = re.compile(rf"`{re.escape(identifier)}`")
        found.append((pattern, f"the {kind} id '{identifier}'"))
    return found


def leaks(text: str, ids: list[tuple[re.Pattern, str]]) -> list[tuple[str, str]]:
    """(what was found, how to describe it) for each internal word in ``text``."""
    found = [(m[0], description) for pattern, description in ids for m in pattern.finditer(text)]
    found += [(m[0], f"the file name '{m[0]}'") for m in FILE_NAME.finditer(text)]
    found += [(m[0], "the word 'seeds' (say: the sources, the documents)") for m in SEEDS.finditer(text)]
    found += [(m[0], f"the command '{m[0]}'") for m in COMMAND.finditer(text)]
    return found


def _rendered_texts(module: Module, corpus: Corpus) -> Iterator[tuple[str, str, int]]:
    """(what, text, line) for everything a student or teacher reads."""
    lines = module.lines
    yield "title", module.title, lines.get("title", 1)
    yield "question", module.question, lines.get("question", 1)
    for objective in module.objectives:
        yield "objectives", objective, lines.get("objectives", 1)
    yield "context", module.context, lines.get("context", 1)
    yield "teacher notes", module.teacher_notes, lines.get("teacher_notes", 1)
    for entry in module.glossary:
        yield f"glossary '{entry.term}'", shown_text(entry), lines.get("glossary", 1)
    for event in module.timeline:
        yield f"timeline {event.date}", " ".join(filter(None, [event.event, event.note])), lines.get("timeline", 1)
    for step in module.timing:
        yield "timing", step.activity, step.line
    sources = {s.id: s for s in corpus.sources}
    for excerpt in module.excerpts:
        yield f"excerpt '{excerpt.id}'", " ".join(filter(None, [excerpt.title, excerpt.author, excerpt.headnote])), \
            excerpt.headnote_line or excerpt.line
        yield f"excerpt '{excerpt.id}': its printed citation", \
            printed_citation(excerpt, sources.get(excerpt.source)), excerpt.line
    for exercise in module.exercises:
        yield f"exercise '{exercise.id}'", shown_text(exercise), exercise.line
    for item in module.items:
        yield f"item '{item.id}'", shown_text(item), item.line


def unit_problems(title: str, introduction: str, corpus: Corpus, display: str) -> list[Problem]:
    """Gate 4 on the unit page's title and introduction (``unit.yaml``)."""
    return [Problem(display, 1, f"unit: shows {description}, an internal word students and teachers should not "
                                f"see; name sources by author and title")
            for found, description in leaks(f"{title}\n{introduction}", _source_ids(corpus))]


def _line_of(found: str, start: int, file_lines: list[str]) -> int:
    """The first line from ``start`` on that holds ``found`` (``start`` when none does)."""
    for number in range(max(start, 1), len(file_lines) + 1):
        if found.casefold() in file_lines[number - 1].casefold():
            return number
    return start


def leak_problems(module: Module, corpus: Corpus, file_lines: list[str]) -> list[Problem]:
    return shown_problems(module, corpus, _rendered_texts(module, corpus), file_lines)


def shown_problems(module: Module, corpus: Corpus, texts: Iterable[tuple[str, str, int]],
                   file_lines: list[str] | None = None) -> list[Problem]:
    """Gate 4 on ``texts``, (what, text, line) triples that people read: an error for each internal word. With the
    module file's ``file_lines``, at the first line from ``line`` on that holds the word; without, at ``line``."""
    ids = _internal_ids(module, corpus)
    problems, seen = [], set()
    for what, text, line in texts:
        for found, description in leaks(text or "", ids):
            at = _line_of(found, line, file_lines) if file_lines is not None else line
            if (at, found) in seen:
                continue
            seen.add((at, found))
            problems.append(Problem(module.path, at, (
                f"{what}: shows {description}, an internal word students and teachers should not see; refer to "
                f"documents by their printed titles or numbers (\"Document 3\") and to sources by author and title")))
    return problems


# Gate 5: reading load.

def load_problems(module: Module) -> list[Problem]:
    problems = []
    for excerpt in module.excerpts:
        count = len(excerpt.headnote.split())
        if count > MAX_HEADNOTE:
            problems.append(Problem(module.path, excerpt.headnote_line or excerpt.line, (
                f"excerpt '{excerpt.id}': the headnote has {count} words (at most {MAX_HEADNOTE}); keep who, when, "
                f"for whom and the one thing students need to read the document")))
    total = sum(excerpt.word_count for excerpt in module.excerpts)
    if total > MAX_DOCUMENTS:
        problems.append(Problem(module.path, module.lines.get("excerpts", 1), (
            f"module: the documents total {total} words (at most about {MAX_DOCUMENTS}); cut or drop a document"),
            "warning"))
    return problems


def _span(excerpt: Excerpt) -> tuple[tuple[int, int], tuple[int, int]]:
    """Where an excerpt's quotation starts and ends in its source, as (passage number, offset) pairs."""
    def number(passage_id: str) -> int:
        return int(passage_id.rsplit(":p", 1)[1])
    found = excerpt.locator
    return (number(found.passages[0]), found.start), (number(found.passages[-1]), found.end)


def repeated_excerpts(modules: list[Module]) -> list[Problem]:
    """No excerpt appears in two modules: an excerpt whose quotation overlaps, in its source, one of an earlier
    module's (in file order) is an error at its line, naming the other module and excerpt."""
    problems: list[Problem] = []
    placed: dict[str, list[tuple[tuple, tuple, Module, Excerpt]]] = {}
    for module in modules:
        for excerpt in module.excerpts:
            if excerpt.locator is None:
                continue
            start, end = _span(excerpt)
            for other_start, other_end, other_module, other in placed.get(excerpt.source, []):
                if other_module is not module and start < other_end and other_start < end:
                    problems.append(Problem(module.path, excerpt.line, (
                        f"excerpt '{excerpt.id}' quotes text that module '{other_module.id}' already quotes in its "
                        f"excerpt '{other.id}' (\"{other.title or other.quote[:40]}\"): no excerpt appears in two "
                        "modules; choose another passage or move the document with both modules revised")))
            placed.setdefault(excerpt.source, []).append((start, end, module, excerpt))
    return problems
