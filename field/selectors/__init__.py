"""Reads of field reporting, one module per reader (docs/field.md):

- ``officer``: the officer's /me/ — their TPS, team, whom they report to, open instructions;
- ``sector``: a Padal's or Kapolsek's sector on /me/, and its summary of the TPS that need a look;
- ``cards``: the assignment cards of a print run;
- ``command``: the command's panels — check-ins, TPS field status for the map, incident feed;
- ``posko``: the Posko's lookup of a person by name, number, phone or TPS;
- ``signin``: why a sign-in link does not work (used, revoked, expired);
- ``station``: one TPS for the command — its live state (the popup) and its timeline.

Each function issues a fixed number of queries whatever the data size; the query-count tests in
tests/field/ list them.
"""

from field.selectors.cards import Card, card_run_people, cards_for
from field.selectors.command import checkins_by_kecamatan, incident_feed, tps_field_status
from field.selectors.officer import (
    GUARD_DUTIES,
    FieldOverview,
    ReportTo,
    TeamMember,
    areas_of,
    field_officer_overview,
    guard_stations,
    guard_tps_or_none,
    kapolsek_of,
    kecamatan_led_by,
    rank_order,
    step_label,
    tps_timeline,
)
from field.selectors.posko import RESULTS_SHOWN, posko_people_find
from field.selectors.sector import SectorSummary, padal_sector, sector_summary
from field.selectors.signin import SignInTrouble, signin_link_trouble
from field.selectors.station import TimelineEntry, tps_history, tps_live_state

__all__ = [
    "GUARD_DUTIES",
    "RESULTS_SHOWN",
    "Card",
    "FieldOverview",
    "ReportTo",
    "SectorSummary",
    "SignInTrouble",
    "TeamMember",
    "TimelineEntry",
    "areas_of",
    "card_run_people",
    "cards_for",
    "checkins_by_kecamatan",
    "field_officer_overview",
    "guard_stations",
    "guard_tps_or_none",
    "incident_feed",
    "kapolsek_of",
    "kecamatan_led_by",
    "padal_sector",
    "posko_people_find",
    "rank_order",
    "sector_summary",
    "signin_link_trouble",
    "step_label",
    "tps_field_status",
    "tps_history",
    "tps_live_state",
    "tps_timeline",
]
