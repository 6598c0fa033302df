"""Read module files and check them, reporting every problem as ``file:line: message``.

A module file is YAML front matter (the structured parts) followed by a Markdown body with two sections,
``# Context`` and ``# Teacher notes``; see ``curriculum/README.md``. Loading never stops at the first problem: it
collects them all, so an author can fix a file in one pass. Quotation checks need the corpus and live in
:mod:`.verify`; everything here is about the file itself.
"""
from __future__ import annotations

import datetime
import difflib
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..corpus.locate import ELISION
from ..items import TYPES, Item, Level
from . import yamlines
from .model import (CLAIM_VALUES, SKILLS, Elision, Excerpt, Exercise, GlossaryEntry, Module, RubricLevel,
                    TimelineEvent, TimingStep)

ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$")
LEVELS = ("proficient", "emergent", "basic")
DEFAULT_LEVEL_POINTS = {"proficient": 3, "emergent": 2, "basic": 1}
BODY_SECTIONS = {"context": "context", "teacher notes": "teacher_notes"}

MODULE_KEYS = {"id", "title", "question", "level", "duration", "objectives", "claims", "glossary", "timeline",
               "excerpts", "exercises", "items", "timing"}
EXCERPT_KEYS = {"id", "source", "title", "author", "headnote", "quote", "claims", "elisions"}
ELISION_KEYS = {"at", "cut", "why"}
TIMING_KEYS = {"lesson", "minutes", "activity"}
DURATION = re.compile(r"^(\d+) lessons? of (\d+) minutes$")
EXERCISE_KEYS = {"id", "skill", "title", "excerpts", "compare", "lines", "prompt", "rubric"}
ITEM_KEYS = {"id", "type", "skill", "title", "prompt", "excerpts", "points", "explanation"}  # + each type's fields


@dataclass(frozen=True)
class Problem:
    path: str
    line: int
    message: str
    severity: str = "error"   # or "warning"

    def __str__(self) -> str:
        prefix = "" if self.severity == "error" else "warning: "
        return f"{self.path}:{self.line}: {prefix}{self.message}"


class Report:
    """Collects problems for one file."""

    def __init__(self, path: str):
        self.path = path
        self.problems: list[Problem] = []

    def error(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.path, line, message))

    def warning(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.path, line, message, "warning"))


