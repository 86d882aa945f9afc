"""Keyed pseudonyms for children's identifiers, and the NHS number check digit.

DATA PROTECTION: names, NHS numbers, UPNs, ULNs and dates of birth never leave this module in clear. The key
comes from `SEND_PSEUDONYM_KEY`, else a key file beside the database created with 0600
permissions. Anyone holding the key and a list of NHS numbers can re-identify: keep it secret.
"""

from __future__ import annotations

import hmac
import os
import re
import secrets
from pathlib import Path

KEY_ENV = "SEND_PSEUDONYM_KEY"
_NON_DIGIT = re.compile(r"\D")


def key_file_for(db: Path) -> Path:
    return db.with_name(db.name + ".key")


class PseudonymKeyError(ValueError):
    """The key is empty: nothing is pseudonymised with it (anyone could recompute the pseudonyms
    from NHS numbers). Keys are 64 random hex characters when this module makes them."""


def load_key(db: Path) -> bytes:
    """The pseudonym key: from the environment, else the key file (created on first use, whole:
    written to a temporary file and renamed, so no process ever reads a half-written key)."""
    env = os.environ.get(KEY_ENV)
    if env is not None:
        return _checked(env.encode("utf-8"), f"${KEY_ENV}")
    path = key_file_for(db)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(secrets.token_hex(32).encode("ascii"))
        try:
            os.link(tmp, path)  # fails if another process made the key first: theirs is kept
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    return _checked(path.read_bytes().strip(), str(path))


def _checked(key: bytes, where: str) -> bytes:
    if not key.strip():
        raise PseudonymKeyError(f"the pseudonym key in {where} is empty: set a long random one "
                                "(see docs/security.md)")
    return key.strip()


def pseudonym(key: bytes, kind: str, value: str) -> str:
    """HMAC-SHA256 of a normalised identifier, shortened to 20 hex characters (80 bits)."""
    # hmac.digest is the one-shot (OpenSSL) form of hmac.new(...).digest(): the same bytes.
    return hmac.digest(key, f"{kind}:{value}".encode(), "sha256").hex()[:20]


def normalise_nhs_number(value: object) -> str:
    """Digits only: '943 476 5919', '943-476-5919' and 9434765919.0 are one number."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return _NON_DIGIT.sub("", str(value))


def nhs_number_is_valid(digits: str) -> bool:
    """Modulus 11: weights 10..2 on the first nine digits; 11 - remainder is the check digit."""
    if len(digits) != 10 or not digits.isdigit() or len(set(digits)) == 1:
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def person_key(nhs_number: str | None = None, name: str | None = None,
               birth_iso: str | None = None, upn: str | None = None,
               uln: str | None = None) -> str | None:
    """What identifies a child: the NHS number if present, else the unique pupil number, else
    the unique learner number, else name with date of birth."""
    if nhs_number:
        return f"nhs:{nhs_number}"
    if upn:
        return "upn:" + "".join(upn.upper().split())
    if uln:
        return "uln:" + "".join(uln.upper().split())
    if name and birth_iso:
        return "name:" + " ".join(name.lower().split()) + "|" + birth_iso
    return None
