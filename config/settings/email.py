"""Email: console locally, SMTP (or any backend) by EMAIL_URL."""

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
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Formation Hub <bridge@localhost>")
# Who receives alerts (agency over-capacity) and billing notices (projet livré).
BRIDGE_ADMIN_EMAILS = [e for e in env.list("BRIDGE_ADMIN_EMAILS", default=[]) if e]
