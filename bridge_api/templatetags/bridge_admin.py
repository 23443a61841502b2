"""Template filters of the bridge's admin pages."""

from datetime import timedelta

from django import template
from django.utils import timezone
from django.utils.timesince import timesince

register = template.Library()


@register.filter
def duration_words(value: timedelta | None) -> str:
    """`timedelta(minutes=30)` as "30 minutes" (django-axes gives the page an ISO 8601 "PT30M")."""
    if not isinstance(value, timedelta):
        return ""
    now = timezone.now()
    return timesince(now - value, now, depth=2)
