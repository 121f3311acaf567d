"""Container health check: GET /healthz on the local gunicorn; exit 0 only on 200.

Docker runs this inside the web container (Dockerfile HEALTHCHECK), where the request comes from
127.0.0.1 with no proxy in front. Django answers 400 to a Host header outside ALLOWED_HOSTS, so
the check sends the first concrete entry of ALLOWED_HOSTS; /healthz is exempt from the HTTPS
redirect (settings.SECURE_REDIRECT_EXEMPT), so plain HTTP on loopback is enough.

Usage: python docker/healthcheck.py [PORT]   (default 8000, gunicorn's bind in the Dockerfile)
Standard library only: it must work even when the project's imports are what is broken.
"""

import http.client
import os
import sys


def _allowed_hosts() -> list[str]:
    # The same sources as core.env.env_list: ALLOWED_HOSTS_FILE wins over ALLOWED_HOSTS.
    raw = os.environ.get("ALLOWED_HOSTS", "")
    file_path = os.environ.get("ALLOWED_HOSTS_FILE")
    if file_path:
        with open(file_path, encoding="utf-8") as fh:
            raw = fh.read()
    return [item.strip() for item in raw.split(",") if item.strip()]


def host_header() -> str:
    for host in _allowed_hosts():
        if host != "*":
            return host.lstrip(".")  # ".example.org" allows example.org and its subdomains
    return "localhost"


def main(argv: list[str]) -> int:
    port = int(argv[1]) if len(argv) > 1 else 8000
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.request("GET", "/healthz", headers={"Host": host_header()})
        response = conn.getresponse()
        body = response.read(500).decode("utf-8", "replace")
    except OSError as exc:
        print(f"healthz: {exc}", file=sys.stderr)
        return 1
    finally:
        conn.close()
    print(f"healthz: {response.status} {body}")
    return 0 if response.status == 200 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
