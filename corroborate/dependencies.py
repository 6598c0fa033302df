"""What a new user sees when a Python package is missing: one line naming the package and the command that installs
it, instead of a traceback. Standard library only, so it works whatever is missing."""
from __future__ import annotations

import re
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# import names whose package (as requirements.txt spells it) is not the import name
PACKAGE_FOR_MODULE = {"yaml": "PyYAML", "argon2": "argon2-cffi"}


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def required_packages(requirements: Path = ROOT / "requirements.txt") -> dict[str, str]:
    """requirements.txt's packages by normalized name: ``{"flask-sqlalchemy": "Flask-SQLAlchemy", …}``."""
    packages = {}
    for line in requirements.read_text(encoding="utf-8").splitlines():
        line = line.split("#")[0].strip()
        if line and not line.startswith("-"):
            name = re.split(r"[<>=!~\[; ]", line)[0]
            packages[_normal(name)] = name
    return packages


def missing_package_message(error: ModuleNotFoundError, requirements: Path = ROOT / "requirements.txt") -> str:
    """One line for a missing third-party module: the package, where it is imported, and how to install it."""
    module = (error.name or "").split(".")[0]
    package = PACKAGE_FOR_MODULE.get(module, module)
    importer = next((f"{Path(frame.filename).relative_to(ROOT)}:{frame.lineno}"
                     for frame in reversed(traceback.extract_tb(error.__traceback__))
                     if Path(frame.filename).is_relative_to(ROOT)), None)
    where = f" (imported by {importer})" if importer else ""
    listed = required_packages(requirements).get(_normal(package))
    if listed:
        return (f"Corroborate cannot start: the Python package {listed} is not installed{where}. "
                f"Install it with: .venv/bin/pip install -r requirements.txt  (make run does this)")
    return (f"Corroborate cannot start: the Python package {package} is not installed{where}, and requirements.txt "
            f"does not list it. Add it to requirements.txt, then run: .venv/bin/pip install -r requirements.txt")


def is_third_party(error: ModuleNotFoundError) -> bool:
    """A missing module of another package, not one of Corroborate's own (which would be a bug, not a setup step)."""
    top = (error.name or "").split(".")[0]
    return bool(top) and top not in {"app", "corroborate"}
