"""From files to built modules: load, verify, render, version, cache.

``check`` reports every problem in the curriculum. ``build_unit`` returns the built unit: each module's Markdown
rendered to sanitized HTML, every excerpt located, and a version that is the hash of the built content. Builds are
cached per module under ``<cache>/modules/`` by the hash of their inputs (the module file, the corpus version and the
curriculum code), so a rebuild only redoes the modules that changed.
"""
from __future__ import annotations

import hashlib
import json
import os
import pickle
import threading
from dataclasses import dataclass, replace
from pathlib import Path

import yaml

from ..corpus.store import Corpus
from . import yamlines
from .gates import gate_problems, repeated_excerpts, unit_problems
from .load import Problem, Report, load_module
from .markup import mark_terms, render
from .model import Exercise, Module, Unit
from .serialize import module_json
from .verify import locate_excerpts

CODE_DIR = Path(__file__).parent
ITEMS_CODE = CODE_DIR.parent / "items"


class CurriculumError(Exception):
    """The curriculum has errors; ``problems`` lists them all."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problem(s) in the curriculum")
        self.problems = problems


@dataclass(frozen=True)
class UnitFile:
    title: str
    introduction: str
    order: tuple[str, ...]
    lines: tuple[int, ...] = ()       # line of each entry of `modules` in unit.yaml


def read_unit_file(directory: Path, display: str) -> tuple[UnitFile | None, list[Problem]]:
    path = directory / "unit.yaml"
    report = Report(f"{display}/unit.yaml")
    try:
        data = yamlines.load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        report.error(1, "missing: the unit needs a unit.yaml with title, introduction and modules")
        return None, report.problems
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        report.error(mark.line + 1 if mark else 1, f"malformed YAML: {getattr(error, 'problem', None) or error}")
        return None, report.problems
    if not isinstance(data, dict):
        report.error(1, "expected title, introduction and modules")
        return None, report.problems
    for key in ("title", "introduction", "modules"):
        if not data.get(key):
            report.error(1, f"missing '{key}'")
    order = data.get("modules") or []
    if not isinstance(order, list) or not all(isinstance(m, str) for m in order):
        report.error(data.line_of("modules"), "'modules' should list module ids in teaching order")
        order = []
    if report.problems:
        return None, report.problems
    return UnitFile(str(data["title"]), str(data["introduction"]), tuple(order),
                    tuple(getattr(order, "item_lines", ()))), []


def _input_hash(path: Path, corpus: Corpus) -> str:
    digest = hashlib.sha256(corpus.version.encode())
    for code in sorted(CODE_DIR.glob("*.py")) + sorted(ITEMS_CODE.glob("*.py")):
        digest.update(code.read_bytes())
    digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def load_all(directory: Path, corpus: Corpus, display: str = "curriculum",
             cache_dir: Path | None = None) -> tuple[UnitFile | None, list[Module], list[Problem]]:
    """Load and verify every module (from the cache when its inputs have not changed)."""
    unit, problems = read_unit_file(directory, display)
    if unit:
        problems += unit_problems(unit.title, unit.introduction, corpus, f"{display}/unit.yaml")
    source_ids = {s.id for s in corpus.sources}
    modules: list[Module] = []
    seen: dict[str, str] = {}
    for path in sorted(directory.glob("*.md")):
        if path.name.upper() == "README.MD":
            continue
        where = f"{display}/{path.name}"
        cached = cache_dir / "modules" / f"{path.stem}.{_input_hash(path, corpus)}.pickle" if cache_dir else None
        if cached and cached.exists():
            module, found = pickle.loads(cached.read_bytes())
        else:
            module, found = load_module(path, source_ids, where)
            if module is not None:
                module, located = locate_excerpts(module, corpus)
                found += located
                found += gate_problems(module, corpus, path)
                if not any(p.severity == "error" for p in found):
                    module = finish(module)
            if cached:
                _store(cached, (module, found))
        problems += found
        if module is None:
            continue
        if module.id in seen:
            problems.append(Problem(where, 1, f"module id '{module.id}' is also used by {seen[module.id]}"))
            continue
        seen[module.id] = where
        modules.append(module)
    problems += repeated_excerpts(modules)
    if unit:
        for module_id, line in zip(unit.order, unit.lines or [1] * len(unit.order)):
            if module_id not in seen:
                problems.append(Problem(f"{display}/unit.yaml", line, f"module '{module_id}' is listed but no file "
                                        f"defines it (files: {', '.join(sorted(seen)) or 'none'})"))
        for module in modules:
            if module.id not in unit.order:
                problems.append(Problem(module.path, 1, f"module '{module.id}' is not listed in unit.yaml",
                                        "warning"))
    return unit, modules, problems


def _store(path: Path, value) -> None:
    """Write the cache file whole or not at all; processes and threads building at once each write their own."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f"{path.name}.{os.getpid()}-{threading.get_ident()}.tmp")
    temporary.write_bytes(pickle.dumps(value))
    temporary.replace(path)
    for stale in path.parent.glob(f"{path.name.split('.')[0]}.*.pickle"):
        if stale != path:
            stale.unlink(missing_ok=True)


def check(directory: Path, corpus: Corpus, display: str = "curriculum") -> list[Problem]:
    return load_all(directory, corpus, display)[2]


def build_unit(directory: Path, corpus: Corpus, cache_dir: Path | None = None,
               display: str = "curriculum") -> tuple[Unit, list[Problem]]:
    """The built unit; raises :class:`CurriculumError` when any module has an error."""
    unit, modules, problems = load_all(directory, corpus, display, cache_dir)
    errors = [p for p in problems if p.severity == "error"]
    if errors or unit is None:
        raise CurriculumError(errors)
    by_id = {m.id: m for m in modules}
    ordered = tuple(by_id[m] for m in unit.order if m in by_id)
    version = hashlib.sha256("".join(m.version for m in ordered).encode()).hexdigest()[:12]
    return Unit(unit.title, render(unit.introduction), ordered, version), problems


def finish(module: Module) -> Module:
    """Render every Markdown field to sanitized HTML and stamp the module with the hash of its content."""
    anchors = {name: entry.anchor for entry in module.glossary for name in (entry.term, *entry.aliases)}
    built = replace(
        module,
        context=mark_terms(render(module.context), anchors),
        teacher_notes=render(module.teacher_notes),
        glossary=tuple(replace(g, definition=render(g.definition, inline=True)) for g in module.glossary),
        excerpts=tuple(replace(e, headnote=render(e.headnote)) for e in module.excerpts),
        exercises=tuple(_render_exercise(e) for e in module.exercises),
        items=tuple(_render_item(i) for i in module.items),
    )
    content = json.dumps(module_json(built, with_version=False), sort_keys=True, ensure_ascii=False)
    return replace(built, version=hashlib.sha256(content.encode()).hexdigest()[:12])


def _render_levels(levels):
    return tuple(replace(level, descriptor=render(level.descriptor, inline=True), sample=render(level.sample))
                 for level in levels)


def _render_exercise(exercise: Exercise) -> Exercise:
    return replace(exercise, prompt=render(exercise.prompt), rubric=_render_levels(exercise.rubric))


def _render_item(item):
    return replace(
        item,
        prompt=render(item.prompt),
        explanation=render(item.explanation) if item.explanation else None,
        options=tuple(replace(o, feedback=render(o.feedback, inline=True) if o.feedback else None)
                      for o in item.options),
        rubric=_render_levels(item.rubric),
    )

