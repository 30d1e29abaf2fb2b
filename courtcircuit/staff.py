"""The staff password that guards the review of buyers' needs, until the staff workspace exists.

No password ships with the code: the deployer sets an Argon2 hash in
``COURT_CIRCUIT_STAFF_PASSWORD_HASH`` (environment) or ``staff_password_hash`` in
``.streamlit/secrets.toml``. Without it the review is closed. Make a hash with::

    python -m courtcircuit.staff
"""

from __future__ import annotations

import getpass
import os
import sys

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

ENV_VAR = "COURT_CIRCUIT_STAFF_PASSWORD_HASH"
MIN_LENGTH = 12
_HASHER = PasswordHasher()


class StaffNotConfigured(RuntimeError):
    """No staff password hash was configured."""


def hash_password(password: str) -> str:
    if len(password) < MIN_LENGTH:
        raise ValueError(f"le mot de passe doit avoir au moins {MIN_LENGTH} caractères")
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
    try:
        return _HASHER.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def main() -> int:
    password = getpass.getpass("Mot de passe de l'équipe : ")
    if password != getpass.getpass("Encore une fois : "):
        print("Les deux saisies diffèrent.", file=sys.stderr)
        return 1
    try:
        print(hash_password(password))
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
