package dev.sealer.hsm;

import dev.sealer.core.crypto.PseudoRandomKey;
import java.io.IOException;
import java.security.Key;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Security;
import java.security.Signature;
import java.security.cert.Certificate;
import java.util.Arrays;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.SecretKey;

/**
 * The HSM, reached through SunPKCS11. It holds two root keys created at the key ceremony:
 * <ul>
 *   <li>the root derivation secret: a non-extractable 256-bit generic secret used only as the
 *       HKDF PRK, i.e. for HMAC-SHA256 computed inside the token ({@link #rootKey()});</li>
 *   <li>the classical attestation key: ECDSA P-256, which certifies suite public keys
 *       ({@link #signAttestation(byte[])}).</li>
 * </ul>
 * {@link #open(HsmConfig)} refuses to return unless both are present and the root secret is
 * sensitive and non-extractable. No method returns key material.
 */
public final class Pkcs11Hsm implements AutoCloseable {

    public static final String ATTESTATION_SIGNATURE = "SHA256withECDSA";
    private static final byte[] PROBE_MESSAGE = "sealer/v1/health-probe".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private final HsmConfig config;
    private final PublicKey attestationPublicKey;
    /** HMAC of the health-probe message under the root at open: proves a reopened token holds the same root. */
    private final byte[] rootCheckValue;
    private final char[] pin;
    private volatile Handles handles;

    /**
     * What one login to the token gives: the provider bound to its slot, the key store and the
     * handles of the root keys. Replaced as a whole when the token is reopened.
     */
    private record Handles(Provider provider, KeyStore keyStore, SecretKey root, PrivateKey attestation, PrivateKey timestamp) {
        Handles withTimestamp(PrivateKey key) {
            return new Handles(provider, keyStore, root, attestation, key);
        }
    }

    /**
     * The handles in use; UNAVAILABLE while there are none: from the moment the module is
     * reinitialised until a reopened token passed every check. Handles from before a
     * reinitialisation are never used again: their numbers may name other objects, or another
     * token's, in the module's new state.
     */
    private Handles current() {
        Handles h = handles;
        if (h == null) {
            throw unavailable("HSM token '" + config.tokenLabel() + "' is being reopened", null);
        }
        return h;
    }

    private Pkcs11Hsm(HsmConfig config, Handles handles, PublicKey attestationPublicKey) {
        this.config = config;
        this.pin = config.pin().clone();
        this.handles = handles;
        this.attestationPublicKey = attestationPublicKey;
        this.rootCheckValue = hmac(handles, PROBE_MESSAGE);
    }

    /** Connects to the token, logs in and checks the root keys; throws {@link HsmException} naming the problem. */
    public static Pkcs11Hsm open(HsmConfig config) {
        Opened opened = login(config, config.pin());
        Pkcs11Hsm hsm = new Pkcs11Hsm(config, opened.handles(), opened.attestationPublicKey());
        hsm.probe();
        return hsm;
    }

    private record Opened(Handles handles, PublicKey attestationPublicKey) {
    }

