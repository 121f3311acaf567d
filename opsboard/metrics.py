"""/metrics: the Celery queue lengths in Prometheus' text format (docs/deploy.md, "Queues").

Anyone may read it, like /healthz: it tells counts, nothing of the operation; the reverse proxy
keeps it off the internet (docs/deploy.md) and Prometheus scrapes the web container directly.
"""

import logging

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from kombu.exceptions import KombuError
from redis import RedisError

from opsboard import queues
from opsboard.celery import app

logger = logging.getLogger(__name__)

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


@login_not_required
@never_cache
@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    lines = [
        "# HELP opsboard_broker_up Whether the Celery broker answered (0 also when there is none).",
        "# TYPE opsboard_broker_up gauge",
    ]
    lengths = None
    if settings.REDIS_URL:
        try:
            lengths = queues.queue_lengths(app)
        except (KombuError, RedisError, OSError) as exc:
            logger.warning("metrics: the broker did not answer: %s", exc)
    lines.append(f"opsboard_broker_up {0 if lengths is None else 1}")
    lines += [
        "# HELP opsboard_celery_queue_length Tasks waiting in a Celery queue.",
        "# TYPE opsboard_celery_queue_length gauge",
    ]
    for name, length in (lengths or {}).items():
        lines.append(f'opsboard_celery_queue_length{{queue="{name}"}} {length}')
    return HttpResponse("\n".join(lines) + "\n", content_type=CONTENT_TYPE)
