package dev.sealer.core.log;

import dev.sealer.core.crypto.SignatureAlgorithm;
import dev.sealer.core.crypto.SignatureVerifier;
import dev.sealer.core.suite.SuiteCertificate;
import dev.sealer.core.suite.SuiteKeys;
import java.util.List;

/**
 * The note keys of a suite: checkpoints are signed by both suite keys, with key names
 * {@code <suite_id>/ed25519} and {@code <suite_id>/<ml-dsa-id>}.
 */
public final class CheckpointKeys {
    private CheckpointKeys() {
    }

    public static String name(String suiteId, SignatureAlgorithm alg) {
        return suiteId + "/" + alg.id();
    }

    private static byte[] keyId(String suiteId, SignatureAlgorithm alg, byte[] publicKey) {
        String name = name(suiteId, alg);
        return alg == SignatureAlgorithm.ED25519 ? SignedNote.keyId(name, SignedNote.TYPE_ED25519, publicKey)
                : SignedNote.mlDsaKeyId(name, alg.id(), publicKey);
    }

    public static List<NoteSigner> signers(SuiteKeys keys) {
        return List.of(signer(keys.suiteId(), SignatureAlgorithm.ED25519, keys.ed25519PublicKey(), keys.ed25519()::sign),
                signer(keys.suiteId(), keys.pqAlgorithm(), keys.mlDsaPublicKey(), keys.mlDsa()::sign));
    }

    public static List<NoteVerifier> verifiers(SuiteCertificate c) {
        return List.of(verifier(c.suiteId(), SignatureAlgorithm.ED25519, c.ed25519PublicKey()),
                verifier(c.suiteId(), c.pqAlgorithm(), c.pqPublicKey()));
    }

    private static NoteSigner signer(String suiteId, SignatureAlgorithm alg, byte[] pub, java.util.function.UnaryOperator<byte[]> sign) {
        String name = name(suiteId, alg);
        byte[] id = keyId(suiteId, alg, pub);
        return new NoteSigner() {
            public String keyName() {
                return name;
            }

            public byte[] keyId() {
                return id.clone();
            }

            public byte[] sign(byte[] body) {
                return sign.apply(body);
            }
        };
    }

    private static NoteVerifier verifier(String suiteId, SignatureAlgorithm alg, byte[] pub) {
        String name = name(suiteId, alg);
        byte[] id = keyId(suiteId, alg, pub);
        return new NoteVerifier() {
            public String keyName() {
                return name;
            }

            public byte[] keyId() {
                return id.clone();
            }

            public boolean verify(byte[] body, byte[] sig) {
                return SignatureVerifier.verify(alg, pub, body, sig);
            }
        };
    }
}
