"""Parse the citation lines that close each record of a quotation compilation.

A citation line names the book or article a quotation came from. The compilations use a loose bibliographic
style; read from the right, a line is::

    WHO[, ROLE]. WHAT[, translated by NAMES]. [PLACE: PUBLISHER|PLACE, PUBLISHER], [DATE] YEAR[, Vol. N][, p. PAGES]

* WHO is one or more names: ``Conquest, Robert`` / ``Strong, Anna L.`` / ``Sayers and Kahn`` / ``Getty & Naumov`` /
  ``Medvedev, Roy & Zhores Medvedev`` / ``J. Arch Getty`` (a corporate author is accepted before a role).
  It ends at ``. `` or ``, ``; the longest run of name-like words wins, so ``Overy, R. J. Russia's War`` splits
  after ``J.``. Once, the title comes first (``The purges of ... trials. Mario Sousa, 2001.``).
* ROLE right after WHO (``Eds.``, ``trans.``, ``Trans. and Ed.``, ``Trans & Ed.``) makes WHO the editors and/or
  translators as well; WHO stays the ``author``, the name the citation is filed under. ``. Ed. NAME`` after the
  title and ``, translated by NAME`` give editors/translators who are not the author.
* WHAT in quotes followed by a periodical is an article: ``"Searching Out the Soviets." New Republic: August 7,
  1935`` gives title, ``container`` and year.
* PLACE is one to three comma-separated capitalised components (``New York, N. Y.``, ``Oak Park , Michigan``)
  before the last colon; without a colon, ``PLACE, PUBLISHER`` is accepted only for a known publishing city
  (``London, Allen & Unwin``).
* YEAR keeps its printed form (``c1999``); a date before it (``August 7,``), parentheses round the publication
  facts (``(New York: Cambridge University Press, 1985)``) and a following ``Vol. 13`` (added to the title, as
  Citation has no volume field) are understood.
* PAGES is ``p.``/``pp.``/``page`` and what follows, as printed (``265-266``, ``4, 6``, ``xi``); a trailing
  bracketed note (``[p. 119 on the NET]``) is dropped.

A line is a citation only when it starts with a capital, is at most 300 characters, ends with its page reference
or year, and has a publication pattern: a page reference with a year or publisher, or, for a line ending in a
bare ``, YEAR``, an author of two or more words split from the title at ``. ``. So a quotation sentence that merely
ends with a year is not one.
"""
from __future__ import annotations

import re

from .passages import Citation

MAX_LENGTH = 300

_WORD = r"[A-Z][\w’'-]+"
_TOKEN = rf"(?:{_WORD}|[A-Z]\.?)"
_PERSON = rf"(?!(?:The|A|An|In|On) ){_TOKEN}(?:,? {_TOKEN}){{0,3}}"
_NAMES = re.compile(rf"{_PERSON}(?:(?:,? and |,? ?& |, ){_PERSON})*")
_MONTH = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?"
          r"|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?")
_PAGE = r"(?:\d+|[ivxlcdm]+|[IVXLCDM]+)\b"

_PAGES = re.compile(
    rf"(?:,\s*|\s+)(?:pp?\.|pages?)\s*(?P<pages>{_PAGE}(?:\s*[-–.,]\s*{_PAGE})*)"
    r"(?:\s*\[[^\]]*\])?[\s.,;‚]*$")
_YEAR = re.compile(
    rf"(?P<sep>^|\s*\(|[\s,])\s*(?P<date>{_MONTH}\s+(?:\d{{1,2}}(?:st|nd|rd|th)?,?\s+)?)?"
    r"(?P<year>c?(?:1[5-9]|20)\d\d)\)?(?:,\s*(?P<volume>Vol\.\s*\w+))?[\s.,;]*$")
_TRANSLATED = re.compile(r",\s*translated by\s+(?P<names>[^,:]+?)\s*(?=,|$)")
_ARTICLE = re.compile(
    r"^(?P<author>[^“”\"]+?)[.,]?\s*[“\"]\s*(?P<title>[^“”\"]+?)\s*[”\"]\s*(?P<container>[^“”\"]*)$")
