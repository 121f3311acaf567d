"""The dashboard of one user, one set of filters and one snapshot: each part computed on first
use and cached with the snapshot id in the key."""

from collections.abc import Callable
from functools import cached_property
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, F, Q, QuerySet
from django.utils import translation
from django.utils.translation import gettext

from core.access import access_of
from deployments.coverage import FORCES
from deployments.models import (
    CoverageArea,
    CoverageSnapshot,
    CoverageTPS,
    Force,
    Operation,
    Personnel,
    Phase,
    Unit,
)
from opsboard import selectors
from opsboard.dashboard import cache
from opsboard.dashboard.filters import (
    GAP_SORT_DEFAULT,
    STATUS_LABELS,
    UNCOVERED,
    filter_params,
    query_string,
    scope_key,
)
from opsboard.dashboard.gaps import GapTable
from opsboard.dashboard.rows import (
    area_row,
    classes_block,
    force_sums,
    status_counts,
    statuses_of,
    tps_row,
    unprefixed,
)
from opsboard.dashboard.trend import trend_chart
from tps.models import Desa, KabKota, Kecamatan, Kerawanan

CACHE_SECONDS = 15 * 60
AREA_ROWS_SHOWN = 60
# The map draws single TPS up to this many in view; above it, markers per kecamatan or desa.
MAP_AGGREGATE_ABOVE = 5000


