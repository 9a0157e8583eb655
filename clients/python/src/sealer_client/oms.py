"""OMS model.sig and in-toto/DSSE: hashing a model directory, verifying model.sig files and DSSE exports offline.

Byte for byte as docs/formats.md:

  * hash_model(dir): the OpenSSF model-signing v1.0 statement of a directory (method "files"):
    every regular file below it, minus the ignored paths, with its SHA-256, sorted by path
    components (code-point order), the subject digest SHA-256 over the raw digests (section 2.1);
  * compare(statement, dir): the files changed, added and removed since the statement was made;
  * pae(type, payload): DSSE v1's pre-authentication encoding, the bytes a DSSE signature covers;
  * verify_model_sig(model_sig, trust, dir): a model.sig (Sigstore bundle v0.3 with a DSSE
    envelope around the statement, the Sealer seal of the statement inside its predicate)
    checked with the pinned trust bundle alone (section 2.4);
  * verify_dsse(envelope, trust): a seal exported as an in-toto Statement in DSSE (section 3).

The Ed25519 signatures, the suite certificates (root ECDSA P-256) and the embedded seal bundle
(sealer_client.offline.verify_bundle) are checked in Python. Not checked in Python: ML-DSA (the
second signature of a DSSE export, the ML-DSA checkpoint line; Debian 12 has no Python ML-DSA:
use the Java verifier, `sealer cli verify --model` / `--dsse`) and the RFC 3161 time-stamp token,
whose presence is reported only.
"""

import base64
import copy
import hashlib
import json
import os
import re
import stat

from . import offline

STATEMENT_TYPE = "https://in-toto.io/Statement/v1"
OMS_PREDICATE_TYPE = "https://model_signing/signature/v1.0"
RECEIPT_PREDICATE_TYPE = "https://sealer.dev/receipt/v1"
PAYLOAD_TYPE = "application/vnd.in-toto+json"
BUNDLE_MEDIA_TYPE = "application/vnd.dev.sigstore.bundle.v0.3+json"
SEAL_MEMBER = "sealer.dev/seal"
DEFAULT_SIGNATURE_NAME = "model.sig"
GIT_PATHS = (".git", ".gitattributes", ".github", ".gitignore")
MAX_STATEMENT_BYTES = 1 << 20
MAX_RESOURCES = 100000
CHUNK = 1 << 20
_HEX64 = re.compile(r"\A[0-9a-f]{64}\Z")
# in-toto DigestSet names of Sealer's digest algorithms (docs/formats.md section 1)
DIGEST_NAMES = {"sha-256": "sha256", "sha-384": "sha384", "sha-512": "sha512", "sha3-256": "sha3_256", "sha3-512": "sha3_512"}


class ModelError(Exception):
    """The model directory cannot be hashed: a symbolic link, a special file, an unreadable
    file, a name that is not UTF-8, a bad ignore path (a local problem: exit 1)."""


class Invalid(Exception):
    """A model.sig, DSSE envelope or statement that does not verify: a Sealer reason and a detail."""

    def __init__(self, reason, detail):
        super().__init__("%s: %s" % (reason, detail))
        self.reason = reason
        self.detail = detail


# ---- DSSE ----------------------------------------------------------------------------------

def pae(payload_type, payload):
    """DSSE v1 PAE: b"DSSEv1" SP LEN(type) SP type SP LEN(payload) SP payload (LEN in ASCII decimal bytes)."""
    t = payload_type.encode("utf-8") if isinstance(payload_type, str) else payload_type
    return b"DSSEv1 %d %s %d %s" % (len(t), t, len(payload), payload)


# ---- hashing a model directory (section 2.1) ------------------------------------------------

def normalize_ignore(path, model_dir=None):
    """An ignore path as the statement records it: relative to the model directory, POSIX
    separators, no '.', '..' or empty components. An absolute path (or, with model_dir, one that
    exists relative to the current directory inside the model) is made relative to model_dir."""
    p = path.replace(os.sep, "/") if os.sep != "/" else path
    if os.path.isabs(path):
        if model_dir is None:
            raise ModelError("ignore path must be relative to the model directory: " + path)
        rel = os.path.relpath(os.path.realpath(path), os.path.realpath(model_dir))
        if rel == os.curdir or rel.startswith(os.pardir + os.sep) or rel == os.pardir:
            raise ModelError("ignore path %s is not inside the model directory %s" % (path, model_dir))
        p = rel.replace(os.sep, "/")
    while p.startswith("./"):
        p = p[2:]
    p = p.rstrip("/")
    parts = p.split("/")
    if not p or any(c in ("", ".", "..") for c in parts):
        raise ModelError("ignore path must be a relative path inside the model directory, without '.' or '..': %r" % path)
    return p


