"""Is a point where it claims to be? GeoJSON boundaries checked with shapely on any database.

The desa polygons of the wilkum leave sliver gaps of up to ~0.002 km² between neighbours
(data/SOURCES.md), so a point within 50 m of its desa counts as inside.
"""

import math
from dataclasses import dataclass

import shapely
from django.utils.translation import gettext as _
from shapely.geometry import Point, shape

TOLERANCE_METRES = 50.0
_METRES_PER_DEGREE_LAT = 110_574.0
_METRES_PER_DEGREE_LNG_EQUATOR = 111_320.0


@dataclass(frozen=True)
class PointCheck:
    INSIDE = "inside"  # within the desa (or 50 m of it)
    KECAMATAN = "kecamatan"  # outside the desa but inside its kecamatan: a warning
    OUTSIDE = "outside"  # outside the kecamatan too: refused
    UNCHECKED = "unchecked"  # the desa has no boundary

    verdict: str
    distance_m: float | None = None
    message: str = ""

    @property
    def is_warning(self) -> bool:
        return self.verdict == self.KECAMATAN


def distance_metres(geometry: dict, lat: float, lng: float) -> float:
    """Distance from the point to a GeoJSON geometry in metres (0 inside), in a local plane.

    An equirectangular projection centred on the point is accurate to well under a metre at
    the scale of a kecamatan, which is all this check needs.
    """
    scale_x = _METRES_PER_DEGREE_LNG_EQUATOR * math.cos(math.radians(lat))
    geom = shapely.transform(
        shape(geometry), lambda xy: (xy - (lng, lat)) * (scale_x, _METRES_PER_DEGREE_LAT)
    )
    return float(geom.distance(Point(0.0, 0.0)))


def check_point(desa, lat: float, lng: float) -> PointCheck:
    if not desa.boundary:
        return PointCheck(PointCheck.UNCHECKED)
    to_desa = distance_metres(desa.boundary, lat, lng)
    if to_desa <= TOLERANCE_METRES:
        return PointCheck(PointCheck.INSIDE, to_desa)
    kecamatan = desa.kecamatan
    if kecamatan.boundary and distance_metres(kecamatan.boundary, lat, lng) > TOLERANCE_METRES:
        return PointCheck(
            PointCheck.OUTSIDE,
            to_desa,
            _(
                "Titik berada di luar %(desa)s dan di luar Kecamatan %(kec)s "
                "(%(m).0f m dari batas desa)."
            )
            % {"desa": desa.name, "kec": kecamatan.name, "m": to_desa},
        )
    return PointCheck(
        PointCheck.KECAMATAN,
        to_desa,
        _("Titik berada %(m).0f m di luar batas %(desa)s, tetapi masih di Kecamatan %(kec)s.")
        % {"desa": desa.name, "kec": kecamatan.name, "m": to_desa},
    )
