package dev.sealer.core.format;

import dev.sealer.core.crypto.SignatureAlgorithm;
import dev.sealer.core.error.Reason;
import dev.sealer.core.error.SealerException;
import dev.sealer.core.json.CanonicalJson;
import dev.sealer.core.json.Json;
import dev.sealer.core.seal.Digest;
import dev.sealer.core.seal.DigestAlgorithm;
import dev.sealer.core.seal.SealBundle;
import dev.sealer.core.suite.SuiteWindows;
import dev.sealer.core.verify.SealVerifier;
import dev.sealer.core.verify.Verdict;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An OMS {@code model.sig} made by Sealer (docs/formats.md §2.2, §2.4): the payload S1 (the
 * statement with the Sealer seal of S0 in its predicate), the bundle around it, and its check.
 */
public final class ModelSignature {
    private ModelSignature() {
    }

    /** S1: the statement's value with {@value OmsStatement#SEAL_MEMBER} (the seal bundle of S0) added to its predicate, canonical. */
    public static byte[] payload(OmsStatement statement, SealBundle seal) {
        Map<String, Object> value = statement.toJsonValue();
        @SuppressWarnings("unchecked")
        Map<String, Object> predicate = new LinkedHashMap<>((Map<String, Object>) value.get("predicate"));
        predicate.put(OmsStatement.SEAL_MEMBER, seal.toJsonValue());
        value.put("predicate", predicate);
        return CanonicalJson.write(value);
    }

    /**
     * The model.sig around payload S1 and its Ed25519 signature by suite {@code suiteId}; {@code tsaToken} (a DER
     * TimeStampToken over SHA-256 of the signature) may be null. Sigstore's {@code signedTimestamp} is a whole
     * TimeStampResp (RFC 3161 §2.4.2), so the token goes in with status {@code granted}.
     */
    public static SigstoreBundle bundle(String suiteId, byte[] payload, byte[] ed25519Signature, byte[] tsaToken) {
        String keyId = KeyIds.of(suiteId, SignatureAlgorithm.ED25519);
        Dsse.Envelope env = new Dsse.Envelope(Dsse.IN_TOTO_PAYLOAD_TYPE, payload, List.of(new Dsse.Signature(keyId, ed25519Signature)));
        return new SigstoreBundle(keyId, env, tsaToken == null ? List.of() : List.of(timeStampResponse(tsaToken)));
    }

    /**
     * Whether Sigstore's JavaScript client can read the token's {@code genTime}: it accepts a GeneralizedTime with no fraction
     * or exactly three fractional digits, while DER drops trailing zeros, so a millisecond value ending in 0 (".42Z", ".4Z")
     * is refused ("invalid time"). The service then asks the TSA again a millisecond later (docs/formats.md §2.3).
     */
    public static boolean genTimeReadableBySigstore(byte[] token) {
        try {
            java.util.Date t = new org.bouncycastle.tsp.TimeStampToken(org.bouncycastle.asn1.cms.ContentInfo.getInstance(token)).getTimeStampInfo().getGenTime();
            long millis = Math.floorMod(t.getTime(), 1000L);
            return millis == 0 || millis % 10 != 0;
        } catch (org.bouncycastle.tsp.TSPException | java.io.IOException | RuntimeException e) {
            return false;
        }
    }

    /** {@code TimeStampResp ::= SEQUENCE { status PKIStatusInfo (granted), timeStampToken }} around a DER token. */
    static byte[] timeStampResponse(byte[] token) {
        try {
            return new org.bouncycastle.asn1.tsp.TimeStampResp(new org.bouncycastle.asn1.cmp.PKIStatusInfo(org.bouncycastle.asn1.cmp.PKIStatus.granted),
                    org.bouncycastle.asn1.cms.ContentInfo.getInstance(token)).getEncoded(org.bouncycastle.asn1.ASN1Encoding.DER);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot encode a TimeStampResp", e);
        }
    }

    /** What a model.sig says once checked: the statement (S0's model), the Sealer seal and the verdict. */
    public record Checked(Verdict verdict, OmsStatement statement, SealBundle seal, String keyId) {
    }

