"""The API's JSON parser: DRF's, with the two inputs it lets through as crashes made 400s."""

from typing import Any

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


class BridgeJSONParser(JSONParser):
    """DRF's JSONParser catches ValueError only: a body nested a few thousand levels deep raises
    RecursionError (a 500), and an integer of more than 4300 digits is refused with advice about
    `sys.set_int_max_str_digits()` meant for the server's developers. Both are the client's
    malformed JSON: a 400 that says what is wrong."""

    def parse(self, stream: Any, media_type: Any = None, parser_context: Any = None) -> Any:
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON parse error - the body is nested too deeply.") from None
        except ParseError as exc:
            if "integer string conversion" in str(exc.detail):
                raise ParseError(
                    "JSON parse error - a number has more digits than a JSON number may have here "
                    "(at most 4300)."
                ) from None
            raise
