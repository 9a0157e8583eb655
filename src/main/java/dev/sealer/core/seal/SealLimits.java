package dev.sealer.core.seal;

import dev.sealer.core.error.Reason;
import dev.sealer.core.error.SealerException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Every limit on what a client may put in a receipt, checked in one place (docs/api.md lists
 * them). Each failure names the field and carries its stable reason.
 */
public final class SealLimits {
    public static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
    public static final int MAX_SUBJECT_CHARS = 512;
    public static final int MAX_LABELS = 32;
    public static final Pattern LABEL_KEY = Pattern.compile("[a-z0-9][a-z0-9._/-]{0,62}");
    public static final int MAX_LABEL_VALUE_CHARS = 256;
    public static final int MAX_PARENTS = 64;
    public static final int MAX_SIGNER_CHARS = 256;

    private SealLimits() {
    }

    public static String requestId(String requestId) {
        if (requestId == null || !isRequestId(requestId)) {
            throw new SealerException(Reason.INVALID_REQUEST_ID, "request_id must match " + REQUEST_ID.pattern());
        }
        return requestId;
    }

    public static String subject(String subject) {
        if (subject == null || subject.isEmpty()) {
            throw new SealerException(Reason.INVALID_SUBJECT, "subject is required");
        }
        if (subject.codePointCount(0, subject.length()) > MAX_SUBJECT_CHARS) {
            throw new SealerException(Reason.INVALID_SUBJECT, "subject is longer than " + MAX_SUBJECT_CHARS + " characters");
        }
        if (!cleanText(subject)) {
            throw new SealerException(Reason.INVALID_SUBJECT, "subject contains control characters or invalid UTF-16");
        }
        return subject;
    }

    public static Map<String, String> labels(Map<String, String> labels) {
        if (labels.size() > MAX_LABELS) {
            throw new SealerException(Reason.INVALID_LABELS, "at most " + MAX_LABELS + " labels, got " + labels.size());
        }
        for (Map.Entry<String, String> e : labels.entrySet()) {
            if (!isLabelKey(e.getKey())) {
                throw new SealerException(Reason.INVALID_LABELS, "label key '" + printable(e.getKey()) + "' must match " + LABEL_KEY.pattern());
            }
            String v = e.getValue();
            if (v == null || v.codePointCount(0, v.length()) > MAX_LABEL_VALUE_CHARS || !cleanText(v)) {
                throw new SealerException(Reason.INVALID_LABELS, "label '" + e.getKey() + "' value must be at most "
                        + MAX_LABEL_VALUE_CHARS + " characters without control characters");
            }
        }
        return labels;
    }

    /** Label keys under this prefix are the service's own (a meta-seal's, docs/lineage.md): a client's seal may not carry them. */
    public static final String RESERVED_LABEL_PREFIX = "sealer.lineage/";

    /** No label key under {@link #RESERVED_LABEL_PREFIX}: the labels a client may put on a seal (checked further by {@link #labels}). */
    public static Map<String, String> unreserved(Map<String, String> labels) {
        for (String key : labels.keySet()) {
            if (key.startsWith(RESERVED_LABEL_PREFIX)) {
                throw new SealerException(Reason.INVALID_LABELS, "label key '" + key + "': keys under '" + RESERVED_LABEL_PREFIX + "' are reserved for meta-seals");
            }
        }
        return labels;
    }

    public static List<UUID> parents(List<String> parents) {
        if (parents.size() > MAX_PARENTS) {
            throw new SealerException(Reason.INVALID_PARENTS, "at most " + MAX_PARENTS + " parent seal ids, got " + parents.size());
        }
        Set<UUID> seen = new HashSet<>();
        List<UUID> result = new java.util.ArrayList<>(parents.size());
        for (String p : parents) {
            UUID id = sealId(p, Reason.INVALID_PARENTS);
            if (!seen.add(id)) {
                throw new SealerException(Reason.INVALID_PARENTS, "parent seal id " + id + " is listed twice");
            }
            result.add(id);
        }
        return result;
    }

    /** A seal id: a canonical lowercase UUID. */
    public static UUID sealId(String text, Reason reason) {
        try {
            UUID id = UUID.fromString(text);
            if (!id.toString().equals(text)) {
                throw new IllegalArgumentException();
            }
            return id;
        } catch (RuntimeException e) {
            throw new SealerException(reason, "seal id '" + printable(text) + "' is not a canonical lowercase UUID");
        }
    }

    public static String signer(String signer) {
        if (signer == null || signer.isEmpty() || signer.length() > MAX_SIGNER_CHARS || !cleanText(signer)) {
            throw new SealerException(Reason.INVALID_ARGUMENT, "signer identity must be 1.." + MAX_SIGNER_CHARS + " printable characters");
        }
        return signer;
    }

    /** {@link #REQUEST_ID} without a regex engine (it runs for every seal). */
    static boolean isRequestId(String s) {
        if (s.isEmpty() || s.length() > 128) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == ':' || c == '-')) {
                return false;
            }
        }
        return true;
    }

    /** {@link #LABEL_KEY} without a regex engine. */
    static boolean isLabelKey(String s) {
        if (s.isEmpty() || s.length() > 63) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
            if (!(alnum || (i > 0 && (c == '.' || c == '_' || c == '/' || c == '-')))) {
                return false;
            }
        }
        return true;
    }

    static boolean cleanText(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isISOControl(c)) {
                return false;
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
                    return false;
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    private static String printable(String s) {
        if (s == null) {
            return "";
        }
        String cut = s.length() > 40 ? s.substring(0, 40) + "…" : s;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }
}
