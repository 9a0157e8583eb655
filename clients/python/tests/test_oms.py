"""OMS model hashing, model.sig and DSSE exports offline (docs/formats.md): the shared vector, the
ordering and ignore rules, symlinks, changed/added/removed files, PAE, model.sig files and DSSE
envelopes built here with fresh keys (the World of test_offline.py), inspect, and the command
line on malformed inputs (exit 1 or 2 with a message, never a traceback)."""
import base64
import copy
import hashlib
import json
import os
import socket

import pytest

from sealer_client import client as cli
from sealer_client import oms, offline
from test_offline import World

VECTOR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "src", "test", "resources", "vectors", "oms-hashing.json")
b64 = lambda b: base64.b64encode(b).decode("ascii")  # noqa: E731


def load_vector():
    with open(VECTOR, "r", encoding="utf-8") as f:
        return json.load(f)


def write_tree(root, files):
    for rel, content in files.items():
        p = os.path.join(str(root), *rel.split("/"))
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "wb") as f:
            f.write(content.encode("utf-8") if isinstance(content, str) else content)
    return str(root)


def run(capsys, *argv):
    try:
        code = cli.main(list(argv))
    except SystemExit as e:  # argparse's usage errors
        code = e.code
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


# ---- hashing --------------------------------------------------------------------------------

def test_the_shared_vector(tmp_path):
    vec = load_vector()
    model = write_tree(tmp_path / vec["model_name"], vec["files"])
    stmt = oms.hash_model(model, vec["ignore"])
    assert stmt == vec["statement"]
    assert oms.statement_bytes(stmt).decode("ascii") == vec["canonical"]
    assert hashlib.sha256(vec["canonical"].encode("ascii")).hexdigest() == vec["canonical_sha256"]
    assert oms.check_statement(copy.deepcopy(vec["statement"]))


def test_the_vector_order_by_hand():
    """Written out by hand from the rule (path components, each by code point), not computed."""
    names = [r["name"] for r in load_vector()["statement"]["predicate"]["resources"]]
    assert names == [
        ".gitkeep",                 # '.' (0x2E) < 'a'; not under the ignored .git (a whole component)
        "a/b",                      # component "a" < "a-c": the component order
        "a-c",                      # "a-c" < "a.d" ('-' 0x2D < '.' 0x2E) ...
        "a.d",                      # ... although as strings "a-c" < "a.d" < "a/b" ('/' is 0x2F)
        "config.json",
        "donn\u00e9es/mod\u00e8le.txt",    # 'd' < 'l'
        "logs.txt",                 # kept: only logs (the directory) is ignored
        "notes/final.txt",          # notes/draft.txt ignored
        "tokenizer/special/tokens.json",   # "special" < "vocab.txt"
        "tokenizer/vocab.txt",
        "weights/empty.bin",
        "weights/model-00001-of-00002.safetensors",
        "weights/model-00002-of-00002.safetensors",
        "x-\uff5e.txt",             # U+FF5E < U+1F600 by code point (in UTF-16 units 0xFF5E > 0xD83D)
        "x-\U0001f600.txt",
    ]
    assert "a-c" < "a.d" < "a/b" and "x-\U0001f600.txt".encode("utf-16-be") < "x-\uff5e.txt".encode("utf-16-be")
    # the empty file's digest is SHA-256 of nothing; the subject digest is over the raw digests
    vec = load_vector()
    res = {r["name"]: r["digest"] for r in vec["statement"]["predicate"]["resources"]}
    assert res["weights/empty.bin"] == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    raw = b"".join(bytes.fromhex(r["digest"]) for r in vec["statement"]["predicate"]["resources"])
    assert vec["statement"]["subject"][0]["digest"]["sha256"] == hashlib.sha256(raw).hexdigest()
    assert vec["statement"]["predicate"]["serialization"]["ignore_paths"] == [
        ".git", ".gitattributes", ".github", ".gitignore", "logs", "model.sig", "notes/draft.txt"]
    assert "\\u00e9" in vec["canonical"] and "\\ud83d\\ude00" in vec["canonical"] and vec["canonical"].isascii()


