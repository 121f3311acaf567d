"""Reads of the command dashboard (docs/dashboard.md): filters, figures, tables, trend, map layers.

Everything that depends only on the coverage snapshot, the user's scope and the filters is cached
with the snapshot's id in the key. A new snapshot is a new key, so nothing is invalidated by hand,
and the 30-second polls of a Posko full of screens cost a snapshot lookup each until coverage
changes. Every figure of one response comes from one snapshot, like the read API's.

``Dashboard`` computes each part on first use (``cached_property``), so a partial that shows the
gap table alone pays for the gap table alone; the query-count tests in tests/dashboard/ list what
each part costs.
"""

from opsboard.dashboard.board import CACHE_SECONDS, MAP_AGGREGATE_ABOVE, Dashboard
from opsboard.dashboard.filters import (
    GAP_SORT_DEFAULT,
    GAP_SORTS,
    STATUS_LABELS,
    DashboardFilterForm,
    filter_params,
    query_string,
)
from opsboard.dashboard.gaps import GAP_PAGE_SIZE
from opsboard.dashboard.layers import (
    AGGREGATE_LEVELS,
    BOUNDARY_LEVELS,
    boundary_collection,
    post_collection,
    tps_aggregates,
)
from opsboard.dashboard.rows import tps_row
from opsboard.dashboard.station import tps_assignments, tps_coverage, tps_guards
from opsboard.dashboard.trend import TREND_MAX_POINTS, trend_chart

__all__ = [
    "AGGREGATE_LEVELS",
    "BOUNDARY_LEVELS",
    "CACHE_SECONDS",
    "GAP_PAGE_SIZE",
    "GAP_SORTS",
    "GAP_SORT_DEFAULT",
    "MAP_AGGREGATE_ABOVE",
    "STATUS_LABELS",
    "TREND_MAX_POINTS",
    "Dashboard",
    "DashboardFilterForm",
    "boundary_collection",
    "filter_params",
    "post_collection",
    "query_string",
    "tps_aggregates",
    "tps_assignments",
    "tps_coverage",
    "tps_guards",
    "tps_row",
    "trend_chart",
]
