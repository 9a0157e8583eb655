"""Salted commitments (seed 003 / LCM 8.6): the salt derivation against the seed's test vector shape, computed here
independently with python3-cryptography's HKDF; determinism; and an opening that matches only the committed value."""
import hashlib
import json

import pytest

from sealer_client import commitment as cm

# the seed's inputs (LCM "Privacy Masking Determinism Test")
REQUEST_ID = "req_abc123"
MODEL_ANCHOR = "model_v1.0_hash"
CONTEXT_SALT = "system_deployment_2024"
# HKDF-SHA256(IKM "req_abc123||model_v1.0_hash", salt "system_deployment_2024", info "lcm_privacy_masking", L 32)
EXPECTED_SALT = "9103182a956cf213a7005b295fe0d8764f07639dead3bad67757fe8e4ccfa114"
# SHA-256('"approve"' || salt)
EXPECTED_APPROVE = "e7066319fe929bb012a859d7ac54f38c873a9146e1d16e036894bac7d7d0ec74"


def test_salt_of_the_seed_inputs_is_the_vector():
    assert cm.derive_salt(REQUEST_ID, MODEL_ANCHOR, CONTEXT_SALT).hex() == EXPECTED_SALT


def test_salt_matches_an_independent_hkdf():
    hkdf = pytest.importorskip("cryptography.hazmat.primitives.kdf.hkdf")
    hashes = pytest.importorskip("cryptography.hazmat.primitives.hashes")
    for rid, anchor, ctx in [(REQUEST_ID, MODEL_ANCHOR, CONTEXT_SALT), ("r-2", "sha-256:" + "ab" * 32, b"\x00" * 32), ("é", "ü", "ctx")]:
        ctx_bytes = ctx if isinstance(ctx, bytes) else ctx.encode("utf-8")
        expected = hkdf.HKDF(algorithm=hashes.SHA256(), length=32, salt=ctx_bytes, info=b"lcm_privacy_masking").derive(
            ("%s||%s" % (rid, anchor)).encode("utf-8"))
        assert cm.derive_salt(rid, anchor, ctx) == expected


def test_commitment_is_deterministic_and_hides_which_value():
    a1 = cm.commitment("approve", REQUEST_ID, MODEL_ANCHOR, CONTEXT_SALT)
    assert a1 == cm.commitment("approve", REQUEST_ID, MODEL_ANCHOR, CONTEXT_SALT)
    assert a1.hex() == EXPECTED_APPROVE
    assert a1 != cm.commitment("deny", REQUEST_ID, MODEL_ANCHOR, CONTEXT_SALT)
    assert a1 != cm.commitment("approve", "req_abc124", MODEL_ANCHOR, CONTEXT_SALT), "another request, another salt"
    assert a1 != cm.commitment("approve", REQUEST_ID, MODEL_ANCHOR, "another context")
    # without the salt, the plain digests of the candidates do not reveal it
    assert a1 not in {hashlib.sha256(json.dumps(v).encode()).digest() for v in ("approve", "deny")}
    # structured values are canonical: key order does not matter
    assert cm.commitment({"b": 1, "a": [2]}, "r", "m", "c") == cm.commitment({"a": [2], "b": 1}, "r", "m", "c")


def test_opening_matches_only_the_committed_value_and_salt():
    salt = cm.derive_salt(REQUEST_ID, MODEL_ANCHOR, CONTEXT_SALT)
    sealed = cm.commit("approve", salt)
    assert cm.open_matches(sealed, "approve", salt)
    assert not cm.open_matches(sealed, "deny", salt)
    assert not cm.open_matches(sealed, "approve", cm.derive_salt(REQUEST_ID, MODEL_ANCHOR, "guess"))
    assert len(cm.new_context_salt()) == 32 and cm.new_context_salt() != cm.new_context_salt()
