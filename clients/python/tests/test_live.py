"""Against a running service: SEALER_TARGET=host:port (plaintext, every role), as PythonPackageTest
runs it inside `./sealer test` against the test service (real PostgreSQL and SoftHSM2).
SEALER_JAVA_CLI, when set, is the command of the Java offline verifier (ML-DSA included)."""
import base64
import hashlib
import json
import os
import shutil
import subprocess
import uuid

import pytest

import sealer_client as sc
from sealer_client import offline

TARGET = os.environ.get("SEALER_TARGET")
JAVA_CLI = os.environ.get("SEALER_JAVA_CLI")
pytestmark = pytest.mark.skipif(not TARGET, reason="SEALER_TARGET (a running service) not set")


@pytest.fixture(scope="module")
def client():
    with sc.Client(TARGET) as c:
        yield c


@pytest.fixture(scope="module")
def trust(client):
    return offline.TrustBundle(json.loads(client.trust_bundle()))


def digest_of(text):
    return hashlib.sha256(text.encode()).digest()


def rid(tag):
    return "pytest-%s-%s" % (tag, uuid.uuid4().hex[:12])


def test_signed_seal_verifies_offline_and_a_changed_receipt_does_not(client, trust):
    d = digest_of("weights " + rid("w"))
    resp = client.seal(rid("signed"), d, "weights.bin", stage="training", labels={"team": "ml"})
    v = offline.verify_bundle(resp.seal_bundle_json, trust, ("sha-256", d))
    assert v.valid, v
    bundle = json.loads(resp.seal_bundle_json)
    receipt = json.loads(base64.b64decode(bundle["receipt"]))
    assert base64.b64decode(bundle["receipt"]) == resp.seal.receipt_json  # the exact signed bytes
    receipt["stage"] = "deployment"
    bundle["receipt"] = base64.b64encode(offline.canonical_json(receipt)).decode()
    assert offline.verify_bundle(bundle, trust).reason == "SIGNATURE_INVALID"
    assert offline.verify_bundle(resp.seal_bundle_json, trust, ("sha-256", digest_of("other"))).reason == "ANCHOR_MISMATCH"


def test_anchored_seal_carries_a_proof_that_verifies_offline(client, trust):
    d = digest_of("anchored " + rid("a"))
    resp = client.seal(rid("anchored"), d, "eval.json", stage="evaluation", anchored=True)
    assert resp.HasField("anchor") and not resp.seal.ed25519_signature
    bundle = json.loads(resp.seal_bundle_json)
    assert bundle["signatures"] == {} and bundle["anchor"]["tree_size"] > bundle["anchor"]["leaf_index"]
    v = offline.verify_bundle(bundle, trust, ("sha-256", d))
    assert v.valid and "included in checkpoint" in v.detail, v
    bundle["anchor"]["leaf_index"] ^= 1
    assert offline.verify_bundle(bundle, trust).reason == "MERKLE_PROOF_INVALID"


def test_seal_stream_answers_in_order_in_both_modes(client, trust):
    reqs = [sc.Client.seal_request(rid("s%d" % i), digest_of("stream %d %s" % (i, uuid.uuid4())), "item-%d" % i,
                                   anchored=(i % 2 == 1)) for i in range(6)]
    answers = list(client.seal_stream(reqs))
    assert [json.loads(a.seal.receipt_json)["subject"] for a in answers] == ["item-%d" % i for i in range(6)]
    for i, a in enumerate(answers):
        assert a.HasField("anchor") == (i % 2 == 1)
        assert offline.verify_bundle(a.seal_bundle_json, trust).valid


def test_get_seal_and_list_seals(client):
    request_id = rid("get")
    resp = client.seal(request_id, digest_of(request_id), "listed.bin")
    record = client.get_seal(resp.seal.seal_id)
    assert record.receipt_json == resp.seal.receipt_json and record.request_id == request_id
    listed = list(client.list_seals(request_id=request_id))
    assert [r.seal_id for r in listed] == [resp.seal.seal_id]
    by_subject = [r.seal_id for r in client.list_seals(subject="listed.bin")]
    assert resp.seal.seal_id in by_subject
    with pytest.raises(sc.SealerError) as e:
        client.get_seal(str(uuid.uuid4()))
    assert (e.value.code, e.value.reason) == ("NOT_FOUND", "UNKNOWN_SEAL")


