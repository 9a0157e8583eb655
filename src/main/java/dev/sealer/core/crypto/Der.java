package dev.sealer.core.crypto;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/** The little DER this package needs: SubjectPublicKeyInfo and PKCS#8 shells. Strict reader. */
final class Der {

    static final int SEQUENCE = 0x30;
    static final int OCTET_STRING = 0x04;
    static final int BIT_STRING = 0x03;
    static final int OID = 0x06;
    static final int INTEGER = 0x02;

    private Der() {
    }

    static byte[] tlv(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 6);
        out.write(tag);
        int n = content.length;
        if (n < 0x80) {
            out.write(n);
        } else if (n < 0x100) {
            out.write(0x81);
            out.write(n);
        } else if (n < 0x10000) {
            out.write(0x82);
            out.write(n >>> 8);
            out.write(n & 0xff);
        } else {
            throw new IllegalArgumentException("DER content too long");
        }
        out.write(content, 0, n);
        return out.toByteArray();
    }

    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int off = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, off, p.length);
            off += p.length;
        }
        return out;
    }

    static byte[] octetString(byte[] content) {
        return tlv(OCTET_STRING, content);
    }

    /** Encodes a dotted OID (first arc 0..2) as a full TLV. */
    static byte[] oid(String dotted) {
        String[] arcs = dotted.split("\\.");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        base128(out, Long.parseLong(arcs[0]) * 40 + Long.parseLong(arcs[1]));
        for (int i = 2; i < arcs.length; i++) {
            base128(out, Long.parseLong(arcs[i]));
        }
        return tlv(OID, out.toByteArray());
    }

    private static void base128(ByteArrayOutputStream out, long v) {
        int groups = 1;
        for (long t = v >>> 7; t != 0; t >>>= 7) {
            groups++;
        }
        for (int g = groups - 1; g >= 0; g--) {
            int b = (int) ((v >>> (7 * g)) & 0x7f);
            out.write(g == 0 ? b : b | 0x80);
        }
    }

    /** AlgorithmIdentifier with absent parameters (RFC 8410, RFC 9881). */
    static byte[] algorithmIdentifier(String dottedOid) {
        return tlv(SEQUENCE, oid(dottedOid));
    }

    /** PKCS#8 v1 OneAsymmetricKey with the given privateKey OCTET STRING content. */
    static byte[] pkcs8(String dottedOid, byte[] privateKeyContent) {
        return tlv(SEQUENCE, concat(new byte[] {INTEGER, 1, 0}, algorithmIdentifier(dottedOid),
                octetString(privateKeyContent)));
    }

    /** Strict DER reader over a byte range: definite, minimal lengths only. */
    static final class Reader {
        private final byte[] buf;
        private int pos;
        private final int end;

        Reader(byte[] buf) {
            this(buf, 0, buf.length);
        }

        private Reader(byte[] buf, int pos, int end) {
            this.buf = buf;
            this.pos = pos;
            this.end = end;
        }

        boolean hasMore() {
            return pos < end;
        }

        /** Reads one TLV with the expected tag; returns a reader over its content. */
        Reader read(int expectedTag) {
            if (pos >= end) {
                throw new IllegalArgumentException("DER: truncated, expected tag 0x" + Integer.toHexString(expectedTag));
            }
            int tag = buf[pos++] & 0xff;
            if (tag != expectedTag) {
                throw new IllegalArgumentException("DER: expected tag 0x" + Integer.toHexString(expectedTag)
                        + ", found 0x" + Integer.toHexString(tag));
            }
            if (pos >= end) {
                throw new IllegalArgumentException("DER: truncated length");
            }
            int first = buf[pos++] & 0xff;
            int len;
            if (first < 0x80) {
                len = first;
            } else {
                int count = first & 0x7f;
                if (count == 0 || count > 3) {
                    throw new IllegalArgumentException("DER: unsupported length form");
                }
                if (end - pos < count) {
                    throw new IllegalArgumentException("DER: truncated length");
                }
                len = 0;
                for (int i = 0; i < count; i++) {
                    len = (len << 8) | (buf[pos++] & 0xff);
                }
                if (len < 0x80 || (count > 1 && len < (1 << (8 * (count - 1))))) {
                    throw new IllegalArgumentException("DER: non-minimal length");
                }
            }
            if (end - pos < len) {
                throw new IllegalArgumentException("DER: content runs past the end");
            }
            Reader inner = new Reader(buf, pos, pos + len);
            pos += len;
            return inner;
        }

        byte[] remaining() {
            byte[] out = Arrays.copyOfRange(buf, pos, end);
            pos = end;
            return out;
        }

        void expectEnd(String what) {
            if (pos != end) {
                throw new IllegalArgumentException("DER: trailing bytes after " + what);
            }
        }
    }
}
