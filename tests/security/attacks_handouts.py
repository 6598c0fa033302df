"""Attacks on printed handouts, tried against a served app (gunicorn, shipped settings) with the shipped modules."""
from __future__ import annotations

import io
import re
import time

import pypdf

from tests.security.visitor import Visitor
from tests.servers import Server

TEACHER_PASSWORD = "a teacher password"


def _downloaded(visitor: Visitor, path: str) -> bytes:
    """A handout, waiting while it is prepared in the background (202) as a browser's refresh would."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        response = visitor.get(path)
        if response.status_code != 202:
            assert response.status_code == 200, response.status_code
            return response.content
        time.sleep(1)
    raise AssertionError(f"{path} was not ready within 120 s")


def printed_form_a_gives_no_key_by_position(server):
    """The shipped modules' authors wrote the correct option first; the key sheet of printed form A must not read
    "A" for every single-choice question."""
    folder = server.folder / "shipped-unit"
    folder.mkdir()
    shipped = Server(folder, server.env["CORROBORATE_CACHE"], workers=None)      # the shipped curriculum
    shipped.flask("db", "upgrade")
    shipped.flask("users", "create-teacher", "key-reader", "--name", "Key Reader", "--password", TEACHER_PASSWORD)
    shipped.start()
    try:
        teacher = Visitor(shipped)
        teacher.sign_in("key-reader", TEACHER_PASSWORD)
        for module in ("kirov", "first-trial", "confessions"):
            pdf = _downloaded(teacher, f"/modules/{module}/handout.pdf?edition=teacher&form=A")
            text = "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)
            key_sheet = text[text.rindex("Answer key · Form A"):]
            letters = re.findall(r"Single choice\s*([A-H])\b", key_sheet)
            assert len(letters) >= 3, (module, key_sheet[:400])
            assert len(set(letters)) > 1, (module, letters)
    finally:
        shipped.stop()


SERVED = [printed_form_a_gives_no_key_by_position]
