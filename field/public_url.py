"""The site's public address, on which the links printed on cards are built.

A card is printed once and must lead to the real site: its link is built on
OPSBOARD_PUBLIC_URL, never on the request's Host header. Unset, the address is where
`make run` serves in development, http://127.0.0.1:$PORT; a loopback address on a card leads
nowhere from an officer's phone, so outside development (DEBUG=false) nothing is printed on one.
"""

import ipaddress
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _


def public_url() -> str:
    """Scheme and host (and port) of the site, without a trailing slash."""
    return settings.OPSBOARD_PUBLIC_URL.rstrip("/") or f"http://127.0.0.1:{settings.PORT}"


def is_loopback(host: str | None) -> bool:
    """127.0.0.0/8, ::1, localhost (and its subdomains), or no host at all."""
    if not host:
        return True
    host = host.strip("[]").rstrip(".").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


def public_url_problem() -> str | None:
    """Why no link may be printed on the public address now, or None when it may."""
    if settings.DEBUG or not is_loopback(urlsplit(public_url()).hostname):
        return None
    return _(
        "Alamat publik belum diatur: OPSBOARD_PUBLIC_URL menunjuk ke %(url)s, yang tidak "
        "terjangkau dari ponsel petugas. Atur OPSBOARD_PUBLIC_URL ke alamat situs (misalnya "
        "https://opsboard.polreskedirikota.go.id) lalu cetak lagi. Belum ada kartu yang dibuat "
        "dan tautan lama tetap berlaku."
    ) % {"url": public_url()}
