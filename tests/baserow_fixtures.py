"""Fixtures giving each test a Baserow: the demo data set in the fake, wired as the bridge's."""

from collections.abc import Iterator
from datetime import date

import pytest

from integrations.baserow.connection import BaserowConnection, connect_fake, use_baserow
from integrations.fakes.baserow.fake import FakeBaserow
from integrations.fakes.demo import build_demo_baserow

TODAY = date(2026, 11, 22)
_built: dict[str, object] = {}


def _demo() -> tuple[FakeBaserow, object, object]:
    if not _built:
        fake, mapping = build_demo_baserow(today=TODAY)
        _built.update(fake=fake, mapping=mapping, state=fake.snapshot())
    return _built["fake"], _built["mapping"], _built["state"]


@pytest.fixture
def demo_baserow() -> Iterator[BaserowConnection]:
    """The bridge's Baserow connection, on a fresh copy of the demo data set."""
    fake, mapping, state = _demo()
    fake.restore(state)
    connection = connect_fake(fake, mapping)  # type: ignore[arg-type]
    use_baserow(connection)
    yield connection
    use_baserow(None)


@pytest.fixture
def fake(demo_baserow: BaserowConnection) -> FakeBaserow:
    assert demo_baserow.fake is not None
    return demo_baserow.fake