def test_ignore_rules(tmp_path):
    model = write_tree(tmp_path / "m", {"w.bin": "w", ".git/x": "g", ".gitkeep": "k", "sub/.git": "a file named .git, kept",
                                        "model.sig": "old", "cache/a": "c", "cache2": "kept"})
    names = [r["name"] for r in oms.hash_model(model, ["cache/"])["predicate"]["resources"]]
    assert names == [".gitkeep", "cache2", "sub/.git", "w.bin"]
    # the signature file is ignored only where it is: elsewhere DIR/model.sig is a model file
    st = oms.hash_model(model, signature=str(tmp_path / "outside.sig"))
    assert "model.sig" in [r["name"] for r in st["predicate"]["resources"]]
    assert "model.sig" not in st["predicate"]["serialization"]["ignore_paths"]
    st = oms.hash_model(model, ["./cache"], signature=os.path.join(model, "sub", "m.sig"))
    assert st["predicate"]["serialization"]["ignore_paths"] == [".git", ".gitattributes", ".github", ".gitignore", "cache", "sub/m.sig"]
    for bad in ("../x", "a/../b", "", "."):
        with pytest.raises(oms.ModelError):
            oms.hash_model(model, [bad])


def test_symlinks_refused_unless_allowed_then_the_target_is_hashed(tmp_path):
    model = write_tree(tmp_path / "m", {"real.bin": "payload"})
    os.symlink("real.bin", os.path.join(model, "link.bin"))
    with pytest.raises(oms.ModelError, match="symbolic link"):
        oms.hash_model(model)
    st = oms.hash_model(model, allow_symlinks=True)
    res = {r["name"]: r["digest"] for r in st["predicate"]["resources"]}
    assert res["link.bin"] == res["real.bin"] == hashlib.sha256(b"payload").hexdigest()
    assert st["predicate"]["serialization"]["allow_symlinks"] is True
    os.symlink("missing", os.path.join(model, "broken"))
    with pytest.raises(oms.ModelError, match="broken"):
        oms.hash_model(model, allow_symlinks=True)
    assert oms.hash_model(model, ["broken"], allow_symlinks=True)  # an ignored link is not looked at
    os.remove(os.path.join(model, "broken"))
    os.mkdir(os.path.join(str(tmp_path), "d"))
    os.symlink(os.path.join(str(tmp_path), "d"), os.path.join(model, "dirlink"))
    with pytest.raises(oms.ModelError, match="directory"):
        oms.hash_model(model, allow_symlinks=True)


def test_special_files_are_an_error(tmp_path):
    model = write_tree(tmp_path / "m", {"a": "a"})
    os.mkfifo(os.path.join(model, "pipe"))
    with pytest.raises(oms.ModelError, match="not a regular file"):
        oms.hash_model(model)
    os.remove(os.path.join(model, "pipe"))
    s = socket.socket(socket.AF_UNIX)
    try:
        path = os.path.join(model, "s")
        if len(path) < 100:
            s.bind(path)
            with pytest.raises(oms.ModelError, match="not a regular file"):
                oms.hash_model(model)
    finally:
        s.close()


def test_empty_directories_contribute_nothing(tmp_path):
    model = write_tree(tmp_path / "m", {"a": "a"})
    before = oms.hash_model(model)
    os.makedirs(os.path.join(model, "empty", "deeper"))
    assert oms.hash_model(model) == before


def test_changed_added_removed(tmp_path):
    model = write_tree(tmp_path / "m", {"a/b": "1", "a-c": "2", "z": "3", ".git/HEAD": "x"})
    st = oms.hash_model(model)
    assert not oms.compare(st, model)
    write_tree(model, {"a/b": "changed", "new/file": "n", ".git/HEAD": "y", "model.sig": "sig"})
    os.remove(os.path.join(model, "z"))
    ch = oms.compare(st, model)
    assert (ch.changed, ch.added, ch.removed) == (["a/b"], ["new/file"], ["z"])
    assert ch.lines() == ["  changed: a/b", "  added:   new/file", "  removed: z"] and ch.summary() == "1 changed, 1 added, 1 removed"


def test_check_statement_names_the_member():
    vec = load_vector()
    cases = [
        (lambda s: s.update(_type="x"), "_type"),
        (lambda s: s["subject"].append(dict(s["subject"][0])), "subject"),
        (lambda s: s["predicate"]["serialization"].update(method="shards"), "predicate.serialization.method"),
        (lambda s: s["predicate"]["resources"][0].update(digest="AB" * 32), "predicate.resources[0].digest"),
        (lambda s: s["predicate"]["resources"][1].update(name="a/../b"), "predicate.resources[1].name"),
        (lambda s: s["predicate"]["resources"].reverse(), "predicate.resources"),
        (lambda s: s["subject"][0]["digest"].update(sha256="0" * 64), "subject[0].digest.sha256"),
    ]
    for edit, member in cases:
        s = copy.deepcopy(vec["statement"])
        edit(s)
        with pytest.raises(oms.Invalid) as e:
            oms.check_statement(s)
        assert e.value.reason == "INVALID_STATEMENT" and e.value.detail.startswith(member + ":"), (member, e.value.detail)


