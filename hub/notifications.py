"""Notifications (seed section 7.4), sent from Celery tasks through Django's email backend.

Tasks take ids and re-read current state from Baserow; a row deleted meanwhile ends the task
quietly. Transient failures (Baserow down, SMTP errors) are retried with capped exponential
backoff and jitter.
"""

import logging
import smtplib

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail

from domain.errors import NotFound
from domain.rollups import realised_hours
from hub.repository import Repository
from hub.representations import num
from integrations.baserow.client import BaserowUnavailable

logger = logging.getLogger("bridge.notifications")

RETRY = {
    "autoretry_for": (BaserowUnavailable, smtplib.SMTPException, OSError),
    "retry_backoff": 5,
    "retry_backoff_max": settings.CELERY_RETRY_BACKOFF_MAX,
    "retry_jitter": True,
    "max_retries": settings.CELERY_RETRY_MAX_ATTEMPTS,
}


@shared_task(name="bridge.notify_attribution_created", **RETRY)
def notify_attribution_created(attribution_id: int) -> str:
    """Email the formateur about a new attribution."""
    repo = Repository()
    try:
        attribution = repo.get("attribution", attribution_id)
        if attribution.personne is None:
            return "no personne"
        personne = repo.get("personne", attribution.personne.id)
    except NotFound:
        return "gone"
    if not personne.email:
        logger.warning("bridge.notify.no-email", extra={"personne_id": personne.id})
        return "no email"
    module = attribution.module.value if attribution.module else "?"
    send_mail(
        subject=f"Nouvelle attribution : {module}",
        message=(
            f"Bonjour {personne.nom_prenom},\n\n"
            f"Le module « {module} » vous a été attribué pour "
            f"{num(attribution.heures_attribuees)} h"
            + (f", à partir du {attribution.date_debut:%d/%m/%Y}" if attribution.date_debut else "")
            + ".\n\nFormation Hub"
        ),
        from_email=None,
        recipient_list=[personne.email],
    )
    return "sent"


@shared_task(name="bridge.alert_agency_overcapacity", **RETRY)
def alert_agency_overcapacity(alert_id: int) -> str:
    """Email the admins an agency over-capacity alert recorded in the admin console."""
    from hub.models import Alert

    alert = Alert.objects.filter(pk=alert_id).first()
    if alert is None or not settings.BRIDGE_ADMIN_EMAILS:
        return "skipped"
    send_mail(
        subject="[Formation Hub] Dépassement de capacité agence",
        message=alert.message,
        from_email=None,
        recipient_list=settings.BRIDGE_ADMIN_EMAILS,
    )
    return "sent"


@shared_task(name="bridge.notify_projet_delivered", **RETRY)
def notify_projet_delivered(projet_id: int) -> str:
    """Billing notice to the admins when a projet is delivered (statut livre)."""
    repo = Repository()
    try:
        projet = repo.get("projet", projet_id)
    except NotFound:
        return "gone"
    if projet.statut != "livre" or not settings.BRIDGE_ADMIN_EMAILS:
        return "skipped"
    taches = repo.linked("tache", "projet", [projet_id])
    interventions = repo.linked("intervention", "tache", [t.id for t in taches])
    client = projet.client.value if projet.client else "client inconnu"
    send_mail(
        subject=f"[Formation Hub] À facturer : {projet.nom} ({client})",
        message=(
            f"Le projet « {projet.nom} » pour {client} est livré.\n"
            f"Charge estimée : {num(projet.charge_estimee_h)} h ; "
            f"heures réalisées : {num(realised_hours(interventions))} h.\n"
        ),
        from_email=None,
        recipient_list=settings.BRIDGE_ADMIN_EMAILS,
    )
    return "sent"