def signature_ignore(model_dir, signature):
    """The signature file's path relative to the model directory when it lies inside it, else None."""
    if signature is None:
        return None
    d, s = os.path.realpath(model_dir), os.path.realpath(signature)
    if os.path.commonpath([d, s]) != d or s == d:
        return None
    return os.path.relpath(s, d).replace(os.sep, "/")


def ignore_paths_for(model_dir, ignore=(), signature=None):
    """The sorted ignore_paths of a statement: OMS's git paths, the signature file when it is
    inside the model directory, and the extra paths (relative to the model directory)."""
    paths = set(GIT_PATHS)
    sig = signature_ignore(model_dir, signature)
    if sig:
        paths.add(sig)
    paths.update(normalize_ignore(p, model_dir) for p in ignore)
    return sorted(paths)


def _ignored(parts, ignore_parts):
    return any(parts[:len(ig)] == ig for ig in ignore_parts)


def sort_key(name):
    """OMS order: by path components, each by Unicode code points (PurePosixPath order)."""
    return tuple(name.split("/"))


def _sha256_file(path):
    h = hashlib.sha256()
    try:
        with open(path, "rb") as f:
            while True:
                chunk = f.read(CHUNK)
                if not chunk:
                    break
                h.update(chunk)
    except OSError as e:
        raise ModelError("cannot read %s: %s" % (path, e.strerror or e)) from None
    return h.hexdigest()


def hash_files(model_dir, ignore_paths, allow_symlinks=False):
    """[(name, hex SHA-256)] of every regular file below model_dir not under an ignored path, in OMS order.

    A symbolic link is a ModelError unless allow_symlinks (then its target is hashed under the
    link's name; a link to a directory is refused: its files would be hashed under names that are
    not theirs, and a link cycle never ends); anything neither a regular file nor a directory
    (socket, pipe, device, broken link) is a ModelError. Ignored paths are skipped before they are
    looked at, so an ignored link or socket is no error."""
    if not os.path.isdir(model_dir):
        raise ModelError("not a directory: " + model_dir)
    ignore_parts = [tuple(p.split("/")) for p in ignore_paths]
    out = []

    def walk(full, parts):
        try:
            entries = sorted(os.scandir(full), key=lambda e: e.name)
        except OSError as e:
            raise ModelError("cannot read directory %s: %s" % (full, e.strerror or e)) from None
        for entry in entries:
            sub = parts + (entry.name,)
            if _ignored(sub, ignore_parts):
                continue
            path = entry.path
            try:
                entry.name.encode("utf-8")
            except UnicodeEncodeError:
                raise ModelError("file name is not valid UTF-8: %r" % path) from None
            try:
                mode = os.lstat(path).st_mode
            except OSError as e:
                raise ModelError("cannot read %s: %s" % (path, e.strerror or e)) from None
            if stat.S_ISLNK(mode):
                if not allow_symlinks:
                    raise ModelError("symbolic link in the model directory: %s (allowed only with --allow-symlinks)" % path)
                try:
                    mode = os.stat(path).st_mode
                except OSError:
                    raise ModelError("broken symbolic link in the model directory: " + path) from None
                if stat.S_ISDIR(mode):
                    raise ModelError("symbolic link to a directory in the model directory: %s (only links to files are hashed)" % path)
            if stat.S_ISDIR(mode):
                walk(path, sub)
            elif stat.S_ISREG(mode):
                out.append(("/".join(sub), _sha256_file(path)))
            else:
                raise ModelError("not a regular file or directory: " + path)

    walk(model_dir, ())
    out.sort(key=lambda r: sort_key(r[0]))
    return out