# ---- DSSE -----------------------------------------------------------------------------------

def test_pae_bytes():
    assert oms.pae("application/vnd.in-toto+json", b"hello") == b"DSSEv1 28 application/vnd.in-toto+json 5 hello"
    assert oms.pae("", b"") == b"DSSEv1 0  0 "
    assert oms.pae("t", "\u00e9".encode("utf-8")) == b"DSSEv1 1 t 2 \xc3\xa9"


class ModelWorld(World):
    """A model directory, its statement sealed (ANCHORED) by the World's suite and a model.sig around it."""

    def __init__(self, tmp_path):
        super().__init__()
        self.model = write_tree(tmp_path / "tiny-model", {"config.json": "{}\n", "weights/w.bin": "w", "tok/v.txt": "v\n"})
        self.s0 = oms.hash_model(self.model)
        self.receipt["digest"]["value"] = hashlib.sha256(oms.statement_bytes(self.s0)).hexdigest()
        self.receipt["subject"] = "tiny-model"
        self.key_id = "suite-20261201-00000001/ed25519"

    def model_sig(self, s1=None, key=None, key_id=None):
        if s1 is None:
            s1 = copy.deepcopy(self.s0)
            s1["predicate"][oms.SEAL_MEMBER] = self.anchored()
        payload = offline.canonical_json(s1)
        sig = (key or self.suite).sign(oms.pae(oms.PAYLOAD_TYPE, payload))
        return {"mediaType": oms.BUNDLE_MEDIA_TYPE,
                "verificationMaterial": {"publicKey": {"hint": key_id or self.key_id}, "tlogEntries": [],
                                         "timestampVerificationData": {"rfc3161Timestamps": [{"signedTimestamp": b64(b"token")}]}},
                "dsseEnvelope": {"payload": b64(payload), "payloadType": oms.PAYLOAD_TYPE,
                                 "signatures": [{"sig": b64(sig), "keyid": key_id or self.key_id}]}}

    def trust_bundle(self):
        return offline.TrustBundle(copy.deepcopy(self.trust))

    def verify(self, sig, model=True):
        return oms.verify_model_sig(json.dumps(sig), self.trust_bundle(), self.model if model else None)

    def export(self, parents=(), key=None):
        bundle = self.signed()
        receipt = json.loads(base64.b64decode(bundle["receipt"]))
        stmt = {"_type": oms.STATEMENT_TYPE,
                "subject": [{"name": receipt["subject"], "digest": {"sha256": receipt["digest"]["value"]}}],
                "predicateType": oms.RECEIPT_PREDICATE_TYPE,
                "predicate": {"seal": bundle, "receipt": receipt, "parents": list(parents)}}
        payload = offline.canonical_json(stmt)
        message = oms.pae(oms.PAYLOAD_TYPE, payload)
        return {"payload": b64(payload), "payloadType": oms.PAYLOAD_TYPE,
                "signatures": [{"keyid": self.key_id, "sig": b64((key or self.suite).sign(message))},
                               {"keyid": "suite-20261201-00000001/ml-dsa-65", "sig": b64(b"not checked in Python")}]}


@pytest.fixture
def mw(tmp_path):
    return ModelWorld(tmp_path)


def test_a_model_sig_verifies_and_every_file_matches(mw):
    v = mw.verify(mw.model_sig())
    assert v.valid, v
    assert "every file matches" in v.detail and "ml-dsa not checked" in v.detail and v.seal_id == mw.receipt["seal_id"]
    assert mw.verify(mw.model_sig(), model=False).valid


def test_a_changed_model_names_each_file(mw):
    sig = mw.model_sig()
    write_tree(mw.model, {"config.json": "{\"x\":1}\n", "extra.txt": "new"})
    os.remove(os.path.join(mw.model, "tok", "v.txt"))
    v = mw.verify(sig)
    assert (v.valid, v.reason) == (False, "ANCHOR_MISMATCH")
    assert (v.changes.changed, v.changes.added, v.changes.removed) == (["config.json"], ["extra.txt"], ["tok/v.txt"])


