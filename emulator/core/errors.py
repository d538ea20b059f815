"""Domain errors. Each class only sets its RingCentral ``errorCode``, HTTP status and message
template; ``emulator.api.errors`` is the one place that turns them into RingCentral's JSON."""

from __future__ import annotations

from typing import Any, ClassVar


class EmulatorError(Exception):
    """Base: an error the platform would answer with ``{errorCode, message, errors[...]}``."""

    error_code: ClassVar[str] = "CMN-101"
    status: ClassVar[int] = 400
    template: ClassVar[str] = "Parameter [{parameter}] value is invalid."
    top_level_code: ClassVar[str | None] = None  # e.g. "InsufficientPermissions"
    extra_fields: ClassVar[tuple[str, ...]] = ()  # which params also appear in the body

    def __init__(self, **params: Any) -> None:
        self.params = params
        super().__init__(self.message)

    @property
    def message(self) -> str:
        return self.template.format(**self.params)

    @property
    def fields(self) -> dict[str, Any]:
        """Extra body fields (``parameterName``, ``permissionName`` ...) next to code and message."""
        return {f: self.params[f] for f in self.extra_fields if f in self.params}


class ParameterError(EmulatorError):
    """An error about one request parameter; the body names it in ``parameterName``."""

    extra_fields = ("parameterName",)

    def __init__(self, parameter: str, **params: Any) -> None:
        super().__init__(parameter=parameter, parameterName=parameter, **params)


class MandatoryParameterMissing(ParameterError):
    error_code = "CMN-100"
    template = "Mandatory parameter [{parameter}] not specified."


class InvalidParameter(ParameterError):
    error_code = "CMN-101"
    template = "Parameter [{parameter}] value is invalid."


class InvalidParameterDetail(ParameterError):
    """CMN-101 with a reason appended, for input a user needs told more about."""

    error_code = "CMN-101"
    template = "Parameter [{parameter}] value is invalid. {detail}"


class ResourceNotFound(ParameterError):
    status = 404
    error_code = "CMN-102"
    template = "Resource for parameter [{parameter}] is not found"


class MalformedJson(EmulatorError):
    error_code = "CMN-103"
    template = "JSON can't be parsed."


class MalformedDocument(EmulatorError):
    """An uploaded JSON or YAML document that does not parse (or nests too deep): RingCentral's
    code for a body that cannot be parsed, with the language and where it broke."""

    error_code = "CMN-103"
    template = "{language} can't be parsed. {detail}"


class CannotParseRequest(EmulatorError):
    error_code = "CMN-104"
    template = "Cannot parse request. {detail}"


class InvalidFromNumber(ParameterError):
    error_code = "TEL-108"
    template = "phoneNumber specified in the from field is empty or invalid"


class InvalidToNumber(ParameterError):
    error_code = "TEL-109"
    template = "phoneNumber specified in the to field is empty or invalid"


class CallerIdNotAllowed(ParameterError):
    status = 403
    error_code = "TEL-107"
    template = "Caller ID: [{number}] is not allowed"


class UnknownScenario(EmulatorError):
    error_code = "CMN-101"
    template = "Parameter [{parameterName}] value is invalid. Unknown scenario [{name}]; valid names: {valid}"
    extra_fields = ("parameterName",)

    def __init__(self, name: str, valid: list[str], parameter: str = "X-Emulator-Scenario") -> None:
        super().__init__(name=name, valid=", ".join(valid), parameterName=parameter)


class StoreFull(EmulatorError):
    status = 503
    error_code = "CMN-211"
    template = (
        "Service Temporary Unavailable: the emulator holds {cap} live calls (MAX_CALLS); let some finish or cancel them"
    )


class TooManyConnections(EmulatorError):
    status = 503
    error_code = "CMN-211"
    template = (
        "Service Temporary Unavailable: the emulator holds {cap} open connections (MAX_CONNECTIONS); "
        "close idle ones and retry"
    )


class ResourceNotFoundRoute(EmulatorError):
    status = 404
    error_code = "CMN-102"
    template = "Resource for parameter [path] is not found: {method} {path}"


class MethodNotAllowed(EmulatorError):
    status = 405
    error_code = "CMN-105"
    template = "Method [{method}] is not allowed for resource [{path}]"


class UnsupportedMediaType(EmulatorError):
    status = 415
    error_code = "CMN-415"
    template = "Unsupported Media Type: the request body must be {expected}, got [{got}]"


class PayloadTooLarge(EmulatorError):
    status = 413
    error_code = "CMN-413"
    template = "Request body too large: at most {limit} bytes are accepted"


class HeaderFieldsTooLarge(EmulatorError):
    status = 431
    error_code = "CMN-431"
    template = "Request header fields too large"


class InternalError(EmulatorError):
    status = 500
    error_code = "CMN-201"
    template = "Service Temporary Unavailable"


# --- authentication and permissions on /restapi/v1.0 (RingCentral's API error shape) ---


