package io.smfd.spi;

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
 * Where the ONNX model comes from: the model bundled in {@code io.smfd:smfd-model}, or a user file.
 * Immutable and thread-safe.
 *
 * <p>The bundled model is loaded reflectively through {@code io.smfd.model.BundledModel#onnxBytes()},
 * so smfd-api does not depend on smfd-model; the runtime artifacts do.
 */
public final class ModelSource {

    private static final ModelSource BUNDLED = new ModelSource(null);

    private final Path file; // null = bundled

    private ModelSource(Path file) {
        this.file = file;
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
     * A model file (SMFD-UNet exported to ONNX). Existence is checked when reading.
     *
     * @param onnxFile path to the {@code .onnx} file
     * @return a file model source
     * @throws NullPointerException if {@code onnxFile} is null
     */
    public static ModelSource file(Path onnxFile) {
        return new ModelSource(Objects.requireNonNull(onnxFile, "onnxFile"));
    }

    /**
     * Returns whether this is the bundled model.
     *
     * @return {@code true} for {@link #bundled()}
     */
    public boolean isBundled() {
        return file == null;
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
     *                        exist, or smfd-model is not on the class/module path ("add io.smfd:smfd-model"), or its
     *                        model resource is missing; {@link io.smfd.SmfdException.Reason#CORRUPT_MODEL CORRUPT_MODEL}
     *                        if the bundled model fails its SHA-256 check or the file cannot be read
     */
    public byte[] readBytes() {
        return file == null ? BundledModelAccess.onnxBytes() : readFile(file);
    }

    /**
     * Returns a human-readable description for logs and messages.
     *
     * @return e.g. {@code "bundled model (io.smfd:smfd-model)"} or {@code "model file /models/smfd.onnx"}
     */
    public String description() {
        return file == null ? "bundled model (io.smfd:smfd-model)" : "model file " + file.toAbsolutePath();
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
        return o instanceof ModelSource && Objects.equals(file, ((ModelSource) o).file);
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(file);
    }

    @Override
    public String toString() {
        return "ModelSource[" + description() + "]";
    }
}