def split_front_matter(text: str) -> tuple[str, int, str, int]:
    """(front matter, its first line, body, its first line); raises ValueError when there is no front matter."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        raise ValueError("a module starts with a '---' line and YAML front matter")
    for index in range(1, len(lines)):
        if lines[index].strip() == "---":
            return "".join(lines[1:index]), 2, "".join(lines[index + 1:]), index + 2
    raise ValueError("the front matter has no closing '---' line")


def body_sections(body: str, first_line: int, report: Report) -> tuple[dict[str, str], dict[str, int]]:
    """The Markdown body's top-level sections (``# Context``, ``# Teacher notes``) by field name, and the line of
    each one's heading (the body's first line for a section that has none)."""
    sections: dict[str, list[str]] = {}
    headings = dict.fromkeys(BODY_SECTIONS.values(), first_line)
    current = None
    for number, line in enumerate(body.splitlines(), start=first_line):
        heading = re.match(r"^#\s+(.+?)\s*#*\s*$", line)
        if heading:
            name = heading[1].strip().casefold()
            current = BODY_SECTIONS.get(name)
            if current is None:
                current = "unknown"
                report.error(number, f"unknown section '# {heading[1]}' (expected: # Context, # Teacher notes)")
            elif current in sections:
                report.error(number, f"section '# {heading[1]}' appears twice")
                current = "unknown"
            else:
                sections[current] = []
                headings[current] = number
            continue
        if current in sections:
            sections[current].append(line)
        elif current == "unknown":
            continue
        elif line.strip():
            report.error(number, "text before the first section; start the body with '# Context'")
    return {name: "\n".join(lines).strip() for name, lines in sections.items()}, headings


class Fields:
    """Typed access to one YAML mapping, reporting missing, mistyped and unknown keys at their lines."""

    def __init__(self, data: object, where: str, report: Report, line: int, allowed: set[str]):
        self.where, self.report = where, report
        if not isinstance(data, dict):
            report.error(line, f"{where}: expected a mapping of fields")
            data = yamlines.LineDict()
            data.line, data.key_lines = line, {}
        self.data = data
        self.line = getattr(data, "line", line)
        for key in data:
            if key not in allowed:
                hint = difflib.get_close_matches(str(key), sorted(allowed), n=1)
                suggestion = f" (did you mean '{hint[0]}'?)" if hint else ""
                report.error(self.line_of(key), f"{where}: unknown field '{key}'{suggestion}")

    def line_of(self, key: str) -> int:
        return self.data.line_of(key) if hasattr(self.data, "line_of") else self.line

    def text(self, key: str, required: bool = True, default: str | None = "") -> str | None:
        value = self.data.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.report.error(self.line, f"{self.where}: missing '{key}'")
            return default
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            self.report.error(self.line_of(key), f"{self.where}: '{key}' should be text")
            return default
        return str(value).strip()

    def texts(self, key: str, required: bool = True) -> list[str]:
        value = self.data.get(key)
        if value is None:
            if required:
                self.report.error(self.line, f"{self.where}: missing '{key}'")
            return []
        if not isinstance(value, list) or not all(isinstance(v, (str, int, float)) and not isinstance(v, bool)
                                                   for v in value):
            self.report.error(self.line_of(key), f"{self.where}: '{key}' should be a list of texts")
            return []
        return [str(v).strip() for v in value]

    def items(self, key: str, required: bool = True) -> list[tuple[object, int]]:
        value = self.data.get(key)
        if value is None:
            if required:
                self.report.error(self.line, f"{self.where}: missing '{key}'")
            return []
        if not isinstance(value, list):
            self.report.error(self.line_of(key), f"{self.where}: '{key}' should be a list")
            return []
        lines = getattr(value, "item_lines", [self.line_of(key)] * len(value))
        return list(zip(value, lines))

    def number(self, key: str, default: float) -> float:
        value = self.data.get(key, default)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
            self.report.error(self.line_of(key), f"{self.where}: '{key}' should be a positive number")
            return default
        return float(value)

    def whole(self, key: str) -> int | None:
        """A required positive whole number (None, reported, when it is missing or is not one)."""
        value = self.data.get(key)
        if value is None:
            self.report.error(self.line, f"{self.where}: missing '{key}'")
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            self.report.error(self.line_of(key), f"{self.where}: '{key}' should be a whole number above 0, "
                                                 f"not {value!r}")
            return None
        return value

    def flag(self, key: str, default: bool = False) -> bool:
        value = self.data.get(key, default)
        if not isinstance(value, bool):
            self.report.error(self.line_of(key), f"{self.where}: '{key}' should be true or false")
            return default
        return value


def valid_date(text: str) -> bool:
    match = DATE.match(text)
    if not match:
        return False
    year, month, day = (int(g) if g else 1 for g in match.groups())
    try:
        datetime.date(year, month, day)
    except ValueError:
        return False
    return True


def load_module(path: Path, source_ids: set[str], display: str | None = None) -> tuple[Module | None, list[Problem]]:
    """Parse and check one module file (everything but the quotations)."""
    where = display or str(path)
    report = Report(where)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        report.error(1, f"cannot read the file ({error})")
        return None, report.problems
    try:
        front, front_line, body, body_line = split_front_matter(text)
    except ValueError as error:
        report.error(1, str(error))
        return None, report.problems
    try:
        data = yamlines.load(front, front_line)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + front_line if mark else front_line
        report.error(line, f"malformed YAML: {getattr(error, 'problem', None) or error}")
        return None, report.problems
    fields = Fields(data, "module", report, front_line, MODULE_KEYS)
    module_id = fields.text("id")
    if module_id and not ID.match(module_id):
        report.error(fields.line_of("id"), f"module id '{module_id}' should use lowercase letters, digits and hyphens")
    sections, section_lines = body_sections(body, body_line, report)
    for name, heading in (("context", "Context"), ("teacher_notes", "Teacher notes")):
        if not sections.get(name):
            report.error(body_line, f"the body needs a '# {heading}' section")

    claims = _claims(fields, report)
    ids: dict[str, int] = {}
    excerpts = [_excerpt(value, line, report, source_ids, claims, ids) for value, line in fields.items("excerpts")]
    excerpts = [e for e in excerpts if e]
    excerpt_ids = {e.id for e in excerpts}
    exercises = [_exercise(value, line, report, excerpt_ids, ids) for value, line in fields.items("exercises")]
    items = [_item(value, line, report, excerpt_ids, ids) for value, line in fields.items("items")]
    module = Module(
        id=module_id or "",
        title=fields.text("title") or "",
        question=fields.text("question") or "",
        level=fields.text("level") or "",
        duration=fields.text("duration") or "",
        objectives=tuple(fields.texts("objectives")),
        context=sections.get("context", ""),
        teacher_notes=sections.get("teacher_notes", ""),
        glossary=tuple(_glossary(fields, report)),
        timeline=tuple(_timeline(fields, report, source_ids)),
        claims=claims,
        excerpts=tuple(excerpts),
        exercises=tuple(e for e in exercises if e),
        items=tuple(i for i in items if i),
        path=where,
        timing=tuple(_timing(fields, report)),
        lines={**{key: fields.line_of(key) for key in fields.data}, **section_lines},
    )
    _module_warnings(module, report, fields.line)
    return module, report.problems


def lessons(duration: str) -> tuple[int, int] | None:
    """(number of lessons, minutes each) from a duration such as "2 lessons of 50 minutes"."""
    match = DURATION.match(duration.strip())
    if not match or int(match[1]) == 0 or int(match[2]) == 0:
        return None
    return int(match[1]), int(match[2])


def _timing(fields: Fields, report: Report) -> list[TimingStep]:
    """The lesson plan; its minutes must fill each lesson the duration gives, exactly."""
    steps = []
    if "timing" not in fields.data:
        report.error(fields.line, "module: missing 'timing' (a list of {lesson: 1, minutes: 10, activity: ...} "
                                  "steps whose minutes add up to each lesson's length)")
        return steps
    for value, line in fields.items("timing"):
        entry = Fields(value, "timing step", report, line, TIMING_KEYS)
        lesson, minutes, activity = entry.whole("lesson"), entry.whole("minutes"), entry.text("activity")
        if lesson and minutes and activity:
            steps.append(TimingStep(lesson, minutes, activity, entry.line))
    duration = fields.data.get("duration")
    plan = lessons(str(duration)) if isinstance(duration, str) else None
    if duration is not None and plan is None:
        report.error(fields.line_of("duration"), f"module: duration '{duration}' should read 'N lessons of M minutes' "
                                                 f"(or '1 lesson of M minutes') so that the timing can be checked")
    if plan is None or not steps:
        return steps
    count, length = plan
    timing_line = fields.line_of("timing")
    for step in steps:
        if step.lesson > count:
            report.error(step.line, f"timing: lesson {step.lesson} is beyond the duration ({duration}); "
                                    f"number lessons 1 to {count}")
    for lesson in range(1, count + 1):
        total = sum(step.minutes for step in steps if step.lesson == lesson)
        if total != length:
            first = next((step.line for step in steps if step.lesson == lesson), timing_line)
            report.error(first, f"timing: lesson {lesson} adds up to {total} minutes, but the duration gives "
                                f"{length} minutes per lesson; make its steps add up to exactly {length}")
    return steps


def _elisions(fields: Fields, where: str, quote: str | None, report: Report) -> tuple[Elision, ...]:
    """The notes on the quotation's cuts: each names a ``[…]`` by its position and says what went and why."""
    notes, seen = [], set()
    cuts = len(ELISION.findall(quote or ""))
    for value, line in fields.items("elisions", required=False):
        entry = Fields(value, f"{where}: elision", report, line, ELISION_KEYS)
        at, cut, why = entry.whole("at"), entry.text("cut"), entry.text("why")
        if at and quote is not None and at > cuts:
            report.error(entry.line_of("at"), f"{where}: elision at {at}, but the quotation has "
                                              f"{cuts} '[…]'; 'at' counts the quotation's '[…]' from 1")
            continue
        if at in seen:
            report.error(entry.line_of("at"), f"{where}: elision {at} has two notes; keep one")
            continue
        if at and cut and why:
            seen.add(at)
            notes.append(Elision(at, cut, why, entry.line))
    return tuple(sorted(notes, key=lambda note: note.at))


