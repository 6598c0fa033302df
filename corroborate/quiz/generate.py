"""Quiz items generated from a module and the source metadata, deterministic for a given seed.

Every generator builds only from what the curriculum and ``sources.yaml`` state explicitly: excerpts and their
sources, compilation citations, the timeline, the glossary and the claims that authors tagged. Nothing is guessed:
a corroboration item exists only where two excerpts carry the same explicit claim tag. Each candidate then passes
:func:`quality_problems`; a candidate with a problem is dropped, never shipped.

Generated items are marked ``generated=True`` and have ids derived from their content (``gen-<kind>-<hash>``), so
a teacher's choice to keep or drop one survives regeneration.
"""
from __future__ import annotations

import hashlib
import html
import random
from dataclasses import replace
import re
from collections.abc import Callable, Iterator

from ..corpus.sources import Source
from ..corpus.store import Corpus
from ..curriculum.gates import shown_problems, shown_text
from ..curriculum.load import Problem
from ..curriculum.markup import plain, render, sanitize
from ..curriculum.model import Excerpt, Module
from ..items import Blank, Item, Level, Option, Pair

STOPWORDS = frozenset("""a an and are as at be but by for from had has have he her his i in is it its of on or our she
that the their them they this to was we were which who will with would not no so than then there these those""".split())
ROLES = {
    "historian": "A historian writing long after the events",
    "compiler": "A compiler selecting other writers' words",
    "participant": "A participant in the events",
    "eyewitness": "An eyewitness of the events",
}
YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
NUMBER = re.compile(r"\b\d{2,}(?:,\d{3})*\b")


def _id(kind: str, *parts: str) -> str:
    return f"gen-{kind}-" + hashlib.sha1("\x00".join(parts).encode()).hexdigest()[:8]


def _snippet(text: str, words: int = 28) -> str:
    tokens = text.split()
    return html.escape(" ".join(tokens[:words]) + (" …" if len(tokens) > words else ""), quote=False)


def _label(excerpt: Excerpt, sources: dict[str, Source]) -> str:
    return excerpt.title or sources[excerpt.source].label


def _choice(kind: str, key: str, prompt: str, skill: str, right: str, wrong: list[str], rng: random.Random,
            excerpts: tuple[str, ...] = (), explanation: str | None = None) -> Item | None:
    """A single-choice item with up to three distractors, options in a seeded order."""
    distractors = [w for w in dict.fromkeys(wrong) if w != right][:3]
    if len(distractors) < 2:
        return None
    texts = [right] + distractors
    rng.shuffle(texts)
    options = tuple(Option(chr(97 + n), text, text == right) for n, text in enumerate(texts))
    return Item(_id(kind, key), "single", f"<p>{prompt}</p>", skill, excerpts=excerpts,
                explanation=f"<p>{explanation}</p>" if explanation else None, options=options, generated=True)


def attribution(module: Module, sources: dict[str, Source], rng: random.Random) -> Iterator[Item]:
    """Which source is this passage from? Who wrote a document that a book prints (the excerpt's ``author``, never
    the book's authors)? And, for quotations in a compilation, who originally wrote them?"""
    labels = [sources[s].label for s in module.sources]
    for excerpt in module.excerpts:
        source = sources[excerpt.source]
        if excerpt.author:
            explanation = (f"It was written by {html.escape(excerpt.author)} and is printed in {source.label}, "
                           f"{source.kind}: {html.escape(source.byline)} printed it, but did not write it.")
        else:
            explanation = f"It was written by {html.escape(source.byline)}: {source.label}, {source.kind}."
        item = _choice("source", excerpt.id, f"Which source is this passage from? “{_snippet(excerpt.quote)}”",
                       "sourcing", source.label, [lbl for lbl in labels if lbl != source.label], rng, (excerpt.id,),
                       explanation)
        if item:
            yield item
        if excerpt.author:
            writers = [e.author for e in module.excerpts if e.author and e.author != excerpt.author]
            item = _choice("writer", excerpt.id, f"This document is printed in {source.label}. Who wrote it? "
                           f"“{_snippet(excerpt.quote)}”", "sourcing", excerpt.author,
                           [source.byline, *writers, *(sources[s].byline for s in module.sources)], rng,
                           (excerpt.id,), explanation)
            if item:
                yield item
    records = [e for e in module.excerpts if not e.author and _writer(e)]
    authors = list(dict.fromkeys(_writer(e) for e in records))
    for excerpt in records:
        author = _writer(excerpt)
        surname = author.split()[-1].casefold()
        others = [a for a in authors + [", ".join(sources[s].authors) for s in module.sources if sources[s].authors]
                  if surname not in a.casefold()]
        item = _choice("author", excerpt.id, f"This passage is quoted in {sources[excerpt.source].label}. Who "
                       f"originally wrote it? “{_snippet(excerpt.quote)}”", "sourcing", author, others, rng,
                       (excerpt.id,), f"The compilation's citation line names {author}, "
                       f"<cite>{excerpt.locator.citation.get('title') or ''}</cite>.")
        if item:
            yield item


