package dev.sealer.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import dev.sealer.grpc.v1.AuditServiceGrpc;
import dev.sealer.grpc.v1.GetCheckpointRequest;
import dev.sealer.grpc.v1.GetConsistencyProofRequest;
import dev.sealer.grpc.v1.GetInclusionProofRequest;
import dev.sealer.grpc.v1.GetSealRequest;
import dev.sealer.grpc.v1.GetTrustBundleRequest;
import dev.sealer.grpc.v1.KeyServiceGrpc;
import dev.sealer.grpc.v1.ListAffectedSealsRequest;
import dev.sealer.grpc.v1.ListAuditEventsRequest;
import dev.sealer.grpc.v1.ListSealsRequest;
import dev.sealer.grpc.v1.ListSuitesRequest;
import dev.sealer.grpc.v1.LogServiceGrpc;
import dev.sealer.grpc.v1.ResealAffectedRequest;
import dev.sealer.grpc.v1.RevokeSuiteRequest;
import dev.sealer.grpc.v1.RotateSuiteRequest;
import dev.sealer.grpc.v1.RunIntegritySweepRequest;
import dev.sealer.grpc.v1.SealRecord;
import dev.sealer.grpc.v1.SealRequest;
import dev.sealer.grpc.v1.SealServiceGrpc;
import dev.sealer.grpc.v1.TimeRange;
import dev.sealer.grpc.v1.VerifyRequest;
import dev.sealer.testing.Grpc;
import dev.sealer.testing.SealerTestResource;
import dev.sealer.testing.TestDatabase;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The generated bad-input battery: every request field of every Sealer RPC × wrong type, length,
 * encoding and range, plus every truncation of a valid request, random bodies and oversized ones,
 * sent as raw bytes over a real gRPC channel. Every answer must be a status with an ErrorInfo reason
 * (never INTERNAL, never UNKNOWN), within one second; bytes protobuf cannot decode must be
 * INVALID_ARGUMENT / MALFORMED_REQUEST; and nothing may be written.
 *
 * <p>No bad request can turn into a valid one: Seal requests reuse a request id already sealed with
 * another digest (so even a mutant that happens to be well-formed is REQUEST_ID_CONFLICT), suite
 * operations name a suite that does not exist, and methods whose whole request is empty get only
 * undecodable bytes.
 */
@QuarkusTest
@QuarkusTestResource(SealerTestResource.class)
class BadInputBatteryTest {
    private static final List<ServiceDescriptor> SERVICES = List.of(SealServiceGrpc.getServiceDescriptor(),
            KeyServiceGrpc.getServiceDescriptor(), LogServiceGrpc.getServiceDescriptor(), AuditServiceGrpc.getServiceDescriptor(),
            dev.sealer.grpc.v1.LineageServiceGrpc.getServiceDescriptor(), dev.sealer.grpc.v1.FormatServiceGrpc.getServiceDescriptor());
    /** Methods whose request has no field that can be wrong: any decodable body is a valid (and for the sweep, costly) call. */
    private static final Set<String> ONLY_UNDECODABLE = Set.of("sealer.v1.KeyService/GetTrustBundle", "sealer.v1.KeyService/ListSuites",
            "sealer.v1.LogService/RunIntegritySweep");
    private static final String TAKEN_REQUEST_ID = "battery-taken-" + UUID.randomUUID();
    private static final byte[] INVALID_UTF8 = {(byte) 0xC3, 0x28, (byte) 0xA0, (byte) 0xA1, (byte) 0xE2, 0x28};
    private static final String MARK = "\u0001MARK\u0001";

    private ManagedChannel channel;

    record Case(String method, String name, byte[] body) {
    }

    @BeforeEach
    void connect() {
        int port = ConfigProvider.getConfig().getOptionalValue("quarkus.grpc.server.test-port", Integer.class).orElse(9001);
        channel = ManagedChannelBuilder.forAddress("localhost", port).usePlaintext().maxInboundMessageSize(8 << 20).build();
    }

