"""Account namespaces: the global one (the accounts file's accounts, today's ``Emulator``) and one
``Emulator`` per account created on demand (``POST /__emulator/accounts``), each with its own
directory (that account and its apps), clock and stores.

Which namespace a request acts in: on the control plane the account it names; on the API its
token's (``emu-at-<accountId>.<random>``: a ``.`` test, then one dict get; a token naming no
namespace acts in the global one) or, on ``/restapi/oauth``, its client id's (one dict get).
Account, extension, forwarding-number and client ids are unique across every namespace."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, replace

from emulator.core.call import ClockMode
from emulator.core.clock import Clock, ManualClock, SystemClock
from emulator.core.directory import Account, App, Directory, Extension, ForwardingNumber
from emulator.core.emulator import Emulator
from emulator.core.errors import ControlConflict, InvalidParameterDetail, ResourceNotFound
from emulator.core.ids import IdSource, fresh
from emulator.core.scenario import Scenario
from emulator.core.tokens import ACCESS_PREFIX, NAMESPACE_END, REFRESH_PREFIX

FILE, CREATED = "file", "created"  # where an account comes from
PREFIX_LENGTH = len(ACCESS_PREFIX)
assert len(REFRESH_PREFIX) == PREFIX_LENGTH
ID_DIGITS = 12


@dataclass(frozen=True, slots=True)
class Namespace:
    """A created account's namespace: its ``Emulator`` and what the control plane lists of it."""

    emulator: Emulator
    account: Account
    name: str
    created_at: float

    @property
    def id(self) -> str:
        return self.account.id


def derived_seed(seed: int | None, label: str) -> int | None:
    """A seed of its own for ``label`` (an account id), from the global seed: namespaces seeded
    alike never draw the same ids or tokens; unseeded stays unseeded."""
    if seed is None:
        return None
    digest = hashlib.blake2b(f"{seed}/{label}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big")


