import pytest

from tokens import crypto


def test_composed_token_parses_back_to_its_parts():
    key_id, secret = crypto.generate_key_id(), crypto.generate_secret()
    raw = crypto.compose(key_id, secret)

    assert raw.startswith("brg_")
    assert len(raw) == crypto.TOKEN_LENGTH
    assert crypto.parse(raw) == crypto.ParsedToken(key_id=key_id, secret=secret)


def test_secret_has_at_least_256_bits_of_entropy():
    import math

    assert crypto.SECRET_LENGTH * math.log2(len(crypto.ALPHABET)) >= 256


def test_generated_secrets_differ():
    assert len({crypto.generate_secret() for _ in range(1000)}) == 1000


@pytest.mark.parametrize("position", [4, 10, 16, 30, 60, 62])
def test_if_one_character_is_mistyped_then_checksum_rejects_it(position):
    raw = crypto.compose(crypto.generate_key_id(), crypto.generate_secret())
    replacement = "A" if raw[position] != "A" else "B"
    mistyped = raw[:position] + replacement + raw[position + 1 :]

    assert crypto.parse(mistyped) is None


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "brg_",
        "brg_short",
        "xyz_" + "a" * 62,
        "brg_" + "a" * 12 + "-" + "b" * 49,
        "brg_" + "é" * 62,
    ],
)
def test_malformed_strings_do_not_parse(raw):
    assert crypto.parse(raw) is None


def test_digest_depends_on_the_pepper():
    assert crypto.digest("s", "pepper-1") != crypto.digest("s", "pepper-2")
    assert len(crypto.digest("s", "pepper-1")) == 64