def test_a_tampered_payload_breaks_the_signature(mw):
    sig = mw.model_sig()
    s1 = json.loads(base64.b64decode(sig["dsseEnvelope"]["payload"]))
    s1["predicate"]["resources"][0]["digest"] = "0" * 64
    sig["dsseEnvelope"]["payload"] = b64(offline.canonical_json(s1))
    assert mw.verify(sig).reason == "SIGNATURE_INVALID"


def test_a_re_signed_tampered_statement_fails_the_seal(mw):
    """Even signed by the suite key, a statement whose S0 is not what the seal sealed does not verify."""
    s1 = copy.deepcopy(mw.s0)
    s1["predicate"]["resources"][0]["digest"] = hashlib.sha256(b"other").hexdigest()
    s1["subject"][0]["digest"]["sha256"] = oms.model_digest(r["digest"] for r in s1["predicate"]["resources"])
    s1["predicate"][oms.SEAL_MEMBER] = mw.anchored()
    assert mw.verify(mw.model_sig(s1)).reason == "ANCHOR_MISMATCH"
    s1["subject"][0]["digest"]["sha256"] = "0" * 64
    v = mw.verify(mw.model_sig(s1))
    assert v.reason == "INVALID_STATEMENT" and "subject[0].digest.sha256" in v.detail


def test_model_sig_key_and_suite_errors(mw):
    from cryptography.hazmat.primitives.asymmetric import ed25519
    assert mw.verify(mw.model_sig(key=ed25519.Ed25519PrivateKey.generate())).reason == "SIGNATURE_INVALID"
    assert mw.verify(mw.model_sig(key_id="suite-unknown/ed25519")).reason == "UNKNOWN_SUITE"
    assert mw.verify(mw.model_sig(key_id="suite-20261201-00000001/ml-dsa-65")).reason == "SIGNATURE_INVALID"
    sig = mw.model_sig()
    sig["verificationMaterial"]["publicKey"]["hint"] = "suite-other/ed25519"
    assert mw.verify(sig).reason == "MALFORMED_BUNDLE"


def test_malformed_model_sigs(mw):
    good = mw.model_sig()
    cases = [
        lambda s: s.update(mediaType="application/json"),
        lambda s: s.pop("dsseEnvelope"),
        lambda s: s["dsseEnvelope"].update(payloadType="text/plain"),
        lambda s: s["dsseEnvelope"].update(payload="***"),
        lambda s: s["dsseEnvelope"]["signatures"].append(dict(s["dsseEnvelope"]["signatures"][0])),
        lambda s: s["dsseEnvelope"].update(signatures=[]),
        lambda s: s["dsseEnvelope"]["signatures"][0].update(sig=5),
    ]
    for edit in cases:
        s = copy.deepcopy(good)
        edit(s)
        v = mw.verify(s)
        assert not v.valid and v.reason in ("MALFORMED_BUNDLE", "SIGNATURE_INVALID"), (v, s)
    s1 = copy.deepcopy(mw.s0)  # no sealer.dev/seal member
    assert mw.verify(mw.model_sig(s1)).reason == "INVALID_STATEMENT"
    assert oms.verify_model_sig("not json", mw.trust_bundle()).reason == "MALFORMED_BUNDLE"
    assert oms.verify_model_sig("[1]", mw.trust_bundle()).reason == "MALFORMED_BUNDLE"


def test_the_seal_inside_must_verify(mw):
    s1 = copy.deepcopy(mw.s0)
    bundle = mw.anchored()
    bundle["anchor"]["leaf_index"] = 1
    s1["predicate"][oms.SEAL_MEMBER] = bundle
    v = mw.verify(mw.model_sig(s1))
    assert v.reason == "MERKLE_PROOF_INVALID" and v.detail.startswith("the embedded seal: ")


