"""What never leaves the emulator in clear: secret query parameters, form fields and headers,
masked the same way in the request journal and in the access log."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

MASK = "***"
SECRET_PARAMS = frozenset(
    {
        "password",
        "client_secret",
        "assertion",
        "client_assertion",
        "refresh_token",
        "access_token",
        "ws_access_token",
        "id_token",
        "code",
        "token",
        "code_verifier",
        "wsc",  # a WebSocket session's recovery token
    }
)
SECRET_HEADERS = frozenset({"authorization", "proxy-authorization", "x-emulator-control-token", "cookie"})


def masked_pairs(raw_query: str) -> dict[str, str]:
    """``a=1&password=x`` -> ``{"a": "1", "password": "***"}`` (the last value of a repeated name)."""
    pairs = parse_qsl(raw_query, keep_blank_values=True)
    return {k: MASK if k.lower() in SECRET_PARAMS else v for k, v in pairs}


def masked_query(raw_query: str) -> str:
    """A query string with every secret parameter's value replaced by ``***``."""
    pairs = parse_qsl(raw_query, keep_blank_values=True)
    return urlencode([(k, MASK if k.lower() in SECRET_PARAMS else v) for k, v in pairs], safe="*")


def masked_header(name: str, value: str) -> str:
    """``Authorization: Bearer x`` -> ``Bearer ***``; other secret headers -> ``***``."""
    if name.lower() not in SECRET_HEADERS:
        return value
    scheme, _, secret = value.partition(" ")
    return f"{scheme} {MASK}" if secret and name.lower().endswith("authorization") else MASK
