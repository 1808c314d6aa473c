package io.smfd.examples.eval;

import io.smfd.SmfdException;
import io.smfd.model.BundledModel;
import io.smfd.spi.ModelSource;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One-line description of the evaluated model (version, trained flag, SHA-256) for the report. */
final class ModelDescription {

    private ModelDescription() {
    }

    /**
     * Describes the bundled model or a file.
     *
     * @param file model file, or null for the bundled model
     * @return e.g. {@code bundled SMFD-UNet 0.1.0 (trained: false), sha256 1a2b3c4d5e6f}
     */
    static String describe(Path file) {
        ModelSource src = file == null ? ModelSource.bundled() : ModelSource.file(file);
        String sha;
        try {
            sha = sha256(src.readBytes()).substring(0, 12);
        } catch (SmfdException | IllegalStateException e) {
            sha = "unknown (" + e.getMessage() + ")";
        }
        if (file != null) {
            return "file " + file.toAbsolutePath().normalize() + ", sha256 " + sha;
        }
        String version = "?";
        String trained = "?";
        String name = "SMFD-UNet";
        try {
            String card = BundledModel.modelCardJson();
            version = field(card, "version", version);
            trained = field(card, "trained", trained);
            name = field(card, "name", name);
        } catch (RuntimeException e) {
            // model card absent: keep the placeholders
        }
        return "bundled " + name + " " + version + " (model card: trained=" + trained + "), sha256 " + sha;
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

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
