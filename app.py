"""Corroborate's application factory. ``flask --app app run`` (or plain ``flask run`` from this folder) finds it."""
from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

from corroborate.dependencies import is_third_party, missing_package_message

try:
    from flask import Flask, jsonify, render_template, request
    from flask.sessions import SecureCookieSessionInterface

    from corroborate.cli import register_cli
    from corroborate.web import clock
    from corroborate.web import (api, auth, catalog, errors, exports, generated, grades, handouts, learn, library,
                                 teach)
    from corroborate.web.database import engine_options, init_database
    from corroborate.web.extensions import csrf, db, limiter, login_manager, migrate
    from corroborate.web.pagecache import PageCache, site_header
    from corroborate.web.security import init_security
except ModuleNotFoundError as error:      # a package requirements.txt installs is missing: one clear line, no traceback
    if not is_third_party(error):
        raise
    raise SystemExit(missing_package_message(error)) from None

ROOT = Path(__file__).resolve().parent


def _secret_key(instance: Path) -> str:
    """SECRET_KEY from the environment, else one generated once into ``instance/secret_key``."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    path = instance / "secret_key"
    if not path.exists():
        instance.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return path.read_text().strip()
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    return path.read_text().strip()


class SessionInterface(SecureCookieSessionInterface):
    """The session cookie is Secure whenever the request came over HTTPS (or SESSION_COOKIE_SECURE says so). Its
    signer is made once per secret key, not for each request."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"]) or request.is_secure

    def get_signing_serializer(self, app: Flask):
        keys = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        cached = getattr(self, "_signer", None)
        if cached is None or cached[0] != keys:
            cached = self._signer = (keys, super().get_signing_serializer(app))
        return cached[1]


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_path=os.environ.get("CORROBORATE_INSTANCE", str(ROOT / "instance")),
                template_folder=str(ROOT / "templates"), static_folder=str(ROOT / "static"))
    instance = Path(app.instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    app.config.from_mapping(
        SEEDS_DIR=str(ROOT / "seeds"),
        CURRICULUM_DIR=os.environ.get("CORROBORATE_CURRICULUM", str(ROOT / "curriculum")),
        CACHE_DIR=os.environ.get("CORROBORATE_CACHE", str(instance / "cache")),
        SQLALCHEMY_DATABASE_URI=os.environ.get("DATABASE_URL", f"sqlite:///{instance / 'corroborate.sqlite3'}"),
        RATELIMIT_STORAGE_URI=os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        RATELIMIT_LOGIN_PER_IP=os.environ.get("RATELIMIT_LOGIN_PER_IP", "60 per minute"),
        MAX_CONTENT_LENGTH=1024 * 1024,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=os.environ.get("SESSION_COOKIE_SECURE", "") == "1",
        REMEMBER_COOKIE_HTTPONLY=True,
        PERMANENT_SESSION_LIFETIME=timedelta(hours=12),   # a school day; the cookie is re-sent only when it changes
        SESSION_REFRESH_EACH_REQUEST=False,
        WTF_CSRF_TIME_LIMIT=None,          # a quiz page can stay open for hours; the token is tied to the session
        HANDOUT_PAPER=os.environ.get("CORROBORATE_PAPER", "a4"),          # install-wide default: a4 or letter
        HANDOUT_CACHE_DIR=os.environ.get("CORROBORATE_HANDOUT_CACHE"),    # default: <cache>/handouts
    )
    if config:
        app.config.update(config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _secret_key(instance)
    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", engine_options(app.config["SQLALCHEMY_DATABASE_URI"],
                                                                      app.config.get("SQLITE_BUSY_TIMEOUT", 30.0)))
    app.session_interface = SessionInterface()

    db.init_app(app)
    init_database(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to see that page."

    @login_manager.unauthorized_handler
    def unauthorized():
        if request.path.startswith("/api/"):
            return jsonify(error="unauthorized", reason="Your session has ended; sign in again."), 401
        from flask import redirect, url_for
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))

    @app.errorhandler(429)
    def too_many(error):
        if request.path.startswith("/api/"):
            return jsonify(error="too many requests", reason="Too many tries; wait a minute."), 429
        return render_template("errors/429.html"), 429

    init_security(app)
    clock.init_app(app)                 # the school's time zone and the local_time filter
    errors.init_app(app)
    for blueprint in (catalog.bp, library.bp, auth.bp, teach.bp, grades.bp, learn.bp, api.bp, handouts.bp, generated.bp,
                      exports.bp):
        app.register_blueprint(blueprint)
    register_cli(app)
    app.jinja_env.globals["site_header"] = site_header
    app.wsgi_app = PageCache(app.wsgi_app, app.config["SESSION_COOKIE_NAME"], auth.live_session_check(app))
    if os.environ.get("CORROBORATE_WARM_START") == "1":       # gunicorn.conf.py: load before the workers fork
        from corroborate.web.warm import warm_up
        warm_up(app)
    return app
