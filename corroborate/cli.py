"""Command-line interface (stable contract; see DESIGN.md). Every command that reads the corpus accepts ``--json``."""
from __future__ import annotations

import json
import sys
from functools import wraps
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup

from .corpus.locate import Hit
from .corpus.sources import SeedError
from .curriculum.build import CurriculumError, check
from .curriculum.serialize import unit_json
from .web.state import corpus as app_corpus
from .web.state import unit as app_unit

corpus_cli = AppGroup("corpus", help="Read, search and export the source library.")


def _corpus():
    from flask import current_app
    return app_corpus(current_app)


def friendly_errors(command):
    """Bad seeds or metadata end the command with one line on stderr and exit 1, never a traceback."""
    @wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except SeedError as error:
            click.echo(f"error: {error}", err=True)
            sys.exit(1)
    return wrapper


def _emit(data) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


@corpus_cli.command("stats")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@friendly_errors
def stats(as_json: bool) -> None:
    """Passages per source and kind."""
    data = _corpus().stats()
    if as_json:
        return _emit(data)
    click.echo(f"corpus {data['version']}: {data['passages']} passages")
    for source_id, entry in data["sources"].items():
        kinds = ", ".join(f"{n} {kind}" for kind, n in sorted(entry["kinds"].items()))
        extra = ""
        if "citations" in entry:
            extra = f"; citations parsed fully {entry['citations_complete']}/{entry['citations']}"
        click.echo(f"  {source_id:32} {entry['passages']:6} passages ({kinds}); {entry['chapters']} chapters{extra}")


@corpus_cli.command("search")
@click.argument("query")
@click.option("--source", help="Only this source id.")
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 500))
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@friendly_errors
def search(query: str, source: str | None, limit: int, as_json: bool) -> None:
    """Passages that best match QUERY (BM25)."""
    library = _corpus()
    if source and library.source(source) is None:
        raise click.BadParameter(f"unknown source {source!r}", param_hint="--source")
    hits = library.search(query, source=source, limit=limit)
    if as_json:
        return _emit([hit.to_json() for hit in hits])
    for hit in hits:
        text = hit.text if len(hit.text) <= 160 else hit.text[:157] + "..."
        click.echo(f"{hit.score:7.3f}  {hit.passage}  {text}")
    if not hits:
        click.echo("no passage matches", err=True)


@corpus_cli.command("locate")
@click.argument("text")
@click.option("--source", help="Only this source id.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@friendly_errors
def locate(text: str, source: str | None, as_json: bool) -> None:
    """Find TEXT verbatim; exit 1 when it is not found."""
    library = _corpus()
    if source and library.source(source) is None:
        raise click.BadParameter(f"unknown source {source!r}", param_hint="--source")
    try:
        result = library.locate(text, source)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="TEXT") from None
    if as_json:
        _emit(result.to_json())
    elif isinstance(result, Hit):
        click.echo(f"found in {', '.join(result.passages)} [{result.start}:{result.end}]")
    else:
        click.echo(f"not found{' in ' + source if source else ''}; {result.describe()}")
    if not isinstance(result, Hit):
        sys.exit(1)


@corpus_cli.command("export")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, writable=True))
@friendly_errors
def export(output: str) -> None:
    """Write every source and passage (with locators and citations) as JSON."""
    library = _corpus()
    data = {
        "version": library.version,
        "sources": [s.to_json() for s in library.sources],
        "passages": [p.to_json() for p in library.passages()],
    }
    with open(output, "w", encoding="utf-8") as handle:
        json.dump(data, handle, ensure_ascii=False)
    click.echo(f"wrote {len(data['passages'])} passages to {output}")


curriculum_cli = AppGroup("curriculum", help="Check, build and export the curated modules.")


def _curriculum_dir():
    from flask import current_app
    return Path(current_app.config["CURRICULUM_DIR"])


@curriculum_cli.command("check")
@friendly_errors
def curriculum_check() -> None:
    """Verify every module against the sources; exit 1 with file:line messages on any error."""
    problems = check(_curriculum_dir(), _corpus())
    for problem in problems:
        click.echo(str(problem), err=problem.severity == "error")
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    if errors:
        click.echo(f"{errors} error(s), {warnings} warning(s)", err=True)
        sys.exit(1)
    click.echo(f"curriculum ok ({warnings} warning(s))")


@curriculum_cli.command("build")
@friendly_errors
def curriculum_build() -> None:
    """Build every module (incrementally, cached by content hash)."""
    unit = _built_unit()
    for module in unit.modules:
        click.echo(f"{module.id:24} {module.version}  {len(module.excerpts)} excerpts, "
                   f"{len(module.exercises)} exercises, {len(module.items)} items")
    click.echo(f"unit {unit.version}: {len(unit.modules)} module(s)")


@curriculum_cli.command("export")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, writable=True))
@friendly_errors
def curriculum_export(output: str) -> None:
    """Write every built module (excerpts with locators, items with keys) as JSON."""
    unit = _built_unit()
    with open(output, "w", encoding="utf-8") as handle:
        json.dump(unit_json(unit), handle, ensure_ascii=False, indent=1)
    click.echo(f"wrote {len(unit.modules)} module(s) to {output}")


def _built_unit():
    from flask import current_app
    try:
        return app_unit(current_app)
    except CurriculumError as error:
        for problem in error.problems:
            click.echo(str(problem), err=True)
        click.echo(f"{len(error.problems)} error(s); nothing built", err=True)
        sys.exit(1)


def register_cli(app: Flask) -> None:
    app.cli.add_command(corpus_cli)
    app.cli.add_command(curriculum_cli)
