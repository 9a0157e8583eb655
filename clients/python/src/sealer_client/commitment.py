"""Salted commitments: seal a low-entropy value (an inference decision "approve"/"deny", a small label set) so that the
seal does not reveal it (LCM seed, section 8.6 / seed 003). docs/lineage.md, "Salted commitments", is the reference.

A plain digest of "approve" can be found from the seal by trying the few possible values. A salted commitment is

    salt       = HKDF-SHA256(IKM = request_id || "||" || model_anchor_ref, salt = context_salt, info = "lcm_privacy_masking", L = 32)
    commitment = SHA-256(canonical_json(value) || salt)

(the seed's salt derivation, RFC 5869 extract-and-expand, and its anchor H = SHA256(D_canonical || S)). The request id and
the model anchor are public (the request id is in the receipt); the context salt is the secret the caller keeps, and it
must be a high-entropy secret (at least 16 random bytes: `new_context_salt()`), never a guessable name like the seed's
example "system_deployment_2024", or the commitment can be brute-forced again. The same (request_id, model_anchor_ref,
context_salt, value) always gives the same commitment.

To open a commitment to an auditor, the holder hands over the value, the request id, the model anchor reference and the
context salt (or only the derived 32-byte salt, which opens this one commitment and no other); the auditor recomputes the
commitment and checks it is the digest of the seal (`open_matches`, then verify the seal as usual). Differential-privacy
noise and k-anonymity are out of scope: Sealer never sees the data, only the digest the client computes.
"""

import hashlib
import hmac
import json
import os

HKDF_INFO = b"lcm_privacy_masking"
SALT_BYTES = 32


def _hkdf_sha256(ikm, salt, info, length):
    """RFC 5869: extract (PRK = HMAC(salt, IKM)) then expand (T(i) = HMAC(PRK, T(i-1) || info || i))."""
    prk = hmac.new(salt, ikm, hashlib.sha256).digest()
    out, block, i = b"", b"", 1
    while len(out) < length:
        block = hmac.new(prk, block + info + bytes([i]), hashlib.sha256).digest()
        out += block
        i += 1
    return out[:length]


def new_context_salt():
    """A fresh 32-byte context salt; keep it secret, as long as the commitments made with it must not be opened."""
    return os.urandom(32)


def derive_salt(request_id, model_anchor_ref, context_salt):
    """The per-commitment salt: deterministic in (request_id, model_anchor_ref, context_salt)."""
    if isinstance(context_salt, str):
        context_salt = context_salt.encode("utf-8")
    ikm = ("%s||%s" % (request_id, model_anchor_ref)).encode("utf-8")
    return _hkdf_sha256(ikm, context_salt, HKDF_INFO, SALT_BYTES)


def canonical_value(value):
    """The value's canonical bytes: JSON with sorted keys, no whitespace, ASCII only (as Sealer's receipts)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode("ascii")


def commit(value, salt):
    """SHA-256(canonical_json(value) || salt): the digest to seal."""
    if len(salt) != SALT_BYTES:
        raise ValueError("the salt is %d bytes" % SALT_BYTES)
    return hashlib.sha256(canonical_value(value) + salt).digest()


def commitment(value, request_id, model_anchor_ref, context_salt):
    """The salted commitment of a value for one request and model."""
    return commit(value, derive_salt(request_id, model_anchor_ref, context_salt))


def open_matches(sealed_digest, value, salt):
    """An opening (value and salt) matches a sealed SHA-256 digest (constant-time comparison)."""
    return hmac.compare_digest(commit(value, salt), sealed_digest)
