package io.smfd.eval;

import io.smfd.ModelInfo;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** One-line descriptions of the evaluated model and the data location for the report. */
final class ModelDescription {

    private ModelDescription() {
    }

    /**
     * Describes the model a deblurrer runs, from the public {@link ModelInfo}.
     *
     * @param info the model info of the deblurrer
     * @return e.g. {@code SMFD-UNet 0.1.0, sha256 1a2b3c4d5e6f, 8 classes, bundled model (io.smfd:smfd-model)};
     *         {@code , model card: trained=false} is appended when the card says so
     */
    static String describe(ModelInfo info) {
        String trained = field(info.modelCard(), "trained", "?");
        return info.summary() + ("false".equals(trained) ? ", model card: trained=false" : "");
    }

    /**
     * Returns whether a description says the model card marks the model as not trained.
     *
     * @param description a {@link #describe} result
     * @return true for {@code trained=false}
     */
    static boolean untrained(String description) {
        return description != null && description.endsWith("model card: trained=false");
    }

    /**
     * The value of the last member named {@code key} at any depth whose value is a string, number, boolean or
     * null (as text), in document order; {@code dflt} if there is none or {@code json} is not valid JSON.
     */
    static String field(String json, String key, String dflt) {
        String[] last = {null};
        try {
            find(Json.parse(json), key, last);
        } catch (IllegalArgumentException e) {
            return dflt;
        }
        return last[0] == null ? dflt : last[0];
    }

    private static void find(Object value, String key, String[] last) {
        if (value instanceof Map) {
            for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
                Object v = e.getValue();
                if (key.equals(e.getKey()) && !(v instanceof Map) && !(v instanceof List)) {
                    last[0] = String.valueOf(v);
                }
                find(v, key, last);
            }
        } else if (value instanceof List) {
            for (Object o : (List<?>) value) {
                find(o, key, last);
            }
        }
    }

    /**
     * Shows a path without machine-specific parts: relative to the working directory when that is short
     * (e.g. {@code ../shared/data/celebamask-hq-mini}), otherwise only its last element.
     *
     * @param path an absolute, normalised path
     * @param cwd  the absolute working directory
     * @return the path to print, with {@code /} separators
     */
    static String neutralPath(Path path, Path cwd) {
        String shown;
        try {
            Path rel = cwd.relativize(path);
            int up = 0;
            for (Path p : rel) {
                if (p.toString().equals("..")) {
                    up++;
                }
            }
            shown = up <= 2 ? rel.toString() : ".../" + path.getFileName();
        } catch (IllegalArgumentException e) { // different roots
            shown = ".../" + path.getFileName();
        }
        shown = shown.replace('\\', '/');
        return shown.isEmpty() ? "." : shown;
    }
}
