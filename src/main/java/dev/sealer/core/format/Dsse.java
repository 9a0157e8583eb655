package dev.sealer.core.format;

import dev.sealer.core.error.Reason;
import dev.sealer.core.error.SealerException;
import dev.sealer.core.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * DSSE (Dead Simple Signing Envelope, protocol v1): the pre-authentication encoding both suite
 * algorithms sign, and the JSON envelope (docs/formats.md §1, §3).
 */
public final class Dsse {
    /** The only payload type Sealer signs: an in-toto Statement. */
    public static final String IN_TOTO_PAYLOAD_TYPE = "application/vnd.in-toto+json";

    private Dsse() {
    }

    /** {@code "DSSEv1" SP LEN(type) SP type SP LEN(payload) SP payload}, lengths in ASCII decimal bytes. */
    public static byte[] pae(String payloadType, byte[] payload) {
        byte[] type = payloadType.getBytes(StandardCharsets.UTF_8);
        byte[] head = ("DSSEv1 " + type.length + " ").getBytes(StandardCharsets.US_ASCII);
        byte[] mid = (" " + payload.length + " ").getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[head.length + type.length + mid.length + payload.length];
        int at = 0;
        System.arraycopy(head, 0, out, at, head.length);
        System.arraycopy(type, 0, out, at += head.length, type.length);
        System.arraycopy(mid, 0, out, at += type.length, mid.length);
        System.arraycopy(payload, 0, out, at + mid.length, payload.length);
        return out;
    }

    /** One signature of an envelope: the DSSE {@code keyid} (Sealer: {@link KeyIds}) and the raw signature bytes. */
    public record Signature(String keyId, byte[] sig) {
        public Signature {
            sig = sig.clone();
        }

        @Override
        public byte[] sig() {
            return sig.clone();
        }
    }

    /** A DSSE envelope: payload bytes, their type and the signatures over {@link #pae()}. */
    public record Envelope(String payloadType, byte[] payload, List<Signature> signatures) {
        public Envelope {
            payload = payload.clone();
            signatures = List.copyOf(signatures);
        }

        @Override
        public byte[] payload() {
            return payload.clone();
        }

        public byte[] pae() {
            return Dsse.pae(payloadType, payload);
        }

        /** The JSON envelope: {@code payload} and {@code sig} in standard padded base64, {@code keyid} before {@code sig}. */
        public Map<String, Object> toJsonValue() {
            Base64.Encoder b64 = Base64.getEncoder();
            List<Object> sigs = new ArrayList<>();
            for (Signature s : signatures) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("keyid", s.keyId());
                m.put("sig", b64.encodeToString(s.sig()));
                sigs.add(m);
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("payload", b64.encodeToString(payload));
            m.put("payloadType", payloadType);
            m.put("signatures", sigs);
            return m;
        }

        /** Reads a JSON envelope; any defect is {@code MALFORMED_BUNDLE} naming the member. */
        public static Envelope fromJsonValue(Map<String, Object> m) {
            try {
                Base64.Decoder b64 = Base64.getDecoder();
                byte[] payload = b64.decode(Json.string(m, "payload"));
                String type = Json.string(m, "payloadType");
                List<Signature> sigs = new ArrayList<>();
                for (Object o : Json.array(m, "signatures")) {
                    Map<String, Object> s = Json.asObject(o, "signatures[]");
                    sigs.add(new Signature(Json.optString(s, "keyid").orElse(""), b64.decode(Json.string(s, "sig"))));
                }
                if (sigs.isEmpty()) {
                    throw new SealerException(Reason.MALFORMED_BUNDLE, "the DSSE envelope has no signature");
                }
                return new Envelope(type, payload, sigs);
            } catch (SealerException e) {
                throw e.reason() == Reason.MALFORMED_BUNDLE ? e : new SealerException(Reason.MALFORMED_BUNDLE, e.getMessage(), e);
            } catch (RuntimeException e) {
                throw new SealerException(Reason.MALFORMED_BUNDLE, "malformed DSSE envelope: " + e.getMessage(), e);
            }
        }
    }
}
