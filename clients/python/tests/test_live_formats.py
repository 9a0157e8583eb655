"""OMS model.sig (FormatService.SealModel) and the in-toto/DSSE export (GetSeal export IN_TOTO_DSSE)
against a running service: SEALER_TARGET=host:port (plaintext, every role), as test_live.py.
docs/formats.md is the contract these tests hold the service to."""
import base64
import hashlib
import json
import os
import uuid

import pytest

import sealer_client as sc
from sealer_client import client as cli
from sealer_client import oms, offline

TARGET = os.environ.get("SEALER_TARGET")
pytestmark = pytest.mark.skipif(not TARGET, reason="SEALER_TARGET (a running service) not set")


@pytest.fixture(scope="module")
def client():
    with sc.Client(TARGET) as c:
        yield c


@pytest.fixture(scope="module")
def trust_json(client):
    return client.trust_bundle()


def rid(tag):
    return "pytest-%s-%s" % (tag, uuid.uuid4().hex[:12])


def run(capsys, *argv):
    try:
        code = cli.main(list(argv))
    except SystemExit as e:
        code = e.code
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def make_model(root, tag):
    files = {"config.json": '{"hidden_size":8,"run":"%s"}\n' % tag, "weights/w.bin": os.urandom(64),
             "tokenizer/vocab.txt": "hello\nworld\n", "a/b": "b", "a-c": "c", ".git/HEAD": "ref: refs/heads/main\n"}
    for rel, content in files.items():
        p = os.path.join(str(root), *rel.split("/"))
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "wb") as f:
            f.write(content if isinstance(content, bytes) else content.encode("utf-8"))
    return str(root)


@pytest.fixture
def sealed(tmp_path, trust_json, capsys):
    """A model directory sealed with `seal-model` (model.sig inside it) and the trust bundle on disk."""
    tag = uuid.uuid4().hex[:8]
    model = make_model(tmp_path / ("tiny-model-" + tag), tag)
    trust = tmp_path / "trust.json"
    trust.write_text(trust_json)
    code, out, err = run(capsys, "seal-model", model, "--stage", "training", "--label", "team=ml", "--request-id", rid("model"),
                         "--target", TARGET)
    assert code == 0 and out.startswith("sealed model tiny-model-" + tag) and " seal=" in out, (out, err)
    seal_id = out.split(" seal=")[1].split()[0]
    return {"model": model, "sig": os.path.join(model, "model.sig"), "trust": str(trust), "seal_id": seal_id, "tag": tag}


def verify_model(capsys, s, *extra):
    return run(capsys, "verify-model", s["model"], "--signature", s["sig"], "--trust-bundle", s["trust"], *extra)


def test_seal_model_writes_a_model_sig_as_formats_md_says(sealed, trust_json):
    with open(sealed["sig"], "rb") as f:
        text = f.read()
    doc = json.loads(text)
    assert offline.canonical_json(doc) == text  # written as Sealer canonical JSON
    assert doc["mediaType"] == "application/vnd.dev.sigstore.bundle.v0.3+json"
    vm = doc["verificationMaterial"]
    assert vm["tlogEntries"] == [] and set(doc) == {"mediaType", "verificationMaterial", "dsseEnvelope"}
    env = doc["dsseEnvelope"]
    assert env["payloadType"] == "application/vnd.in-toto+json" and len(env["signatures"]) == 1
    key_id = env["signatures"][0]["keyid"]
    assert key_id.endswith("/ed25519") and vm["publicKey"]["hint"] == key_id
    assert len(base64.b64decode(env["signatures"][0]["sig"])) == 64
    if "timestampVerificationData" in vm:
        assert base64.b64decode(vm["timestampVerificationData"]["rfc3161Timestamps"][0]["signedTimestamp"])
    s1 = json.loads(base64.b64decode(env["payload"]))
    s0, s0_bytes, seal = oms.recover_s0(s1)
    assert s0 == oms.hash_model(sealed["model"])  # the statement the client sent, re-serialised
    assert s0["subject"][0]["name"] == "tiny-model-" + sealed["tag"]
    assert "a/b" in [r["name"] for r in s0["predicate"]["resources"]]
    receipt, _ = offline.bundle_receipt(seal)
    assert receipt["seal_id"] == sealed["seal_id"] and receipt["subject"] == s0["subject"][0]["name"]
    assert receipt["digest"] == {"algorithm": "sha-256", "value": hashlib.sha256(s0_bytes).hexdigest()}
    assert receipt["stage"] == "training" and receipt["labels"] == {"team": "ml"}
    assert seal.get("anchor") and not seal.get("signatures")  # ANCHORED
    trust = offline.TrustBundle(json.loads(trust_json))
    assert offline.verify_bundle(seal, trust, ("sha-256", hashlib.sha256(s0_bytes).digest())).valid