def _writer(excerpt: Excerpt) -> str | None:
    """Who wrote a compilation record's words, as people are named: the excerpt's ``author`` when the module gives
    one, else the citation line's author unless that line names them only as its translators or editors (a
    translated speech is not the translator's)."""
    if excerpt.author:
        return excerpt.author
    citation = excerpt.locator.citation if excerpt.locator else None
    if not citation or not citation.get("author"):
        return None
    named = citation["author"]
    if any(named in (citation.get(role) or "") for role in ("translators", "editors")):
        return None
    return _author(named)


def _author(name: str) -> str:
    """"Davies, Joseph E." → "Joseph E. Davies" (as people are named in options)."""
    if name.count(",") == 1:
        last, first = (p.strip() for p in name.split(","))
        if first and " " not in last:
            return f"{first} {last}"
    return name.strip()


def _year(text: str | None) -> int | None:
    found = YEAR.search(text or "")
    return int(found[1]) if found else None


def sourcing(module: Module, sources: dict[str, Source], rng: random.Random) -> Iterator[Item]:
    """Distance in time, the author's position, second-hand quotation and translation, from the metadata."""
    for excerpt in module.excerpts:
        source = sources[excerpt.source]
        citation = excerpt.locator.citation if excerpt.locator else None
        published = _year(citation.get("year")) if citation else source.year
        writer = _writer(excerpt) if citation and not excerpt.author else None
        account = (f"{writer}'s account (<cite>{citation.get('title')}</cite>)" if writer
                   else f"<cite>{citation.get('title')}</cite>" if citation else f"{source.label}")
        events = [t for t in module.timeline if t.date[:4] in excerpt.quote]
        if events and published:
            event = events[0]
            gap = published - int(event.date[:4])
            if gap > 0:
                wrong = [str(g) for g in (gap - 10, gap + 10, gap - 20, gap + 20, gap + 5) if g > 0]
                rng.shuffle(wrong)
                item = _choice("years", excerpt.id, f"“{event.event}” ({event.date[:4]}). How many years after "
                               f"this event was {account} published?", "contextualization", str(gap), wrong, rng,
                               (excerpt.id,), f"Published in {published}: {gap} years after {event.date[:4]}.")
                if item:
                    yield item
        if source.role in ROLES and not citation:
            item = _choice("position", excerpt.id, f"What was the position of the author(s) of "
                           f"<cite>{source.title}</cite> ({source.year}), from which Document "
                           f"“{_label(excerpt, sources)}” "
                           "is taken?", "sourcing", ROLES[source.role],
                           [v for k, v in ROLES.items() if k != source.role], rng, (excerpt.id,),
                           f"{source.byline}: {source.kind}, {source.year}.")
            if item:
                yield item
        yield Item(_id("second-hand", excerpt.id), "truefalse",
                   f"<p>Document “{_label(excerpt, sources)}” reaches us through a compilation of quotations: the "
                   "compiler copied it from another writer's book, named in a citation line.</p>", "sourcing",
                   excerpts=(excerpt.id,), options=_truefalse(bool(citation)), generated=True,
                   explanation="<p>Compilation records quote an original work named in a citation line.</p>"
                   if citation else f"<p>{_own_text(excerpt, source)}</p>")
        if not citation:
            yield Item(_id("translation", excerpt.id), "truefalse",
                       f"<p>The text of Document “{_label(excerpt, sources)}” is a translation.</p>", "sourcing",
                       excerpts=(excerpt.id,), generated=True,
                       options=_truefalse(source.documents_translated if excerpt.author else source.translated),
                       explanation=render(source.production))


def _own_text(excerpt: Excerpt, source: Source) -> str:
    if excerpt.author:
        return f"It is a document by {html.escape(excerpt.author)}, printed in {source.label}."
    return f"It is {html.escape(source.byline)}'s own text."


def headings(module: Module, sources: dict[str, Source], rng: random.Random) -> Iterator[Item]:
    """For a quotation in a compilation: what does the compiler's heading over it claim, and does the passage
    support it? A written answer, marked with a rubric."""
    for excerpt in module.excerpts:
        citation = excerpt.locator.citation if excerpt.locator else None
        heading = excerpt.locator.heading if excerpt.locator else None
        author = _writer(excerpt) if citation else None
        if not (heading and author):
            continue
        compilation = sources[excerpt.source]
        prompt = (f"In <cite>{html.escape(compilation.title)}</cite>, the compiler put the heading "
                  f"“{html.escape(heading.title() if heading.isupper() else heading)}” over this passage by "
                  f"{html.escape(author)} (Document “{html.escape(_label(excerpt, sources))}”). What is the heading "
                  "claiming, and does the passage itself support it?")
        yield Item(_id("heading", excerpt.id), "essay", f"<p>{prompt}</p>", "sourcing", points=3.0,
                   excerpts=(excerpt.id,), generated=True, rubric=HEADING_RUBRIC)


