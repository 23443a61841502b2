"""Prometheus metrics of the HTTP layer. Labels use route templates, never raw paths."""

from prometheus_client import Counter, Histogram

HTTP_REQUESTS = Counter(
    "http_requests_total",
    "HTTP requests served, by method, route template and status.",
    ["method", "route", "status"],
)
HTTP_DURATION = Histogram(
    "http_request_duration_seconds",
    "Time to serve an HTTP request, by method and route template.",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
RATE_LIMITER_UNAVAILABLE = Counter(
    "bridge_rate_limiter_unavailable_total",
    "Requests let through without a rate-limit check because the limiter's cache was down.",
)
