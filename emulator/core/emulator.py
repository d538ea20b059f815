"""The ``Emulator`` facade: the one object routers call. Pure: no HTTP, no disk, no wall clock."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import NoReturn

from emulator.core.access import Gate
from emulator.core.auth_codes import CodeStore
from emulator.core.call import CallView, ClockMode, RingOutCall
from emulator.core.choice import Source, Sources, choose, lookup
from emulator.core.clock import Clock, ManualClock
from emulator.core.clock_control import ControlledClock
from emulator.core.credentials import Credentials
from emulator.core.dialing import RingOutRequest, plan_call
from emulator.core.directory import Directory, Extension
from emulator.core.errors import ControlConflict, InvalidParameterDetail, ResourceNotFound
from emulator.core.ids import IdSource, fresh
from emulator.core.journal import Journal
from emulator.core.legs import Leg, LegAction
from emulator.core.magic_numbers import MagicTable
from emulator.core.oauth import OAuthServer
from emulator.core.phone import Validation
from emulator.core.rules import MAX_RULES, Match, Rule, RuleBook, RuleBookFull
from emulator.core.scenario import Scenario, check_name
from emulator.core.store import CallStore
from emulator.core.timeline import TimelineEntry, timeline
from emulator.core.tokens import TokenStore

MAX_UPLOADED_SCENARIOS = 1000
RESET_SCOPES = ("calls", "tokens", "journal", "rules", "scenarios", "clock", "ids")


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
    journal_size: int = 1000
    speed: float = 1.0


@dataclass(frozen=True, slots=True)
class CallResult:
    call: RingOutCall
    view: CallView


class Emulator:
    def __init__(
        self, config: EmulatorConfig, clock: Clock, directory: Directory, scenarios: dict[str, Scenario]
    ) -> None:
        self.config = config
        self.clock = ControlledClock(config.clock_mode, clock, config.speed)
        self._clock_origin = (clock, clock.now())
        self.directory = directory
        self._loaded = dict(scenarios)  # bundled + files: what an upload overrides, a delete restores
        self.scenarios = dict(scenarios)
        self.uploaded: set[str] = set()
        self.default_scenario = config.default_scenario
        self.ids = IdSource(config.seed)
        self.calls = CallStore(config.max_calls, config.retention_seconds)
        self.tokens = TokenStore(self.ids, config.max_sessions)
        self.codes = CodeStore(self.ids)
        self.oauth = OAuthServer(Credentials(directory), self.tokens, self.codes, self.clock)
        self.gate = Gate(directory, self.tokens, self.clock, lenient=config.lenient_auth)
        self.queue = RuleBook()
        self.rules = RuleBook()
        self.magic = MagicTable()
        self.journal = Journal(config.journal_size)

    def reset(self, scopes: Iterable[str] = RESET_SCOPES) -> None:
        """Back to the state at start for each scope (see ``RESET_SCOPES``)."""
        chosen = list(scopes)
        unknown = sorted(set(chosen) - set(RESET_SCOPES))
        if unknown:
            raise InvalidParameterDetail("scopes", detail=f"Unknown scope {unknown}; valid: {', '.join(RESET_SCOPES)}")
        for scope in chosen:
            getattr(self, f"_reset_{scope}")()

    def _reset_calls(self) -> None:
        self.calls.clear()

    def _reset_tokens(self) -> None:
        self.tokens.clear()
        self.codes.clear()

    def _reset_journal(self) -> None:
        self.journal.clear()

    def _reset_rules(self) -> None:
        self.queue.clear()
        self.rules.clear()

    def _reset_scenarios(self) -> None:
        self.scenarios = dict(self._loaded)
        self.uploaded.clear()
        self.default_scenario = self.config.default_scenario
        for book in (self.queue, self.rules):  # none may name a scenario that is gone
            book.keep_only(self.scenarios)

    def _reset_clock(self) -> None:
        inner, start = self._clock_origin
        if isinstance(inner, ManualClock):
            inner.restart(start)
        self.clock.mode, self.clock.inner, self.clock.speed = self.config.clock_mode, inner, self.config.speed

    def _reset_ids(self) -> None:
        self.ids.reseed(self.config.seed)

    def create_ringout(self, extension: Extension, request: RingOutRequest, scenario_header: str | None) -> CallResult:
        account = self.directory.account(extension.account_id)
        plan = plan_call(request, account, extension, self.config.phone_validation)
        sources = Sources(self.queue, self.rules, self.magic, self.default_scenario)
        choice = choose(self.scenarios, plan, scenario_header, sources)
        now = self.clock.now()
        call = RingOutCall(
            id=fresh(self.ids.ringout_id, self.calls),  # a reseeded source may repeat a stored id
            account_id=account.id,
            extension_id=extension.id,
            from_number=plan.from_number,
            to_number=plan.to_number,
            caller_id=plan.caller_id,
            play_prompt=plan.play_prompt,
            scenario=choice.scenario,
            scenario_source=choice.source,
            created_at=now,
            mode=self.clock.mode,
        )
        self.calls.add(call, now)
        if choice.rule_id is not None:
            (self.queue if choice.source is Source.QUEUE else self.rules).use(choice.rule_id)
        return CallResult(call, call.view(now))

    def read_ringout(self, extension: Extension, call_id: str) -> CallResult:
        call = self._owned(extension, call_id)
        view = call.poll(self.clock.now())
        if view.ended_at is not None:
            self.calls.ended()  # a poll may have ended it: a store full of live calls has room again
        return CallResult(call, view)

    def cancel_ringout(self, extension: Extension, call_id: str) -> tuple[bool, CallResult]:
        call = self._owned(extension, call_id)
        now = self.clock.now()
        cancelled = call.cancel(now)
        if cancelled:
            self.calls.ended()
        return cancelled, CallResult(call, call.view(now))

    def _owned(self, extension: Extension, call_id: str) -> RingOutCall:
        call = self.calls.get(call_id, self.clock.now())
        if call is None or call.extension_id != extension.id or call.account_id != extension.account_id:
            raise ResourceNotFound("ringOutId")
        return call

    # --- control plane -------------------------------------------------------------------

    def seed(self, seed: int | None) -> None:
        self.ids.reseed(seed)

    def switch_clock(self, mode: ClockMode, speed: float | None = None) -> None:
        """New calls take the new mode; existing calls keep theirs (time stays continuous)."""
        self.clock.switch(mode, speed)

    def upload_scenario(self, scenario: Scenario) -> bool:
        """Add or replace a scenario; True if the name was new."""
        check_name(scenario.name, "name")
        if scenario.name == "queue":
            raise ControlConflict(detail="The name [queue] is reserved for the scenario queue")
        if scenario.name not in self.uploaded and len(self.uploaded) >= MAX_UPLOADED_SCENARIOS:
            raise ControlConflict(
                detail=f"At most {MAX_UPLOADED_SCENARIOS} scenarios can be uploaded: delete some or reset"
            )
        created = scenario.name not in self.scenarios
        self.scenarios[scenario.name] = scenario
        self.uploaded.add(scenario.name)
        return created

    def delete_scenario(self, name: str) -> None:
        """Remove an uploaded scenario (a bundled or file one it replaced comes back)."""
        if name not in self.scenarios:
            _not_found("scenario")
        if name not in self.uploaded:
            raise ControlConflict(detail=f"Scenario [{name}] was loaded from a file: only uploaded ones can be deleted")
        if name not in self._loaded:  # gone once deleted: nothing may still name it
            users = ["the default scenario"] if self.default_scenario == name else []
            users += [f"rule {rule.id}" for rule in self.rules.rules() if rule.scenario == name]
            users += [f"queue entry {entry.id}" for entry in self.queue.rules() if entry.scenario == name]
            if users:
                raise ControlConflict(
                    detail=f"Scenario [{name}] is used by: {', '.join(users)}; change or delete those first"
                )
        self.uploaded.discard(name)
        if name in self._loaded:
            self.scenarios[name] = self._loaded[name]
        else:
            del self.scenarios[name]

    def scenario(self, name: str) -> Scenario:
        return self.scenarios[name] if name in self.scenarios else _not_found("scenario")

    def set_default_scenario(self, name: str) -> None:
        lookup(self.scenarios, name, "scenario")
        self.default_scenario = name

    def queue_scenario(self, name: str, match: Match) -> Rule:
        lookup(self.scenarios, name, "scenario")
        return _add(self.queue, "queued scenarios", name, match, times=1)

    def add_rule(self, name: str, match: Match, times: int | None) -> Rule:
        lookup(self.scenarios, name, "scenario")
        return _add(self.rules, "rules", name, match, times)

    def remove_rule(self, rule_id: str) -> None:
        if not self.rules.remove(rule_id):
            _not_found("ruleId")

    def control_calls(self, extension_id: str | None, status: str | None) -> list[CallResult]:
        now = self.clock.now()
        found = []
        for call in self.calls:
            if self.calls.get(call.id, now) is None or extension_id not in (None, call.extension_id):
                continue
            view = call.view(now)
            if status in (None, view.state.call.value):
                found.append(CallResult(call, view))
        return found

    def control_call(self, call_id: str) -> tuple[CallResult, list[TimelineEntry]]:
        """A call as the control plane sees it; reading it never counts as a poll."""
        now = self.clock.now()
        call = self.calls.get(call_id, now) or _not_found("ringOutId")
        return CallResult(call, call.view(now)), timeline(call, now)

    def force_leg(self, call_id: str, leg: Leg, action: LegAction) -> CallResult:
        now = self.clock.now()
        call = self.calls.get(call_id, now) or _not_found("ringOutId")
        view = call.force(leg, action, now)
        if view.ended_at is not None:
            self.calls.ended()
        return CallResult(call, view)


def _add(book: RuleBook, what: str, name: str, match: Match, times: int | None) -> Rule:
    try:
        return book.add(name, match, times)
    except RuleBookFull:
        raise ControlConflict(detail=f"At most {MAX_RULES} {what} are kept: delete some or reset") from None


def _not_found(parameter: str) -> NoReturn:
    raise ResourceNotFound(parameter)
