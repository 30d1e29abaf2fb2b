"""Staff passwords: Argon2 hashing, and the check behind the throttle and the hashing slots that
every sign-in goes through (personal accounts: ``courtcircuit.workspace.accounts``).

The commands (``add-user``, ``list-users``, ``unlock``, ``backup``, ``restore``, ``hash``) are
in ``courtcircuit/staff_cli.py`` and run as ``python -m courtcircuit.staff``. The old shared
password (``COURT_CIRCUIT_STAFF_PASSWORD_HASH``) is kept for its tests and its hash tool.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from courtcircuit.messages import Message
from courtcircuit.throttle import Backoff, Throttle

ENV_VAR = "COURT_CIRCUIT_STAFF_PASSWORD_HASH"
MIN_LENGTH = 12
MAX_LENGTH = 256  # also the sign-in box's max_chars; a longer text is refused without hashing
_HASHER = PasswordHasher()

# One Argon2 check takes 64 MiB and about 0.4 s of a core: at most two at a time in this
# process (10 parallel attempts took the server to 758 MB); an attempt that finds no free slot
# within HASH_WAIT_S is refused rather than queued.
HASH_SLOTS = 2
HASH_WAIT_S = 3.0
_hash_slots = threading.BoundedSemaphore(HASH_SLOTS)

# Per client (IP address, else the browser session): 3 free tries, then waits of 2, 4, 8…
# 60 s, and a 15-minute lock at the 10th failure in a row. Per account the thresholds are
# higher, so that one client cannot lock the team out alone while many clients together
# still cannot try more than ~50 passwords in a quarter of an hour.
THROTTLE_SCOPE = "staff-sign-in"
PER_CLIENT = Backoff(free=3, base_s=2, max_delay_s=60, lock_after=10, lock_s=15 * 60)
PER_ACCOUNT = Backoff(free=10, base_s=1, max_delay_s=30, lock_after=50, lock_s=15 * 60)
SHARED_ACCOUNT = "equipe"  # one shared password until personal accounts exist (issue 10)


class StaffNotConfigured(RuntimeError):
    """No staff password hash was configured."""


def hash_password(password: str) -> str:
    if len(password) < MIN_LENGTH:
        raise ValueError(Message("le mot de passe doit avoir au moins {n} caractères", n=MIN_LENGTH))
    return _HASHER.hash(password)


def configured_hash(secrets: dict | None = None) -> str:
    value = os.environ.get(ENV_VAR) or (secrets or {}).get("staff_password_hash")
    if not value or not str(value).startswith("$argon2"):
        raise StaffNotConfigured(
            "L'espace équipe est fermé : aucun mot de passe n'est configuré. L'administrateur doit définir "
            f"{ENV_VAR} (ou staff_password_hash dans .streamlit/secrets.toml) avec `python -m courtcircuit.staff`."
        )
    return str(value)


def check_password(password: str, stored_hash: str) -> bool:
    if len(password) > MAX_LENGTH:
        return False
    try:
        return _HASHER.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


@dataclass(frozen=True)
class Outcome:
    ok: bool
    checked: bool  # False: refused before any hashing (throttled, too long, no free slot)
    message: str = ""  # in French (a Message), for the person signing in


def guarded_check(
    password: str,
    stored_hash: Callable[[], str],
    throttle: Throttle,
    client: str,
    account: str,
    scope: str = THROTTLE_SCOPE,
) -> Outcome:
    """Check a password behind the throttle and the hashing slots.

    Everything that can refuse does so before Argon2 runs: the throttle (which counts this
    attempt, per client and per account), the length cap, then a free hashing slot.
    """
    keys = {f"client:{client}": PER_CLIENT, f"account:{account}": PER_ACCOUNT}
    verdict = throttle.attempt(scope, keys)
    if not verdict.allowed:
        return Outcome(False, False, verdict.message())
    if not password or len(password) > MAX_LENGTH:
        return Outcome(False, False, Message("Mot de passe incorrect."))
    if not _hash_slots.acquire(timeout=HASH_WAIT_S):
        return Outcome(
            False, False, Message("Trop de connexions en cours : réessayez dans quelques secondes.")
        )
    try:
        ok = check_password(password, stored_hash())
    finally:
        _hash_slots.release()
    if ok:
        throttle.succeeded(scope, list(keys))
        return Outcome(True, True)
    return Outcome(False, True, Message("Mot de passe incorrect."))


@dataclass(frozen=True)
class SignIn:
    ok: bool
    message: str = ""  # in French, for the person signing in


def sign_in(
    password: str, stored_hash: str, throttle: Throttle, client: str, account: str = SHARED_ACCOUNT
) -> SignIn:
    """The shared team password, checked behind the throttle (see guarded_check)."""
    outcome = guarded_check(password, lambda: stored_hash, throttle, client, account)
    return SignIn(outcome.ok, outcome.message)


if __name__ == "__main__":
    # The commands (accounts, backup, and the hash tool above) live in courtcircuit/staff_cli.py.
    from courtcircuit.staff_cli import main

    raise SystemExit(main())
