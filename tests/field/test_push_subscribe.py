"""POST /lapangan/pemberitahuan/langganan/ (and …/hapus/): a signed-in reader's browser
subscribes to Web Push. Personas: the owner (Polsek staff), another account, a field officer
(told on the phone of a dispatch or a panic), anonymous. Every refusal writes nothing."""

import json
import uuid

import pytest
from django.test import Client
from django.urls import reverse

from field.notifications.models import PushSubscription
from tests.field.push_helpers import browser_keys, vapid_private_key

SUBSCRIBE = "/lapangan/pemberitahuan/langganan/"
UNSUBSCRIBE = "/lapangan/pemberitahuan/langganan/hapus/"


@pytest.fixture(autouse=True)
def vapid(settings):
    settings.WEBPUSH_VAPID_PRIVATE_KEY = vapid_private_key()


def _endpoint() -> str:
    return f"https://fcm.googleapis.com/fcm/send/{uuid.uuid4()}"


def _body(endpoint=None, **keys) -> dict:
    browser = browser_keys()
    return {
        "endpoint": endpoint or _endpoint(),
        "expirationTime": None,
        "keys": {"p256dh": browser.p256dh, "auth": browser.auth, **keys},
    }


def _post(client, data, path=SUBSCRIBE):
    raw = data if isinstance(data, (bytes, str)) else json.dumps(data)
    return client.post(path, raw, content_type="application/json")


def test_urls_are_named():
    assert reverse("field:push_subscribe") == SUBSCRIBE
    assert reverse("field:push_unsubscribe") == UNSUBSCRIBE


def test_a_good_subscription_is_stored_for_the_signed_in_account(login, polsek_staff):
    body = _body()

    response = _post(login(polsek_staff), body)

    assert response.status_code == 201
    subscription = PushSubscription.objects.get()
    assert subscription.user == polsek_staff
    assert subscription.endpoint == body["endpoint"]
    assert subscription.as_subscription_info()["keys"] == {
        "p256dh": body["keys"]["p256dh"],
        "auth": body["keys"]["auth"],
    }


def test_the_same_browser_again_renews_its_keys_and_reactivates_it(login, polsek_staff):
    from django.utils import timezone

    client = login(polsek_staff)
    endpoint = _endpoint()
    _post(client, _body(endpoint))
    PushSubscription.objects.update(deactivated_at=timezone.now())
    renewed = _body(endpoint)

    response = _post(client, renewed)

    assert response.status_code == 200
    subscription = PushSubscription.objects.get()
    assert subscription.p256dh == renewed["keys"]["p256dh"]
    assert subscription.deactivated_at is None


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        (b"{not json", 400, "bukan JSON"),
        (b"[1, 2]", 400, "bukan JSON"),
        ({"keys": {}}, 400, "Alamat layanan push"),
        ({"endpoint": "https://fcm.googleapis.com/" + "x" * 1100}, 400, "terlalu panjang"),
        (b'{"endpoint": "' + b"x" * 5000 + b'"}', 413, "terlalu besar"),
        ({"endpoint": "http://fcm.googleapis.com/fcm/send/x"}, 400, "tidak dikenal"),
        ({"endpoint": "https://127.0.0.1:8000/admin/"}, 400, "tidak dikenal"),
        ({"endpoint": "https://fcm.googleapis.com.evil.example/x"}, 400, "tidak dikenal"),
        ({"endpoint": "https://fcm.googleapis.com/fcm/send/x"}, 400, "Kunci langganan"),
        ("p256dh-short", 400, "p256dh tidak sah"),
        ("p256dh-off-curve", 400, "p256dh tidak sah"),
        ("auth-long", 400, "auth tidak sah"),
    ],
)
def test_bad_input_is_refused_in_indonesian_and_writes_nothing(
    login, polsek_staff, body, status, message
):
    if body == "p256dh-short":
        body = _body(p256dh="BAAA")
    elif body == "p256dh-off-curve":
        body = _body(p256dh="BA" + "A" * 85)  # 0x04 then zeros: no point of P-256
    elif body == "auth-long":
        body = _body(auth="A" * 40)

    response = _post(login(polsek_staff), body)

    assert response.status_code == status
    assert message in response.json()["error"]
    assert not PushSubscription.objects.exists()