def _name(kind: str, value: object) -> str:
    """How messages name an entry: "excerpt 'cc-letter'", or just "excerpt" when it has no id."""
    identifier = value.get("id") if isinstance(value, dict) else None
    return f"{kind} '{identifier}'" if identifier else kind


def _unique(identifier: str | None, kind: str, line: int, report: Report, ids: dict[str, int]) -> bool:
    if not identifier:
        return False
    if not ID.match(identifier):
        report.error(line, f"{kind} id '{identifier}' should use lowercase letters, digits and hyphens")
        return False
    if identifier in ids:
        report.error(line, f"{kind} '{identifier}': id already used on line {ids[identifier]}")
        return False
    ids[identifier] = line
    return True


def _references(fields: Fields, key: str, where: str, known: set[str], report: Report,
                required: bool = True) -> tuple[str, ...]:
    references = fields.texts(key, required=required)
    for reference in references:
        if reference not in known:
            hint = difflib.get_close_matches(reference, sorted(known), n=1)
            suggestion = f" (did you mean '{hint[0]}'?)" if hint else ""
            report.error(fields.line_of(key), f"{where}: unknown excerpt '{reference}'{suggestion}")
    return tuple(references)


def _claims(fields: Fields, report: Report) -> dict[str, str]:
    value = fields.data.get("claims") or {}
    if not isinstance(value, dict):
        report.error(fields.line_of("claims"), "module: 'claims' should map claim ids to statements")
        return {}
    claims = {}
    for key, statement in value.items():
        line = value.line_of(key) if hasattr(value, "line_of") else fields.line
        if not isinstance(key, str) or not ID.match(key):
            report.error(line, f"claim id '{key}' should use lowercase letters, digits and hyphens")
        elif not isinstance(statement, str) or not statement.strip():
            report.error(line, f"claim '{key}' needs a statement")
        else:
            claims[key] = statement.strip()
    return claims


