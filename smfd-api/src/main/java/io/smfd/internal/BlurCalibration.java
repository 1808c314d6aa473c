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
 * {@link BlurFeatures#FEATURES}), {@code "extent_weights"} and {@code "severity_weights"} (arrays of that many
 * finite numbers), optionally {@code "region"} ({@code [x0, x1, y0, y1]}: the area the features are computed
 * over, as fractions of the width and height; {@link BlurEstimator#LEGACY_REGION} when absent) and
 * {@code "severity_offsets"} ({@code {"sizes": [...], "logits": [...]}}: crop widths in ascending order and the
 * logit added to the severity at each, interpolated linearly in {@code ln(width)} between them and held constant
 * beyond them; 0 when absent) and {@code "noise_gate"} ({@code {"feature": i, "level": l, "slope": k}}: adds
 * {@code k * max(0, f[i] - l)} to the severity's logit, so that a face noisier than the sharp training faces ever
 * are is deblurred; none when absent), and optional descriptive members ({@code "model_sha256"}, {@code "metrics"},
 * {@code "command"}, ...), which are ignored here.
 *
 * @param extentWeights   weights of the extent model
 * @param severityWeights weights of the severity model
 * @param region          {@code {x0, x1, y0, y1}} of the measured area
 * @param offsetSizes     widths (px, ascending) at which {@code offsetLogits} apply; may be empty
 * @param offsetLogits    severity logit offsets at {@code offsetSizes}
 * @param gate            {@code {feature index, level, slope}} of the noise gate, or empty
 * @param source          where they came from, for {@link io.smfd.ModelInfo#assessmentCalibration()}
 */
record BlurCalibration(double[] extentWeights, double[] severityWeights, double[] region, double[] offsetSizes,
                       double[] offsetLogits, double[] gate, String source) {

    /** The {@code "format"} this version reads: {@value}. */
    static final String FORMAT = "smfd-assess/1";
    /** Suffix of a model file's calibration file, replacing {@code .onnx}: {@value}. */
    static final String SUFFIX = ".assess.json";

    /** The built-in constants, fitted to SMFD-UNet 0.2's gains, for models that bring no calibration. */
    static final BlurCalibration FALLBACK = new BlurCalibration(
            BlurEstimator.fromLegacyLayout(BlurEstimator.EXTENT_WEIGHTS),
            BlurEstimator.fromLegacyLayout(BlurEstimator.SEVERITY_WEIGHTS), BlurFeatures.LEGACY_REGION,
            new double[0], new double[0], new double[0], io.smfd.ModelInfo.FALLBACK_CALIBRATION);

    BlurCalibration {
        extentWeights = extentWeights.clone();
        severityWeights = severityWeights.clone();
        region = region.clone();
        offsetSizes = offsetSizes.clone();
        offsetLogits = offsetLogits.clone();
        gate = gate.clone();
        Objects.requireNonNull(source, "source");
        if (gate.length != 0 && (gate.length != 3 || gate[0] < 1 || gate[0] >= BlurFeatures.FEATURES
                || gate[0] != Math.rint(gate[0]))) {
            throw new IllegalArgumentException("gate must be {feature index, level, slope}");
        }
        if (offsetSizes.length != offsetLogits.length) {
            throw new IllegalArgumentException("offset sizes and logits differ in length");
        }
    }

    /** A calibration with the legacy region and no size offsets. */
    BlurCalibration(double[] extentWeights, double[] severityWeights, String source) {
        this(extentWeights, severityWeights, BlurFeatures.LEGACY_REGION, new double[0], new double[0], new double[0],
                source);
    }

    @Override
    public double[] region() {
        return region.clone();
    }

    @Override
    public double[] offsetSizes() {
        return offsetSizes.clone();
    }

    @Override
    public double[] offsetLogits() {
        return offsetLogits.clone();
    }

    @Override
    public double[] gate() {
        return gate.clone();
    }

    /**
     * The noise gate's addition to the severity's logit for a feature vector: {@code slope * max(0, f[i] - level)},
     * 0 without a gate.
     *
     * @param f features
     * @return the addition
     */
    double gateLogit(double[] f) {
        return gate.length == 0 ? 0 : gate[2] * Math.max(0, f[(int) gate[0]] - gate[1]);
    }

    /**
     * The logit offset of the severity for a crop of this width: {@link #offsetLogits} interpolated linearly in
     * {@code ln(width)} between {@link #offsetSizes}, the end values beyond them, 0 without offsets.
     *
     * @param width crop width, px
     * @return the offset
     */
    double severityOffset(int width) {
        int n = offsetSizes.length;
        if (n == 0) {
            return 0;
        }
        if (width <= offsetSizes[0]) {
            return offsetLogits[0];
        }
        if (width >= offsetSizes[n - 1]) {
            return offsetLogits[n - 1];
        }
        int i = 1;
        while (offsetSizes[i] < width) {
            i++;
        }
        double t = Math.log(width / offsetSizes[i - 1]) / Math.log(offsetSizes[i] / offsetSizes[i - 1]);
        return offsetLogits[i - 1] + t * (offsetLogits[i] - offsetLogits[i - 1]);
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
        if (!(features instanceof Number) || ((Number) features).doubleValue() != BlurFeatures.FEATURES) {
            throw new ModelException(Reason.INCOMPATIBLE_MODEL, "The blur-assessment " + source + " is for "
                    + features + " features but this smfd-api computes " + BlurFeatures.FEATURES
                    + "; use a calibration written for this version.");
        }
        double[] extent = weights(root, "extent_weights", source);
        double[] severity = weights(root, "severity_weights", source);
        double[] region = BlurFeatures.LEGACY_REGION;
        if (Json.get(root, "region") != null) {
            region = numbers(Json.get(root, "region"), "region", 4, source);
            if (!(region[0] >= 0 && region[0] < region[1] && region[1] <= 1 && region[2] >= 0 && region[2] < region[3]
                    && region[3] <= 1)) {
                throw corrupt(source, "\"region\" must be [x0, x1, y0, y1] with 0 <= x0 < x1 <= 1 and 0 <= y0 < y1 <= 1");
            }
        }
        double[] sizes = new double[0];
        double[] logits = new double[0];
        Object offsets = Json.get(root, "severity_offsets");
        if (offsets != null) {
            if (!(offsets instanceof Map)) {
                throw corrupt(source, "\"severity_offsets\" must be an object with \"sizes\" and \"logits\"");
            }
            Object sz = Json.get(offsets, "sizes");
            int n = sz instanceof List ? ((List<?>) sz).size() : -1;
            sizes = numbers(sz, "severity_offsets.sizes", n, source);
            logits = numbers(Json.get(offsets, "logits"), "severity_offsets.logits", n, source);
            for (int i = 0; i < n; i++) {
                if (sizes[i] <= 0 || (i > 0 && sizes[i] <= sizes[i - 1])) {
                    throw corrupt(source, "\"severity_offsets.sizes\" must be positive and strictly ascending");
                }
            }
        }
        double[] gate = new double[0];
        Object g = Json.get(root, "noise_gate");
        if (g != null) {
            Object fi = Json.get(g, "feature");
            Object lv = Json.get(g, "level");
            Object sl = Json.get(g, "slope");
            if (!(fi instanceof Number) || !(lv instanceof Number) || !(sl instanceof Number)
                    || ((Number) fi).doubleValue() < 1 || ((Number) fi).doubleValue() >= BlurFeatures.FEATURES
                    || ((Number) fi).doubleValue() != Math.rint(((Number) fi).doubleValue())
                    || !Double.isFinite(((Number) lv).doubleValue()) || !(((Number) sl).doubleValue() >= 0)
                    || !Double.isFinite(((Number) sl).doubleValue())) {
                throw corrupt(source, "\"noise_gate\" must be {\"feature\": an index 1.." + (BlurFeatures.FEATURES - 1)
                        + ", \"level\": a number, \"slope\": a number >= 0}");
            }
            gate = new double[] {((Number) fi).doubleValue(), ((Number) lv).doubleValue(), ((Number) sl).doubleValue()};
        }
        Object fitted = Json.get(root, "fitted");
        return new BlurCalibration(extent, severity, region, sizes, logits, gate,
                source + (fitted instanceof String ? " (" + fitted + ")" : ""));
    }

    private static double[] weights(Object root, String name, String source) {
        return numbers(Json.get(root, name), name, BlurFeatures.FEATURES, source);
    }

    private static double[] numbers(Object v, String name, int count, String source) {
        if (!(v instanceof List) || ((List<?>) v).size() != count || count < 0) {
            throw corrupt(source, "\"" + name + "\" must be an array of " + Math.max(count, 1) + " numbers");
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
        return o instanceof BlurCalibration c && java.util.Arrays.equals(extentWeights, c.extentWeights)
                && java.util.Arrays.equals(severityWeights, c.severityWeights) && java.util.Arrays.equals(region, c.region)
                && java.util.Arrays.equals(offsetSizes, c.offsetSizes) && java.util.Arrays.equals(offsetLogits, c.offsetLogits)
                && java.util.Arrays.equals(gate, c.gate) && source.equals(c.source);
    }

    @Override
    public int hashCode() {
        return ((31 * java.util.Arrays.hashCode(extentWeights) + java.util.Arrays.hashCode(severityWeights)) * 31
                + java.util.Arrays.hashCode(offsetLogits)) * 31 + source.hashCode();
    }

    @Override
    public String toString() {
        return "BlurCalibration[" + source + "]";
    }
}
