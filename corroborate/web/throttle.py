"""Sign-in back-off against password guessing, held in the database so that it holds across every worker and every
app server that shares the database (an in-memory limit holds per worker only).

Each wrong password counts against the account from that address and against the account from anywhere. Past a
threshold, each further try must wait: 15 s, then twice as long after each further wrong password, at most 15
minutes. There is no hard lock, so a classmate guessing cannot shut a student out for long: the wait is always
short and finite, a right password afterwards clears it, and the teacher (or ``flask users clear-sign-in-delay``)
can clear it at once. While an account must wait, no password is checked for it, right or wrong.

The per-address limit on all sign-ins (Flask-Limiter, ``RATELIMIT_LOGIN_PER_IP``) stays beside this one.
"""
from __future__ import annotations

import hashlib
import hmac
import math
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, select, update
from sqlalchemy.dialects import postgresql, sqlite

from .extensions import db
from .models import SignInFailure, utcnow

FROM_ONE_ADDRESS = 5            # wrong passwords for an account from one address before each try waits
FROM_ANYWHERE = 20              # … and from all addresses together (guessing spread over many addresses)
FIRST_WAIT = timedelta(seconds=15)
LONGEST_WAIT = timedelta(minutes=15)
FORGET_AFTER = timedelta(days=1)    # rows of accounts left alone this long are deleted


def wait_after(failures: int, threshold: int) -> timedelta:
    """How long the next try must wait after ``failures`` wrong passwords (none below the threshold)."""
    if failures < threshold:
        return timedelta(0)
    return min(FIRST_WAIT * 2 ** min(failures - threshold, 16), LONGEST_WAIT)


def address_key(address: str | None) -> str:
    """The address as stored: a keyed hash (a school's addresses are personal data, and IPv4 is small enough to
    reverse a plain hash)."""
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, (address or "unknown").encode(), hashlib.sha256).hexdigest()[:32]


def seconds_to_wait(username: str, address: str | None, now: datetime | None = None) -> int:
    """Whole seconds before ``username`` may try a password again from ``address`` (0: now)."""
    now = now or utcnow()
    until = db.session.scalar(select(SignInFailure.blocked_until).where(
        SignInFailure.username == username, SignInFailure.address.in_(("", address_key(address))),
        SignInFailure.blocked_until > now).order_by(SignInFailure.blocked_until.desc()).limit(1))
    return math.ceil((until - now).total_seconds()) if until else 0


def _count_failure(dialect: str):
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    table = SignInFailure.__table__
    statement = insert(table)
    return statement.on_conflict_do_update(
        index_elements=[table.c.username, table.c.address],
        set_={"failures": table.c.failures + 1, "last_failed_at": statement.excluded.last_failed_at},
    ).returning(table.c.id, table.c.failures)


def record_failure(username: str, address: str | None, now: datetime | None = None) -> None:
    """Count a wrong password for ``username`` from ``address``, and set how long its next try must wait. The count
    is one atomic statement per row, so tries racing in several workers each count."""
    now = now or utcnow()
    count = _count_failure(db.session.get_bind().dialect.name)
    for key, threshold in (("", FROM_ANYWHERE), (address_key(address), FROM_ONE_ADDRESS)):
        row_id, failures = db.session.execute(count, {"username": username, "address": key, "failures": 1,
                                                      "last_failed_at": now}).one()
        wait = wait_after(failures, threshold)
        if wait:
            db.session.execute(update(SignInFailure).where(SignInFailure.id == row_id)
                               .values(blocked_until=now + wait))
    db.session.execute(delete(SignInFailure).where(SignInFailure.last_failed_at < now - FORGET_AFTER))


def clear(username: str) -> int:
    """Forget the wrong passwords given for ``username`` (a right password, a teacher, the command line)."""
    return db.session.execute(delete(SignInFailure).where(SignInFailure.username == username)).rowcount


def waiting(usernames: list[str], now: datetime | None = None) -> set[str]:
    """Which of ``usernames`` must wait before a try now, from some address (what a teacher sees on the class page)."""
    now = now or utcnow()
    return set(db.session.scalars(select(SignInFailure.username).where(SignInFailure.username.in_(usernames),
                                                                      SignInFailure.blocked_until > now)))
