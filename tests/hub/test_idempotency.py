"""The idempotency store without HTTP: what an MCP tool call reuses (key + argument fingerprint)."""

import pytest

from hub.errors import ApplicationError, ErrorCode
from hub.idempotency import Outcome, idempotency_fingerprint, idempotent_call
from hub.models import IdempotencyRecord

pytestmark = pytest.mark.django_db


def counting_call(outcome):
    calls = []

    def call():
        calls.append(1)
        return outcome

    return call, calls


def test_a_retried_call_with_the_same_arguments_answers_the_first_outcome_without_running():
    fingerprint = idempotency_fingerprint("module_attribuer", '{"heures": 2}')
    call, calls = counting_call(Outcome(201, {"data": {"attribution_id": 7}}))

    first = idempotent_call(owner="k1", key="retry-me", fingerprint=fingerprint, call=call)
    again = idempotent_call(owner="k1", key="retry-me", fingerprint=fingerprint, call=call)

    assert first == (Outcome(201, {"data": {"attribution_id": 7}}), False)
    assert again == (Outcome(201, {"data": {"attribution_id": 7}}), True)
    assert len(calls) == 1


def test_the_same_key_with_other_arguments_is_a_conflict_and_runs_nothing():
    call, calls = counting_call(Outcome(200, {}))
    idempotent_call(owner="k1", key="k", fingerprint=idempotency_fingerprint("a"), call=call)

    with pytest.raises(ApplicationError) as raised:
        idempotent_call(owner="k1", key="k", fingerprint=idempotency_fingerprint("b"), call=call)

    assert raised.value.code is ErrorCode.CONFLICT
    assert len(calls) == 1


def test_keys_belong_to_their_owner():
    call, calls = counting_call(Outcome(200, {}))
    fingerprint = idempotency_fingerprint("a")
    idempotent_call(owner="k1", key="k", fingerprint=fingerprint, call=call)
    _outcome, replayed = idempotent_call(owner="k2", key="k", fingerprint=fingerprint, call=call)

    assert replayed is False
    assert len(calls) == 2


def test_a_server_error_or_a_failure_before_any_write_keeps_no_record():
    fingerprint = idempotency_fingerprint("a")
    idempotent_call(owner="k1", key="5xx", fingerprint=fingerprint, call=lambda: Outcome(502, {}))

    def fails():
        raise ApplicationError(ErrorCode.BASEROW_UNAVAILABLE)

    with pytest.raises(ApplicationError):
        idempotent_call(owner="k1", key="boom", fingerprint=fingerprint, call=fails)

    assert not IdempotencyRecord.objects.exists()


@pytest.mark.parametrize("key", ["", "x" * 256, "tab\there"])
def test_a_key_outside_one_to_255_printable_characters_is_refused(key):
    call, calls = counting_call(Outcome(200, {}))

    with pytest.raises(ApplicationError) as raised:
        idempotent_call(owner="k1", key=key, fingerprint="f", call=call)

    assert raised.value.code is ErrorCode.VALIDATION_ERROR
    assert calls == []