class Namespaces:
    """The global namespace and at most ``max_accounts`` created ones (0: none may be created).
    ``template``: the default account (its ids are replaced by fresh ones on every create) and the
    app a default-template account gets a copy of (fresh client id and secret)."""

    def __init__(
        self, global_: Emulator, catalogue: Mapping[str, Scenario], template: Directory, max_accounts: int
    ) -> None:
        self.global_ = global_
        self.max_accounts = max_accounts
        self.started_at = global_.clock.now()
        self._catalogue = dict(catalogue)
        self._template = template
        self._created: dict[str, Namespace] = {}
        self.any_created = False  # a plain attribute: what the fault layer reads on every request
        self._by_client: dict[str, Emulator] = {}
        self._taken: set[str] = set(directory_ids(global_.directory))
        self._clients: set[str] = {app.client_id for app in global_.directory.apps}
        self.ids = IdSource(derived_seed(global_.config.seed, "accounts"))

    def __len__(self) -> int:
        """How many accounts were created (and not deleted)."""
        return len(self._created)

    def created(self) -> list[Namespace]:
        """The created namespaces, in creation order."""
        return list(self._created.values())

    def all(self) -> list[Emulator]:
        """Every namespace's ``Emulator``: the global one first."""
        return [self.global_, *(found.emulator for found in self._created.values())]

    def get(self, account_id: str, parameter: str = "accountId") -> Namespace:
        found = self._created.get(account_id)
        if found is None:
            raise ResourceNotFound(parameter)
        return found

    def lenient_account(self, account_id: str | None) -> Emulator | None:
        """With lenient auth (a token naming no namespace is anyone), the created namespace
        ``account_id`` names; else None (strict auth: only a token says where a request acts)."""
        if account_id is None or not self.global_.config.lenient_auth:
            return None
        found = self._created.get(account_id)
        return None if found is None else found.emulator

    def is_file_account(self, account_id: str) -> bool:
        return any(account.id == account_id for account in self.global_.directory.accounts)

    def for_token(self, token: str | None) -> Emulator:
        """The namespace a bearer (or refresh) token names; the global one for any other token."""
        if token is None or NAMESPACE_END not in token:
            return self.global_
        head = token.partition(NAMESPACE_END)[0]
        found = (
            self._created.get(head[PREFIX_LENGTH:]) if head[:PREFIX_LENGTH] in (ACCESS_PREFIX, REFRESH_PREFIX) else None
        )
        return self.global_ if found is None else found.emulator

    def for_client(self, client_id: str | None) -> Emulator:
        """The namespace whose app ``client_id`` is; the global one for any other."""
        return self._by_client.get(client_id, self.global_) if client_id else self.global_

    def create(self, template: Directory | None = None, name: str | None = None) -> Namespace:
        """A new account from ``template`` (one account and its apps; ``None``: a fresh copy of
        the default template): 409 past the cap or when one of its ids or client ids is taken."""
        if len(self._created) >= self.max_accounts:
            raise ControlConflict(
                detail=f"At most {self.max_accounts} accounts may be created (max_accounts): delete some first"
            )
        directory = self._fresh_default() if template is None else self._checked(template)
        account = directory.accounts[0]
        if name is not None:
            account = replace(account, name=name)
            directory = Directory((account,), directory.apps)
        global_ = self.global_
        mode = global_.clock.mode
        config = replace(global_.config, seed=derived_seed(global_.config.seed, account.id), clock_mode=mode)
        clock: Clock = SystemClock(config.speed) if mode is ClockMode.REAL else ManualClock(global_.clock.now())
        emulator = Emulator(config, clock, directory, self._catalogue, namespace=account.id)
        found = Namespace(emulator, account, account.name, global_.clock.now())
        self._created[account.id] = found
        self.any_created = True
        self._taken.update(directory_ids(directory))
        for app in directory.apps:
            self._by_client[app.client_id] = emulator
            self._clients.add(app.client_id)
        return found

    def remove(self, account_id: str) -> Namespace:
        """Forget a created account and all its state (404 unknown, 409 an accounts-file one)."""
        if self.is_file_account(account_id):
            raise ControlConflict(
                detail=f"Account [{account_id}] comes from the accounts file: only created accounts can be deleted"
            )
        found = self.get(account_id)
        del self._created[account_id]
        self.any_created = bool(self._created)
        self._taken.difference_update(directory_ids(found.emulator.directory))
        for app in found.emulator.directory.apps:
            self._by_client.pop(app.client_id, None)
            self._clients.discard(app.client_id)
        return found

    def _checked(self, template: Directory) -> Directory:
        if len(template.accounts) != 1:
            raise InvalidParameterDetail(
                "template", detail=f"A template holds exactly one account; this one holds {len(template.accounts)}."
            )
        taken = sorted(set(directory_ids(template)) & self._taken)
        if taken:
            raise ControlConflict(detail=f"Id {taken[0]} is already used by another account: choose another")
        clients = sorted({app.client_id for app in template.apps} & self._clients)
        if clients:
            raise ControlConflict(detail=f"Client id {clients[0]} is already used by another account's app")
        return template

    def _fresh_id(self) -> str:
        made = fresh(lambda: self.ids.numeric(ID_DIGITS), self._taken)
        self._taken.add(made)  # taken for the rest of this create too
        return made

    def _fresh_default(self) -> Directory:
        """The default template with fresh account, extension and forwarding-number ids, and its
        app with a fresh client id (``emulator-client-<accountId>``) and secret."""
        template = self._template.accounts[0]
        account_id = self._fresh_id()
        extensions = tuple(
            replace(
                extension,
                id=self._fresh_id(),
                account_id=account_id,
                forwarding_numbers=tuple(self._fresh_forwarding(n) for n in extension.forwarding_numbers),
            )
            for extension in template.extensions
        )
        account = replace(template, id=account_id, extensions=extensions)
        apps = tuple(self._fresh_app(app, account_id, index) for index, app in enumerate(self._template.apps))
        return Directory((account,), apps)

    def _fresh_forwarding(self, number: ForwardingNumber) -> ForwardingNumber:
        return replace(number, id=self._fresh_id())

    def _fresh_app(self, app: App, account_id: str, index: int) -> App:
        suffix = "" if index == 0 else f"-{index}"
        return replace(
            app, client_id=f"emulator-client-{account_id}{suffix}", client_secret=self.ids.token("emulator-secret-", 24)
        )


def directory_ids(directory: Directory) -> list[str]:
    """Every account, extension and forwarding-number id of ``directory``."""
    found: list[str] = []
    for account in directory.accounts:
        found.append(account.id)
        for extension in account.extensions:
            found.extend(extension_ids(extension))
    return found


def extension_ids(extension: Extension) -> list[str]:
    return [extension.id, *(number.id for number in extension.forwarding_numbers)]