def test_verify_model_valid_then_changed_added_removed(sealed, capsys):
    code, out, err = verify_model(capsys, sealed)
    assert code == 0 and out.startswith("VALID: model.sig of tiny-model-") and "every file matches" in out, (out, err)
    path = os.path.join(sealed["model"], "weights", "w.bin")
    with open(path, "rb") as f:
        original = f.read()
    with open(path, "wb") as f:
        f.write(b"retrained")
    code, out, _ = verify_model(capsys, sealed)
    assert code == 2 and out.startswith("INVALID ANCHOR_MISMATCH") and "  changed: weights/w.bin" in out.splitlines(), out
    with open(path, "wb") as f:
        f.write(original)
    assert verify_model(capsys, sealed)[0] == 0
    extra = os.path.join(sealed["model"], "tokenizer", "merges.txt")
    with open(extra, "w") as f:
        f.write("a b\n")
    code, out, _ = verify_model(capsys, sealed)
    assert code == 2 and "  added:   tokenizer/merges.txt" in out.splitlines(), out
    os.remove(extra)
    os.remove(os.path.join(sealed["model"], "a-c"))
    code, out, _ = verify_model(capsys, sealed)
    assert code == 2 and out.splitlines()[1:] == ["  removed: a-c"], out
    # git paths are ignored: a change there is no change of the model
    with open(os.path.join(sealed["model"], "a-c"), "w") as f:
        f.write("c")
    with open(os.path.join(sealed["model"], ".git", "HEAD"), "w") as f:
        f.write("ref: refs/heads/other\n")
    assert verify_model(capsys, sealed)[0] == 0


def test_a_tampered_resource_digest_in_the_payload_is_invalid(sealed, capsys):
    with open(sealed["sig"], "r", encoding="utf-8") as f:
        doc = json.load(f)
    s1 = json.loads(base64.b64decode(doc["dsseEnvelope"]["payload"]))
    s1["predicate"]["resources"][0]["digest"] = "0" * 64
    doc["dsseEnvelope"]["payload"] = base64.b64encode(offline.canonical_json(s1)).decode("ascii")
    with open(sealed["sig"], "w", encoding="utf-8") as f:
        json.dump(doc, f)
    code, out, _ = verify_model(capsys, sealed)
    assert code == 2 and out.startswith("INVALID SIGNATURE_INVALID"), out


def test_seal_model_replays_a_repeated_request_id(client, tmp_path):
    model = make_model(tmp_path / "replayed-model", uuid.uuid4().hex)
    s0 = oms.statement_bytes(oms.hash_model(model))
    request_id = rid("replay")
    first = client.seal_model(request_id, s0, "evaluation")
    again = client.seal_model(request_id, s0, "evaluation")
    assert first.seal.HasField("anchor") and not first.seal.replayed  # ANCHORED: the answer carries the proof and checkpoint
    assert again.seal.replayed and again.seal.seal.seal_id == first.seal.seal.seal_id
    assert json.loads(again.model_sig_json)["mediaType"] == oms.BUNDLE_MEDIA_TYPE


def test_an_invalid_statement_is_refused_naming_the_member(client, tmp_path):
    stmt = oms.hash_model(make_model(tmp_path / "bad-model", uuid.uuid4().hex))
    stmt["predicate"]["resources"].reverse()
    stmt["subject"][0]["digest"]["sha256"] = oms.model_digest(r["digest"] for r in stmt["predicate"]["resources"])
    with pytest.raises(sc.SealerError) as e:
        client.seal_model(rid("bad"), offline.canonical_json(stmt))
    assert (e.value.code, e.value.reason) == ("INVALID_ARGUMENT", "INVALID_STATEMENT") and "resources" in e.value.message
    stmt = oms.hash_model(str(tmp_path / "bad-model"))
    stmt["predicateType"] = "https://example.com/other"
    with pytest.raises(sc.SealerError) as e:
        client.seal_model(rid("bad"), offline.canonical_json(stmt))
    assert e.value.reason == "INVALID_STATEMENT" and "predicateType" in e.value.message


