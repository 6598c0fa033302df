"""Numbers from the query string, checked: a page number or a count is never trusted as the visitor sent it."""
from __future__ import annotations

from flask import request


def int_arg(name: str, default: int, low: int, high: int) -> int:
    """The query parameter ``name`` as a whole number from ``low`` to ``high``: missing, not plain digits (``abc``,
    ``1e9``, ``-5``) or below ``low`` gives ``default``; above ``high`` (however many digits) gives ``high``."""
    value = request.args.get(name, "")
    if not (value.isascii() and value.isdigit()):
        return default
    value = value.lstrip("0") or "0"
    number = high + 1 if len(value) > len(str(high)) else int(value)
    return default if number < low else min(number, high)