    /** Finds the token's slot, logs in with {@code pin} and loads the root keys, checking their attributes. */
    private static Opened login(HsmConfig config, char[] pin) {
        Pkcs11Wrapper wrapper = Pkcs11Wrapper.load(config.library());
        List<Long> slots = wrapper.slotsWithTokenLabel(config.tokenLabel());
        if (slots.isEmpty()) {
            throw configuration("HSM token '" + config.tokenLabel() + "' not found in " + config.library()
                    + " (tokens present: " + wrapper.tokenLabels() + ")");
        }
        if (slots.size() > 1) {
            throw configuration("HSM token label '" + config.tokenLabel() + "' is ambiguous: slots " + slots);
        }
        long slot = slots.getFirst();
        Provider provider = Security.getProvider("SunPKCS11").configure(
                "--name=Sealer-" + slot + "\nlibrary=" + config.library() + "\nslot=" + slot + "\n");
        KeyStore keyStore;
        try {
            keyStore = KeyStore.getInstance("PKCS11", provider);
            keyStore.load(null, pin);
        } catch (IOException e) {
            if (causeText(e).contains("CKR_PIN_INCORRECT")) {
                throw configuration("HSM login to token '" + config.tokenLabel() + "' failed: PIN incorrect", e);
            }
            throw configuration("HSM login to token '" + config.tokenLabel() + "' failed: " + causeText(e), e);
        } catch (Exception e) {
            throw configuration("cannot open HSM token '" + config.tokenLabel() + "': " + causeText(e), e);
        }

        SecretKey root = loadRoot(config, wrapper, slot, keyStore);
        PrivateKey attestation;
        PublicKey attestationPublic;
        try {
            Key key = keyStore.getKey(config.attestationKeyLabel(), null);
            Certificate cert = keyStore.getCertificate(config.attestationKeyLabel());
            if (!(key instanceof PrivateKey pk) || cert == null || !"EC".equals(key.getAlgorithm())) {
                throw configuration("root attestation key '" + config.attestationKeyLabel() + "' (ECDSA P-256 with certificate) not found in token '"
                        + config.tokenLabel() + "'; run the key ceremony (keys-ceremony/create-token.sh)");
            }
            attestation = pk;
            attestationPublic = cert.getPublicKey();
        } catch (HsmException e) {
            throw e;
        } catch (Exception e) {
            throw configuration("cannot read root attestation key '" + config.attestationKeyLabel() + "': " + causeText(e), e);
        }
        return new Opened(new Handles(provider, keyStore, root, attestation, null), attestationPublic);
    }

    private static SecretKey loadRoot(HsmConfig config, Pkcs11Wrapper wrapper, long slot, KeyStore keyStore) {
        String label = config.rootKeyLabel();
        String token = config.tokenLabel();
        List<Pkcs11Wrapper.SecretKeyAttributes> found = wrapper.secretKeysWithLabel(slot, label);
        if (found.isEmpty()) {
            throw configuration("root derivation secret '" + label + "' not found in token '" + token
                    + "'; run the key ceremony (keys-ceremony/create-token.sh)");
        }
        if (found.size() > 1) {
            throw configuration("root derivation secret label '" + label + "' is ambiguous in token '" + token + "'");
        }
        Pkcs11Wrapper.SecretKeyAttributes attrs = found.getFirst();
        if (attrs.extractable() || attrs.valueReadable()) {
            throw configuration("root derivation secret '" + label + "' in token '" + token
                    + "' is extractable (CKA_EXTRACTABLE=true); refusing to start: the root must never leave the HSM");
        }
        if (!attrs.sensitive()) {
            throw configuration("root derivation secret '" + label + "' in token '" + token
                    + "' is not sensitive (CKA_SENSITIVE=false); refusing to start");
        }
        if (!attrs.isPrivate()) {
            throw configuration("root derivation secret '" + label + "' in token '" + token
                    + "' is usable without login (CKA_PRIVATE=false); refusing to start: create it with --private at the ceremony");
        }
        if (attrs.keyType() != Pkcs11Wrapper.CKK_GENERIC_SECRET || attrs.valueLength() != 32 || !attrs.sign()) {
            throw configuration("root derivation secret '" + label + "' must be a 256-bit CKK_GENERIC_SECRET usable for sign; found "
                    + attrs.label(attrs.keyType()) + " of " + attrs.valueLength() + " bytes, sign=" + attrs.sign());
        }
        try {
            Key key = keyStore.getKey(label, null);
            if (!(key instanceof SecretKey secretKey)) {
                throw configuration("root derivation secret '" + label + "' is not visible to SunPKCS11 in token '" + token + "'");
            }
            return secretKey;
        } catch (HsmException e) {
            throw e;
        } catch (Exception e) {
            throw configuration("cannot load root derivation secret '" + label + "': " + causeText(e), e);
        }
    }

    /** The root derivation secret as an HKDF PRK: every HMAC is computed inside the HSM. */
    public PseudoRandomKey rootKey() {
        return this::hmacRoot;
    }

