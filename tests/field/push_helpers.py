"""A push service and a Telegram Bot API on 127.0.0.1 for the notification tests: real HTTP
on a random port, each request recorded, each answer the test's choice. Subscriptions get a
freshly generated P-256 key pair and auth secret, as a browser makes them (RFC 8291)."""

import base64
import os
import threading
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


@dataclass
class Recorded:
    path: str
    headers: dict
    body: bytes


@dataclass
class LocalServer:
    """Answers every POST with `status` (or the next of `statuses`) and records it."""

    status: int = 201
    statuses: list[int] = field(default_factory=list)
    reply: bytes = b""
    requests: list[Recorded] = field(default_factory=list)
    port: int = 0

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}{path}"


def serve(state: LocalServer):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            state.requests.append(
                Recorded(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
            )
            status = state.statuses.pop(0) if state.statuses else state.status
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(state.reply)))
            self.end_headers()
            self.wfile.write(state.reply)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server


@dataclass
class BrowserKeys:
    """What a browser keeps of its push subscription: the private key and the auth secret."""

    private_key: ec.EllipticCurvePrivateKey
    auth_secret: bytes

    @property
    def p256dh(self) -> str:
        raw = self.private_key.public_key().public_bytes(
            Encoding.X962, PublicFormat.UncompressedPoint
        )
        return b64url(raw)

    @property
    def auth(self) -> str:
        return b64url(self.auth_secret)


def browser_keys() -> BrowserKeys:
    return BrowserKeys(ec.generate_private_key(ec.SECP256R1()), os.urandom(16))


def vapid_private_key() -> str:
    key = ec.generate_private_key(ec.SECP256R1())
    return b64url(key.private_numbers().private_value.to_bytes(32, "big"))


def push_subscription_body(endpoint: str = "", keys: BrowserKeys | None = None) -> dict:
    """What a browser's PushSubscription.toJSON() gives, on a push service of the default
    WEBPUSH_ENDPOINT_HOSTS (a fresh endpoint unless one is given)."""
    keys = keys or browser_keys()
    endpoint = endpoint or f"https://fcm.googleapis.com/fcm/send/{uuid.uuid4()}"
    return {"endpoint": endpoint, "keys": {"p256dh": keys.p256dh, "auth": keys.auth}}
