"""Printable assignment cards: one print run per Polsek or desa, a one-time link in a QR code."""

import re

import pytest

from deployments.models import PostKind
from field.models import SignInLink
from field.qr import qr_svg
from tests.factories import AssignmentFactory, DesaFactory, PostFactory, TPSFactory
from tests.field.helpers import guard_at, padal_of


@pytest.fixture
def run(guard, tps_a, mojoroto, settings):
    settings.OPSBOARD_PUBLIC_URL = "https://opsboard.example.go.id"
    padal_of(mojoroto, tps_a.desa, name="Anang Kapolsek", phone="+6281234500001")
    elsewhere = TPSFactory(desa=DesaFactory(kecamatan=mojoroto, code="3571011002"), number=1)
    return {"elsewhere": guard_at(elsewhere, name="Penjaga Desa Lain")}


def test_a_polsek_run_prints_everyone_on_duty_in_the_kecamatan(
    login, ops_admin, guard, run, mojoroto
):
    response = login(ops_admin).post("/lapangan/kartu/cetak/", {"kecamatan": mojoroto.pk})

    body = response.content.decode()
    assert response.status_code == 200
    assert body.count('class="card-item"') == 3  # the guard, the other desa's guard, the Padal
    assert guard.name in body and "Penjaga Desa Lain" in body
    assert guard.identifier in body
    assert "TPS 006 Bandar Lor" in body
    assert "26 Nov 00.00 – 29 Nov 00.00 WIB" in body
    assert "Lapor ke Padal: AKP Anang Kapolsek (+6281234500001)" in body
    assert body.count("<svg ") == 3
    assert SignInLink.objects.filter(used_at=None, revoked_at=None).count() == 3


def test_the_card_link_is_on_the_public_url_and_signs_in_once(
    client, login, ops_admin, guard, run, mojoroto
):
    body = (
        login(ops_admin).post("/lapangan/kartu/cetak/", {"kecamatan": mojoroto.pk}).content.decode()
    )
    client.logout()
    links = re.findall(r"https://opsboard\.example\.go\.id(/masuk/[\w-]+/)", body)

    path = next(p for p in links if guard.name in client.get(p).content.decode())
    first = client.post(path)
    client.logout()
    second = client.post(path)

    assert len(links) == 3
    assert first.status_code == 302
    assert second.status_code == 404


def test_a_desa_run_prints_only_that_desa(login, ops_admin, guard, run, tps_a):
    body = login(ops_admin).post("/lapangan/kartu/cetak/", {"desa": tps_a.desa.pk}).content.decode()

    assert guard.name in body
    assert "Penjaga Desa Lain" not in body


def test_reprinting_revokes_the_earlier_unused_links(login, ops_admin, guard, run, tps_a):
    client = login(ops_admin)
    client.post("/lapangan/kartu/cetak/", {"desa": tps_a.desa.pk})

    client.post("/lapangan/kartu/cetak/", {"desa": tps_a.desa.pk})

    links = SignInLink.objects.filter(person=guard)
    assert links.count() == 2
    assert links.filter(revoked_at=None).count() == 1


def test_a_run_needs_a_polsek_or_a_desa(login, ops_admin, guard, run):
    neither = login(ops_admin).post("/lapangan/kartu/cetak/", {})

    assert neither.status_code == 422
    assert "Pilih Polsek (kecamatan), lalu bila perlu" in neither.content.decode()
    assert not SignInLink.objects.exists()


def test_a_desa_of_another_polsek_is_refused(login, ops_admin, guard, run, tps_a, pesantren):
    elsewhere = login(ops_admin).post(
        "/lapangan/kartu/cetak/", {"desa": tps_a.desa.pk, "kecamatan": pesantren.pk}
    )

    assert elsewhere.status_code == 422
    assert "tidak termasuk Polsek Pesantren" in elsewhere.content.decode()
    assert not SignInLink.objects.exists()


def test_a_desa_chosen_after_its_polsek_prints_that_desa_only(
    login, ops_admin, guard, run, tps_a, mojoroto
):
    body = (
        login(ops_admin)
        .post("/lapangan/kartu/cetak/", {"desa": tps_a.desa.pk, "kecamatan": mojoroto.pk})
        .content.decode()
    )

    assert guard.name in body
    assert "Bandar Lor" in body
    assert SignInLink.objects.filter(person=guard, revoked_at=None).count() == 1


def test_the_desa_choices_name_their_polsek_for_the_page_script(login, ops_admin, tps_a):
    body = login(ops_admin).get("/lapangan/kartu/").content.decode()

    assert f'data-kecamatan="{tps_a.desa.kecamatan_id}"' in body
    assert 'src="/static/field/cards-run.js"' in body


