"""Fixtures shared by the access tests in tests/ and tests/hardening/ (the root conftest.py holds
the personas and places they use)."""

import pytest

from tests.access_objects import world_a
from tests.field.push_helpers import vapid_private_key

TEST_VAPID_KEY = vapid_private_key()  # made for this run, never a real server's


@pytest.fixture
def objects_world(
    election_day,
    settings,
    tmp_path,
    mojoroto,
    tps_a,
    field_officer,
    polsek_staff,
    ops_admin,
):
    """One object of every kind that belongs to kecamatan A (Mojoroto) and TPS A, for the
    object-level checks of the access matrix and the CSRF test."""
    settings.FIELD_PHOTO_ROOT = tmp_path / "field-photos"
    settings.COORDINATION_ATTACHMENT_ROOT = tmp_path / "attachments"
    # Web Push on (a test key), so that subscribing answers as it does in production.
    settings.WEBPUSH_VAPID_PRIVATE_KEY = TEST_VAPID_KEY
    return world_a(
        kecamatan=mojoroto,
        tps=tps_a,
        field_officer=field_officer,
        polsek_staff=polsek_staff,
        ops_admin=ops_admin,
    )
