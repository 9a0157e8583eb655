package dev.sealer.core.log;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Test-only note keys on the JDK's own Ed25519 and ML-DSA-65 (JEP 497) providers: a signer and
 * its matching verifier, with key ids computed as {@link SignedNote} documents.
 */
final class TestNoteKeys {

    /** A key usable both as signer and verifier. */
    record Key(String keyName, byte[] keyId, String algorithm, KeyPair pair) implements NoteSigner, NoteVerifier {

        @Override
        public byte[] keyId() {
            return keyId.clone();
        }

        @Override
        public byte[] sign(byte[] body) {
            try {
                Signature s = Signature.getInstance(algorithm);
                s.initSign(pair.getPrivate());
                s.update(body);
                return s.sign();
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public boolean verify(byte[] body, byte[] sig) {
            return TestNoteKeys.verify(algorithm, pair.getPublic(), body, sig);
        }

        /** A verifier with the same key but another key id. */
        NoteVerifier withKeyId(byte[] otherId) {
            return new Key(keyName, otherId, algorithm, pair);
        }
    }

    private TestNoteKeys() {}

    static Key ed25519(String name) {
        KeyPair kp = generate("Ed25519");
        byte[] raw = rawTail(kp.getPublic(), 32);
        return new Key(name, SignedNote.keyId(name, SignedNote.TYPE_ED25519, raw), "Ed25519", kp);
    }

    static Key mlDsa65(String name) {
        KeyPair kp = generate("ML-DSA-65");
        byte[] raw = rawTail(kp.getPublic(), 1952);
        return new Key(name, SignedNote.mlDsaKeyId(name, "ml-dsa-65", raw), "ML-DSA-65", kp);
    }

    /** A verifier for a raw 32-byte Ed25519 public key (e.g. from a spec's vkey). */
    static NoteVerifier ed25519Verifier(String name, byte[] keyId, byte[] rawPublicKey) throws GeneralSecurityException {
        byte[] spki = HexFormat.of().parseHex("302a300506032b6570032100");
        byte[] der = Arrays.copyOf(spki, spki.length + 32);
        System.arraycopy(rawPublicKey, 0, der, spki.length, 32);
        PublicKey pk = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der));
        return new NoteVerifier() {
            @Override
            public String keyName() {
                return name;
            }

            @Override
            public byte[] keyId() {
                return keyId.clone();
            }

            @Override
            public boolean verify(byte[] body, byte[] sig) {
                return TestNoteKeys.verify("Ed25519", pk, body, sig);
            }
        };
    }

    private static boolean verify(String algorithm, PublicKey pk, byte[] body, byte[] sig) {
        try {
            Signature s = Signature.getInstance(algorithm);
            s.initVerify(pk);
            s.update(body);
            return s.verify(sig);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static KeyPair generate(String algorithm) {
        try {
            return KeyPairGenerator.getInstance(algorithm).generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The raw public key: the BIT STRING payload at the end of the X.509 SPKI encoding. */
    private static byte[] rawTail(PublicKey pk, int length) {
        byte[] der = pk.getEncoded();
        return Arrays.copyOfRange(der, der.length - length, der.length);
    }
}
