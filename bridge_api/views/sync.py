"""The sync operations API: replay an inbox event, inbox status, force a sync, full sync and
reconciliation runs. Thin callers of `sync.inbox` and `sync.orchestration`, in the token's name."""

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from bridge_api.openapi import enveloped, error
from bridge_api.serializers.write import NoBodyInputSerializer
from bridge_api.views.base import actor_of, body_valid, detail_response
from sync import inbox, orchestration
from sync.models import SyncRun, WebhookEvent
from tokens.scopes import Scope

NO_BODY = error("VALIDATION_ERROR: this operation takes no body; the keys sent are named.")
TAGS = ["sync"]


class ReplayResultSerializer(serializers.Serializer):
    inbox_id = serializers.IntegerField()
    status = serializers.ChoiceField(WebhookEvent.Status.choices)


class SyncRunSerializer(serializers.Serializer):
    run_id = serializers.IntegerField()
    kind = serializers.ChoiceField(SyncRun.Kind.choices)
    status = serializers.ChoiceField(SyncRun.Status.choices)
    started_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    processed = serializers.IntegerField()
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    flagged = serializers.IntegerField()
    error_count = serializers.IntegerField(help_text="Rows that failed (retried next run).")
    last_error = serializers.CharField(allow_blank=True)


class SyncStatusSerializer(serializers.Serializer):
    counts = serializers.DictField(
        child=serializers.IntegerField(), help_text="Inbox events by status."
    )
    failed_last_24h = serializers.IntegerField()
    oldest_pending_at = serializers.DateTimeField(allow_null=True)
    queue_depth = serializers.IntegerField(
        allow_null=True, help_text="Messages waiting in the Celery queue (Redis broker)."
    )
    last_runs = SyncRunSerializer(many=True)


class SyncOutcomeSerializer(serializers.Serializer):
    outcome = serializers.CharField(help_text="What the sync did.")


AUTH_ERRORS = {
    401: error("AUTH_REQUIRED or AUTH_INVALID: missing, malformed, unknown or revoked token."),
    403: error("FORBIDDEN_SCOPE: the token lacks `admin:sync`."),
}
FORCE_SYNC_ERRORS = {
    **AUTH_ERRORS,
    400: NO_BODY,
    404: error("NOT_FOUND: no such row in Baserow (or its page or space is gone in Docmost)."),
    409: error("CONFLICT: another sync of this row is in progress; retry."),
    502: error(
        "BASEROW_UNAVAILABLE, BASEROW_REJECTED, BASEROW_DATA_INVALID: Baserow could not be read "
        "or refused the id write-back. DOCMOST_UNAVAILABLE: Docmost is unreachable or refused."
    ),
    503: error("NOT_READY: Redis, which holds the sync locks, is unreachable."),
}
RUN_START_ERRORS = {
    **AUTH_ERRORS,
    400: NO_BODY,
    409: error("CONFLICT: a run of this kind is in progress (details.run_id): resume or wait."),
}


def _run(run: SyncRun) -> dict[str, Any]:
    return SyncRunSerializer(orchestration.sync_run_summary(run)).data


class SyncEventsReplayApi(APIView):
    required_scope = Scope.ADMIN_SYNC

    @extend_schema(
        operation_id="sync_events_replay",
        summary="Replay an inbox event",
        description="Puts a failed (or any processed) event back in the queue. Processing is "
        "idempotent: replaying never duplicates a Docmost page.",
        request=None,
        responses={
            200: enveloped(ReplayResultSerializer),
            **AUTH_ERRORS,
            400: NO_BODY,
            404: error("NOT_FOUND: no such inbox event."),
            409: error("CONFLICT: a quarantined event cannot be replayed (malformed payload)."),
        },
        tags=TAGS,
    )
    def post(self, request: Request, pk: int) -> Response:
        body_valid(NoBodyInputSerializer, request)
        event = inbox.event_replay(event_id=pk)
        return detail_response(
            ReplayResultSerializer, {"inbox_id": event.pk, "status": event.status}
        )