_COLON = re.compile(r"\s*:\s*")
_PLACE_PART = r"(?:(?:[A-Z]\.\s?)+[A-Z]?|[A-Z][\w’'-]*(?: [A-Z][\w’'-]*){0,2}\.?)"
_PLACE = re.compile(rf"(?:(?<=[.,:;?\"”]\s)|(?<=\()|^)(?P<place>{_PLACE_PART}(?:\s*,\s*{_PLACE_PART}){{0,2}})\s*$")
_CITIES = ("London", "New York", "Boston", "Moscow", "Chicago", "Toronto", "Paris", "Oxford", "Cambridge",
           "Philadelphia", "Washington", "New Haven", "Berlin")
_CITY_PUBLISHER = re.compile(
    rf"(?:(?<=[.,]\s)|^)(?P<place>{'|'.join(_CITIES)})\s*,\s*(?P<publisher>[A-Z][^:]*)$")
_NOT_PUBLISHER = re.compile(r"[A-Za-z]{5,}\.\s+[A-Z]|:")
_EDITED_BY = re.compile(r"\.\s+Ed\.\s+(?P<names>[A-Z][^.,:]*)$")
_ROLE = re.compile(
    r"^(?P<names>.+?)[,.]\s+(?P<role>(?:Trans\.?|trans\.|Eds?\.)(?:\s*(?:and|&)\s*(?:Eds?\.|Trans\.))?)\s+"
    r"(?P<title>.+)$")
_AUTHOR_END = re.compile(r"[.,]\s+")
_ABBREVIATION = re.compile(r"(?:\b[A-Z]|\b(?:Co|Inc|[Ll]td|Pub|Bros|Univ|Conn|Mass|Ind|Vol))\.$")
_EDGE = " \t,;:("
_LOWERCASE = re.compile(r"[a-z]")
_FINAL_INITIAL = re.compile(r"\b[A-Z]$")
_RUN_ON = re.compile(r"^(?P<citation>.+\bp\.\s*\d+(?:[-–]\d+)?)(?P<rest>[a-z]+\b.*)$")


def parse_citation(line: str) -> Citation | None:
    """The parsed citation, or None when ``line`` is not a citation line (see the module docstring)."""
    text = line.strip()
    if not 15 <= len(text) <= MAX_LENGTH or not text[0].isupper() or not _LOWERCASE.search(text):
        return None
    rest, pages = _take_pages(text)
    rest, year, volume, bare_year = _take_year(rest)
    if pages is None and year is None:
        return None
    rest, translators = _take(_TRANSLATED, rest)
    fields = _parse_article(rest) or _parse_book(rest)
    if fields is None:
        return None
    split_at_period = fields.pop("split_at_period")
    if pages is None and not (bare_year and split_at_period and " " in fields["author"]):
        return None
    if year is None and not fields.get("publisher"):
        return None
    if volume and fields["title"]:
        fields["title"] = f"{fields['title']}, {volume}"
    expects_publisher = fields.get("container") is None and ":" in rest
    complete = bool(fields["author"] and fields["title"] and year
                    and (fields.get("publisher") or not expects_publisher))
    return Citation(raw=text, year=year, pages=pages, complete=complete,
                    translators=fields.pop("translators", None) or translators, **fields)


def split_run_on(line: str) -> tuple[Citation, str] | None:
    """A citation whose page number runs straight into the next quotation, as (citation, rest of the line).

    A paste error seen once: ``..., 1937, p. 113-116last night of peace was quite different.``
    """
    m = _RUN_ON.match(line.strip())
    citation = m and parse_citation(m.group("citation"))
    return (citation, m.group("rest")) if citation else None


def _take_pages(text: str) -> tuple[str, str | None]:
    m = _PAGES.search(text)
    if not m:
        return text, None
    return text[:m.start()], m.group("pages")


