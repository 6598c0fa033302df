"""Built modules as JSON (the contract of ``flask curriculum export``; see DESIGN.md)."""
from __future__ import annotations

from dataclasses import asdict

from ..items import TYPES, Item
from .model import Module, Unit


def item_json(item: Item) -> dict:
    """An item as JSON: the common keys, its key, then the keys of its type (``ItemType.to_json``). Stored module
    snapshots hold this shape; attempts read them back with :func:`item_from_json` for as long as they exist."""
    data = {"id": item.id, "type": item.type, "prompt": item.prompt, "skill": item.skill, "points": item.points,
            "excerpts": list(item.excerpts), "explanation": item.explanation, "key": item.key(),
            "generated": item.generated}
    if item.title:                  # only when written: snapshots stored before titles read back unchanged
        data["title"] = item.title
    data.update(item.kind.to_json(item))
    return data


def _excerpt_extras(excerpt) -> dict:
    """``author`` and ``elisions`` only when an excerpt has them: snapshots stored before they existed keep their
    shape and their modules' versions."""
    extras = {}
    if excerpt.author:
        extras["author"] = excerpt.author
    if excerpt.elisions:
        extras["elisions"] = [{"at": n.at, "cut": n.cut, "why": n.why} for n in excerpt.elisions]
    return extras


def module_json(module: Module, with_version: bool = True) -> dict:
    """The module as JSON; ``timing`` (and an excerpt's ``author`` and ``elisions``) only when the module has them."""
    data = {
        "id": module.id, "title": module.title, "question": module.question, "level": module.level,
        "duration": module.duration, "objectives": list(module.objectives), "context": module.context,
        "teacher_notes": module.teacher_notes, "claims": module.claims,
        "glossary": [asdict(g) for g in module.glossary],
        "timeline": [asdict(t) for t in module.timeline],
        "excerpts": [
            {"id": e.id, "source": e.source, "title": e.title, "text": e.quote, "headnote": e.headnote,
             **_excerpt_extras(e),
             "claims": e.claims, "passage": e.locator.passage if e.locator else None,
             "passages": list(e.locator.passages) if e.locator else [],
             "start": e.locator.start if e.locator else None, "end": e.locator.end if e.locator else None,
             "chapter": e.locator.chapter if e.locator else None, "page": e.locator.page if e.locator else None,
             "citation": e.locator.citation if e.locator else None,
             "heading": e.locator.heading if e.locator else None}
            for e in module.excerpts
        ],
        "exercises": [
            {"id": x.id, "skill": x.skill, "title": x.title, "excerpts": list(x.excerpts), "prompt": x.prompt,
             "compare": x.compare, "lines": x.lines, "rubric": [asdict(level) for level in x.rubric]}
            for x in module.exercises
        ],
        "items": [item_json(i) for i in module.items],
    }
    if module.timing:
        data["timing"] = [{"lesson": t.lesson, "minutes": t.minutes, "activity": t.activity} for t in module.timing]
    if with_version:
        data["version"] = module.version
    return data


def unit_json(unit: Unit) -> dict:
    return {"title": unit.title, "introduction": unit.introduction, "version": unit.version,
            "modules": [module_json(m) for m in unit.modules]}


def item_from_json(data: dict) -> Item:
    """Rebuild an item from its JSON (a stored module snapshot); the inverse of :func:`item_json`."""
    kind = TYPES[data["type"]]
    return kind.item_class(
        id=data["id"], type=data["type"], prompt=data["prompt"], skill=data["skill"], points=data["points"],
        excerpts=tuple(data.get("excerpts", ())), explanation=data.get("explanation"),
        generated=data.get("generated", False), title=data.get("title"), **kind.from_json(data),
    )