    @AfterEach
    void disconnect() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    @Test
    void everyBadInput_isAnsweredWithAReasonWithinOneSecond_andWritesNothing() throws Exception {
        SealServiceGrpc.newBlockingStub(channel).seal(Grpc.request("battery-original").setRequestId(TAKEN_REQUEST_ID).build());
        Map<String, Message> bases = bases();
        List<Case> cases = new ArrayList<>();
        for (ServiceDescriptor service : SERVICES) {
            for (MethodDescriptor<?, ?> m : service.getMethods()) {
                Message base = bases.get(m.getFullMethodName());
                assertTrue(base != null, "no base request for " + m.getFullMethodName());
                cases.addAll(cases(m.getFullMethodName(), base));
            }
        }
        long receipts = count("receipts");
        long suiteEvents = count("suite_events");
        List<String> failures = new ArrayList<>();
        Map<String, Integer> answers = new TreeMap<>();
        int undecodable = 0;
        for (Case c : cases) {
            MethodDescriptor<?, ?> method = find(c.method());
            boolean decodes = decodes(method, c.body());
            undecodable += decodes ? 0 : 1;
            if (decodes && (ONLY_UNDECODABLE.contains(c.method()) || retargets(method, c.body(), bases.get(c.method())))) {
                continue;
            }
            long start = System.nanoTime();
            String answer = call(method, c.body());
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            answers.merge(answer, 1, Integer::sum);
            String label = c.method() + " [" + c.name() + "] -> " + answer + " in " + millis + " ms";
            if (answer.startsWith("OK") && !acceptableOk(c.method())) {
                failures.add(label + ": a bad request was accepted");
            } else if (!answer.startsWith("OK") && !answer.matches("[A-Z_]+ [A-Z_]+")) {
                failures.add(label + ": no ErrorInfo reason");
            } else if (answer.startsWith("INTERNAL") || answer.startsWith("UNKNOWN") || answer.startsWith("DEADLINE_EXCEEDED")) {
                failures.add(label);
            } else if (!decodes && c.body().length <= RequestDecoding.DEFAULT_MAX_REQUEST_BYTES && !answer.equals("INVALID_ARGUMENT MALFORMED_REQUEST")) {
                failures.add(label + ": undecodable bytes must be MALFORMED_REQUEST");
            } else if (c.body().length > RequestDecoding.DEFAULT_MAX_REQUEST_BYTES && c.body().length < (4 << 20)
                    && !answer.equals("RESOURCE_EXHAUSTED MESSAGE_TOO_LARGE")) {
                failures.add(label + ": an oversized request must be MESSAGE_TOO_LARGE");
            } else if (millis > 1000) {
                failures.add(label + ": slower than 1 s");
            }
        }
        System.out.printf("bad-input battery: %d cases (%d undecodable), answers %s%n", cases.size(), undecodable, answers);
        assertEquals(List.of(), failures);
        assertTrue(cases.size() > 500 && undecodable > 200, "the battery must be broad: " + cases.size() + " cases, " + undecodable + " undecodable");
        assertEquals(receipts, count("receipts"), "bad requests must not write receipts");
        assertEquals(suiteEvents, count("suite_events"), "bad requests must not change suites");
    }

