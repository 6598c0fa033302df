"""The built domain objects an app serves, made once per process and shared by every request."""
from __future__ import annotations

from pathlib import Path

from flask import Flask, abort, current_app

from ..corpus.store import Corpus
from ..curriculum.build import CurriculumError, build_unit
from ..curriculum.model import Module, Unit
from ..items import Item
from ..quiz.generate import generate, generated_problems


def corpus(app: Flask | None = None) -> Corpus:
    app = app or current_app
    found = app.extensions.get("corroborate.corpus")
    if found is None:
        found = Corpus.open(Path(app.config["SEEDS_DIR"]), Path(app.config["CACHE_DIR"]))
        app.extensions["corroborate.corpus"] = found
    return found


def module_or_404(module_id: str):
    """The built module with this id, or a 404 that says so."""
    found = unit().module(module_id)
    if found is None:
        abort(404, f"There is no module called {module_id!r}.")
    return found


def unit(app: Flask | None = None) -> Unit:
    """The built unit (raises CurriculumError when the curriculum has errors, the items generated from it included,
    as ``flask curriculum build`` does)."""
    app = app or current_app
    found = app.extensions.get("corroborate.unit")
    if found is None:
        found, _ = build_unit(Path(app.config["CURRICULUM_DIR"]), corpus(app), Path(app.config["CACHE_DIR"]))
        problems = [problem for module in found.modules for problem in generated_problems(module, corpus(app))]
        if problems:
            raise CurriculumError(problems)
        app.extensions["corroborate.unit"] = found
    return found


def generated_for(module: Module) -> list[Item]:
    """The items generated from a module, made once per module version and process."""
    store = current_app.extensions.setdefault("corroborate.generated", {})
    if module.version not in store:
        store[module.version] = generate(module, {s.id: s for s in corpus().sources}, seed=0)
    return store[module.version]
