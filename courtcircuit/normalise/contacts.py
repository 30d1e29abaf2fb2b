"""Phones (E.164 with `phonenumbers`), e-mail, website, SIRET."""

from __future__ import annotations

import functools
import re
from urllib.parse import urlsplit

import phonenumbers

from courtcircuit.messages import Message
from courtcircuit.record import Record

# A host name: dot-separated labels of letters (any script), digits and hyphens.
_HOST = re.compile(r"^(?:[^\W_](?:[\w-]{0,61}[^\W_])?\.)+[^\W\d_]{2,63}$")
_EMAIL = re.compile(r"^[A-Za-z0-9._%+'-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$")


# The usual French writings ("04 65 71 36 45", "04.65.71.36.45", "0465713645", "+33 4 65 71 36
# 45"): their national number is read directly, as phonenumbers.parse (the costliest part of
# normalising a 10^6-row build) would read it; any other writing goes through parse.
_PLAIN_FR = re.compile(r"(?:0|\+33 ?)([1-9])[ .-]?(\d\d)[ .-]?(\d\d)[ .-]?(\d\d)[ .-]?(\d\d)")


def _parse_fr(text: str) -> phonenumbers.PhoneNumber:
    plain = _PLAIN_FR.fullmatch(text)
    if plain is not None:
        return phonenumbers.PhoneNumber(country_code=33, national_number=int("".join(plain.groups())))
    return phonenumbers.parse(text, "FR")


@functools.lru_cache(maxsize=1 << 16)
def e164(text: str) -> str | None:
    """The number in E.164 ("+33465713645"), or None when it is not a valid number."""
    try:
        number = _parse_fr(text)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_phone(rec: Record) -> None:
    if not rec.phone:
        rec.phone = None
        return
    raw = rec.phone
    # Sources often hold two numbers in one cell; the first is the one people call.
    first = re.split(r"[;/,]| ou ", raw)[0].strip()
    phone = e164(first)
    if phone is None:
        rec.phone = None
        rec.note("phone", raw, Message("numéro de téléphone invalide : « {phone} »", phone=raw))
        return
    rec.phone = phone


def normalise_email(rec: Record) -> None:
    if not rec.email:
        rec.email = None
        return
    raw = rec.email
    email = raw.strip().removeprefix("mailto:").strip().lower()
    if not _EMAIL.match(email):
        rec.email = None
        rec.note("email", raw, Message("adresse e-mail invalide : « {address} »", address=raw))
        return
    rec.email = email


def normalise_website(rec: Record) -> None:
    if not rec.website:
        rec.website = None
        return
    raw = rec.website.strip()
    url = raw if re.match(r"^https?://", raw, re.IGNORECASE) else f"https://{raw}"
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        parts.port  # noqa: B018 - raises ValueError on "javascript:alert(1)" read as host:port
    except ValueError:
        host = ""
    # Only web addresses: a javascript: or data: URL must never become a link, even once
    # "https://" is put in front of it ("https://javascript:alert(document.cookie)").
    if parts.scheme.lower() not in ("http", "https") or not _HOST.match(host) or " " in url:
        rec.website = None
        rec.note("website", raw, Message("site web invalide : « {value} »", value=raw))
        return
    rec.website = url


def _luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch) * (2 if i % 2 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


def normalise_siret(rec: Record) -> None:
    if not rec.siret:
        rec.siret = None
        return
    raw = rec.siret
    digits = re.sub(r"[\s.]", "", raw)
    # La Poste's SIRETs (SIREN 356000000) use a different checksum rule.
    if not (len(digits) == 14 and digits.isdigit() and (_luhn_ok(digits) or digits.startswith("356000000"))):
        rec.siret = None
        rec.note(
            "siret",
            raw,
            Message("SIRET invalide (14 chiffres avec clé de contrôle) : « {value} »", value=raw),
        )
        return
    rec.siret = digits
