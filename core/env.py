"""Strict parsing of configuration from the environment.

A typo in production configuration must stop the process at start-up, not silently fall back to
a default: ``DEBUG=yes`` is an error, not False.
"""

import os
from datetime import datetime

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"true", "1", "on"}
_FALSE = {"false", "0", "off"}


def env_str(name: str, default: str = "") -> str:
    # Docker secrets: FOO_FILE=/run/secrets/foo wins over FOO.
    file_path = os.environ.get(f"{name}_FILE")
    if file_path:
        try:
            with open(file_path, encoding="utf-8") as fh:
                return fh.read().strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE={file_path}: {exc}") from exc
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = env_str(name, "")
    if raw == "":
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r}: use true/false, 1/0 or on/off.")


def env_int(name: str, default: int, *, minimum: int = 0, maximum: int | None = None) -> int:
    raw = env_str(name, "")
    if raw == "":
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}={raw!r}: not a whole number.") from exc
    if value < minimum:
        raise ImproperlyConfigured(f"{name}={raw!r}: must be at least {minimum}.")
    if maximum is not None and value > maximum:
        raise ImproperlyConfigured(f"{name}={raw!r}: must be at most {maximum}.")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = env_str(name, "")
    if raw == "":
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_datetime(name: str) -> datetime | None:
    raw = env_str(name, "")
    if raw == "":
        return None
    try:
        value = datetime.fromisoformat(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(
            f"{name}={raw!r}: not an ISO 8601 datetime (2024-11-27T09:00:00+07:00)."
        ) from exc
    if value.tzinfo is None:
        raise ImproperlyConfigured(f"{name}={raw!r}: give the offset, e.g. +07:00.")
    return value
