"""WSGI entry point (gunicorn config.wsgi).

The start-up checks run here as well as in manage.py commands, so a view that forgot to declare
its scope stops gunicorn from starting instead of serving an unprotected endpoint.
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.django.base")

application = get_wsgi_application()

from bridge_api.startup import run_startup_checks  # noqa: E402

run_startup_checks()
