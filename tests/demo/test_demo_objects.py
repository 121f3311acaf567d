"""The demo's guarded objects (issue #18): the KPU and Bawaslu offices, the 8 PPK of the wilkum,
the logistics warehouse and the candidates' escorts (synthetic names, labelled), with their
norms, in the first snapshot and on the dashboard's panel; removed by the reset's delete."""

import pytest

from demo.objects import PPK_FROM, guarded_object_names
from deployments.models import (
    CoverageObject,
    CoverageSnapshot,
    GuardNorm,
    Post,
    PostKind,
)
from tests.factories import phase
from tps.models import Desa

pytestmark = pytest.mark.usefixtures("seeded", "db")


def test_the_real_kinds_of_object_of_kediri_2024():
    kinds = dict(Post.objects.guarded().values_list("name", "kind"))
    ppk = Post.objects.filter(kind=PostKind.PPK).select_related("desa__kecamatan")

    assert sorted(p.name for p in ppk) == [
        f"PPK {name}"
        for name in sorted(
            ["Mojoroto", "Kota", "Pesantren", "Mojo", "Semen", "Grogol", "Banyakan", "Tarokan"]
        )
    ]
    assert all(p.name == f"PPK {p.desa.kecamatan.name}" and p.active_from == PPK_FROM for p in ppk)
    assert kinds["Kantor KPU Kota Kediri"] == kinds["Kantor KPU Kabupaten Kediri"] == "kantor_kpu"
    assert kinds["Kantor Bawaslu Kota Kediri"] == "kantor_bawaslu"
    assert kinds["Gudang Logistik KPU Kota Kediri"] == "gudang_logistik"
    walpri = Post.objects.filter(kind=PostKind.WALPRI)
    assert walpri.count() == 8
    assert all(p.protectee.endswith("(nama sintetis)") for p in walpri)


def test_every_kind_of_object_has_its_norm():
    norms = {(n.post_kind, n.force): n.personnel_per_shift for n in GuardNorm.objects.all()}

    assert norms[(PostKind.PPK, "POLRI")] == 15
    assert norms[(PostKind.KANTOR_KPU, "POLRI")] == 2 and norms[(PostKind.KANTOR_KPU, "TNI")] == 1
    assert norms[(PostKind.GUDANG_LOGISTIK, "POLRI")] >= 4
    assert norms[(PostKind.WALPRI, "POLRI")] == 2


def test_the_first_snapshot_covers_every_object_active_on_election_day():
    snapshot = CoverageSnapshot.objects.current_for(phase())
    rows = CoverageObject.objects.filter(snapshot=snapshot)

    # 4 offices, 8 PPK, 8 Walpri and the warehouse (until noon on 26 Nov) in the pemungutan.
    assert rows.values("post").distinct().count() == 21
    # Each of the PPK's 12-hour shifts in the phase (demo/rotations.py) needs 15 Polri.
    ppk = rows.filter(post__name="PPK Mojoroto")
    assert ppk.exists() and set(ppk.values_list("polri_required", flat=True)) == {15}


def test_the_panel_at_the_demo_clock_shows_the_objects(command_staff, login, settings):
    from tests.factories import ELECTION_DAY_9AM

    settings.OPSBOARD_NOW = ELECTION_DAY_9AM

    part = login(command_staff).get("/obyek/", headers={"HX-Request": "true"}).content.decode()

    assert "Kantor KPU Kota Kediri" in part and "PPK Mojoroto" in part
    assert "(nama sintetis)" in part


def test_the_reset_delete_names_every_object():
    desa = {d.code: d for d in Desa.objects.select_related("kecamatan")}

    assert set(guarded_object_names(desa)) == set(
        Post.objects.guarded().values_list("name", flat=True)
    )
