"""RFC 9162 inclusion proofs against the transparency-dev/merkle test vectors (Apache-2.0) that the
Java tests use too: src/test/resources/vectors/merkle/testdata/inclusion."""
import base64
import glob
import json
import os

import pytest

from sealer_client import offline

VECTORS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "src", "test", "resources",
                       "vectors", "merkle", "testdata", "inclusion")
CASES = sorted(glob.glob(os.path.join(VECTORS, "*", "*.json")))


def test_vectors_are_there():
    assert len(CASES) > 20, VECTORS


@pytest.mark.parametrize("path", CASES, ids=lambda p: os.path.relpath(p, VECTORS))
def test_inclusion_vector(path):
    with open(path) as f:
        case = json.load(f)
    b = base64.b64decode
    ok = offline.verify_inclusion(case["leafIdx"], case["treeSize"], b(case["leafHash"]),
                                  [b(p) for p in case["proof"] or []], b(case["root"]))
    assert ok == (not case["wantErr"]), case["desc"]


def test_tree_of_five_every_leaf_proves_and_a_flipped_bit_fails():
    leaves = [offline.leaf_hash(bytes([i])) for i in range(5)]
    h = offline.node_hash
    # RFC 9162 split: 5 = 4 + 1
    l01, l23 = h(leaves[0], leaves[1]), h(leaves[2], leaves[3])
    root = h(h(l01, l23), leaves[4])
    proofs = {0: [leaves[1], l23, leaves[4]], 3: [leaves[2], l01, leaves[4]], 4: [h(l01, l23)]}
    for i, proof in proofs.items():
        assert offline.verify_inclusion(i, 5, leaves[i], proof, root)
        bad = bytearray(proof[0]); bad[0] ^= 1
        assert not offline.verify_inclusion(i, 5, leaves[i], [bytes(bad)] + proof[1:], root)
        assert not offline.verify_inclusion(i, 4, leaves[i], proof, root)
