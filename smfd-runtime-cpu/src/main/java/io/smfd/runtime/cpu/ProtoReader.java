package io.smfd.runtime.cpu;

import io.smfd.ModelException;
import io.smfd.SmfdException.Reason;
import java.nio.charset.StandardCharsets;

/**
 * Minimal, bounds-checked reader of the protobuf wire format (varint, 64-bit, length-delimited, 32-bit).
 *
 * <p>This module deliberately does not depend on protobuf-java: integrators embedding SMFD often pin their
 * own protobuf version, and a second copy leads to version clashes. Every length is checked against the
 * bytes that remain in the enclosing message; any violation raises {@link ModelException} naming
 * what was being read. Not thread-safe; one reader per message.
 */
final class ProtoReader {

    static final int VARINT = 0;
    static final int I64 = 1;
    static final int LEN = 2;
    static final int I32 = 5;

    private final byte[] buf;
    private int pos;
    private final int limit;
    private final String what;

    ProtoReader(byte[] buf, int offset, int length, String what) {
        if (offset < 0 || length < 0 || offset > buf.length - length) {
            throw corrupt(what, "message bounds [" + offset + ", +" + length + ") outside the " + buf.length + "-byte file");
        }
        this.buf = buf;
        this.pos = offset;
        this.limit = offset + length;
        this.what = what;
    }

    static ModelException corrupt(String what, String detail) {
        return new ModelException(Reason.CORRUPT_MODEL, "Corrupt ONNX model (" + what + "): " + detail
                + ". Re-export the model or use the bundled one.");
    }

    ModelException corrupt(String detail) {
        return corrupt(what, detail);
    }

    boolean hasMore() {
        return pos < limit;
    }

    int position() {
        return pos;
    }

    /** Reads a tag; returns field number << 3 | wire type, validating both. */
    int readTag() {
        long tag = readVarint();
        if (tag <= 0 || tag > 0xFFFFFFFFL) {
            throw corrupt("invalid field tag " + tag + " at byte " + pos);
        }
        int wire = (int) (tag & 7);
        long field = tag >>> 3;
        if (field == 0 || field > 536_870_911L) {
            throw corrupt("invalid field number " + field + " at byte " + pos);
        }
        if (wire != VARINT && wire != I64 && wire != LEN && wire != I32) {
            throw corrupt("unsupported wire type " + wire + " (field " + field + ") at byte " + pos);
        }
        return (int) tag;
    }

    long readVarint() {
        long result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos >= limit) {
                throw corrupt("truncated varint at byte " + pos);
            }
            byte b = buf[pos++];
            if (shift == 63 && (b & 0xFE) != 0) {
                throw corrupt("varint overflows 64 bits at byte " + (pos - 1));
            }
            result |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return result;
            }
        }
        throw corrupt("varint longer than 10 bytes at byte " + pos);
    }

    int readFixed32() {
        if (limit - pos < 4) {
            throw corrupt("truncated 32-bit value at byte " + pos);
        }
        int v = (buf[pos] & 0xFF) | (buf[pos + 1] & 0xFF) << 8 | (buf[pos + 2] & 0xFF) << 16 | (buf[pos + 3] & 0xFF) << 24;
        pos += 4;
        return v;
    }

    long readFixed64() {
        long lo = readFixed32() & 0xFFFFFFFFL;
        long hi = readFixed32() & 0xFFFFFFFFL;
        return lo | hi << 32;
    }

    /** Reads a length prefix and checks it against the remaining bytes; returns the length. */
    int readLength() {
        long len = readVarint();
        if (len < 0 || len > limit - pos) {
            throw corrupt("length " + len + " at byte " + pos + " exceeds the " + (limit - pos) + " bytes left");
        }
        return (int) len;
    }

    /** Reads a length-delimited field as a nested reader and skips past it. */
    ProtoReader readMessage(String nestedWhat) {
        int len = readLength();
        ProtoReader r = new ProtoReader(buf, pos, len, nestedWhat);
        pos += len;
        return r;
    }

    String readString() {
        int len = readLength();
        String s = new String(buf, pos, len, StandardCharsets.UTF_8);
        pos += len;
        return s;
    }

    /** Returns {offset, length} of a length-delimited field's bytes and skips them. */
    int[] readBytesRange() {
        int len = readLength();
        int[] r = {pos, len};
        pos += len;
        return r;
    }

    /** Skips {@code n} bytes already validated by {@link #readLength()}. */
    void advance(int n) {
        if (n < 0 || n > limit - pos) {
            throw corrupt("cannot skip " + n + " bytes at byte " + pos);
        }
        pos += n;
    }

    byte[] array() {
        return buf;
    }

    void skip(int tag) {
        switch (tag & 7) {
            case VARINT:
                readVarint();
                break;
            case I64:
                readFixed64();
                break;
            case LEN: {
                int len = readLength(); // not 'pos += readLength()': that would add to the old pos
                pos += len;
                break;
            }
            case I32:
                readFixed32();
                break;
            default:
                throw corrupt("unsupported wire type " + (tag & 7));
        }
    }

    /** Reads an int64 field as an int within [min, max]. */
    static int checkedInt(ProtoReader r, long v, long min, long max, String name) {
        if (v < min || v > max) {
            throw r.corrupt(name + " = " + v + " outside [" + min + ", " + max + "]");
        }
        return (int) v;
    }
}