HEADING_RUBRIC = (
    Level("proficient", "States the heading's claim in your own words, checks it line by line against the passage, "
          "and notes that the compiler chose and cut the quotation to support the heading.",
          "<p>The heading claims a conclusion; the passage only reports what its author saw or believed at the time, "
          "which is not proof of that conclusion. The compiler cut the passage from a longer book and chose it to fit "
          "the heading, so the heading is the compiler's argument, not the author's.</p>", 3.0),
    Level("emergent", "States the claim and says whether the passage supports it, without showing where the passage "
          "falls short or what the compiler did.", "<p>The heading says the trials were fair and the passage mostly "
          "agrees.</p>", 2.0),
    Level("basic", "Treats the heading as a fact or as the author's own words.",
          "<p>The passage proves what the heading says.</p>", 1.0),
)


def _truefalse(answer: bool) -> tuple[Option, Option]:
    return Option("true", "True", answer), Option("false", "False", not answer)


def perspectives(module: Module, sources: dict[str, Source], rng: random.Random) -> Iterator[Item]:
    """Match each excerpt to its author's stance (first sentence of the stance in sources.yaml)."""
    chosen: dict[str, Excerpt] = {}
    for excerpt in module.excerpts:
        chosen.setdefault(excerpt.source, excerpt)
    if len(chosen) < 3:
        return
    pairs = tuple(Pair(_label(e, sources), sources[s].stance.split(". ")[0].rstrip(".") + ".")
                  for s, e in chosen.items())
    if len({p.right for p in pairs}) < len(pairs):
        return
    yield Item(_id("stance", *[p.left for p in pairs]), "matching",
               "<p>Match each document to the stance of the work it comes from.</p>", "sourcing",
               excerpts=tuple(e.id for e in chosen.values()), pairs=pairs, generated=True)


def chronology(module: Module, sources: dict[str, Source], rng: random.Random) -> Iterator[Item]:
    """Put 4-6 timeline events (with distinct dates) in order."""
    distinct = {}
    for event in module.timeline:
        distinct.setdefault(event.date, event)
    events = sorted(distinct.values(), key=lambda e: e.date)
    if len(events) < 4:
        return
    count = min(len(events), rng.randint(4, 6))
    picked = sorted(rng.sample(events, count), key=lambda e: e.date)
    if len({e.event for e in picked}) < count:
        return
    yield Item(_id("chronology", *[e.event for e in picked]), "ordering",
               "<p>Put these events in the order in which they happened.</p>", "contextualization",
               sequence=tuple(e.event for e in picked), generated=True,
               explanation="<p>" + "; ".join(f"{e.date}: {e.event}" for e in picked) + "</p>")


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+(?=[A-Z“\"])", text) if 8 <= len(s.split()) <= 45]


def _candidates(sentence: str, glossary: dict[str, tuple[str, ...]]) -> list[tuple[str, tuple[str, ...]]]:
    """Words worth blanking in a sentence: glossary terms, years and other numbers, capitalized names."""
    found: list[tuple[str, tuple[str, ...]]] = []
    for term, variants in glossary.items():
        if re.search(rf"\b{re.escape(term)}\b", sentence):
            found.append((term, variants))
    for match in YEAR.finditer(sentence):
        found.append((match[1], ()))
    for match in NUMBER.finditer(sentence):
        if not YEAR.fullmatch(match[0]):
            found.append((match[0], tuple({match[0].replace(",", "")} - {match[0]})))
    words = sentence.split()
    for index, word in enumerate(words[1:], start=1):
        name = word.strip(".,;:!?“”\"'()")
        if len(name) > 3 and name[0].isupper() and name.isalpha() and name.lower() not in STOPWORDS \
                and not words[index - 1].endswith((".", "?", "!", ":")) and not word.startswith(("“", '"', "'")):
            found.append((name, ()))
    return found


