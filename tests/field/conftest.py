"""Fixtures of the field reporting tests (election day and fast hashing are in the root conftest):
a private photo folder per test, a TPS team around the `field_officer` persona, and a push
service on 127.0.0.1 with a VAPID key and a browser's keys for the Web Push tests."""

import pytest

from tests.field.push_helpers import LocalServer, browser_keys, serve, vapid_private_key


@pytest.fixture(autouse=True)
def photo_root(settings, tmp_path):
    settings.FIELD_PHOTO_ROOT = tmp_path / "field-photos"
    return settings.FIELD_PHOTO_ROOT


@pytest.fixture
def guard(election_day, field_officer):
    """The `field_officer` persona's Personnel record (a Linmas at TPS A)."""
    return field_officer.personnel


# Web Push to a push service on 127.0.0.1 (tests/field/push_helpers.py)


@pytest.fixture
def vapid(settings):
    settings.WEBPUSH_VAPID_PRIVATE_KEY = vapid_private_key()
    settings.WEBPUSH_VAPID_SUBJECT = "mailto:ops@polres.example"
    settings.NOTIFICATION_MAX_ATTEMPTS = 3
    return settings.WEBPUSH_VAPID_PRIVATE_KEY


@pytest.fixture
def push_service():
    state = LocalServer()
    server = serve(state)
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture
def keys():
    """A browser's subscription keys, made for this test."""
    return browser_keys()
