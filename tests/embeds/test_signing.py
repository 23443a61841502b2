"""Signed card URLs: one URL, one card, read-only; tampering, expiry and retired keys refused."""

import time
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.management import CommandError, call_command

from embeds.signing import CardSignatureInvalid, card_url_sign, card_url_verify

KEYS = {"k2": "b" * 40, "k1": "a" * 40}


def token_of(url: str) -> str:
    return parse_qs(urlsplit(url).query)["s"][0]


@pytest.fixture
def keys(settings):
    settings.CARD_SIGNING_KEYS = dict(KEYS)
    settings.BRIDGE_PUBLIC_URL = "https://bridge.example.org/"
    return settings


def test_a_signed_url_grants_its_card(keys):
    card = card_url_sign(kind="projet", ident=12)
    assert card.url.startswith("https://bridge.example.org/cards/projet/12?s=k2.")
    assert card.key_id == "k2"  # the first key signs
    card_url_verify(kind="projet", ident="12", token=token_of(card.url))


def test_the_modules_card_carries_its_formation_in_the_query(keys):
    card = card_url_sign(kind="modules-a-attribuer", ident=3)
    parts = urlsplit(card.url)
    assert parts.path == "/cards/modules-a-attribuer"
    assert parse_qs(parts.query)["formation"] == ["3"]
    card_url_verify(kind="modules-a-attribuer", ident="3", token=token_of(card.url))


def test_every_altered_byte_of_the_signature_is_refused(keys):
    token = token_of(card_url_sign(kind="projet", ident=12).url)
    signature_start = token.rindex(":") + 1
    refused = 0
    for position in range(signature_start, len(token)):
        replacement = "A" if token[position] != "A" else "B"
        altered = token[:position] + replacement + token[position + 1 :]
        with pytest.raises(CardSignatureInvalid, match="pas valide"):
            card_url_verify(kind="projet", ident="12", token=altered)
        refused += 1
    assert refused >= 40


@pytest.mark.parametrize(
    ("kind", "ident"), [("projet", "13"), ("personne", "12"), ("modules-a-attribuer", "12")]
)
def test_a_url_grants_no_other_card(keys, kind, ident):
    token = token_of(card_url_sign(kind="projet", ident=12).url)
    with pytest.raises(CardSignatureInvalid):
        card_url_verify(kind=kind, ident=ident, token=token)


def test_an_expired_url_is_refused(keys, monkeypatch):
    card = card_url_sign(kind="projet", ident=12, expires_in=60)
    assert card.expires_at is not None
    token = token_of(card.url)
    card_url_verify(kind="projet", ident="12", token=token)
    later = card.expires_at + 1
    monkeypatch.setattr(time, "time", lambda: later)
    with pytest.raises(CardSignatureInvalid, match="expiré"):
        card_url_verify(kind="projet", ident="12", token=token)


def test_rotation_keeps_old_urls_until_their_key_is_retired(keys):
    keys.CARD_SIGNING_KEYS = {"k1": KEYS["k1"]}
    old = token_of(card_url_sign(kind="projet", ident=12).url)
    keys.CARD_SIGNING_KEYS = dict(KEYS)  # k2 added in front: it signs, k1 still verifies
    card_url_verify(kind="projet", ident="12", token=old)
    assert token_of(card_url_sign(kind="projet", ident=12).url).startswith("k2.")
    keys.CARD_SIGNING_KEYS = {"k2": KEYS["k2"]}  # k1 retired
    with pytest.raises(CardSignatureInvalid, match="retirée"):
        card_url_verify(kind="projet", ident="12", token=old)


def test_a_value_signed_with_another_key_under_the_same_id_is_refused(keys):
    token = token_of(card_url_sign(kind="projet", ident=12).url)
    keys.CARD_SIGNING_KEYS = {"k2": "c" * 40}
    with pytest.raises(CardSignatureInvalid, match="pas valide"):
        card_url_verify(kind="projet", ident="12", token=token)


@pytest.mark.parametrize("token", [None, "", "k2", "k2.", "nokey", "k9.abc:def:ghi"])
def test_missing_or_malformed_signatures_are_refused(keys, token):
    with pytest.raises(CardSignatureInvalid):
        card_url_verify(kind="projet", ident="12", token=token)


def test_without_configured_keys_one_is_derived_from_the_secret_key(settings):
    settings.CARD_SIGNING_KEYS = {}
    card = card_url_sign(kind="projet", ident=1)
    assert token_of(card.url).startswith("s.")
    card_url_verify(kind="projet", ident="1", token=token_of(card.url))
    settings.SECRET_KEY = "another-secret-key-for-this-test-only-0123456789"
    with pytest.raises(CardSignatureInvalid):
        card_url_verify(kind="projet", ident="1", token=token_of(card.url))


def test_the_command_prints_a_url_that_verifies(keys, capsys):
    call_command("card_url", "projet", "12", "--expires", "30d")
    url = capsys.readouterr().out.strip()
    assert url.startswith("https://bridge.example.org/cards/projet/12?s=k2.")
    card_url_verify(kind="projet", ident="12", token=token_of(url))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["projet", "douze"], "row id"),
        (["projet", "12", "--expires", "3x"], "90m"),
    ],
)
def test_the_command_says_what_is_wrong(keys, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("card_url", *args)


def test_the_same_card_always_gets_the_same_url(keys):
    """A card links to its page: a URL that changed on every render would change its ETag."""
    assert card_url_sign(kind="projet", ident=12).url == card_url_sign(kind="projet", ident=12).url


def test_page_urls_are_signed_per_page(keys):
    page = card_url_sign(kind="page-projet", ident=12)
    assert urlsplit(page.url).path == "/pages/projet/12"
    card_url_verify(kind="page-projet", ident="12", token=token_of(page.url))
    with pytest.raises(CardSignatureInvalid):
        card_url_verify(kind="projet", ident="12", token=token_of(page.url))
