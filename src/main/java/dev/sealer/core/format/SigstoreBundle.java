package dev.sealer.core.format;

import dev.sealer.core.error.Reason;
import dev.sealer.core.error.SealerException;
import dev.sealer.core.json.CanonicalJson;
import dev.sealer.core.json.Json;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Sigstore bundle v0.3 in keyed mode around a DSSE envelope with one signature: the shape of an
 * OMS {@code model.sig} (docs/formats.md §2.2). No transparency-log entries (Sealer's log entry is
 * inside the signed statement); RFC 3161 tokens over the signature give verifiers a trusted time.
 */
public record SigstoreBundle(String keyHint, Dsse.Envelope envelope, List<byte[]> rfc3161Timestamps) {
    public static final String MEDIA_TYPE = "application/vnd.dev.sigstore.bundle.v0.3+json";

    public SigstoreBundle {
        if (envelope.signatures().size() != 1) {
            throw new SealerException(Reason.MALFORMED_BUNDLE, "a Sigstore bundle's DSSE envelope holds exactly one signature, got "
                    + envelope.signatures().size());
        }
        rfc3161Timestamps = rfc3161Timestamps.stream().map(byte[]::clone).toList();
    }

    @Override
    public List<byte[]> rfc3161Timestamps() {
        return rfc3161Timestamps.stream().map(byte[]::clone).toList();
    }

    public Dsse.Signature signature() {
        return envelope.signatures().get(0);
    }

    public Map<String, Object> toJsonValue() {
        Base64.Encoder b64 = Base64.getEncoder();
        Map<String, Object> material = new LinkedHashMap<>();
        material.put("publicKey", Map.of("hint", keyHint));
        material.put("tlogEntries", List.of());
        if (!rfc3161Timestamps.isEmpty()) {
            List<Object> ts = new ArrayList<>();
            for (byte[] t : rfc3161Timestamps) {
                ts.add(Map.of("signedTimestamp", b64.encodeToString(t)));
            }
            material.put("timestampVerificationData", Map.of("rfc3161Timestamps", ts));
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mediaType", MEDIA_TYPE);
        m.put("verificationMaterial", material);
        m.put("dsseEnvelope", envelope.toJsonValue());
        return m;
    }

    public String toJson() {
        return CanonicalJson.writeString(toJsonValue());
    }

    /**
     * Reads a bundle of this shape; anything else (another media type, a certificate instead of a
     * key hint, a message signature instead of DSSE, not one signature) is {@code MALFORMED_BUNDLE}.
     */
    public static SigstoreBundle parse(String json) {
        try {
            Map<String, Object> m = Json.parseObject(json);
            String media = Json.string(m, "mediaType");
            if (!MEDIA_TYPE.equals(media)) {
                throw new SealerException(Reason.MALFORMED_BUNDLE, "mediaType is " + media + ", not " + MEDIA_TYPE);
            }
            Map<String, Object> material = Json.object(m, "verificationMaterial");
            Map<String, Object> key = Json.optObject(material, "publicKey").orElseThrow(() -> new SealerException(Reason.MALFORMED_BUNDLE,
                    "verificationMaterial has no publicKey (a bundle made with a certificate is not a Sealer model.sig)"));
            String hint = Json.string(key, "hint");
            List<byte[]> stamps = new ArrayList<>();
            var tvd = Json.optObject(material, "timestampVerificationData");
            if (tvd.isPresent()) {
                for (Object o : Json.optArray(tvd.get(), "rfc3161Timestamps").orElse(List.of())) {
                    stamps.add(Base64.getDecoder().decode(Json.string(Json.asObject(o, "rfc3161Timestamps[]"), "signedTimestamp")));
                }
            }
            Map<String, Object> dsse = Json.optObject(m, "dsseEnvelope").orElseThrow(() -> new SealerException(Reason.MALFORMED_BUNDLE,
                    "the bundle has no dsseEnvelope"));
            return new SigstoreBundle(hint, Dsse.Envelope.fromJsonValue(dsse), stamps);
        } catch (SealerException e) {
            throw e.reason() == Reason.MALFORMED_BUNDLE ? e : new SealerException(Reason.MALFORMED_BUNDLE, e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new SealerException(Reason.MALFORMED_BUNDLE, "malformed Sigstore bundle: " + e.getMessage(), e);
        }
    }
}
