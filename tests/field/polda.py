"""An operation at Polda size for PostgreSQL's planner, with the officers of each kind that
/me/ serves, written by the database itself: one INSERT … SELECT generate_series per table (no
factories, no rows through Python), a few seconds for 60,000 TPS.

Kediri's proportions, as demo.synthetic: 8 TPS a desa, 13 desa a kecamatan, two Linmas of the
desa at every TPS, a Polri pair over four TPS, 576 Polri per 839 TPS; per Polsek a Kapolsek
(AKP) and a Padal (Iptu, with a Padal post in the kecamatan and its duty); a check-in by each
guard of every other TPS, two status steps at every third TPS and a report at every fifth.
Primary keys start at BASE, far above what the sequences hand out to the tests' own rows.
"""

from dataclasses import dataclass

from django.db import connection

from deployments.models import Personnel, Phase
from tests.factories import OperationFactory

BASE = 50_000_000

# The tables that grow with the operation: a scan of any of them is a scan of ~164,000 rows
# (personnel) or ~60,000 (TPS) at Polda size.
BIG_TABLES = frozenset(
    {
        "deployments_personnel",
        "deployments_assignment",
        "deployments_assignment_tps",
        "tps_tps",
        "opsboard_checkin",
        "opsboard_tpsstatusstep",
        "opsboard_situationreport",
    }
)

SMALL_TABLES = frozenset(
    {"tps_desa", "tps_kecamatan", "deployments_unit", "deployments_post", "deployments_phase"}
)

# %(b)s the base id, %(n)s TPS, %(d)s desa, %(k)s kecamatan, %(p)s Polri, %(phase)s pemungutan.
BUILD = [
    "INSERT INTO tps_kabkota (id, code, name, kind) VALUES (%(b)s, '9901', 'Uji', 'kabupaten')",
    """INSERT INTO tps_kecamatan (id, kabkota_id, code, name)
       SELECT %(b)s + k, %(b)s, (800000 + k)::text, 'Kecamatan Uji ' || k
       FROM generate_series(0, %(k)s - 1) k""",
    """INSERT INTO tps_desa (id, kecamatan_id, code, name, kind)
       SELECT %(b)s + d, %(b)s + d %% %(k)s, (8000000000 + d)::text, 'Desa Uji ' || d, 'desa'
       FROM generate_series(0, %(d)s - 1) d""",
    """INSERT INTO tps_tps (id, desa_id, number, address, latitude, longitude, registered_voters,
           kerawanan, is_synthetic)
       SELECT %(b)s + t, %(b)s + t %% %(d)s, t / %(d)s + 1, '', -7.5 - (t %% 997) * 0.001,
              111.5 + (t %% 991) * 0.001, 550,
              CASE WHEN t %% 20 = 0 THEN 'rawan' ELSE 'kurang_rawan' END, true
       FROM generate_series(0, %(n)s - 1) t""",
    """INSERT INTO deployments_unit (id, code, name, force, kind, kecamatan_id)
       SELECT %(b)s + k, 'uji-polsek-' || k, 'Polsek Uji ' || k, 'POLRI', 'polsek', %(b)s + k
       FROM generate_series(0, %(k)s - 1) k""",
    """INSERT INTO deployments_unit (id, code, name, force, kind, desa_id)
       SELECT %(b)s + %(k)s + d, 'uji-satlinmas-' || d, 'Satlinmas Uji ' || d, 'LINMAS',
              'satlinmas', %(b)s + d
       FROM generate_series(0, %(d)s - 1) d""",
    # Linmas 2t and 2t+1 guard TPS t; Polri p, the last two of each Polsek its chiefs.
    """INSERT INTO deployments_personnel (id, force, unit_id, rank, corps, identifier, name,
           phone, home_desa_id, active)
       SELECT %(b)s + g, 'LINMAS', %(b)s + %(k)s + (g / 2) %% %(d)s, '', '',
              'LU-' || lpad((g / 2)::text, 7, '0') || '-' || g %% 2,
              'Linmas Uji ' || g / 2 || '-' || g %% 2, '', %(b)s + (g / 2) %% %(d)s, true
       FROM generate_series(0, 2 * %(n)s - 1) g""",
    """INSERT INTO deployments_personnel (id, force, unit_id, rank, corps, identifier, name,
           phone, active)
       SELECT %(b)s + 2 * %(n)s + p, 'POLRI', %(b)s + p %% %(k)s,
              CASE WHEN p >= %(p)s - %(k)s THEN 'AKP' WHEN p >= %(p)s - 2 * %(k)s THEN 'Iptu'
                   ELSE 'Bripka' END,
              '', (80000000 + p)::text, 'Polri Uji ' || p, '', true
       FROM generate_series(0, %(p)s - 1) p""",
    """INSERT INTO deployments_assignment (id, personnel_id, phase_id, kind, starts_at, ends_at,
           status, created_at, updated_at, linmas_other_desa, linmas_other_desa_reason)
       SELECT %(b)s + g, %(b)s + g, ph.id, 'pam_tps', ph.starts_at, ph.ends_at, 'active',
              now(), now(), false, ''
       FROM generate_series(0, 2 * %(n)s - 1) g, deployments_phase ph WHERE ph.id = %(phase)s""",
    """INSERT INTO deployments_assignment (id, personnel_id, phase_id, kind, starts_at, ends_at,
           status, created_at, updated_at, linmas_other_desa, linmas_other_desa_reason)
       SELECT %(b)s + 2 * %(n)s + p, %(b)s + 2 * %(n)s + p, ph.id, 'pam_tps', ph.starts_at,
              ph.ends_at, 'active', now(), now(), false, ''
       FROM generate_series(0, 2 * ((%(n)s + 3) / 4) - 1) p, deployments_phase ph
       WHERE ph.id = %(phase)s""",
    """INSERT INTO deployments_assignment_tps (id, assignment_id, tps_id)
       SELECT %(b)s + g, %(b)s + g, %(b)s + g / 2 FROM generate_series(0, 2 * %(n)s - 1) g""",
    """INSERT INTO deployments_assignment_tps (id, assignment_id, tps_id)
       SELECT %(b)s + 2 * %(n)s + l, %(b)s + 2 * %(n)s + l / 4, %(b)s + (l / 8) * 4 + l %% 4
       FROM generate_series(0, 4 * 2 * ((%(n)s + 3) / 4) - 1) l
       WHERE (l / 8) * 4 + l %% 4 < %(n)s""",
    """INSERT INTO deployments_post (id, kind, name, desa_id, address, kerawanan, remote,
           protectee)
       SELECT %(b)s + k, 'padal', 'Padal Sektor Uji ' || k, %(b)s + k, '', '', false, ''
       FROM generate_series(0, %(k)s - 1) k""",
    """INSERT INTO deployments_assignment (id, personnel_id, phase_id, kind, post_id, starts_at,
           ends_at, status, created_at, updated_at, linmas_other_desa, linmas_other_desa_reason)
       SELECT %(b)s + 4 * %(n)s + u.kecamatan_id - %(b)s, p.id, ph.id, 'padal', u.kecamatan_id,
              ph.starts_at, ph.ends_at, 'active', now(), now(), false, ''
       FROM deployments_personnel p
       JOIN deployments_unit u ON u.id = p.unit_id
       JOIN deployments_phase ph ON ph.id = %(phase)s
       WHERE p.rank = 'Iptu' AND p.id >= %(b)s""",
    """INSERT INTO opsboard_checkin (id, person_id, tps_id, phase_id, at, recorded_at,
           distance_m, far, via_posko)
       SELECT %(b)s + g, %(b)s + g, %(b)s + g / 2, %(phase)s, now(), now(),
              g %% 500, g %% 500 > 300, false
       FROM generate_series(0, 2 * %(n)s - 1) g WHERE (g / 2) %% 2 = 0""",
    """INSERT INTO opsboard_tpsstatusstep (id, tps_id, step, at, recorded_at, via_posko)
       SELECT %(b)s + 2 * t + s, %(b)s + t, s, now(), now(), false
       FROM generate_series(0, %(n)s - 1) t, generate_series(1, 2) s WHERE t %% 3 = 0""",
    """INSERT INTO opsboard_situationreport (id, tps_id, kind, text, photo, urgent, at,
           recorded_at, idempotency_key, via_posko)
       SELECT %(b)s + t, %(b)s + t, (ARRAY['aman', 'gangguan', 'hoaks'])[1 + t %% 3],
              'Laporan uji', '', false, now(), now(), gen_random_uuid(), false
       FROM generate_series(0, %(n)s - 1) t WHERE t %% 5 = 0""",
]


