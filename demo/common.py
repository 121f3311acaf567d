"""Pieces every part of the demo shares: its name, random streams, times and number format."""

import random
from datetime import datetime

from deployments.phases import WIB

OPERATION_NAME = "Operasi Mantap Praja Semeru 2024"
KAPOLRES_SIGNATURE = "AKBP Bramastyo Priaji, S.H., S.I.K., M.Si. (Kapolres Kediri Kota)"

# Demo accounts carry an e-mail address under the reserved .invalid domain (RFC 2606): --reset
# deletes exactly those, never an account somebody made by hand.
DEMO_EMAIL_DOMAIN = "demo.opsboard.invalid"


def rng(stream: str) -> random.Random:
    """A fixed random stream for one part of the demo (TPS, people, ...).

    Seeded from a constant, so every run builds the same data, and one stream per part, so a
    change in one part does not reshuffle the others. Demo data only: nothing secret comes
    from it.
    """
    return random.Random(f"kediri-2024:{stream}")  # noqa: S311


def wib(month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(2024, month, day, hour, minute, tzinfo=WIB)


def thousands(number: int) -> str:
    """12345 → '12.345', the Indonesian way."""
    return f"{number:,}".replace(",", ".")
