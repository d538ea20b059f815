"""The ``Emulator`` facade: the one object routers call. Pure: no HTTP, no disk, no wall clock."""

from __future__ import annotations

from dataclasses import dataclass

from emulator.core.access import Gate
from emulator.core.auth_codes import CodeStore
from emulator.core.call import CallView, ClockMode, RingOutCall
from emulator.core.choice import choose
from emulator.core.clock import Clock
from emulator.core.credentials import Credentials
from emulator.core.dialing import RingOutRequest, plan_call
from emulator.core.directory import Directory, Extension
from emulator.core.errors import ResourceNotFound
from emulator.core.ids import IdSource
from emulator.core.oauth import OAuthServer
from emulator.core.phone import Validation
from emulator.core.scenario import Scenario
from emulator.core.store import CallStore
from emulator.core.tokens import TokenStore


@dataclass(frozen=True, slots=True)
class EmulatorConfig:
    clock_mode: ClockMode = ClockMode.REAL
    default_scenario: str = "success"
    retention_seconds: float = 60.0
    max_calls: int = 10_000
    phone_validation: Validation = Validation.POSSIBLE
    seed: int | None = None
    lenient_auth: bool = False
    max_sessions: int = 10_000


@dataclass(frozen=True, slots=True)
class CallResult:
    call: RingOutCall
    view: CallView


class Emulator:
    def __init__(
        self, config: EmulatorConfig, clock: Clock, directory: Directory, scenarios: dict[str, Scenario]
    ) -> None:
        self.config = config
        self.clock = clock
        self.directory = directory
        self.scenarios = dict(scenarios)
        self.default_scenario = config.default_scenario
        self.ids = IdSource(config.seed)
        self.calls = CallStore(config.max_calls, config.retention_seconds)
        self.tokens = TokenStore(self.ids, config.max_sessions)
        self.codes = CodeStore(self.ids)
        self.oauth = OAuthServer(Credentials(directory), self.tokens, self.codes, clock)
        self.gate = Gate(directory, self.tokens, clock, lenient=config.lenient_auth)

    def reset(self) -> None:
        self.calls.clear()
        self.tokens.clear()
        self.codes.clear()
        self.ids.reseed(self.config.seed)

    def extension_for(self, account_ref: str, extension_ref: str, current: Extension | None = None) -> Extension:
        return self.directory.resolve(account_ref, extension_ref, current or self.directory.default_extension)

    def create_ringout(self, extension: Extension, request: RingOutRequest, scenario_header: str | None) -> CallResult:
        account = self.directory.account(extension.account_id)
        plan = plan_call(request, account, extension, self.config.phone_validation)
        choice = choose(self.scenarios, plan, scenario_header, self.default_scenario)
        now = self.clock.now()
        call = RingOutCall(
            id=self.ids.ringout_id(),
            account_id=account.id,
            extension_id=extension.id,
            from_number=plan.from_number,
            to_number=plan.to_number,
            caller_id=plan.caller_id,
            play_prompt=plan.play_prompt,
            scenario=choice.scenario,
            scenario_source=choice.source,
            created_at=now,
            mode=self.config.clock_mode,
        )
        self.calls.add(call, now)
        return CallResult(call, call.view(now))

    def read_ringout(self, extension: Extension, call_id: str) -> CallResult:
        call = self._owned(extension, call_id)
        return CallResult(call, call.poll(self.clock.now()))

    def cancel_ringout(self, extension: Extension, call_id: str) -> tuple[bool, CallResult]:
        call = self._owned(extension, call_id)
        now = self.clock.now()
        cancelled = call.cancel(now)
        return cancelled, CallResult(call, call.view(now))

    def _owned(self, extension: Extension, call_id: str) -> RingOutCall:
        call = self.calls.get(call_id, self.clock.now())
        if call is None or call.extension_id != extension.id or call.account_id != extension.account_id:
            raise ResourceNotFound("ringOutId")
        return call
