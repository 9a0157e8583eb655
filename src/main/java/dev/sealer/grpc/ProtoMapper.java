package dev.sealer.grpc;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import dev.sealer.app.seal.SealView;
import dev.sealer.core.error.Reason;
import dev.sealer.core.error.SealerException;
import dev.sealer.core.seal.Digest;
import dev.sealer.core.seal.DigestAlgorithm;
import dev.sealer.core.seal.Stage;
import dev.sealer.grpc.v1.SealRecord;
import java.time.Instant;

/** Proto messages to and from domain values; unknown or unset enums are rejected with their reason. */
final class ProtoMapper {
    private ProtoMapper() {
    }

    static Digest digest(dev.sealer.grpc.v1.Digest d) {
        DigestAlgorithm alg = switch (d.getAlgorithm()) {
            case SHA_256 -> DigestAlgorithm.SHA_256;
            case SHA_384 -> DigestAlgorithm.SHA_384;
            case SHA_512 -> DigestAlgorithm.SHA_512;
            case SHA3_256 -> DigestAlgorithm.SHA3_256;
            case SHA3_512 -> DigestAlgorithm.SHA3_512;
            case DIGEST_ALGORITHM_UNSPECIFIED, UNRECOGNIZED ->
                    throw new SealerException(Reason.INVALID_DIGEST, "digest.algorithm must be one of SHA_256, SHA_384, SHA_512, SHA3_256, SHA3_512");
        };
        return new Digest(alg, d.getValue().toByteArray());
    }

    static Stage stage(dev.sealer.grpc.v1.Stage s) {
        return switch (s) {
            case DATA_COLLECTION -> Stage.DATA_COLLECTION;
            case DATA_PREPARATION -> Stage.DATA_PREPARATION;
            case MODEL_DEVELOPMENT -> Stage.MODEL_DEVELOPMENT;
            case TRAINING -> Stage.TRAINING;
            case EVALUATION -> Stage.EVALUATION;
            case DEPLOYMENT -> Stage.DEPLOYMENT;
            case MONITORING -> Stage.MONITORING;
            case RETIREMENT -> Stage.RETIREMENT;
            case INFERENCE -> Stage.INFERENCE;
            case OTHER -> Stage.OTHER;
            case STAGE_UNSPECIFIED, UNRECOGNIZED -> throw new SealerException(Reason.INVALID_STAGE, "stage must be set to a known lifecycle stage");
        };
    }

    static SealRecord record(SealView v) {
        SealRecord.Builder b = SealRecord.newBuilder()
                .setSealId(v.stored().sealId().toString())
                .setSuiteId(v.stored().suiteId())
                .setReceiptJson(ByteString.copyFrom(v.stored().canonical()))
                .setRequestId(v.stored().requestId())
                .setLeafIndex(v.stored().leafIndex())
                .setCommittedAt(timestamp(v.stored().committedAt()));
        if (v.stored().sigEd25519() != null) {
            b.setEd25519Signature(ByteString.copyFrom(v.stored().sigEd25519()));
        }
        if (v.stored().sigMlDsa() != null) {
            b.setMlDsaSignature(ByteString.copyFrom(v.stored().sigMlDsa()));
        }
        return b.build();
    }

    static dev.sealer.grpc.v1.Anchor anchor(dev.sealer.core.log.Anchor a) {
        return anchor(a, true);
    }

    /** The last checkpoint note and its UTF-8 bytes: every answer anchored at one checkpoint shares them instead of re-encoding 5 kB. */
    private static volatile Object[] lastNote = {null, ByteString.EMPTY};

    static dev.sealer.grpc.v1.Anchor anchor(dev.sealer.core.log.Anchor a, boolean withCheckpoint) {
        dev.sealer.grpc.v1.Anchor.Builder b = dev.sealer.grpc.v1.Anchor.newBuilder().setLeafIndex(a.leafIndex()).setTreeSize(a.treeSize())
                .setCheckpointSuiteId(a.checkpointSuiteId());
        if (withCheckpoint) {
            Object[] cached = lastNote;
            if (cached[0] != a.checkpointNote()) {
                cached = new Object[] {a.checkpointNote(), ByteString.copyFromUtf8(a.checkpointNote())};
                lastNote = cached;
            }
            b.setCheckpointBytes((ByteString) cached[1]);
        }
        a.inclusionProof().forEach(h -> b.addInclusionProof(ByteString.copyFrom(h)));
        byte[] token = a.checkpointTimestamp();
        if (token != null) {
            b.setCheckpointTimestamp(ByteString.copyFrom(token));
        }
        return b.build();
    }

