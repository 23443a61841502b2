"""The contract suite's targets: each scenario runs against the in-process fakes and, when the
`REAL_*` variables describe running instances, against the real Baserow and Docmost.

CONTRACT_TARGET picks them: `fake`, `real`, or `all` (the default: the fakes always, the real
systems when their variables are set, skipped otherwise). A scenario asks
for `baserow_target` or `docmost_target` and talks to it through the bridge's own clients, or
through `target.http` (a plain `requests` session) when the scenario is about the wire. The fakes
are reached through their transport (integrations/fakes/transport.py), never a socket.

Everything a scenario creates on a real system (tables, webhooks, spaces, users) carries the
run's prefix and is deleted afterwards. Docmost throttles logins per client address, shared by
everyone on this machine: the real target sends its logins with an `X-Forwarded-For` address of
its own (Docmost trusts the proxy header), so the suite never spends the shared budget.
"""

import os
import secrets
from collections.abc import Iterator

import pytest

from tests.contract.targets import (
    BASEROW_VARS,
    DOCMOST_VARS,
    BaserowTarget,
    DocmostTarget,
    Receiver,
    fake_baserow_target,
    fake_docmost_target,
    real_baserow_target,
    real_docmost_target,
)

RUN = secrets.token_hex(3)  # names what this run creates on the real systems


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "slow: a real-system scenario that waits on timers")


def _kinds(config: pytest.Config) -> list[str]:
    chosen = os.environ.get("CONTRACT_TARGET", "all")
    if chosen not in ("fake", "real", "all"):
        raise pytest.UsageError(f"CONTRACT_TARGET must be fake, real or all, not {chosen!r}")
    return ["fake", "real"] if chosen == "all" else [chosen]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    for name in ("baserow_target", "docmost_target"):
        if name in metafunc.fixturenames:
            metafunc.parametrize(name, _kinds(metafunc.config), indirect=True)


def _missing(names: tuple[str, ...]) -> list[str]:
    return [name for name in names if not os.environ.get(name)]


@pytest.fixture(scope="session")
def real_baserow_session() -> Iterator[BaserowTarget]:
    missing = _missing(BASEROW_VARS)
    if missing:
        pytest.skip(f"real Baserow not configured (set {', '.join(missing)})")
    target = real_baserow_target(prefix=f"c{RUN}")
    yield target
    target.close()


@pytest.fixture(scope="session")
def real_docmost_session() -> Iterator[DocmostTarget]:
    missing = _missing(DOCMOST_VARS)
    if missing:
        pytest.skip(f"real Docmost not configured (set {', '.join(missing)})")
    target = real_docmost_target(prefix=f"c{RUN}")
    yield target
    target.close()


@pytest.fixture
def baserow_target(request: pytest.FixtureRequest) -> Iterator[BaserowTarget]:
    if request.param == "fake":
        target = fake_baserow_target()
    else:
        target = request.getfixturevalue("real_baserow_session")
    yield target
    target.cleanup()


@pytest.fixture
def docmost_target(request: pytest.FixtureRequest) -> Iterator[DocmostTarget]:
    if request.param == "fake":
        target = fake_docmost_target()
    else:
        target = request.getfixturevalue("real_docmost_session")
    yield target
    target.cleanup()


@pytest.fixture
def receiver(baserow_target: BaserowTarget) -> Iterator[Receiver]:
    """A webhook receiver the target can reach: an ephemeral port for the fake, the port in
    CONTRACT_RECEIVER_PORT (default 19530) for the real Baserow's worker."""
    if baserow_target.fake is not None:
        port, max_wait = 0, 0.5  # the fake delivers during the write
    else:
        port, max_wait = int(os.environ.get("CONTRACT_RECEIVER_PORT", "19530")), None
    with Receiver(port, max_wait=max_wait) as running:
        yield running