def _take_year(text: str) -> tuple[str, str | None, str | None, bool]:
    """Remove the year (and a date, parenthesis or volume around it); the flag says it followed a plain comma."""
    m = _YEAR.search(text)
    if not m:
        return text, None, None, False
    bare = m.group("sep") == "," and not m.group("date")
    return text[:m.start()], m.group("year"), m.group("volume"), bare


def _take(pattern: re.Pattern, text: str) -> tuple[str, str | None]:
    m = pattern.search(text)
    if not m:
        return text, None
    return text[:m.start()] + text[m.end():], _clean(m.group("names"))


# _parse_article and _parse_book return Citation fields plus "split_at_period": whether author and title were
# separated by ". " (the sign of a real reference that parse_citation needs when a line has no page reference).


def _parse_article(text: str) -> dict | None:
    """``Author. "Title." Periodical`` ; None when the text before the quotes is not a name."""
    m = _ARTICLE.match(text)
    if not m or not _is_names(_clean(m.group("author"))):
        return None
    return {"author": _clean(m.group("author")), "title": _title(m.group("title")),
            "container": _clean(m.group("container")) or None, "split_at_period": True}


def _parse_book(text: str) -> dict | None:
    front, place, publisher = _take_publisher(text)
    front, editors = _take(_EDITED_BY, _clean(front))
    fields = _split_people(_clean(front))
    if fields is None:
        return None
    fields.update(place=place, publisher=publisher)
    fields["editors"] = fields.get("editors") or editors
    return fields


def _take_publisher(text: str) -> tuple[str, str | None, str | None]:
    """Split ``front. Place: Publisher`` (or ``front. City, Publisher``) into its three parts."""
    parts = _COLON.split(text)
    if len(parts) > 1 and not _NOT_PUBLISHER.search(parts[-1]):
        before = text[:text.rindex(":")].rstrip()
        m = _PLACE.search(before)
        if m:
            return before[:m.start()], _clean(m.group("place")), _clean(parts[-1])
    m = _CITY_PUBLISHER.search(text)
    if m and not _NOT_PUBLISHER.search(m.group("publisher")):
        return text[:m.start()], m.group("place"), _clean(m.group("publisher"))
    return text, None, None


def _split_people(front: str) -> dict | None:
    """Author, title and the author's role (editor/translator) from ``front`` = ``WHO[, ROLE]. WHAT``."""
    m = _ROLE.match(front)
    if m:
        names, role = _clean(m.group("names")), m.group("role").lower()
        return {"author": names, "title": _title(m.group("title")), "split_at_period": True,
                "editors": names if "ed" in role else None,
                "translators": names if "trans" in role else None}
    best = None
    for sep in _AUTHOR_END.finditer(front):
        left, right = front[:sep.start()], front[sep.end():]
        if right.strip(_EDGE + ".") and _is_names(left):
            best = (left, right, sep.group().startswith("."))
    if best is None:
        return _split_title_first(front)
    left, right, at_period = best
    return {"author": _with_initial(left), "title": _title(right), "split_at_period": at_period}


def _split_title_first(front: str) -> dict | None:
    """``Title. Given Surname`` -- the reversed order used once in the compilations."""
    title, sep, author = front.rpartition(". ")
    if sep and _is_names(author) and not _is_names(title):
        return {"author": author, "title": _title(title), "split_at_period": True}
    return None


def _is_names(text: str) -> bool:
    return len(text) <= 60 and _NAMES.fullmatch(text.rstrip(".")) is not None


def _with_initial(name: str) -> str:
    """Keep the period of a final initial (``Strong, Anna L.``), which the split cut off."""
    name = _clean(name)
    return name + "." if _FINAL_INITIAL.search(name) else name


def _title(text: str) -> str:
    """A title loses its final period even after a capital (``Comrade X.``), which is no initial there."""
    return _clean(text.strip(_EDGE).removesuffix("."))


def _clean(text: str) -> str:
    """Trim spaces and separators at both ends, and a final period unless it closes an abbreviation."""
    text = text.strip(_EDGE)
    while text.endswith(".") and not _ABBREVIATION.search(text):
        text = text[:-1].rstrip(_EDGE)
    return text
