package io.smfd.internal;

import io.smfd.ModelException;
import io.smfd.SmfdException.Reason;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The fitted constants of the blur assessment ({@link BlurEstimator}) for one model, read from the calibration
 * file that travels with the model: {@code smfd-unet.assess.json} beside the bundled model (served by its
 * {@link io.smfd.spi.ModelProvider}), or {@code <name>.assess.json} beside a model file {@code <name>.onnx}.
 * Written by {@code io.smfd.eval.AssessmentCalibration --write FILE}. Immutable and thread-safe.
 *
 * <p>Format ({@value #FORMAT}): a JSON object with {@code "format"}, {@code "features"} (the feature count,
 * {@link BlurEstimator#FEATURES}), {@code "extent_weights"} and {@code "severity_weights"} (arrays of that many
 * finite numbers) and optional descriptive members ({@code "model_sha256"}, {@code "metrics"},
 * {@code "command"}, ...), which are ignored here.
 *
 * @param extentWeights   weights of the extent model
 * @param severityWeights weights of the severity model
 * @param source          where they came from, for {@link io.smfd.ModelInfo#assessmentCalibration()}
 */
record BlurCalibration(double[] extentWeights, double[] severityWeights, String source) {

    /** The {@code "format"} this version reads: {@value}. */
    static final String FORMAT = "smfd-assess/1";
    /** Suffix of a model file's calibration file, replacing {@code .onnx}: {@value}. */
    static final String SUFFIX = ".assess.json";

    /** The built-in constants, fitted to SMFD-UNet 0.2's gains, for models that bring no calibration. */
    static final BlurCalibration FALLBACK = new BlurCalibration(
            BlurEstimator.fromLegacyLayout(BlurEstimator.EXTENT_WEIGHTS),
            BlurEstimator.fromLegacyLayout(BlurEstimator.SEVERITY_WEIGHTS), io.smfd.ModelInfo.FALLBACK_CALIBRATION);

    BlurCalibration {
        extentWeights = extentWeights.clone();
        severityWeights = severityWeights.clone();
        Objects.requireNonNull(source, "source");
    }

    @Override
    public double[] extentWeights() {
        return extentWeights.clone();
    }

    @Override
    public double[] severityWeights() {
        return severityWeights.clone();
    }

    /**
     * The calibration file of a model file: {@code x.onnx} gives {@code x.assess.json}, any other name
     * {@code name.assess.json}.
     *
     * @param onnxFile the model file
     * @return the calibration file's path (which may not exist)
     */
    static Path besideModel(Path onnxFile) {
        String name = onnxFile.getFileName().toString();
        String stem = name.toLowerCase(java.util.Locale.ROOT).endsWith(".onnx") ? name.substring(0, name.length() - 5) : name;
        return onnxFile.resolveSibling(stem + SUFFIX);
    }

    /**
     * Loads the calibration of a model file, or the fallback if there is none beside it.
     *
     * @param onnxFile the model file
     * @return the calibration
     * @throws ModelException {@code CORRUPT_MODEL} if the file exists but cannot be read or parsed,
     *                        {@code INCOMPATIBLE_MODEL} if it is for another feature set or format
     */
    static BlurCalibration forModelFile(Path onnxFile) {
        Path file = besideModel(onnxFile);
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return FALLBACK;
        } catch (IOException | SecurityException e) {
            throw new ModelException(Reason.CORRUPT_MODEL, "Cannot read the blur-assessment calibration "
                    + file.toAbsolutePath() + ": " + e + ". Fix or remove it (without it the built-in fallback is used).", e);
        }
        return parse(text, "calibration file " + file.toAbsolutePath());
    }

    /**
     * Loads the bundled model's calibration, or the fallback if its provider ships none.
     *
     * @param json the provider's calibration JSON, if any
     * @return the calibration
     * @throws ModelException as {@link #parse}
     */
    static BlurCalibration forBundled(Optional<String> json) {
        return json.map(t -> parse(t, "bundled calibration (io.smfd:smfd-model)")).orElse(FALLBACK);
    }

    /**
     * Parses a calibration file.
     *
     * @param text   the JSON text
     * @param source where it came from (goes into messages and {@link #source()})
     * @return the calibration
     * @throws ModelException {@code CORRUPT_MODEL} if it is not valid JSON or lacks a member, {@code INCOMPATIBLE_MODEL}
     *                        if its format or feature count is not this version's
     */
    static BlurCalibration parse(String text, String source) {
        Object root;
        try {
            root = Json.parse(text);
        } catch (IllegalArgumentException e) {
            throw new ModelException(Reason.CORRUPT_MODEL, "The blur-assessment " + source + " is not valid JSON: "
                    + e.getMessage() + ". Rewrite it with AssessmentCalibration --write, or remove it.", e);
        }
        if (!(root instanceof Map)) {
            throw corrupt(source, "it is not a JSON object");
        }
        Object format = Json.get(root, "format");
        if (!FORMAT.equals(format)) {
            throw new ModelException(Reason.INCOMPATIBLE_MODEL, "The blur-assessment " + source + " has format "
                    + (format instanceof String ? "'" + format + "'" : "(none)") + " but this smfd-api reads '" + FORMAT
                    + "'; use a calibration written for this version.");
        }
        Object features = Json.get(root, "features");
        if (!(features instanceof Number) || ((Number) features).doubleValue() != BlurEstimator.FEATURES) {
            throw new ModelException(Reason.INCOMPATIBLE_MODEL, "The blur-assessment " + source + " is for "
                    + features + " features but this smfd-api computes " + BlurEstimator.FEATURES
                    + "; use a calibration written for this version.");
        }
        double[] extent = weights(root, "extent_weights", source);
        double[] severity = weights(root, "severity_weights", source);
        Object fitted = Json.get(root, "fitted");
        return new BlurCalibration(extent, severity, source + (fitted instanceof String ? " (" + fitted + ")" : ""));
    }

    private static double[] weights(Object root, String name, String source) {
        Object v = Json.get(root, name);
        if (!(v instanceof List) || ((List<?>) v).size() != BlurEstimator.FEATURES) {
            throw corrupt(source, "\"" + name + "\" must be an array of " + BlurEstimator.FEATURES + " numbers");
        }
        List<?> list = (List<?>) v;
        double[] w = new double[list.size()];
        for (int i = 0; i < w.length; i++) {
            Object o = list.get(i);
            if (!(o instanceof Number) || !Double.isFinite(((Number) o).doubleValue())) {
                throw corrupt(source, "\"" + name + "\"[" + i + "] is not a finite number");
            }
            w[i] = ((Number) o).doubleValue();
        }
        return w;
    }

    private static ModelException corrupt(String source, String why) {
        return new ModelException(Reason.CORRUPT_MODEL, "The blur-assessment " + source + " is malformed: " + why
                + ". Rewrite it with AssessmentCalibration --write, or remove it.");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BlurCalibration && java.util.Arrays.equals(extentWeights, ((BlurCalibration) o).extentWeights)
                && java.util.Arrays.equals(severityWeights, ((BlurCalibration) o).severityWeights)
                && source.equals(((BlurCalibration) o).source);
    }

    @Override
    public int hashCode() {
        return (31 * java.util.Arrays.hashCode(extentWeights) + java.util.Arrays.hashCode(severityWeights)) * 31
                + source.hashCode();
    }

    @Override
    public String toString() {
        return "BlurCalibration[" + source + "]";
    }
}
