"""Check every quotation of a module against the corpus and record where it was found.

A quotation must be the source's text as emended: the locator reads through OCR misreadings and footnote markers so
that a pasted or typed quotation is found, but a module that corrects the OCR without marking the correction, that
drops an erratum's brackets, or that carries a footnote marker the text does not have, is an error here.
"""
from __future__ import annotations

import json
import re
from dataclasses import replace

from ..corpus.locate import Hit, plain_quote
from ..corpus.matching import match_form
from ..corpus.store import Corpus
from .load import Problem
from .model import Locator, Module

BRACKETS = re.compile(r"\[[^\[\]]*\]")
WORD = re.compile(r"[^\W_]+")


def locate_excerpts(module: Module, corpus: Corpus) -> tuple[Module, list[Problem]]:
    """The module with a locator on every excerpt that was found, and one problem per excerpt that was not."""
    problems, excerpts = [], []
    for excerpt in module.excerpts:
        try:
            result = corpus.locate(excerpt.quote, excerpt.source)
        except ValueError:
            problems.append(Problem(module.path, excerpt.line, f"excerpt '{excerpt.id}': the quotation has no words"))
            excerpts.append(excerpt)
            continue
        if isinstance(result, Hit):
            problems += [Problem(module.path, excerpt.line, f"excerpt '{excerpt.id}': {message}")
                         for message in _not_as_emended(excerpt.quote, result, corpus)]
            excerpts.append(replace(excerpt, locator=_locator(result, corpus)))
            continue
        elsewhere = corpus.locate(excerpt.quote)
        if isinstance(elsewhere, Hit):
            message = (f"excerpt '{excerpt.id}': not found in {excerpt.source}, but found in {elsewhere.source} "
                       f"({elsewhere.passage}); set source: {elsewhere.source}")
        else:
            message = f"excerpt '{excerpt.id}': not found in {excerpt.source}; {result.describe()}"
        problems.append(Problem(module.path, excerpt.line, message))
        excerpts.append(excerpt)
    return replace(module, excerpts=tuple(excerpts)), problems


def _not_as_emended(quote: str, hit: Hit, corpus: Corpus) -> list[str]:
    """How a quotation the locator found differs from the source's text as emended (nothing when it does not)."""
    messages = []
    if hit.markers:
        markers = ", ".join(f"'{marker}'" for marker in hit.markers)
        messages.append(f"footnote marker{'s' if len(hit.markers) > 1 else ''} {markers} not in the text of "
                        f"{hit.passage} (its notes are separate passages); remove "
                        f"{'them' if len(hit.markers) > 1 else 'it'} from the quotation")
    for erratum in hit.errata:
        readings = ", ".join(f"'{r.source_form}'" for r in hit.ocr if r.passage == erratum.passage
                             and r.source_form in erratum.find)
        messages.append(f"the source reads {readings} ({erratum.passage}: \"{erratum.find}\"), an OCR error the "
                        f"quotation corrects without marking it; write '{erratum.replace}' to mark the correction, "
                        f"or add an erratum to seeds/errata.yaml: {{source: {erratum.source}, "
                        f"find: {json.dumps(erratum.find, ensure_ascii=False)}, "
                        f"replace: {json.dumps(erratum.replace, ensure_ascii=False)}}}")
    squeezed, form = "".join(quote.split()), match_form(plain_quote(quote))
    for emendation, before, after in _erratum_brackets(hit, corpus):
        if "".join(emendation.split()) not in squeezed and (before in form or after in form):
            messages.append(f"the source's text is emended here ({hit.passage} reads '{emendation}', from "
                            f"seeds/errata.yaml); quote the correction with its brackets: '{emendation}'")
    return messages


def _erratum_brackets(hit: Hit, corpus: Corpus) -> list[tuple[str, str, str]]:
    """The bracketed corrections that errata put inside the quoted stretch of the source, each with the matching
    form of the correction joined to the word before it and to the word after it (to tell a quotation that runs
    through the correction from one whose elision skips it)."""
    found = []
    errata = [e for e in corpus.seeds.errata if e.source == hit.source]
    if not errata:
        return found
    for position, passage_id in enumerate(hit.passages):
        passage = corpus.passage(passage_id)
        if passage is None or not passage.raw:
            continue
        start = hit.start if position == 0 else 0
        end = hit.end if position == len(hit.passages) - 1 else len(passage.text)
        for erratum in errata:
            for occurrence in re.finditer(re.escape(erratum.replace), passage.text):
                for bracket in BRACKETS.finditer(erratum.replace):
                    at = occurrence.start() + bracket.start()
                    if start <= at < end:
                        inside = match_form(bracket.group())
                        before = WORD.findall(passage.text[max(at - 80, 0):at])[-1:]
                        after = WORD.findall(passage.text[at + len(bracket.group()):][:80])[:1]
                        found.append((bracket.group(), match_form("".join(before)) + inside,
                                      inside + match_form("".join(after))))
    return found


def _locator(hit: Hit, corpus: Corpus) -> Locator:
    passage = corpus.passage(hit.passage)
    citation = passage.citation.to_json() if passage and passage.citation else None
    return Locator(hit.passage, hit.passages, hit.start, hit.end, passage.chapter if passage else None,
                   passage.page if passage else None, citation, passage.heading if passage else None)