    @Test
    void listSeals_withATimeBeforeYearOne_isInvalidArgument() {
        var seals = SealServiceGrpc.newBlockingStub(channel);
        Timestamp far = Timestamp.newBuilder().setSeconds(-1_000_000_000_000L).build();
        StatusRuntimeException e = org.junit.jupiter.api.Assertions.assertThrows(StatusRuntimeException.class,
                () -> seals.listSeals(ListSealsRequest.newBuilder().setCommitted(TimeRange.newBuilder().setFrom(far)
                        .setTo(Timestamp.newBuilder().setSeconds(1))).build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        assertEquals("INVALID_ARGUMENT", Grpc.reason(e));
        // inside protobuf's range but before any seal: an empty answer, not an error
        assertEquals(0, seals.listSeals(ListSealsRequest.newBuilder().setCommitted(TimeRange.newBuilder()
                .setFrom(Timestamp.newBuilder().setSeconds(-62_135_596_800L)).setTo(Timestamp.newBuilder().setSeconds(0))).build()).getSealsCount());
    }

    @Test
    void undecodableSubject_namesTheField() {
        byte[] body = withInvalidUtf8(SealRequest.newBuilder().setRequestId("r-1").setSubject(MARK).build());
        String[] answer = new String[1];
        MethodDescriptor<byte[], byte[]> raw = raw(SealServiceGrpc.getSealMethod());
        StatusRuntimeException e = org.junit.jupiter.api.Assertions.assertThrows(StatusRuntimeException.class,
                () -> io.grpc.stub.ClientCalls.blockingUnaryCall(channel, raw, CallOptions.DEFAULT.withDeadlineAfter(5, TimeUnit.SECONDS), body));
        answer[0] = e.getStatus().getDescription();
        assertEquals("MALFORMED_REQUEST", Grpc.reason(e));
        assertTrue(answer[0].contains("field subject: is not valid UTF-8"), answer[0]);
    }

    /** No Seal may answer OK to a mutant (every one reuses the taken request id with another digest); reads may. */
    private static boolean acceptableOk(String method) {
        return !method.startsWith("sealer.v1.SealService/Seal") && !method.equals("sealer.v1.LineageService/CreateMetaSeal")
                && !method.equals("sealer.v1.FormatService/SealModel");
    }

    /** A decodable body for a suite operation that names another suite than the base's (it could rotate or revoke a real one). */
    private static boolean retargets(MethodDescriptor<?, ?> method, byte[] body, Message base) {
        if (!guarded(method.getFullMethodName(), List.of(base.getDescriptorForType().findFieldByNumber(1)))) {
            return false;
        }
        Message parsed = (Message) method.parseRequest(new ByteArrayInputStream(body));
        FieldDescriptor target = base.getDescriptorForType().findFieldByNumber(1);
        return !parsed.getField(target).equals(base.getField(target));
    }

    private Map<String, Message> bases() {
        String someSeal = UUID.randomUUID().toString();
        Map<String, Message> r = new LinkedHashMap<>();
        SealRequest seal = Grpc.request("battery-other-digest").setRequestId(TAKEN_REQUEST_ID).addParentSealIds(someSeal).build();
        r.put("sealer.v1.SealService/Seal", seal);
        r.put("sealer.v1.SealService/SealStream", seal);
        VerifyRequest verify = VerifyRequest.newBuilder().setSeal(SealRecord.newBuilder().setSealId(someSeal).setSuiteId("suite-x")
                .setReceiptJson(ByteString.copyFromUtf8("{}")).setEd25519Signature(ByteString.copyFrom(new byte[64]))
                .setMlDsaSignature(ByteString.copyFrom(new byte[16])).setRequestId("r").setCommittedAt(Timestamp.newBuilder().setSeconds(1)).setLeafIndex(3))
                .setDigest(Grpc.digest("x")).build();
        r.put("sealer.v1.SealService/Verify", verify);
        r.put("sealer.v1.SealService/VerifyStream", verify);
        r.put("sealer.v1.SealService/GetSeal", GetSealRequest.newBuilder().setSealId(someSeal).build());
        r.put("sealer.v1.SealService/ListSeals", ListSealsRequest.newBuilder().setCommitted(TimeRange.newBuilder()
                .setFrom(Timestamp.newBuilder().setSeconds(1)).setTo(Timestamp.newBuilder().setSeconds(2))).setPageSize(10).setPageToken("").build());
        r.put("sealer.v1.KeyService/GetTrustBundle", GetTrustBundleRequest.getDefaultInstance());
        r.put("sealer.v1.KeyService/ListSuites", ListSuitesRequest.getDefaultInstance());
        r.put("sealer.v1.KeyService/RotateSuite", RotateSuiteRequest.newBuilder().setExpectedActiveSuiteId("suite-19990101-00000000").build());
        r.put("sealer.v1.KeyService/RevokeSuite", RevokeSuiteRequest.newBuilder().setSuiteId("suite-19990101-00000000")
                .setCompromisedSince("2026-01-01T00:00:00Z").setReason("battery").build());
        r.put("sealer.v1.KeyService/ListAffectedSeals", ListAffectedSealsRequest.newBuilder().setSuiteId("suite-19990101-00000000").setPageSize(5).build());
        r.put("sealer.v1.KeyService/ResealAffected", ResealAffectedRequest.newBuilder().setSuiteId("suite-19990101-00000000").setLimit(5).build());
        r.put("sealer.v1.LogService/GetCheckpoint", GetCheckpointRequest.newBuilder().setTreeSize(1).build());
        r.put("sealer.v1.LogService/GetInclusionProof", GetInclusionProofRequest.newBuilder().setSealId(someSeal).setTreeSize(1).build());
        r.put("sealer.v1.LogService/GetConsistencyProof", GetConsistencyProofRequest.newBuilder().setFromSize(1).setToSize(2).build());
        r.put("sealer.v1.LogService/RunIntegritySweep", RunIntegritySweepRequest.getDefaultInstance());
        r.put("sealer.v1.AuditService/ListAuditEvents", ListAuditEventsRequest.newBuilder().setOccurred(TimeRange.newBuilder()
                .setFrom(Timestamp.newBuilder().setSeconds(1))).setActor("anonymous").setAction("x").setPageSize(5).build());
        r.put("sealer.v1.AuditService/MaterializeEvidence", dev.sealer.grpc.v1.MaterializeEvidenceRequest.newBuilder().setSealId(someSeal)
                .setReason(dev.sealer.grpc.v1.EvidenceReason.EVIDENCE_REASON_AUDIT).setPageSize(5).build());
        // a meta-seal over a seal that does not exist, with the taken request id: no mutant may be sealed
        r.put("sealer.v1.LineageService/CreateMetaSeal", dev.sealer.grpc.v1.CreateMetaSealRequest.newBuilder().setRequestId(TAKEN_REQUEST_ID)
                .setSubject("model:battery@1").addSealIds(someSeal).addExternalRootIds(UUID.randomUUID().toString()).setPolicy("default")
                .setPolicyVersion(1).putLabels("team", "ml").build());
        r.put("sealer.v1.LineageService/VerifyLineage", dev.sealer.grpc.v1.VerifyLineageRequest.newBuilder().setMetaSealId(someSeal).build());
        r.put("sealer.v1.LineageService/GetLineageFile", dev.sealer.grpc.v1.GetLineageFileRequest.newBuilder().setMetaSealId(someSeal).build());
        r.put("sealer.v1.LineageService/ListLineage", dev.sealer.grpc.v1.ListLineageRequest.newBuilder().setSealId(someSeal)
                .setDirection(dev.sealer.grpc.v1.LineageDirection.LINEAGE_ANCESTORS).setMaxDepth(3).setPageSize(5).build());
        // an OMS statement with the taken request id and a parent that does not exist: no mutant may be sealed either
        byte[] statement = new dev.sealer.core.format.OmsStatement("battery-model", false, List.of(".git"),
                List.of(new dev.sealer.core.format.OmsStatement.Resource("weights.bin", new byte[32]))).canonicalBytes();
        r.put("sealer.v1.FormatService/SealModel", dev.sealer.grpc.v1.SealModelRequest.newBuilder().setRequestId(TAKEN_REQUEST_ID)
                .setStatement(ByteString.copyFrom(statement)).setStage(dev.sealer.grpc.v1.Stage.TRAINING).putLabels("team", "ml")
                .addParentSealIds(someSeal).build());
        return r;
    }

    /** The mutants of one method's base request. */
    private static List<Case> cases(String method, Message base) {
        List<Case> out = new ArrayList<>();
        // typed mutants: every field (nested too) × values of the wrong length or range
        for (List<FieldDescriptor> path : fieldPaths(base.getDescriptorForType(), new ArrayList<>(), 0)) {
            String name = pathName(path);
            for (Map.Entry<String, Object> v : badValues(path.getLast()).entrySet()) {
                if (guarded(method, path)) {
                    continue;
                }
                out.add(new Case(method, name + " = " + v.getKey(), with(base, path, v.getValue()).toByteArray()));
            }
            FieldDescriptor leaf = path.getLast();
            if (leaf.getType() == FieldDescriptor.Type.STRING && !leaf.isRepeated()) {
                // wrong encoding: the field's bytes are not UTF-8
                out.add(new Case(method, name + " = invalid UTF-8", withInvalidUtf8(with(base, path, MARK))));
            }
            // wrong wire type: the field number with a 32-bit value where something else is declared
            if (path.size() == 1) {
                out.add(new Case(method, name + " as fixed32", concat(base.toByteArray(), tag(leaf.getNumber(), 5), new byte[] {1, 2, 3, 4})));
                out.add(new Case(method, name + " as a group start", concat(base.toByteArray(), tag(leaf.getNumber(), 3))));
                out.add(new Case(method, name + " with a length past the end", concat(base.toByteArray(), tag(leaf.getNumber(), 2), new byte[] {0x7f, 1})));
            }
        }
        // every truncation of the valid request (at most 64 per method)
        byte[] bytes = base.toByteArray();
        int step = Math.max(1, bytes.length / 64);
        for (int n = 1; n < bytes.length; n += step) {
            if (!guarded(method, List.of())) {
                out.add(new Case(method, "first " + n + " of " + bytes.length + " bytes", java.util.Arrays.copyOf(bytes, n)));
            }
        }
        // random bodies and broken framing
        Random random = new Random(method.hashCode());
        for (int i = 0; i < 24; i++) {
            byte[] body = new byte[1 + random.nextInt(200)];
            random.nextBytes(body);
            out.add(new Case(method, "random " + body.length + " bytes #" + i, body));
        }
        out.add(new Case(method, "tag zero", new byte[] {0, 0}));
        out.add(new Case(method, "varint of 11 bytes", concat(tag(1, 0), new byte[] {-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 1})));
        out.add(new Case(method, "end group without start", tag(1, 4)));
        out.add(new Case(method, "nested 200 deep", deep(200)));
        // oversized: past the service's limit but inside the transport's
        out.add(new Case(method, "1 MiB + 1 of unknown field", concat(tag(999, 2), varint(RequestDecoding.DEFAULT_MAX_REQUEST_BYTES), new byte[RequestDecoding.DEFAULT_MAX_REQUEST_BYTES])));
        return out;
    }

    /** Suite operations keep their (unknown) target suite, so no mutant can rotate, revoke or re-seal anything. */
    private static boolean guarded(String method, List<FieldDescriptor> path) {
        boolean suiteOp = method.endsWith("/RotateSuite") || method.endsWith("/RevokeSuite") || method.endsWith("/ResealAffected");
        if (!suiteOp) {
            return false;
        }
        // truncations may drop the suite id; a RotateSuite without one rotates: leave those out
        return path.isEmpty() ? method.endsWith("/RotateSuite") : path.getFirst().getNumber() == 1;
    }

    private static List<List<FieldDescriptor>> fieldPaths(com.google.protobuf.Descriptors.Descriptor type, List<FieldDescriptor> prefix, int depth) {
        List<List<FieldDescriptor>> out = new ArrayList<>();
        for (FieldDescriptor f : type.getFields()) {
            List<FieldDescriptor> path = new ArrayList<>(prefix);
            path.add(f);
            out.add(path);
            if (f.getType() == FieldDescriptor.Type.MESSAGE && !f.isRepeated() && depth < 2) {
                out.addAll(fieldPaths(f.getMessageType(), path, depth + 1));
            }
        }
        return out;
    }

    private static String pathName(List<FieldDescriptor> path) {
        return String.join(".", path.stream().map(FieldDescriptor::getName).toList());
    }

    /** Values of the right wire type but a wrong length or range for a field of this kind. */
    private static Map<String, Object> badValues(FieldDescriptor f) {
        Map<String, Object> v = new LinkedHashMap<>();
        Object one;
        switch (f.getType()) {
            case STRING -> {
                v.put("empty", "");
                v.put("600 chars", "x".repeat(600));
                v.put("NUL and newline", "a\u0000\nb");
                v.put("non-BMP x 300", "\uD83D\uDE00".repeat(300));
                v.put("space only", " ");
            }
            case BYTES -> {
                v.put("empty", ByteString.EMPTY);
                v.put("1 byte", ByteString.copyFrom(new byte[1]));
                v.put("100000 bytes", ByteString.copyFrom(new byte[100_000]));
            }
            case INT32, SINT32, SFIXED32 -> {
                v.put("-1", -1);
                v.put("min", Integer.MIN_VALUE);
                v.put("max", Integer.MAX_VALUE);
            }
            case INT64, SINT64, SFIXED64 -> {
                v.put("-1", -1L);
                v.put("-10^12", -1_000_000_000_000L);
                v.put("min", Long.MIN_VALUE);
                v.put("max", Long.MAX_VALUE);
            }
            case UINT32, FIXED32 -> v.put("max", -1);
            case UINT64, FIXED64 -> v.put("max", -1L);
            case ENUM -> {
                EnumDescriptor e = f.getEnumType();
                v.put("unknown 99", e.findValueByNumberCreatingIfUnknown(99));
                v.put("unknown -1", e.findValueByNumberCreatingIfUnknown(-1));
                v.put("unspecified", e.findValueByNumber(0));
            }
            case MESSAGE -> {
                if (!f.isMapField()) {
                    v.put("empty message", DynamicMessage.getDefaultInstance(f.getMessageType()));
                }
            }
            case BOOL -> {
                // no wrong value of the right type
            }
            default -> throw new AssertionError("no bad values for " + f.getType());
        }
        if (f.isRepeated()) {
            Map<String, Object> repeated = new LinkedHashMap<>();
            if (f.isMapField()) {
                var entry = f.getMessageType();
                if (entry.findFieldByName("value").getJavaType() != FieldDescriptor.JavaType.STRING) {
                    return repeated; // a map of messages (VerifyLineage artifacts): its entries are not labels
                }
                for (String key : List.of("", "UPPER", "k".repeat(64))) {
                    repeated.put("label key '" + (key.length() > 8 ? key.length() + " chars" : key) + "'", List.of(DynamicMessage.newBuilder(entry)
                            .setField(entry.findFieldByName("key"), key).setField(entry.findFieldByName("value"), "v").build()));
                }
                List<Object> many = new ArrayList<>();
                for (int i = 0; i < 40; i++) {
                    many.add(DynamicMessage.newBuilder(entry).setField(entry.findFieldByName("key"), "k" + i).setField(entry.findFieldByName("value"), "v").build());
                }
                repeated.put("40 labels", many);
                return repeated;
            }
            for (Map.Entry<String, Object> e : v.entrySet()) {
                repeated.put("[" + e.getKey() + "]", List.of(e.getValue()));
                one = e.getValue();
                List<Object> copies = new ArrayList<>();
                for (int i = 0; i < 100; i++) {
                    copies.add(one);
                }
                repeated.put("100 x " + e.getKey(), copies);
            }
            return repeated;
        }
        return v;
    }

    /** {@code base} with the field at {@code path} set to {@code value} (through nested messages). */
    private static Message with(Message base, List<FieldDescriptor> path, Object value) {
        DynamicMessage.Builder b = DynamicMessage.newBuilder(base);
        FieldDescriptor f = path.getFirst();
        if (path.size() == 1) {
            if (f.isRepeated()) {
                b.clearField(f);
                for (Object o : (List<?>) value) {
                    b.addRepeatedField(f, o);
                }
            } else {
                b.setField(f, value);
            }
        } else {
            Message inner = (Message) b.getField(f);
            b.setField(f, with(inner, path.subList(1, path.size()), value));
        }
        return b.build();
    }

    /** The message's bytes with the marker string's bytes replaced by as many bytes that are not UTF-8. */
    private static byte[] withInvalidUtf8(Message m) {
        byte[] bytes = m.toByteArray();
        byte[] mark = MARK.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i + mark.length <= bytes.length; i++) {
            if (java.util.Arrays.equals(bytes, i, i + mark.length, mark, 0, mark.length)) {
                System.arraycopy(INVALID_UTF8, 0, bytes, i, mark.length);
                return bytes;
            }
        }
        throw new AssertionError("marker not found");
    }

    private static byte[] deep(int levels) {
        byte[] inner = new byte[0];
        for (int i = 0; i < levels; i++) {
            inner = concat(tag(1, 2), varint(inner.length), inner); // field 1 of SealRequest-like types nested as messages
        }
        return inner;
    }

    private static byte[] tag(int number, int wireType) {
        return varint((number << 3) | wireType);
    }

    private static byte[] varint(int value) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        long v = value & 0xffffffffL;
        while (v >= 0x80) {
            out.write((int) (v & 0x7f) | 0x80);
            v >>>= 7;
        }
        out.write((int) v);
        return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static MethodDescriptor<?, ?> find(String fullName) {
        for (ServiceDescriptor s : SERVICES) {
            for (MethodDescriptor<?, ?> m : s.getMethods()) {
                if (m.getFullMethodName().equals(fullName)) {
                    return m;
                }
            }
        }
        throw new AssertionError(fullName);
    }

    private static boolean decodes(MethodDescriptor<?, ?> method, byte[] body) {
        try {
            method.parseRequest(new ByteArrayInputStream(body));
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static MethodDescriptor<byte[], byte[]> raw(MethodDescriptor<?, ?> m) {
        return m.toBuilder(BYTES, BYTES).build();
    }

    /** One raw call; "OK" or "CODE REASON" ("CODE <no ...>" without ErrorInfo). */
    private String call(MethodDescriptor<?, ?> method, byte[] body) {
        MethodDescriptor<byte[], byte[]> raw = raw(method);
        CallOptions options = CallOptions.DEFAULT.withDeadlineAfter(1, TimeUnit.SECONDS);
        CompletableFuture<String> answer = new CompletableFuture<>();
        ClientCall<byte[], byte[]> call = channel.newCall(raw, options);
        call.start(new ClientCall.Listener<>() {
            @Override
            public void onMessage(byte[] message) {
                answer.complete("OK");
            }

            @Override
            public void onClose(Status status, Metadata trailers) {
                if (status.isOk()) {
                    answer.complete("OK");
                } else {
                    answer.complete(status.getCode() + " " + Grpc.reason(status.asRuntimeException(trailers)));
                }
            }
        }, new Metadata());
        call.request(2);
        call.sendMessage(body);
        call.halfClose();
        try {
            String a = answer.get(5, TimeUnit.SECONDS);
            call.cancel("answered", null);
            return a;
        } catch (Exception e) {
            call.cancel("no answer", null);
            return "client failure " + e;
        }
    }

    private static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    };

    private static long count(String table) throws Exception {
        try (Connection c = TestDatabase.get().connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery("select count(*) from " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
