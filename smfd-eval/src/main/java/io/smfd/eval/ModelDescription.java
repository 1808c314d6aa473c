package io.smfd.eval;

import io.smfd.ModelInfo;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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

    /** Last occurrence of a top-level-looking {@code "key": value} (string, number or boolean). */
    static String field(String json, String key, String dflt) {
        Matcher m = Pattern.compile("\"" + Pattern.quote(key) + "\"\\s*:\\s*(\"([^\"]*)\"|[-\\w.]+)").matcher(json);
        String v = null;
        while (m.find()) {
            v = m.group(2) != null ? m.group(2) : m.group(1);
        }
        return v == null ? dflt : v;
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
