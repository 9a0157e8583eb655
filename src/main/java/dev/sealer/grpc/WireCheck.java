package dev.sealer.grpc;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.Descriptors;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.WireFormat;
import dev.sealer.core.error.Reason;
import dev.sealer.core.error.SealerException;
import java.io.IOException;
import java.util.Optional;

/**
 * Where protobuf bytes stop being a message of a given type: walks the wire format field by field
 * (tags, lengths, nested messages, UTF-8 of string fields, as protobuf's own parser checks them) and
 * names the first field that breaks, e.g. {@code digest.value}, {@code labels.key}, {@code subject}.
 * Pure; never throws for any input.
 */
final class WireCheck {
    /** Nesting depth protobuf-java allows by default. */
    private static final int MAX_DEPTH = 100;

    private WireCheck() {
    }

    /** The MALFORMED_REQUEST error for bytes that do not decode as {@code type}. */
    static SealerException malformed(Descriptors.Descriptor type, byte[] bytes) {
        Optional<Defect> defect = find(type, bytes);
        String what = "the request cannot be decoded as " + type.getFullName();
        return defect.map(d -> new SealerException(Reason.MALFORMED_REQUEST, what + ": " + (d.field().isEmpty() ? "" : "field " + d.field() + ": ") + d.problem()))
                .orElseGet(() -> new SealerException(Reason.MALFORMED_REQUEST, what));
    }

    /** A defect: the dotted field path ("" for the message itself) and what is wrong. */
    record Defect(String field, String problem) {
    }

    /** The first defect in {@code bytes} read as {@code type}, or empty when the wire format is sound. */
    static Optional<Defect> find(Descriptors.Descriptor type, byte[] bytes) {
        try {
            CodedInputStream in = CodedInputStream.newInstance(bytes);
            Defect d = walk(type, in, "", 0);
            return Optional.ofNullable(d);
        } catch (RuntimeException e) {
            return Optional.of(new Defect("", "unreadable bytes"));
        }
    }

    private static Defect walk(Descriptors.Descriptor type, CodedInputStream in, String prefix, int depth) {
        if (depth > MAX_DEPTH) {
            return new Defect(trim(prefix), "nested more than " + MAX_DEPTH + " deep");
        }
        String here = trim(prefix);
        while (true) {
            int tag;
            try {
                if (in.isAtEnd()) {
                    return null;
                }
                tag = in.readTag();
            } catch (IOException e) {
                return new Defect(here, "a field tag is invalid or cut off");
            }
            int number = WireFormat.getTagFieldNumber(tag);
            int wireType = WireFormat.getTagWireType(tag);
            FieldDescriptor f = type.findFieldByNumber(number);
            String name = f == null ? prefix + "#" + number : prefix + f.getName();
            try {
                if (wireType == WireFormat.WIRETYPE_END_GROUP) {
                    return new Defect(here, "an end-group tag without a group");
                }
                if (f != null && wireType == WireFormat.WIRETYPE_LENGTH_DELIMITED && f.getType() == FieldDescriptor.Type.STRING) {
                    ByteString s = in.readBytes();
                    if (!s.isValidUtf8()) {
                        return new Defect(name, "is not valid UTF-8");
                    }
                } else if (f != null && wireType == WireFormat.WIRETYPE_LENGTH_DELIMITED && f.getType() == FieldDescriptor.Type.MESSAGE) {
                    int length = in.readRawVarint32();
                    if (length < 0 || length > in.getBytesUntilLimit() && in.getBytesUntilLimit() >= 0) {
                        return new Defect(name, "its length runs past the end of the message");
                    }
                    int old = in.pushLimit(length);
                    Defect inner = walk(f.getMessageType(), in, name + ".", depth + 1);
                    if (inner != null) {
                        return inner;
                    }
                    in.popLimit(old);
                } else if (!in.skipField(tag)) {
                    return new Defect(name, "an end-group tag without a group");
                }
            } catch (IOException e) {
                return new Defect(name, "cut off or of an impossible length");
            }
        }
    }

    private static String trim(String prefix) {
        return prefix.endsWith(".") ? prefix.substring(0, prefix.length() - 1) : prefix;
    }
}
