package io.smfd.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small JSON reader for the documents SMFD reads itself (model cards, their parameters): parses a whole
 * document into {@code Map<String, Object>} (members in document order; a repeated key keeps its first position
 * and its last value), {@code List<Object>}, {@code String}, {@code Boolean}, {@link Num} and {@link #NULL}.
 * Lenient in two ways that Python's {@code json} module needs: {@code NaN}, {@code Infinity} and
 * {@code -Infinity} are numbers, and a leading byte-order mark is whitespace. Nesting is limited to 64 levels.
 *
 * <p>This file is the one source: smfd-eval's build generates its own copy (package {@code io.smfd.eval}) from it
 * for the evaluation tools and the CLI, because smfd-api keeps its internals to itself. Stateless and thread-safe.
 */
public final class Json {

    /** JSON {@code null} (a {@code Map} lookup that returns Java {@code null} means "absent"). */
    public static final Object NULL = new Object() {
        @Override
        public String toString() {
            return "null";
        }
    };

    private static final int MAX_DEPTH = 64;

    private final String s;
    private int pos;

    private Json(String s) {
        this.s = s;
    }

    /**
     * Parses a JSON document.
     *
     * @param text the document
     * @return its value
     * @throws IllegalArgumentException if it is not one JSON value, with the reason and the character offset
     */
    public static Object parse(String text) {
        Json p = new Json(text);
        Object v = p.value(0);
        p.skipWs();
        if (p.pos != text.length()) {
            throw p.error("trailing characters");
        }
        return v;
    }

    /**
     * Follows a path of member names from {@code value} through nested objects.
     *
     * @param value a parsed value
     * @param path  member names, outermost first
     * @return the member's value, or Java {@code null} if a step is absent or not an object
     */
    public static Object get(Object value, String... path) {
        Object v = value;
        for (String key : path) {
            if (!(v instanceof Map)) {
                return null;
            }
            v = ((Map<?, ?>) v).get(key);
        }
        return v;
    }

    /**
     * Writes a parsed value on one line: {@code ", "} between members and elements, {@code ": "} after names,
     * numbers as they were written.
     *
     * @param value a parsed value
     * @return the JSON text
     */
    public static String write(Object value) {
        StringBuilder b = new StringBuilder();
        write(value, b);
        return b.toString();
    }

    private static void write(Object value, StringBuilder b) {
        if (value instanceof Map) {
            b.append('{');
            String sep = "";
            for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
                b.append(sep);
                quote(String.valueOf(e.getKey()), b);
                b.append(": ");
                write(e.getValue(), b);
                sep = ", ";
            }
            b.append('}');
        } else if (value instanceof List) {
            b.append('[');
            String sep = "";
            for (Object o : (List<?>) value) {
                b.append(sep);
                write(o, b);
                sep = ", ";
            }
            b.append(']');
        } else if (value instanceof String) {
            quote((String) value, b);
        } else {
            b.append(value);
        }
    }

    private static void quote(String str, StringBuilder b) {
        b.append('"');
        for (int i = 0; i < str.length(); i++) {
            char c = str.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        b.append('"');
    }

    /** A JSON number, kept as written ({@link #toString()}); converted on demand. */
    public static final class Num extends Number {
        private static final long serialVersionUID = 1L;
        private final String text;
        private final double value;

        Num(String text, double value) {
            this.text = text;
            this.value = value;
        }

        @Override
        public double doubleValue() {
            return value;
        }

        @Override
        public float floatValue() {
            return (float) value;
        }

        @Override
        public long longValue() {
            return (long) value;
        }

        @Override
        public int intValue() {
            return (int) value;
        }

        /** Returns the number as written in the document, e.g. {@code 8}, {@code 0.0} or {@code 1e-05}. */
        @Override
        public String toString() {
            return text;
        }
    }

    private IllegalArgumentException error(String msg) {
        return new IllegalArgumentException(msg + " at offset " + pos);
    }

    private void skipWs() {
        while (pos < s.length()) {
            char c = s.charAt(pos);
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\uFEFF') {
                pos++;
            } else {
                break;
            }
        }
    }

    private Object value(int depth) {
        if (depth > MAX_DEPTH) {
            throw error("nesting too deep");
        }
        skipWs();
        if (pos >= s.length()) {
            throw error("unexpected end of input");
        }
        char c = s.charAt(pos);
        switch (c) {
            case '{':
                return object(depth);
            case '[':
                return array(depth);
            case '"':
                return string();
            case 't':
                return literal("true", Boolean.TRUE);
            case 'f':
                return literal("false", Boolean.FALSE);
            case 'n':
                return literal("null", NULL);
            case 'N':
                return literal("NaN", new Num("NaN", Double.NaN));
            case 'I':
                return literal("Infinity", new Num("Infinity", Double.POSITIVE_INFINITY));
            default:
                if (c == '-' || (c >= '0' && c <= '9')) {
                    return number();
                }
                throw error("unexpected character '" + c + "'");
        }
    }

    private Object literal(String word, Object value) {
        if (!s.startsWith(word, pos)) {
            throw error("invalid literal");
        }
        pos += word.length();
        return value;
    }

    private Map<String, Object> object(int depth) {
        Map<String, Object> obj = new LinkedHashMap<>();
        pos++; // {
        skipWs();
        if (pos < s.length() && s.charAt(pos) == '}') {
            pos++;
            return obj;
        }
        while (true) {
            skipWs();
            if (pos >= s.length() || s.charAt(pos) != '"') {
                throw error("expected a string key");
            }
            String key = string();
            skipWs();
            expect(':');
            obj.put(key, value(depth + 1));
            skipWs();
            if (pos < s.length() && s.charAt(pos) == ',') {
                pos++;
            } else {
                expect('}');
                return obj;
            }
        }
    }

    private List<Object> array(int depth) {
        List<Object> list = new ArrayList<>();
        pos++; // [
        skipWs();
        if (pos < s.length() && s.charAt(pos) == ']') {
            pos++;
            return list;
        }
        while (true) {
            list.add(value(depth + 1));
            skipWs();
            if (pos < s.length() && s.charAt(pos) == ',') {
                pos++;
            } else {
                expect(']');
                return list;
            }
        }
    }

    private void expect(char c) {
        if (pos >= s.length() || s.charAt(pos) != c) {
            throw error("expected '" + c + "'");
        }
        pos++;
    }

    private String string() {
        pos++; // opening quote
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (pos >= s.length()) {
                throw error("unterminated string");
            }
            char c = s.charAt(pos++);
            if (c == '"') {
                return sb.toString();
            }
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            if (pos >= s.length()) {
                throw error("unterminated escape");
            }
            char e = s.charAt(pos++);
            switch (e) {
                case '"', '\\', '/' -> sb.append(e);
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'u' -> {
                    if (pos + 4 > s.length()) {
                        throw error("bad unicode escape");
                    }
                    try {
                        sb.append((char) Integer.parseInt(s.substring(pos, pos + 4), 16));
                    } catch (NumberFormatException ex) {
                        throw error("bad unicode escape");
                    }
                    pos += 4;
                }
                default -> throw error("bad escape '\\" + e + "'");
            }
        }
    }

    private Num number() {
        int begin = pos;
        if (s.charAt(pos) == '-') {
            pos++;
            if (s.startsWith("Infinity", pos)) {
                pos += 8;
                return new Num("-Infinity", Double.NEGATIVE_INFINITY);
            }
        }
        while (pos < s.length()) {
            char c = s.charAt(pos);
            if ((c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-') {
                pos++;
            } else {
                break;
            }
        }
        String num = s.substring(begin, pos);
        try {
            return new Num(num, Double.parseDouble(num));
        } catch (NumberFormatException ex) {
            pos = begin;
            throw error("bad number '" + num + "'");
        }
    }
}
