"""Times as people read them: stored as naive UTC, shown and typed in the school's time zone, always labelled.

The school's zone is the install setting CORROBORATE_TIMEZONE; when that is unset, the first teacher to sign in
chooses it (stored as the ``time_zone`` Setting), and any teacher may change it on their account page. A teacher may
also choose their own zone there; students see the school's. Until a zone is chosen times are shown in UTC and say
so — never an unlabelled server time.

Every time shown to a person goes through the ``local_time`` Jinja filter::

    {{ assignment.due_at|local_time }}            Fri 12 Dec, 15:30 (New York)
    {{ assignment.due_at|local_time("long") }}    Friday 12 December, 15:30 (New York)
    {{ attempt.submitted_at|local_time("date") }} 12 Dec (the date there; no label)
    {{ assignment.due_at|local_time("iso") }}     2026-12-12 15:30 (for CSV files; the zone named in the header)
"""
from __future__ import annotations

import os
from datetime import datetime, time, timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from flask import Flask, current_app, g
from flask_login import current_user
from sqlalchemy import select

from .extensions import db
from .models import Setting, utcnow

UTC = ZoneInfo("UTC")
SETTING = "time_zone"
FORMATS = {                                   # the day of the month without a leading zero, on any platform
    "short": lambda t: f"{t:%a} {t.day} {t:%b}, {t:%H:%M}",
    "long": lambda t: f"{t:%A} {t.day} {t:%B}, {t:%H:%M}",
    "date": lambda t: f"{t.day} {t:%b}",
    "iso": lambda t: f"{t:%Y-%m-%d %H:%M}",
}


def init_app(app: Flask) -> None:
    """Read the settings (an unknown zone or a malformed end of day stops the app at start) and add the filter."""
    app.config.setdefault("CORROBORATE_TIMEZONE", os.environ.get("CORROBORATE_TIMEZONE", ""))
    app.config.setdefault("SCHOOL_DAY_ENDS", os.environ.get("CORROBORATE_SCHOOL_DAY_ENDS", "15:30"))
    name = app.config["CORROBORATE_TIMEZONE"]
    if name and zone_named(name) is None:
        raise ValueError(f"CORROBORATE_TIMEZONE={name!r} is not a time zone; use an IANA name like America/New_York")
    end_of_school_day(app.config["SCHOOL_DAY_ENDS"])
    app.add_template_filter(local_time, "local_time")
    app.add_template_global(zone_label, "zone_label")


@lru_cache(maxsize=None)
def zone_names() -> tuple[str, ...]:
    """The IANA zones people choose from (the region/city ones, not the legacy aliases such as "EST5EDT")."""
    return (*sorted(n for n in available_timezones() if "/" in n and not n.startswith(("Etc/", "SystemV/"))), "UTC")


@lru_cache(maxsize=None)
def _known_zones() -> frozenset[str]:
    return frozenset(zone_names())


def zone_named(name: str | None) -> ZoneInfo | None:
    if not name or name not in _known_zones():
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def end_of_school_day(value: str) -> time:
    try:
        return time.fromisoformat(value)
    except ValueError:
        raise ValueError(f"CORROBORATE_SCHOOL_DAY_ENDS={value!r} is not a time of day like 15:30") from None


SCHOOL_ZONE = select(Setting.value).where(Setting.key == SETTING)


def chosen_school_zone(name: str | None) -> None:
    """The zone chosen in the app as this request read it (auth.load_user reads it with the signed-in user, in the
    same statement)."""
    g.school_zone_name = name


def school_zone() -> ZoneInfo | None:
    """The install's zone: the environment's, else the one chosen in the app (by the first teacher, and changed by
    any teacher on their account page), else None (not chosen yet). A signed-in request reads the chosen one with its
    user, in no extra statement; any other reads it once."""
    name = current_app.config["CORROBORATE_TIMEZONE"]
    if not name:
        current_user.is_authenticated                    # noqa: B018 - loads the signed-in user, and the setting
        if "school_zone_name" not in g:
            g.school_zone_name = db.session.scalar(SCHOOL_ZONE)
        name = g.school_zone_name
    return zone_named(name)


def choose_school_zone(name: str, replace: bool = False) -> None:
    """Store the school's zone (the caller commits in a ``writing()`` block): the first teacher's choice, which a
    second teacher racing the first leaves as it is, or with ``replace`` a teacher's change on their account page.
    Stored times do not move: a quiz due at 15:30 in New York is due at 20:30 in London."""
    setting = db.session.get(Setting, SETTING)
    if setting is None:
        db.session.add(Setting(key=SETTING, value=name))
    elif replace:
        setting.value = name
    g.pop("school_zone_name", None)                 # read afresh: a race may have been lost
    g.pop("viewer_zone", None)


def user_zone(user) -> ZoneInfo | None:
    """A teacher's own zone, if they chose one."""
    if not getattr(user, "is_authenticated", False) or not user.is_teacher:
        return None
    return zone_named(user.time_zone)          # loaded with the signed-in user (auth.SIGNED_IN)


def viewer_zone() -> ZoneInfo:
    """The zone the person signed in reads times in: their own, else the school's, else UTC (labelled as such)."""
    if "viewer_zone" not in g:
        g.viewer_zone = user_zone(current_user) or school_zone() or UTC
    return g.viewer_zone


def zone_label(zone: ZoneInfo | None = None) -> str:
    """"New York" for America/New_York, "UTC" for UTC: the city people know a zone by."""
    key = (zone or viewer_zone()).key
    return key.rsplit("/", 1)[-1].replace("_", " ")


def to_local(moment: datetime, zone: ZoneInfo | None = None) -> datetime:
    """A stored time (naive UTC, or aware) in ``zone`` (default: the viewer's), aware."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(zone or viewer_zone())


def from_local(moment: datetime, zone: ZoneInfo | None = None) -> datetime:
    """A time typed in ``zone`` (default: the viewer's; naive, as a form gives it) as stored: naive UTC. A time the
    clocks skip (02:30 on the night summer time starts) is read with the offset before the change."""
    return moment.replace(tzinfo=zone or viewer_zone()).astimezone(timezone.utc).replace(tzinfo=None)


def local_form_value(moment: datetime | None, zone: ZoneInfo | None = None) -> datetime | None:
    """A stored time as a form's naive local value (for a datetime-local field)."""
    return None if moment is None else to_local(moment, zone).replace(tzinfo=None)


def local_time(moment: datetime | None, style: str = "short") -> str:
    """The Jinja filter: a stored time in the viewer's zone, labelled with it (but a bare date, and ``iso`` for CSV
    columns whose header names the zone)."""
    if moment is None:
        return ""
    zone = viewer_zone()
    shown = FORMATS[style](to_local(moment, zone))
    return shown if style in ("date", "iso") else f"{shown} ({zone_label(zone)})"


def default_times(zone: ZoneInfo | None = None, now: datetime | None = None) -> tuple[datetime, datetime]:
    """A new assignment's opening and due times, as naive local form values: opens now (to the minute), due at the
    end of the school day a week ahead (on the Monday after, when that is a weekend)."""
    zone = zone or viewer_zone()
    local_now = to_local(now or utcnow(), zone).replace(second=0, microsecond=0, tzinfo=None)
    ends = end_of_school_day(current_app.config["SCHOOL_DAY_ENDS"])
    due = local_now.date() + timedelta(days=7)
    while due.weekday() >= 5:                   # a week from a Saturday or a Sunday: the Monday after
        due += timedelta(days=1)
    return local_now, datetime.combine(due, ends)
