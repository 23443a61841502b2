"""Register the bridge's webhooks in Baserow: exactly one per table that matters.

Done by hand this goes wrong in ways that cost events: the kinds do not follow the table names
(the module table needs `module-status-changed`), an unknown kind is a 404 which Baserow retries
and then deactivates the webhook, and two webhooks on one table deliver every event twice. So
the bridge owns its webhooks. A webhook is the bridge's when its URL starts with
`<bridge>/api/webhooks/baserow/` or it carries one of BASEROW_WEBHOOK_SECRETS (a webhook left
behind by a previous bridge address); webhooks of other integrations are never touched.

Per table: the bridge's webhook with the right URL (else the lowest id) is kept and brought to
the wanted settings; the others are duplicates and are deleted; none → one is created. Running it
again changes nothing. A deactivated webhook is reported, and re-activated on request (Baserow
then resets its failure counter; the reconciliation heals what it dropped meanwhile).

One kind per table: `projet-changed` covers the projet table (`projet-status-changed`, still
accepted by the ingress, is handled identically: both re-read the row). The tache and client
tables have theirs because their rows are shown on projet pages and Baserow tells the projet
webhooks of a tâche's or a client's edit only with an empty event. Each webhook receives
`rows.created`, `rows.updated` and `rows.deleted` only: the bridge ignores field and view events,
so it does not ask for them.
"""

import hmac
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from django.urls import reverse

from integrations.baserow.client import BaserowClient
from integrations.baserow.schema import SchemaMapping
from sync.payloads import ROW_EVENTS

# The kind registered for each table (its URL path segment): what sync/ingress.py dispatches on.
WEBHOOK_KINDS = {
    "projet": "projet-changed",
    "formation": "formation-changed",
    "attribution": "attribution-changed",
    "intervention": "intervention-changed",
    "module": "module-status-changed",
    "tache": "tache-changed",
    "client": "client-changed",
}
WEBHOOK_NAME = "Formation Hub Bridge: {kind}"


def webhook_path(kind: str) -> str:
    return reverse("baserow-webhook", kwargs={"kind": kind})


def webhook_path_prefix() -> str:
    """`/api/webhooks/baserow/`: the path every kind's URL starts with."""
    return webhook_path("k").removesuffix("k/")


def bridge_url_normalised(url: str) -> str:
    """The bridge's public base URL without a trailing slash; ValueError when it is not one."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(
            f"{url!r} is not an http(s) URL such as https://bridge.example.org: give the "
            "address Baserow can reach the bridge at."
        )
    if parts.query or parts.fragment:
        raise ValueError(f"{url!r}: the bridge's base URL takes no query or fragment.")
    return f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}"


@dataclass(frozen=True)
class WebhookSpec:
    """What the bridge's webhook on one table must look like (CONTRACT 6.1 fields)."""

    entity: str
    kind: str
    url: str
    headers: dict[str, str]

    @property
    def name(self) -> str:
        return WEBHOOK_NAME.format(kind=self.kind)

    def body(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "name": self.name,
            "request_method": "POST",
            "include_all_events": False,
            "events": list(ROW_EVENTS),
            # An empty field list on each event clears any field filter (a filtered
            # rows.updated would miss changes); Baserow needs the key present.
            "event_config": [{"event_type": event, "fields": []} for event in ROW_EVENTS],
            "headers": dict(self.headers),
            "use_user_field_names": True,
        }

    def differences(self, webhook: dict[str, Any]) -> list[str]:
        """Names of the settings that differ (never their values: headers hold the secret)."""
        wanted = self.body()
        differ = [
            key
            for key in ("url", "name", "request_method", "include_all_events")
            if webhook.get(key) != wanted[key]
        ]
        if sorted(webhook.get("events") or []) != sorted(ROW_EVENTS):
            differ.append("events")
        if any(c.get("fields") or c.get("views") for c in webhook.get("event_config") or []):
            differ.append("event_config")
        if webhook.get("headers") != self.headers:
            differ.append("headers")
        if webhook.get("use_user_field_names") is not True:
            differ.append("use_user_field_names")
        return differ


