# Opsboard's production image: gunicorn serving Django, static files collected and pre-compressed
# (gzip and brotli) by whitenoise at build time. docker-compose.yml runs this one image as the
# web server, the Celery worker and the single Celery beat (docs/deploy.md).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=opsboard.settings \
    OPSBOARD_VAR_DIR=/app/var

WORKDIR /app

# Dependencies before the code, so that a code change does not reinstall them. The wheels of
# shapely and pyogrio carry GEOS and GDAL, so no system library is needed.
COPY requirements.lock ./
RUN pip install -r requirements.lock

RUN groupadd --system --gid 10001 opsboard \
 && useradd --system --uid 10001 --gid opsboard --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin opsboard

COPY . .

# collectstatic runs with production settings and a throwaway key: the real SECRET_KEY is given
# only at run time and never lands in an image layer. var/beat holds celery beat's schedule.
RUN DEBUG=false \
    SECRET_KEY=build-only-collectstatic-key-never-used-at-run-time-0123456789 \
    ALLOWED_HOSTS=localhost \
    python manage.py collectstatic --noinput -v 1 \
 && mkdir -p /app/var/beat /app/var/media \
 && chown -R opsboard:opsboard /app/var

USER opsboard

EXPOSE 8000

# /healthz is exempt from the HTTPS redirect; the script sends a Host from ALLOWED_HOSTS.
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 \
    CMD ["python", "docker/healthcheck.py", "8000"]

# gunicorn reads WEB_CONCURRENCY for its worker count (about 2 × cores + 1) and
# GUNICORN_CMD_ARGS for any other option, so both can be tuned without rebuilding.
ENV WEB_CONCURRENCY=3
CMD ["gunicorn", "opsboard.wsgi:application", \
     "--bind", "0.0.0.0:8000", \
     "--timeout", "60", "--graceful-timeout", "30", "--keep-alive", "5", \
     "--max-requests", "1000", "--max-requests-jitter", "100", \
     "--worker-tmp-dir", "/dev/shm", \
     "--access-logfile", "-"]
