"""The dashboard's gap table: short and unguarded TPS, with what each lacks, sorted and paged.

A part of ``Dashboard`` (board.py), kept apart because it has its own sorting and paging links;
it reads the dashboard's filters, snapshot rows and cache like every other part.
"""

from functools import cached_property
from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from core.access import Role
from deployments.models import CoverageStatus
from opsboard.dashboard.filters import (
    GAP_SORT_DEFAULT,
    GAP_SORTS,
    UNCOVERED,
    filter_params,
    query_string,
)
from opsboard.dashboard.rows import LACK, SEVERITY, tps_row

GAP_PAGE_SIZE = 15


class GapTable:
    """The gap table's part of ``Dashboard``: needs its ``snapshot``, ``filters``,
    ``default_phase``, ``coverage_rows()`` and ``_cached()``."""

    @cached_property
    def gaps(self) -> dict[str, Any]:
        """Two queries: the count, the page's rows with their TPS and places."""
        if self.snapshot is None:
            return {"rows": [], "count": 0, "page": 1, "pages": 1, "sort": GAP_SORT_DEFAULT}
        sort, page = self.filters.get("sort") or GAP_SORT_DEFAULT, self.filters.get("page") or 1
        return self._cached("gaps", lambda: self._compute_gaps(sort, page), sort, page)

    def gap_rows(self, sort: str = GAP_SORT_DEFAULT) -> QuerySet:
        rows = self.coverage_rows()
        if self.filters.get("status") == CoverageStatus.COVERED:
            return rows.none()
        return (
            rows.filter(status__in=UNCOVERED)
            .annotate(lack=LACK, severity=SEVERITY)
            .select_related("tps", "desa__kecamatan")
            .defer("desa__boundary", "desa__kecamatan__boundary", "tps__address")
            .order_by(*GAP_SORTS[sort])
        )

    def _compute_gaps(self, sort: str, page_number: int) -> dict[str, Any]:
        paginator = Paginator(self.gap_rows(sort), GAP_PAGE_SIZE)
        page = paginator.get_page(page_number)
        return {
            "rows": [tps_row(row) for row in page.object_list],
            "count": paginator.count,
            "page": page.number,
            "pages": paginator.num_pages,
            "first": page.start_index(),
            "last": page.end_index(),
            "sort": sort,
        }

    def gap_sort_query(self, key: str) -> str:
        """The link of a column heading: sort by it, or reverse it when it is the current order."""
        current = self.gaps["sort"]
        sort = ("-" + key) if current == key else key
        return query_string(
            filter_params(
                self.filters,
                self.default_phase,
                sort=sort if sort != GAP_SORT_DEFAULT else None,
            )
        )

    @property
    def gap_pages(self) -> dict[str, str | None]:
        gaps = self.gaps
        page, pages = gaps["page"], gaps["pages"]
        return {
            "previous": self.gap_page_query(page - 1) if page > 1 else None,
            "next": self.gap_page_query(page + 1) if page < pages else None,
        }

    def gap_page_query(self, page: int) -> str:
        sort = self.gaps["sort"]
        return query_string(
            filter_params(
                self.filters,
                self.default_phase,
                sort=sort if sort != GAP_SORT_DEFAULT else None,
                page=page if page > 1 else None,
            )
        )

    @property
    def can_fill_gaps(self) -> bool:
        """The Bag Ops admins get the way forward from the table: fill gaps. The role, not a
        permission lookup: no query more on the dashboard (the admin page checks the right)."""
        return self.access.role in (Role.SUPERUSER, Role.ADMIN)

    @property
    def fill_gaps_query(self) -> str:
        """The filters for the admin's fill-gaps page (its short TPS are this table's), by code,
        the phase always named (docs/dashboard.md)."""
        params = filter_params(self.filters, None)
        params.pop("status", None)
        return query_string(params)

    @property
    def gap_columns(self) -> list[dict[str, str]]:
        current = self.gaps["sort"]
        columns = [
            ("wilayah", _("TPS")),
            ("kerawanan", _("Kerawanan")),
            ("status", _("Status")),
            ("pemilih", _("Pemilih")),
            ("kekurangan", _("Kekurangan")),
        ]
        # Each key has its natural direction (the largest lack first, A to Z by area); "-"
        # reverses it. aria-sort says which way the rows actually run.
        natural = {"wilayah": "ascending"}
        flip = {"ascending": "descending", "descending": "ascending"}
        out = []
        for key, label in columns:
            direction = natural.get(key, "descending")
            if current == key:
                sorted_as = direction
            elif current == "-" + key:
                sorted_as = flip[direction]
            else:
                sorted_as = ""
            out.append(
                {"key": key, "label": label, "query": self.gap_sort_query(key), "sorted": sorted_as}
            )
        return out
