package dev.sealer.app.suite;

import dev.sealer.core.crypto.DerivationInfo;
import dev.sealer.core.crypto.SecretBytes;
import dev.sealer.core.crypto.SignatureAlgorithm;
import dev.sealer.core.crypto.SigningKey;
import dev.sealer.core.suite.RootKeys;
import dev.sealer.core.suite.RootSigner;
import dev.sealer.hsm.Pkcs11Hsm;

/**
 * The root attestation keys. ECDSA P-256 signs inside the HSM. SoftHSM2 (and SunPKCS11) have no
 * ML-DSA, so the post-quantum root key is derived from the HSM root secret
 * ({@code info = ("sealer/v1/root-attest", <root id>, "ml-dsa-65")}; the first root's id is
 * {@code root}, a rolled-over root has the id its ceremony gave it) for each certification and
 * wiped right after: it exists in memory only while a suite is being certified.
 */
public final class RootAttestation implements RootSigner {
    public static final String ROOT_ID = "root";
    public static final SignatureAlgorithm ML_DSA = SignatureAlgorithm.ML_DSA_65;

    private final Pkcs11Hsm hsm;
    private final String rootId;
    private final RootKeys publicKeys;

    public RootAttestation(Pkcs11Hsm hsm) {
        this(hsm, ROOT_ID);
    }

    /** The root attestation keys of root {@code rootId}: the HSM's attestation key and the ML-DSA key derived for that id. */
    public RootAttestation(Pkcs11Hsm hsm, String rootId) {
        this.hsm = hsm;
        this.rootId = rootId;
        SigningKey pq = deriveMlDsa();
        try {
            this.publicKeys = new RootKeys(hsm.attestationPublicKey(), ML_DSA, pq.publicKey());
        } finally {
            pq.wipe();
        }
    }

    private SigningKey deriveMlDsa() {
        try (SecretBytes seed = DerivationInfo.deriveSeed(hsm.rootKey(), DerivationInfo.ROOT_ATTESTATION_LABEL, rootId, ML_DSA)) {
            return SigningKey.fromSeed(ML_DSA, seed);
        }
    }

    @Override
    public byte[] ecdsaP256(byte[] message) {
        return hsm.signAttestation(message);
    }

    @Override
    public byte[] mlDsa(byte[] message) {
        SigningKey pq = deriveMlDsa();
        try {
            return pq.sign(message);
        } finally {
            pq.wipe();
        }
    }

    public String rootId() {
        return rootId;
    }

    @Override
    public RootKeys publicKeys() {
        return publicKeys;
    }
}
