"""Prints a new VAPID key pair for Web Push (docs/deploy.md, "Notifications"): the private
key goes into WEBPUSH_VAPID_PRIVATE_KEY (or a secret file), never into the repository."""

from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.core.management.base import BaseCommand
from py_vapid import b64urlencode


class Command(BaseCommand):
    help = "Print a new VAPID key pair (base64url) for WEBPUSH_VAPID_PRIVATE_KEY."

    def handle(self, *args, **options) -> None:
        key = ec.generate_private_key(ec.SECP256R1())
        private = key.private_numbers().private_value.to_bytes(32, "big")
        public = key.public_key().public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
        self.stdout.write(f"WEBPUSH_VAPID_PRIVATE_KEY={b64urlencode(private)}")
        self.stdout.write(f"# public key (browsers get it from the page): {b64urlencode(public)}")