def cloze(module: Module, sources: dict[str, Source], rng: random.Random) -> Iterator[Item]:
    """Blank one or two telling words in a sentence of each excerpt; never a stopword, never a give-away."""
    glossary = {g.term: g.aliases for g in module.glossary}
    for excerpt in module.excerpts:
        for sentence in _sentences(excerpt.quote.replace("[…]", " ")):
            options = [(w, v) for w, v in _candidates(sentence, glossary)
                       if w.lower() not in STOPWORDS and sentence.lower().count(w.lower()) == 1]
            if not options:
                continue
            rng.shuffle(options)
            picked = sorted(options[:2], key=lambda c: sentence.index(c[0]))
            if len(picked) == 2 and (picked[0][0] in picked[1][0] or picked[1][0] in picked[0][0]):
                picked = picked[:1]
            pieces: list = []
            position = 0
            for word, variants in picked:
                start = sentence.index(word, position)
                pieces += [sentence[position:start], Blank((word, *variants))]
                position = start + len(word)
            pieces.append(sentence[position:])
            yield Item(_id("cloze", excerpt.id, sentence), "cloze",
                       f"<p>Fill in the blanks in this sentence from Document “{_label(excerpt, sources)}”.</p>",
                       "close-reading", excerpts=(excerpt.id,), cloze=tuple(p for p in pieces if p != ""),
                       generated=True)
            break


def corroboration(module: Module, sources: dict[str, Source], rng: random.Random) -> Iterator[Item]:
    """"Which excerpts agree that …?", only from claims the curriculum tags explicitly."""
    for claim, statement in module.claims.items():
        for position, verb in (("yes", "agree that"), ("no", "reject the claim that")):
            agreeing = [e for e in module.excerpts if e.claims.get(claim) == position]
            others = [e for e in module.excerpts if e.claims.get(claim) != position]
            if len(agreeing) < 2 or len(others) < 2:
                continue
            texts = [(e, e in agreeing) for e in agreeing + others[:4]]
            rng.shuffle(texts)
            options = tuple(Option(chr(97 + n), _label(e, sources), right) for n, (e, right) in enumerate(texts))
            statement_text = statement.rstrip(".")
            yield Item(_id("agree", claim, position), "multiple",
                       f"<p>Which documents {verb}: “{statement_text}”?</p>", "corroboration",
                       excerpts=tuple(e.id for e, _ in texts), options=options, generated=True,
                       explanation="<p>From the claims the curriculum authors tagged on each document.</p>")


GENERATORS: dict[str, Callable] = {
    "attribution": attribution, "sourcing": sourcing, "heading": headings, "perspective": perspectives,
    "chronology": chronology,
    "cloze": cloze, "corroboration": corroboration,
}


def generate(module: Module, sources: dict[str, Source], seed: int = 0) -> list[Item]:
    """Every generated item for ``module`` that passes the quality rules, in a stable order."""
    rng = random.Random(f"{module.id}:{seed}")
    items, seen = [], set()
    for generator in GENERATORS.values():
        for item in generator(module, sources, rng):
            if item.id in seen or quality_problems(item):
                continue
            seen.add(item.id)
            items.append(replace(item, prompt=sanitize(item.prompt),
                                 explanation=sanitize(item.explanation) if item.explanation else None))
    return items


def generated_problems(module: Module, corpus: Corpus) -> list[Problem]:
    """Gate 4 of the curriculum check on the items generated for ``module``: none shows an id, a file name, the
    word "seeds" or a command (reported at the module's ``excerpts:`` line). Run here, where both packages are at
    hand, by ``flask curriculum check`` and ``build``: the curriculum does not reach into the quiz package."""
    line = module.lines.get("excerpts", 1)
    texts = ((f"generated item ({item.id}, from the excerpts' titles and the source list)", shown_text(item), line)
             for item in generate(module, {s.id: s for s in corpus.sources}))
    return shown_problems(module, corpus, texts)


def quality_problems(item: Item) -> list[str]:
    """What is wrong with an item (empty when nothing is): the rules every generated item must pass."""
    problems = []
    texts = [o.text for o in item.options]
    if len(set(t.casefold() for t in texts)) != len(texts):
        problems.append("duplicate options")
    if item.type == "single" and sum(o.correct for o in item.options) != 1:
        problems.append("a single-choice item needs exactly one correct option")
    stem = plain(item.prompt).casefold()
    for option in item.options:
        if option.correct and item.type in ("single", "multiple") and len(option.text) > 3 \
                and option.text.casefold() in stem:
            problems.append(f"the stem reveals the answer {option.text!r}")
    if item.type == "single" and texts:
        right = next(o.text for o in item.options if o.correct)
        longest_wrong = max((len(o.text) for o in item.options if not o.correct), default=0)
        if len(right) > 1.6 * longest_wrong + 10:
            problems.append("the correct option is much the longest")
    if item.type == "matching" and len({p.right for p in item.pairs}) != len(item.pairs):
        problems.append("duplicate matching answers")
    if item.type == "cloze":
        for blank in item.blanks:
            if blank.accept[0].lower() in STOPWORDS:
                problems.append(f"blanks a stopword {blank.accept[0]!r}")
        rest = "".join(p for p in item.cloze if isinstance(p, str)).lower()
        for blank in item.blanks:
            if re.search(rf"\b{re.escape(blank.accept[0].lower())}\b", rest):
                problems.append(f"the sentence gives away {blank.accept[0]!r}")
    return problems
