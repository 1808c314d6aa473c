package io.smfd.spi;

import io.smfd.DeblurModel;
import io.smfd.ModelException;
import io.smfd.SmfdException.Reason;
import io.smfd.internal.BundledModelAccess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the ONNX model comes from: the model bundled in {@code io.smfd:smfd-model}, a user file, or the optional
 * MAXIM model of {@code io.smfd:smfd-model-maxim} ({@link #bundled(DeblurModel)}). Immutable and thread-safe.
 *
 * <p>Bundled models are found through the {@link ModelProvider} service, so smfd-api depends on neither model
 * artifact; the runtime artifacts depend on smfd-model, and integrators add smfd-model-maxim when they want it.
 * A backend that gets a source whose {@link #model()} is {@link DeblurModel#MAXIM} loads an image-only model
 * (NHWC {@code [batch, height, width, 3]} in and out, sides multiples of 64, see {@link ModelProvider}) and
 * describes it with {@link ModelMetadata#imageOnly}; smfd-api asks only backends whose
 * {@link DeblurBackendProvider#runs(DeblurModel)} says so.
 */
public final class ModelSource {

    private static final ModelSource BUNDLED = new ModelSource(null, DeblurModel.SMFD);
    private static final ModelSource MAXIM = new ModelSource(null, DeblurModel.MAXIM);

    private final Path file; // null = bundled
    private final DeblurModel model;

    private ModelSource(Path file, DeblurModel model) {
        this.file = file;
        this.model = model;
    }

    /**
     * The model bundled in {@code io.smfd:smfd-model} (the default).
     *
     * @return the bundled model source
     */
    public static ModelSource bundled() {
        return BUNDLED;
    }

    /**
     * The model of a model artifact found through {@link ModelProvider}: {@link DeblurModel#SMFD} is
     * {@link #bundled()}, {@link DeblurModel#MAXIM} the optional model of {@code io.smfd:smfd-model-maxim}.
     *
     * @param model the model
     * @return its source
     * @throws NullPointerException if {@code model} is null
     */
    public static ModelSource bundled(DeblurModel model) {
        return Objects.requireNonNull(model, "model") == DeblurModel.SMFD ? BUNDLED : MAXIM;
    }

    /**
     * A model file (SMFD-UNet exported to ONNX). Existence is checked when reading.
     *
     * @param onnxFile path to the {@code .onnx} file
     * @return a file model source
     * @throws NullPointerException if {@code onnxFile} is null
     */
    public static ModelSource file(Path onnxFile) {
        return new ModelSource(Objects.requireNonNull(onnxFile, "onnxFile"), DeblurModel.SMFD);
    }

    /**
     * Returns whether this is a bundled model (served by a model artifact rather than a file).
     *
     * @return {@code true} for {@link #bundled()} and {@link #bundled(DeblurModel)}
     */
    public boolean isBundled() {
        return file == null;
    }

    /**
     * Returns which model this is.
     *
     * @return {@link DeblurModel#MAXIM} for {@code bundled(MAXIM)}, else {@link DeblurModel#SMFD}
     */
    public DeblurModel model() {
        return model;
    }

    /**
     * Returns the model file, for backends that prefer to load from a path.
     *
     * @return the file, or empty for the bundled model
     */
    public Optional<Path> path() {
        return Optional.ofNullable(file);
    }

    /**
     * Reads the whole model.
     *
     * @return the ONNX bytes (a new array)
     * @throws ModelException {@link io.smfd.SmfdException.Reason#MODEL_NOT_FOUND MODEL_NOT_FOUND} if the file does not
     *                        exist, or the model's artifact is not on the class/module path ("add io.smfd:smfd-model",
     *                        "add io.smfd:smfd-model-maxim"), or its model resource is missing; {@link io.smfd.SmfdException.Reason#CORRUPT_MODEL CORRUPT_MODEL}
     *                        if the bundled model fails its SHA-256 check or the file cannot be read
     */
    public byte[] readBytes() {
        return file == null ? BundledModelAccess.onnxBytes(model) : readFile(file);
    }

    /**
     * Returns a human-readable description for logs and messages.
     *
     * @return e.g. {@code "bundled model (io.smfd:smfd-model)"} or {@code "model file /models/smfd.onnx"}
     */
    public String description() {
        if (file != null) {
            return "model file " + file.toAbsolutePath();
        }
        return model == DeblurModel.SMFD ? "bundled model (io.smfd:smfd-model)"
                : "optional model (" + model.artifact() + ")";
    }

    private static byte[] readFile(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ModelException(Reason.MODEL_NOT_FOUND, "Model file not found: " + file.toAbsolutePath()
                    + ". Pass an existing SMFD-UNet .onnx file, or omit model(...) to use the bundled model"
                    + " (io.smfd:smfd-model).", e);
        } catch (IOException | SecurityException e) {
            throw new ModelException(Reason.CORRUPT_MODEL, "Cannot read model file " + file.toAbsolutePath() + ": " + e
                    + ". Check that it is a readable regular file.", e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelSource && Objects.equals(file, ((ModelSource) o).file)
                && model == ((ModelSource) o).model;
    }

    @Override
    public int hashCode() {
        return Objects.hash(file, model);
    }

    @Override
    public String toString() {
        return "ModelSource[" + description() + "]";
    }
}
