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


class InternalError(EmulatorError):
    status = 500
    error_code = "CMN-201"
    template = "Service Temporary Unavailable"


class ControlConflict(EmulatorError):
    """A control-plane action that does not apply to the current state (clock mode, call ended)."""

    status = 409
    error_code = "EMU-409"
    template = "{detail}"


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
