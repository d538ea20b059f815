"""Request bodies as the official spec names them (``MakeRingOutRequest``), and the JSON the
RingOut routes answer with. Unknown fields are ignored, as the platform does."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictStr

from emulator.api.inputs import parse_json
from emulator.core.call import CallView, RingOutCall
from emulator.core.dialing import RingOutRequest
from emulator.core.errors import InvalidParameter

_LENIENT = ConfigDict(extra="ignore", defer_build=True)


class PhoneRef(BaseModel):
    model_config = _LENIENT
    phoneNumber: StrictStr | None = None


class FromRef(PhoneRef):
    forwardingNumberId: StrictStr | None = None


class CountryRef(BaseModel):
    model_config = _LENIENT
    id: StrictStr | None = None


class MakeRingOutRequest(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True, defer_build=True)
    from_: FromRef | None = Field(None, alias="from")
    to: PhoneRef | None = None
    callerId: PhoneRef | None = None
    playPrompt: StrictBool | None = None
    country: CountryRef | None = None


def parse_ringout_request(body: bytes) -> RingOutRequest:
    """Bytes to the core's request: CMN-103 for JSON that does not parse (an empty body too),
    CMN-101 for a wrong type (naming the field), CMN-104 for a body that is not an object."""
    model = parse_json(body, MakeRingOutRequest, empty_is_object=False, field_names={"from_": "from"})
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


def ringout_json(call: RingOutCall, view: CallView, uri: str) -> dict[str, Any]:
    """``GetRingOutStatusResponse``."""
    state = view.state
    status = {"callStatus": state.call.value, "callerStatus": state.caller.value, "calleeStatus": state.callee.value}
    return {"id": call.id, "uri": uri, "status": status}
