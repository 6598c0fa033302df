"""Security headers on every response: a CSP without inline script, no sniffing, no framing by other sites."""
from __future__ import annotations

from flask import Flask, Response

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'")


HEADERS = {"content-security-policy": ("Content-Security-Policy", CSP),
           "x-content-type-options": ("X-Content-Type-Options", "nosniff"),
           "x-frame-options": ("X-Frame-Options", "SAMEORIGIN"),
           "referrer-policy": ("Referrer-Policy", "same-origin")}


def init_security(app: Flask) -> None:
    @app.after_request
    def headers(response: Response) -> Response:
        """Each header a view has not set itself (its names read once, not once per header)."""
        present = {name.lower() for name in response.headers.keys()}
        response.headers.extend([header for key, header in HEADERS.items() if key not in present])
        return response
