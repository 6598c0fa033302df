"""Corroborate's application factory. ``flask --app app run`` (or plain ``flask run`` from this folder) finds it."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

from flask import Flask

from corroborate.cli import register_cli
from corroborate.web import catalog, errors, library
from corroborate.web.security import init_security

ROOT = Path(__file__).resolve().parent


def _secret_key(instance: Path) -> str:
    """SECRET_KEY from the environment, else one generated once into ``instance/secret_key``."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    path = instance / "secret_key"
    if not path.exists():
        instance.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    return path.read_text().strip()


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_path=os.environ.get("CORROBORATE_INSTANCE", str(ROOT / "instance")),
                template_folder=str(ROOT / "templates"), static_folder=str(ROOT / "static"))
    instance = Path(app.instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    app.config.from_mapping(
        SEEDS_DIR=str(ROOT / "seeds"),
        CURRICULUM_DIR=str(ROOT / "curriculum"),
        CACHE_DIR=os.environ.get("CORROBORATE_CACHE", str(instance / "cache")),
        SQLALCHEMY_DATABASE_URI=os.environ.get("DATABASE_URL", f"sqlite:///{instance / 'corroborate.sqlite3'}"),
        MAX_CONTENT_LENGTH=1024 * 1024,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
    )
    if config:
        app.config.update(config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _secret_key(instance)

    init_security(app)
    errors.init_app(app)
    app.register_blueprint(catalog.bp)
    app.register_blueprint(library.bp)
    register_cli(app)
    return app
