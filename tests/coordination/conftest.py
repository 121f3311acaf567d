"""Fixtures of the coordination tests: the operation clock, private attachment storage, and a
published meeting."""

from datetime import datetime

import pytest

from coordination.services import minutes_publish
from deployments.phases import WIB
from tests.factories import MeetingFactory

CLOCK = datetime(2024, 11, 27, 9, 0, tzinfo=WIB)


@pytest.fixture(autouse=True)
def attachment_root(settings, tmp_path):
    """Attachments go to a temporary private folder, never the checkout's var/."""
    root = tmp_path / "private-attachments"
    settings.COORDINATION_ATTACHMENT_ROOT = root
    return root


@pytest.fixture
def election_day(settings):
    """The operation clock at 09.00 WIB on 27 Nov 2024."""
    settings.OPSBOARD_NOW = CLOCK
    return CLOCK


@pytest.fixture
def published_meeting(db):
    meeting = MeetingFactory(minutes="# Notulen\n\nTeks asli yang diterbitkan.")
    minutes_publish(meeting=meeting)
    meeting.refresh_from_db()
    return meeting