    /**
     * Checks a model.sig: the Ed25519 DSSE signature by a suite the trust bundle certifies (and not
     * revoked before the seal), the statement, and the Sealer seal of S0 (as {@code sealer verify
     * --seal} with the artifact digest SHA-256(S0)). The model directory is compared separately
     * ({@code cli.ModelDirectory.compare}) with {@link Checked#statement()}.
     */
    public static Checked verify(SigstoreBundle bundle, SealVerifier verifier) {
        Dsse.Envelope env = bundle.envelope();
        Dsse.Signature sig = bundle.signature();
        String keyId = sig.keyId().isEmpty() ? bundle.keyHint() : sig.keyId();
        if (!Dsse.IN_TOTO_PAYLOAD_TYPE.equals(env.payloadType())) {
            return failed(Reason.MALFORMED_BUNDLE, "payload type is " + env.payloadType() + ", not " + Dsse.IN_TOTO_PAYLOAD_TYPE, keyId);
        }
        if (!keyId.equals(bundle.keyHint())) {
            return failed(Reason.MALFORMED_BUNDLE, "the signature's keyid " + keyId + " is not the bundle's key hint " + bundle.keyHint(), keyId);
        }
        Optional<KeyIds.Named> named = KeyIds.parse(keyId).filter(n -> n.algorithm() == SignatureAlgorithm.ED25519);
        if (named.isEmpty()) {
            return failed(Reason.UNKNOWN_SUITE, "key id " + keyId + " does not name a suite's ed25519 key (<suite_id>/ed25519)", keyId);
        }
        String suiteId = named.get().suiteId();
        Optional<Verdict> bad = KeyIds.problem(keyId, sig.sig(), env.pae(), verifier);
        if (bad.isPresent()) {
            return new Checked(bad.get(), null, null, keyId);
        }
        Map<String, Object> value;
        SealBundle seal;
        OmsStatement statement;
        byte[] s0;
        try {
            value = Json.parseObject(env.payload());
            Map<String, Object> predicate = new LinkedHashMap<>(Json.object(value, "predicate"));
            Object sealValue = predicate.remove(OmsStatement.SEAL_MEMBER);
            if (sealValue == null) {
                return failed(Reason.MALFORMED_BUNDLE, "the statement's predicate has no " + OmsStatement.SEAL_MEMBER + " (not sealed by Sealer)", keyId);
            }
            Map<String, Object> core = new LinkedHashMap<>(value);
            core.put("predicate", predicate);
            statement = OmsStatement.fromJsonValue(core);
            s0 = CanonicalJson.write(core);
            seal = SealBundle.fromJsonValue(Json.asObject(sealValue, OmsStatement.SEAL_MEMBER));
        } catch (SealerException e) {
            return failed(Reason.MALFORMED_BUNDLE, e.getMessage(), keyId);
        } catch (RuntimeException e) {
            return failed(Reason.MALFORMED_BUNDLE, "the payload is not an OMS statement: " + e.getMessage(), keyId);
        }
        Optional<SuiteWindows> windows = verifier.windows(suiteId);
        if (windows.isPresent() && windows.get().revoked() && !seal.receipt().committedAt().isBefore(windows.get().compromisedSince())) {
            return new Checked(Verdict.invalid(Reason.SUITE_REVOKED, "suite " + suiteId + " (the DSSE signature's) is revoked: compromised since "
                    + dev.sealer.core.time.Rfc3339.format(windows.get().compromisedSince())), statement, seal, keyId);
        }
        Digest s0Digest = new Digest(DigestAlgorithm.SHA_256, OmsStatement.sha256().digest(s0));
        Verdict sealed = verifier.verify(seal, Optional.of(s0Digest));
        if (!sealed.valid()) {
            return new Checked(Verdict.invalid(sealed.reason(), "the Sealer seal of the statement: " + sealed.detail()), statement, seal, keyId);
        }
        return new Checked(Verdict.valid("model.sig of " + statement.modelName() + " (" + statement.resources().size() + " files) is signed by "
                + keyId + " and sealed as " + seal.receipt().sealId() + ": " + sealed.detail()), statement, seal, keyId);
    }

    private static Checked failed(Reason reason, String detail, String keyId) {
        return new Checked(Verdict.invalid(reason, detail), null, null, keyId);
    }
}
