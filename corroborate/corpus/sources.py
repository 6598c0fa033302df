"""Source metadata (``seeds/sources.yaml``) and marked OCR emendations (``seeds/errata.yaml``).

Both files are checked when loaded; a problem raises :class:`SeedError` with a one-line message that names the file
and, where it can, the entry.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

REQUIRED = ("id", "file", "title", "year", "publisher", "kind", "format", "stance", "production")


class SeedError(Exception):
    """A seed, sources.yaml or errata.yaml that cannot be used, with a message fit for one line."""


@dataclass(frozen=True)
class Source:
    id: str
    file: str
    title: str
    year: int
    publisher: str
    kind: str
    format: str
    stance: str
    production: str
    authors: tuple[str, ...] = ()
    translators: tuple[str, ...] = ()
    compiler: str | None = None
    short: str | None = None
    series: str | None = None
    role: str | None = None
    translated: bool = False            # the book's own text is a translation
    documents_translated: bool = False  # the documents it prints are translations (its authors' own text may not be)
    original_year: int | None = None

    @property
    def label(self) -> str:
        """How the source is named in running text: "Getty & Naumov (1999)"."""
        return f"{self.short or self.title} ({self.year})"

    @property
    def byline(self) -> str:
        if self.authors:
            return ", ".join(self.authors)
        return self.compiler or "Anonymous"

    def to_json(self) -> dict:
        return {
            "id": self.id, "file": self.file, "authors": list(self.authors), "translators": list(self.translators),
            "compiler": self.compiler, "title": self.title, "year": self.year, "publisher": self.publisher,
            "kind": self.kind, "format": self.format, "role": self.role, "translated": self.translated,
            "documents_translated": self.documents_translated,
            "stance": self.stance, "production": self.production,
        }


@dataclass(frozen=True)
class Erratum:
    source: str
    find: str
    replace: str
    note: str = ""
    line: int = 0


@dataclass
class Seeds:
    directory: Path
    sources: list[Source]
    errata: list[Erratum] = field(default_factory=list)

    def source(self, source_id: str) -> Source:
        for source in self.sources:
            if source.id == source_id:
                return source
        raise KeyError(source_id)

    def path(self, source: Source) -> Path:
        return self.directory / source.file


def _read_yaml(path: Path) -> object:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SeedError(f"{path}: file not found") from None
    except (OSError, UnicodeDecodeError) as error:
        raise SeedError(f"{path}: cannot read ({error.__class__.__name__}: {error})") from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f":{mark.line + 1}" if mark else ""
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise SeedError(f"{path}{where}: malformed YAML: {problem}") from None


def load_seeds(directory: Path, formats: frozenset[str]) -> Seeds:
    """Read ``sources.yaml`` and ``errata.yaml`` from ``directory`` and check them against the seed files."""
    path = directory / "sources.yaml"
    data = _read_yaml(path)
    if not isinstance(data, dict) or not isinstance(data.get("sources"), list):
        raise SeedError(f"{path}: expected a mapping with a 'sources' list")
    sources, seen = [], set()
    for position, entry in enumerate(data["sources"], start=1):
        if not isinstance(entry, dict):
            raise SeedError(f"{path}: source #{position} is not a mapping")
        label = entry.get("id", f"#{position}")
        missing = [key for key in REQUIRED if not entry.get(key)]
        if missing:
            raise SeedError(f"{path}: source {label}: missing {', '.join(missing)}")
        if entry["id"] in seen:
            raise SeedError(f"{path}: source {label}: duplicate id")
        seen.add(entry["id"])
        if entry["format"] not in formats:
            raise SeedError(f"{path}: source {label}: unknown format {entry['format']!r} "
                            f"(known: {', '.join(sorted(formats))})")
        if not (directory / entry["file"]).is_file():
            raise SeedError(f"{directory / entry['file']}: seed file of source {label} is missing")
        known = set(Source.__dataclass_fields__)
        unknown = set(entry) - known
        if unknown:
            raise SeedError(f"{path}: source {label}: unknown key(s) {', '.join(sorted(unknown))}")
        values = dict(entry)
        for key in ("authors", "translators"):
            values[key] = tuple(values.get(key) or ())
        try:
            values["year"] = int(values["year"])
        except (TypeError, ValueError):
            raise SeedError(f"{path}: source {label}: year {entry['year']!r} is not a number") from None
        sources.append(Source(**values))
    return Seeds(directory, sources, _load_errata(directory / "errata.yaml", seen))


def _load_errata(path: Path, source_ids: set[str]) -> list[Erratum]:
    if not path.exists():
        return []
    data = _read_yaml(path)
    if not isinstance(data, dict) or not isinstance(data.get("errata"), list):
        raise SeedError(f"{path}: expected a mapping with an 'errata' list")
    lines = _entry_lines(path)
    errata = []
    for position, entry in enumerate(data["errata"], start=1):
        line = lines[position - 1] if position <= len(lines) else 0
        where = f"{path}:{line}" if line else str(path)
        if not isinstance(entry, dict) or not all(isinstance(entry.get(k), str) for k in ("source", "find", "replace")):
            raise SeedError(f"{where}: erratum #{position} needs 'source', 'find' and 'replace' strings")
        if entry["source"] not in source_ids:
            raise SeedError(f"{where}: erratum #{position}: unknown source {entry['source']!r}")
        if "[" not in entry["replace"]:
            raise SeedError(f"{where}: erratum #{position}: an emendation must be marked with [brackets]")
        errata.append(Erratum(entry["source"], entry["find"], entry["replace"], entry.get("note", ""), line))
    return errata


def _entry_lines(path: Path) -> list[int]:
    """Line numbers of the list items in a YAML file (for messages)."""
    return [number for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
            if line.lstrip().startswith("- ")]
