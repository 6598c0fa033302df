"""Markdown to safe HTML: Python-Markdown renders, nh3 keeps only a small set of tags and attributes.

Module text is trusted to be written by authors, but it is rendered into pages students read and PDFs teachers
print, so scripts, event handlers, styles, images and remote resources never survive.
"""
from __future__ import annotations

import html
import re

import markdown
import nh3

TAGS = {"p", "br", "em", "strong", "i", "b", "a", "ul", "ol", "li", "blockquote", "h3", "h4", "code", "cite",
        "abbr", "sup", "sub", "table", "thead", "tbody", "tr", "th", "td", "hr", "dfn", "span"}
ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"scope"}, "span": {"class"}}
SCHEMES = {"http", "https", "mailto"}
TAG = re.compile(r"(<[^>]+>)")
OPEN_LINK = re.compile(r"<a[\s>]")


def render(text: str, inline: bool = False) -> str:
    """Sanitized HTML for Markdown ``text``; ``inline`` drops the surrounding paragraph for one-line texts."""
    produced = markdown.markdown(text or "", extensions=["sane_lists", "tables"], output_format="html")
    clean = nh3.clean(produced, tags=TAGS, attributes=ATTRIBUTES, url_schemes=SCHEMES, link_rel="noopener noreferrer")
    if inline and clean.startswith("<p>") and clean.endswith("</p>") and clean.count("<p>") == 1:
        clean = clean[3:-4]
    return clean


def sanitize(html_text: str) -> str:
    """Clean HTML made in code (generated items) with the same allow-list as rendered Markdown."""
    return nh3.clean(html_text, tags=TAGS, attributes=ATTRIBUTES, url_schemes=SCHEMES, link_rel="noopener noreferrer")


def plain(html_text: str) -> str:
    """The text of sanitized HTML, for exports and search (tags dropped, entities decoded, spaces collapsed)."""
    return " ".join(html.unescape(nh3.clean(html_text, tags=set())).split())


def mark_terms(html_text: str, terms: dict[str, str]) -> str:
    """Link the first use of each glossary term (term → anchor id) in ``html_text``, outside tags and links."""
    if not terms:
        return html_text
    pattern = re.compile(r"\b(" + "|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True)) + r")\b")
    lookup = {t.casefold(): anchor for t, anchor in terms.items()}
    used: set[str] = set()
    parts, inside_link = [], False
    for part in TAG.split(html_text):
        if part.startswith("<"):
            inside_link = bool(OPEN_LINK.match(part)) or (inside_link and not part.startswith("</a"))
            parts.append(part)
            continue
        if inside_link:
            parts.append(part)
            continue

        def link(match: re.Match) -> str:
            anchor = lookup[match[1].casefold()]
            if anchor in used:
                return match[0]
            used.add(anchor)
            return f'<a class="term" href="#{anchor}">{match[0]}</a>'
        parts.append(pattern.sub(link, part))
    return "".join(parts)