def test_console_command_seals_and_verifies_offline(tmp_path):
    """The installed `sealer` console script (PythonPackageTest installs the package into a venv)."""
    exe = shutil.which("sealer")
    assert exe, "the sealer console command is not on PATH (pip install ./clients/python)"
    artifact = tmp_path / "model.bin"
    artifact.write_bytes(os.urandom(64))
    run = lambda *a: subprocess.run([exe, *a], cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # noqa: E731
    sealed = run("seal", str(artifact), "--anchored", "--target", TARGET)
    assert sealed.returncode == 0 and " anchored=" in sealed.stdout, sealed
    assert run("trust-bundle", "--out", "trust.json", "--target", TARGET).returncode == 0
    ok = run("verify-offline", str(artifact), "--seal", "model.bin.seal.json", "--trust-bundle", "trust.json")
    assert ok.returncode == 0 and ok.stdout.startswith("VALID: "), ok
    artifact.write_bytes(b"changed")
    bad = run("verify-offline", str(artifact), "--seal", "model.bin.seal.json", "--trust-bundle", "trust.json")
    assert bad.returncode == 2 and bad.stdout.startswith("INVALID ANCHOR_MISMATCH"), bad
    streamed = run("seal-stream", str(tmp_path / "trust.json"), str(tmp_path / "model.bin"), "--out-dir", "stream", "--target", TARGET)
    assert streamed.returncode == 0 and streamed.stdout.count("sealed ") == 2, streamed


@pytest.mark.skipif(not JAVA_CLI, reason="SEALER_JAVA_CLI (the Java offline verifier) not set")
def test_ml_dsa_half_through_the_java_cli(client, tmp_path):
    d = digest_of("java " + rid("j"))
    resp = client.seal(rid("java"), d, "j.bin")
    (tmp_path / "j.seal.json").write_text(resp.seal_bundle_json)
    (tmp_path / "trust.json").write_text(client.trust_bundle())
    code, out = offline.verify_with_java(str(tmp_path / "j.seal.json"), str(tmp_path / "trust.json"), java_cli=JAVA_CLI)
    assert code == 0 and out.startswith("VALID"), out
    bundle = json.loads(resp.seal_bundle_json)
    sig = bytearray(__import__("base64").b64decode(bundle["signatures"]["ml-dsa"]))
    sig[10] ^= 1
    bundle["signatures"]["ml-dsa"] = __import__("base64").b64encode(bytes(sig)).decode()
    (tmp_path / "bad.seal.json").write_text(json.dumps(bundle))
    # the Python half cannot see the broken ML-DSA signature; the Java verifier does
    assert offline.verify_bundle(bundle, offline.TrustBundle(json.loads(client.trust_bundle()))).valid
    code, out = offline.verify_with_java(str(tmp_path / "bad.seal.json"), str(tmp_path / "trust.json"), java_cli=JAVA_CLI)
    assert code != 0 and "SIGNATURE_INVALID" in out, out


def test_lineage_worked_example_a_tampered_evaluation_report_fails_exactly_its_node(tmp_path):
    """The README's lineage example with the console command: dataset -> training -> evaluation -> deployment, one
    meta-seal, verify-lineage VALID; the evaluation report edited on disk: exit 2, and only the evaluation node fails."""
    exe = shutil.which("sealer")
    assert exe, "the sealer console command is not on PATH (pip install ./clients/python)"
    run = lambda *a: subprocess.run([exe, *a, "--target", TARGET], cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # noqa: E731
    tag = uuid.uuid4().hex[:8]
    (tmp_path / "dataset.csv").write_text("id,amount\n1,%s\n" % tag)
    (tmp_path / "model").mkdir()
    (tmp_path / "model" / "weights.bin").write_bytes(os.urandom(32))
    (tmp_path / "eval-report.json").write_text('{"auc": 0.91, "run": "%s"}' % tag)
    (tmp_path / "deployment.yaml").write_text("replicas: 2\nimage: fraud-detector:%s\n" % tag)

    def seal(path, stage, *parents):
        args = ["seal", path, "--stage", stage]
        for p in parents:
            args += ["--parent", p]
        r = run(*args)
        assert r.returncode == 0, r
        return r.stdout.split(" seal=")[1].split()[0]

    dataset = seal("dataset.csv", "data-collection")
    training = seal("model", "training", dataset)
    evaluation = seal("eval-report.json", "evaluation", training)
    deployment = seal("deployment.yaml", "deployment", evaluation)

    meta = run("meta-seal", dataset, training, evaluation, deployment, "--subject", "model:fraud-detector@" + tag)
    assert meta.returncode == 0 and "policy=default@1 bound=4" in meta.stdout, meta
    meta_id = meta.stdout.split(" seal=")[1].split()[0]

    artifacts = ["--artifact", dataset + "=dataset.csv", "--artifact", training + "=model", "--artifact", evaluation + "=eval-report.json",
                 "--artifact", deployment + "=deployment.yaml"]
    ok = run("verify-lineage", meta_id, *artifacts, "--save", "fraud.lineage.json")
    assert ok.returncode == 0 and ok.stdout.count("  VALID  ") == 5 and "\nVALID: " in ok.stdout, ok
    assert (tmp_path / "fraud.lineage.json").exists()

    ancestors = run("lineage", deployment)
    assert ancestors.returncode == 0 and [l.split()[1] for l in ancestors.stdout.splitlines()] == [evaluation, training, dataset], ancestors

    (tmp_path / "eval-report.json").write_text('{"auc": 0.99, "run": "%s"}' % tag)
    bad = run("verify-lineage", meta_id, *artifacts)
    assert bad.returncode == 2, bad
    failing = [l for l in bad.stdout.splitlines() if l.startswith("  INVALID")]
    assert failing == [l for l in failing if (" bound %s evaluation" % evaluation) in l] and len(failing) == 1, bad.stdout
    assert "INVALID ANCHOR_MISMATCH" in failing[0] and bad.stdout.splitlines()[-1].startswith("INVALID ANCHOR_MISMATCH: bound seal " + evaluation), bad.stdout

    refused = run("meta-seal", training, evaluation, deployment, "--subject", "model:fraud-detector@" + tag)
    assert refused.returncode == 3 and "LINEAGE_INCOMPLETE" in refused.stderr, refused


def test_salted_commitment_sealed_then_opened_to_an_auditor(tmp_path):
    """commit --seal makes a seal whose digest reveals nothing of "approve"; open-commitment with the context salt (or the
    one derived salt) opens it offline for "approve" and not for "deny"."""
    exe = shutil.which("sealer")
    run = lambda *a: subprocess.run([exe, *a], cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # noqa: E731
    assert run("commit", "--new-context-salt", "ctx.salt").returncode == 0
    request = rid("decision")
    sealed = run("commit", "approve", "--request-id", request, "--model-anchor", "model-seal-1", "--context-salt-file", "ctx.salt",
                 "--seal", "--target", TARGET)
    assert sealed.returncode == 0, sealed
    assert run("open-commitment", "approve", "--seal", request + ".seal.json", "--model-anchor", "model-seal-1",
               "--context-salt-file", "ctx.salt").returncode == 0
    assert run("open-commitment", "deny", "--seal", request + ".seal.json", "--model-anchor", "model-seal-1",
               "--context-salt-file", "ctx.salt").returncode == 2
    shown = run("commit", "approve", "--request-id", request, "--model-anchor", "model-seal-1", "--context-salt-file", "ctx.salt")
    salt = shown.stdout.split("(salt ")[1].split()[0]
    assert run("open-commitment", "approve", "--seal", request + ".seal.json", "--salt", salt).returncode == 0, "the one salt opens this one"
    bundle = json.loads((tmp_path / (request + ".seal.json")).read_text())
    receipt, _ = offline.bundle_receipt(bundle)
    assert receipt["digest"]["value"] not in {hashlib.sha256(v).hexdigest() for v in (b'"approve"', b'"deny"', b"approve", b"deny")}
