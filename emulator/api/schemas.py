"""Request bodies as the official spec names them (``MakeRingOutRequest``), and the JSON the
RingOut routes answer with. Unknown fields are ignored, as the platform does."""

from __future__ import annotations

from json.encoder import encode_basestring_ascii as _quote

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictStr, ValidationError

from emulator.core.call import CallView, RingOutCall
from emulator.core.dialing import RingOutRequest
from emulator.core.errors import CannotParseRequest, EmulatorError, InvalidParameter, MalformedJson

_LENIENT = ConfigDict(extra="ignore")


class PhoneRef(BaseModel):
    model_config = _LENIENT
    phoneNumber: StrictStr | None = None


class FromRef(PhoneRef):
    forwardingNumberId: StrictStr | None = None


class CountryRef(BaseModel):
    model_config = _LENIENT
    id: StrictStr | None = None


class MakeRingOutRequest(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)
    from_: FromRef | None = Field(None, alias="from")
    to: PhoneRef | None = None
    callerId: PhoneRef | None = None
    playPrompt: StrictBool | None = None
    country: CountryRef | None = None


def parse_ringout_request(body: bytes) -> RingOutRequest:
    """Bytes to the core's request: CMN-103 for JSON that does not parse, CMN-101 for a wrong
    type (naming the field), CMN-104 for a body that is not an object."""
    try:
        model = MakeRingOutRequest.model_validate_json(body)
    except ValidationError as exc:
        raise _request_error(exc) from None
    sender, caller_id = model.from_, model.callerId
    if caller_id is not None and caller_id.phoneNumber is None:
        raise InvalidParameter("callerId.phoneNumber")
    return RingOutRequest(
        to_number=model.to.phoneNumber if model.to else None,
        to_given=model.to is not None,
        from_number=sender.phoneNumber if sender else None,
        from_forwarding_id=sender.forwardingNumberId if sender else None,
        from_given=sender is not None,
        caller_id=caller_id.phoneNumber if caller_id else None,
        play_prompt=bool(model.playPrompt),
        country_id=model.country.id if model.country else None,
    )


def _request_error(exc: ValidationError) -> EmulatorError:
    first = exc.errors()[0]
    if first["type"] in ("json_invalid", "json_type"):
        return MalformedJson()
    loc = [str(p) for p in first["loc"]]
    if not loc:
        return CannotParseRequest(detail="The body must be a JSON object.")
    return InvalidParameter(".".join("from" if p == "from_" else p for p in loc))


def ringout_json(call: RingOutCall, view: CallView, uri: str) -> bytes:
    """``GetRingOutStatusResponse``, written once as text: no response model re-validating it,
    no dict round trip. Strings that can come from outside (id, uri) are JSON-quoted; the statuses
    are enum values."""
    state = view.state
    return (
        f'{{"id":{_quote(call.id)},"uri":{_quote(uri)},"status":{{"callStatus":"{state.call.value}",'
        f'"callerStatus":"{state.caller.value}","calleeStatus":"{state.callee.value}"}}}}'
    ).encode()
