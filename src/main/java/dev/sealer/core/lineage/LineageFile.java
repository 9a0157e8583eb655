package dev.sealer.core.lineage;

import dev.sealer.core.error.Reason;
import dev.sealer.core.error.SealerException;
import dev.sealer.core.json.CanonicalJson;
import dev.sealer.core.json.Json;
import dev.sealer.core.json.JsonFormatException;
import dev.sealer.core.seal.SealBundle;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A lineage file ({@value #FORMAT}, docs/lineage.md): everything an offline verifier needs about one meta-seal besides the
 * pinned trust bundle. The meta-seal's seal bundle, the exact manifest bytes it commits to (base64), and the seal bundle of
 * every seal the manifest names (bound seals, then external roots, each in the manifest's order), each with its signatures
 * and, when a checkpoint covers it, the anchor at the first checkpoint that did.
 */
public record LineageFile(SealBundle metaSeal, byte[] manifest, List<SealBundle> seals) {
    public static final String FORMAT = "sealer-lineage/v1";
    /** The largest lineage file a verifier reads. */
    public static final int MAX_BYTES = 64 << 20;

    public LineageFile {
        manifest = manifest.clone();
        seals = List.copyOf(seals);
    }

    @Override
    public byte[] manifest() {
        return manifest.clone();
    }

    public byte[] toBytes() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", FORMAT);
        m.put("manifest", Base64.getEncoder().encodeToString(manifest));
        m.put("meta_seal", metaSeal.toJsonValue());
        m.put("seals", seals.stream().map(SealBundle::toJsonValue).toList());
        return CanonicalJson.write(m);
    }

    public String toJson() {
        return new String(toBytes(), StandardCharsets.UTF_8);
    }

    /** Parses a lineage file; any defect of the document is MALFORMED_BUNDLE. */
    public static LineageFile parse(byte[] json) {
        try {
            Map<String, Object> m = Json.asObject(Json.parse(json, MAX_BYTES), "lineage file");
            if (!m.keySet().equals(Set.of("format", "manifest", "meta_seal", "seals"))) {
                throw new SealerException(Reason.MALFORMED_BUNDLE, "a lineage file has exactly the members format, manifest, meta_seal, seals");
            }
            if (!FORMAT.equals(Json.string(m, "format"))) {
                throw new SealerException(Reason.MALFORMED_BUNDLE, "not a " + FORMAT + " document");
            }
            byte[] manifest = Base64.getDecoder().decode(Json.string(m, "manifest"));
            SealBundle meta = SealBundle.fromJsonValue(Json.object(m, "meta_seal"));
            List<SealBundle> seals = new ArrayList<>();
            for (Object o : Json.array(m, "seals")) {
                seals.add(SealBundle.fromJsonValue(Json.asObject(o, "seal bundle")));
            }
            return new LineageFile(meta, manifest, seals);
        } catch (JsonFormatException e) {
            throw new SealerException(Reason.MALFORMED_BUNDLE, "the lineage file is not valid JSON: " + e.getMessage(), e);
        } catch (SealerException e) {
            throw e.reason() == Reason.MALFORMED_BUNDLE ? e : new SealerException(Reason.MALFORMED_BUNDLE, e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new SealerException(Reason.MALFORMED_BUNDLE, "malformed lineage file: " + e.getMessage(), e);
        }
    }
}