    private byte[] hmacRoot(byte[] message) {
        return hmac(current(), message);
    }

    private byte[] hmac(Handles h, byte[] message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256", h.provider());
            mac.init(h.root());
            return mac.doFinal(message);
        } catch (Exception | Error e) {
            throw unavailable("HMAC through the HSM failed", e);
        }
    }

    /** Signs with the classical root attestation key (ECDSA P-256, SHA-256) inside the HSM. */
    public byte[] signAttestation(byte[] message) {
        try {
            Handles h = current();
            Signature signature = Signature.getInstance(ATTESTATION_SIGNATURE, h.provider());
            signature.initSign(h.attestation());
            signature.update(message);
            return signature.sign();
        } catch (Exception | Error e) {
            throw unavailable("ECDSA signature through the HSM failed", e);
        }
    }

    public PublicKey attestationPublicKey() {
        return attestationPublicKey;
    }

    /** The root attestation key's self-signed CA certificate, as stored in the token at the ceremony. */
    public java.security.cert.X509Certificate attestationCertificate() {
        try {
            return (java.security.cert.X509Certificate) current().keyStore().getCertificate(config.attestationKeyLabel());
        } catch (Exception e) {
            throw unavailable("cannot read the root attestation certificate", e);
        }
    }

    private volatile String timestampLabel;

    /**
     * Opens the time-stamping key {@code label} (ECDSA P-256, made at the key ceremony) and answers
     * its certificate chain from the token, TSA certificate first; empty when the token has no such
     * key (a token from before the ceremony created one). The private key stays in the token.
     */
    public synchronized java.util.Optional<List<java.security.cert.X509Certificate>> openTimestampKey(String label) {
        try {
            Handles h = current();
            Key key = h.keyStore().getKey(label, null);
            Certificate[] chain = h.keyStore().getCertificateChain(label);
            if (!(key instanceof PrivateKey pk) || !"EC".equals(key.getAlgorithm()) || chain == null || chain.length == 0) {
                return java.util.Optional.empty();
            }
            handles = h.withTimestamp(pk);
            timestampLabel = label;
            return java.util.Optional.of(java.util.Arrays.stream(chain).map(c -> (java.security.cert.X509Certificate) c).toList());
        } catch (Exception e) {
            throw configuration("cannot read the time-stamping key '" + label + "': " + causeText(e), e);
        }
    }

    /** Signs with the time-stamping key (ECDSA P-256, SHA-256) inside the HSM. */
    public byte[] signTimestamp(byte[] message) {
        Handles h = current();
        PrivateKey key = h.timestamp();
        if (key == null) {
            throw unavailable("no time-stamping key is open", null);
        }
        try {
            Signature signature = Signature.getInstance(ATTESTATION_SIGNATURE, h.provider());
            signature.initSign(key);
            signature.update(message);
            return signature.sign();
        } catch (Exception | Error e) {
            throw unavailable("ECDSA time-stamp signature through the HSM failed", e);
        }
    }

    public String tokenLabel() {
        return config.tokenLabel();
    }

    /** A real HMAC through the token: proves the session works now and the root is still the one opened at start (its check value). */
    public void probe() {
        byte[] out = hmacRoot(PROBE_MESSAGE);
        boolean same = java.security.MessageDigest.isEqual(out, rootCheckValue);
        Arrays.fill(out, (byte) 0);
        if (!same) {
            throw unavailable("the token's root derivation secret no longer computes its check value: not the root this service started with", null);
        }
    }

    /**
     * Brings the token back after it was lost, in two steps. First logs in again on the open
     * module (the session was logged out, the HSM restarted): private-object handles do not
     * survive a logout, so the root keys are looked up again. When that fails (the token was
     * removed and returned, the module lost it) the module is finalised and initialised again,
     * the token is found by its label, logged in with {@code pin} (which may have changed) and
     * its root keys are loaded and checked as at start. Either way the token must hold the same
     * root keys as before: the same attestation public key and the same root check value.
     * Throws UNAVAILABLE, naming why, while the token is not back or a token with other keys came back.
     */
    public synchronized void recover(char[] pin) {
        if (pin == null || pin.length == 0) {
            throw unavailable("no HSM PIN to log in with", null);
        }
        try {
            Handles h = current();
            h.keyStore().load(null, pin); // logs in again when the token lost the login
            Key key = h.keyStore().getKey(config.rootKeyLabel(), null);
            Key attestation = h.keyStore().getKey(config.attestationKeyLabel(), null);
            if (!(key instanceof SecretKey secret) || !(attestation instanceof PrivateKey pk)) {
                throw new IllegalStateException("root keys are not visible after login");
            }
            PrivateKey tsa = timestampLabel != null && h.keyStore().getKey(timestampLabel, null) instanceof PrivateKey t ? t : null;
            install(new Handles(h.provider(), h.keyStore(), secret, pk, tsa));
            return;
        } catch (Exception | Error loginFailed) {
            // the module itself lost the token: reinitialise it below
        }
        Pkcs11Wrapper wrapper = Pkcs11Wrapper.load(config.library());
        handles = null; // from here the old handles are meaningless
        wrapper.reinitialize();
        if (wrapper.slotsWithTokenLabel(config.tokenLabel()).isEmpty()) {
            throw unavailable("token '" + config.tokenLabel() + "' is not present", null);
        }
        Opened opened;
        try {
            opened = login(config, pin);
        } catch (HsmException e) {
            // a wrong PIN or a missing key is the operator's to fix while the service keeps trying
            throw e.kind() == HsmException.Kind.UNAVAILABLE ? e : unavailable(e.getMessage(), null);
        }
        if (!Arrays.equals(opened.attestationPublicKey().getEncoded(), attestationPublicKey.getEncoded())) {
            throw unavailable("token '" + config.tokenLabel() + "' came back with a different root attestation key; refusing to use it", null);
        }
        Handles h = opened.handles();
        try {
            if (timestampLabel != null && h.keyStore().getKey(timestampLabel, null) instanceof PrivateKey tsa) {
                h = h.withTimestamp(tsa);
            }
        } catch (Exception e) {
            throw unavailable("cannot read the time-stamping key '" + timestampLabel + "'", e);
        }
        install(h);
    }

    /** Takes {@code next} into use if its root computes the same check value as the root at open. */
    private void install(Handles next) {
        byte[] check;
        try {
            check = hmac(next, PROBE_MESSAGE);
        } catch (RuntimeException e) {
            throw unavailable("the reopened token's root derivation secret does not compute", e);
        }
        if (!java.security.MessageDigest.isEqual(check, rootCheckValue)) {
            throw unavailable("token '" + config.tokenLabel() + "' came back with a different root derivation secret; refusing to use it", null);
        }
        handles = next;
    }

    @Override
    public void close() {
        Arrays.fill(pin, '\0');
        try {
            Handles h = handles;
            if (h != null && h.provider() instanceof java.security.AuthProvider auth) {
                auth.logout();
            }
        } catch (Exception ignored) {
            // logging out of a token that is already gone is not an error worth reporting
        }
    }

    private static HsmException configuration(String message) {
        return new HsmException(HsmException.Kind.CONFIGURATION, message);
    }

    private static HsmException configuration(String message, Throwable cause) {
        return new HsmException(HsmException.Kind.CONFIGURATION, message, cause);
    }

    private static HsmException unavailable(String message, Throwable cause) {
        return new HsmException(HsmException.Kind.UNAVAILABLE, message + (cause == null ? "" : ": " + causeText(cause)), cause);
    }

    private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }

    private static String causeText(Throwable t) {
        StringBuilder sb = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c.getMessage() != null) {
                if (!sb.isEmpty()) {
                    sb.append(": ");
                }
                sb.append(c.getMessage());
            }
        }
        return sb.isEmpty() ? t.getClass().getSimpleName() : sb.toString();
    }
}