def test_export_a_seal_and_verify_its_ed25519_dsse_signature(client, trust_json, tmp_path, capsys):
    artifact = tmp_path / "eval.json"
    artifact.write_text('{"auc":0.9,"run":"%s"}' % uuid.uuid4().hex)
    digest = hashlib.sha256(artifact.read_bytes()).digest()
    resp = client.seal(rid("export"), digest, "eval.json", stage="evaluation")
    record = client.get_seal(resp.seal.seal_id, export_dsse=True)
    env = json.loads(record.in_toto_dsse_json)
    assert offline.canonical_json(env) == record.in_toto_dsse_json.encode("ascii")
    suite = resp.seal.suite_id
    key_ids = [s["keyid"] for s in env["signatures"]]
    assert key_ids[0] == suite + "/ed25519" and len(key_ids) == 2 and key_ids[1].startswith(suite + "/ml-dsa")
    trust = offline.TrustBundle(json.loads(trust_json))
    v = oms.verify_dsse(env, trust, ("sha-256", digest))
    assert v.valid, v
    stmt = json.loads(base64.b64decode(env["payload"]))
    assert stmt["predicateType"] == "https://sealer.dev/receipt/v1"
    assert stmt["subject"] == [{"name": "eval.json", "digest": {"sha256": digest.hex()}}]
    assert base64.b64decode(stmt["predicate"]["seal"]["receipt"]) == resp.seal.receipt_json
    assert stmt["predicate"]["receipt"] == json.loads(resp.seal.receipt_json) and stmt["predicate"].get("parents", []) == []
    # the Ed25519 signature covers the PAE of exactly these payload bytes
    stmt["subject"][0]["name"] = "other.json"
    bad = dict(env, payload=base64.b64encode(offline.canonical_json(stmt)).decode("ascii"))
    assert oms.verify_dsse(bad, trust).reason == "SIGNATURE_INVALID"
    # the command line: export, then verify-dsse (and verify-offline) with the artifact
    (tmp_path / "trust.json").write_text(trust_json)
    out_file = str(tmp_path / "eval.dsse.json")
    code, out, err = run(capsys, "export", resp.seal.seal_id, "--out", out_file, "--target", TARGET)
    assert code == 0 and "(2 signature(s))" in out, (out, err)
    code, out, _ = run(capsys, "verify-dsse", out_file, str(artifact), "--trust-bundle", str(tmp_path / "trust.json"))
    assert code == 0 and out.startswith("VALID: DSSE envelope of seal " + resp.seal.seal_id), out
    code, out, _ = run(capsys, "verify-offline", str(artifact), "--seal", out_file, "--trust-bundle", str(tmp_path / "trust.json"))
    assert code == 0, out
    code, out, _ = run(capsys, "inspect", out_file)
    assert code == 0 and "predicate type: https://sealer.dev/receipt/v1" in out, out


def test_a_parent_linked_export_lists_the_parent_by_its_receipt_digest(client, trust_json):
    parent = client.seal(rid("parent"), hashlib.sha256(uuid.uuid4().bytes).digest(), "dataset.csv", stage="data-collection")
    child = client.seal(rid("child"), hashlib.sha256(uuid.uuid4().bytes).digest(), "model.bin", stage="training",
                        parents=[parent.seal.seal_id])
    env = json.loads(client.get_seal(child.seal.seal_id, export_dsse=True).in_toto_dsse_json)
    assert oms.verify_dsse(env, offline.TrustBundle(json.loads(trust_json))).valid
    parents = json.loads(base64.b64decode(env["payload"]))["predicate"]["parents"]
    pid = parent.seal.seal_id
    assert parents == [{"name": pid, "uri": "urn:uuid:" + pid, "digest": {"sha256": hashlib.sha256(parent.seal.receipt_json).hexdigest()},
                        "annotations": {"subject": "dataset.csv"}}]
    # the same digest as SHA-256 of base64decode(predicate.seal.receipt) in the parent's own export
    parent_env = json.loads(client.get_seal(pid, export_dsse=True).in_toto_dsse_json)
    parent_receipt = base64.b64decode(json.loads(base64.b64decode(parent_env["payload"]))["predicate"]["seal"]["receipt"])
    assert parents[0]["digest"]["sha256"] == oms.parent_digest(parent_receipt)


def test_seal_model_with_a_parent_and_the_model_sig_outside_the_directory(client, trust_json, tmp_path, capsys):
    parent = client.seal(rid("ds"), hashlib.sha256(uuid.uuid4().bytes).digest(), "dataset.csv", stage="data-collection")
    model = make_model(tmp_path / "outside-sig-model", uuid.uuid4().hex)
    sig = str(tmp_path / "outside.sig")
    (tmp_path / "trust.json").write_text(trust_json)
    code, out, err = run(capsys, "seal-model", model, "--signature", sig, "--parent", parent.seal.seal_id, "--target", TARGET)
    assert code == 0, (out, err)
    s1 = json.loads(base64.b64decode(json.loads(open(sig, "rb").read())["dsseEnvelope"]["payload"]))
    assert "model.sig" not in s1["predicate"]["serialization"]["ignore_paths"]
    receipt, _ = offline.bundle_receipt(s1["predicate"][oms.SEAL_MEMBER])
    assert receipt["parents"] == [parent.seal.seal_id]
    code, out, _ = run(capsys, "verify-model", model, "--signature", sig, "--trust-bundle", str(tmp_path / "trust.json"))
    assert code == 0, out
