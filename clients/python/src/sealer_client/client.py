"""Sealer client: seal a file or a model directory, verify it, fetch the trust bundle; operate suites, the log and the audit trail.

A small command line (`sealer`) and importable module over Sealer's gRPC contract
(proto/sealer/v1; the stubs in the package `sealer.v1` are generated and committed). It needs only
Debian 12 packages: python3-grpcio, python3-protobuf, and python3-cryptography for offline
verification (sealer_client.offline). Install: pip install --no-index --no-build-isolation ./clients/python
into a venv made by /usr/bin/python3 -m venv --system-site-packages (clients/python/README.md).

What gets sealed
  * a file: the SHA-256 of its bytes (read in 1 MiB chunks);
  * a directory (e.g. a model): the SHA-256 of its *manifest*, a canonical JSON document
    (sorted keys, no whitespace, ASCII only) listing every regular file below it, sorted by
    relative path ('/' separators), with its SHA-256 and size:

      {"files":[{"path":"config.json","sha256":"<hex>","size":12},...],"format":"sealer-manifest/v1"}

    Symbolic links, special files and non-UTF-8 names are refused; empty directories are not
    recorded. `seal` writes the manifest next to the seal bundle (NAME.manifest.json), so
    `verify` can say which files changed, and the offline verifier can check the seal with
    `sealer cli verify --seal NAME.seal.json --trust-bundle T --file NAME.manifest.json`.

As a module:

    import sealer_client as sc
    digest, manifest = sc.digest_path("model/")
    with sc.Client("localhost:9000") as client:
        resp = client.seal(sc.default_request_id("model/", digest), digest, "model", stage="training")
        print(resp.seal.seal_id, client.verify(resp.seal.seal_id, digest).verdict)

Errors of the service raise SealerError (grpc status code, google.rpc.ErrorInfo reason, message).

Operator and auditor commands (roles of docs/security.md; the service decides, the client only
shows PERMISSION_DENIED): suites, rotate, revoke, affected, reseal (KeyService); checkpoint,
proof, sweep (LogService); audit (AuditService).

Lineage (LineageService, docs/lineage.md): `meta-seal` binds stage seals into one meta-seal checked
against a lifecycle policy; `lineage` lists a seal's ancestors or descendants; `verify-lineage`
verifies a meta-seal and every seal it binds (optionally against artifacts on disk), one line per
node, and can save the lineage file for `sealer cli verify --lineage`.
"""

import argparse
import base64
import hashlib
import json
import os
import stat
import sys

DEFAULT_TARGET = "localhost:9000"
MANIFEST_FORMAT = "sealer-manifest/v1"
CHUNK = 1 << 20

# Exit codes (also in --help).
EXIT_OK = 0            # sealed / VALID / written
EXIT_ERROR = 1         # usage, I/O, connection or RPC error
EXIT_INVALID = 2       # verify: the seal does not hold for this artifact; sweep: findings
EXIT_REJECTED = 3      # the service rejected the request as malformed (INVALID_ARGUMENT)

EXIT_CODES_HELP = """exit codes:
  0  success (seal written, VALID, trust bundle written, sweep clean, ...)
  1  usage error, unreadable file, connection failure or any other RPC error
     (e.g. PERMISSION_DENIED: the client certificate lacks the method's role)
  2  verify: INVALID (the reason and detail are printed); sweep: findings (printed)
  3  the service rejected the request as malformed (gRPC INVALID_ARGUMENT,
     e.g. INVALID_LABELS, INVALID_SUBJECT, UNKNOWN_PARENT)

RPC errors print: error: <STATUS_CODE> <REASON>: <message>
(REASON is the google.rpc.ErrorInfo reason; it is left out when the status has none,
e.g. when the service cannot be reached)."""


from sealer.v1 import (audit_pb2, audit_pb2_grpc, key_pb2, key_pb2_grpc, log_pb2, log_pb2_grpc,  # noqa: E402
                       rpc_status_pb2, seal_pb2, seal_pb2_grpc, lineage_pb2, lineage_pb2_grpc, formats_pb2, formats_pb2_grpc)
import grpc  # noqa: E402
from .oms import ModelError  # noqa: E402



# --------------------------------------------------------------------------------------------
# Hashing
# --------------------------------------------------------------------------------------------

class UsageError(Exception):
    """A problem with the command line or the local files (exit 1)."""


def sha256_file(path):
    """SHA-256 of a file's bytes, streamed."""
    h = hashlib.sha256()
    size = 0
    with open(path, "rb") as f:
        while True:
            chunk = f.read(CHUNK)
            if not chunk:
                break
            h.update(chunk)
            size += len(chunk)
    return h.hexdigest(), size


def build_manifest(directory):
    """The manifest of a directory as a dict: every regular file, sorted by relative path."""
    files = []
    for root, dirs, names in os.walk(directory, followlinks=False, onerror=_raise):
        for d in dirs:
            if os.path.islink(os.path.join(root, d)):
                raise UsageError("symbolic link not supported in a sealed directory: " + os.path.join(root, d))
        for name in names:
            full = os.path.join(root, name)
            mode = os.lstat(full).st_mode
            if stat.S_ISLNK(mode):
                raise UsageError("symbolic link not supported in a sealed directory: " + full)
            if not stat.S_ISREG(mode):
                raise UsageError("not a regular file: " + full)
            rel = os.path.relpath(full, directory).replace(os.sep, "/")
            try:
                rel.encode("utf-8")
            except UnicodeEncodeError:
                raise UsageError("file name is not valid UTF-8: " + repr(full)) from None
            digest, size = sha256_file(full)
            files.append({"path": rel, "sha256": digest, "size": size})
    if not files:
        raise UsageError("no files to seal in directory " + directory)
    files.sort(key=lambda f: f["path"])
    return {"format": MANIFEST_FORMAT, "files": files}