def test_a_dsse_export_verifies_and_its_tampering_does_not(mw):
    parent_receipt = b'{"seal_id":"p"}'
    parents = [{"name": "01a2012d-0000-7000-8000-000000000001", "uri": "urn:uuid:01a2012d-0000-7000-8000-000000000001",
                "digest": {"sha256": oms.parent_digest(parent_receipt)}, "annotations": {"subject": "dataset.csv"}}]
    mw.receipt["parents"] = [parents[0]["name"]]
    env = mw.export(parents)
    v = oms.verify_dsse(json.dumps(env), mw.trust_bundle())
    assert v.valid and "ed25519" in v.detail and "not checked in Python: suite-20261201-00000001/ml-dsa-65" in v.detail, v
    stmt = json.loads(base64.b64decode(env["payload"]))
    stmt["subject"][0]["name"] = "other"
    bad = dict(env, payload=b64(offline.canonical_json(stmt)))
    assert oms.verify_dsse(bad, mw.trust_bundle()).reason == "SIGNATURE_INVALID"
    from cryptography.hazmat.primitives.asymmetric import ed25519
    assert oms.verify_dsse(mw.export(parents, key=ed25519.Ed25519PrivateKey.generate()), mw.trust_bundle()).reason == "SIGNATURE_INVALID"
    only_pq = dict(env, signatures=env["signatures"][1:])
    assert oms.verify_dsse(only_pq, mw.trust_bundle()).reason == "SIGNATURE_INVALID"
    assert oms.verify_dsse(env, mw.trust_bundle(), ("sha-256", hashlib.sha256(b"x").digest())).reason == "ANCHOR_MISMATCH"


# ---- the command line -----------------------------------------------------------------------

def write_json(path, doc):
    with open(str(path), "w", encoding="utf-8") as f:
        json.dump(doc, f)
    return str(path)


def test_cli_hash_model_prints_the_canonical_statement(tmp_path, capsys):
    vec = load_vector()
    model = write_tree(tmp_path / vec["model_name"], vec["files"])
    args = ["hash-model", model] + [a for p in vec["ignore"] for a in ("--ignore", p)]
    code, out, err = run(capsys, *args)
    assert code == 0 and out == vec["canonical"] + "\n", err
    os.symlink("config.json", os.path.join(model, "link"))
    code, out, err = run(capsys, "hash-model", model)
    assert code == 1 and "symbolic link" in err and "--allow-symlinks" in err
    assert run(capsys, "hash-model", model, "--allow-symlinks")[0] == 0
    code, _, err = run(capsys, "hash-model", str(tmp_path / "missing"))
    assert code == 1 and "not a directory" in err


def test_cli_verify_model(mw, tmp_path, capsys):
    sig = write_json(os.path.join(mw.model, "model.sig"), mw.model_sig())
    trust = write_json(tmp_path / "trust.json", mw.trust)
    code, out, _ = run(capsys, "verify-model", mw.model, "--trust-bundle", trust)
    assert code == 0 and out.startswith("VALID: model.sig of tiny-model (3 files)"), out
    write_tree(mw.model, {"weights/w.bin": "retrained"})
    code, out, _ = run(capsys, "verify-model", mw.model, "--signature", sig, "--trust-bundle", trust)
    assert code == 2 and out.splitlines() == ["INVALID ANCHOR_MISMATCH: the model directory %s does not match the signed statement: "
                                              "1 changed, 0 added, 0 removed" % mw.model, "  changed: weights/w.bin"], out
    # the model.sig moved elsewhere inside the model is not an added file
    write_tree(mw.model, {"weights/w.bin": "w"})
    os.makedirs(os.path.join(mw.model, "sigs"))
    os.rename(sig, os.path.join(mw.model, "sigs", "tiny.sig"))
    code, out, _ = run(capsys, "verify-model", mw.model, "--signature", os.path.join(mw.model, "sigs", "tiny.sig"), "--trust-bundle", trust)
    assert code == 0, out