def _glossary(fields: Fields, report: Report) -> list[GlossaryEntry]:
    entries, seen = [], set()
    for value, line in fields.items("glossary"):
        entry = Fields(value, "glossary entry", report, line, {"term", "definition", "aliases"})
        term, definition = entry.text("term"), entry.text("definition")
        if term and term.casefold() in seen:
            report.error(entry.line, f"glossary: '{term}' is defined twice")
        if term and definition:
            seen.add(term.casefold())
            entries.append(GlossaryEntry(term, definition, tuple(entry.texts("aliases", required=False))))
    return entries


def _timeline(fields: Fields, report: Report, source_ids: set[str]) -> list[TimelineEvent]:
    events = []
    for value, line in fields.items("timeline"):
        entry = Fields(value, "timeline event", report, line, {"date", "event", "source", "note"})
        date, event, source = entry.text("date"), entry.text("event"), entry.text("source")
        if date and not valid_date(date):
            report.error(entry.line_of("date"), f"timeline: '{date}' is not a valid date (YYYY, YYYY-MM or YYYY-MM-DD)")
            continue
        if source and source not in source_ids:
            report.error(entry.line_of("source"), f"timeline: unknown source '{source}'{_suggest(source, source_ids)}")
            continue
        if date and event and source:
            events.append(TimelineEvent(date, event, source, entry.text("note", required=False, default=None)))
    return events