def canonical_json(value):
    """Sorted keys, no whitespace, ASCII only (non-ASCII as \\u escapes)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode("ascii")


def _raise(e):
    raise e


def digest_path(path):
    """(SHA-256 digest bytes, manifest JSON bytes or None) of a file or a directory."""
    if os.path.isdir(path):
        manifest = canonical_json(build_manifest(path))
        return hashlib.sha256(manifest).digest(), manifest
    if not os.path.isfile(path):
        raise UsageError("no such file or directory: " + path)
    return bytes.fromhex(sha256_file(path)[0]), None


def default_request_id(path, digest):
    """Idempotency key derived from the absolute path and the digest: re-sealing the same
    unchanged artifact returns the original seal; a changed artifact gets a new seal."""
    h = hashlib.sha256(("sealer-client/v1\n" + os.path.abspath(path) + "\n" + digest.hex()).encode("utf-8"))
    return "py-" + h.hexdigest()[:40]


def default_name(path):
    return os.path.basename(os.path.abspath(path)) or "root"


def manifest_path_for(seal_file):
    """NAME.seal.json -> NAME.manifest.json (any other name: FILE.manifest.json)."""
    base = seal_file[:-len(".seal.json")] if seal_file.endswith(".seal.json") else seal_file
    return base + ".manifest.json"


# --------------------------------------------------------------------------------------------
# gRPC
# --------------------------------------------------------------------------------------------

class SealerError(Exception):
    """A failed RPC: the gRPC status code name, the ErrorInfo reason (or None) and the message."""

    def __init__(self, code, reason, message):
        super().__init__("%s %s: %s" % (code, reason, message) if reason else "%s: %s" % (code, message))
        self.code = code
        self.reason = reason
        self.message = message

    @staticmethod
    def from_rpc(e):
        code = e.code().name if e.code() else "UNKNOWN"
        message = e.details() or ""
        reason = None
        for key, value in (e.trailing_metadata() or ()):
            if key != "grpc-status-details-bin":
                continue
            status = rpc_status_pb2.Status.FromString(value)
            message = status.message or message
            for any_ in status.details:
                if any_.type_url.endswith("/google.rpc.ErrorInfo"):
                    reason = rpc_status_pb2.ErrorInfo.FromString(any_.value).reason
        return SealerError(code, reason, message)


def channel_credentials(ca=None, cert=None, key=None):
    """TLS hook: grpc.ssl_channel_credentials from PEM files, or None for plaintext.

    --ca alone: server authentication against that CA; --cert/--key (together): mutual TLS."""
    if not (ca or cert or key):
        return None
    if bool(cert) != bool(key):
        raise UsageError("--cert and --key go together")

    def read(p):
        if not p:
            return None
        with open(p, "rb") as f:
            return f.read()
    return grpc.ssl_channel_credentials(root_certificates=read(ca), private_key=read(key), certificate_chain=read(cert))


def parse_stage(name):
    """'training', 'data-preparation', 'DATA_PREPARATION' -> the Stage enum value."""
    key = name.strip().upper().replace("-", "_")
    if key not in seal_pb2.Stage.keys() or key == "STAGE_UNSPECIFIED":
        choices = ", ".join(n.lower().replace("_", "-") for n in seal_pb2.Stage.keys() if n != "STAGE_UNSPECIFIED")
        raise UsageError("unknown stage '%s' (one of: %s)" % (name, choices))
    return seal_pb2.Stage.Value(key)


class Client:
    """Sealer over one gRPC channel (plaintext unless credentials are given)."""

    def __init__(self, target=None, credentials=None, timeout=30.0):
        self.target = target or os.environ.get("SEALER_TARGET") or DEFAULT_TARGET
        self.timeout = timeout
        # lineage files and evidence packages of many seals are larger than gRPC's default 4 MiB
        options = [("grpc.max_receive_message_length", 64 << 20)]
        self.channel = (grpc.secure_channel(self.target, credentials, options=options) if credentials
                        else grpc.insecure_channel(self.target, options=options))
        self.seals = seal_pb2_grpc.SealServiceStub(self.channel)
        self.keys = key_pb2_grpc.KeyServiceStub(self.channel)
        self.log = log_pb2_grpc.LogServiceStub(self.channel)
        self.audit = audit_pb2_grpc.AuditServiceStub(self.channel)
        self.lineage = lineage_pb2_grpc.LineageServiceStub(self.channel)
        self.formats = formats_pb2_grpc.FormatServiceStub(self.channel)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        self.channel.close()

    def _call(self, method, request):
        try:
            return method(request, timeout=self.timeout)
        except grpc.RpcError as e:
            raise SealerError.from_rpc(e) from None

    @staticmethod
    def seal_request(request_id, digest, subject, stage="other", labels=None, parents=(), anchored=False):
        """The SealRequest for a SHA-256 digest; `anchored` asks for ANCHORED mode (no per-seal
        signature: the answer carries the inclusion proof and the dual-signed checkpoint)."""
        return seal_pb2.SealRequest(
            request_id=request_id,
            digest=seal_pb2.Digest(algorithm=seal_pb2.SHA_256, value=digest),
            subject=subject,
            stage=parse_stage(stage) if isinstance(stage, str) else stage,
            labels=dict(labels or {}),
            parent_seal_ids=list(parents),
            mode=seal_pb2.ANCHORED if anchored else seal_pb2.SIGNED)

    def seal(self, request_id, digest, subject, stage="other", labels=None, parents=(), anchored=False):
        """Seals a SHA-256 digest; returns the SealResponse (seal, seal_bundle_json, replayed, anchor)."""
        return self._call(self.seals.Seal, self.seal_request(request_id, digest, subject, stage, labels, parents, anchored))

    def seal_stream(self, requests):
        """SealStream: sends the SealRequests (any iterable) on one stream and yields the
        SealResponses in request order. A failed item ends the stream with SealerError."""
        try:
            for resp in self.seals.SealStream(iter(requests), timeout=self.timeout):
                yield resp
        except grpc.RpcError as e:
            raise SealerError.from_rpc(e) from None

    def get_seal(self, seal_id, export_dsse=False):
        """The stored SealRecord of a seal id (auditor); with export_dsse, its in_toto_dsse_json is
        the seal as an in-toto Statement in a dual-signed DSSE envelope (docs/formats.md section 3)."""
        req = seal_pb2.GetSealRequest(seal_id=seal_id, export=seal_pb2.IN_TOTO_DSSE if export_dsse else seal_pb2.EXPORT_FORMAT_UNSPECIFIED)
        return self._call(self.seals.GetSeal, req)

    def seal_model(self, request_id, statement, stage="other", labels=None, parents=()):
        """FormatService.SealModel: seals an OMS v1.0 statement (its JSON bytes, or a dict sent as
        canonical JSON) ANCHORED; returns the SealModelResponse (seal: a SealResponse, model_sig_json)."""
        if isinstance(statement, dict):
            statement = canonical_json(statement)
        req = formats_pb2.SealModelRequest(request_id=request_id, statement=statement,
                                           stage=parse_stage(stage) if isinstance(stage, str) else stage,
                                           labels=dict(labels or {}), parent_seal_ids=list(parents))
        return self._call(self.formats.SealModel, req)

    def list_seals(self, request_id=None, subject=None, signer=None, since=None, until=None, page_size=0, stage=None, label=None):
        """Yields SealRecords matching at most one filter (request_id, subject, signer, or a committed_at range
        since..until as RFC 3339 strings, either bound open), and a stage and a label "key=value" with it, oldest
        first, following page tokens (auditor)."""
        req = seal_pb2.ListSealsRequest(page_size=page_size)
        if stage is not None:
            req.stage = parse_stage(stage) if isinstance(stage, str) else stage
        if label is not None:
            req.label = label
        if request_id is not None:
            req.request_id = request_id
        elif subject is not None:
            req.subject = subject
        elif signer is not None:
            req.signer = signer
        elif since is not None or until is not None:
            req.committed.SetInParent()
            if since:
                getattr(req.committed, "from").CopyFrom(parse_rfc3339(since))
            if until:
                req.committed.to.CopyFrom(parse_rfc3339(until))
        while True:
            resp = self._call(self.seals.ListSeals, req)
            yield from resp.seals
            if not resp.next_page_token or resp.next_page_token == req.page_token:
                return
            req.page_token = resp.next_page_token

    def create_meta_seal(self, request_id, subject, seal_ids, external_roots=(), policy="", policy_version=0, labels=None, anchored=False):
        """CreateMetaSeal (sealer role): binds the seals into a meta-seal checked against the policy; returns the
        CreateMetaSealResponse (meta_seal: a SealResponse, manifest: the exact bytes it commits to, policy, bound_count)."""
        req = lineage_pb2.CreateMetaSealRequest(request_id=request_id, subject=subject, seal_ids=list(seal_ids),
                                                external_root_ids=list(external_roots), policy=policy, policy_version=policy_version,
                                                labels=dict(labels or {}), mode=seal_pb2.ANCHORED if anchored else seal_pb2.SIGNED)
        return self._call(self.lineage.CreateMetaSeal, req)

    def verify_lineage(self, meta_seal_id=None, lineage_json=None, artifacts=None):
        """VerifyLineage by meta-seal id or for a lineage file's text; artifacts: {seal_id: SHA-256 digest bytes}.
        Returns the VerifyLineageResponse (verdict, reason, detail, nodes)."""
        req = lineage_pb2.VerifyLineageRequest()
        if meta_seal_id is not None:
            req.meta_seal_id = meta_seal_id
        else:
            req.lineage_json = lineage_json
        for seal_id, digest in (artifacts or {}).items():
            req.artifacts[seal_id].CopyFrom(seal_pb2.Digest(algorithm=seal_pb2.SHA_256, value=digest))
        return self._call(self.lineage.VerifyLineage, req)

    def lineage_file(self, meta_seal_id):
        """The lineage file (bytes) of a meta-seal, for `sealer cli verify --lineage` (auditor)."""
        return self._call(self.lineage.GetLineageFile, lineage_pb2.GetLineageFileRequest(meta_seal_id=meta_seal_id)).lineage_json

    def list_lineage(self, seal_id, descendants=False, max_depth=0, page_size=0):
        """Yields LineageEntry (seal, depth) for the ancestors (or descendants) of a seal, by depth then seal id (auditor)."""
        req = lineage_pb2.ListLineageRequest(seal_id=seal_id, max_depth=max_depth, page_size=page_size,
                                             direction=lineage_pb2.LINEAGE_DESCENDANTS if descendants else lineage_pb2.LINEAGE_ANCESTORS)
        while True:
            resp = self._call(self.lineage.ListLineage, req)
            yield from resp.entries
            if not resp.next_page_token or resp.next_page_token == req.page_token:
                return
            req.page_token = resp.next_page_token

    def verify(self, seal_id, digest):
        """Verify by seal id against a SHA-256 digest; returns the VerifyResponse."""
        req = seal_pb2.VerifyRequest(seal_id=seal_id, digest=seal_pb2.Digest(algorithm=seal_pb2.SHA_256, value=digest))
        return self._call(self.seals.Verify, req)

    def trust_bundle(self):
        """The trust bundle JSON (sealer-trust-bundle/v1) for offline verification."""
        return self._call(self.keys.GetTrustBundle, key_pb2.GetTrustBundleRequest()).trust_bundle_json

    # Operators (key-admin) and auditors

    def list_suites(self):
        """Every signature suite (key_pb2.Suite: suite_id, status, sign_from/until, verify_until, ...)."""
        return list(self._call(self.keys.ListSuites, key_pb2.ListSuitesRequest()).suites)

    def rotate_suite(self, expected_active_suite_id=""):
        """Rotates the active suite (only if it is still expected_active_suite_id, when given);
        returns the RotateSuiteResponse (active_suite_id, rotated)."""
        return self._call(self.keys.RotateSuite,
                          key_pb2.RotateSuiteRequest(expected_active_suite_id=expected_active_suite_id or ""))

    def revoke_suite(self, suite_id, compromised_since, reason):
        """Revokes a suite compromised since an RFC 3339 UTC time; returns the active suite id."""
        req = key_pb2.RevokeSuiteRequest(suite_id=suite_id, compromised_since=compromised_since, reason=reason)
        return self._call(self.keys.RevokeSuite, req).active_suite_id

    def affected_seals(self, suite_id, page_size=0):
        """Yields the SealRecords a revocation of suite_id invalidates, following page tokens."""
        token = ""
        while True:
            resp = self._call(self.keys.ListAffectedSeals, key_pb2.ListAffectedSealsRequest(
                suite_id=suite_id, page_size=page_size, page_token=token))
            yield from resp.seals
            if not resp.next_page_token or resp.next_page_token == token:
                return
            token = resp.next_page_token

    def reseal_affected(self, suite_id, limit=0):
        """Yields (old_seal_id, new_seal_id) while ResealAffected reports more to do."""
        while True:
            resp = self._call(self.keys.ResealAffected, key_pb2.ResealAffectedRequest(suite_id=suite_id, limit=limit))
            for r in resp.reseals:
                yield r.old_seal_id, r.new_seal_id
            if not resp.more:
                return
            if not resp.reseals:
                raise SealerError("INTERNAL", None, "ResealAffected reported more seals but re-sealed none; stopping")

    def checkpoint(self, tree_size=0):
        """The latest checkpoint (tree_size 0) or the one issued at exactly tree_size."""
        return self._call(self.log.GetCheckpoint, log_pb2.GetCheckpointRequest(tree_size=tree_size))

    def inclusion_proof(self, seal_id, earliest=False, tree_size=0):
        """The Anchor (leaf_index, tree_size, inclusion_proof, checkpoint) of a seal."""
        req = log_pb2.GetInclusionProofRequest(seal_id=seal_id, tree_size=tree_size, earliest=earliest)
        return self._call(self.log.GetInclusionProof, req)

    def integrity_sweep(self):
        """Runs the integrity sweep; returns the IntegritySweepReport."""
        return self._call(self.log.RunIntegritySweep, log_pb2.RunIntegritySweepRequest())

    def audit_events(self, since=None, actor="", action="", page_size=0):
        """Yields the AuditEvents occurred at or after `since` (RFC 3339 string or None) by
        `actor` (exact, or all), following page tokens."""
        req = audit_pb2.ListAuditEventsRequest(actor=actor or "", action=action or "", page_size=page_size)
        if since:
            getattr(req.occurred, "from").CopyFrom(parse_rfc3339(since))
        while True:
            resp = self._call(self.audit.ListAuditEvents, req)
            yield from resp.events
            if not resp.next_page_token or resp.next_page_token == req.page_token:
                return
            req.page_token = resp.next_page_token


def parse_rfc3339(text):
    """'2026-11-21T10:00:00Z' (or with an offset) -> google.protobuf.Timestamp."""
    from google.protobuf.timestamp_pb2 import Timestamp
    ts = Timestamp()
    try:
        ts.FromJsonString(text)
    except ValueError as e:
        raise UsageError("not an RFC 3339 time (e.g. 2026-11-21T10:00:00Z): '%s' (%s)" % (text, e)) from None
    return ts


# --------------------------------------------------------------------------------------------
# Commands
# --------------------------------------------------------------------------------------------

def _write(path, data):
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode("utf-8"))
    os.replace(tmp, path)


def _inside(path, directory):
    path, directory = os.path.realpath(path), os.path.realpath(directory)
    return os.path.commonpath([path, directory]) == directory


def cmd_seal(args, client):
    name = default_name(args.path)
    out = args.out or name + ".seal.json"
    manifest_out = manifest_path_for(out)
    if os.path.isdir(args.path) and (_inside(out, args.path) or _inside(manifest_out, args.path)):
        raise UsageError("--out must not be inside the sealed directory (it would change what is sealed): " + out)
    labels = {}
    for item in args.label:
        k, sep, v = item.partition("=")
        if not sep or not k:
            raise UsageError("--label expects KEY=VALUE, got '%s'" % item)
        labels[k] = v
    stage = parse_stage(args.stage)
    digest, manifest = digest_path(args.path)
    request_id = args.request_id or default_request_id(args.path, digest)
    resp = client.seal(request_id, digest, args.subject or name, stage, labels, args.parent, anchored=args.anchored)
    if manifest is not None:
        _write(manifest_out, manifest)
    _write(out, resp.seal_bundle_json)
    receipt = json.loads(resp.seal.receipt_json)
    if resp.replayed:
        for line in replay_differences(receipt, args.subject or name, stage, labels, args.parent):
            print("warning: " + line, file=sys.stderr)
    print("sealed %s sha-256:%s seal=%s suite=%s request=%s%s -> %s%s" % (
        receipt.get("subject"), digest.hex(), resp.seal.seal_id, resp.seal.suite_id, request_id,
        (" (replayed)" if resp.replayed else "") + (" anchored=%d/%d" % (resp.anchor.leaf_index, resp.anchor.tree_size)
                                                     if resp.HasField("anchor") else ""), out,
        " (manifest: %s, %d files)" % (manifest_out, len(json.loads(manifest)["files"])) if manifest is not None else ""))
    return EXIT_OK


def replay_differences(receipt, subject, stage, labels, parents):
    """What a replayed (original) seal records differently from this request.

    The service answers a repeated request_id with the same digest with the original seal,
    whatever the subject, stage, labels or parents of the new request; these lines say so."""
    wanted = {"subject": subject, "stage": seal_pb2.Stage.Name(stage).lower().replace("_", "-"),
              "labels": dict(labels), "parents": list(parents)}
    return ["request_id %s was sealed before with %s %s; this is that original seal, not one with %s %s"
            % (receipt.get("request_id"), k, json.dumps(receipt.get(k)), k, json.dumps(v))
            for k, v in wanted.items() if receipt.get(k) != v]


def _read_bundle(path):
    from . import offline
    try:
        with open(path, "r", encoding="utf-8") as f:
            bundle = json.load(f)
        receipt, _ = offline.bundle_receipt(bundle)
        return receipt["seal_id"], receipt.get("digest", {})
    except offline._Invalid as e:  # the bundle's own defect, named as the verifier names it
        raise UsageError("cannot read seal bundle %s: %s" % (path, e.detail)) from None
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise UsageError("cannot read seal bundle %s: %s" % (path, e)) from None


def _manifest_changes(seal_file, sealed_digest_hex, current):
    """Lines naming the files that differ from the manifest saved at seal time (if it is there
    and is the one that was sealed)."""
    try:
        with open(manifest_path_for(seal_file), "rb") as f:
            saved = f.read()
    except OSError:
        return []
    if hashlib.sha256(saved).hexdigest() != sealed_digest_hex:
        return ["  (the saved manifest %s is not the sealed one; cannot list changes)" % manifest_path_for(seal_file)]
    old = {f["path"]: f["sha256"] for f in json.loads(saved)["files"]}
    new = {f["path"]: f["sha256"] for f in json.loads(current)["files"]}
    lines = ["  changed: " + p for p in sorted(old.keys() & new.keys()) if old[p] != new[p]]
    lines += ["  added:   " + p for p in sorted(new.keys() - old.keys())]
    lines += ["  removed: " + p for p in sorted(old.keys() - new.keys())]
    return lines


def cmd_verify(args, client):
    seal_id, sealed = _read_bundle(args.seal)
    if sealed.get("algorithm", "sha-256") != "sha-256":
        raise UsageError("the seal's digest algorithm is %s; this client computes sha-256" % sealed.get("algorithm"))
    digest, manifest = digest_path(args.path)
    resp = client.verify(seal_id, digest)
    if resp.verdict == seal_pb2.VALID:
        print("VALID: %s" % resp.detail)
        return EXIT_OK
    print("INVALID %s: %s" % (resp.reason or seal_pb2.Verdict.Name(resp.verdict), resp.detail))
    if manifest is not None:
        for line in _manifest_changes(args.seal, sealed.get("value", ""), manifest):
            print(line)
    return EXIT_INVALID


def cmd_seal_stream(args, client):
    """Seals many paths on one SealStream; one line per seal, in order."""
    stage = parse_stage(args.stage)
    items = []
    for path in args.paths:
        digest, _ = digest_path(path)
        items.append((path, digest))
    requests = [Client.seal_request(default_request_id(p, d), d, default_name(p), stage, anchored=args.anchored) for p, d in items]
    os.makedirs(args.out_dir, exist_ok=True)
    for (path, digest), resp in zip(items, client.seal_stream(requests)):
        out = os.path.join(args.out_dir, default_name(path) + ".seal.json")
        _write(out, resp.seal_bundle_json)
        print("sealed %s sha-256:%s seal=%s%s%s -> %s" % (default_name(path), digest.hex(), resp.seal.seal_id,
              " (replayed)" if resp.replayed else "",
              " anchored=%d/%d" % (resp.anchor.leaf_index, resp.anchor.tree_size) if resp.HasField("anchor") else "", out))
    return EXIT_OK


def _print_record(r):
    print("%s committed=%s suite=%s request=%s leaf=%d mode=%s" % (
        r.seal_id, r.committed_at.ToJsonString(), r.suite_id, r.request_id, r.leaf_index,
        "SIGNED" if r.ed25519_signature else "ANCHORED"))


def cmd_get(args, client):
    r = client.get_seal(args.seal_id)
    _print_record(r)
    if args.receipt:
        print(r.receipt_json.decode("utf-8"))
    return EXIT_OK


def cmd_list(args, client):
    given = [x for x in (args.request_id, args.subject, args.signer) if x is not None] + ([1] if args.since or args.until else [])
    if len(given) > 1 or (not given and args.stage is None and args.label is None):
        raise UsageError("give at most one filter: --request-id, --subject, --signer, or --since/--until; with --stage and --label, or those alone")
    for r in client.list_seals(request_id=args.request_id, subject=args.subject, signer=args.signer,
                               since=args.since, until=args.until, stage=args.stage, label=args.label):
        _print_record(r)
    return EXIT_OK


def _labels(items):
    labels = {}
    for item in items:
        k, sep, v = item.partition("=")
        if not sep or not k:
            raise UsageError("--label expects KEY=VALUE, got '%s'" % item)
        labels[k] = v
    return labels


def cmd_meta_seal(args, client):
    """Binds stage seals into a meta-seal; writes its seal bundle and the manifest it commits to."""
    request_id = args.request_id or "py-meta-" + hashlib.sha256(
        json.dumps([args.subject, sorted(args.seal_ids), sorted(args.external_root), args.policy], separators=(",", ":")).encode()).hexdigest()[:40]
    resp = client.create_meta_seal(request_id, args.subject, args.seal_ids, args.external_root, args.policy, args.policy_version,
                                   _labels(args.label), anchored=args.anchored)
    out = args.out or "".join(c if c.isalnum() or c in "._@-" else "_" for c in args.subject) + ".meta.seal.json"
    _write(out, resp.meta_seal.seal_bundle_json)
    _write(manifest_path_for(out), resp.manifest)
    print("meta-sealed %s seal=%s policy=%s bound=%d request=%s%s -> %s (manifest: %s)" % (
        args.subject, resp.meta_seal.seal.seal_id, resp.policy, resp.bound_count, request_id,
        " (replayed)" if resp.meta_seal.replayed else "", out, manifest_path_for(out)))
    return EXIT_OK


def cmd_lineage(args, client):
    """The ancestors (default) or descendants of a seal, one line each: depth, seal id, stage, subject."""
    for e in client.list_lineage(args.seal_id, descendants=args.descendants, max_depth=args.depth):
        receipt = json.loads(e.seal.receipt_json)
        print("%d %s %s %s" % (e.depth, e.seal.seal_id, receipt.get("stage", "?"), receipt.get("subject", "?")))
    return EXIT_OK


def cmd_verify_lineage(args, client):
    """VerifyLineage: one line per node, then the lineage's verdict; exit 0 VALID, 2 INVALID."""
    artifacts = {}
    for item in args.artifact:
        seal_id, sep, path = item.partition("=")
        if not sep or not seal_id or not path:
            raise UsageError("--artifact expects SEAL_ID=PATH, got '%s'" % item)
        artifacts[seal_id], _ = digest_path(path)
    if not args.lineage_file and not args.meta_seal_id:
        raise UsageError("give META_SEAL_ID or --lineage-file")
    if args.lineage_file:
        with open(args.lineage_file, "r", encoding="utf-8") as f:
            resp = client.verify_lineage(lineage_json=f.read(), artifacts=artifacts)
    else:
        resp = client.verify_lineage(meta_seal_id=args.meta_seal_id, artifacts=artifacts)
    for n in resp.nodes:
        verdict = "VALID" if n.verdict == seal_pb2.VALID else "INVALID " + n.reason
        print("  %s  %s %s %s: %s" % (verdict, n.role, n.seal_id, n.stage, n.detail))
    if args.save:
        if not args.meta_seal_id:
            raise UsageError("--save needs META_SEAL_ID")
        _write(args.save, client.lineage_file(args.meta_seal_id))
        print("lineage file written to %s (check it offline: sealer cli verify --lineage %s --trust-bundle trust.json)" % (args.save, args.save))
    if resp.verdict == seal_pb2.VALID:
        print("VALID: %s" % resp.detail)
        return EXIT_OK
    print("INVALID %s: %s" % (resp.reason, resp.detail))
    return EXIT_INVALID


