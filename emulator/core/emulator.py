"""The ``Emulator`` facade: the one object routers call. Pure: no HTTP, no disk, no wall clock."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import NoReturn

from emulator.core.access import Access, Gate
from emulator.core.auth_codes import CodeStore
from emulator.core.call import CallView, ClockMode, RingOutCall
from emulator.core.call_log import CallLog
from emulator.core.call_logging import CallLogging
from emulator.core.choice import Source, Sources, choose, lookup
from emulator.core.clock import Clock, ManualClock
from emulator.core.clock_control import ControlledClock
from emulator.core.credentials import Credentials
from emulator.core.dialing import RingOutRequest, plan_call
from emulator.core.directory import Account, App, Directory, Extension
from emulator.core.errors import ControlConflict, InvalidParameterDetail, ResourceNotFound
from emulator.core.faults import (
    MAX_FAULTS,
    Fault,
    FaultBook,
    FaultBookFull,
    FaultMatch,
    FaultRule,
    Firing,
    RequestFacts,
)
from emulator.core.ids import IdSource, fresh
from emulator.core.legs import Leg, LegAction
from emulator.core.magic_numbers import MagicTable
from emulator.core.notifier import Notifier
from emulator.core.oauth import OAuthServer
from emulator.core.phone import PhoneNumberError, Validation, region_for_country_id, to_e164
from emulator.core.rate_limits import Bucket, Group, Policy, RateLimitConfig, RateLimiter, RateLimitMode
from emulator.core.rules import MAX_RULES, Match, Rule, RuleBook, RuleBookFull
from emulator.core.scenario import Scenario, check_name
from emulator.core.scopes import RESET_SCOPES
from emulator.core.store import CallStore
from emulator.core.subscribing import Subscribing
from emulator.core.subscriptions import SubscriptionStore
from emulator.core.timeline import TimelineEntry, timeline
from emulator.core.tokens import Session, TokenStore

MAX_UPLOADED_SCENARIOS = 1000


@dataclass(frozen=True, slots=True)
class EmulatorConfig:
    """What the domain needs of the settings; built from ``Settings`` in one call
    (``emulator.app.emulator_config``), which holds the only defaults."""

    clock_mode: ClockMode
    default_scenario: str
    retention_seconds: float
    max_calls: int
    phone_validation: Validation
    seed: int | None
    lenient_auth: bool
    max_sessions: int
    speed: float
    rate_limits: RateLimitConfig
    call_log_delay_seconds: float
    max_call_records: int
    max_subscriptions: int
    blacklist_after_seconds: float


@dataclass(frozen=True, slots=True)
class ScenarioInfo:
    scenario: Scenario
    origin: str  # "uploaded" | "loaded"
    default: bool


@dataclass(frozen=True, slots=True)
class CallResult:
    call: RingOutCall
    view: CallView


class Emulator(Subscribing, CallLogging):
    """One namespace's state. ``namespace``: the created account it holds (its id; its tokens
    name it), or ``None`` for the global namespace (the accounts file's accounts)."""

    def __init__(
        self,
        config: EmulatorConfig,
        clock: Clock,
        directory: Directory,
        scenarios: Mapping[str, Scenario],
        namespace: str | None = None,
    ) -> None:
        self.config = config
        self.namespace = namespace
        self.clock = ControlledClock(config.clock_mode, clock, config.speed)
        self._clock_origin = (clock, clock.now())
        self.directory = directory
        self._loaded = dict(scenarios)  # bundled + files: what an upload overrides, a delete restores
        self.scenarios = dict(scenarios)
        self.uploaded: set[str] = set()
        self.default_scenario = config.default_scenario
        self.ids = IdSource(config.seed)
        self.calls = CallStore(config.max_calls, config.retention_seconds)
        self.tokens = TokenStore(self.ids, config.max_sessions, namespace)
        self.codes = CodeStore(self.ids)
        self.oauth = OAuthServer(Credentials(directory), self.tokens, self.codes, self.clock)
        self.gate = Gate(directory, self.tokens, self.clock, lenient=config.lenient_auth)
        self.queue = RuleBook()
        self.rules = RuleBook()
        self.magic = MagicTable()
        self.rate_limits = RateLimiter(self.clock, config.rate_limits)
        # consume(operation, user, app): count a request of ``operation`` (an operationId) against
        # its group's bucket; raises ``RateLimitExceeded`` when refused; ``None``: not throttled.
        # Bound once (no extra call on every request's path).
        self.consume: Callable[[str, str, str], Bucket | None] = self.rate_limits.consume
        self.call_log = CallLog(config.max_call_records)
        self.call_log_delay = config.call_log_delay_seconds
        self.subscriptions = SubscriptionStore(config.max_subscriptions)
        self.notifier = Notifier(self.subscriptions)
        self.blacklist_after_seconds = config.blacklist_after_seconds
        self.faults = FaultBook(self.clock, config.seed)

    def reset(self, scopes: Iterable[str] = RESET_SCOPES) -> None:
        """Back to the state at start for each scope (see ``RESET_SCOPES``)."""
        chosen = list(scopes)
        unknown = sorted(set(chosen) - set(RESET_SCOPES))
        if unknown:
            raise InvalidParameterDetail(
                "scopes", detail=f"Unknown scope {', '.join(unknown)}; valid: {', '.join(RESET_SCOPES)}"
            )
        for scope in chosen:
            getattr(self, f"_reset_{scope.replace('-', '_')}")()

    def _reset_calls(self) -> None:
        self.call_log.drop_ending_after(self.clock.now())  # the log outlives ended calls, not live ones
        self.calls.clear()
        self.notifier.clear()

    def _reset_subscriptions(self) -> None:
        self.subscriptions.clear()
        self.notifier.clear()

    def _reset_call_log(self) -> None:
        """No records, the configured delay; calls still live will still be logged when they end."""
        self.call_log.clear()
        self.call_log_delay = self.config.call_log_delay_seconds
        now = self.clock.now()
        for call in self.calls:
            end = call.scheduled_end()
            if end is not None and call.view(now).ended_at is None:
                self.call_log.put(call, end)

    def _reset_tokens(self) -> None:
        self.tokens.clear()
        self.codes.clear()

    def _reset_rules(self) -> None:
        self.queue.clear()
        self.rules.restart()

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

    def _reset_rate_limits(self) -> None:
        self.rate_limits.reset()

    def _reset_faults(self) -> None:
        self.faults.restart()
        self.faults.reseed(self.config.seed)

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
        view = call.view(now)
        self._log(call, view)
        if self.subscriptions.watching(account.id):
            self.notifier.track(call, now)
        if choice.rule_id is not None:
            (self.queue if choice.source is Source.QUEUE else self.rules).use(choice.rule_id)
        return CallResult(call, view)

    def read_ringout(self, extension: Extension, call_id: str) -> CallResult:
        call = self._owned(extension, call_id)
        now = self.clock.now()
        view = call.poll(now)
        if view.ended_at is not None:
            self.calls.ended()  # a poll may have ended it: a store full of live calls has room again
            self.call_log.put(call, view.ended_at)
        if call.mode is ClockMode.POLL:
            self.notifier.touch(call, now)
        return CallResult(call, view)

    def cancel_ringout(self, extension: Extension, call_id: str) -> tuple[bool, CallResult]:
        call = self._owned(extension, call_id)
        now = self.clock.now()
        cancelled = call.cancel(now)
        if cancelled:
            self.calls.ended()
            self.call_log.put(call, now)
            self.notifier.touch(call, now)
        return cancelled, CallResult(call, call.view(now))

    def _owned(self, extension: Extension, call_id: str) -> RingOutCall:
        call = self.calls.get(call_id, self.clock.now())
        if call is None or call.extension_id != extension.id or call.account_id != extension.account_id:
            raise ResourceNotFound("ringOutId")
        return call

    # --- who is calling -------------------------------------------------------------------

    def bearer_session(self, token: str | None) -> Session:
        """The session ``token`` opens (401 unless lenient): the caller is known, and counted,
        before the path it names is checked."""
        return self.gate.session(token)

    def path_extension(self, session: Session, account_ref: str, extension_ref: str, access: Access) -> Extension:
        """The extension a ``/restapi/v1.0`` path names for ``session`` (403 without the app
        permission, 404 for an extension it may not act for)."""
        return self.gate.extension(session, account_ref, extension_ref, access)

    def path_account(self, session: Session, account_ref: str, access: Access) -> Account:
        """The account a ``/restapi/v1.0/account/{accountId}`` path names for ``session``."""
        return self.gate.account(session, account_ref, access)

    def home_country(self, extension: Extension) -> str:
        return self.directory.account(extension.account_id).home_country

    def oauth_client(self, basic: tuple[str, str] | None, client_id: str | None) -> App:
        return self.oauth.credentials.client(basic, client_id)

    def issue_token(self, app: App, form: Mapping[str, str]) -> Session:
        return self.oauth.token(app, form)

    def revoke_token(self, app: App, token: str) -> None:
        self.oauth.revoke(app, token)

    def authorize(self, query: Mapping[str, str]) -> tuple[str, str]:
        """Auto-approved for the default extension: (redirect URI, code)."""
        return self.oauth.authorize(query, self.directory.default_extension)

    # --- rate limits -----------------------------------------------------------------------

    def login_subject(self, form: Mapping[str, str]) -> str:
        """The user an OAuth request (token, revoke, authorize) is counted for, before anything in
        it is checked: the extension its JWT, refresh token, code or token belongs to (authorize:
        the extension it approves for), else the username it gives, else ``unknown``."""
        owner = self.directory.default_extension if "response_type" in form else self.oauth.owner(form)
        if owner is not None:
            return owner.id
        username = form.get("username")
        return f"{username}*{form.get('extension', '')}".rstrip("*") if username else "unknown"

    def rate_limit_policies(self) -> tuple[RateLimitMode, dict[Group, Policy]]:
        return self.rate_limits.config.mode, self.rate_limits.policies

    def rate_limit_buckets(self) -> list[Bucket]:
        return list(self.rate_limits.buckets())

    def update_rate_limits(
        self, mode: RateLimitMode | None, limits: Mapping[Group, int], window: float | None, penalty: float | None
    ) -> None:
        self.rate_limits.update(mode, limits, window, penalty)

    # --- control plane -------------------------------------------------------------------

    def clock_reading(self) -> tuple[ClockMode, float, float]:
        """(mode, now, speed)."""
        return self.clock.mode, self.clock.now(), self.clock.speed

    def advance_clock(self, seconds: float) -> None:
        self.clock.advance(seconds)

    def update_clock(self, mode: ClockMode | None, when: float | None, speed: float | None) -> None:
        """``mode`` (and ``speed``) first, time staying continuous, then ``when`` (manual and poll
        modes only); nothing changes unless the whole update applies."""
        target = mode or self.clock.mode
        if when is not None:
            self.clock.check_set(target, when)
        if mode is not None or speed is not None:
            self.switch_clock(target, speed)
        if when is not None:
            self.clock.set(when)

    def queued(self) -> tuple[Rule, ...]:
        return self.queue.rules()

    def clear_queue(self) -> None:
        self.queue.clear()

    def listed_rules(self) -> tuple[Rule, ...]:
        return self.rules.rules()

    def clear_rules(self) -> None:
        self.rules.clear()

    def scenario_infos(self) -> list[ScenarioInfo]:
        return [self.scenario_info(name) for name in sorted(self.scenarios)]

    def scenario_info(self, name: str) -> ScenarioInfo:
        scenario = self.scenario(name)
        origin = "uploaded" if name in self.uploaded else "loaded"
        return ScenarioInfo(scenario, origin, name == self.default_scenario)

    def seed(self, seed: int | None) -> None:
        self.ids.reseed(seed)
        self.faults.reseed(seed)

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
            self.call_log.put(call, view.ended_at)
        else:
            self.call_log.drop(call)  # left its scenario: only another forced leg can end it now
        self.notifier.touch(call, now)
        return CallResult(call, view)

    def _log(self, call: RingOutCall, view: CallView) -> None:
        """Log ``call`` if its end is already determined (see ``core.call_log``)."""
        end = view.ended_at
        end = call.scheduled_end() if end is None else end
        if end is not None:
            self.call_log.put(call, end)

    # --- fault injection (``emulator.core.faults``) ----------------------------------------

    def add_fault(self, fault: Fault, match: FaultMatch, firing: Firing) -> FaultRule:
        try:
            return self.faults.add(fault, match, firing)
        except FaultBookFull:
            raise ControlConflict(detail=f"At most {MAX_FAULTS} fault rules are kept: delete some or reset") from None

    def fault_rules(self) -> tuple[FaultRule, ...]:
        return self.faults.rules()

    def remove_fault(self, fault_id: str) -> None:
        if not self.faults.remove(fault_id):
            _not_found("faultId")

    def clear_faults(self) -> None:
        self.faults.clear()

    def fire_fault(self, facts: RequestFacts) -> FaultRule | None:
        """The rule that fires for this request, if any (counted as a hit)."""
        return self.faults.fire(facts) if len(self.faults) else None

    def fault_delay(self, fault: Fault) -> float:
        return self.faults.delay_seconds(fault)

    @property
    def faults_armed(self) -> bool:
        return len(self.faults) > 0

    @property
    def faults_need_body(self) -> bool:
        return self.faults.needs_body

    def dialed_number(self, raw: str, country_id: str | None) -> str | None:
        """The E.164 number a RingOut body's ``to`` (``raw``) dials, read as a call reads it: in the
        body's ``country.id`` or the default account's home country. None when it is no number."""
        region = None if country_id is None else region_for_country_id(country_id)
        try:
            return to_e164(raw, region or self.home_country(self.directory.default_extension))
        except PhoneNumberError:
            return None


def _add(book: RuleBook, what: str, name: str, match: Match, times: int | None) -> Rule:
    try:
        return book.add(name, match, times)
    except RuleBookFull:
        raise ControlConflict(detail=f"At most {MAX_RULES} {what} are kept: delete some or reset") from None


def _not_found(parameter: str) -> NoReturn:
    raise ResourceNotFound(parameter)