def _suggest(value: str, known: set[str]) -> str:
    hint = difflib.get_close_matches(value, sorted(known), n=1, cutoff=0.4)
    return f" (did you mean '{hint[0]}'?)" if hint else f" (known: {', '.join(sorted(known))})"


def _excerpt(value, line, report, source_ids, claims, ids) -> Excerpt | None:
    fields = Fields(value, _name("excerpt", value), report, line, EXCERPT_KEYS)
    excerpt_id = fields.text("id")
    where = fields.where
    ok = _unique(excerpt_id, "excerpt", fields.line, report, ids)
    source = fields.text("source")
    if source and source not in source_ids:
        report.error(fields.line_of("source"), f"{where}: unknown source '{source}'{_suggest(source, source_ids)}")
        ok = False
    quote, headnote = fields.text("quote"), fields.text("headnote")
    tags = {}
    raw_claims = fields.data.get("claims") or {}
    if not isinstance(raw_claims, dict):
        report.error(fields.line_of("claims"), f"{where}: 'claims' should map claim ids to yes, no or partly")
        raw_claims = {}
    for claim, position in raw_claims.items():
        position = {True: "yes", False: "no"}.get(position, position)
        if claim not in claims:
            report.error(fields.line_of("claims"), f"{where}: claim '{claim}' is not defined in the module's claims")
        elif position not in CLAIM_VALUES:
            report.error(fields.line_of("claims"), f"{where}: claim '{claim}' should be yes, no or partly")
        else:
            tags[claim] = position
    author = fields.text("author", required=False, default=None)
    elisions = _elisions(fields, where, quote, report)
    if not (ok and quote and headnote):
        return None
    return Excerpt(excerpt_id, source, quote, headnote, fields.text("title", required=False, default=None), tags,
                   line=fields.line_of("quote"), author=author, elisions=elisions,
                   headnote_line=fields.line_of("headnote"))


def _rubric(fields: Fields, where: str, report: Report, with_points: bool) -> tuple:
    value = fields.data.get("rubric")
    if not isinstance(value, dict):
        report.error(fields.line_of("rubric"), f"{where}: needs a 'rubric' with {', '.join(LEVELS)}")
        return ()
    levels = []
    for level in LEVELS:
        if level not in value:
            report.error(fields.line_of("rubric"), f"{where}: rubric is missing the '{level}' level")
            continue
        line = value.line_of(level) if hasattr(value, "line_of") else fields.line
        entry = Fields(value[level], f"{where}: rubric level '{level}'", report, line,
                       {"descriptor", "sample", "points"})
        descriptor, sample = entry.text("descriptor"), entry.text("sample")
        points = entry.number("points", DEFAULT_LEVEL_POINTS[level])
        if descriptor and sample:
            levels.append(Level(level, descriptor, sample, points) if with_points
                          else RubricLevel(level, descriptor, sample, points))
    for extra in set(value) - set(LEVELS):
        report.error(value.line_of(extra) if hasattr(value, "line_of") else fields.line,
                     f"{where}: unknown rubric level '{extra}' (levels: {', '.join(LEVELS)})")
    return tuple(levels) if len(levels) == len(LEVELS) else ()