@dataclass
class Officers:
    linmas: Personnel
    polri: Personnel
    padal: Personnel
    kapolsek: Personnel


def polda_like_operation(tps_count: int) -> Officers:
    """Build the operation (PostgreSQL only) and return one officer of each kind, all of the
    first kecamatan: a Linmas and a Polri of its first TPS, its Padal and its Kapolsek."""
    phase = Phase.objects.get(operation=OperationFactory(), code="pemungutan")
    desa = tps_count // 8
    kecamatan = max(1, desa // 13)
    figures = {
        "b": BASE,
        "n": tps_count,
        "d": desa,
        "k": kecamatan,
        "p": tps_count * 576 // 839,
        "phase": phase.pk,
    }
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL statement_timeout = '300s'")  # a shared, busy test machine
        for statement in BUILD:
            cursor.execute(statement, figures)
        tables = ", ".join(sorted(BIG_TABLES | SMALL_TABLES))
        # The rows stay uncommitted (the caller rolls them back), so an autovacuum ANALYZE of
        # these tables, started by other tests' committed churn, would see them nearly empty
        # and overwrite reltuples in place: the planner then takes them for tiny tables and
        # scans them (seen under pytest-xdist in CI). Autovacuum skips a table it cannot lock;
        # this lock, held until the rollback, blocks only it and other ANALYZE/VACUUM runs.
        cursor.execute(f"LOCK TABLE {tables} IN SHARE UPDATE EXCLUSIVE MODE")
        # Statistics as after autovacuum: the planner then chooses as it does in production.
        cursor.execute(f"ANALYZE {tables}")
    chiefs = Personnel.objects.filter(unit_id=BASE)
    return Officers(
        linmas=Personnel.objects.get(pk=BASE),
        polri=Personnel.objects.get(pk=BASE + 2 * tps_count),
        padal=chiefs.get(rank="Iptu"),
        kapolsek=chiefs.get(rank="AKP"),
    )
