"""The offline verifier against bundles built here with fresh keys (python3-cryptography), one
per rule and per tampering; the live test (test_live.py) checks it against the real service."""
import base64
import copy
import hashlib
import json

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519

from sealer_client import offline

b64 = lambda b: base64.b64encode(b).decode("ascii")  # noqa: E731


def pem(key):
    return key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode("ascii")


class World:
    """A root, one suite, a receipt: what a Sealer service would publish, built by hand."""

    def __init__(self):
        self.root = ec.generate_private_key(ec.SECP256R1())
        self.suite = ed25519.Ed25519PrivateKey.generate()
        body = {"v": 1, "suite_id": "suite-20261201-00000001", "algorithms": ["ed25519", "ml-dsa-65"],
                "public_keys": {"ed25519": pem(self.suite), "ml-dsa-65": "not checked in Python"},
                "sign_from": "2026-12-01T00:00:00.000000Z", "sign_until": "2027-12-01T00:00:00.000000Z",
                "verify_until": "2028-01-01T00:00:00.000000Z", "issued_at": "2026-12-01T00:00:00.000000Z"}
        cert = dict(body, root_signatures={"ecdsa-p256": self.root_sign(offline.CERTIFICATE_DOMAIN, body), "ml-dsa": b64(b"x")})
        self.trust = {"format": "sealer-trust-bundle/v1", "authority": "test", "issued_at": "2026-12-01T00:00:00Z",
                      "root_keys": {"ecdsa-p256": pem(self.root), "ml-dsa-65": "-"}, "suites": [cert]}
        self.receipt = {"v": 1, "seal_id": "01a2012d-2e23-72d7-882f-43083eb09316", "request_id": "r-1",
                        "digest": {"algorithm": "sha-256", "value": hashlib.sha256(b"hello\n").hexdigest()},
                        "subject": "dataset.csv", "stage": "training", "labels": {"team": "\u00e9quipe"}, "parents": [],
                        "suite_id": "suite-20261201-00000001", "committed_at": "2026-12-02T10:00:00.123456Z", "signer": "CN=x"}

    def root_sign(self, domain, body):
        return b64(self.root.sign(domain + offline.canonical_json(body), ec.ECDSA(hashes.SHA256())))

    def status(self, **entry):
        sl = {"v": 1, "issued_at": "2026-12-03T00:00:00.000000Z", "suites": [dict(suite_id="suite-20261201-00000001", **entry)]}
        self.trust["status_list"] = dict(sl, root_signatures={"ecdsa-p256": self.root_sign(offline.STATUS_LIST_DOMAIN, sl), "ml-dsa": b64(b"x")})

    def signed(self):
        sig = self.suite.sign(offline.RECEIPT_DOMAIN + offline.canonical_json(self.receipt))
        return {"format": "sealer-seal-bundle/v2", "receipt": b64(offline.canonical_json(self.receipt)),
                "signatures": {"ed25519": b64(sig), "ml-dsa": b64(b"not checked in Python")}}

    def anchored(self, checkpoint_time="2026-12-02T10:00:01.000000Z"):
        """The receipt as leaf 2 of a three-leaf log, with its proof and an Ed25519-signed checkpoint."""
        leaves = [offline.leaf_hash(b"a"), offline.leaf_hash(b"b"), offline.leaf_hash(offline.canonical_json(self.receipt))]
        root = offline.node_hash(offline.node_hash(leaves[0], leaves[1]), leaves[2])
        body = "test/log\n3\n%s\ntime %s\n" % (b64(root), checkpoint_time)
        name = "suite-20261201-00000001/ed25519"
        raw = self.suite.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        key_id = offline.note_key_id(name, b"\x01", raw)
        note = body + "\n\u2014 %s %s\n" % (name, b64(key_id + self.suite.sign(body.encode())))
        return {"format": "sealer-seal-bundle/v2", "receipt": b64(offline.canonical_json(self.receipt)), "signatures": {},
                "anchor": {"leaf_index": 2, "tree_size": 3, "inclusion_proof": [b64(offline.node_hash(leaves[0], leaves[1]))],
                           "checkpoint": note, "checkpoint_suite_id": "suite-20261201-00000001"}}

    def verify(self, bundle, digest=None):
        return offline.verify_bundle(json.dumps(bundle), offline.TrustBundle(copy.deepcopy(self.trust)), digest)


@pytest.fixture
def w():
    return World()


def edit_receipt(bundle, field, value):
    """Changes one receipt field inside a v2 bundle, writing the bytes back in canonical form."""
    receipt = json.loads(base64.b64decode(bundle["receipt"]))
    receipt[field] = value
    bundle["receipt"] = b64(offline.canonical_json(receipt))
    return bundle


def as_v1(bundle):
    """The same seal as a v1 bundle (the receipt as a JSON object), as older services wrote it."""
    return dict(bundle, format="sealer-seal-bundle/v1", receipt=json.loads(base64.b64decode(bundle["receipt"])))


def test_signed_seal_is_valid_with_and_without_the_artifact(w):
    assert w.verify(w.signed()).valid
    v = w.verify(w.signed(), ("sha-256", hashlib.sha256(b"hello\n").digest()))
    assert v.valid and "matches the artifact" in v.detail and "ml-dsa not checked" in v.detail


def test_anchored_seal_is_valid(w):
    v = w.verify(w.anchored())
    assert v.valid, v
    assert "included in checkpoint 3" in v.detail


