"""Command-line interface (stable contract; see DESIGN.md). Every command that reads the corpus accepts ``--json``."""
from __future__ import annotations

import json
import sys
from functools import wraps
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from .corpus.locate import Hit
from .corpus.sources import SeedError
from .curriculum.build import CurriculumError, load_all
from .curriculum.serialize import unit_json
from .quiz.generate import generated_problems
from .web.state import corpus as app_corpus
from .web.state import unit as app_unit

corpus_cli = AppGroup("corpus", help="Read, search and export the source library.")


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
    data = app_corpus().stats()
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
    library = app_corpus()
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
    library = app_corpus()
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
        if result.markers:
            click.echo(f"  footnote marker(s) {', '.join(result.markers)} in the quotation are not in the text "
                       "(notes are separate passages)")
        for reading in result.ocr:
            click.echo(f'  OCR reading: the text has "{reading.source_form}" where the quotation has '
                       f'"{reading.typed_form}" ({reading.passage} [{reading.start}:{reading.end}])')
        if result.proposed_erratum:
            click.echo("  proposed erratum (seeds/errata.yaml):")
            click.echo(result.proposed_erratum)
    else:
        click.echo(f"not found{' in ' + source if source else ''}; {result.describe()}")
    if not isinstance(result, Hit):
        sys.exit(1)


@corpus_cli.command("export")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, writable=True))
@friendly_errors
def export(output: str) -> None:
    """Write every source and passage (with locators and citations) as JSON."""
    library = app_corpus()
    data = {
        "version": library.version,
        "sources": [s.to_json() for s in library.sources],
        "passages": [p.to_json() for p in library.passages()],
    }
    with open(output, "w", encoding="utf-8") as handle:
        json.dump(data, handle, ensure_ascii=False)
    click.echo(f"wrote {len(data['passages'])} passages to {output}")


curriculum_cli = AppGroup("curriculum", help="Check, build and export the curated modules.")


def _curriculum_dir() -> Path:
    return Path(current_app.config["CURRICULUM_DIR"])


@curriculum_cli.command("check")
@friendly_errors
def curriculum_check() -> None:
    """Verify every module against the sources; exit 1 with file:line messages on any error."""
    library = app_corpus()
    _, modules, problems = load_all(_curriculum_dir(), library)
    problems += [problem for module in modules for problem in generated_problems(module, library)]
    for problem in problems:
        click.echo(str(problem), err=problem.severity == "error")
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    if errors:
        click.echo(f"{errors} error(s), {warnings} warning(s)", err=True)
        sys.exit(1)
    click.echo(f"curriculum ok ({warnings} warning(s))")


@curriculum_cli.command("build")
@click.option("--handouts", is_flag=True, help="Also pre-render the student and teacher handouts (form A).")
@friendly_errors
def curriculum_build(handouts: bool) -> None:
    """Build every module (incrementally, cached by content hash)."""
    unit = _built_unit()
    for module in unit.modules:
        click.echo(f"{module.id:24} {module.version}  {len(module.excerpts)} excerpts, "
                   f"{len(module.exercises)} exercises, {len(module.items)} items")
    click.echo(f"unit {unit.version}: {len(unit.modules)} module(s)")
    if handouts:
        from .handouts.render import EDITIONS, Request
        from .web.handouts import cache

        sources = {s.id: s for s in app_corpus().sources}
        paper = current_app.config.get("HANDOUT_PAPER", "a4")
        for module in unit.modules:
            for edition in EDITIONS:
                path = cache().ensure(Request(module, edition, "A", paper), sources)
                click.echo(f"handout {path.name}")


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
    """The built unit, its generated items checked too; exit 1 with every error when there is one."""
    try:
        unit = app_unit()
        errors = [problem for module in unit.modules for problem in generated_problems(module, app_corpus())]
    except CurriculumError as error:
        errors = error.problems
    if errors:
        for problem in errors:
            click.echo(str(problem), err=True)
        click.echo(f"{len(errors)} error(s); nothing built", err=True)
        sys.exit(1)
    return unit


@click.command("handout")
@with_appcontext
@click.argument("module_id")
@click.option("--edition", type=click.Choice(["student", "teacher"]), default="student", show_default=True)
@click.option("--form", default="A", show_default=True, help="A, B, C, …: seeded shuffles of items and options.")
@click.option("--paper", type=click.Choice(["a4", "letter"]), default=None, help="Default: the install's.")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, writable=True))
@friendly_errors
def handout(module_id: str, edition: str, form: str, paper: str | None, output: str) -> None:
    """Write a module's handout as PDF."""
    from .handouts.render import Request
    from .web.handouts import cache

    module = _built_unit().module(module_id)
    if module is None:
        raise click.BadParameter(f"no module {module_id!r}", param_hint="MODULE_ID")
    try:
        request = Request(module, edition, form.upper(), paper or current_app.config.get("HANDOUT_PAPER", "a4"))
    except ValueError as error:
        raise click.BadParameter(str(error)) from None
    path = cache().ensure(request, {s.id: s for s in app_corpus().sources})
    with open(output, "wb") as handle:
        handle.write(path.read_bytes())
    click.echo(f"wrote {output}")


