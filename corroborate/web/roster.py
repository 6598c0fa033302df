"""Roster CSV files: a school system's export or a plain ``name, username`` list, read into the accounts it names.

A header row is recognised by its column names (first/given name, last/family name/surname, full name, email,
username, student id — in any order, any case); without one the columns are a name, then a username or an email.
A username is the file's own, else the email's local part, else the student id, else ``first.last`` from the name,
made of lowercase ASCII letters, digits, dots, dashes and underscores. Each bad row is reported by its line number.
"""
from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass

from .forms import normalize_username

MAX_ROWS = 200
HEADERS = {
    "name": ("name", "full name", "student name", "student", "display name", "pupil name", "pupil"),
    "first": ("first name", "firstname", "first", "given name", "given names", "forename", "forenames"),
    "last": ("last name", "lastname", "last", "family name", "surname"),
    "email": ("email", "e mail", "email address", "e mail address", "student email", "school email", "mail"),
    "username": ("username", "user name", "login", "login name", "user", "user id", "userid", "account"),
    "student_id": ("student id", "studentid", "student number", "student no", "id", "id number", "sis id",
                   "pupil id", "pupil number"),
}
COLUMN_OF = {header: column for column, headers in HEADERS.items() for header in headers}
VALID = re.compile(r"^[a-z0-9._-]{3,40}$")


@dataclass(frozen=True)
class RosterRow:
    line: int
    name: str
    username: str


def _header_key(cell: str) -> str:
    return " ".join(re.sub(r"[_\-.#:]", " ", cell.casefold()).split())


def header_columns(fields: list[str]) -> dict[str, int] | None:
    """The known columns of a header row by position; None when the row is not a header (names no known column, or
    none that names a student)."""
    columns: dict[str, int] = {}
    for index, cell in enumerate(fields):
        column = COLUMN_OF.get(_header_key(cell))
        if column and column not in columns:
            columns[column] = index
    if not columns.keys() & {"name", "first", "last", "username", "email"}:
        return None
    return columns


def as_username(value: str) -> str:
    """A username made of what a file gives: accents dropped, spaces to dots, nothing outside a-z 0-9 . - _."""
    ascii_text = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    text = re.sub(r"\s+", ".", ascii_text.strip().lower())
    return re.sub(r"[^a-z0-9._-]", "", text).strip(".-_")


def valid_username(username: str) -> bool:
    return bool(VALID.match(username))


def _row(fields: list[str], columns: dict[str, int] | None) -> tuple[str, str, str]:
    """(name, username, the value the username came from) of one row."""
    def cell(column: str) -> str:
        index = (columns or {}).get(column)
        return fields[index] if index is not None and index < len(fields) else ""

    if columns is None:                                # no header: name, then a username or an email
        name = fields[0] if fields else ""
        second = fields[1] if len(fields) > 1 else ""
        given = second.split("@")[0] if "@" in second else second
        return name, normalize_username(given) if "@" not in second else as_username(given), second
    name = cell("name") or " ".join(part for part in (cell("first"), cell("last")) if part)
    if cell("username"):
        return name, normalize_username(cell("username")), cell("username")
    for source in (cell("email").split("@")[0], cell("student_id"), " ".join((cell("first"), cell("last")))):
        if source.strip():
            return name, as_username(source), source
    return name, "", ""


def read_roster(data: bytes) -> tuple[list[RosterRow], list[str]]:
    """Rows and problems ("line 4: ..."), nothing created: the teacher sees a preview first."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], ["the file is not UTF-8 text; save it from your spreadsheet as “CSV UTF-8”"]
    rows, problems, seen = [], [], set()
    try:
        dialect = csv.Sniffer().sniff(text[:2048], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    columns, first = None, True
    for line, fields in enumerate(csv.reader(io.StringIO(text), dialect), start=1):
        fields = [f.strip() for f in fields]
        if not any(fields):
            continue
        if first:
            first, columns = False, header_columns(fields)
            if columns is not None:
                continue
        name, username, given = _row(fields, columns)
        name = name[:100]
        if not name:
            problems.append(f"line {line}: no name")
        elif not username:
            problems.append(f"line {line}: expected a name and a username" if columns is None
                            else f"line {line}: no username (nor an email or student id to make one from)")
        elif not valid_username(username):
            problems.append(f"line {line}: “{given}” does not make a valid username "
                            "(3 to 40 letters, digits, . - _)")
        elif username in seen:
            problems.append(f"line {line}: “{username}” appears twice in the file")
        else:
            seen.add(username)
            rows.append(RosterRow(line, name, username))
        if len(rows) > MAX_ROWS:
            problems.append(f"more than {MAX_ROWS} students in one file; split it")
            break
    if not rows and not problems:
        problems.append("the file has no students")
    return rows, problems