def test_cli_malformed_inputs_exit_1_or_2_with_a_message(mw, tmp_path, capsys):
    trust = write_json(tmp_path / "trust.json", mw.trust)
    garbage = tmp_path / "garbage.sig"
    garbage.write_bytes(b"\xff\xfe not json")
    code, out, err = run(capsys, "verify-model", mw.model, "--signature", str(garbage), "--trust-bundle", trust)
    assert code == 2 and out.startswith("INVALID MALFORMED_BUNDLE: "), out
    code, out, err = run(capsys, "verify-model", mw.model, "--signature", str(tmp_path / "none.sig"), "--trust-bundle", trust)
    assert code == 1 and err.startswith("error: cannot read"), err
    code, out, err = run(capsys, "verify-model", mw.model, "--signature", write_json(tmp_path / "s.sig", mw.model_sig()),
                         "--trust-bundle", str(garbage))
    assert code == 1 and "trust bundle" in err, err
    code, out, err = run(capsys, "verify-model", mw.model)
    assert code == 1 and "--trust-bundle" in err
    code, out, err = run(capsys, "inspect", str(garbage))
    assert code == 1 and "not JSON" in err
    code, out, err = run(capsys, "inspect", write_json(tmp_path / "x.json", {"hello": 1}))
    assert code == 1 and "neither a model.sig" in err
    broken = mw.model_sig()
    broken["dsseEnvelope"]["payload"] = "%%%"
    code, out, err = run(capsys, "inspect", write_json(tmp_path / "b.sig", broken))
    assert code == 1 and "not base64" in err, err
    code, out, err = run(capsys, "verify-dsse", write_json(tmp_path / "d.json", {"payloadType": "x", "signatures": 3, "payload": ""}),
                         "--trust-bundle", trust)
    assert code == 2 and out.startswith("INVALID MALFORMED_BUNDLE"), out
    code, out, err = run(capsys, "verify-dsse", str(garbage), "--trust-bundle", trust)
    assert code == 2 and out.startswith("INVALID MALFORMED_BUNDLE"), out


def test_cli_inspect_a_hand_built_model_sig(mw, tmp_path, capsys):
    path = write_json(tmp_path / "model.sig", mw.model_sig())
    code, out, err = run(capsys, "inspect", path)
    assert code == 0, err
    for want in ("media type:     application/vnd.dev.sigstore.bundle.v0.3+json", "key id:         suite-20261201-00000001/ed25519",
                 "suite:          suite-20261201-00000001", "payload type:   application/vnd.in-toto+json",
                 "predicate type: https://model_signing/signature/v1.0", "subject:        tiny-model sha256:" + mw.s0["subject"][0]["digest"]["sha256"],
                 "resources:      3", "  %s  config.json" % hashlib.sha256(b"{}\n").hexdigest(), "TSA token:      present (1)",
                 "  seal id:        " + mw.receipt["seal_id"]):
        assert want in out.splitlines(), (want, out)
    assert "  leaf / tree:    2 / 3 (inclusion proof: 1 hash(es), checkpoint by suite-20261201-00000001)" in out
    code, out, err = run(capsys, "inspect", path, "--json")
    doc = json.loads(out)
    assert doc["dsseEnvelope"]["payload"]["predicate"]["resources"] == mw.s0["predicate"]["resources"]
    assert doc["dsseEnvelope"]["payload"]["predicate"][oms.SEAL_MEMBER]["receipt"]["seal_id"] == mw.receipt["seal_id"]


def test_cli_inspect_a_dsse_export_and_a_seal_bundle(mw, tmp_path, capsys):
    env_path = write_json(tmp_path / "e.dsse.json", mw.export())
    code, out, err = run(capsys, "inspect", env_path)
    assert code == 0 and "predicate type: https://sealer.dev/receipt/v1" in out and "signature:      keyid suite-20261201-00000001/ed25519 (64 bytes)" in out, out
    code, out, err = run(capsys, "inspect", write_json(tmp_path / "s.seal.json", mw.signed()))
    assert code == 0 and "mode:           SIGNED" in out and "seal id:        " + mw.receipt["seal_id"] in out, out
    code, out, err = run(capsys, "inspect", write_json(tmp_path / "a.seal.json", mw.anchored()))
    assert code == 0 and "mode:           ANCHORED" in out and "checkpoint TSA: no token" in out, out


def test_cli_verify_dsse_and_verify_offline_read_an_export(mw, tmp_path, capsys):
    env_path = write_json(tmp_path / "e.dsse.json", mw.export())
    trust = write_json(tmp_path / "trust.json", mw.trust)
    code, out, _ = run(capsys, "verify-dsse", env_path, "--trust-bundle", trust)
    assert code == 0 and out.startswith("VALID: DSSE envelope of seal "), out
    artifact = tmp_path / "statement.json"
    artifact.write_bytes(oms.statement_bytes(mw.s0))  # what the ModelWorld's receipt seals
    assert run(capsys, "verify-dsse", env_path, str(artifact), "--trust-bundle", trust)[0] == 0
    code, out, _ = run(capsys, "verify-offline", "--seal", env_path, "--trust-bundle", trust)
    assert code == 0 and out.startswith("VALID: DSSE envelope"), out
    artifact.write_bytes(b"changed\n")
    code, out, _ = run(capsys, "verify-dsse", env_path, str(artifact), "--trust-bundle", trust)
    assert code == 2 and out.startswith("INVALID ANCHOR_MISMATCH"), out


