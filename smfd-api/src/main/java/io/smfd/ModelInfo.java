package io.smfd;

import java.util.List;
import java.util.Objects;

/**
 * Which model a {@link Deblurrer} runs: name, version, SHA-256 of the ONNX file, where it came from, what it
 * predicts, and its model card. Immutable and thread-safe; returned by {@link Deblurrer#modelInfo()}.
 *
 * <p>Use it to record in logs or reports exactly which model produced a result, e.g.
 * {@code log.info("deblurring with {}", deblurrer.modelInfo().summary())}.
 *
 * @param name         model name from the model card, e.g. {@code "SMFD-UNet"} ({@code "SMFD-UNet"} if the card has none)
 * @param version      model version from the model's {@code smfd.version} metadata ({@code "unknown"} if absent)
 * @param sha256       lower-case hex SHA-256 of the ONNX file that was loaded (64 characters)
 * @param source       where the model came from, e.g. {@code "bundled model (io.smfd:smfd-model)"} or
 *                     {@code "model file /models/smfd.onnx"}
 * @param classNames   the mask classes in output-channel order, e.g. {@code background, skin, ...}; empty for a model
 *                     that predicts no masks (MAXIM)
 * @param sizeMultiple images are padded internally to a multiple of this
 * @param modelCard    the model card as JSON text (for the bundled model, the card shipped beside it, which also
 *                     holds measured metrics); empty if the model has none
 * @param assessmentCalibration where the constants of {@link Deblurrer#assess(FaceImage)} came from: the
 *                     calibration that travels with the model ({@code smfd-unet.assess.json} beside the bundled
 *                     model, {@code <name>.assess.json} beside a model file {@code <name>.onnx}), or
 *                     {@value #FALLBACK_CALIBRATION} when the model brings none
 */
public record ModelInfo(String name, String version, String sha256, String source, List<String> classNames,
                        int sizeMultiple, String modelCard, String assessmentCalibration) {

    /**
     * {@link #assessmentCalibration()} of a model without its own calibration file: {@value}. The blur
     * assessment then uses constants fitted to an earlier SMFD-UNet's gains, so its severity is less well
     * calibrated for that model.
     */
    public static final String FALLBACK_CALIBRATION = "built-in fallback (fitted to SMFD-UNet 0.2; the model brings"
            + " no calibration)";

    /**
     * Creates a description of a model without its own blur-assessment calibration
     * ({@link #FALLBACK_CALIBRATION}).
     *
     * @param name         see the record
     * @param version      see the record
     * @param sha256       see the record
     * @param source       see the record
     * @param classNames   see the record
     * @param sizeMultiple see the record
     * @param modelCard    see the record
     */
    public ModelInfo(String name, String version, String sha256, String source, List<String> classNames,
                     int sizeMultiple, String modelCard) {
        this(name, version, sha256, source, classNames, sizeMultiple, modelCard, FALLBACK_CALIBRATION);
    }

    /**
     * Validates and copies.
     *
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException if {@code sha256} is not 64 lower-case hex digits or {@code sizeMultiple < 1}
     */
    public ModelInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(sha256, "sha256");
        Objects.requireNonNull(source, "source");
        classNames = List.copyOf(Objects.requireNonNull(classNames, "classNames"));
        Objects.requireNonNull(modelCard, "modelCard");
        Objects.requireNonNull(assessmentCalibration, "assessmentCalibration");
        if (!sha256.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("sha256 must be 64 lower-case hex digits, got '" + sha256 + "'");
        }
        if (sizeMultiple < 1) {
            throw new IllegalArgumentException("sizeMultiple must be >= 1, got " + sizeMultiple);
        }
    }

    /**
     * Returns a one-line description for logs and reports.
     *
     * @return e.g. {@code SMFD-UNet 0.1.0, sha256 1a2b3c4d5e6f, 8 classes, bundled model (io.smfd:smfd-model)}
     */
    public String summary() {
        return name + " " + version + ", sha256 " + sha256.substring(0, 12) + ", "
                + (classNames.isEmpty() ? "no masks" : classNames.size() + " classes") + ", " + source;
    }

    /**
     * Returns {@link #summary()}; the model card is left out.
     *
     * @return the summary
     */
    @Override
    public String toString() {
        return "ModelInfo[" + summary() + "]";
    }
}