def test_a_post_duty_prints_its_post(login, ops_admin, election_day, tps_a):
    officer = guard_at(tps_a)
    officer.assignments.all().delete()
    AssignmentFactory(
        personnel=officer,
        kind=PostKind.POSKO,
        post=PostFactory(name="Posko PPK Mojoroto", desa=tps_a.desa),
    )

    body = login(ops_admin).post("/lapangan/kartu/cetak/", {"desa": tps_a.desa.pk}).content.decode()

    assert "<b>Posko</b>: Posko PPK Mojoroto" in body


def test_revoking_by_identifier_stops_the_persons_links(
    client, login, ops_admin, guard, run, tps_a
):
    admin = login(ops_admin)
    admin.post("/lapangan/kartu/cetak/", {"desa": tps_a.desa.pk})

    response = admin.post(
        "/lapangan/kartu/cabut/", {"revoke-identifier": guard.identifier, "revoke-force": ""}
    )

    assert response.status_code == 302
    assert not SignInLink.objects.filter(person=guard, revoked_at=None).exists()


def test_cards_are_for_admins_only(login, command_staff, polsek_staff, guard, run, mojoroto):
    for user in (command_staff, polsek_staff):
        client = login(user)
        assert client.get("/lapangan/kartu/").status_code == 403
        assert client.post("/lapangan/kartu/cetak/", {"kecamatan": mojoroto.pk}).status_code == 403
    assert not SignInLink.objects.exists()


def test_the_qr_code_is_an_svg_of_the_whole_matrix():
    import qrcode

    svg = qr_svg("https://opsboard.example.go.id/masuk/abc/")
    code = qrcode.QRCode(border=4, error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data("https://opsboard.example.go.id/masuk/abc/")
    code.make(fit=True)
    dark = sum(sum(row) for row in code.get_matrix())

    widths = [int(w) for w in re.findall(r"h(\d+)v1", svg)]
    assert svg.startswith("<svg ") and "style=" not in svg
    assert sum(widths) == dark


# The public address on the card (field/public_url.py)


def test_in_development_the_card_link_is_where_make_run_serves(
    login, ops_admin, guard, tps_a, settings
):
    settings.DEBUG = True
    settings.OPSBOARD_PUBLIC_URL = ""
    settings.PORT = 18080

    body = login(ops_admin).post("/lapangan/kartu/cetak/", {"desa": tps_a.desa.pk}).content.decode()

    assert re.search(r">\s*http://127\.0\.0\.1:18080/masuk/[\w-]{43}/\s*<", body)


@pytest.mark.parametrize(
    "url",
    ["", "http://127.0.0.1:8000", "http://127.8.9.1", "http://localhost:8000", "http://[::1]"],
)
def test_in_production_a_loopback_public_url_prints_nothing(
    login, ops_admin, guard, tps_a, settings, url
):
    settings.DEBUG = False
    settings.OPSBOARD_PUBLIC_URL = url
    before = SignInLink.objects.count()

    response = login(ops_admin).post("/lapangan/kartu/cetak/", {"desa": tps_a.desa.pk})

    body = response.content.decode()
    assert response.status_code == 409
    assert "Alamat publik belum diatur" in body and "OPSBOARD_PUBLIC_URL" in body
    assert "/masuk/" not in body
    assert SignInLink.objects.count() == before


def test_in_production_a_real_public_url_is_on_the_card(login, ops_admin, guard, tps_a, settings):
    settings.DEBUG = False
    settings.OPSBOARD_PUBLIC_URL = "https://opsboard.example"

    response = login(ops_admin).post("/lapangan/kartu/cetak/", {"desa": tps_a.desa.pk})

    assert response.status_code == 200
    assert re.search(r"https://opsboard\.example/masuk/[\w-]{43}/", response.content.decode())
    assert SignInLink.objects.filter(person=guard).count() == 1


def test_the_cards_page_warns_before_printing_on_a_loopback_address(login, ops_admin, settings):
    settings.DEBUG = False
    settings.OPSBOARD_PUBLIC_URL = "http://localhost"

    body = login(ops_admin).get("/lapangan/kartu/").content.decode()

    assert "Alamat publik belum diatur" in body


def test_port_18080_make_run_prints_cards_for_port_18080():
    # The whole chain, not only the setting: `PORT=18080 make run` hands PORT to runserver's
    # process, whose settings read it, and the card link is built from it.
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    recipe = subprocess.run(
        ["make", "-n", "run", "PORT=18080"], cwd=root, capture_output=True, text=True, check=True
    ).stdout
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("OPSBOARD_", "DATABASE_URL", "DEBUG", "PORT"))
    }
    env.update({"PORT": "18080", "DEBUG": "true", "DJANGO_SETTINGS_MODULE": "opsboard.settings"})
    printed = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from field.services import signin_url; "
            "print(signin_url('T0KEN'))",
        ],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()

    assert "PORT=18080" in recipe and "runserver 127.0.0.1:18080" in recipe
    assert printed == "http://127.0.0.1:18080/masuk/T0KEN/"
