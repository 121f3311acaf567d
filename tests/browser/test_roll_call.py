"""The roll call of a shift on a phone, and the dashboard's strength present changing without a
reload (issue #18, docs/rollcall.md), in Debian's headless Chromium.

The shared demo has no shifts: the test adds its own post, a shift that began at 08.30 (the
demo's clock is 09.00 on election day) and three people of its own with logins (an Aiptu, a
Bripka and a Linmas), through `manage.py shell` against the demo's database, and removes them
at the end. kabagops's dashboard is open in a second browser context before the roll call;
the commander, on a 390×844 phone, opens /me/, follows the roll-call link and marks the three.
The panel's 30-second refresh is shortened to one second on that page (panels.js reads the
attribute on every tick), so the test waits for the figure, never a minute.
"""

import json
import subprocess
import sys
import uuid

import pytest

from tests.browser.conftest import BASE_DIR, PASSWORD, PHONE, _environment, sign_in

pytestmark = pytest.mark.browser

SETUP = """
import json
from datetime import timedelta
from core import clock
from deployments.models import Assignment, Personnel, Phase, Post, PostKind, Shift, Unit
from deployments.services import personnel_account_create
from tps.models import Desa

tag = {tag!r}
desa = Desa.objects.get(code="3571011001")
post = Post.objects.create(kind=PostKind.POS_PAM, name=f"Pos Pam Uji Apel {{tag}}", desa=desa)
start = clock.now() - timedelta(minutes=30)
shift = Shift.objects.create(post=post, starts_at=start, ends_at=start + timedelta(hours=8))
phase = Phase.objects.get(code="pemungutan")
polsek = Unit.objects.get(code="polsek-357101")
satlinmas = Unit.objects.get(code="satlinmas-3571011001")
people = [
    Personnel.objects.create(force="POLRI", rank="Aiptu", unit=polsek, name="Komandan Uji",
                             identifier={nrp_one!r}),
    Personnel.objects.create(force="POLRI", rank="Bripka", unit=polsek, name="Anggota Uji",
                             identifier={nrp_two!r}),
    Personnel.objects.create(force="LINMAS", unit=satlinmas, home_desa=desa, name="Linmas Uji",
                             identifier=f"LM-UJI-{{tag}}"),
]
duties = []
for person in people:
    personnel_account_create(personnel=person, password={password!r})
    duties.append(Assignment.objects.create(personnel=person, phase=phase, kind=PostKind.POS_PAM,
                  post=post, shift=shift, starts_at=shift.starts_at, ends_at=shift.ends_at).pk)
print(json.dumps({{"post": post.pk, "duties": duties, "people": [p.pk for p in people],
                  "commander": people[0].identifier}}))
"""

TEARDOWN = """
from django.contrib.auth import get_user_model
from deployments.models import Assignment, Personnel, Post
from field.rollcall.models import RollCall

scene = {scene!r}
RollCall.history.filter(duty_id__in=scene["duties"]).delete()
RollCall.objects.filter(duty_id__in=scene["duties"]).delete()
Assignment.history.filter(id__in=scene["duties"]).delete()
Assignment.objects.filter(pk__in=scene["duties"]).delete()
users = list(Personnel.objects.filter(pk__in=scene["people"]).values_list("user_id", flat=True))
Personnel.objects.filter(pk__in=scene["people"]).delete()
get_user_model().objects.filter(pk__in=users).delete()
Post.objects.filter(pk=scene["post"]).delete()
"""


def _shell(live_demo, code: str) -> str:
    env = _environment(live_demo.database, live_demo.database.parent / "var")
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=BASE_DIR,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return done.stdout


@pytest.fixture
def shift_scene(live_demo):
    tag = uuid.uuid4().hex[:6]
    nrp = str(uuid.uuid4().int)[-7:]
    code = SETUP.format(tag=tag, nrp_one=f"9{nrp}", nrp_two=f"8{nrp}", password=PASSWORD)
    scene = json.loads(_shell(live_demo, code).strip().splitlines()[-1])
    yield scene
    _shell(live_demo, TEARDOWN.format(scene=scene))


def _figure(page) -> int:
    text = page.inner_text('#roll-call [data-figure="strength-present"]')
    return int("".join(c for c in text if c.isdigit()))


def test_the_commander_calls_the_roll_and_the_dashboard_follows(
    shift_scene, browser, open_context, live_demo
):
    base = live_demo.url
    dashboard, watch = open_context("kabagops")
    dashboard.goto(base + "/")
    dashboard.wait_for_selector('#roll-call [data-figure="strength-present"]', timeout=20_000)
    before = _figure(dashboard)
    dashboard.evaluate("window.notReloaded = true")

    phone = browser.new_context(**PHONE)
    page = phone.new_page()
    sign_in(page, base, shift_scene["commander"])
    page.goto(base + "/me/")
    page.click("text=Apel pos / regu")
    page.wait_for_url(base + "/me/apel/")
    commander, member, linmas = shift_scene["duties"]
    for duty, status in ((commander, "present"), (member, "absent")):
        page.click(f"#apel-{duty} button[value={status}]")
        page.wait_for_load_state()
    page.fill(f"#apel-{linmas} input[name=late_minutes]", "10")
    page.click(f"#apel-{linmas} button[value=late]")
    page.wait_for_load_state()

    assert "Linmas Uji: terlambat 10 menit." in page.inner_text(".flash")
    states = [page.inner_text(f"#apel-{d} .apel-state") for d in (commander, member, linmas)]
    assert states == ["Hadir", "Tidak hadir", "Terlambat 10 menit"]
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    phone.close()

    # The panel's next refresh, sooner than its 30 s: the attribute is read on every tick.
    dashboard.evaluate("document.getElementById('roll-call').dataset.panelSeconds = '1'")
    dashboard.wait_for_function(
        """expected => {
            const el = document.querySelector('#roll-call [data-figure="strength-present"]');
            return el && Number(el.textContent.replace(/\\D/g, '')) === expected;
        }""",
        arg=before + 2,  # present and late count; the absent Bripka does not
        timeout=15_000,
    )
    assert dashboard.evaluate("window.notReloaded") is True
    assert watch.foreign == [] and watch.errors == []
