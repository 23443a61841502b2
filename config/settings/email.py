"""Email: console locally, SMTP (or any backend) by EMAIL_URL."""

from urllib.parse import urlsplit

from config.env import env

# e.g. smtp+tls://user:password@smtp.example.org:587 ; default prints emails on the console.
_email = env.email_url("EMAIL_URL", default="consolemail://")
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email.get("EMAIL_HOST", "")
EMAIL_PORT = _email.get("EMAIL_PORT", 25)
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
# filemail:///var/spool/bridge-mail: one file per message in that directory (django-environ
# would make the path relative: it drops its leading slash).
if _email["EMAIL_BACKEND"].endswith("filebased.EmailBackend"):
    EMAIL_FILE_PATH = urlsplit(env.str("EMAIL_URL")).path or None
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Formation Hub <bridge@localhost>")
# Who receives alerts (agency over-capacity) and billing notices (projet livré).
BRIDGE_ADMIN_EMAILS = [e for e in env.list("BRIDGE_ADMIN_EMAILS", default=[]) if e]
