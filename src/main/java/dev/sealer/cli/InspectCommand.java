package dev.sealer.cli;

import dev.sealer.core.format.Dsse;
import dev.sealer.core.format.OmsStatement;
import dev.sealer.core.format.SigstoreBundle;
import dev.sealer.core.json.CanonicalJson;
import dev.sealer.core.json.Json;
import dev.sealer.core.seal.SealBundle;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code sealer inspect}: what a model.sig, a DSSE export or a seal bundle says, without checking it (use {@code sealer verify}
 * for that). Human-readable, or {@code --json}: the document with every base64 payload decoded.
 */
@Command(name = "inspect", mixinStandardHelpOptions = true, description = {"Print what a model.sig (Sigstore bundle), a DSSE envelope or a seal bundle",
        "says, without verifying it. Exit codes: 0 printed, 2 not one of these documents, 1 I/O error."})
public final class InspectCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE")
    Path file;

    @Option(names = "--json", description = "print JSON: the document with its DSSE payload decoded (member payload_decoded)")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            spec.commandLine().getErr().println("sealer inspect: cannot read " + file + ": " + e.getMessage());
            return VerifyCommand.ERROR;
        }
        try {
            Map<String, Object> doc = Json.parseObject(text);
            if (doc.containsKey("mediaType")) {
                SigstoreBundle b = SigstoreBundle.parse(text);
                return json ? printJson(out, doc, "dsseEnvelope", b.envelope()) : sigstore(out, b);
            }
            if (doc.containsKey("payloadType")) {
                Dsse.Envelope env = Dsse.Envelope.fromJsonValue(doc);
                return json ? printJson(out, doc, null, env) : envelope(out, env, "");
            }
            if (doc.containsKey("format")) {
                SealBundle s = SealBundle.parse(text);
                if (json) {
                    Map<String, Object> m = new LinkedHashMap<>(doc);
                    m.put("receipt_decoded", s.receipt().toJsonValue());
                    out.println(CanonicalJson.writeString(m));
                } else {
                    seal(out, s, "");
                }
                return VerifyCommand.VALID;
            }
            out.println("not a model.sig, DSSE envelope or seal bundle: no mediaType, payloadType or format member");
            return VerifyCommand.INVALID;
        } catch (RuntimeException e) {
            out.println("not readable: " + e.getMessage());
            return VerifyCommand.INVALID;
        }
    }

    private static int printJson(PrintWriter out, Map<String, Object> doc, String envelopeMember, Dsse.Envelope env) {
        Map<String, Object> m = new LinkedHashMap<>(doc);
        Map<String, Object> e = new LinkedHashMap<>(env.toJsonValue());
        e.put("payload_decoded", Json.parse(env.payload()));
        if (envelopeMember == null) {
            m = e;
        } else {
            m.put(envelopeMember, e);
        }
        out.println(CanonicalJson.writeString(m));
        return VerifyCommand.VALID;
    }

    private static int sigstore(PrintWriter out, SigstoreBundle b) {
        out.println("Sigstore bundle " + SigstoreBundle.MEDIA_TYPE);
        out.println("  key hint:        " + b.keyHint());
        out.println("  tlog entries:    0");
        out.println("  RFC 3161 tokens: " + b.rfc3161Timestamps().size());
        return envelope(out, b.envelope(), "  ");
    }

    @SuppressWarnings("unchecked")
    private static int envelope(PrintWriter out, Dsse.Envelope env, String indent) {
        out.println(indent + "DSSE envelope, payload type " + env.payloadType() + ", " + env.payload().length + " bytes");
        for (Dsse.Signature s : env.signatures()) {
            out.println(indent + "  signature: keyid " + s.keyId() + ", " + s.sig().length + " bytes");
        }
        Map<String, Object> st = Json.parseObject(env.payload());
        out.println(indent + "in-toto statement " + st.get("_type"));
        out.println(indent + "  predicate type: " + st.get("predicateType"));
        for (Object o : (List<Object>) st.getOrDefault("subject", List.of())) {
            Map<String, Object> sub = (Map<String, Object>) o;
            out.println(indent + "  subject: " + sub.get("name") + " " + digestSet(sub.get("digest")));
        }
        Map<String, Object> predicate = (Map<String, Object>) st.getOrDefault("predicate", Map.of());
        if (predicate.get("serialization") instanceof Map<?, ?> ser) {
            out.println(indent + "  serialization: " + CanonicalJson.writeString(ser));
        }
        if (predicate.get("resources") instanceof List<?> res) {
            out.println(indent + "  resources: " + res.size());
            for (Object o : res) {
                Map<String, Object> r = (Map<String, Object>) o;
                out.println(indent + "    " + r.get("algorithm") + ":" + r.get("digest") + "  " + r.get("name"));
            }
        }
        Object seal = predicate.containsKey(OmsStatement.SEAL_MEMBER) ? predicate.get(OmsStatement.SEAL_MEMBER) : predicate.get("seal");
        if (seal instanceof Map<?, ?> sealValue) {
            seal(out, SealBundle.fromJsonValue((Map<String, Object>) sealValue), indent + "  ");
        }
        if (predicate.get("parents") instanceof List<?> parents) {
            for (Object o : parents) {
                Map<String, Object> p = (Map<String, Object>) o;
                out.println(indent + "  parent: " + p.get("name") + " " + digestSet(p.get("digest")));
            }
        }
        return VerifyCommand.VALID;
    }

    /** An in-toto DigestSet as {@code name:hex} pairs. */
    private static String digestSet(Object digest) {
        if (!(digest instanceof Map<?, ?> m)) {
            return String.valueOf(digest);
        }
        StringBuilder sb = new StringBuilder();
        m.forEach((k, v) -> sb.append(sb.isEmpty() ? "" : " ").append(k).append(':').append(v));
        return sb.toString();
    }

    private static void seal(PrintWriter out, SealBundle s, String indent) {
        out.println(indent + "Sealer seal " + s.receipt().sealId() + " (" + SealBundle.FORMAT + ")");
        out.println(indent + "  subject:   " + s.receipt().subject() + ", " + s.receipt().digest());
        out.println(indent + "  suite:     " + s.receipt().suiteId() + ", committed " + dev.sealer.core.time.Rfc3339.format(s.receipt().committedAt()));
        out.println(indent + "  signed:    " + (s.signature() != null && s.signature().ed25519() != null ? "ed25519 + ML-DSA" : "no (ANCHORED)"));
        if (s.anchor() != null) {
            out.println(indent + "  anchor:    leaf " + s.anchor().leafIndex() + " of tree size " + s.anchor().treeSize() + ", checkpoint by "
                    + s.anchor().checkpointSuiteId() + (s.anchor().checkpointTimestamp() != null ? ", time-stamped" : ""));
        }
    }
}
