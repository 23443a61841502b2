# syntax=docker/dockerfile:1
# Build stage: resolve the locked dependencies into /opt/venv and collect static files.
FROM python:3.11-slim-bookworm AS build
ENV UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy UV_PROJECT_ENVIRONMENT=/opt/venv PIP_NO_CACHE_DIR=1
RUN pip install "uv==0.13.9"
WORKDIR /app
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev
COPY . .
RUN DOTENV_FILE= SECRET_KEY=build TOKEN_PEPPER=build /opt/venv/bin/python manage.py collectstatic --noinput -v0

# Runtime stage: WeasyPrint's system libraries, the venv and the code; runs as a non-root user.
FROM python:3.11-slim-bookworm AS runtime
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --user-group --home-dir /app bridge
COPY --from=build /opt/venv /opt/venv
COPY --from=build --chown=bridge:bridge /app /app
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    DJANGO_SETTINGS_MODULE=config.django.base \
    DOTENV_FILE= \
    PROMETHEUS_MULTIPROC_DIR=/tmp/prometheus \
    CELERY_METRICS_ADDR=0.0.0.0 \
    CELERY_METRICS_PORT=9808 \
    CELERY_BEAT_SCHEDULE_FILENAME=/tmp/celerybeat-schedule
WORKDIR /app
USER bridge
# 8000: the bridge (web); 9808: a worker container's Prometheus metrics (not for the public).
EXPOSE 8000 9808
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/api/health', timeout=4).status != 200)"]
ENTRYPOINT ["/app/docker/entrypoint.sh"]
CMD ["web"]
