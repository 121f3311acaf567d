"""Where meeting attachments are kept: a private folder that no URL serves directly."""

import os
import uuid

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.urls import reverse
from django.utils.deconstruct import deconstructible

# The extension comes from the type found in the content, never from the uploaded name.
EXTENSIONS = {
    "application/pdf": ".pdf",
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/webp": ".webp",
}


@deconstructible(path="coordination.storage.PrivateAttachmentStorage")
class PrivateAttachmentStorage(FileSystemStorage):
    """Files under COORDINATION_ATTACHMENT_ROOT, outside MEDIA_ROOT and STATIC_ROOT.

    The root is read from settings on every use (tests point it at a temporary folder), and
    ``url()`` is the view that checks the reader's access before it sends a byte: the admin's
    "Saat ini" link leads there too.
    """

    def __init__(self) -> None:
        super().__init__()

    @property
    def base_location(self) -> str:
        return str(settings.COORDINATION_ATTACHMENT_ROOT)

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    def url(self, name: str | None) -> str:
        return reverse("coordination:attachment_file", kwargs={"name": name})


def attachment_upload_to(instance, filename: str) -> str:
    # A random name: the stored path says nothing about the content and cannot be guessed.
    extension = EXTENSIONS.get(instance.content_type, ".bin")
    return f"rapat-{instance.meeting_id}/{uuid.uuid4().hex}{extension}"