quiz_cli = AppGroup("quiz", help="Quiz items.")


@quiz_cli.command("export")
@click.argument("module_id")
@click.option("--format", "fmt", type=click.Choice(["gift", "moodle-xml", "qti", "csv"]), required=True)
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, writable=True))
@friendly_errors
def quiz_export(module_id: str, fmt: str, output: str) -> None:
    """Write a module's quiz items as GIFT, Moodle XML, a Canvas QTI 1.2 zip or CSV."""
    from .quiz.export import EXPORTERS

    module = _built_unit().module(module_id)
    if module is None:
        raise click.BadParameter(f"no module {module_id!r}", param_hint="MODULE_ID")
    data = EXPORTERS[fmt](module, list(module.items), {s.id: s for s in app_corpus().sources})
    with open(output, "wb") as handle:
        handle.write(data)
    click.echo(f"wrote {len(module.items)} item(s) to {output}")


users_cli = AppGroup("users", help="Teacher accounts, invites and password resets.")


@users_cli.command("create-teacher")
@click.argument("username")
@click.option("--name", required=True, help="The teacher's name as students see it.")
@click.password_option(help="Prompted for when not given.")
def create_teacher(username: str, name: str, password: str) -> None:
    """Create a teacher account."""
    from .web.database import writing
    from .web.forms import normalize_username
    from .web.models import find_user, new_user
    from .web.passwords import hash_password

    username = normalize_username(username)
    if find_user(username):
        click.echo(f"error: the username {username!r} is taken", err=True)
        sys.exit(1)
    if len(password) < 8:
        click.echo("error: use a password of at least 8 characters", err=True)
        sys.exit(1)
    password_hash = hash_password(password)
    with writing():
        new_user(username, name, "teacher", password_hash)
    click.echo(f"teacher {username} created")


@users_cli.command("reset-password")
@click.argument("username")
def reset_password(username: str) -> None:
    """Give an account (a teacher who forgot theirs) a one-time password, printed here: it signs in once, and its
    owner then chooses their own. Signs the account out everywhere and clears any wait after wrong passwords."""
    from .web.access import give_one_time_password
    from .web.forms import normalize_username
    from .web.models import find_user

    user = find_user(normalize_username(username))
    if user is None:
        click.echo(f"error: no account is called {username!r}", err=True)
        sys.exit(1)
    password = give_one_time_password(user)
    click.echo(f"{user.username} ({user.role}, {user.name}): one-time password {password}")
    click.echo("It works until they sign in with it and choose their own; give it to them in person.")


@users_cli.command("clear-sign-in-delay")
@click.argument("username")
def clear_sign_in_delay(username: str) -> None:
    """Let an account try its password again at once, after wrong passwords made it wait."""
    from .web import throttle
    from .web.database import writing
    from .web.forms import normalize_username

    with writing():
        cleared = throttle.clear(normalize_username(username))
    click.echo(f"{username}: {'the wait is cleared' if cleared else 'had no wait'}")


@users_cli.command("invite")
def invite() -> None:
    """Print a one-time invite code with which a teacher can sign up at /signup."""
    from .web.database import writing
    from .web.extensions import db
    from .web.models import TeacherInvite

    code = TeacherInvite()
    with writing():
        db.session.add(code)
    click.echo(code.code)


@click.command("demo")
@with_appcontext
@click.option("--if-empty", is_flag=True, help="Do nothing (but show the saved logins) when users exist.")
def demo(if_empty: bool) -> None:
    """Create a demo teacher, a class of five students and two assignments, and print the logins."""

    from .web.demo import create_demo

    path = Path(current_app.instance_path) / "demo-logins.txt"
    try:
        logins = create_demo(app_unit())
    except ValueError as error:
        if if_empty:
            click.echo(path.read_text().rstrip() if path.exists() else "The database already has users.")
            return
        click.echo(f"demo: {error}", err=True)
        sys.exit(1)
    lines = ["Demo logins. These are one-time passwords: each person is asked to choose their own at first sign-in,"
             " and the one below then stops working."]
    lines += [f"  {role:8} {username:10} {password}" for role, username, password in logins]
    text = "\n".join(lines)
    path.write_text(text + "\n")
    path.chmod(0o600)
    click.echo(text)
    click.echo(f"(saved to {path})")


attempts_cli = AppGroup("attempts", help="Quiz attempts.")


@attempts_cli.command("close-expired")
def close_expired_command() -> None:
    """Submit and grade every attempt whose deadline has passed."""
    from .web.attempts import close_expired

    click.echo(f"closed {close_expired()} expired attempt(s)")


def register_cli(app: Flask) -> None:
    for group in (corpus_cli, curriculum_cli, quiz_cli, users_cli, attempts_cli, demo, handout):
        app.cli.add_command(group)
