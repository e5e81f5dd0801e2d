"""Time zones at the edges: the database stores UTC; instructors enter, and learners read, times in a section's zone."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache
from typing import TypeGuard
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

DEFAULT_ZONE = "UTC"


@lru_cache(maxsize=1)
def zone_names() -> tuple[str, ...]:
    """Every IANA zone name this machine knows, UTC first, then alphabetical."""
    names = sorted(n for n in available_timezones() if "/" in n and not n.startswith(("Etc/", "SystemV/", "posix/", "right/")))
    return (DEFAULT_ZONE, *names)


def is_zone(name: str | None) -> TypeGuard[str]:
    """Whether `name` is a zone this machine can convert with."""
    if not name:
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def zone(name: str | None) -> ZoneInfo:
    """The zone by name, UTC when it is unknown (a section saved before a zone was removed from tzdata)."""
    return ZoneInfo(name) if is_zone(name) else ZoneInfo(DEFAULT_ZONE)


def local_to_utc(value: datetime | None, zone_name: str | None) -> datetime | None:
    """A wall-clock time typed in a zone (naive, from a datetime-local field), as an aware UTC time."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone(zone_name))
    return value.astimezone(UTC)


def utc_to_local(value: datetime | None, zone_name: str | None) -> datetime | None:
    """An instant as wall-clock time in the zone (naive UTC values from SQLite count as UTC)."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(zone(zone_name))


def format_local(value: datetime | None, zone_name: str | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """The instant in the zone, with the zone named: '2026-03-09 12:00 Europe/Moscow'."""
    local = utc_to_local(value, zone_name)
    return "" if local is None else f"{local.strftime(fmt)} {zone(zone_name).key}"


def local_time(value: datetime | None, zone_name: str | None, fmt: str = "%Y-%m-%d %H:%M", named: bool = True) -> str:
    """Template filter `local`: the instant in a section's zone, named unless the column header names it."""
    if named:
        return format_local(value, zone_name, fmt)
    local = utc_to_local(value, zone_name)
    return local.strftime(fmt) if local is not None else ""