class AuthorizationHeaderMissing(EmulatorError):
    status = 401
    error_code = "AGW-401"
    template = "Authorization header is not specified"


class InvalidAuthorizationHeader(EmulatorError):
    status = 401
    error_code = "AGW-402"
    template = "Invalid Authorization header"


class AccessTokenNotFound(EmulatorError):
    """Unknown or revoked access token."""

    status = 401
    error_code = "OAU-213"
    top_level_code = "TokenInvalid"
    template = "Token not found"


class AccessTokenExpired(EmulatorError):
    status = 401
    error_code = "OAU-128"
    top_level_code = "TokenExpired"
    template = "Access token expired."


class InsufficientPermissions(EmulatorError):
    """The app lacks the permission the route needs."""

    status = 403
    error_code = "CMN-401"
    top_level_code = "InsufficientPermissions"
    template = "In order to call this API endpoint, application needs to have [{permissionName}] permission"
    extra_fields = ("permissionName",)

    def __init__(self, permission: str) -> None:
        super().__init__(permissionName=permission)


class ExtendedScopeRequired(EmulatorError):
    """Another extension of the token's own account named in the path. ``permissionsName`` is
    spelled as the platform spells it in this error."""

    status = 403
    error_code = "CMN-419"
    template = (
        "In order to call this API endpoint for another extension, "
        "user needs to have [{permissionsName}] permission granted with extended scope"
    )
    extra_fields = ("permissionsName",)

    def __init__(self, permission: str) -> None:
        super().__init__(permissionsName=permission)


# --- OAuth endpoints: body {error, error_description, errors: [{errorCode, message}]} ---


class OAuthError(EmulatorError):
    """An error of ``/restapi/oauth/*``: ``oauth_error`` is the RFC 6749 ``error`` value."""

    status = 400
    oauth_error: ClassVar[str] = "invalid_request"


class InvalidOAuthParameter(OAuthError):
    error_code = "OAU-101"
    template = "Parameter [{parameter}] is invalid"

    def __init__(self, parameter: str) -> None:
        super().__init__(parameter=parameter)


class DuplicateOAuthParameter(OAuthError):
    error_code = "OAU-111"
    template = "Request parameter duplication detected"


class QueryBodyMismatch(OAuthError):
    error_code = "OAU-150"
    template = "The value of query parameter [{parameter}] should be equal to parameter [{parameter}] in request body"

    def __init__(self, parameter: str) -> None:
        super().__init__(parameter=parameter)


class ClientAuthenticationRequired(OAuthError):
    oauth_error = "invalid_client"
    error_code = "OAU-123"
    template = "Client authentication is required"


class InvalidClientCredentials(OAuthError):
    oauth_error = "invalid_client"
    error_code = "OAU-123"
    template = "Invalid client credentials"


class InvalidResourceOwnerCredentials(OAuthError):
    oauth_error = "invalid_grant"
    error_code = "OAU-140"
    template = "Invalid resource owner credentials"


class ExtensionLoginNotAllowed(OAuthError):
    oauth_error = "invalid_grant"
    error_code = "OAU-141"
    template = "Login for extension in current state is not allowed."


class UnauthorizedGrantType(OAuthError):
    oauth_error = "unauthorized_client"
    error_code = "OAU-251"
    template = "Unauthorized for this grant type"


class UnsupportedGrantType(OAuthError):
    oauth_error = "unsupported_grant_type"
    error_code = "OAU-250"
    template = "Unsupported grant type"


class InvalidScope(OAuthError):
    oauth_error = "invalid_scope"
    error_code = "OAU-101"
    template = "Parameter [scope] is invalid: the app has no [{scope}] permission"

    def __init__(self, scope: str) -> None:
        super().__init__(scope=scope)


class RefreshTokenExpired(OAuthError):
    oauth_error = "invalid_grant"
    error_code = "OAU-210"
    template = "Token expired"


class RefreshTokenRevoked(OAuthError):
    oauth_error = "invalid_grant"
    error_code = "OAU-211"
    template = "Token revoked"


class RefreshTokenNotFound(OAuthError):
    oauth_error = "invalid_grant"
    error_code = "OAU-213"
    template = "Token not found"


class InvalidAuthorizationCode(OAuthError):
    oauth_error = "invalid_grant"
    error_code = "OAU-106"
    template = "Invalid authorization code"


class InvalidCodeVerifier(OAuthError):
    oauth_error = "invalid_grant"
    error_code = "OAU-106"
    template = "Invalid authorization code: code_verifier does not match the code_challenge"


class AuthorizationCodeExpired(OAuthError):
    oauth_error = "invalid_grant"
    error_code = "OAU-108"
    template = "Authorization code is expired"


class RedirectUriMismatch(OAuthError):
    oauth_error = "invalid_grant"
    error_code = "OAU-109"
    template = "Redirect URIs do not match"


class UnregisteredRedirectUri(OAuthError):
    """``/restapi/oauth/authorize`` with a redirect URI the app did not register."""

    error_code = "OAU-109"
    template = "Redirect URIs do not match"


