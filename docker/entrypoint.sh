#!/bin/sh
# Container entry point: `web` (gunicorn), `worker`, `beat`, `migrate`, or any command.
set -e
case "$1" in
  web)
    # Prometheus' multi-process directory must start empty at each start.
    rm -rf "$PROMETHEUS_MULTIPROC_DIR" && mkdir -p "$PROMETHEUS_MULTIPROC_DIR"
    exec gunicorn -c gunicorn.conf.py config.wsgi ;;
  worker)
    # The same for the worker's prefork children (metrics on CELERY_METRICS_PORT).
    rm -rf "$PROMETHEUS_MULTIPROC_DIR" && mkdir -p "$PROMETHEUS_MULTIPROC_DIR"
    exec celery -A config worker --loglevel="${LOG_LEVEL:-INFO}" ;;
  # The schedule state goes to CELERY_BEAT_SCHEDULE_FILENAME (/tmp in the image).
  beat) exec celery -A config beat --loglevel="${LOG_LEVEL:-INFO}" ;;
  migrate) exec python manage.py migrate --noinput ;;
  *) exec "$@" ;;
esac