class SyncStatusApi(APIView):
    required_scope = Scope.ADMIN_SYNC

    @extend_schema(
        operation_id="sync_status",
        summary="Inbox status",
        description="Counts by status, failures in the last 24 h, the oldest pending event.",
        responses={200: enveloped(SyncStatusSerializer), **AUTH_ERRORS},
        tags=TAGS,
    )
    def get(self, request: Request) -> Response:
        return detail_response(SyncStatusSerializer, orchestration.sync_status())


def _force_sync(request: Request, entity: str, row_id: int) -> Response:
    body_valid(NoBodyInputSerializer, request)
    outcome = orchestration.force_sync(entity=entity, row_id=row_id, actor=actor_of(request))
    return detail_response(SyncOutcomeSerializer, {"outcome": outcome})


FORCE_SYNC_DESCRIPTION = "Runs the sync immediately (not queued), ignoring the loop guards."


class SyncProjetApi(APIView):
    required_scope = Scope.ADMIN_SYNC

    @extend_schema(
        operation_id="sync_projet",
        summary="Force the sync of one projet to Docmost now",
        description=FORCE_SYNC_DESCRIPTION,
        request=None,
        responses={200: enveloped(SyncOutcomeSerializer), **FORCE_SYNC_ERRORS},
        tags=TAGS,
    )
    def post(self, request: Request, pk: int) -> Response:
        return _force_sync(request, "projet", pk)


class SyncFormationApi(APIView):
    required_scope = Scope.ADMIN_SYNC

    @extend_schema(
        operation_id="sync_formation",
        summary="Force the sync of one formation to Docmost now",
        description=FORCE_SYNC_DESCRIPTION,
        request=None,
        responses={200: enveloped(SyncOutcomeSerializer), **FORCE_SYNC_ERRORS},
        tags=TAGS,
    )
    def post(self, request: Request, pk: int) -> Response:
        return _force_sync(request, "formation", pk)


def _run_start(request: Request, kind: str) -> Response:
    body_valid(NoBodyInputSerializer, request)
    run = orchestration.sync_run_start(kind=kind, actor=actor_of(request))
    return Response({"data": _run(run)}, status=202)


RUN_DESCRIPTION = (
    "Queued as a Celery task; follow it in GET /api/v1/sync/status. The Docmost ids it writes "
    "back to Baserow are audited in the name of this token."
)


class SyncAllApi(APIView):
    required_scope = Scope.ADMIN_SYNC

    @extend_schema(
        operation_id="sync_all",
        summary="Start a full sync (Baserow → Docmost)",
        description=RUN_DESCRIPTION,
        request=None,
        responses={202: enveloped(SyncRunSerializer), **RUN_START_ERRORS},
        tags=TAGS,
    )
    def post(self, request: Request) -> Response:
        return _run_start(request, SyncRun.Kind.FULL_SYNC)


class SyncReconcileApi(APIView):
    required_scope = Scope.ADMIN_SYNC

    @extend_schema(
        operation_id="sync_reconcile",
        summary="Start a reconciliation",
        description=RUN_DESCRIPTION,
        request=None,
        responses={202: enveloped(SyncRunSerializer), **RUN_START_ERRORS},
        tags=TAGS,
    )
    def post(self, request: Request) -> Response:
        return _run_start(request, SyncRun.Kind.RECONCILIATION)


class SyncRunsResumeApi(APIView):
    required_scope = Scope.ADMIN_SYNC

    @extend_schema(
        operation_id="sync_runs_resume",
        summary="Resume a failed or interrupted run from where it stopped",
        description="Queued as a Celery task; the run keeps the token that started it.",
        request=None,
        responses={
            202: enveloped(SyncRunSerializer),
            **AUTH_ERRORS,
            400: NO_BODY,
            404: error("NOT_FOUND: no such sync run."),
            409: error("CONFLICT: the run is finished."),
        },
        tags=TAGS,
    )
    def post(self, request: Request, pk: int) -> Response:
        body_valid(NoBodyInputSerializer, request)
        run = orchestration.sync_run_resume(run_id=pk)
        return Response({"data": _run(run)}, status=202)
