package dev.sealer.core.seal;

import dev.sealer.core.error.Reason;
import dev.sealer.core.error.SealerException;
import dev.sealer.core.json.CanonicalJson;
import dev.sealer.core.json.Json;
import dev.sealer.core.json.JsonFormatException;
import dev.sealer.core.time.Rfc3339;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;

/**
 * What a seal attests: the digest of an artifact, what it is, who asked, when it was committed
 * and under which suite. Its RFC 8785 canonical JSON ({@link #canonicalBytes()}) is exactly the
 * bytes that are signed and that the transparency log hashes.
 */
public record Receipt(UUID sealId, String requestId, Digest digest, String subject, Stage stage,
        SortedMap<String, String> labels, List<UUID> parents, String suiteId, Instant committedAt, String signer) {

    public static final int VERSION = 1;

    public Receipt {
        if (sealId == null || digest == null || stage == null || suiteId == null || committedAt == null) {
            throw new SealerException(Reason.INVALID_ARGUMENT, "receipt is missing a required field");
        }
        SealLimits.requestId(requestId);
        SealLimits.subject(subject);
        labels = Collections.unmodifiableSortedMap(new TreeMap<>(SealLimits.labels(labels)));
        parents = List.copyOf(parents);
        if (parents.size() > SealLimits.MAX_PARENTS) {
            throw new SealerException(Reason.INVALID_PARENTS, "too many parents");
        }
        SealLimits.signer(signer);
        committedAt = committedAt.truncatedTo(ChronoUnit.MICROS);
    }

    /** The receipt as a JSON value (keys are sorted when written canonically). */
    public Map<String, Object> toJsonValue() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("v", VERSION);
        m.put("seal_id", sealId.toString());
        m.put("request_id", requestId);
        m.put("digest", Map.of("algorithm", digest.algorithm().id(), "value", digest.hex()));
        m.put("subject", subject);
        m.put("stage", stage.id());
        m.put("labels", new TreeMap<>(labels));
        m.put("parents", parents.stream().map(UUID::toString).toList());
        m.put("suite_id", suiteId);
        m.put("committed_at", Rfc3339.format(committedAt));
        m.put("signer", signer);
        return m;
    }

    /**
     * The canonical bytes: what both algorithms sign and what the log leaf hashes. Written member
     * by member in canonical key order (it runs for every seal and every stored receipt read);
     * equal to {@code CanonicalJson.write(toJsonValue())}, which the tests check.
     */
    public byte[] canonicalBytes() {
        CanonicalJson.Fields f = new CanonicalJson.Fields()
                .string("committed_at", Rfc3339.format(committedAt))
                .value("digest", Map.of("algorithm", digest.algorithm().id(), "value", digest.hex()))
                .sortedStrings("labels", labels);
        List<String> parentIds = new ArrayList<>(parents.size());
        parents.forEach(p -> parentIds.add(p.toString()));
        return f.value("parents", parentIds)
                .string("request_id", requestId)
                .string("seal_id", sealId.toString())
                .string("signer", signer)
                .string("stage", stage.id())
                .string("subject", subject)
                .string("suite_id", suiteId)
                .integer("v", VERSION)
                .bytes();
    }

    /** Reads a receipt from its JSON value; every field is checked and unknown fields are rejected. */
    public static Receipt fromJsonValue(Map<String, Object> m) {
        try {
            java.util.Set<String> allowed = java.util.Set.of("v", "seal_id", "request_id", "digest", "subject", "stage", "labels",
                    "parents", "suite_id", "committed_at", "signer");
            for (String k : m.keySet()) {
                if (!allowed.contains(k)) {
                    throw new SealerException(Reason.MALFORMED_BUNDLE, "unknown receipt field '" + k + "'");
                }
            }
            if (Json.integer(m, "v") != VERSION) {
                throw new SealerException(Reason.MALFORMED_BUNDLE, "unsupported receipt version " + Json.integer(m, "v"));
            }
            Map<String, Object> d = Json.object(m, "digest");
            Digest digest = Digest.ofHex(DigestAlgorithm.fromId(Json.string(d, "algorithm")), Json.string(d, "value"));
            SortedMap<String, String> labels = new TreeMap<>();
            for (Map.Entry<String, Object> e : Json.object(m, "labels").entrySet()) {
                if (!(e.getValue() instanceof String s)) {
                    throw new SealerException(Reason.MALFORMED_BUNDLE, "label values must be strings");
                }
                labels.put(e.getKey(), s);
            }
            List<UUID> parents = new ArrayList<>();
            for (Object p : Json.array(m, "parents")) {
                parents.add(SealLimits.sealId(String.valueOf(p), Reason.MALFORMED_BUNDLE));
            }
            return new Receipt(SealLimits.sealId(Json.string(m, "seal_id"), Reason.MALFORMED_BUNDLE), Json.string(m, "request_id"), digest,
                    Json.string(m, "subject"), Stage.fromId(Json.string(m, "stage")), labels, parents, Json.string(m, "suite_id"),
                    Rfc3339.parse(Json.string(m, "committed_at")), Json.string(m, "signer"));
        } catch (SealerException e) {
            throw e.reason() == Reason.MALFORMED_BUNDLE ? e : new SealerException(Reason.MALFORMED_BUNDLE, "invalid receipt: " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new SealerException(Reason.MALFORMED_BUNDLE, "invalid receipt: " + e.getMessage(), e);
        }
    }

    /** Parses canonical receipt bytes; rejects any encoding that is not exactly canonical. */
    public static Receipt parse(byte[] canonical) {
        Receipt r;
        try {
            r = fromJsonValue(Json.parseObject(canonical));
        } catch (JsonFormatException e) {
            throw new SealerException(Reason.MALFORMED_BUNDLE, "receipt is not valid JSON: " + e.getMessage(), e);
        }
        if (!java.util.Arrays.equals(r.canonicalBytes(), canonical)) {
            throw new SealerException(Reason.MALFORMED_BUNDLE, "receipt bytes are not in canonical form");
        }
        return r;
    }
}
