"""The technicians' PIN: stored only as a salted PBKDF2 hash (config `technician.pin_hash`)."""

from __future__ import annotations

import hashlib
import hmac
import secrets

ITERATIONS = 200_000
_ALGORITHM = "pbkdf2_sha256"


def hash_pin(pin: str, *, iterations: int = ITERATIONS) -> str:
    """`pbkdf2_sha256$<iterations>$<salt hex>$<hash hex>`, the format the config accepts."""
    salt = secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", pin.encode(), salt, iterations)
    return f"{_ALGORITHM}${iterations}${salt.hex()}${digest.hex()}"


def verify_pin(pin: str, pin_hash: str) -> bool:
    """True when `pin` matches; an empty or malformed hash matches nothing."""
    try:
        algorithm, iterations, salt, expected = pin_hash.split("$")
        if algorithm != _ALGORITHM:
            return False
        digest = hashlib.pbkdf2_hmac("sha256", pin.encode(), bytes.fromhex(salt), int(iterations))
    except ValueError:
        return False
    return hmac.compare_digest(digest.hex(), expected)