def model_digest(hex_digests):
    """The subject digest: SHA-256 over the concatenated raw 32-byte resource digests, hex."""
    h = hashlib.sha256()
    for d in hex_digests:
        h.update(bytes.fromhex(d))
    return h.hexdigest()


def model_name(model_dir):
    return os.path.basename(os.path.abspath(model_dir)) or "root"


def statement(name, files, ignore_paths, allow_symlinks=False):
    """The OMS v1.0 in-toto Statement of [(name, hex digest)] already in OMS order."""
    return {
        "_type": STATEMENT_TYPE,
        "subject": [{"name": name, "digest": {"sha256": model_digest(d for _, d in files)}}],
        "predicateType": OMS_PREDICATE_TYPE,
        "predicate": {
            "serialization": {"method": "files", "hash_type": "sha256", "allow_symlinks": bool(allow_symlinks),
                              "ignore_paths": sorted(ignore_paths)},
            "resources": [{"name": n, "algorithm": "sha256", "digest": d} for n, d in files],
        },
    }


def hash_model(model_dir, ignore=(), allow_symlinks=False, signature=None, name=None):
    """The OMS statement (a dict) of a model directory (docs/formats.md section 2.1).

    `ignore`: extra paths relative to the model directory; `signature`: the signature file's
    path (ignored when inside the directory; default DIR/model.sig); `name`: the subject name
    (default: the directory's name)."""
    if signature is None:
        signature = os.path.join(model_dir, DEFAULT_SIGNATURE_NAME)
    paths = ignore_paths_for(model_dir, ignore, signature)
    files = hash_files(model_dir, paths, allow_symlinks)
    return statement(name or model_name(model_dir), files, paths, allow_symlinks)


def statement_bytes(stmt):
    """S0: the statement as Sealer canonical JSON."""
    return offline.canonical_json(stmt)


class Changes:
    """Files that differ between a statement's resources and a directory."""

    def __init__(self, changed, added, removed):
        self.changed, self.added, self.removed = changed, added, removed

    def __bool__(self):
        return bool(self.changed or self.added or self.removed)

    def lines(self):
        return (["  changed: " + p for p in self.changed] + ["  added:   " + p for p in self.added]
                + ["  removed: " + p for p in self.removed])

    def summary(self):
        return "%d changed, %d added, %d removed" % (len(self.changed), len(self.added), len(self.removed))


def compare(stmt, model_dir, extra_ignores=()):
    """Re-hashes model_dir with the statement's serialization (its ignore_paths and
    allow_symlinks, plus `extra_ignores`) and lists changed, added and removed files, each in OMS order."""
    ser = stmt["predicate"]["serialization"]
    paths = set(ser.get("ignore_paths", [])) | set(extra_ignores)
    current = dict(hash_files(model_dir, sorted(paths), bool(ser.get("allow_symlinks", False))))
    signed = {r["name"]: r["digest"] for r in stmt["predicate"]["resources"]}
    changed = sorted((n for n in signed.keys() & current.keys() if signed[n] != current[n]), key=sort_key)
    added = sorted(current.keys() - signed.keys(), key=sort_key)
    removed = sorted(signed.keys() - current.keys(), key=sort_key)
    return Changes(changed, added, removed)


# ---- checking statements --------------------------------------------------------------------

def _need(cond, member, what):
    if not cond:
        raise Invalid("INVALID_STATEMENT", "%s: %s" % (member, what))


