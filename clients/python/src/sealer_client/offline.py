"""Offline verification of Sealer seal bundles from a pinned trust bundle: no server, no database.

Pure Python (hashlib, base64, json) plus Debian's python3-cryptography (38) for Ed25519 and
ECDSA P-256. It checks the *classical half* of Sealer's verification rules (docs/api.md,
"Verification rules"), in the order of the Java verifier (core.verify.SealVerifier):

  1. the receipt's suite is in the trust bundle and its certificate carries a valid root
     ECDSA P-256 signature over "sealer/v1/suite-certificate\\n" || canonical(body)
     (UNKNOWN_SUITE, SIGNATURE_INVALID);
  2. SIGNED: the Ed25519 signature over "sealer/v1/receipt\\n" || canonical(receipt)
     (SIGNATURE_INVALID); ANCHORED: the leaf SHA-256(0x00 || canonical(receipt)) is included
     (RFC 9162 inclusion proof) in the checkpoint, whose root, size and Ed25519 signed-note line
     from a certified suite verify (MERKLE_PROOF_INVALID, SIGNATURE_INVALID);
  3. committed_at lies in [sign_from, end of signing) of the suite, the end being sign_until or
     the root-signed status list's signing_ended_at (OUTSIDE_VALIDITY);
  4. a revoked suite: seals committed at or after compromised_since fail, earlier ones need an
     anchor in a checkpoint whose time line is before compromised_since (SUITE_REVOKED);
  5. the artifact digest equals the sealed one (ANCHOR_MISMATCH).

What it does NOT check: the ML-DSA signatures (the suite's ML-DSA receipt signature, the ML-DSA
checkpoint line and the root's ML-DSA certificate and status-list signatures). Debian 12 has no
Python ML-DSA implementation; for the full dual check run the Java offline verifier
(`sealer cli verify --seal S --trust-bundle T [--file F]`, see `verify_with_java`). A verdict of
this module is therefore "valid (classical)", never the final word on a post-quantum seal.
"""

import base64
import hashlib
import json
import shlex
import subprocess
from datetime import datetime, timezone

RECEIPT_DOMAIN = b"sealer/v1/receipt\n"
CERTIFICATE_DOMAIN = b"sealer/v1/suite-certificate\n"
STATUS_LIST_DOMAIN = b"sealer/v1/revocation\n"
SEAL_BUNDLE_FORMAT = "sealer-seal-bundle/v2"
SEAL_BUNDLE_FORMAT_V1 = "sealer-seal-bundle/v1"
TRUST_BUNDLE_FORMAT = "sealer-trust-bundle/v1"
NOTE_SIGNATURE_PREFIX = "\u2014 "
NOTE_TYPE_ED25519 = b"\x01"


class Verdict:
    """The outcome of an offline check: valid, or invalid with one of Sealer's reasons."""

    def __init__(self, valid, reason, detail):
        self.valid = valid
        self.reason = reason
        self.detail = detail

    def __repr__(self):
        return "Verdict(%s, %s, %r)" % ("VALID" if self.valid else "INVALID", self.reason, self.detail)

    @staticmethod
    def ok(detail):
        return Verdict(True, "", detail)

    @staticmethod
    def bad(reason, detail):
        return Verdict(False, reason, detail)


class _Invalid(Exception):
    def __init__(self, reason, detail):
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