def test_another_artifact_is_anchor_mismatch(w):
    v = w.verify(w.signed(), ("sha-256", hashlib.sha256(b"tampered\n").digest()))
    assert (v.valid, v.reason) == (False, "ANCHOR_MISMATCH")


@pytest.mark.parametrize("field,value", [("subject", "other.csv"), ("labels", {"team": "equipe"}), ("signer", "CN=y")])
def test_a_changed_receipt_field_breaks_the_signature(w, field, value):
    assert w.verify(edit_receipt(w.signed(), field, value)).reason == "SIGNATURE_INVALID"


def test_a_changed_receipt_field_breaks_the_anchor(w):
    assert w.verify(edit_receipt(w.anchored(), "subject", "other.csv")).reason == "MERKLE_PROOF_INVALID"


def test_the_bundle_carries_the_exact_signed_bytes_with_non_ascii_escaped(w):
    raw = base64.b64decode(w.signed()["receipt"])
    assert b'"labels":{"team":"\\u00e9quipe"}' in raw and raw.isascii()
    assert w.verify(w.signed()).valid


def test_receipt_bytes_not_in_canonical_form_are_a_malformed_bundle(w):
    for raw in (b" " + offline.canonical_json(w.receipt), json.dumps(w.receipt, ensure_ascii=False).encode("utf-8"), b"not json", b"[]"):
        bundle = dict(w.signed(), receipt=b64(raw))
        assert w.verify(bundle).reason == "MALFORMED_BUNDLE", raw
    assert w.verify(dict(w.signed(), receipt="***")).reason == "MALFORMED_BUNDLE"
    assert w.verify(dict(w.signed(), receipt=w.receipt)).reason == "MALFORMED_BUNDLE"  # an object is v1's shape


def test_v1_bundles_with_the_receipt_as_an_object_still_verify(w):
    assert w.verify(as_v1(w.signed())).valid
    assert w.verify(as_v1(w.anchored())).valid
    tampered = as_v1(w.signed())
    tampered["receipt"]["subject"] = "other.csv"
    assert w.verify(tampered).reason == "SIGNATURE_INVALID"
    assert w.verify(dict(w.signed(), format="sealer-seal-bundle/v0")).reason == "MALFORMED_BUNDLE"


def test_a_stripped_signature_is_invalid(w):
    bundle = w.signed()
    del bundle["signatures"]["ml-dsa"]
    assert w.verify(bundle).reason == "SIGNATURE_INVALID"


def test_unknown_suite_and_uncertified_suite(w):
    assert w.verify(edit_receipt(w.signed(), "suite_id", "suite-unknown")).reason == "UNKNOWN_SUITE"
    w.trust["suites"][0]["sign_until"] = "2030-01-01T00:00:00.000000Z"  # not what the root certified
    assert w.verify(w.signed()).reason == "SIGNATURE_INVALID"


def test_checkpoint_tampering(w):
    bundle = w.anchored()
    bundle["anchor"]["checkpoint"] = bundle["anchor"]["checkpoint"].replace("test/log\n3\n", "test/log\n4\n")
    assert w.verify(bundle).reason == "SIGNATURE_INVALID"
    bundle = w.anchored()
    bundle["anchor"]["tree_size"] = 4
    assert w.verify(bundle).reason == "MERKLE_PROOF_INVALID"
    bundle = w.anchored()
    bundle["anchor"]["inclusion_proof"] = []
    assert w.verify(bundle).reason == "MERKLE_PROOF_INVALID"


def test_outside_the_signing_window(w):
    w.receipt["committed_at"] = "2028-06-01T00:00:00.000000Z"
    assert w.verify(w.signed()).reason == "OUTSIDE_VALIDITY"


def test_signing_ended_early_by_rotation(w):
    w.status(status="OVERLAP", signing_ended_at="2026-12-02T09:00:00.000000Z")
    assert w.verify(w.signed()).reason == "OUTSIDE_VALIDITY"


def test_revocation_keeps_only_seals_anchored_before_the_compromise(w):
    w.status(status="REVOKED", compromised_since="2026-12-02T10:00:05.000000Z", revoked_at="2026-12-03T00:00:00.000000Z", reason="t")
    assert w.verify(w.signed()).reason == "SUITE_REVOKED"  # no anchor
    assert w.verify(w.anchored("2026-12-02T10:00:01.000000Z")).valid
    assert w.verify(w.anchored("2026-12-02T10:00:06.000000Z")).reason == "SUITE_REVOKED"
    w.status(status="REVOKED", compromised_since="2026-12-02T09:00:00.000000Z", revoked_at="2026-12-03T00:00:00.000000Z", reason="t")
    assert w.verify(w.anchored()).reason == "SUITE_REVOKED"


def test_a_status_list_not_signed_by_the_root_is_refused(w):
    w.status(status="ACTIVE")
    w.trust["status_list"]["suites"][0]["status"] = "RETIRED"
    assert w.verify(w.signed()).reason == "SIGNATURE_INVALID"


def test_not_a_bundle(w):
    assert w.verify({"format": "x"}).reason == "MALFORMED_BUNDLE"
    assert offline.verify_bundle("not json", offline.TrustBundle(w.trust)).reason == "MALFORMED_BUNDLE"


def test_canonical_json_escapes_non_ascii_and_sorts_keys():
    assert offline.canonical_json({"b": 1, "a": "\u00e9\U0001f600"}) == b'{"a":"\\u00e9\\ud83d\\ude00","b":1}'