def webhook_specs(*, bridge_url: str, header: str, secret: str) -> list[WebhookSpec]:
    base = bridge_url_normalised(bridge_url)
    return [
        WebhookSpec(
            entity=entity, kind=kind, url=base + webhook_path(kind), headers={header: secret}
        )
        for entity, kind in WEBHOOK_KINDS.items()
    ]


@dataclass
class WebhooksReport:
    lines: list[str] = field(default_factory=list)
    changes: int = 0
    inactive: list[str] = field(default_factory=list)  # still deactivated after the run


def baserow_webhooks_ensure(
    *,
    client: BaserowClient,
    mapping: SchemaMapping,
    bridge_url: str,
    header: str,
    secrets: list[str],
    reactivate: bool = False,
    dry_run: bool = False,
) -> WebhooksReport:
    """Bring Baserow's webhooks to `webhook_specs` (module docstring). The first of `secrets`
    is the one written; any of them marks a webhook as the bridge's. Raises BaserowError."""
    if not secrets:
        raise ValueError("No webhook secret: set BASEROW_WEBHOOK_SECRETS.")
    specs = webhook_specs(bridge_url=bridge_url, header=header, secret=secrets[0])
    prefix = bridge_url_normalised(bridge_url) + webhook_path_prefix()

    def is_ours(webhook: dict[str, Any]) -> bool:
        if str(webhook.get("url", "")).startswith(prefix):
            return True
        presented = str((webhook.get("headers") or {}).get(header, ""))
        return any(hmac.compare_digest(presented.encode(), s.encode()) for s in secrets)

    would = "would be " if dry_run else ""
    report = WebhooksReport()
    for spec in specs:
        table_id = mapping.table(spec.entity).table_id
        where = f"{spec.entity} (table {table_id})"
        ours = sorted(
            (w for w in client.list_webhooks(table_id) if is_ours(w)),
            key=lambda w: (w.get("url") != spec.url, w.get("id", 0)),
        )
        for duplicate in ours[1:]:  # each one would deliver every event a second time
            if not dry_run:
                client.delete_webhook(duplicate["id"])
            report.changes += 1
            report.lines.append(
                f"{where}: duplicate webhook {duplicate['id']} ({duplicate.get('url')}) "
                f"{would}deleted"
            )
        if ours:
            _bring_to_spec(
                client=client,
                spec=spec,
                webhook=ours[0],
                where=where,
                reactivate=reactivate,
                dry_run=dry_run,
                report=report,
            )
            continue
        created = "" if dry_run else f" {client.create_webhook(table_id, spec.body())['id']}"
        report.changes += 1
        report.lines.append(
            f"{where}: webhook{created} {would}created → {spec.url} ({', '.join(ROW_EVENTS)})"
        )
    return report


def _bring_to_spec(
    *,
    client: BaserowClient,
    spec: WebhookSpec,
    webhook: dict[str, Any],
    where: str,
    reactivate: bool,
    dry_run: bool,
    report: WebhooksReport,
) -> None:
    """Update the kept webhook when a setting differs; reactivate it only when asked."""
    differ = spec.differences(webhook)
    changes = spec.body() if differ else {}
    inactive = not webhook.get("active", True)
    if inactive and reactivate:
        changes["active"] = True
    if changes and not dry_run:
        client.update_webhook(webhook["id"], changes)
    would = "would be " if dry_run else ""
    label = f"{where}: webhook {webhook['id']}"
    if differ:
        report.changes += 1
        report.lines.append(f"{label} {would}updated ({', '.join(differ)}) → {spec.url}")
    if inactive and reactivate:
        report.changes += 1
        report.lines.append(f"{label} {would}re-activated")
    elif inactive:
        failures = webhook.get("failed_triggers", "?")
        report.inactive.append(
            f"{label} is deactivated ({failures} failed calls): run again with --reactivate"
        )
    if not differ and not inactive:
        report.lines.append(f"{label} up to date → {spec.url}")