def canonical_json(value):
    """Sealer's canonical JSON: sorted keys, no whitespace, every non-ASCII character escaped."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode("ascii")


def parse_time(text):
    """An RFC 3339 UTC time as Sealer writes it (Z, up to microseconds) -> aware datetime."""
    if not isinstance(text, str) or not text.endswith("Z"):
        raise _Invalid("MALFORMED_BUNDLE", "not an RFC 3339 UTC time: %r" % (text,))
    body = text[:-1]
    fmt = "%Y-%m-%dT%H:%M:%S.%f" if "." in body else "%Y-%m-%dT%H:%M:%S"
    try:
        return datetime.strptime(body, fmt).replace(tzinfo=timezone.utc)
    except ValueError:
        raise _Invalid("MALFORMED_BUNDLE", "not an RFC 3339 UTC time: %r" % (text,)) from None


# ---- RFC 6962 / 9162 Merkle hashing --------------------------------------------------------

def leaf_hash(data):
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left, right):
    return hashlib.sha256(b"\x01" + left + right).digest()


class MerkleProofError(Exception):
    """An inclusion proof that cannot be right for the given index and size."""


def root_from_inclusion_proof(index, size, leaf, proof):
    """The root an RFC 9162 (section 2.1.3.2) inclusion proof implies for leaf `index` of a tree of `size`."""
    if size <= 0 or index < 0 or index >= size:
        raise MerkleProofError("leaf index %d outside a tree of size %d" % (index, size))
    if len(leaf) != 32 or any(len(p) != 32 for p in proof):
        raise MerkleProofError("hashes must be 32 bytes")
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            raise MerkleProofError("proof longer than the path (%d hashes)" % len(proof))
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn != 0 and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise MerkleProofError("proof shorter than the path (%d hashes)" % len(proof))
    return r


def verify_inclusion(index, size, leaf, proof, root):
    """True when the proof takes `leaf` to `root`; False on a wrong proof of any kind."""
    try:
        return hmac_equal(root_from_inclusion_proof(index, size, leaf, proof), root)
    except MerkleProofError:
        return False


def hmac_equal(a, b):
    import hmac
    return hmac.compare_digest(a, b)


# ---- keys -----------------------------------------------------------------------------------

def _load_pem(pem):
    from cryptography.hazmat.primitives.serialization import load_pem_public_key
    return load_pem_public_key(pem.encode("ascii"))


def _ed25519_verify(pem, message, signature):
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    key = _load_pem(pem)
    if not isinstance(key, Ed25519PublicKey):
        return False
    try:
        key.verify(signature, message)
        return True
    except InvalidSignature:
        return False


def _ed25519_raw(pem):
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
    return _load_pem(pem).public_bytes(Encoding.Raw, PublicFormat.Raw)


def _ecdsa_p256_verify(pem, message, der_signature):
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    key = _load_pem(pem)
    if not isinstance(key, ec.EllipticCurvePublicKey) or key.curve.name != "secp256r1":
        return False
    try:
        key.verify(der_signature, message, ec.ECDSA(hashes.SHA256()))
        return True
    except InvalidSignature:
        return False


def _b64(text):
    try:
        return base64.b64decode(text, validate=True)
    except (ValueError, TypeError):
        raise _Invalid("MALFORMED_BUNDLE", "not base64: %r" % (text,)) from None


# ---- signed notes and checkpoints -----------------------------------------------------------

def note_key_id(name, type_byte, public_key):
    """C2SP signed-note key id: SHA-256(name || 0x0A || type || public key)[:4]."""
    return hashlib.sha256(name.encode("utf-8") + b"\n" + type_byte + public_key).digest()[:4]


def open_note(note, key_name, ed25519_pem):
    """Checks the Ed25519 line of `key_name` in a signed note; returns the body text."""
    if not note.endswith("\n") or "\n\n" not in note:
        raise _Invalid("SIGNATURE_INVALID", "checkpoint is not a signed note")
    sep = note.rindex("\n\n")
    body, lines = note[:sep + 1], note[sep + 2:].split("\n")[:-1]
    key_id = note_key_id(key_name, NOTE_TYPE_ED25519, _ed25519_raw(ed25519_pem))
    found = False
    for line in lines:
        if not line.startswith(NOTE_SIGNATURE_PREFIX):
            raise _Invalid("SIGNATURE_INVALID", "malformed signature line in checkpoint")
        name, _, sig = line[len(NOTE_SIGNATURE_PREFIX):].partition(" ")
        blob = _b64(sig)
        if name != key_name or blob[:4] != key_id:
            continue  # another key's line (the ML-DSA one): not checked here
        if found:
            raise _Invalid("SIGNATURE_INVALID", "key %s signed the checkpoint twice" % key_name)
        if not _ed25519_verify(ed25519_pem, body.encode("utf-8"), blob[4:]):
            raise _Invalid("SIGNATURE_INVALID", "invalid checkpoint signature from %s" % key_name)
        found = True
    if not found:
        raise _Invalid("SIGNATURE_INVALID", "no checkpoint signature from %s" % key_name)
    return body


def parse_checkpoint(body):
    """(origin, size, root hash, {extension key: value}) of a C2SP tlog-checkpoint body."""
    lines = body[:-1].split("\n")
    if len(lines) < 3 or not lines[1].isdigit():
        raise _Invalid("MERKLE_PROOF_INVALID", "malformed checkpoint body")
    ext = {}
    for line in lines[3:]:
        k, _, v = line.partition(" ")
        ext[k] = v
    return lines[0], int(lines[1]), _b64(lines[2]), ext


# ---- trust bundle ---------------------------------------------------------------------------

class TrustBundle:
    """A pinned sealer-trust-bundle/v1: root keys, suite certificates and the status list."""

    def __init__(self, doc):
        if not isinstance(doc, dict) or doc.get("format") != TRUST_BUNDLE_FORMAT:
            raise ValueError("not a %s document" % TRUST_BUNDLE_FORMAT)
        self.doc = doc
        self.root_ecdsa_pem = doc["root_keys"]["ecdsa-p256"]
        self.suites = {s["suite_id"]: s for s in doc.get("suites", [])}
        self._certified = {}
        self._status = None

    @staticmethod
    def load(path):
        with open(path, "r", encoding="utf-8") as f:
            return TrustBundle(json.load(f))

    def certified_suite(self, suite_id):
        """The suite certificate when its root ECDSA signature verifies; raises _Invalid otherwise."""
        cert = self.suites.get(suite_id)
        if cert is None:
            raise _Invalid("UNKNOWN_SUITE", "suite %s is not in the trust bundle" % suite_id)
        if suite_id not in self._certified:
            body = {k: v for k, v in cert.items() if k != "root_signatures"}
            sig = _b64(cert.get("root_signatures", {}).get("ecdsa-p256", ""))
            self._certified[suite_id] = _ecdsa_p256_verify(self.root_ecdsa_pem, CERTIFICATE_DOMAIN + canonical_json(body), sig)
        if not self._certified[suite_id]:
            raise _Invalid("SIGNATURE_INVALID", "suite certificate of %s is not signed by the pinned root key" % suite_id)
        return cert

    def status(self, suite_id):
        """The root-signed status-list entry of a suite (dict) or None."""
        sl = self.doc.get("status_list")
        if sl is None:
            return None
        if self._status is None:
            body = {k: v for k, v in sl.items() if k != "root_signatures"}
            sig = _b64(sl.get("root_signatures", {}).get("ecdsa-p256", ""))
            self._status = _ecdsa_p256_verify(self.root_ecdsa_pem, STATUS_LIST_DOMAIN + canonical_json(body), sig)
        if not self._status:
            raise _Invalid("SIGNATURE_INVALID", "the suite status list is not signed by the pinned root key")
        for entry in sl.get("suites", []):
            if entry.get("suite_id") == suite_id:
                return entry
        return None


# ---- seals ----------------------------------------------------------------------------------

def verify_bundle(seal_bundle, trust, artifact_digest=None):
    """Verifies a seal bundle (dict or JSON text) against a TrustBundle; the classical half of
    the rules (see the module docstring). `artifact_digest`: (algorithm id, bytes) or None."""
    try:
        return _verify(seal_bundle, trust, artifact_digest)
    except _Invalid as e:
        return Verdict.bad(e.reason, e.detail)
    except (KeyError, TypeError, ValueError, AttributeError) as e:
        return Verdict.bad("MALFORMED_BUNDLE", "malformed seal bundle: %s" % e)


def bundle_receipt(bundle):
    """(receipt dict, the exact signed bytes) of a parsed seal bundle. v2 carries the bytes
    (base64), which must be in canonical form; v1 (older bundles) carries the receipt as a JSON
    object, whose canonical form is the signed bytes."""
    fmt = bundle.get("format")
    if fmt == SEAL_BUNDLE_FORMAT:
        raw = base64.b64decode(bundle["receipt"], validate=True)
        receipt = json.loads(raw.decode("utf-8"))
        if not isinstance(receipt, dict) or canonical_json(receipt) != raw:
            raise _Invalid("MALFORMED_BUNDLE", "receipt bytes are not in canonical form")
        return receipt, raw
    if fmt == SEAL_BUNDLE_FORMAT_V1:
        receipt = bundle["receipt"]
        if not isinstance(receipt, dict):
            raise _Invalid("MALFORMED_BUNDLE", "a %s receipt is a JSON object" % SEAL_BUNDLE_FORMAT_V1)
        return receipt, canonical_json(receipt)
    raise _Invalid("MALFORMED_BUNDLE", "not a %s (or %s) document" % (SEAL_BUNDLE_FORMAT, SEAL_BUNDLE_FORMAT_V1))


def _verify(seal_bundle, trust, artifact_digest):
    bundle = json.loads(seal_bundle) if isinstance(seal_bundle, (str, bytes)) else seal_bundle
    receipt, canonical = bundle_receipt(bundle)
    suite_id = receipt["suite_id"]
    cert = trust.certified_suite(suite_id)
    sigs = bundle.get("signatures") or {}
    anchor = bundle.get("anchor")
    if not (not sigs and anchor):
        if "ed25519" not in sigs or "ml-dsa" not in sigs:
            raise _Invalid("SIGNATURE_INVALID", "a seal needs both the ed25519 and the ml-dsa signature")
        if not _ed25519_verify(cert["public_keys"]["ed25519"], RECEIPT_DOMAIN + canonical, _b64(sigs["ed25519"])):
            raise _Invalid("SIGNATURE_INVALID", "the ed25519 receipt signature does not verify under suite %s" % suite_id)
    anchored_at = None
    if anchor:
        anchored_at = _verify_anchor(canonical, anchor, trust)
    committed = parse_time(receipt["committed_at"])
    status = trust.status(suite_id) or {}
    sign_from, sign_until = parse_time(cert["sign_from"]), parse_time(cert["sign_until"])
    if status.get("signing_ended_at"):
        sign_until = min(sign_until, parse_time(status["signing_ended_at"]))
    if not (sign_from <= committed < sign_until):
        raise _Invalid("OUTSIDE_VALIDITY", "committed_at %s is outside the signing window of suite %s [%s, %s)"
                       % (receipt["committed_at"], suite_id, cert["sign_from"], sign_until.isoformat()))
    if status.get("status") == "REVOKED" and status.get("compromised_since"):
        since = parse_time(status["compromised_since"])
        if committed >= since:
            raise _Invalid("SUITE_REVOKED", "suite %s is revoked: compromised since %s, this seal was committed after"
                           % (suite_id, status["compromised_since"]))
        if anchored_at is None or anchored_at >= since:
            raise _Invalid("SUITE_REVOKED", "suite %s is revoked (compromised since %s): the seal is not anchored in a "
                           "checkpoint signed before that time" % (suite_id, status["compromised_since"]))
    if artifact_digest is not None:
        algorithm, value = artifact_digest
        sealed = receipt["digest"]
        if sealed["algorithm"] != algorithm or not hmac_equal(bytes.fromhex(sealed["value"]), value):
            raise _Invalid("ANCHOR_MISMATCH", "the artifact digest %s:%s is not the sealed digest" % (algorithm, value.hex()))
    where = (", included in checkpoint %d signed by %s" % (anchor["tree_size"], anchor["checkpoint_suite_id"])) if anchor else ""
    return Verdict.ok("seal %s is valid (classical: ed25519/ecdsa-p256; ml-dsa not checked) under suite %s%s%s"
                      % (receipt["seal_id"], suite_id, where,
                         " and matches the artifact" if artifact_digest is not None else " (artifact not checked)"))


def _verify_anchor(canonical, anchor, trust):
    """Checks an anchor; returns the checkpoint's time (datetime) or None when it has no time line."""
    signer = anchor["checkpoint_suite_id"]
    cert = trust.certified_suite(signer)
    body = open_note(anchor["checkpoint"], signer + "/ed25519", cert["public_keys"]["ed25519"])
    origin, size, root, ext = parse_checkpoint(body)
    if size != anchor["tree_size"]:
        raise _Invalid("MERKLE_PROOF_INVALID", "the anchor's tree size %d is not the checkpoint's %d" % (anchor["tree_size"], size))
    proof = [_b64(h) for h in anchor["inclusion_proof"]]
    if not verify_inclusion(anchor["leaf_index"], size, leaf_hash(canonical), proof, root):
        raise _Invalid("MERKLE_PROOF_INVALID", "the receipt's leaf is not included at index %d in checkpoint %d of %s"
                       % (anchor["leaf_index"], size, origin))
    return parse_time(ext["time"]) if "time" in ext else None


def verify_with_java(seal_path, trust_path, artifact_path=None, java_cli="./sealer cli"):
    """Runs the Java offline verifier (both algorithms, ML-DSA included): (exit code, output).

    `java_cli` is the command that runs the jar's offline commands, e.g. "./sealer cli" in a
    clone of the repository, or "java -jar /opt/sealer/quarkus-run.jar"."""
    cmd = shlex.split(java_cli) + ["verify", "--seal", seal_path, "--trust-bundle", trust_path]
    if artifact_path:
        cmd += ["--file", artifact_path]
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return r.returncode, r.stdout
