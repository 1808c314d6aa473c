package io.smfd.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Serves the SMFD-UNet ONNX model shipped in this artifact.
 *
 * <p>Resources (package {@code io.smfd.model}): {@value #MODEL_RESOURCE} (the model),
 * {@value #SHA256_RESOURCE} (its lower-case hex SHA-256, optionally followed by a file name as
 * written by {@code sha256sum}), {@value #MODEL_CARD_RESOURCE} (the model card, JSON) and
 * {@value #ASSESSMENT_RESOURCE} (the blur-assessment calibration fitted to this model, JSON).
 * Applications normally do not call this class: {@code Deblurrer.create()} uses the bundled model
 * by default. Stateless and thread-safe; every call re-reads the resource.
 */
public final class BundledModel {

    /** Resource name of the ONNX model, relative to this package. */
    public static final String MODEL_RESOURCE = "smfd-unet.onnx";
    /** Resource name of the model's SHA-256, relative to this package. */
    public static final String SHA256_RESOURCE = "smfd-unet.onnx.sha256";
    /** Resource name of the JSON model card, relative to this package. */
    public static final String MODEL_CARD_RESOURCE = "smfd-unet.json";
    /**
     * Resource name of the blur-assessment calibration fitted to this model ({@code smfd-assess/1}, written by
     * {@code io.smfd.eval.AssessmentCalibration --write}), relative to this package.
     */
    public static final String ASSESSMENT_RESOURCE = "smfd-unet.assess.json";

    private BundledModel() {
    }

    /**
     * Returns whether this jar contains the model resource.
     *
     * @return {@code true} if {@value #MODEL_RESOURCE} is present
     */
    public static boolean isAvailable() {
        return BundledModel.class.getResource(MODEL_RESOURCE) != null;
    }

    /**
     * Reads the model and verifies its SHA-256.
     *
     * @return the ONNX bytes (a new array)
     * @throws IllegalStateException if the model resource is missing ("bundled model resource missing"),
     *                               its checksum resource is absent or malformed, or the checksum does not match
     * @throws UncheckedIOException  if the resource cannot be read
     */
    public static byte[] onnxBytes() {
        byte[] model = read(MODEL_RESOURCE);
        if (model == null) {
            throw new IllegalStateException("bundled model resource missing: io/smfd/model/" + MODEL_RESOURCE
                    + " is not in this io.smfd:smfd-model jar (the jar is incomplete or was repackaged without it);"
                    + " pass a model file with Deblurrer.builder().model(path)");
        }
        verify(model, checksumLine());
        return model;
    }

    /**
     * Returns the model's SHA-256 as recorded in {@value #SHA256_RESOURCE}, the digest that
     * {@link #onnxBytes()} checks the model against (so it equals the hash of the bytes that method returns).
     *
     * @return the lower-case hex SHA-256 (64 characters)
     * @throws IllegalStateException if the checksum resource is absent or malformed
     * @throws UncheckedIOException  if the resource cannot be read
     */
    public static String sha256() {
        return parse(checksumLine());
    }

    /**
     * Returns the model card.
     *
     * @return the model card JSON text
     * @throws IllegalStateException if the model card resource is missing
     */
    public static String modelCardJson() {
        byte[] card = read(MODEL_CARD_RESOURCE);
        if (card == null) {
            throw new IllegalStateException("bundled model card resource missing: io/smfd/model/" + MODEL_CARD_RESOURCE);
        }
        return new String(card, StandardCharsets.UTF_8);
    }

    /**
     * Returns the blur-assessment calibration fitted to this model.
     *
     * @return the calibration JSON text, or null if the resource is absent
     */
    static String assessmentCalibrationJson() {
        byte[] json = read(ASSESSMENT_RESOURCE);
        return json == null ? null : new String(json, StandardCharsets.UTF_8);
    }

    /**
     * Checks {@code data} against a {@code sha256sum}-style line.
     *
     * @param data     bytes to check
     * @param expected hex digest, optionally followed by whitespace and a file name
     * @throws IllegalStateException if the digest is malformed or does not match
     */
    static void verify(byte[] data, String expected) {
        String hex = parse(expected);
        String actual;
        try {
            actual = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 not supported by this JVM", e);
        }
        if (!actual.equals(hex)) {
            throw new IllegalStateException("bundled model SHA-256 mismatch: expected " + hex + " but the model resource"
                    + " hashes to " + actual + "; the io.smfd:smfd-model jar is corrupt or was rebuilt without"
                    + " updating " + SHA256_RESOURCE);
        }
    }

    /** Reads the {@value #SHA256_RESOURCE} line. */
    private static String checksumLine() {
        byte[] sha = read(SHA256_RESOURCE);
        if (sha == null) {
            throw new IllegalStateException("bundled model checksum io/smfd/model/" + SHA256_RESOURCE
                    + " is absent, so the model cannot be verified; the io.smfd:smfd-model jar is incomplete");
        }
        return new String(sha, StandardCharsets.US_ASCII);
    }

    /**
     * Extracts the hex digest of a {@code sha256sum}-style line.
     *
     * @throws IllegalStateException if the digest is malformed
     */
    private static String parse(String expected) {
        String trimmed = expected.trim();
        String hex = trimmed.isEmpty() ? "" : trimmed.split("\\s+")[0].toLowerCase(Locale.ROOT);
        if (!hex.matches("[0-9a-f]{64}")) {
            throw new IllegalStateException("malformed SHA-256 in io/smfd/model/" + SHA256_RESOURCE + ": '" + trimmed + "'");
        }
        return hex;
    }

    private static byte[] read(String resource) {
        try (InputStream in = BundledModel.class.getResourceAsStream(resource)) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read io/smfd/model/" + resource, e);
        }
    }
}
