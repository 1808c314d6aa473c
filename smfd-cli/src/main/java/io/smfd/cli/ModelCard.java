package io.smfd.cli;

import io.smfd.eval.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads the few well-known fields of the SMFD-UNet model card JSON ({@link io.smfd.ModelInfo#modelCard()}) for
 * {@code smfd info}, with the SDK's small JSON reader ({@link Json}).
 */
final class ModelCard {

    private ModelCard() {
    }

    /**
     * Summarises the card in a few lines: name/version/format, classes, size multiple, parameters,
     * trained flag, metrics (JSON on one line, or "not recorded") and licence.
     *
     * @param json the model card
     * @return human-readable lines
     */
    static List<String> summary(String json) {
        Object card = parse(json);
        List<String> lines = new ArrayList<>();
        lines.add("name: " + orUnknown(string(card, "name")) + ", version " + orUnknown(string(card, "version"))
                + ", format " + orUnknown(string(card, "format")));
        Object classes = Json.get(card, "classes");
        lines.add("classes: " + (classes == null ? "unknown" : stringArray(classes)));
        String multiple = raw(card, "size_multiple");
        lines.add("size multiple: " + orUnknown(multiple != null ? multiple : raw(card, "input", "size_multiple"))
                + " (any size is padded to it internally)");
        String params = raw(card, "parameters");
        if (params != null) {
            lines.add("parameters: " + params);
        }
        String trained = raw(card, "training", "trained");
        if (trained != null) {
            lines.add("trained: " + trained + ("false".equals(trained) ? " (placeholder weights)" : ""));
        }
        String metrics = raw(card, "metrics");
        lines.add("metrics: " + (metrics == null || metrics.equals("null") ? "not recorded" : cut(metrics)));
        String licence = string(card, "licence");
        if (licence != null) {
            lines.add("licence: " + licence);
        }
        return lines;
    }

    private static Object parse(String json) {
        try {
            return Json.parse(json);
        } catch (IllegalArgumentException e) {
            return Map.of(); // not a card we can read: every field "unknown"
        }
    }

    private static String orUnknown(String s) {
        return s == null ? "unknown" : s;
    }

    /**
     * Returns the top-level member {@code key} if it is a JSON string.
     *
     * @param json the document
     * @param key  the key
     * @return the string, or null if absent, not a string or the document is not JSON
     */
    static String string(String json, String key) {
        return string(parse(json), key);
    }

    private static String string(Object card, String key) {
        Object v = Json.get(card, key);
        return v instanceof String ? (String) v : null;
    }

    /**
     * Returns the JSON text of a member on one line, following a path of keys from the top-level object.
     *
     * @param json the document
     * @param path keys, outermost first
     * @return the value as JSON (a string with its quotes), or null if absent or the document is not JSON
     */
    static String raw(String json, String... path) {
        return raw(parse(json), path);
    }

    private static String raw(Object card, String... path) {
        Object v = Json.get(card, path);
        return v == null ? null : Json.write(v);
    }

    private static String stringArray(Object value) {
        List<String> items = new ArrayList<>();
        if (value instanceof List) {
            for (Object o : (List<?>) value) {
                if (o instanceof String) {
                    items.add((String) o);
                }
            }
        }
        return items.size() + " (" + String.join(", ", items) + ")";
    }

    private static String cut(String s) {
        return s.length() > 400 ? s.substring(0, 400) + "..." : s;
    }
}
