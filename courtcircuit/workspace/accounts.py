"""Personal staff accounts: roles, territories, Argon2id passwords, throttled sign-in, the log.

Roles: ``admin`` (everything, accounts included), ``editor`` (edits listings inside a
territory), ``moderator`` (handles public suggestions and buyers' needs). Everyone can read.
No account and no password ship with the code: the first admin is created with
``python -m courtcircuit.staff add-user EMAIL --role admin``. Refusals and sign-in messages are
French ``courtcircuit.messages.Message``s, which the interface translates.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select

from courtcircuit.communes import CommuneIndex
from courtcircuit.messages import N_, Message
from courtcircuit.staff import MAX_LENGTH, MIN_LENGTH, check_password, guarded_check, hash_password
from courtcircuit.throttle import Throttle
from courtcircuit.workspace.models import Account, AccountEvent
from courtcircuit.workspace.store import Store

ROLES = {"admin": N_("Administrateur"), "editor": N_("Éditeur"), "moderator": N_("Modérateur")}
_DEPARTEMENT = re.compile(r"^(\d{2}|2[AB]|97\d)$")
_COMMUNE = re.compile(r"^(\d{5}|2[AB]\d{3})$")
_EPCI = re.compile(r"^\d{9}$")
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")
THROTTLE_SCOPE = "staff-accounts"
# Checked against when the e-mail is unknown, so that a wrong e-mail costs the same time as a
# wrong password (no account enumeration by timing). A hash of a random text, made once.
_UNKNOWN_ACCOUNT_HASH = hash_password("compte inconnu : ce mot de passe n'est celui de personne")


class AccountError(ValueError):
    """A refused account operation; the message is in French (a Message: ``str(exc)`` keeps it)."""


@dataclass(frozen=True)
class Territory:
    """Where an editor may edit: départements and communes, by INSEE code."""

    codes: tuple[str, ...] = ()
    name: str = ""

    @classmethod
    def parse(cls, text: str, name: str = "", communes: CommuneIndex | None = None) -> Territory:
        """ "63, 42", "63003 63004" or "200070761": each code a département, a commune, or an
        EPCI (SIREN, 9 digits: stored as its member communes, so that a change of perimeter in
        the data never widens an account by itself); anything else is refused, named."""
        codes: list[str] = []
        names: list[str] = []
        for raw in re.split(r"[\s,;]+", text.strip()):
            code = raw.strip().upper()
            if not code:
                continue
            if _EPCI.match(code):
                if communes is None:
                    raise AccountError(
                        Message("« {code} » est un EPCI : l'index des communes est nécessaire", code=code)
                    )
                try:
                    epci_name, members = communes.epci(code)
                except LookupError as exc:
                    raise AccountError(
                        Message("EPCI inconnu : « {code} » (code SIREN à 9 chiffres)", code=code)
                    ) from exc
                codes.extend(members)
                names.append(epci_name)
            elif _DEPARTEMENT.match(code) or _COMMUNE.match(code):
                codes.append(code)
            else:
                raise AccountError(
                    Message(
                        "« {code} » n'est ni un département (63, 2A, 974), ni une commune (63003), "
                        "ni un EPCI (SIREN à 9 chiffres)",
                        code=raw[:20],
                    )
                )
        return cls(tuple(dict.fromkeys(codes)), name or ", ".join(names))

    @classmethod
    def from_file(cls, path: Path, name: str = "") -> Territory:
        """A perimeter given as a list of communes (a Parc's charter): one INSEE code per line,
        or the first column of a CSV; a header line and blank lines are skipped."""
        codes = []
        for line in path.read_text(encoding="utf-8-sig").splitlines():
            first = re.split(r"[;,\t]", line.strip())[0].strip().strip('"')
            if _COMMUNE.match(first.upper()):
                codes.append(first.upper())
        if not codes:
            raise AccountError(
                Message("aucun code commune (INSEE, 5 caractères) dans {file}", file=path.name)
            )
        return cls(tuple(dict.fromkeys(codes)), name or path.stem)

    def covers(self, insee: str | None) -> bool:
        if not insee:
            return False
        code = insee.upper()
        departement = code[:3] if code.startswith(("97", "98")) else code[:2]
        return code in self.codes or departement in self.codes

    def describe(self) -> str:
        """« PNR (63, 42) », « 63001, 63002, … et 30 autres »: a Message when it has words."""
        shown = ", ".join(self.codes[:12])
        if len(self.codes) > 12:
            shown = Message("{codes} et {n} autres", codes=shown, n=len(self.codes) - 12)
        return Message("{name} ({codes})", name=self.name, codes=shown) if self.name else shown


@dataclass(frozen=True)
class StaffMember:
    """A signed-in person, as the pages see them."""

    email: str
    role: str
    territory: Territory

    def can_edit(self, insee: str | None) -> bool:
        if self.role == "admin":
            return True
        return self.role == "editor" and self.territory.covers(insee)

    @property
    def can_moderate(self) -> bool:
        return self.role in ("admin", "moderator")

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


def _now() -> datetime:
    return datetime.now(UTC)


def _member(account: Account) -> StaffMember:
    return StaffMember(
        account.email, account.role, Territory(tuple(account.territory), account.territory_name)
    )


def _clean_email(email: str) -> str:
    value = email.strip().lower()
    if not _EMAIL.match(value) or len(value) > 254:
        raise AccountError(Message("adresse e-mail invalide : « {address} »", address=email[:60]))
    return value


def log(store: Store, email: str, event: str, client: str = "", detail: str = "") -> None:
    with store.session() as s:
        s.add(
            AccountEvent(at=_now(), email=email[:254], event=event, client=client[:100], detail=detail[:500])
        )


def add_account(
    store: Store, email: str, role: str, password: str, territory: Territory = Territory()
) -> StaffMember:
    email = _clean_email(email)
    if role not in ROLES:
        raise AccountError(Message("rôle inconnu : « {role} » (admin, editor ou moderator)", role=role))
    if role == "editor" and not territory.codes:
        raise AccountError(Message("un éditeur a un territoire : --territory 63,42 ou --communes FICHIER"))
    if len(password) > MAX_LENGTH:
        raise AccountError(Message("mot de passe trop long ({n} caractères au plus)", n=MAX_LENGTH))
    try:
        password_hash = hash_password(password)
    except ValueError as exc:
        raise AccountError(str(exc)) from exc
    with store.session() as s:
        if s.scalar(select(Account).where(Account.email == email)) is not None:
            raise AccountError(Message("le compte {email} existe déjà", email=email))
        account = Account(
            email=email, role=role, territory=list(territory.codes), territory_name=territory.name,
            password_hash=password_hash, created_at=_now(), disabled=False,
        )  # fmt: skip
        s.add(account)
        s.add(AccountEvent(at=_now(), email=email, event="account_created", detail=role))
        return _member(account)


def has_accounts(store: Store) -> bool:
    with store.session() as s:
        return bool(s.scalar(select(func.count()).select_from(Account)))


def members(store: Store) -> list[StaffMember]:
    with store.session() as s:
        return [
            _member(a) for a in s.scalars(select(Account).where(~Account.disabled).order_by(Account.email))
        ]


@dataclass(frozen=True)
class SignIn:
    member: StaffMember | None
    message: str = ""  # in French (a Message, or the check's French), for the person signing in


def sign_in(store: Store, email: str, password: str, throttle: Throttle, client: str) -> SignIn:
    """Check e-mail and password behind the throttle (per client and per account) and the
    bounded hashing slots: a throttled attempt is refused before Argon2 runs."""
    key = email.strip().lower()[:254]
    outcome = guarded_check(
        password, lambda: _stored_hash(store, key), throttle, client, account=key, scope=THROTTLE_SCOPE
    )
    if outcome.ok:
        with store.session() as s:
            account = s.scalar(select(Account).where(Account.email == key, ~Account.disabled))
            if account is not None:
                s.add(AccountEvent(at=_now(), email=key, event="sign_in", client=client[:100]))
                return SignIn(_member(account))
    log(store, key, "sign_in_failed", client, outcome.message)
    return SignIn(None, Message("E-mail ou mot de passe incorrect.") if outcome.checked else outcome.message)


def _stored_hash(store: Store, email: str) -> str:
    with store.session() as s:
        account = s.scalar(select(Account).where(Account.email == email, ~Account.disabled))
        return account.password_hash if account is not None else _UNKNOWN_ACCOUNT_HASH


def change_password(store: Store, email: str, old: str, new: str) -> None:
    if len(new) < MIN_LENGTH:
        raise AccountError(
            Message("le nouveau mot de passe doit avoir au moins {n} caractères", n=MIN_LENGTH)
        )
    with store.session() as s:
        account = s.scalar(select(Account).where(Account.email == email))
        if account is None or not check_password(old, account.password_hash):
            raise AccountError(Message("mot de passe actuel incorrect"))
        account.password_hash = hash_password(new)
        s.add(AccountEvent(at=_now(), email=email, event="password_changed"))


def unlock(store: Store, throttle: Throttle, admin: str, email: str) -> None:
    """Lift the sign-in lock of an account (an admin's decision, logged)."""
    throttle.succeeded(THROTTLE_SCOPE, [f"account:{email.strip().lower()}"])
    log(store, email, "unlocked", detail=f"par {admin}")


def set_disabled(store: Store, email: str, disabled: bool, by: str) -> None:
    """Close (or reopen) an account: someone who left the team signs in no more, by password or
    through the identity provider; their revisions keep their name. Logged."""
    email = email.strip().lower()
    with store.session() as s:
        account = s.scalar(select(Account).where(Account.email == email))
        if account is None:
            raise AccountError(Message("aucun compte {email}", email=email))
        if disabled and account.role == "admin" and not account.disabled:
            admins = s.scalar(
                select(func.count()).select_from(Account).where(Account.role == "admin", ~Account.disabled)
            )
            if admins <= 1:
                raise AccountError(
                    Message("c'est le dernier administrateur actif : créez-en un autre d'abord")
                )
        account.disabled = disabled
        s.add(
            AccountEvent(
                at=_now(), email=email, event="disabled" if disabled else "enabled", detail=f"par {by}"
            )
        )


def recent_events(store: Store, limit: int = 200) -> list[AccountEvent]:
    with store.session() as s:
        return list(s.scalars(select(AccountEvent).order_by(AccountEvent.at.desc()).limit(limit)))