# ---- the online commands against a stand-in service -----------------------------------------

class _StandIn:
    """FormatService.SealModel and SealService.GetSeal answering from a ModelWorld, to drive the
    command line's online paths (seal-model, export) without the real service."""

    def __init__(self, mw):
        self.mw, self.requests = mw, []

    def SealModel(self, request, context):
        from sealer.v1 import formats_pb2, seal_pb2
        self.requests.append(request)
        s0 = json.loads(request.statement)
        self.mw.receipt["digest"]["value"] = hashlib.sha256(offline.canonical_json(s0)).hexdigest()
        self.mw.s0 = s0
        bundle = self.mw.anchored()
        return formats_pb2.SealModelResponse(
            seal=seal_pb2.SealResponse(seal=seal_pb2.SealRecord(seal_id=self.mw.receipt["seal_id"], suite_id="suite-20261201-00000001",
                                                                receipt_json=offline.canonical_json(self.mw.receipt)),
                                       seal_bundle_json=json.dumps(bundle), anchor=seal_pb2.Anchor(leaf_index=2, tree_size=3)),
            model_sig_json=json.dumps(self.mw.model_sig()))

    def GetSeal(self, request, context):
        from sealer.v1 import seal_pb2
        self.requests.append(request)
        return seal_pb2.SealRecord(seal_id=request.seal_id, in_toto_dsse_json=json.dumps(self.mw.export())
                                   if request.export == seal_pb2.IN_TOTO_DSSE else "")


@pytest.fixture
def stand_in(mw):
    from concurrent import futures
    import importlib
    import grpc
    servicer = _StandIn(mw)
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
    handlers = {
        "sealer.v1.FormatService": {"SealModel": ("formats_pb2", "SealModelRequest", "SealModelResponse")},
        "sealer.v1.SealService": {"GetSeal": ("seal_pb2", "GetSealRequest", "SealRecord")},
    }
    for service, methods in handlers.items():
        rpcs = {}
        for name, (mod, req, resp) in methods.items():
            m = importlib.import_module("sealer.v1." + mod)
            rpcs[name] = grpc.unary_unary_rpc_method_handler(getattr(servicer, name), request_deserializer=getattr(m, req).FromString,
                                                              response_serializer=getattr(m, resp).SerializeToString)
        server.add_generic_rpc_handlers((grpc.method_handlers_generic_handler(service, rpcs),))
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    yield "127.0.0.1:%d" % port, servicer
    server.stop(None)


def test_cli_seal_model_and_export_through_the_rpcs(mw, stand_in, tmp_path, capsys):
    target, servicer = stand_in
    code, out, err = run(capsys, "seal-model", mw.model, "--stage", "training", "--label", "team=ml", "--parent", "p-1",
                         "--ignore", "tok", "--target", target)
    assert code == 0 and out.startswith("sealed model tiny-model sha-256:") and " seal=" + mw.receipt["seal_id"] in out, (out, err)
    assert "anchored=2/3 (2 files) -> " + os.path.join(mw.model, "model.sig") in out, out
    req = servicer.requests[0]
    stmt = json.loads(req.statement)
    assert req.statement == oms.statement_bytes(stmt) and "tok" in stmt["predicate"]["serialization"]["ignore_paths"]
    assert (req.stage, dict(req.labels), list(req.parent_seal_ids)) == (4, {"team": "ml"}, ["p-1"]) and req.request_id.startswith("py-")
    trust = write_json(tmp_path / "trust.json", mw.trust)
    code, out, _ = run(capsys, "verify-model", mw.model, "--trust-bundle", trust)
    assert code == 0 and "(2 files)" in out, out
    out_file = str(tmp_path / "x.dsse.json")
    code, out, err = run(capsys, "export", "some-seal", "--out", out_file, "--target", target)
    assert code == 0 and out == "exported seal some-seal as an in-toto Statement in DSSE (2 signature(s)) -> %s\n" % out_file, (out, err)
    assert servicer.requests[-1].export == 1
    assert run(capsys, "verify-dsse", out_file, "--trust-bundle", trust)[0] == 0
