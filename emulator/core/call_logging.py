"""The call log and the active calls, as the ``Emulator`` facade answers for them (``Emulator``
inherits these methods; the stores they read are the facade's own, declared here). A record is
visible once its call ended ``call_log_delay`` seconds ago by the emulator's clock."""

from __future__ import annotations

from emulator.core.call_log import CallLog, LogEntry, LogPage, LogQuery
from emulator.core.call_record import CallRecord, call_record
from emulator.core.clock_control import ControlledClock
from emulator.core.directory import Directory, Extension
from emulator.core.errors import ResourceNotFound
from emulator.core.store import CallStore


class CallLogging:
    """Mixed into ``Emulator``, which sets every attribute below in its ``__init__``."""

    clock: ControlledClock
    directory: Directory
    calls: CallStore
    call_log: CallLog
    call_log_delay: float

    def call_log_entries(self, extension: Extension, query: LogQuery) -> LogPage:
        """A page of the extension's call log as visible now, newest first, and the total."""
        owner = (extension.account_id, extension.id)
        return self.call_log.query(owner, query, self.clock.now() - self.call_log_delay)

    def record_of(self, entry: LogEntry) -> CallRecord:
        return call_record(entry.call, entry.ended_at, self.clock.now())

    def call_log_page(self, extension: Extension, query: LogQuery) -> tuple[list[CallRecord], int]:
        page = self.call_log_entries(extension, query)
        return [self.record_of(e) for e in page.entries], page.total

    def call_log_record(self, extension: Extension, record_id: str) -> CallRecord:
        now = self.clock.now()
        entry = self.call_log.get(record_id)
        if (
            entry is None
            or (entry.call.account_id, entry.call.extension_id) != (extension.account_id, extension.id)
            or entry.ended_at > now - self.call_log_delay
        ):
            raise ResourceNotFound("callRecordId")
        return call_record(entry.call, entry.ended_at, now)

    def active_calls(self, extension: Extension) -> list[CallRecord]:
        """The extension's calls in progress, newest first."""
        now = self.clock.now()
        live = [
            call
            for call in self.calls
            if call.extension_id == extension.id
            and call.account_id == extension.account_id
            and self.calls.get(call.id, now) is not None
            and call.view(now).ended_at is None
        ]
        live.reverse()
        return [call_record(call, None, now) for call in live]

    def control_call_log(self, extension_id: str | None, limit: int) -> list[tuple[CallRecord, Extension]]:
        """The records visible now (of every extension, or of one), newest first, at most ``limit``,
        each with its extension; 404 for an extension the directory does not have."""
        if extension_id is not None:
            self.directory.extension(extension_id)
        page = self.call_log.latest(self.clock.now() - self.call_log_delay, extension_id, limit)
        return [(self.record_of(e), self.directory.extension(e.call.extension_id)) for e in page.entries]

    def call_log_digest(self) -> tuple[float, int, int]:
        """What moves when a record appears or goes: (the delay, how many are visible, the newest one's sequence)."""
        page = self.call_log.latest(self.clock.now() - self.call_log_delay, None, 1)
        return self.call_log_delay, page.total, page.entries[0].seq if page.entries else 0

    def call_log_revision(self) -> int:
        """Moves whenever a logged call's end moves (its record, once rendered, is then stale); as of
        the last read of the log (``call_log_entries``, which applies its queued writes)."""
        return self.call_log.end_moves

    def call_log_settings(self) -> tuple[float, int, int]:
        """(delay in seconds, cap on records, records kept)."""
        return self.call_log_delay, self.call_log.max_records, len(self.call_log)

    def set_call_log_delay(self, seconds: float) -> None:
        self.call_log_delay = seconds
