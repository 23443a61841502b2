"""How the in-process fakes (Baserow, Docmost) are reached over `requests`.

A fake is any object with a `base_url` and `handle(method, url, headers, body) -> (status,
headers, body bytes)`. `fake_session` mounts it as a session's transport (demo mode, most tests);
`install_in_responses` routes a `responses` mock to it instead, which keeps the real HTTPAdapter
and its urllib3 retries in the path (client retry tests).
"""

import http
import re
from typing import Any, Protocol

import requests
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict


class Fake(Protocol):
    base_url: str

    def handle(
        self, method: str, url: str, headers: Any, body: bytes | str | None
    ) -> tuple[int, dict[str, str], bytes]: ...


class FakeAdapter(BaseAdapter):
    """A `requests` transport that hands every request to a fake."""

    def __init__(self, fake: Fake) -> None:
        super().__init__()
        self.fake = fake

    def send(
        self, request: requests.PreparedRequest, *args: Any, **kwargs: Any
    ) -> requests.Response:
        status, headers, body = self.fake.handle(
            request.method or "GET", request.url or "", request.headers, request.body
        )
        response = requests.Response()
        response.status_code = status
        response.reason = http.HTTPStatus(status).phrase
        response.headers = CaseInsensitiveDict(headers)
        response._content = body
        response.url = request.url or ""
        response.request = request
        response.encoding = "utf-8"
        return response

    def close(self) -> None:
        pass


def fake_session(fake: Fake) -> requests.Session:
    session = requests.Session()
    session.mount(fake.base_url, FakeAdapter(fake))
    return session


def install_in_responses(fake: Fake, mock: Any) -> None:
    """Route every request to `fake.base_url` through a `responses.RequestsMock` to the fake."""

    def callback(request: requests.PreparedRequest) -> tuple[int, dict[str, str], bytes]:
        return fake.handle(
            request.method or "GET", request.url or "", request.headers, request.body
        )

    pattern = re.compile(re.escape(fake.base_url) + r"/.*")
    for method in ("GET", "POST", "PATCH", "PUT", "DELETE"):
        mock.add_callback(method, pattern, callback=callback)
