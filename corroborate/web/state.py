"""The built domain objects an app serves, made once per process and shared by every request."""
from __future__ import annotations

from pathlib import Path

from flask import Flask, current_app

from ..corpus.store import Corpus


def corpus(app: Flask | None = None) -> Corpus:
    app = app or current_app
    found = app.extensions.get("corroborate.corpus")
    if found is None:
        found = Corpus.open(Path(app.config["SEEDS_DIR"]), Path(app.config["CACHE_DIR"]))
        app.extensions["corroborate.corpus"] = found
    return found
