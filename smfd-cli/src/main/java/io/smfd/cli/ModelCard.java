package io.smfd.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Minimal, targeted reader of the SMFD-UNet model card JSON
 * ({@link io.smfd.ModelInfo#modelCard()}) for {@code smfd info}. It is not a JSON parser:
 * it walks the objects along a path of keys and returns the raw value text, which is enough for the
 * few well-known fields of the card.
 */
final class ModelCard {

    private ModelCard() {
    }

    /**
     * Summarises the card in a few lines: name/version/format, classes, size multiple, parameters,
     * trained flag, metrics (raw JSON on one line, or "not recorded") and licence.
     *
     * @param json the model card
     * @return human-readable lines
     */
    static List<String> summary(String json) {
        List<String> lines = new ArrayList<>();
        lines.add("name: " + orUnknown(string(json, "name")) + ", version " + orUnknown(string(json, "version"))
                + ", format " + orUnknown(string(json, "format")));
        String classes = raw(json, "classes");
        lines.add("classes: " + (classes == null ? "unknown" : stringArray(classes)));
        String multiple = raw(json, "size_multiple");
        lines.add("size multiple: " + orUnknown(multiple != null ? multiple : raw(json, "input", "size_multiple"))
                + " (any size is padded to it internally)");
        String params = raw(json, "parameters");
        if (params != null) {
            lines.add("parameters: " + params);
        }
        String trained = raw(json, "training", "trained");
        if (trained != null) {
            lines.add("trained: " + trained + ("false".equals(trained) ? " (placeholder weights)" : ""));
        }
        String metrics = raw(json, "metrics");
        lines.add("metrics: " + (metrics == null || metrics.equals("null") ? "not recorded" : oneLine(metrics)));
        String licence = string(json, "licence");
        if (licence != null) {
            lines.add("licence: " + licence);
        }
        return lines;
    }

    private static String orUnknown(String s) {
        return s == null ? "unknown" : s;
    }

    /**
     * Returns the value of {@code key} if it is a JSON string (unquoted, simple escapes resolved).
     *
     * @param json the document
     * @param key  the key
     * @return the string, or null if absent or not a string
     */
    static String string(String json, String key) {
        String v = raw(json, key);
        if (v == null || v.length() < 2 || v.charAt(0) != '"') {
            return null;
        }
        return unescape(v.substring(1, v.length() - 1));
    }

    /**
     * Returns the raw JSON text of a member, following a path of keys from the top-level object.
     *
     * @param json the document
     * @param path keys, outermost first
     * @return the value text (string with quotes, number, literal, array or object), or null if absent
     */
    static String raw(String json, String... path) {
        String scope = json;
        for (String key : path) {
            scope = member(scope, key);
            if (scope == null) {
                return null;
            }
        }
        return scope;
    }

    /** The value of {@code key} in the object {@code obj} (not in nested objects), or null. */
    private static String member(String obj, String key) {
        int i = skipWs(obj, 0);
        if (i >= obj.length() || obj.charAt(i) != '{') {
            return null;
        }
        i++;
        while (true) {
            i = skipWs(obj, i);
            if (i >= obj.length() || obj.charAt(i) == '}') {
                return null;
            }
            if (obj.charAt(i) == ',') {
                i++;
                continue;
            }
            if (obj.charAt(i) != '"') {
                return null; // not JSON we understand
            }
            int keyEnd = stringEnd(obj, i);
            String k = unescape(obj.substring(i + 1, keyEnd));
            i = skipWs(obj, keyEnd + 1);
            if (i >= obj.length() || obj.charAt(i) != ':') {
                return null;
            }
            int start = skipWs(obj, i + 1);
            int end = valueEnd(obj, start);
            if (k.equals(key)) {
                return end <= start ? null : obj.substring(start, end).trim();
            }
            i = end;
        }
    }

    private static int skipWs(String s, int i) {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        return i;
    }

    private static int valueEnd(String s, int i) {
        if (i >= s.length()) {
            return i;
        }
        char c = s.charAt(i);
        if (c == '"') {
            return stringEnd(s, i) + 1;
        }
        if (c == '{' || c == '[') {
            int depth = 0;
            for (int j = i; j < s.length(); j++) {
                char d = s.charAt(j);
                if (d == '"') {
                    j = stringEnd(s, j);
                } else if (d == '{' || d == '[') {
                    depth++;
                } else if (d == '}' || d == ']') {
                    depth--;
                    if (depth == 0) {
                        return j + 1;
                    }
                }
            }
            return s.length();
        }
        int j = i;
        while (j < s.length() && ",}]".indexOf(s.charAt(j)) < 0) {
            j++;
        }
        return j;
    }

    /** Index of the closing quote of the string starting at {@code i}. */
    private static int stringEnd(String s, int i) {
        for (int j = i + 1; j < s.length(); j++) {
            char c = s.charAt(j);
            if (c == '\\') {
                j++;
            } else if (c == '"') {
                return j;
            }
        }
        return s.length() - 1;
    }

    private static String stringArray(String raw) {
        List<String> items = new ArrayList<>();
        int i = 0;
        while ((i = raw.indexOf('"', i)) >= 0) {
            int end = stringEnd(raw, i);
            items.add(unescape(raw.substring(i + 1, end)));
            i = end + 1;
        }
        return items.size() + " (" + String.join(", ", items) + ")";
    }

    private static String oneLine(String raw) {
        StringBuilder b = new StringBuilder();
        boolean inString = false;
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '"' && (i == 0 || raw.charAt(i - 1) != '\\')) {
                inString = !inString;
            }
            if (!inString && Character.isWhitespace(c)) {
                continue;
            }
            b.append(c);
            if (!inString && (c == ',' || c == ':')) {
                b.append(' ');
            }
        }
        String s = b.toString();
        return s.length() > 400 ? s.substring(0, 400) + "..." : s;
    }

    private static String unescape(String s) {
        if (s.indexOf('\\') < 0) {
            return s;
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\' || i + 1 >= s.length()) {
                b.append(c);
                continue;
            }
            char n = s.charAt(++i);
            switch (n) {
                case 'n' -> b.append('\n');
                case 't' -> b.append('\t');
                case 'u' -> {
                    if (i + 4 < s.length()) {
                        b.append((char) Integer.parseInt(s.substring(i + 1, i + 5).toLowerCase(Locale.ROOT), 16));
                        i += 4;
                    }
                }
                default -> b.append(n);
            }
        }
        return b.toString();
    }
}
