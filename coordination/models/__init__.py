"""Coordination between agencies: rakor meetings, their minutes and the follow-ups they set.

The minutes (notulen) are written as a Markdown draft on the meeting. Publishing copies the draft
into a MinutesRevision, which is never updated again: the database refuses an UPDATE of a
revision (migration 0003), the model's clean() refuses it in forms, and the services only ever
insert. A correction is a new revision with who made it and why; every earlier revision stays
readable. Once the first revision exists, the meeting's record (its header, agenda, attendance,
statements and decisions) is locked as well: what was published is what the notulen says.
Action items stay editable, since their status is followed after the meeting.
"""

from coordination.models.action_items import ActionItem, ActionItemQuerySet
from coordination.models.agency import Agency
from coordination.models.attachments import Attachment
from coordination.models.base import CoordinationQuerySet
from coordination.models.meeting import MINUTES_LOCKED, Meeting, MinutesRevision
from coordination.models.readiness import READINESS_SYMBOLS, ReadinessItem, UnitReadiness
from coordination.models.record import (
    AgendaItem,
    Attendance,
    Decision,
    LockedWithMinutes,
    Statement,
)

__all__ = [
    "MINUTES_LOCKED",
    "READINESS_SYMBOLS",
    "ActionItem",
    "ActionItemQuerySet",
    "Agency",
    "AgendaItem",
    "Attachment",
    "Attendance",
    "CoordinationQuerySet",
    "Decision",
    "LockedWithMinutes",
    "Meeting",
    "MinutesRevision",
    "ReadinessItem",
    "Statement",
    "UnitReadiness",
]
