package io.smfd.spi;

import io.smfd.ModelException;
import io.smfd.SmfdException.Reason;
import io.smfd.internal.Json;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What a loaded model declares about itself. Immutable and thread-safe.
 *
 * <p>SMFD-UNet ONNX files carry these {@code metadata_props} (parse them with {@link #fromMetadata(Map)}):
 * <ul>
 *   <li>{@value #KEY_FORMAT} = {@value #FORMAT} (required)</li>
 *   <li>{@value #KEY_VERSION}: model version string</li>
 *   <li>{@value #KEY_CLASSES}: comma-separated mask class names in output-channel order,
 *       e.g. {@code background,skin,brows,eyes,nose,mouth,hair,accessories} (required)</li>
 *   <li>{@value #KEY_SIZE_MULTIPLE}: input height and width must be multiples of this, e.g. {@code 8} (required)</li>
 *   <li>{@value #KEY_MODEL_CARD}: model card as JSON (optional); if present it must be a JSON object, and its
 *       top-level {@code format}, {@code size_multiple} and {@code classes}, where given, must agree with the keys
 *       above</li>
 * </ul>
 */
public final class ModelMetadata {

    /** Metadata key of the model format. */
    public static final String KEY_FORMAT = "smfd.format";
    /** The only model format this SMFD version runs. */
    public static final String FORMAT = "smfd-unet/1";
    /** Metadata key of the model version. */
    public static final String KEY_VERSION = "smfd.version";
    /** Metadata key of the comma-separated class names. */
    public static final String KEY_CLASSES = "smfd.classes";
    /** Metadata key of the size multiple. */
    public static final String KEY_SIZE_MULTIPLE = "smfd.size_multiple";
    /** Metadata key of the JSON model card. */
    public static final String KEY_MODEL_CARD = "smfd.model_card";

    private static final String CARD_HINT = ". Use the bundled model (io.smfd:smfd-model) or an ONNX file exported by"
            + " training/export.py.";

    private final String version;
    private final List<String> classNames;
    private final int sizeMultiple;
    private final String modelCard;

    private ModelMetadata(String version, List<String> classNames, int sizeMultiple, String modelCard) {
        this.version = version;
        this.classNames = classNames;
        this.sizeMultiple = sizeMultiple;
        this.modelCard = modelCard;
    }

    /**
     * Creates model info.
     *
     * @param version      model version
     * @param classNames   distinct, non-blank mask class names in output-channel order (copied)
     * @param sizeMultiple input height and width must be multiples of this; 1 to 256
     * @return model info
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException if {@code classNames} is empty or not distinct, or {@code sizeMultiple} out of range
     */
    public static ModelMetadata of(String version, List<String> classNames, int sizeMultiple) {
        Objects.requireNonNull(version, "version");
        List<String> names = List.copyOf(Objects.requireNonNull(classNames, "classNames"));
        Set<String> seen = new HashSet<>();
        for (String n : names) {
            if (n.isBlank() || !seen.add(n)) {
                throw new IllegalArgumentException("class names must be distinct and non-blank: " + names);
            }
        }
        if (names.isEmpty()) {
            throw new IllegalArgumentException("classNames must not be empty");
        }
        if (sizeMultiple < 1 || sizeMultiple > 256) {
            throw new IllegalArgumentException("sizeMultiple must be within [1, 256], got " + sizeMultiple);
        }
        return new ModelMetadata(version, names, sizeMultiple, "");
    }

    /**
     * Describes an image-only model: one that maps an RGB image to a deblurred RGB image and predicts no masks
     * ({@link #classNames()} empty), such as MAXIM ({@link io.smfd.DeblurModel#MAXIM}). A backend running it returns
     * {@link ModelOutputs} with {@code K = 0}.
     *
     * @param version      model version
     * @param sizeMultiple input height and width must be multiples of this; 1 to 256
     * @return model info
     * @throws NullPointerException     if {@code version} is null
     * @throws IllegalArgumentException if {@code sizeMultiple} is out of range
     */
    public static ModelMetadata imageOnly(String version, int sizeMultiple) {
        Objects.requireNonNull(version, "version");
        if (sizeMultiple < 1 || sizeMultiple > 256) {
            throw new IllegalArgumentException("sizeMultiple must be within [1, 256], got " + sizeMultiple);
        }
        return new ModelMetadata(version, List.of(), sizeMultiple, "");
    }

    /**
     * Parses and validates the {@code smfd.*} metadata of an ONNX model, including the consistency of the
     * optional {@value #KEY_MODEL_CARD} with the other keys.
     *
     * @param metadata the model's {@code metadata_props}
     * @return the model info
     * @throws NullPointerException        if {@code metadata} is null
     * @throws ModelException  if a required key is missing, a value is unsupported, or the model card
     *                                     is not a JSON object or contradicts the format, size multiple or classes
     */
    public static ModelMetadata fromMetadata(Map<String, String> metadata) {
        Objects.requireNonNull(metadata, "metadata");
        String format = metadata.get(KEY_FORMAT);
        if (format == null) {
            throw new ModelException(Reason.INCOMPATIBLE_MODEL, "Model has no '" + KEY_FORMAT + "' metadata, so it is not an"
                    + " SMFD-UNet export; export it with training/export.py (expected " + KEY_FORMAT + "=" + FORMAT + ")");
        }
        if (!FORMAT.equals(format.trim())) {
            throw new ModelException(Reason.INCOMPATIBLE_MODEL, "Model format is '" + format + "' but this SMFD version runs '"
                    + FORMAT + "'; use a matching SMFD version or re-export the model");
        }
        String classes = metadata.get(KEY_CLASSES);
        if (classes == null || classes.isBlank()) {
            throw new ModelException(Reason.INCOMPATIBLE_MODEL, "Model metadata '" + KEY_CLASSES + "' is missing or empty;"
                    + " it must list the mask classes, e.g. background,skin,hair");
        }
        List<String> names = new ArrayList<>();
        for (String s : classes.split(",", -1)) {
            names.add(s.trim());
        }
        String multiple = metadata.get(KEY_SIZE_MULTIPLE);
        int m;
        try {
            m = Integer.parseInt(Objects.requireNonNull(multiple, KEY_SIZE_MULTIPLE).trim());
        } catch (NullPointerException | NumberFormatException e) {
            throw new ModelException(Reason.INCOMPATIBLE_MODEL, "Model metadata '" + KEY_SIZE_MULTIPLE + "' must be a positive"
                    + " integer such as 8, got " + (multiple == null ? "nothing" : "'" + multiple + "'"), e);
        }
        String version = metadata.getOrDefault(KEY_VERSION, "unknown").trim();
        ModelMetadata info;
        try {
            info = of(version, names, m);
        } catch (IllegalArgumentException e) {
            throw new ModelException(Reason.INCOMPATIBLE_MODEL, "Invalid SMFD model metadata: " + e.getMessage(), e);
        }
        String card = metadata.get(KEY_MODEL_CARD);
        checkModelCard(card, info);
        return card == null ? info : new ModelMetadata(info.version, info.classNames, info.sizeMultiple, card.trim());
    }

    /**
     * Checks that the optional model card agrees with the parsed metadata. The messages are phrased to follow the
     * runtimes' prefix {@code "The <model> is not a usable SMFD-UNet model: "}.
     */
    static void checkModelCard(String card, ModelMetadata info) {
        if (card == null) {
            return; // optional
        }
        Object parsed;
        try {
            parsed = Json.parse(card);
        } catch (IllegalArgumentException e) {
            parsed = null;
        }
        if (!(parsed instanceof Map)) {
            throw cardProblem("metadata '" + KEY_MODEL_CARD + "' must be a JSON object");
        }
        Object format = Json.get(parsed, "format");
        if (format instanceof String && !FORMAT.equals(format)) {
            throw cardProblem("its model card declares format '" + format + "', expected '" + FORMAT + "'");
        }
        Object multiple = Json.get(parsed, "size_multiple");
        if (multiple instanceof Number && ((Number) multiple).doubleValue() != info.sizeMultiple()) {
            throw cardProblem("its model card declares size_multiple " + multiple + " but "
                    + KEY_SIZE_MULTIPLE + " is " + info.sizeMultiple());
        }
        Object classes = Json.get(parsed, "classes");
        if (classes instanceof List) {
            List<String> cardClasses = new ArrayList<>();
            for (Object o : (List<?>) classes) {
                String n = String.valueOf(o).trim();
                if (!n.isEmpty()) {
                    cardClasses.add(n);
                }
            }
            if (!cardClasses.equals(info.classNames())) {
                throw cardProblem("its model card lists classes " + cardClasses + " but "
                        + KEY_CLASSES + " lists " + info.classNames());
            }
        }
    }

    private static ModelException cardProblem(String problem) {
        return new ModelException(Reason.INCOMPATIBLE_MODEL, problem + CARD_HINT);
    }

    /**
     * Returns the model version.
     *
     * @return the model version ({@code "unknown"} if the metadata had none)
     */
    public String version() {
        return version;
    }

    /**
     * Returns the mask class names.
     *
     * @return unmodifiable list of class names in output-channel order; empty for an {@link #imageOnly} model
     */
    public List<String> classNames() {
        return classNames;
    }

    /**
     * Returns the size multiple.
     *
     * @return input height and width passed to {@link InferenceBackend#infer} are multiples of this
     */
    public int sizeMultiple() {
        return sizeMultiple;
    }

    /**
     * Returns the model card.
     *
     * @return the {@value #KEY_MODEL_CARD} JSON text, or an empty string if the model has none (always empty for
     *         {@link #of})
     */
    public String modelCard() {
        return modelCard;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof ModelMetadata)) {
            return false;
        }
        ModelMetadata i = (ModelMetadata) o;
        return version.equals(i.version) && classNames.equals(i.classNames) && sizeMultiple == i.sizeMultiple
                && modelCard.equals(i.modelCard);
    }

    @Override
    public int hashCode() {
        return Objects.hash(version, classNames, sizeMultiple, modelCard);
    }

    @Override
    public String toString() {
        return "ModelMetadata[version=" + version + ", classes=" + classNames + ", sizeMultiple=" + sizeMultiple + "]";
    }
}