def _context_salt(path):
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        raise UsageError("cannot read the context salt %s: %s" % (path, e)) from None
    if len(data) < 16:
        raise UsageError("the context salt in %s is %d bytes; use at least 16 random bytes (sealer commit --new-context-salt FILE)" % (path, len(data)))
    return data


def _json_value(text):
    try:
        return json.loads(text)
    except ValueError:
        return text  # a bare word such as approve is the JSON string "approve"


def cmd_commit(args, client):
    """A salted commitment of a value (sealer_client.commitment); sealed with --seal under the same request id."""
    from . import commitment as cm
    if args.new_context_salt:
        if os.path.exists(args.new_context_salt):
            raise UsageError("%s exists: a context salt is never overwritten" % args.new_context_salt)
        fd = os.open(args.new_context_salt, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(cm.new_context_salt())
        print("context salt written to %s (mode 0600): keep it secret, it opens every commitment made with it" % args.new_context_salt)
        return EXIT_OK
    if args.value is None or not args.request_id or not args.model_anchor or not args.context_salt_file:
        raise UsageError("give VALUE, --request-id, --model-anchor and --context-salt-file (or --new-context-salt FILE)")
    value = _json_value(args.value)
    salt = cm.derive_salt(args.request_id, args.model_anchor, _context_salt(args.context_salt_file))
    digest = cm.commit(value, salt)
    if not args.seal:
        print("commitment sha-256:%s request=%s (salt %s opens it)" % (digest.hex(), args.request_id, salt.hex()))
        return EXIT_OK
    resp = client.seal(args.request_id, digest, args.subject or "commitment:" + args.request_id, args.stage, _labels(args.label),
                       args.parent, anchored=args.anchored)
    out = args.out or args.request_id + ".seal.json"
    _write(out, resp.seal_bundle_json)
    print("sealed commitment sha-256:%s seal=%s request=%s%s -> %s" % (digest.hex(), resp.seal.seal_id, args.request_id,
          " (replayed)" if resp.replayed else "", out))
    return EXIT_OK


def cmd_open_commitment(args):
    """Offline: does (value, salt) open the commitment a seal bundle carries as its digest? Exit 0 yes, 2 no."""
    from . import commitment as cm
    with open(args.seal, "r", encoding="utf-8") as f:
        bundle = json.load(f)
    from . import offline
    receipt, _ = offline.bundle_receipt(bundle)
    if args.salt:
        salt = bytes.fromhex(args.salt)
    else:
        if not args.model_anchor or not args.context_salt_file:
            raise UsageError("give --salt HEX, or --model-anchor and --context-salt-file")
        salt = cm.derive_salt(receipt["request_id"], args.model_anchor, _context_salt(args.context_salt_file))
    sealed = bytes.fromhex(receipt["digest"]["value"])
    if receipt["digest"]["algorithm"] == "sha-256" and cm.open_matches(sealed, _json_value(args.value), salt):
        print("OPENS: seal %s commits to %s (request %s); verify the seal itself with verify-offline" % (
            receipt["seal_id"], json.dumps(_json_value(args.value)), receipt["request_id"]))
        return EXIT_OK
    print("DOES NOT OPEN: seal %s does not commit to %s with that salt" % (receipt["seal_id"], json.dumps(_json_value(args.value))))
    return EXIT_INVALID


def cmd_verify_offline(args):
    """No server: the seal bundle against the pinned trust bundle (classical half; ML-DSA via --java-cli)."""
    from . import offline
    try:
        trust = offline.TrustBundle.load(args.trust_bundle)
        with open(args.seal, "r", encoding="utf-8") as f:
            bundle = f.read()
    except (OSError, ValueError, KeyError) as e:
        raise UsageError("cannot read %s: %s" % (args.trust_bundle, e)) from None
    artifact = None
    if args.path:
        digest, _ = digest_path(args.path)
        artifact = ("sha-256", digest)
    from . import oms
    try:
        kind = oms.kind_of(json.loads(bundle))
    except ValueError:
        kind = None
    if kind == "model.sig":
        raise UsageError("%s is a model.sig: sealer verify-model DIR --signature %s --trust-bundle %s" % (args.seal, args.seal, args.trust_bundle))
    if kind == "dsse":  # a seal's in-toto/DSSE export (sealer export): its Ed25519 signature and the seal inside
        verdict = oms.verify_dsse(bundle, trust, artifact)
        print(("VALID: %s" % verdict.detail) if verdict.valid else ("INVALID %s: %s" % (verdict.reason, verdict.detail)))
        if verdict.valid and args.java_cli:
            print("java: not run for a DSSE export (sealer cli verify --dsse %s --trust-bundle %s checks its ML-DSA signature)" % (args.seal, args.trust_bundle))
        return EXIT_OK if verdict.valid else EXIT_INVALID
    verdict = offline.verify_bundle(bundle, trust, artifact)
    if not verdict.valid:
        print("INVALID %s: %s" % (verdict.reason, verdict.detail))
        return EXIT_INVALID
    print("VALID: %s" % verdict.detail)
    if args.java_cli:
        file_arg = None
        if args.path:
            file_arg = manifest_path_for(args.seal) if os.path.isdir(args.path) else args.path
        code, output = offline.verify_with_java(args.seal, args.trust_bundle, file_arg, args.java_cli)
        sys.stdout.write("java: " + output)
        return EXIT_OK if code == 0 else EXIT_INVALID
    return EXIT_OK


# ---- OMS model.sig, in-toto/DSSE (docs/formats.md) ------------------------------------------

def _model_args(args):
    from . import oms
    if not os.path.isdir(args.dir):
        raise UsageError("not a directory: " + args.dir)
    signature = args.signature or os.path.join(args.dir, oms.DEFAULT_SIGNATURE_NAME)
    return oms, signature


def cmd_hash_model(args):
    """Offline: the OMS v1.0 statement of a model directory, as Sealer canonical JSON (what seal-model seals)."""
    oms, signature = _model_args(args)
    stmt = oms.hash_model(args.dir, args.ignore, args.allow_symlinks, signature)
    sys.stdout.write(oms.statement_bytes(stmt).decode("ascii") + "\n")
    return EXIT_OK


def cmd_seal_model(args, client):
    """SealModel: hashes the directory, seals the statement, writes the model.sig, prints the seal."""
    oms, signature = _model_args(args)
    labels = _labels(args.label)
    stage = parse_stage(args.stage)
    stmt = oms.hash_model(args.dir, args.ignore, args.allow_symlinks, signature)
    s0 = oms.statement_bytes(stmt)
    if len(s0) > oms.MAX_STATEMENT_BYTES or len(stmt["predicate"]["resources"]) > oms.MAX_RESOURCES:
        raise UsageError("the statement of %s is %d bytes with %d files; SealModel accepts at most %d bytes and %d files"
                         % (args.dir, len(s0), len(stmt["predicate"]["resources"]), oms.MAX_STATEMENT_BYTES, oms.MAX_RESOURCES))
    digest = hashlib.sha256(s0).digest()
    request_id = args.request_id or default_request_id(args.dir, digest)
    resp = client.seal_model(request_id, s0, stage, labels, args.parent)
    if not resp.model_sig_json:
        raise SealerError("INTERNAL", None, "SealModel answered no model_sig_json")
    _write(signature, resp.model_sig_json)
    seal = resp.seal
    receipt = json.loads(seal.seal.receipt_json) if seal.seal.receipt_json else {}
    name = stmt["subject"][0]["name"]
    if seal.replayed and receipt:
        for line in replay_differences(receipt, name, stage, labels, args.parent):
            print("warning: " + line, file=sys.stderr)
    print("sealed model %s sha-256:%s seal=%s suite=%s request=%s%s (%d files) -> %s" % (
        name, digest.hex(), seal.seal.seal_id, seal.seal.suite_id, request_id,
        (" (replayed)" if seal.replayed else "") + (" anchored=%d/%d" % (seal.anchor.leaf_index, seal.anchor.tree_size)
                                                     if seal.HasField("anchor") else ""),
        len(stmt["predicate"]["resources"]), signature))
    return EXIT_OK


def _load_trust(path):
    from . import offline
    try:
        return offline.TrustBundle.load(path)
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise UsageError("cannot read the trust bundle %s: %s" % (path, e)) from None


def _read_text(path):
    """A JSON file's bytes (json.loads reads them; bytes that are not UTF-8 fail there as malformed)."""
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError as e:
        raise UsageError("cannot read %s: %s" % (path, e.strerror or e)) from None


def cmd_verify_model(args):
    """Offline: a model.sig against the trust bundle and the model directory (docs/formats.md section 2.4)."""
    oms, signature = _model_args(args)
    trust = _load_trust(args.trust_bundle)
    text = _read_text(signature)
    verdict = oms.verify_model_sig(text, trust, args.dir, signature)
    if not verdict.valid:
        print("INVALID %s: %s" % (verdict.reason, verdict.detail))
        for line in (verdict.changes.lines() if verdict.changes else []):
            print(line)
        return EXIT_INVALID
    print("VALID: %s" % verdict.detail)
    return EXIT_OK


def cmd_verify_dsse(args):
    """Offline: a seal's in-toto/DSSE export against the trust bundle (Ed25519; ML-DSA not in Python)."""
    from . import oms
    trust = _load_trust(args.trust_bundle)
    text = _read_text(args.file)
    artifact = None
    if args.path:
        digest, _ = digest_path(args.path)
        artifact = ("sha-256", digest)
    verdict = oms.verify_dsse(text, trust, artifact)
    if not verdict.valid:
        print("INVALID %s: %s" % (verdict.reason, verdict.detail))
        return EXIT_INVALID
    print("VALID: %s" % verdict.detail)
    return EXIT_OK


def cmd_export(args, client):
    """GetSeal with export IN_TOTO_DSSE: writes the DSSE envelope (auditor)."""
    record = client.get_seal(args.seal_id, export_dsse=True)
    if not record.in_toto_dsse_json:
        raise SealerError("INTERNAL", None, "GetSeal answered no in_toto_dsse_json for seal %s" % args.seal_id)
    out = args.out or args.seal_id + ".dsse.json"
    _write(out, record.in_toto_dsse_json)
    try:
        n = len(json.loads(record.in_toto_dsse_json).get("signatures", []))
    except (ValueError, AttributeError):
        n = 0
    print("exported seal %s as an in-toto Statement in DSSE (%d signature(s)) -> %s" % (args.seal_id, n, out))
    return EXIT_OK


def _seal_lines(bundle, indent=""):
    """Readable lines of a seal bundle (dict): seal id, suite, subject, digest, mode, anchor."""
    from . import offline
    receipt = bundle.get("receipt")
    if not isinstance(receipt, dict):  # v2's base64 bytes (oms.decode has made them an object already; v1 has one)
        receipt = offline.bundle_receipt(bundle)[0]
    digest = receipt.get("digest") or {}
    anchor = bundle.get("anchor") or {}
    sigs = bundle.get("signatures") or {}
    lines = ["format:         %s" % bundle.get("format"),
             "seal id:        %s" % receipt.get("seal_id"),
             "suite:          %s" % receipt.get("suite_id"),
             "subject:        %s" % receipt.get("subject"),
             "digest:         %s:%s" % (digest.get("algorithm"), digest.get("value")),
             "stage:          %s" % receipt.get("stage"),
             "committed at:   %s" % receipt.get("committed_at"),
             "request id:     %s" % receipt.get("request_id")]
    if receipt.get("labels"):
        lines.append("labels:         %s" % json.dumps(receipt["labels"], sort_keys=True, ensure_ascii=False))
    if receipt.get("parents"):
        lines.append("parents:        %s" % ", ".join(receipt["parents"]))
    lines.append("mode:           %s" % ("ANCHORED" if anchor and not sigs else "SIGNED" + (" + anchor" if anchor else "")))
    if sigs:
        lines.append("signatures:     %s" % ", ".join(sorted(sigs)))
    if anchor:
        lines.append("leaf / tree:    %s / %s (inclusion proof: %d hash(es), checkpoint by %s)" % (
            anchor.get("leaf_index"), anchor.get("tree_size"), len(anchor.get("inclusion_proof") or []), anchor.get("checkpoint_suite_id")))
        lines.append("checkpoint TSA: %s" % ("token present" if anchor.get("checkpoint_timestamp") else "no token"))
    return [indent + line for line in lines]


def _envelope_lines(env, payload):
    lines = ["payload type:   %s" % env.get("payloadType")]
    for s in env.get("signatures") or []:
        lines.append("signature:      keyid %s (%d bytes)" % (s.get("keyid"), len(base64.b64decode(s.get("sig", "")))))
    if not isinstance(payload, dict):
        return lines + ["payload:        not a JSON object"]
    lines.append("statement type: %s" % payload.get("_type"))
    lines.append("predicate type: %s" % payload.get("predicateType"))
    for s in payload.get("subject") or []:
        lines.append("subject:        %s %s" % (s.get("name"), " ".join("%s:%s" % kv for kv in sorted((s.get("digest") or {}).items()))))
    return lines


def _inspect_lines(doc):
    """Readable lines of a decoded (oms.decode) model.sig, DSSE envelope or seal bundle."""
    from . import oms
    kind = oms.kind_of(doc)
    if kind == "model.sig":
        vm = doc.get("verificationMaterial") or {}
        env = doc["dsseEnvelope"]
        payload = env["payload"]
        hint = (vm.get("publicKey") or {}).get("hint")
        key_id = ((env.get("signatures") or [{}])[0]).get("keyid") or hint
        tsa = (vm.get("timestampVerificationData") or {}).get("rfc3161Timestamps") or []
        lines = ["kind:           OMS model.sig (Sigstore bundle)",
                 "media type:     %s" % doc.get("mediaType"),
                 "key id:         %s" % key_id,
                 "suite:          %s" % (key_id.rpartition("/")[0] if isinstance(key_id, str) else None),
                 "key hint:       %s" % hint,
                 "tlog entries:   %d" % len(vm.get("tlogEntries") or []),
                 "TSA token:      %s" % ("present (%d)" % len(tsa) if tsa else "absent")]
        lines += _envelope_lines(env, payload)
        if isinstance(payload, dict):
            pred = payload.get("predicate") or {}
            ser = pred.get("serialization") or {}
            res = pred.get("resources") or []
            lines.append("serialization:  %s %s allow_symlinks=%s ignore_paths=%s" % (
                ser.get("method"), ser.get("hash_type"), json.dumps(ser.get("allow_symlinks")), json.dumps(ser.get("ignore_paths"), ensure_ascii=False)))
            lines.append("resources:      %d" % len(res))
            lines += ["  %s  %s" % (r.get("digest"), r.get("name")) for r in res]
            seal = pred.get(oms.SEAL_MEMBER)
            if isinstance(seal, str):
                seal = json.loads(seal)
            if isinstance(seal, dict):
                lines.append("sealer seal (%s):" % oms.SEAL_MEMBER)
                lines += _seal_lines(seal, "  ")
            else:
                lines.append("sealer seal:    absent (%s not in the predicate)" % oms.SEAL_MEMBER)
        return lines
    if kind == "dsse":
        payload = doc["payload"]
        lines = ["kind:           in-toto Statement in a DSSE envelope"] + _envelope_lines(doc, payload)
        pred = payload.get("predicate") if isinstance(payload, dict) else None
        if isinstance(pred, dict):
            parents = pred.get("parents") or []
            lines.append("parents:        %d" % len(parents))
            lines += ["  %s sha256:%s subject=%s" % (p.get("name"), (p.get("digest") or {}).get("sha256"),
                                                     (p.get("annotations") or {}).get("subject")) for p in parents]
            if isinstance(pred.get("seal"), dict):
                lines.append("sealer seal:")
                lines += _seal_lines(pred["seal"], "  ")
        return lines
    return ["kind:           Sealer seal bundle"] + _seal_lines(doc)


def cmd_inspect(args):
    """Offline: a model.sig, a DSSE export or a seal bundle, readable (or --json: decoded). Nothing is verified."""
    from . import oms, offline
    text = _read_text(args.file)
    try:
        doc = json.loads(text)
    except ValueError as e:
        raise UsageError("%s is not JSON: %s" % (args.file, e)) from None
    if oms.kind_of(doc) is None:
        raise UsageError("%s is neither a model.sig, a DSSE envelope nor a Sealer seal bundle" % args.file)
    try:
        decoded = oms.decode(doc)
        if args.json:
            sys.stdout.write(json.dumps(decoded, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
            return EXIT_OK
        lines = _inspect_lines(decoded)
    except oms.Invalid as e:
        raise UsageError("cannot read %s: %s" % (args.file, e.detail)) from None
    except offline._Invalid as e:
        raise UsageError("cannot read %s: %s" % (args.file, e.detail)) from None
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as e:
        raise UsageError("cannot read %s: malformed (%s: %s)" % (args.file, type(e).__name__, e)) from None
    print("\n".join(lines))
    print("(not verified: sealer verify-model / verify-dsse / verify-offline check it)")
    return EXIT_OK


def cmd_trust_bundle(args, client):
    data = client.trust_bundle()
    _write(args.out, data)
    print("trust bundle written to %s (%d bytes)" % (args.out, len(data.encode("utf-8"))))
    return EXIT_OK


def cmd_suites(args, client):
    for s in client.list_suites():
        print("%s %s sign %s..%s verify-until %s" % (s.suite_id, s.status, s.sign_from or "-", s.sign_until or "-",
                                                    s.verify_until or "-"))
    return EXIT_OK


def cmd_rotate(args, client):
    resp = client.rotate_suite(args.expected_active)
    print("active suite=%s rotated=%s" % (resp.active_suite_id, "true" if resp.rotated else "false"))
    return EXIT_OK


def cmd_revoke(args, client):
    active = client.revoke_suite(args.suite_id, args.compromised_since, args.reason)
    print("revoked %s (compromised since %s); active suite=%s" % (args.suite_id, args.compromised_since, active))
    return EXIT_OK


def cmd_affected(args, client):
    for record in client.affected_seals(args.suite_id):
        print(record.seal_id)
    return EXIT_OK


def cmd_reseal(args, client):
    count = 0
    for old, new in client.reseal_affected(args.suite_id):
        print("%s -> %s" % (old, new))
        count += 1
    print("re-sealed %d seal(s) of %s" % (count, args.suite_id), file=sys.stderr)
    return EXIT_OK


def cmd_checkpoint(args, client):
    note = client.checkpoint(args.size).note
    sys.stdout.write(note if note.endswith("\n") else note + "\n")
    return EXIT_OK


def cmd_proof(args, client):
    anchor = client.inclusion_proof(args.seal_id, earliest=args.earliest)
    print("leaf_index %d" % anchor.leaf_index)
    print("tree_size %d" % anchor.tree_size)
    print("checkpoint_suite %s" % anchor.checkpoint_suite_id)
    print("proof %d hash(es)" % len(anchor.inclusion_proof))
    for h in anchor.inclusion_proof:
        print("  " + h.hex())
    return EXIT_OK


def cmd_sweep(args, client):
    r = client.integrity_sweep()
    print("%s: %d receipts, %d nodes, %d checkpoints checked, %d finding(s)" % (
        "clean" if r.clean and not r.findings else "FINDINGS", r.receipts_checked, r.nodes_checked,
        r.checkpoints_checked, len(r.findings)))
    for f in r.findings:
        print("%s seal=%s leaf=%d: %s" % (f.reason, f.seal_id or "-", f.leaf_index, f.detail))
    return EXIT_OK if r.clean and not r.findings else EXIT_INVALID


def cmd_audit(args, client):
    for e in client.audit_events(since=args.since, actor=args.actor):
        print("%s #%d %s %s actor=%s%s%s" % (
            e.occurred_at.ToJsonString(), e.event_seq, e.outcome, e.action, json.dumps(e.actor),
            " target=" + json.dumps(e.target) if e.target else "", ": " + e.detail if e.detail else ""))
    return EXIT_OK


class _Parser(argparse.ArgumentParser):
    """argparse exits 2 on usage errors; 2 means INVALID here, so usage errors exit 1."""

    def error(self, message):
        self.print_usage(sys.stderr)
        self.exit(EXIT_ERROR, "%s: error: %s\n" % (self.prog, message))


def parser():
    p = _Parser(prog="sealer", description=__doc__.split("\n\n")[0],
                epilog=EXIT_CODES_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    conn = argparse.ArgumentParser(add_help=False)
    g = conn.add_argument_group("connection")
    g.add_argument("--target", default=os.environ.get("SEALER_TARGET", DEFAULT_TARGET),
                   help="host:port of the service (default: $SEALER_TARGET or %s)" % DEFAULT_TARGET)
    g.add_argument("--timeout", type=float, default=30.0, help="seconds per RPC (default 30)")
    g.add_argument("--ca", metavar="PEM", help="TLS: CA certificate(s) of the server; without --ca/--cert/--key the channel is plaintext")
    g.add_argument("--cert", metavar="PEM", help="TLS: client certificate chain (with --key)")
    g.add_argument("--key", metavar="PEM", help="TLS: client private key (with --cert)")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True

    s = sub.add_parser("seal", parents=[conn], help="hash a file or directory and seal the digest",
                       epilog=EXIT_CODES_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    s.add_argument("path", metavar="PATH", help="a file, or a directory (sealed through its manifest)")
    s.add_argument("--request-id", help="idempotency key (default: derived from the absolute path and the digest)")
    s.add_argument("--subject", help="artifact name (default: the name of PATH)")
    s.add_argument("--stage", default="other", help="lifecycle stage, e.g. training, evaluation, deployment (default: other)")
    s.add_argument("--label", action="append", default=[], metavar="KEY=VALUE", help="a label (repeatable)")
    s.add_argument("--parent", action="append", default=[], metavar="SEAL_ID", help="seal id this seal depends on (repeatable)")
    s.add_argument("--out", metavar="FILE", help="seal bundle JSON (default: NAME.seal.json; a directory's manifest goes to NAME.manifest.json beside it)")
    s.add_argument("--anchored", action="store_true",
                   help="ANCHORED mode: no per-seal signature; wait for the checkpoint and keep its inclusion proof in the bundle")
    s.set_defaults(func=cmd_seal)

    m = sub.add_parser("seal-stream", parents=[conn], help="seal many files or directories on one SealStream",
                       epilog=EXIT_CODES_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    m.add_argument("paths", nargs="+", metavar="PATH")
    m.add_argument("--stage", default="other", help="lifecycle stage of every seal (default: other)")
    m.add_argument("--anchored", action="store_true", help="ANCHORED mode for every seal")
    m.add_argument("--out-dir", default=".", metavar="DIR", help="where NAME.seal.json files go (default: .)")
    m.set_defaults(func=cmd_seal_stream)

    gs = sub.add_parser("get", parents=[conn], help="print a stored seal (auditor)",
                        epilog=EXIT_CODES_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    gs.add_argument("seal_id", metavar="SEAL_ID")
    gs.add_argument("--receipt", action="store_true", help="also print the canonical receipt JSON")
    gs.set_defaults(func=cmd_get)

    ls = sub.add_parser("list", parents=[conn], help="list seals by one filter, oldest first (auditor)",
                        epilog=EXIT_CODES_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    ls.add_argument("--request-id")
    ls.add_argument("--subject")
    ls.add_argument("--signer", help='e.g. "CN=dev-sealer,O=Sealer dev"')
    ls.add_argument("--since", metavar="RFC3339", help="committed at or after")
    ls.add_argument("--until", metavar="RFC3339", help="committed before")
    ls.add_argument("--stage", help="only seals of this stage")
    ls.add_argument("--label", metavar="KEY=VALUE", help="only seals with this label")
    ls.set_defaults(func=cmd_list)

    ms = sub.add_parser("meta-seal", parents=[conn], help="bind stage seals into one meta-seal checked against a lifecycle policy",
                        epilog=EXIT_CODES_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    ms.add_argument("seal_ids", nargs="+", metavar="SEAL_ID", help="the seals bound (every parent of each must be bound too, or an external root)")
    ms.add_argument("--subject", required=True, help="what the lineage is about, e.g. model:fraud-detector@2.3.0")
    ms.add_argument("--policy", default="", help="lifecycle policy name (default: the service's 'default')")
    ms.add_argument("--policy-version", type=int, default=0, metavar="N", help="the policy version expected (default: the configured one)")
    ms.add_argument("--external-root", action="append", default=[], metavar="SEAL_ID", help="a parent bound without its own ancestors (repeatable)")
    ms.add_argument("--label", action="append", default=[], metavar="KEY=VALUE", help="a label of the meta-seal (repeatable)")
    ms.add_argument("--request-id", help="idempotency key (default: derived from the subject, the seals and the policy)")
    ms.add_argument("--anchored", action="store_true", help="ANCHORED mode for the meta-seal")
    ms.add_argument("--out", metavar="FILE", help="the meta-seal's bundle (default: SUBJECT.meta.seal.json; its manifest goes to SUBJECT.meta.manifest.json)")
    ms.set_defaults(func=cmd_meta_seal)

    lg = sub.add_parser("lineage", parents=[conn], help="list a seal's ancestors (default) or descendants (auditor)",
                        epilog=EXIT_CODES_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    lg.add_argument("seal_id", metavar="SEAL_ID")
    lg.add_argument("--descendants", action="store_true", help="the seals descending from it instead of its ancestors")
    lg.add_argument("--depth", type=int, default=0, metavar="N", help="links followed at most, 1..64 (default 16)")
    lg.set_defaults(func=cmd_lineage)

    vl = sub.add_parser("verify-lineage", parents=[conn], help="verify a meta-seal and every seal it binds, one line per node",
                        epilog=EXIT_CODES_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    vl.add_argument("meta_seal_id", nargs="?", metavar="META_SEAL_ID", help="the stored meta-seal (or --lineage-file)")
    vl.add_argument("--lineage-file", metavar="FILE", help="verify this lineage file (sealer-lineage/v1) instead of a stored meta-seal")
    vl.add_argument("--artifact", action="append", default=[], metavar="SEAL_ID=PATH",
                    help="re-hash PATH (a file or directory) and check it against that seal (repeatable)")
    vl.add_argument("--save", metavar="FILE", help="also write the lineage file, for sealer cli verify --lineage (auditor)")
    vl.set_defaults(func=cmd_verify_lineage)

    cc = sub.add_parser("commit", parents=[conn], help="a salted commitment of a low-entropy value (e.g. approve/deny), optionally sealed",
                        epilog=EXIT_CODES_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    cc.add_argument("value", nargs="?", metavar="VALUE", help="a JSON value, or a bare word taken as a string (approve -> \"approve\")")
    cc.add_argument("--request-id", help="the seal's request id (public: in the receipt); also salts the commitment")
    cc.add_argument("--model-anchor", metavar="REF", help="the model anchor reference (e.g. the model's seal id or digest)")
    cc.add_argument("--context-salt-file", metavar="FILE", help="the secret context salt (at least 16 bytes)")
    cc.add_argument("--new-context-salt", metavar="FILE", help="write a fresh 32-byte context salt to FILE (mode 0600) and stop")
    cc.add_argument("--seal", action="store_true", help="seal the commitment under --request-id")
    cc.add_argument("--subject", help="subject of the seal (default: commitment:REQUEST_ID)")
    cc.add_argument("--stage", default="inference", help="stage of the seal (default: inference)")
    cc.add_argument("--label", action="append", default=[], metavar="KEY=VALUE")
    cc.add_argument("--parent", action="append", default=[], metavar="SEAL_ID")
    cc.add_argument("--anchored", action="store_true")
    cc.add_argument("--out", metavar="FILE", help="seal bundle (default: REQUEST_ID.seal.json)")
    cc.set_defaults(func=cmd_commit)

    oc = sub.add_parser("open-commitment", help="check offline that a value and salt open the commitment a seal carries",
                        epilog=EXIT_CODES_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    oc.add_argument("value", metavar="VALUE")
    oc.add_argument("--seal", required=True, metavar="FILE", help="the seal bundle of the commitment")
    oc.add_argument("--salt", metavar="HEX", help="the 32-byte salt of this one commitment (what the holder discloses)")
    oc.add_argument("--model-anchor", metavar="REF")
    oc.add_argument("--context-salt-file", metavar="FILE")
    oc.set_defaults(func=cmd_open_commitment, offline=True)

    vo = sub.add_parser("verify-offline", help="verify a seal bundle with the trust bundle alone, no server "
                        "(Ed25519, ECDSA and Merkle checks in Python; ML-DSA only with --java-cli)",
                        epilog=EXIT_CODES_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    vo.add_argument("path", nargs="?", metavar="PATH", help="the file or directory that was sealed (optional)")
    vo.add_argument("--seal", required=True, metavar="FILE", help="seal bundle JSON")
    vo.add_argument("--trust-bundle", required=True, metavar="FILE", help="the pinned trust bundle JSON")
    vo.add_argument("--java-cli", metavar="CMD", help='also run the Java offline verifier for the ML-DSA half, e.g. "./sealer cli"')
    vo.set_defaults(func=cmd_verify_offline, offline=True)

    hm = sub.add_parser("hash-model", help="print the OMS v1.0 statement of a model directory (canonical JSON; no server)",
                        epilog=EXIT_CODES_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    sm = sub.add_parser("seal-model", parents=[conn], help="seal a model directory as an OMS model.sig (FormatService.SealModel)",
                        epilog=EXIT_CODES_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    vm = sub.add_parser("verify-model", help="verify a model.sig and re-hash the model, no server (exit 0 valid, 2 invalid: "
                        "each changed/added/removed file printed)", epilog=EXIT_CODES_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    for c in (hm, sm, vm):
        c.add_argument("dir", metavar="DIR", help="the model directory")
        c.add_argument("--signature", metavar="FILE", help="the model.sig (default: DIR/model.sig; ignored when hashing if inside DIR)")
    for c in (hm, sm):
        c.add_argument("--ignore", action="append", default=[], metavar="PATH",
                       help="also ignore this path, relative to DIR (repeatable; .git, .gitattributes, .github, .gitignore always are)")
        c.add_argument("--allow-symlinks", action="store_true", help="hash the target of a symbolic link to a file under the link's name")
    hm.set_defaults(func=cmd_hash_model, offline=True)
    sm.add_argument("--stage", default="other", help="lifecycle stage (default: other)")
    sm.add_argument("--label", action="append", default=[], metavar="KEY=VALUE", help="a label (repeatable)")
    sm.add_argument("--parent", action="append", default=[], metavar="SEAL_ID", help="seal id this seal depends on (repeatable)")
    sm.add_argument("--request-id", help="idempotency key (default: derived from the absolute path and the statement's digest)")
    sm.set_defaults(func=cmd_seal_model)
    vm.add_argument("--trust-bundle", required=True, metavar="FILE", help="the pinned trust bundle JSON")
    vm.set_defaults(func=cmd_verify_model, offline=True)

    vd = sub.add_parser("verify-dsse", help="verify a seal's in-toto/DSSE export (sealer export), no server "
                        "(Ed25519 in Python; ML-DSA: sealer cli verify --dsse)", epilog=EXIT_CODES_HELP,
                        formatter_class=argparse.RawDescriptionHelpFormatter)
    vd.add_argument("file", metavar="FILE", help="the DSSE envelope JSON")
    vd.add_argument("path", nargs="?", metavar="PATH", help="the file or directory that was sealed (optional)")
    vd.add_argument("--trust-bundle", required=True, metavar="FILE", help="the pinned trust bundle JSON")
    vd.set_defaults(func=cmd_verify_dsse, offline=True)

    ins = sub.add_parser("inspect", help="print a model.sig, a DSSE export or a seal bundle readably (nothing verified)",
                         epilog=EXIT_CODES_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    ins.add_argument("file", metavar="FILE")
    ins.add_argument("--json", action="store_true", help="the decoded structure as JSON (payloads and receipts decoded)")
    ins.set_defaults(func=cmd_inspect, offline=True)

    ex = sub.add_parser("export", parents=[conn], help="a seal as an in-toto Statement in a dual-signed DSSE envelope (auditor)",
                        epilog=EXIT_CODES_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    ex.add_argument("seal_id", metavar="SEAL_ID")
    ex.add_argument("--out", metavar="FILE", help="where the envelope goes (default: SEAL_ID.dsse.json)")
    ex.set_defaults(func=cmd_export)

    v = sub.add_parser("verify", parents=[conn], help="re-hash PATH and verify it against a seal",
                       epilog=EXIT_CODES_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    v.add_argument("path", metavar="PATH", help="the file or directory that was sealed")
    v.add_argument("--seal", required=True, metavar="FILE", help="seal bundle JSON written by seal")
    v.set_defaults(func=cmd_verify)

    t = sub.add_parser("trust-bundle", parents=[conn], help="fetch the trust bundle for offline verification",
                       epilog=EXIT_CODES_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    t.add_argument("--out", required=True, metavar="FILE", help="where to write the trust bundle JSON")
    t.set_defaults(func=cmd_trust_bundle)

    def command(name, func, help_):
        c = sub.add_parser(name, parents=[conn], help=help_, epilog=EXIT_CODES_HELP,
                           formatter_class=argparse.RawDescriptionHelpFormatter)
        c.set_defaults(func=func)
        return c

    command("suites", cmd_suites, "list the signature suites: id, status, signing and verification windows (auditor, key-admin)")
    c = command("rotate", cmd_rotate, "rotate the active suite (key-admin)")
    c.add_argument("--expected-active", metavar="SUITE_ID", default="",
                   help="rotate only if this suite is still the active one (otherwise: rotated=false)")
    c = command("revoke", cmd_revoke, "revoke a compromised suite (key-admin)")
    c.add_argument("suite_id", metavar="SUITE_ID")
    c.add_argument("--compromised-since", required=True, metavar="RFC3339",
                   help="when the key is believed compromised, e.g. 2026-11-21T10:00:00Z (not in the future)")
    c.add_argument("--reason", required=True, metavar="TEXT", help="why (recorded)")
    c = command("affected", cmd_affected, "list the seals a revocation invalidates, one id per line (auditor, key-admin)")
    c.add_argument("suite_id", metavar="SUITE_ID")
    c = command("reseal", cmd_reseal, "re-seal every affected seal under the active suite, printing OLD -> NEW (key-admin)")
    c.add_argument("suite_id", metavar="SUITE_ID")
    c = command("checkpoint", cmd_checkpoint, "print a signed checkpoint of the log (auditor)")
    c.add_argument("--size", type=int, default=0, metavar="N", help="the checkpoint issued at tree size N (default: the latest)")
    c = command("proof", cmd_proof, "print a seal's inclusion proof: leaf index, tree size, hashes in hex (auditor)")
    c.add_argument("seal_id", metavar="SEAL_ID")
    c.add_argument("--earliest", action="store_true",
                   help="against the first checkpoint that covers the seal (default: the latest)")
    command("sweep", cmd_sweep, "run the log integrity sweep; exit 0 clean, 2 findings (auditor, key-admin)")
    c = command("audit", cmd_audit, "list audit events, oldest first (auditor)")
    c.add_argument("--since", metavar="RFC3339", help="events at or after this time")
    c.add_argument("--actor", default="", metavar="A", help='exact actor, e.g. "CN=dev-sealer,O=Sealer dev" or anonymous')
    return p


def main(argv=None):
    args = parser().parse_args(argv)
    try:
        if getattr(args, "offline", False):
            return args.func(args)
        creds = channel_credentials(args.ca, args.cert, args.key)
        with Client(args.target, creds, args.timeout) as client:
            return args.func(args, client)
    except UsageError as e:
        print("error: %s" % e, file=sys.stderr)
        return EXIT_ERROR
    except ModelError as e:
        print("error: %s" % e, file=sys.stderr)
        return EXIT_ERROR
    except OSError as e:
        print("error: %s" % e, file=sys.stderr)
        return EXIT_ERROR
    except SealerError as e:
        print("error: %s" % e, file=sys.stderr)
        return EXIT_REJECTED if e.code == "INVALID_ARGUMENT" else EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
