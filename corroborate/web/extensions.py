"""Flask extensions, created here and bound to an app in create_app (one object per extension per process)."""
from __future__ import annotations

from flask import current_app, g, request
from flask_limiter import Limiter as BaseLimiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect as BaseCSRFProtect
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass


# Objects stay loaded after a commit: a request that writes and then renders (a quiz just started) does not read
# them back, and on SQLite it does not reopen a transaction after its write (see database.writing).
db = SQLAlchemy(model_class=Base, session_options={"expire_on_commit": False})
migrate = Migrate()
login_manager = LoginManager()


class CSRFProtect(BaseCSRFProtect):
    """Flask-WTF's CSRF check on every POST, PUT, PATCH and DELETE. A page answering a request that carried a valid
    token is given that same token rather than a newly signed one: with WTF_CSRF_TIME_LIMIT unset, a token is valid
    for as long as the session, and signing costs as much as checking (a class pressing Start together gets back
    quiz pages that carry tokens)."""

    def protect(self, apply_exemptions=False):
        super().protect(apply_exemptions)
        if g.get("csrf_valid") and current_app.config["WTF_CSRF_TIME_LIMIT"] is None:
            g.setdefault(current_app.config["WTF_CSRF_FIELD_NAME"], self._get_csrf_token())   # what generate_csrf reads


csrf = CSRFProtect()


class Limiter(BaseLimiter):
    """Checks limits only on the routes that declare one (sign-in and sign-up), so that every other request — a
    lesson page, an autosave — pays nothing for rate limiting."""

    limited_endpoints: set[str] = set()

    def limit(self, *args, **kwargs):
        decorate = super().limit(*args, **kwargs)

        def register(view):
            self.limited_endpoints.add(view.__name__)
            return decorate(view)
        return register

    def _check_request_limit(self, callable_name=None, in_middleware=True):
        if in_middleware and (request.endpoint or "").rpartition(".")[2] not in self.limited_endpoints:
            return
        super()._check_request_limit(callable_name, in_middleware)


limiter = Limiter(key_func=get_remote_address, default_limits=[])
