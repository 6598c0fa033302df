"""A fresh machine's `make run` installs requirements.txt alone: every package the app imports at run time must come
from there, and a package that is missing all the same stops the app with one line that names it, not a traceback."""
from __future__ import annotations

import ast
import re
import subprocess
import sys
from importlib.metadata import PackageNotFoundError, packages_distributions, requires
from pathlib import Path

from corroborate.dependencies import required_packages

ROOT = Path(__file__).resolve().parents[2]


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _runtime_imports() -> dict[str, str]:
    """Top-level module name → the first file of app.py and corroborate/ that imports it."""
    found: dict[str, str] = {}
    for path in [ROOT / "app.py", *sorted((ROOT / "corroborate").rglob("*.py"))]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                found.setdefault(name.split(".")[0], str(path.relative_to(ROOT)))
    return found


def _installed_by_requirements() -> set[str]:
    """Every distribution that `pip install -r requirements.txt` brings, its own requirements included."""
    seen: set[str] = set()
    stack = list(required_packages())
    while stack:
        name = stack.pop()
        if name in seen:
            continue
        seen.add(name)
        try:
            wanted = requires(name) or []
        except PackageNotFoundError:      # a requirement for other Pythons only (a marker), not installed here
            continue
        for requirement in wanted:
            if "extra ==" not in requirement:
                stack.append(_normal(re.split(r"[<>=!~\[; (]", requirement)[0]))
    return seen


def test_every_runtime_import_is_installed_by_requirements_txt():
    installed = _installed_by_requirements()
    distributions = packages_distributions()
    missing = [f"{module} (imported by {path})" for module, path in sorted(_runtime_imports().items())
               if module not in sys.stdlib_module_names and module not in {"app", "corroborate"}
               and not any(_normal(d) in installed for d in distributions.get(module, []))]
    assert not missing, "not installed by requirements.txt alone: " + ", ".join(missing)


def _start_without(module: str) -> subprocess.CompletedProcess:
    """`flask --app app corpus stats`, the first command `make run` runs, with one package made unimportable."""
    program = (f"import sys; sys.modules[{module!r}] = None\n"
               "from flask.cli import main\n"
               "sys.argv = ['flask', '--app', 'app', 'corpus', 'stats']\n"
               "main()\n")
    return subprocess.run([sys.executable, "-c", program], cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_a_missing_package_stops_the_app_with_one_line_naming_it():
    result = _start_without("yaml")
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "PyYAML is not installed" in lines[0]
    assert "corroborate/corpus/sources.py" in lines[0]
    assert ".venv/bin/pip install -r requirements.txt" in lines[0]
    assert "Traceback" not in result.stderr + result.stdout


def test_a_package_missing_from_requirements_txt_is_named_as_such(tmp_path):
    from corroborate.dependencies import missing_package_message

    requirements = tmp_path / "requirements.txt"
    requirements.write_text("Flask==3.1.3\n")
    try:
        import lxml_is_not_a_package  # noqa: F401
    except ModuleNotFoundError as error:
        message = missing_package_message(error, requirements)
    assert "lxml_is_not_a_package is not installed" in message
    assert "requirements.txt does not list it" in message