class Dashboard(GapTable):
    """What the dashboard shows for one user, one set of filters and one snapshot."""

    def __init__(
        self, user, filters: dict, *, operation: Operation | None, default_phase: Phase | None
    ) -> None:
        self.user = user
        self.filters = filters
        self.operation = operation
        self.default_phase = default_phase
        self.access = access_of(user)

    # What the filters resolved to

    @property
    def phase(self) -> Phase | None:
        return self.filters.get("phase")

    @property
    def snapshot(self) -> CoverageSnapshot | None:
        return self.filters.get("snapshot")

    @property
    def phase_is_default(self) -> bool:
        return self.phase is None or (
            self.default_phase is not None and self.phase.pk == self.default_phase.pk
        )

    @cached_property
    def params(self) -> dict[str, str]:
        """The filters as URL parameters (the gap table's order and page left out)."""
        return filter_params(self.filters, self.default_phase)

    @cached_property
    def page_params(self) -> dict[str, str]:
        """The whole state of the page: filters, the gap table's order and page."""
        sort = self.filters.get("sort") or GAP_SORT_DEFAULT
        page = self.filters.get("page") or 1
        return filter_params(
            self.filters,
            self.default_phase,
            sort=sort if sort != GAP_SORT_DEFAULT else None,
            page=page if page > 1 else None,
        )

    @cached_property
    def query(self) -> str:
        return query_string(self.params)

    @cached_property
    def page_query(self) -> str:
        return query_string(self.page_params)

    @cached_property
    def map_query(self) -> str:
        """The filters in the form the map's API calls take (phase always named)."""
        params = dict(self.params)
        if self.phase is not None:
            params["phase"] = self.phase.code
        return urlencode(params)

    @property
    def filtered(self) -> bool:
        return bool(self.params)

    @cached_property
    def area_label(self) -> str:
        f = self.filters
        if f.get("desa") is not None:
            return f"{f['desa'].name}, {f['kecamatan'].name}"
        if f.get("kecamatan") is not None:
            return gettext("Kecamatan %(name)s") % {"name": f["kecamatan"].name}
        if f.get("kabkota") is not None:
            return f["kabkota"].name
        if not self.access.sees_everything:
            options = self.kecamatan_options
            return gettext("Kecamatan %(name)s") % {"name": options[0].name} if options else ""
        return gettext("Seluruh wilayah hukum")

    # The cache

    def _cached(self, part: str, compute: Callable[[], Any], *extra: Any) -> Any:
        snapshot = self.snapshot
        if snapshot is None:
            return compute()
        # Labels are stored translated (plain strings unpickle fast; lazy ones do not): the
        # language is part of the key.
        key = ":".join(
            [
                "opsboard:dash:v1",
                part,
                cache.snapshot_token(snapshot),
                translation.get_language() or "",
                scope_key(self.access),
                urlencode(sorted(self.params.items())),
                *map(str, extra),
            ]
        )
        return cache.get_or_compute(key, compute, CACHE_SECONDS)

    def validator(self, *variant: Any) -> str:
        """What a part of the page shows depends on, as an ETag's digest: the snapshot, the
        language, the role and scope, the page's whole state (filters, the gap table's order and
        page), and the variant of the answer (which part, polled or not, and
        the staleness for the parts that show it: real time, one query).

        Everything else a part shows follows from those: the figures are the snapshot's, and the
        engine writes a new snapshot whenever assignments, patterns or TPS change.
        """
        return cache.digest(
            "dash:v1",
            cache.snapshot_token(self.snapshot),
            translation.get_language() or "",
            self.access.role,
            scope_key(self.access),
            urlencode(sorted(self.page_params.items())),
            *variant,
        )

    # Filter choices

    @cached_property
    def kabkota_options(self) -> list[KabKota]:
        """One query."""
        kecamatan = Kecamatan.objects.visible_to(self.user)
        return list(KabKota.objects.filter(kecamatan__in=kecamatan).distinct().order_by("code"))

    @cached_property
    def kecamatan_options(self) -> list[Kecamatan]:
        """One query; within the chosen kabupaten/kota."""
        kecamatan = Kecamatan.objects.visible_to(self.user).defer("boundary").order_by("code")
        if self.filters.get("kabkota") is not None:
            kecamatan = kecamatan.filter(kabkota=self.filters["kabkota"])
        return list(kecamatan)

    @cached_property
    def desa_options(self) -> list[Desa]:
        """One query once a kecamatan is chosen (or the user's scope is one kecamatan); none
        before, since a Polda-sized operation has thousands of desa."""
        kecamatan = self.filters.get("kecamatan")
        if kecamatan is None and self.access.sees_everything:
            return []
        desa = Desa.objects.visible_to(self.user).defer("boundary").order_by("name")
        return list(desa.filter(kecamatan=kecamatan) if kecamatan is not None else desa)

    @property
    def phase_options(self) -> list[Phase]:
        # From the prefetch of current_operation(with_phases=True): no query.
        return list(self.operation.phases.all()) if self.operation is not None else []

    kerawanan_options = Kerawanan.choices
    status_options = list(STATUS_LABELS.items())

    # Staleness (real time: never cached)

    @cached_property
    def stale(self) -> bool:
        """One query (the engine's state row)."""
        return selectors.coverage_is_stale(self.snapshot) if self.snapshot is not None else False

    # Rows of the snapshot in scope

    def coverage_rows(self) -> QuerySet:
        """The snapshot's per-TPS rows the user may see that match the filters (not evaluated)."""
        rows = CoverageTPS.objects.visible_to(self.user).filter(snapshot=self.snapshot)
        f = self.filters
        if f.get("kabkota") is not None:
            rows = rows.filter(desa__kecamatan__kabkota=f["kabkota"])
        if f.get("kecamatan") is not None:
            rows = rows.in_kecamatan(f["kecamatan"])
        if f.get("desa") is not None:
            rows = rows.filter(desa=f["desa"])
        if f.get("kerawanan"):
            rows = rows.filter(kerawanan=f["kerawanan"])
        if f.get("status"):
            rows = rows.filter(status__in=statuses_of(f["status"]))
        return rows

    # Headline figures

    @cached_property
    def figures(self) -> dict[str, Any]:
        """TPS per class and status, and each force's fulfilment. One query."""
        return self._cached("figures", self._compute_figures)

    def _compute_figures(self) -> dict[str, Any]:
        by_class = {code: {"total": 0, "uncovered": 0} for code in Kerawanan.values}
        totals: dict[str, Any] = {
            "tps_total": 0,
            "covered": 0,
            "short": 0,
            "unguarded": 0,
            **{
                f"{f.lower()}_{m}": 0.0
                for f in FORCES
                for m in ("required", "assigned", "fulfilled")
            },
        }
        if self.snapshot is None:
            # Before the first snapshot: the TPS in scope, their coverage not yet known.
            tps = selectors.tps_in_scope(self.user, {**self.filters, "status": ""})
            for row in tps.values("kerawanan").annotate(n=Count("pk")).order_by():
                by_class[row["kerawanan"]]["total"] = row["n"]
                totals["tps_total"] += row["n"]
            return {**area_row(totals), "computed": False, "by_kerawanan": classes_block(by_class)}
        rows = (
            self.coverage_rows()
            .values("kerawanan", "status")
            .annotate(n=Count("pk"), **force_sums())
            .order_by()
        )
        for row in rows:
            n = row["n"]
            totals["tps_total"] += n
            totals[row["status"]] += n
            by_class.setdefault(row["kerawanan"], {"total": 0, "uncovered": 0})
            by_class[row["kerawanan"]]["total"] += n
            if row["status"] in UNCOVERED:
                by_class[row["kerawanan"]]["uncovered"] += n
            for force in FORCES:
                f = force.lower()
                for measure in ("required", "assigned", "fulfilled"):
                    totals[f"{f}_{measure}"] += row[f"sum_{f}_{measure}"] or 0.0
        return {**area_row(totals), "computed": True, "by_kerawanan": classes_block(by_class)}

    @cached_property
    def personnel(self) -> dict[str, Any]:
        """Active personnel per force in the area: its units and its residents. One query."""
        return self._cached("personnel", self._compute_personnel)

    def _compute_personnel(self) -> dict[str, Any]:
        people = Personnel.objects.visible_to(self.user).active()
        f = self.filters
        if f.get("desa") is not None:
            people = people.filter(Q(unit__desa=f["desa"]) | Q(home_desa=f["desa"]))
        elif f.get("kecamatan") is not None:
            k = f["kecamatan"]
            people = people.filter(
                Q(unit__kecamatan=k) | Q(unit__desa__kecamatan=k) | Q(home_desa__kecamatan=k)
            )
        elif f.get("kabkota") is not None:
            kk = f["kabkota"]
            people = people.filter(
                Q(unit__kecamatan__kabkota=kk)
                | Q(unit__desa__kecamatan__kabkota=kk)
                | Q(home_desa__kecamatan__kabkota=kk)
            )
        counts = dict.fromkeys(FORCES, 0)
        for row in people.values("force").annotate(n=Count("pk")).order_by():
            counts[row["force"]] = row["n"]
        return {
            "total": sum(counts.values()),
            "forces": [
                {"code": force, "label": str(Force(force).label), "count": counts[force]}
                for force in FORCES
            ],
            "area_only": any(f.get(k) is not None for k in ("kabkota", "kecamatan", "desa")),
        }

    @property
    def without_post(self) -> list[dict[str, Any]] | None:
        """Active personnel with no assignment in the phase (the snapshot's count), operation-wide.

        Shown to those who see the whole operation: the count is not split by area.
        """
        if self.snapshot is None or not self.access.sees_everything:
            return None
        s = self.snapshot
        counts = {
            Force.POLRI: s.unassigned_polri,
            Force.TNI: s.unassigned_tni,
            Force.LINMAS: s.unassigned_linmas,
        }
        return [
            {"code": force, "label": str(Force(force).label), "count": counts[force]}
            for force in FORCES
        ]

    @property
    def without_post_total(self) -> int:
        return sum(row["count"] for row in self.without_post or [])

    # Area table: kecamatan (with their Polsek) → desa → TPS

    @property
    def area_level(self) -> str:
        if self.filters.get("desa") is not None:
            return "tps"
        if self.filters.get("kecamatan") is not None or not self.access.sees_everything:
            return "desa"  # Polsek staff start at their kecamatan's desa
        return "kecamatan"

    @cached_property
    def areas(self) -> list[dict[str, Any]]:
        """Kecamatan: two queries (rows, Polsek names); desa: one; TPS: one."""
        if self.snapshot is None:
            return []
        return self._cached("areas", self._compute_areas)

    def _compute_areas(self) -> list[dict[str, Any]]:
        rows = self.coverage_rows()
        level = self.area_level
        if level == "tps":
            rows = rows.select_related("tps", "desa__kecamatan").defer(
                "desa__boundary", "desa__kecamatan__boundary", "tps__address"
            )
            return [tps_row(row) for row in rows.order_by("tps__number")]
        prefix = "desa__kecamatan" if level == "kecamatan" else "desa"
        grouped = [
            area_row(unprefixed(row))
            for row in rows.values(code=F(f"{prefix}__code"), name=F(f"{prefix}__name"))
            .annotate(**status_counts(), **force_sums())
            .order_by("code")
        ]
        if level == "kecamatan":
            polsek = dict(
                Unit.objects.polsek()
                .filter(kecamatan__code__in=[row["code"] for row in grouped])
                .values_list("kecamatan__code", "name")
            )
            for row in grouped:
                row["polsek"] = polsek.get(row["code"], "")
        return grouped

    @property
    def area_table(self) -> list[dict[str, Any]]:
        """The area rows with their drill-down links: the same filters, one level narrower.

        A Polda-sized operation has hundreds of kecamatan: beyond AREA_ROWS_SHOWN the table shows
        the areas with the most uncovered TPS (the export has them all).
        """
        level = self.area_level
        areas = self.areas
        if len(areas) > AREA_ROWS_SHOWN:
            worst = sorted(areas, key=lambda row: (-row.get("uncovered", 0), row["code"]))
            areas = sorted(worst[:AREA_ROWS_SHOWN], key=lambda row: row["code"])
        rows = []
        for row in areas:
            params = dict(self.params)
            params.pop("kabkota", None)
            if level == "kecamatan":
                params["kecamatan"] = row["code"]
            elif level == "desa":
                params["desa"] = row["code"]
            rows.append({**row, "query": query_string(params) if level != "tps" else ""})
        return rows

    @property
    def areas_hidden(self) -> int:
        return max(len(self.areas) - AREA_ROWS_SHOWN, 0)

    @property
    def breadcrumbs(self) -> list[dict[str, str]]:
        """Seluruh wilayah › Kecamatan Mojoroto › Bandar Lor, each a link keeping the other
        filters."""
        f = self.filters
        base = {k: v for k, v in self.params.items() if k not in ("kabkota", "kecamatan", "desa")}
        crumbs = []
        if self.access.sees_everything:
            crumbs.append({"label": gettext("Seluruh wilayah"), "query": query_string(base)})
            if f.get("kabkota") is not None:
                kk = f["kabkota"]
                crumbs.append(
                    {"label": kk.name, "query": query_string({**base, "kabkota": kk.code})}
                )
        if f.get("kecamatan") is not None:
            k = f["kecamatan"]
            crumbs.append(
                {
                    "label": gettext("Kec. %(name)s") % {"name": k.name},
                    "query": query_string({**base, "kecamatan": k.code}),
                }
            )
        if f.get("desa") is not None:
            d = f["desa"]
            crumbs.append({"label": d.name, "query": query_string({**base, "desa": d.code})})
        return crumbs

    @property
    def phase_query(self) -> str:
        """?phase=… for links to TPS pages when another phase than the default is shown."""
        return query_string({"phase": self.params["phase"]}) if "phase" in self.params else ""

    # Trend: coverage over time from the snapshot history

    def _trend_area(self) -> tuple[str, str]:
        f = self.filters
        if f.get("kecamatan") is not None:  # a desa's history is pruned: show its kecamatan
            return CoverageArea.Level.KECAMATAN, f["kecamatan"].code
        if f.get("kabkota") is not None:
            return CoverageArea.Level.KABKOTA, f["kabkota"].code
        if not self.access.sees_everything:
            options = self.kecamatan_options
            return CoverageArea.Level.KECAMATAN, options[0].code if options else ""
        return CoverageArea.Level.OPERATION, "all"

    @cached_property
    def trend(self) -> dict[str, Any]:
        """One query: the area's rows over the phase's snapshots up to the current one."""
        if self.snapshot is None:
            return trend_chart([])
        level, code = self._trend_area()
        return self._cached("trend", lambda: self._compute_trend(level, code), level, code)

    def _compute_trend(self, level: str, code: str) -> dict[str, Any]:
        rows = (
            CoverageArea.objects.filter(
                snapshot__phase=self.phase,
                snapshot__created_at__lte=self.snapshot.created_at,
                level=level,
                code=code,
                kerawanan=self.filters.get("kerawanan") or "",
            )
            .order_by("snapshot__created_at", "snapshot_id")
            .values(
                "snapshot__created_at",
                "snapshot__computed_at",
                "tps_total",
                "covered",
                *(f"{f.lower()}_{m}" for f in FORCES for m in ("required", "fulfilled")),
            )
        )
        chart = trend_chart(list(rows))
        chart["by_class"] = bool(self.filters.get("kerawanan"))
        chart["area_level"] = level
        return chart

    # The map

    @property
    def map_tps_count(self) -> int:
        return self.figures["tps_total"]
