"""Roster CSV files: read ``name, username`` rows, reporting each bad row by its line number."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from .forms import normalize_username

MAX_ROWS = 200


@dataclass(frozen=True)
class RosterRow:
    line: int
    name: str
    username: str


def read_roster(data: bytes) -> tuple[list[RosterRow], list[str]]:
    """Rows and problems ("line 4: ..."). A header row (name, username) is optional."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], ["the file is not UTF-8 text; save it from your spreadsheet as “CSV UTF-8”"]
    rows, problems, seen = [], [], set()
    sample = text[:2048]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    for line, fields in enumerate(csv.reader(io.StringIO(text), dialect), start=1):
        fields = [f.strip() for f in fields]
        if not any(fields):
            continue
        if line == 1 and [f.casefold() for f in fields[:2]] == ["name", "username"]:
            continue
        if len(fields) < 2 or not fields[0] or not fields[1]:
            problems.append(f"line {line}: expected a name and a username")
            continue
        name, username = fields[0][:100], normalize_username(fields[1])
        if not username.replace(".", "").replace("-", "").replace("_", "").isalnum() or not 3 <= len(username) <= 40:
            problems.append(f"line {line}: “{fields[1]}” is not a valid username (3-40 letters, digits, . - _)")
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
