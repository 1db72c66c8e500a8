"""Keyed hashes stay the HMAC-SHA256 they always were, so factors stored by older imports still match."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from store.hashing import keyed_hash, same


@pytest.mark.parametrize("secret", [b"k", b"bench-secret-0123456789abcdef", b"x" * 64, bytes(range(256)) * 2])
def test_keyed_hash_is_hmac_sha256_of_purpose_and_value(secret):
    for purpose, value in [("factor:dob:CN-0001", "1985-04-12"), ("link", "tok"), ("factor:phone:A", "")]:
        expected = hmac.new(secret, f"{purpose}\x00{value}".encode(), hashlib.sha256).hexdigest()
        assert keyed_hash(secret, purpose, value) == expected


def test_digests_under_different_secrets_and_purposes_differ():
    purposes = ("factor:dob:A", "factor:dob:B")
    digests = {keyed_hash(s, p, "1985-04-12") for s in (b"one", b"two") for p in purposes}
    assert len(digests) == 4
    assert keyed_hash(b"one", "link", "t") == keyed_hash(b"one", "link", "t")  # the cached key is not used up
    assert same(keyed_hash(b"one", "link", "t"), keyed_hash(b"one", "link", "t"))
