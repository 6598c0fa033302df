"""Check every quotation of a module against the corpus and record where it was found."""
from __future__ import annotations

from dataclasses import replace

from ..corpus.locate import Hit
from ..corpus.store import Corpus
from .load import Problem
from .model import Locator, Module


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


def _locator(hit: Hit, corpus: Corpus) -> Locator:
    passage = corpus.passage(hit.passage)
    citation = passage.citation.to_json() if passage and passage.citation else None
    return Locator(hit.passage, hit.passages, hit.start, hit.end, passage.chapter if passage else None,
                   passage.page if passage else None, citation, passage.heading if passage else None)