def check_statement(stmt):
    """Checks an OMS v1.0 statement member by member as the service does (docs/formats.md
    section 2.1); raises Invalid("INVALID_STATEMENT", "<member>: ...")."""
    _need(isinstance(stmt, dict), "statement", "not a JSON object")
    _need(stmt.get("_type") == STATEMENT_TYPE, "_type", "must be %s" % STATEMENT_TYPE)
    _need(stmt.get("predicateType") == OMS_PREDICATE_TYPE, "predicateType", "must be %s" % OMS_PREDICATE_TYPE)
    subject = stmt.get("subject")
    _need(isinstance(subject, list) and len(subject) == 1, "subject", "must hold exactly one subject")
    s = subject[0]
    _need(isinstance(s, dict) and isinstance(s.get("name"), str) and s["name"], "subject[0].name", "a non-empty string")
    _need(isinstance(s.get("digest"), dict) and isinstance(s["digest"].get("sha256"), str)
          and _HEX64.match(s["digest"]["sha256"]), "subject[0].digest.sha256", "64 lowercase hex digits")
    pred = stmt.get("predicate")
    _need(isinstance(pred, dict), "predicate", "not a JSON object")
    ser = pred.get("serialization")
    _need(isinstance(ser, dict), "predicate.serialization", "not a JSON object")
    _need(ser.get("method") == "files", "predicate.serialization.method", 'must be "files"')
    _need(ser.get("hash_type") == "sha256", "predicate.serialization.hash_type", 'must be "sha256"')
    _need(isinstance(ser.get("allow_symlinks", False), bool), "predicate.serialization.allow_symlinks", "a boolean")
    ign = ser.get("ignore_paths", [])
    _need(isinstance(ign, list) and all(isinstance(p, str) for p in ign), "predicate.serialization.ignore_paths", "a list of strings")
    res = pred.get("resources")
    _need(isinstance(res, list), "predicate.resources", "a list")
    _need(len(res) <= MAX_RESOURCES, "predicate.resources", "at most %d resources" % MAX_RESOURCES)
    names = []
    for i, r in enumerate(res):
        m = "predicate.resources[%d]" % i
        _need(isinstance(r, dict), m, "not a JSON object")
        n = r.get("name")
        _need(isinstance(n, str) and n, m + ".name", "a non-empty string")
        _need(not n.startswith("/") and all(c not in ("", ".", "..") for c in n.split("/")), m + ".name",
              "a relative path without empty, '.' or '..' components: %r" % n)
        _need(r.get("algorithm") == "sha256", m + ".algorithm", 'must be "sha256"')
        _need(isinstance(r.get("digest"), str) and _HEX64.match(r["digest"]), m + ".digest", "64 lowercase hex digits")
        names.append(n)
    _need(len(set(names)) == len(names), "predicate.resources", "names are not unique")
    _need(all(sort_key(a) < sort_key(b) for a, b in zip(names, names[1:])), "predicate.resources",
          "not in OMS order (path components, code points)")
    _need(model_digest(r["digest"] for r in res) == s["digest"]["sha256"], "subject[0].digest.sha256",
          "is not SHA-256 over the resources' digests")
    return stmt


# ---- model.sig (section 2.4) ----------------------------------------------------------------

def _b64(text, what):
    try:
        if not isinstance(text, str):
            raise TypeError
        return base64.b64decode(text, validate=True)
    except (ValueError, TypeError):
        raise Invalid("MALFORMED_BUNDLE", "%s is not base64" % what) from None


def _json_doc(doc, what):
    if isinstance(doc, (str, bytes)):
        try:
            doc = json.loads(doc)
        except ValueError as e:
            raise Invalid("MALFORMED_BUNDLE", "%s is not JSON: %s" % (what, e)) from None
    if not isinstance(doc, dict):
        raise Invalid("MALFORMED_BUNDLE", "%s is not a JSON object" % what)
    return doc


def suite_of_key_id(key_id):
    """'<suite_id>/ed25519' -> ('<suite_id>', 'ed25519')."""
    if not isinstance(key_id, str) or "/" not in key_id:
        raise Invalid("UNKNOWN_SUITE", "key id %r does not name a suite key (<suite_id>/<algorithm>)" % (key_id,))
    suite_id, _, alg = key_id.rpartition("/")
    return suite_id, alg


def _check_ed25519(trust, key_id, message, signature):
    """Ed25519 with the key of the suite the key id names, as the trust bundle certifies it."""
    suite_id, alg = suite_of_key_id(key_id)
    if alg != "ed25519":
        raise Invalid("SIGNATURE_INVALID", "key id %s is not an Ed25519 suite key" % key_id)
    try:
        cert = trust.certified_suite(suite_id)
        ok = offline._ed25519_verify(cert["public_keys"]["ed25519"], message, signature)
    except offline._Invalid as e:
        raise Invalid(e.reason, e.detail) from None
    except (KeyError, TypeError, ValueError) as e:
        raise Invalid("MALFORMED_BUNDLE", "suite certificate of %s: %s" % (suite_id, e)) from None
    if not ok:
        raise Invalid("SIGNATURE_INVALID", "the DSSE signature does not verify under %s" % key_id)
    return suite_id


