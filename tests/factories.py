from typing import Any

import factory

from tokens.models import Token
from tokens.services import token_create


class TokenFactory(factory.django.DjangoModelFactory):
    """Tokens are made through the service (the only way to get a plaintext secret)."""

    class Meta:
        model = Token

    name = factory.Sequence(lambda n: f"token-{n}")
    scopes = factory.LazyFunction(lambda: ["read:*"])

    @classmethod
    def _create(cls, model_class: type[Token], *args: Any, **kwargs: Any) -> Token:
        issued = token_create(**kwargs)
        issued.token.plaintext = issued.plaintext
        return issued.token