def _exercise(value, line, report, excerpt_ids, ids) -> Exercise | None:
    fields = Fields(value, _name("exercise", value), report, line, EXERCISE_KEYS)
    exercise_id = fields.text("id")
    where = fields.where
    ok = _unique(exercise_id, "exercise", fields.line, report, ids)
    skill = fields.text("skill")
    if skill and skill not in SKILLS:
        report.error(fields.line_of("skill"), f"{where}: unknown skill '{skill}' (skills: {', '.join(SKILLS)})")
        ok = False
    excerpts = _references(fields, "excerpts", where, excerpt_ids, report)
    compare = fields.flag("compare")
    if compare and len(excerpts) < 2:
        report.error(fields.line_of("compare"), f"{where}: a side-by-side comparison needs at least two excerpts")
    prompt, title = fields.text("prompt"), fields.text("title")
    rubric = _rubric(fields, where, report, with_points=False)
    lines = int(fields.number("lines", 8))
    if not (ok and prompt and title and rubric):
        return None
    return Exercise(exercise_id, skill, title, excerpts, prompt, rubric, compare, lines, fields.line)


@dataclass
class ItemReader:
    """What an item type's ``parse`` (``corroborate/items/<type>.py``) reads a module file's item with."""

    fields: Fields                  # the item's fields
    where: str                      # how messages name the item: "item 'q-order'"
    report: Report
    excerpt_ids: set[str]           # the excerpts the module defines

    def error(self, line: int, message: str) -> None:
        self.report.error(line, message)

    def entry(self, value: object, where: str, line: int, allowed: set[str]) -> Fields:
        """A mapping inside the item (an option, a pair), read like the item itself."""
        return Fields(value, where, self.report, line, allowed)

    def rubric(self) -> tuple[Level, ...]:
        """The item's ``rubric``: proficient, emergent and basic, with points (empty when it has errors)."""
        return _rubric(self.fields, self.where, self.report, with_points=True)


def _item(value, line, report, excerpt_ids, ids) -> Item | None:
    own_fields = set().union(*(kind.fields for kind in TYPES.values()))
    fields = Fields(value, _name("item", value), report, line, ITEM_KEYS | own_fields)
    item_id = fields.text("id")
    where = fields.where
    ok = _unique(item_id, "item", fields.line, report, ids)
    name = fields.text("type")
    if name and name not in TYPES:
        report.error(fields.line_of("type"), f"{where}: unknown type '{name}' (types: {', '.join(TYPES)})")
        return None
    kind = TYPES[name] if name else None
    skill = fields.text("skill")
    if skill and skill not in SKILLS:
        report.error(fields.line_of("skill"), f"{where}: unknown skill '{skill}' (skills: {', '.join(SKILLS)})")
        ok = False
    if kind:
        for key in set(fields.data) & (own_fields - kind.fields):
            report.error(fields.line_of(key), f"{where}: '{key}' does not belong to a {name} item")
    default_prompt = kind.default_prompt if kind else None
    common = dict(
        id=item_id, type=name, skill=skill or "",
        prompt=fields.text("prompt", required=default_prompt is None) or default_prompt,
        points=fields.number("points", 1.0),
        excerpts=_references(fields, "excerpts", where, excerpt_ids, report, required=False),
        explanation=fields.text("explanation", required=False, default=None), line=fields.line,
        title=fields.text("title", required=False, default=None),
    )
    if not (ok and kind):
        return None
    specific = kind.parse(ItemReader(fields, where, report, excerpt_ids))     # its problems too, prompt or not
    return kind.item_class(**{**common, **specific}) if specific is not None and common["prompt"] else None


def _module_warnings(module: Module, report: Report, line: int) -> None:
    for excerpt in module.excerpts:
        if excerpt.word_count > 300:
            report.warning(excerpt.line, f"excerpt '{excerpt.id}' has {excerpt.word_count} words (more than 300)")
    if module.excerpts and len(module.sources) < 3:
        report.warning(line, f"module '{module.id}' quotes {len(module.sources)} source(s); use at least three")