def parse_model_sig(model_sig):
    """(bundle dict, envelope dict, payload bytes, S1 dict) of a model.sig; raises Invalid."""
    bundle = _json_doc(model_sig, "model.sig")
    if bundle.get("mediaType") != BUNDLE_MEDIA_TYPE:
        raise Invalid("MALFORMED_BUNDLE", "mediaType is %r, not %s" % (bundle.get("mediaType"), BUNDLE_MEDIA_TYPE))
    env = bundle.get("dsseEnvelope")
    if not isinstance(env, dict):
        raise Invalid("MALFORMED_BUNDLE", "no dsseEnvelope")
    payload, s1 = _parse_envelope(env, "model.sig")
    sigs = env["signatures"]
    if len(sigs) != 1:
        raise Invalid("MALFORMED_BUNDLE", "a Sigstore bundle's DSSE envelope holds exactly one signature, this one %d" % len(sigs))
    return bundle, env, payload, s1


def _parse_envelope(env, what):
    if env.get("payloadType") != PAYLOAD_TYPE:
        raise Invalid("MALFORMED_BUNDLE", "payloadType is %r, not %s" % (env.get("payloadType"), PAYLOAD_TYPE))
    payload = _b64(env.get("payload"), what + " payload")
    sigs = env.get("signatures")
    if not isinstance(sigs, list) or not sigs or not all(isinstance(s, dict) for s in sigs):
        raise Invalid("MALFORMED_BUNDLE", "%s has no signatures" % what)
    try:
        s1 = json.loads(payload.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as e:
        raise Invalid("MALFORMED_BUNDLE", "the DSSE payload is not JSON: %s" % e) from None
    if not isinstance(s1, dict):
        raise Invalid("INVALID_STATEMENT", "statement: not a JSON object")
    return payload, s1


def recover_s0(s1):
    """(S0 value, S0 bytes, the embedded seal bundle) of a model.sig's payload: S1 without predicate member sealer.dev/seal."""
    pred = s1.get("predicate")
    if not isinstance(pred, dict) or SEAL_MEMBER not in pred:
        raise Invalid("INVALID_STATEMENT", "predicate.%s: missing (not a Sealer model.sig)" % SEAL_MEMBER)
    s0 = copy.deepcopy(s1)
    seal = s0["predicate"].pop(SEAL_MEMBER)
    if isinstance(seal, str):  # the bundle as a JSON string, read too
        try:
            seal = json.loads(seal)
        except ValueError:
            raise Invalid("MALFORMED_BUNDLE", "predicate.%s is not a seal bundle" % SEAL_MEMBER) from None
    if not isinstance(seal, dict):
        raise Invalid("MALFORMED_BUNDLE", "predicate.%s is not a seal bundle" % SEAL_MEMBER)
    return s0, statement_bytes(s0), seal


class ModelVerdict:
    """verify_model_sig's outcome: valid or a reason and detail; the statement (S0) and, when the
    directory was re-hashed, its Changes."""

    def __init__(self, valid, reason, detail, statement=None, changes=None, seal_id=None):
        self.valid, self.reason, self.detail = valid, reason, detail
        self.statement, self.changes, self.seal_id = statement, changes, seal_id

    def __repr__(self):
        return "ModelVerdict(%s, %s, %r)" % ("VALID" if self.valid else "INVALID", self.reason, self.detail)


def verify_model_sig(model_sig, trust, model_dir=None, signature_path=None):
    """Verifies a model.sig (dict or JSON text) with a TrustBundle (docs/formats.md section 2.4):
    the Ed25519 DSSE signature by the suite the key id names, the statement, the embedded seal of
    sha-256(S0) (offline.verify_bundle) and, with model_dir, the files. ModelError (the directory
    cannot be hashed) propagates; every defect of the model.sig is an invalid ModelVerdict."""
    s0 = None
    try:
        bundle, env, payload, s1 = parse_model_sig(model_sig)
        sig = env["signatures"][0]
        key_id = sig.get("keyid") or ""
        hint = ((bundle.get("verificationMaterial") or {}).get("publicKey") or {}).get("hint")
        if not key_id:
            key_id = hint
        elif hint and hint != key_id:
            raise Invalid("MALFORMED_BUNDLE", "publicKey.hint %s is not the signature's keyid %s" % (hint, key_id))
        _check_ed25519(trust, key_id, pae(PAYLOAD_TYPE, payload), _b64(sig.get("sig"), "signature"))
        s0, s0_bytes, seal = recover_s0(s1)
        check_statement(s0)
        v = offline.verify_bundle(seal, trust, ("sha-256", hashlib.sha256(s0_bytes).digest()))
        if not v.valid:
            raise Invalid(v.reason, "the embedded seal: " + v.detail)
        receipt, _ = offline.bundle_receipt(seal)
        seal_id = receipt.get("seal_id")
    except Invalid as e:
        return ModelVerdict(False, e.reason, e.detail, s0)
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as e:
        return ModelVerdict(False, "MALFORMED_BUNDLE", "malformed model.sig: %s" % e, s0)
    name = s0["subject"][0]["name"]
    n = len(s0["predicate"]["resources"])
    detail = "model.sig of %s (%d files): the DSSE signature by %s verifies; %s" % (name, n, key_id, v.detail)
    if model_dir is None:
        return ModelVerdict(True, "", detail + "; files not checked", s0, None, seal_id)
    sig_ignore = signature_ignore(model_dir, signature_path)
    changes = compare(s0, model_dir, [sig_ignore] if sig_ignore else [])
    if changes:
        return ModelVerdict(False, "ANCHOR_MISMATCH", "the model directory %s does not match the signed statement: %s"
                            % (model_dir, changes.summary()), s0, changes, seal_id)
    return ModelVerdict(True, "", detail + "; every file matches", s0, changes, seal_id)


# ---- in-toto/DSSE export of a seal (section 3) ----------------------------------------------

def verify_dsse(envelope, trust, artifact_digest=None):
    """Verifies a seal's in-toto/DSSE export (dict or JSON text): every Ed25519 signature (at
    least one) by a suite key of the trust bundle, the statement, the embedded seal bundle with
    the subject's digest (and `artifact_digest`, (algorithm id, bytes), when given), the readable
    receipt against the signed receipt bytes. ML-DSA signatures are counted, not checked.
    Returns an offline.Verdict."""
    try:
        env = _json_doc(envelope, "DSSE envelope")
        payload, stmt = _parse_envelope(env, "DSSE envelope")
        message = pae(PAYLOAD_TYPE, payload)
        checked, skipped = [], []
        for s in env["signatures"]:
            key_id = s.get("keyid") or ""
            _, alg = suite_of_key_id(key_id)
            if alg == "ed25519":
                _check_ed25519(trust, key_id, message, _b64(s.get("sig"), "signature"))
                checked.append(key_id)
            else:
                skipped.append(key_id)
        if not checked:
            raise Invalid("SIGNATURE_INVALID", "no Ed25519 signature in the envelope (ML-DSA is not checked in Python)")
        _need(stmt.get("_type") == STATEMENT_TYPE, "_type", "must be %s" % STATEMENT_TYPE)
        _need(stmt.get("predicateType") == RECEIPT_PREDICATE_TYPE, "predicateType", "must be %s" % RECEIPT_PREDICATE_TYPE)
        pred = stmt.get("predicate")
        _need(isinstance(pred, dict) and isinstance(pred.get("seal"), dict), "predicate.seal", "the seal bundle")
        subject = stmt.get("subject")
        _need(isinstance(subject, list) and len(subject) == 1 and isinstance(subject[0], dict), "subject", "exactly one subject")
        try:
            receipt, raw = offline.bundle_receipt(pred["seal"])
        except offline._Invalid as e:
            raise Invalid(e.reason, "predicate.seal: " + e.detail) from None
        except (KeyError, TypeError, ValueError) as e:
            raise Invalid("MALFORMED_BUNDLE", "predicate.seal: %s" % e) from None
        sealed = receipt.get("digest") or {}
        name = DIGEST_NAMES.get(sealed.get("algorithm"))
        _need(subject[0].get("name") == receipt.get("subject"), "subject[0].name", "is not the receipt's subject")
        _need(name is not None and subject[0].get("digest") == {name: sealed.get("value")}, "subject[0].digest",
              "is not the receipt's digest")
        _need(pred.get("receipt") == receipt, "predicate.receipt", "is not the signed receipt")
        parents = pred.get("parents", [])
        _need(isinstance(parents, list), "predicate.parents", "a list")
        parent_ids = []
        for i, p in enumerate(parents):
            _need(isinstance(p, dict) and isinstance(p.get("name"), str) and p.get("uri") == "urn:uuid:" + p.get("name", "")
                  and isinstance(p.get("digest"), dict) and isinstance(p["digest"].get("sha256"), str)
                  and _HEX64.match(p["digest"]["sha256"]), "predicate.parents[%d]" % i, "a resource descriptor (name, uri, digest.sha256)")
            parent_ids.append(p["name"])
        _need(sorted(parent_ids) == sorted(receipt.get("parents", [])), "predicate.parents", "are not the receipt's parents")
        if artifact_digest is None:
            artifact_digest = (sealed.get("algorithm"), bytes.fromhex(subject[0]["digest"][name]))
            matched = ""
        else:
            matched = " and matches the artifact"
        v = offline.verify_bundle(pred["seal"], trust, artifact_digest)
        if not v.valid:
            return offline.Verdict.bad(v.reason, "the embedded seal: " + v.detail)
    except Invalid as e:
        return offline.Verdict.bad(e.reason, e.detail)
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as e:
        return offline.Verdict.bad("MALFORMED_BUNDLE", "malformed DSSE envelope: %s" % e)
    return offline.Verdict.ok("DSSE envelope of seal %s (%s): Ed25519 signature by %s verifies%s; %s%s" % (
        receipt.get("seal_id"), receipt.get("subject"), ", ".join(checked),
        " (not checked in Python: %s)" % ", ".join(skipped) if skipped else "", v.detail, matched))


def parent_digest(receipt_bytes):
    """A parent's resource-descriptor digest in an export: hex SHA-256 of its exact receipt bytes."""
    return hashlib.sha256(receipt_bytes).hexdigest()


# ---- reading any of the three for inspection -------------------------------------------------

def kind_of(doc):
    """'model.sig', 'dsse' or 'seal-bundle' for a parsed document, or None."""
    if not isinstance(doc, dict):
        return None
    if "dsseEnvelope" in doc or str(doc.get("mediaType", "")).startswith("application/vnd.dev.sigstore.bundle"):
        return "model.sig"
    if "payloadType" in doc and "signatures" in doc:
        return "dsse"
    if str(doc.get("format", "")).startswith("sealer-seal-bundle/"):
        return "seal-bundle"
    return None


def decode(doc):
    """The document with its base64 parts decoded for reading: DSSE payloads as JSON (a seal
    bundle inside with its receipt as an object), receipt bytes as JSON. Raises Invalid."""
    kind = kind_of(doc)
    out = copy.deepcopy(doc)
    if kind == "model.sig":
        env = out.get("dsseEnvelope")
        if not isinstance(env, dict):
            raise Invalid("MALFORMED_BUNDLE", "no dsseEnvelope")
        _decode_envelope(env)
    elif kind == "dsse":
        _decode_envelope(out)
    elif kind == "seal-bundle":
        _decode_seal(out)
    else:
        raise Invalid("MALFORMED_BUNDLE", "neither a model.sig, a DSSE envelope nor a seal bundle")
    return out


def _decode_envelope(env):
    payload = _b64(env.get("payload"), "payload")
    try:
        env["payload"] = json.loads(payload.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as e:
        raise Invalid("MALFORMED_BUNDLE", "the DSSE payload is not JSON: %s" % e) from None
    pred = env["payload"].get("predicate") if isinstance(env["payload"], dict) else None
    if isinstance(pred, dict):
        for member in (SEAL_MEMBER, "seal"):
            if isinstance(pred.get(member), dict):
                _decode_seal(pred[member])


def _decode_seal(bundle):
    if bundle.get("format") == offline.SEAL_BUNDLE_FORMAT and isinstance(bundle.get("receipt"), str):
        raw = _b64(bundle["receipt"], "receipt")
        try:
            bundle["receipt"] = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise Invalid("MALFORMED_BUNDLE", "the receipt bytes are not JSON") from None
