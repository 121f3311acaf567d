"""A small photo must not cost a gigabyte: the size in pixels is checked from the header before
anything is decoded, JPEGs are decoded at reduced scale, only a few photos are decoded at once,
and the stored photo carries no metadata at all (EXIF, comments, XMP, ICC profile, PNG text)."""

import uuid
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageCms, ImageFile, PngImagePlugin

from field import photos
from field.models import SituationReport

URL = "/me/lapor/"
JSON = {"HTTP_ACCEPT": "application/json"}
PIXELS_MESSAGE = "Ukuran foto (piksel) terlalu besar"
SECRET = b"RahasiaPonsel"


@pytest.fixture(autouse=True)
def photo_root(settings, tmp_path):
    settings.FIELD_PHOTO_ROOT = tmp_path / "field-photos"
    return settings.FIELD_PHOTO_ROOT


@pytest.fixture
def guard(election_day, field_officer):
    return field_officer.personnel


@pytest.fixture
def decoded(monkeypatch):
    """The size of every image Pillow decodes (ImageFile.load), recorded as it happens."""
    sizes = []
    load = ImageFile.ImageFile.load

    def recording_load(image):
        sizes.append(image.size)
        return load(image)

    monkeypatch.setattr(ImageFile.ImageFile, "load", recording_load)
    return sizes


@pytest.fixture(scope="module")
def bomb() -> bytes:
    """88 megapixels of one grey, just under Pillow's own bomb warning (89.5 MP): about a
    megabyte and a half of JPEG that decodes to a quarter of a gigabyte in RGB."""
    out = BytesIO()
    Image.new("L", (10000, 8800), 128).save(out, format="JPEG", quality=50)
    return out.getvalue()


def upload(data: bytes, name: str = "foto.jpg", content_type: str = "image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def report(client, photo, **headers):
    fields = {"kind": "gangguan", "text": "Massa berkumpul.", "idempotency_key": str(uuid.uuid4())}
    return client.post(URL, {**fields, "photo": photo}, **headers)


def test_the_bomb_is_small_enough_to_pass_the_byte_limit(bomb, settings):
    assert len(bomb) < settings.FIELD_PHOTO_MAX_BYTES


def test_a_pixel_bomb_is_refused_before_it_is_decoded(
    login, field_officer, guard, bomb, decoded, photo_root
):
    response = report(login(field_officer), upload(bomb))

    assert response.status_code == 422
    assert PIXELS_MESSAGE in response.content.decode()
    assert 'name="photo"' in response.content.decode()  # the form again, to send another
    assert decoded == []
    assert SituationReport.objects.count() == 0
    assert not photo_root.exists() or not any(photo_root.rglob("*.jpg"))


def test_the_phone_queue_gets_the_refusal_in_json(login, field_officer, guard, bomb, decoded):
    response = report(login(field_officer), upload(bomb), **JSON)

    assert response.status_code == 422
    assert PIXELS_MESSAGE in response.json()["errors"]["photo"][0]
    assert decoded == []


def test_a_large_png_decoded_whole_has_a_lower_limit(decoded):
    # 30 MP of black and white is a few kilobytes of PNG and 120 MB once decoded in RGBA.
    out = BytesIO()
    Image.new("1", (6000, 5000)).save(out, format="PNG")

    with pytest.raises(ValidationError, match=r"piksel"):
        photos.photo_prepare(upload(out.getvalue(), "layar.png", "image/png"))

    assert decoded == []


def test_a_big_camera_jpeg_is_decoded_at_reduced_scale(decoded, settings):
    # A "48 MP" phone photo: accepted, but never decoded at its full 8000 x 6000.
    out = BytesIO()
    Image.new("L", (8000, 6000), 90).save(out, format="JPEG", quality=50)

    content = photos.photo_prepare(upload(out.getvalue()))

    assert decoded and all(w * h <= 4000 * 3000 for w, h in decoded)
    stored = Image.open(BytesIO(content.read()))
    assert max(stored.size) == settings.FIELD_PHOTO_MAX_SIDE


def test_a_photo_waits_for_a_free_slot_and_is_answered_503_without_one(
    login, field_officer, guard, monkeypatch, photo_root
):
    monkeypatch.setattr(photos, "SLOT_WAIT_SECONDS", 0)
    client = login(field_officer)
    taken = [photos._slots.acquire(blocking=False) for _ in range(photos.PROCESSING_SLOTS)]
    try:
        assert all(taken)
        response = report(client, upload(_jpeg_with_metadata()), **JSON)
    finally:
        for _ in taken:
            photos._slots.release()

    assert response.status_code == 503
    assert "Server sibuk" in response.json()["errors"]["photo"][0]
    assert SituationReport.objects.count() == 0
    assert report(client, upload(_jpeg_with_metadata()), **JSON).status_code == 201


def _jpeg_with_metadata() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "PonselMurah"  # Make
    exif[0x8825] = {1: "S", 2: (7.0, 49.0, 0.0), 3: "E", 4: (112.0, 0.0, 0.0)}  # GPS
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/">' + SECRET + b"-xmp</x:xmpmeta>"
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    out = BytesIO()
    Image.new("RGB", (800, 600), (40, 120, 200)).save(
        out, format="JPEG", exif=exif, comment=SECRET + b"-comment", xmp=xmp, icc_profile=icc
    )
    return out.getvalue()


def _assert_pixels_only(data: bytes) -> None:
    stored = Image.open(BytesIO(data))
    assert stored.format == "JPEG"
    assert not set(stored.info) & {"exif", "comment", "xmp", "icc_profile"}
    assert len(stored.getexif()) == 0
    assert SECRET not in data
    assert b"PonselMurah" not in data
    assert b"\xff\xfe" not in data.split(b"\xff\xda", 1)[0]  # no COM segment before the scan


def test_a_jpeg_is_stored_without_comment_exif_xmp_or_icc():
    original = _jpeg_with_metadata()
    before = Image.open(BytesIO(original))
    assert {"comment", "exif", "xmp", "icc_profile"} <= set(before.info)

    content = photos.photo_prepare(upload(original))

    _assert_pixels_only(content.read())


def test_a_png_is_stored_without_its_text_chunks():
    text = PngImagePlugin.PngInfo()
    text.add_text("comment", (SECRET + b"-teks").decode())
    text.add_text("Author", (SECRET + b"-penulis").decode())
    text.add_itxt("Description", (SECRET + b"-itxt").decode(), zip=False)
    out = BytesIO()
    Image.new("RGB", (640, 480), (10, 200, 30)).save(out, format="PNG", pnginfo=text)
    assert SECRET in out.getvalue()

    content = photos.photo_prepare(upload(out.getvalue(), "layar.png", "image/png"))

    _assert_pixels_only(content.read())


def test_the_stored_report_photo_has_no_metadata(login, field_officer, guard):
    response = report(login(field_officer), upload(_jpeg_with_metadata()), **JSON)

    assert response.status_code == 201
    stored = SituationReport.objects.get().photo
    with stored.open("rb") as handle:
        _assert_pixels_only(handle.read())
