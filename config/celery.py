"""The Celery application.

Start a worker and the beat scheduler (after setting CELERY_BROKER_URL):

    celery -A config worker --loglevel=INFO
    celery -A config beat --loglevel=INFO
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.django.base")

app = Celery("bridge")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