class CodeIssuedToAnotherApp(OAuthError):
    oauth_error = "invalid_grant"
    error_code = "OAU-110"
    template = "Authorization code was not issued for this application"


class UnsupportedResponseType(OAuthError):
    oauth_error = "unsupported_response_type"
    error_code = "OAU-101"
    template = "Parameter [response_type] is invalid"


class ControlConflict(EmulatorError):
    """A control-plane action that does not apply to the current state (clock mode, call ended)."""

    status = 409
    error_code = "EMU-409"
    template = "{detail}"


class TooManyEventStreams(EmulatorError):
    status = 503
    error_code = "EMU-503"
    template = "The emulator already serves {cap} event streams (dashboards): close one and retry"


class ControlTokenRequired(EmulatorError):
    status = 401
    error_code = "EMU-401"
    template = (
        "The control plane needs its token: send 'Authorization: Bearer <token>' or 'X-Emulator-Control-Token: <token>'"
    )


class InvalidScenario(EmulatorError):
    error_code = "CMN-101"
    template = "Parameter [body] value is invalid. {problems}"
    extra_fields = ("parameterName",)

    def __init__(self, problems: str) -> None:
        super().__init__(problems=problems, parameterName="body")


class RateLimitExceeded(EmulatorError):
    """A request over its usage-plan group's limit, or during the penalty that follows.
    ``bucket`` is the ``emulator.core.rate_limits.Bucket`` that refused it."""

    status = 429
    error_code = "CMN-301"
    template = "Request rate exceeded"

    def __init__(self, bucket: Any, retry_after: int) -> None:
        super().__init__()
        self.bucket = bucket
        self.retry_after = retry_after


class AuthRateLimitExceeded(OAuthError, RateLimitExceeded):
    """The same refusal on an OAuth endpoint (Auth group), in the OAuth error shape."""

    status = 429
    oauth_error = "invalid_request"


# --- subscriptions and webhooks (SUB-*: DOCS errors.md, SPEC21 x-error-codes) ---


class SubscriptionLimitExceeded(EmulatorError):
    status = 403
    error_code = "SUB-505"
    template = "Subscriptions limit exceeded"


class InvalidEventFilters(EmulatorError):
    error_code = "SUB-508"
    template = "Invalid event filters: [{filters}]"


class OtherAccountEvents(EmulatorError):
    status = 403
    error_code = "SUB-406"
    template = "Subscription to events of extensions of another account is not allowed: [{filters}]"


class SubscriptionExpired(EmulatorError):
    status = 404
    error_code = "SUB-507"
    template = "Subscription with key [{subscription_id}] and assigned session was expired"


class ValidationTokenNotReturned(EmulatorError):
    error_code = "SUB-520"
    template = "Validation Token is not returned"


class WebhookNotReachable(EmulatorError):
    error_code = "SUB-521"
    template = "WebHook is not reachable"


class HttpsRequired(EmulatorError):
    error_code = "SUB-523"
    template = "HTTPS is required"


class WebhookInvalidResponse(EmulatorError):
    error_code = "SUB-525"
    template = "WebHook server response is invalid"


# --- injected faults (``emulator.core.faults``): the platform's bodies for these statuses. The
# reference gives CMN-201 for 500 and 503 only; 502 and 504 reuse it with their own words. ---


class FaultInternalError(InternalError):
    status = 500


class FaultBadGateway(EmulatorError):
    status = 502
    error_code = "CMN-201"
    template = "Bad Gateway"


class FaultUnavailable(EmulatorError):
    status = 503
    error_code = "CMN-201"
    template = "Service Temporary Unavailable"


class FaultGatewayTimeout(EmulatorError):
    status = 504
    error_code = "CMN-201"
    template = "Gateway Timeout"


class FaultRateLimited(EmulatorError):
    """A 429 a fault rule forced (no bucket refused it): the same body as a real refusal."""

    status = 429
    error_code = "CMN-301"
    template = "Request rate exceeded"


FAULT_ERRORS: dict[int, type[EmulatorError]] = {
    500: FaultInternalError,
    502: FaultBadGateway,
    503: FaultUnavailable,
    504: FaultGatewayTimeout,
}


# --- the WebSocket gateway's own errors (``Error`` frames; README "WebSocket subscriptions") ---


class WsMalformedSessionToken(EmulatorError):
    error_code = "WSG-400"
    template = "Malformed WebSocket session context token"


class WsInvalidToken(EmulatorError):
    status = 401
    error_code = "WSG-401"
    template = "WebSocket access token is invalid or expired"


class WsTooManyConnections(EmulatorError):
    status = 429
    error_code = "WSG-429"
    template = "Too many WebSocket connections ({scope} cap {cap})"


class WsMalformedMessage(EmulatorError):
    error_code = "WSG-808"
    template = "Malformed message: {detail}"


class WsSubscriptionTransport(EmulatorError):
    error_code = "SUB-400"
    template = "Only [WebSocket] transport is supported over a WebSocket connection"
