"""Reads of coordination for the pages and the dashboard panel.

Every read starts from a ``visible_to(user)`` queryset and issues a fixed number of queries,
whatever the number of meetings or items; the query-count tests in tests/coordination/ list them.
"""

from coordination.selectors.action_items import (
    NOT_DONE,
    AgencyLoad,
    action_items_for_list,
    open_items_by_agency,
    overdue_first,
)
from coordination.selectors.changes import (
    CoverageChange,
    CoverageMoment,
    action_item_changes,
    changes_between,
)
from coordination.selectors.meetings import (
    SEARCH_FIELDS,
    MinutesShown,
    attendance_by_presence,
    meetings_for_list,
    meetings_for_page,
    meetings_matching,
    minutes_shown,
    previous_meeting,
)
from coordination.selectors.panel import dashboard_panel
from coordination.selectors.readiness import (
    UNIT_KIND_ORDER,
    ReadinessGrid,
    ReadinessRow,
    readiness_grid,
)

__all__ = [
    "NOT_DONE",
    "SEARCH_FIELDS",
    "UNIT_KIND_ORDER",
    "AgencyLoad",
    "CoverageChange",
    "CoverageMoment",
    "MinutesShown",
    "ReadinessGrid",
    "ReadinessRow",
    "action_item_changes",
    "action_items_for_list",
    "attendance_by_presence",
    "changes_between",
    "dashboard_panel",
    "meetings_for_list",
    "meetings_for_page",
    "meetings_matching",
    "minutes_shown",
    "open_items_by_agency",
    "overdue_first",
    "previous_meeting",
    "readiness_grid",
]
