package dev.sealer.grpc;

import dev.sealer.app.audit.AuditTrail;
import dev.sealer.app.evidence.EvidenceService;
import dev.sealer.core.error.Reason;
import dev.sealer.core.error.SealerException;
import dev.sealer.grpc.v1.AuditEvent;
import dev.sealer.grpc.v1.AuditServiceGrpc;
import dev.sealer.grpc.v1.ListAuditEventsRequest;
import dev.sealer.grpc.v1.ListAuditEventsResponse;
import dev.sealer.grpc.v1.MaterializeEvidenceRequest;
import dev.sealer.grpc.v1.MaterializeEvidenceResponse;
import dev.sealer.app.storage.AuditFilter;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import java.time.Instant;

/** The auditor's view of the audit trail (access: {@link AccessControl#POLICY}). */
@GrpcService
@Blocking
public class AuditGrpcService extends AuditServiceGrpc.AuditServiceImplBase {
    /** Requests are decoded by {@link RequestDecoding}: bytes that are not a request get MALFORMED_REQUEST, not UNKNOWN. */
    @Override
    public io.grpc.ServerServiceDefinition bindService() {
        return RequestDecoding.wrap(super.bindService());
    }

    private static final int MAX_TEXT = 1024;

    @Inject
    AuditTrail audit;
    @Inject
    EvidenceService evidence;
    @Inject
    dev.sealer.app.format.FormatService formats;

    @Override
    public void materializeEvidence(MaterializeEvidenceRequest request, StreamObserver<MaterializeEvidenceResponse> observer) {
        SealGrpcService.unary(observer, () -> {
            int size = request.getPageSize() == 0 ? 100 : request.getPageSize();
            if (size < 1 || size > 1000) {
                throw new SealerException(Reason.INVALID_ARGUMENT, "page_size must be 1..1000");
            }
            String reason = switch (request.getReason()) {
                case EVIDENCE_REASON_AUDIT -> "audit";
                case EVIDENCE_REASON_REGULATOR -> "regulator";
                case EVIDENCE_REASON_INCIDENT -> "incident";
                case EVIDENCE_REASON_LEGAL_HOLD -> "legal-hold";
                default -> throw new SealerException(Reason.INVALID_ARGUMENT, "reason must be audit, regulator, incident or legal-hold");
            };
            java.util.UUID sealId = null;
            dev.sealer.app.storage.SealFilter filter = null;
            switch (request.getTargetCase()) {
                case SEAL_ID -> sealId = dev.sealer.core.seal.SealLimits.sealId(request.getSealId(), Reason.INVALID_ARGUMENT);
                case REQUEST_ID -> filter = ProtoMapper.sealFilter(request.getRequestId(), null, null, null);
                case SUBJECT -> filter = ProtoMapper.sealFilter(null, null, request.getSubject(), null);
                case SIGNER -> filter = ProtoMapper.sealFilter(null, null, null, request.getSigner());
                case COMMITTED -> filter = ProtoMapper.sealFilter(null, request.getCommitted(), null, null);
                case TARGET_NOT_SET -> throw new SealerException(Reason.INVALID_ARGUMENT, "set one target: seal_id, request_id, committed, subject or signer");
            }
            EvidenceService.Materialized m = evidence.materialize(new EvidenceService.Query(sealId, filter, request.getPageToken(), size, reason,
                    request.getIncludeLineage(), request.getAllowPartial()), CallerIdentity.current());
            MaterializeEvidenceResponse.Builder b = MaterializeEvidenceResponse.newBuilder()
                    .setPackageJson(com.google.protobuf.ByteString.copyFrom(m.packageJson()))
                    .setPackageSha256(com.google.protobuf.ByteString.copyFrom(m.sha256())).setSealCount(m.sealCount()).setComplete(m.complete())
                    .setNextPageToken(m.nextPageToken());
            if (request.getIncludeInToto()) {
                for (dev.sealer.app.storage.StoredSeal s : m.included()) {
                    b.addInTotoDsseJson(dev.sealer.core.json.CanonicalJson.writeString(formats.export(s).toJsonValue()));
                }
            }
            return b.build();
        });
    }

    @Override
    public void listAuditEvents(ListAuditEventsRequest request, StreamObserver<ListAuditEventsResponse> observer) {
        SealGrpcService.unary(observer, () -> {
            int size = request.getPageSize() == 0 ? 100 : request.getPageSize();
            if (size < 1 || size > 1000) {
                throw new SealerException(Reason.INVALID_ARGUMENT, "page_size must be 1..1000");
            }
            Instant from = null;
            Instant to = null;
            if (request.hasOccurred()) {
                from = request.getOccurred().hasFrom() ? ProtoMapper.instant(request.getOccurred().getFrom()) : null;
                to = request.getOccurred().hasTo() ? ProtoMapper.instant(request.getOccurred().getTo()) : null;
                if (from != null && to != null && !from.isBefore(to)) {
                    throw new SealerException(Reason.INVALID_ARGUMENT, "occurred.from must be before occurred.to");
                }
            }
            AuditFilter filter = new AuditFilter(from, to, text(request.getActor(), "actor"), text(request.getAction(), "action"));
            AuditTrail.Page page = audit.list(filter, request.getPageToken(), size);
            ListAuditEventsResponse.Builder b = ListAuditEventsResponse.newBuilder().setNextPageToken(page.nextPageToken());
            for (dev.sealer.app.storage.AuditEvent e : page.events()) {
                AuditEvent.Builder eb = AuditEvent.newBuilder().setEventSeq(e.eventSeq()).setOccurredAt(ProtoMapper.timestamp(e.occurredAt()))
                        .setActor(e.actor()).setAction(e.action()).setOutcome(e.outcome());
                if (e.target() != null) {
                    eb.setTarget(e.target());
                }
                if (e.detail() != null) {
                    eb.setDetail(e.detail());
                }
                b.addEvents(eb);
            }
            return b.build();
        });
    }

    private static String text(String value, String field) {
        if (value.isEmpty()) {
            return null;
        }
        if (value.length() > MAX_TEXT || value.chars().anyMatch(Character::isISOControl)) {
            throw new SealerException(Reason.INVALID_ARGUMENT, field + " must be 1.." + MAX_TEXT + " characters without control characters");
        }
        return value;
    }
}
