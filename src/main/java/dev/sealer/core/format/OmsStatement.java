package dev.sealer.core.format;

import dev.sealer.core.error.Reason;
import dev.sealer.core.error.SealerException;
import dev.sealer.core.json.CanonicalJson;
import dev.sealer.core.json.Json;
import dev.sealer.core.seal.SealLimits;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * An OpenSSF model-signing (OMS v1.0) statement: an in-toto Statement v1 whose one subject is the
 * model (its name and the SHA-256 over its files' digests) and whose predicate lists every file
 * (docs/formats.md §2.1). The one rule for what such a statement is: {@link #fromJsonValue}
 * checks every member, {@link #toJsonValue} writes the normal form (ignore paths sorted).
 */
public record OmsStatement(String modelName, boolean allowSymlinks, List<String> ignorePaths, List<Resource> resources) {
    public static final String STATEMENT_TYPE = "https://in-toto.io/Statement/v1";
    public static final String PREDICATE_TYPE = "https://model_signing/signature/v1.0";
    /** The predicate member that carries the Sealer seal of the statement in a model.sig payload (§2.2). */
    public static final String SEAL_MEMBER = "sealer.dev/seal";
    public static final int MAX_RESOURCES = 100_000;
    public static final int MAX_NAME_CHARS = 4096;
    public static final int MAX_BYTES = 1 << 20;

    /** One file: its path relative to the model directory ({@code /} separators) and its SHA-256. */
    public record Resource(String name, byte[] sha256) {
        public Resource {
            sha256 = sha256.clone();
        }

        @Override
        public byte[] sha256() {
            return sha256.clone();
        }

        public String hex() {
            return HexFormat.of().formatHex(sha256);
        }
    }

    /** OMS order: by path components, each compared by Unicode code points (Python's PurePosixPath order). */
    public static final Comparator<String> NAME_ORDER = (a, b) -> {
        String[] x = a.split("/", -1);
        String[] y = b.split("/", -1);
        for (int i = 0; i < Math.min(x.length, y.length); i++) {
            int c = compareCodePoints(x[i], y[i]);
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(x.length, y.length);
    };

    private static int compareCodePoints(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }

    public OmsStatement {
        ignorePaths = List.copyOf(new TreeSet<>(ignorePaths));
        resources = List.copyOf(resources);
    }

    /** SHA-256 over the raw resource digests in order: the subject's digest. */
    public byte[] modelDigest() {
        MessageDigest md = sha256();
        for (Resource r : resources) {
            md.update(r.sha256);
        }
        return md.digest();
    }

    public Map<String, Object> toJsonValue() {
        Map<String, Object> serialization = new LinkedHashMap<>();
        serialization.put("method", "files");
        serialization.put("hash_type", "sha256");
        serialization.put("allow_symlinks", allowSymlinks);
        if (!ignorePaths.isEmpty()) {
            serialization.put("ignore_paths", ignorePaths);
        }
        List<Object> res = new ArrayList<>(resources.size());
        for (Resource r : resources) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", r.name());
            m.put("algorithm", "sha256");
            m.put("digest", r.hex());
            res.add(m);
        }
        Map<String, Object> predicate = new LinkedHashMap<>();
        predicate.put("serialization", serialization);
        predicate.put("resources", res);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("_type", STATEMENT_TYPE);
        m.put("subject", List.of(Map.of("name", modelName, "digest", Map.of("sha256", HexFormat.of().formatHex(modelDigest())))));
        m.put("predicateType", PREDICATE_TYPE);
        m.put("predicate", predicate);
        return m;
    }

    /** S0: the statement in Sealer canonical JSON; what a model seal's digest is SHA-256 of. */
    public byte[] canonicalBytes() {
        return CanonicalJson.write(toJsonValue());
    }

    /** Parses statement bytes (at most {@link #MAX_BYTES}); any defect is {@code INVALID_STATEMENT} naming the member. */
    public static OmsStatement parse(byte[] json) {
        if (json.length > MAX_BYTES) {
            throw invalid("the statement is " + json.length + " bytes, more than " + MAX_BYTES);
        }
        Map<String, Object> m;
        try {
            m = Json.parseObject(json);
        } catch (RuntimeException e) {
            throw invalid("the statement is not a JSON object: " + e.getMessage());
        }
        return fromJsonValue(m);
    }

    /** As {@link #parse}, for a value already read; a predicate member {@link #SEAL_MEMBER} is refused (it is not part of S0). */
    public static OmsStatement fromJsonValue(Map<String, Object> m) {
        try {
            only(m, "statement", "_type", "subject", "predicateType", "predicate");
            expect(Json.string(m, "_type"), STATEMENT_TYPE, "_type");
            expect(Json.string(m, "predicateType"), PREDICATE_TYPE, "predicateType");
            List<Object> subjects = Json.array(m, "subject");
            if (subjects.size() != 1) {
                throw invalid("subject: an OMS statement has exactly one subject, got " + subjects.size());
            }
            Map<String, Object> subject = Json.asObject(subjects.get(0), "subject[0]");
            only(subject, "subject[0]", "name", "digest");
            String modelName = Json.string(subject, "name");
            try {
                SealLimits.subject(modelName);
            } catch (SealerException e) {
                throw invalid("subject[0].name: " + e.getMessage());
            }
            Map<String, Object> digest = Json.object(subject, "digest");
            only(digest, "subject[0].digest", "sha256");
            byte[] modelDigest = hex(Json.string(digest, "sha256"), "subject[0].digest.sha256");

            Map<String, Object> predicate = Json.object(m, "predicate");
            only(predicate, "predicate", "serialization", "resources");
            Map<String, Object> ser = Json.object(predicate, "serialization");
            only(ser, "predicate.serialization", "method", "hash_type", "allow_symlinks", "ignore_paths");
            expect(Json.string(ser, "method"), "files", "predicate.serialization.method");
            expect(Json.string(ser, "hash_type"), "sha256", "predicate.serialization.hash_type");
            boolean allowSymlinks = Json.bool(ser, "allow_symlinks");
            List<String> ignore = new ArrayList<>();
            for (Object o : Json.optArray(ser, "ignore_paths").orElse(List.of())) {
                if (!(o instanceof String s) || s.isEmpty() || s.length() > MAX_NAME_CHARS) {
                    throw invalid("predicate.serialization.ignore_paths: each is a non-empty string of at most " + MAX_NAME_CHARS + " characters");
                }
                ignore.add(s);
            }
            List<Object> res = Json.array(predicate, "resources");
            if (res.size() > MAX_RESOURCES) {
                throw invalid("predicate.resources: at most " + MAX_RESOURCES + " files, got " + res.size());
            }
            List<Resource> resources = new ArrayList<>(res.size());
            Set<String> seen = new HashSet<>();
            String previous = null;
            for (int i = 0; i < res.size(); i++) {
                String at = "predicate.resources[" + i + "]";
                Map<String, Object> r = Json.asObject(res.get(i), at);
                only(r, at, "name", "algorithm", "digest");
                String name = Json.string(r, "name");
                checkName(name, at + ".name");
                expect(Json.string(r, "algorithm"), "sha256", at + ".algorithm");
                byte[] d = hex(Json.string(r, "digest"), at + ".digest");
                if (!seen.add(name)) {
                    throw invalid(at + ".name: '" + name + "' is listed twice");
                }
                if (previous != null && NAME_ORDER.compare(previous, name) > 0) {
                    throw invalid(at + ".name: '" + name + "' is out of order (OMS sorts by path components, docs/formats.md §2.1)");
                }
                previous = name;
                resources.add(new Resource(name, d));
            }
            OmsStatement s = new OmsStatement(modelName, allowSymlinks, ignore, resources);
            if (!MessageDigest.isEqual(s.modelDigest(), modelDigest)) {
                throw invalid("subject[0].digest.sha256 is not the SHA-256 over the resources' digests");
            }
            return s;
        } catch (SealerException e) {
            throw e.reason() == Reason.INVALID_STATEMENT ? e : invalid(e.getMessage());
        } catch (RuntimeException e) {
            throw invalid(e.getMessage());
        }
    }

    /** True when {@code name} is an ignored path or lies under one (whole path components: {@code .git} does not ignore {@code .gitkeep}). */
    public static boolean ignores(java.util.Collection<String> ignorePaths, String name) {
        for (String i : ignorePaths) {
            if (name.equals(i) || name.startsWith(i + "/")) {
                return true;
            }
        }
        return false;
    }

    /** A resource name: relative, {@code /}-separated, no empty, {@code .} or {@code ..} component, no control character. */
    public static void checkName(String name, String at) {
        if (name.isEmpty() || name.length() > MAX_NAME_CHARS) {
            throw invalid(at + ": 1.." + MAX_NAME_CHARS + " characters");
        }
        for (String part : name.split("/", -1)) {
            if (part.isEmpty() || part.equals(".") || part.equals("..")) {
                throw invalid(at + ": '" + name + "' is not a relative path of plain components");
            }
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 0x20 || c == 0x7f || Character.isSurrogate(c) && !validSurrogate(name, i)) {
                throw invalid(at + ": control character or unpaired surrogate in '" + name.replaceAll("\\p{Cntrl}", "?") + "'");
            }
        }
    }

    private static boolean validSurrogate(String s, int i) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
        }
        return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
    }

    private static void only(Map<String, Object> m, String at, String... allowed) {
        Set<String> ok = Set.of(allowed);
        for (String k : m.keySet()) {
            if (!ok.contains(k)) {
                throw invalid(at + ": unknown member '" + k + "'");
            }
        }
    }

    private static void expect(String got, String want, String at) {
        if (!want.equals(got)) {
            throw invalid(at + " must be \"" + want + "\", got \"" + got + "\"");
        }
    }

    private static byte[] hex(String s, String at) {
        if (s.length() != 64 || !s.chars().allMatch(c -> c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
            throw invalid(at + ": 64 lowercase hex digits");
        }
        return HexFormat.of().parseHex(s);
    }

    private static SealerException invalid(String message) {
        return new SealerException(Reason.INVALID_STATEMENT, message);
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