    static Timestamp timestamp(Instant t) {
        return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
    }

    /** The range google.protobuf.Timestamp allows: 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999999999Z. */
    static final long MIN_SECONDS = -62_135_596_800L;
    static final long MAX_SECONDS = 253_402_300_799L;

    /** A request's timestamp; outside the range protobuf defines for Timestamp it is INVALID_ARGUMENT. */
    static Instant instant(Timestamp t) {
        if (t.getNanos() < 0 || t.getNanos() > 999_999_999) {
            throw new SealerException(Reason.INVALID_ARGUMENT, "timestamp nanos must be 0..999999999 (is " + t.getNanos() + ")");
        }
        if (t.getSeconds() < MIN_SECONDS || t.getSeconds() > MAX_SECONDS) {
            throw new SealerException(Reason.INVALID_ARGUMENT, "timestamp seconds must lie in 0001-01-01..9999-12-31 (" + MIN_SECONDS + ".." + MAX_SECONDS
                    + ", is " + t.getSeconds() + ")");
        }
        return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
    }

    /**
     * The one mapping of a seal query's filter (ListSeals, MaterializeEvidence): exactly one of
     * the arguments is set, checked by the seal limits; a time range needs both bounds, in order.
     */
    static dev.sealer.app.storage.SealFilter sealFilter(String requestId, dev.sealer.grpc.v1.TimeRange committed, String subject, String signer) {
        if (requestId != null) {
            return new dev.sealer.app.storage.SealFilter(dev.sealer.core.seal.SealLimits.requestId(requestId), null, null, null, null);
        }
        if (subject != null) {
            return new dev.sealer.app.storage.SealFilter(null, null, null, dev.sealer.core.seal.SealLimits.subject(subject), null);
        }
        if (signer != null) {
            return new dev.sealer.app.storage.SealFilter(null, null, null, null, dev.sealer.core.seal.SealLimits.signer(signer));
        }
        if (!committed.hasFrom() && !committed.hasTo()) {
            throw new SealerException(Reason.INVALID_ARGUMENT, "committed needs from, to or both");
        }
        // one bound alone: open towards the first or the last time a seal id can carry
        java.time.Instant from = committed.hasFrom() ? instant(committed.getFrom()) : Instant.EPOCH;
        java.time.Instant to = committed.hasTo() ? instant(committed.getTo()) : Instant.ofEpochMilli((1L << 48) - 1);
        if (!from.isBefore(to)) {
            throw new SealerException(Reason.INVALID_ARGUMENT, "committed.from must be before committed.to");
        }
        return new dev.sealer.app.storage.SealFilter(null, sealTime(from), sealTime(to), null, null);
    }

    /** Every seal (the time range over all seal ids), for a query by stage or label alone. */
    static dev.sealer.app.storage.SealFilter allSeals() {
        return new dev.sealer.app.storage.SealFilter(null, Instant.EPOCH, Instant.ofEpochMilli((1L << 48) - 1), null, null);
    }

    /** {@code filter} narrowed by a stage (unspecified: any) and a label written {@code key=value} (empty: any). */
    static dev.sealer.app.storage.SealFilter withStageAndLabel(dev.sealer.app.storage.SealFilter filter, dev.sealer.grpc.v1.Stage stage, String label) {
        dev.sealer.core.seal.Stage s = stage == dev.sealer.grpc.v1.Stage.STAGE_UNSPECIFIED ? null : stage(stage);
        if (label.isEmpty()) {
            return filter.with(s, null, null);
        }
        int eq = label.indexOf('=');
        if (eq < 0) {
            throw new SealerException(Reason.INVALID_LABELS, "label filter must be key=value");
        }
        String key = label.substring(0, eq);
        String value = label.substring(eq + 1);
        dev.sealer.core.seal.SealLimits.labels(java.util.Map.of(key, value));
        return filter.with(s, key, value);
    }

    /**
     * A query bound on commit times, moved into the range seals can carry (from 1970-01-01, the start of
     * their time-ordered ids, to 10889-08-02): no seal lies outside it, so the answer is the same.
     */
    static Instant sealTime(Instant t) {
        Instant earliest = Instant.EPOCH;
        Instant latest = Instant.ofEpochMilli((1L << 48) - 1);
        return t.isBefore(earliest) ? earliest : t.isAfter(latest) ? latest : t;
    }
}
