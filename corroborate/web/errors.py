"""Friendly error pages for people, JSON with a reason for API clients.

Every error page is the visitor's own page with the site header in it. A view marked ``shared_page`` renders with a
slot where the header goes (pagecache.site_header) and fills it only when the view returns; when the view aborts
instead (``/sources/nope``, ``/modules/nope``), the error page must render the header itself, not the slot.
"""
from __future__ import annotations

from flask import Flask, g, jsonify, render_template, request
from werkzeug.exceptions import HTTPException


def init_app(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json":
            return jsonify(error=error.name, reason=error.description), error.code
        g.header_slot = False
        return render_template("errors/error.html", error=error), error.code