def test_another_accounts_browser_is_refused_and_stays_theirs(login, polsek_staff, command_staff):
    body = _body()
    _post(login(command_staff), body)

    response = _post(Client(), body)  # anonymous first: sent to sign in
    assert response.status_code == 302
    response = _post(login(polsek_staff), _body(body["endpoint"]))

    assert response.status_code == 409
    assert "akun lain" in response.json()["error"]
    assert PushSubscription.objects.get().user == command_staff


def test_a_field_officer_subscribes_their_phone_and_stops_again(login, field_officer):
    # Told on the phone when sent to an incident or near a teammate's panic.
    client = login(field_officer)
    body = _body()

    assert _post(client, body).status_code == 201
    assert PushSubscription.objects.get().user == field_officer

    assert _post(client, {"endpoint": body["endpoint"]}, UNSUBSCRIBE).status_code == 204
    assert not PushSubscription.objects.exists()


def test_anonymous_is_sent_to_sign_in(db, client):
    response = _post(client, _body())

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert not PushSubscription.objects.exists()


def test_without_a_vapid_key_subscribing_is_refused_with_a_clear_message(
    settings, login, polsek_staff
):
    settings.WEBPUSH_VAPID_PRIVATE_KEY = ""

    response = _post(login(polsek_staff), _body())

    assert response.status_code == 503
    assert "belum diaktifkan" in response.json()["error"]
    assert not PushSubscription.objects.exists()


def test_unsubscribe_removes_only_the_accounts_own_browser(login, polsek_staff, command_staff):
    mine, theirs = _body(), _body()
    _post(login(polsek_staff), mine)
    _post(login(command_staff), theirs)
    client = login(polsek_staff)

    # Another account's endpoint: the same answer, and theirs stays
    assert _post(client, {"endpoint": theirs["endpoint"]}, UNSUBSCRIBE).status_code == 204
    assert _post(client, {"endpoint": mine["endpoint"]}, UNSUBSCRIBE).status_code == 204

    assert list(PushSubscription.objects.values_list("user", flat=True)) == [command_staff.pk]


def test_a_get_is_not_allowed(login, polsek_staff):
    assert login(polsek_staff).get(SUBSCRIBE).status_code == 405


def test_the_board_offers_the_button_with_the_public_key_only_when_push_is_on(
    settings, login, polsek_staff
):
    from field.notifications.webpush import application_server_key

    client = login(polsek_staff)
    page = client.get("/lapangan/kejadian/").content.decode()
    assert f'data-key="{application_server_key()}"' in page
    assert "field/push.js" in page

    settings.WEBPUSH_VAPID_PRIVATE_KEY = ""
    assert 'id="push-control"' not in client.get("/lapangan/kejadian/").content.decode()


def test_me_offers_the_button_and_loads_its_script_only_when_push_is_on(
    settings, login, field_officer
):
    from field.notifications.webpush import application_server_key

    client = login(field_officer)
    page = client.get("/me/").content.decode()
    assert f'data-key="{application_server_key()}"' in page
    # Not a script tag of the page: field.js fetches it when the browser can push.
    assert 'data-js="/static/field/push.js"' in page
    assert '<script src="/static/field/push.js"' not in page

    settings.WEBPUSH_VAPID_PRIVATE_KEY = ""
    assert 'id="push-control"' not in client.get("/me/").content.decode()


def test_a_form_body_is_refused_as_not_json(login, polsek_staff):
    response = login(polsek_staff).post(SUBSCRIBE, {"endpoint": "https://fcm.googleapis.com/x"})

    assert response.status_code == 415
    assert "JSON" in response.json()["error"]
    assert not PushSubscription.objects.exists()
