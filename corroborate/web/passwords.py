"""Password hashing with argon2id (argon2-cffi's RFC 9106 low-memory profile) and one-time passwords."""
from __future__ import annotations

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
WORDS = ("amber", "birch", "cedar", "delta", "ember", "fjord", "grove", "harbor", "island", "juniper", "kettle",
         "lantern", "meadow", "north", "orchard", "prairie", "quartz", "river", "summit", "tundra", "upland",
         "valley", "willow", "yarrow", "zephyr", "basalt", "canyon", "dune", "estuary", "glacier")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password(stored: str, password: str) -> bool:
    try:
        return _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def one_time_password() -> str:
    """Easy to read off a paper slip and type on a phone: two words and three digits."""
    return f"{secrets.choice(WORDS)}-{secrets.choice(WORDS)}-{secrets.randbelow(900) + 100}"


# A hash to verify against when the username does not exist, so that timing does not reveal which usernames exist.
DUMMY_HASH = hash_password(secrets.token_hex(8))
