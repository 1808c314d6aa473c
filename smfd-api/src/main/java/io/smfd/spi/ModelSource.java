package io.smfd.spi;

import io.smfd.CorruptModelException;
import io.smfd.ModelException;
import io.smfd.ModelNotFoundException;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
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

    /** Fully qualified name of the class in {@code io.smfd:smfd-model} that serves the bundled model. */
    static final String BUNDLED_MODEL_CLASS = "io.smfd.model.BundledModel";

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
     * @throws ModelNotFoundException if the file does not exist, or smfd-model is not on the
     *                                class/module path ("add io.smfd:smfd-model"), or its model resource is missing
     * @throws CorruptModelException  if the bundled model fails its SHA-256 check
     * @throws ModelException         if the file cannot be read
     */
    public byte[] readBytes() {
        return file == null ? readBundled() : readFile(file);
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
            throw new ModelNotFoundException("Model file not found: " + file.toAbsolutePath()
                    + ". Pass an existing SMFD-UNet .onnx file, or omit model(...) to use the bundled model"
                    + " (io.smfd:smfd-model).", e);
        } catch (IOException | SecurityException e) {
            throw new ModelException("Cannot read model file " + file.toAbsolutePath() + ": " + e
                    + ". Check that it is a readable regular file.", e);
        }
    }

    private static byte[] readBundled() {
        Class<?> cls = findBundledModelClass();
        if (cls == null) {
            throw new ModelNotFoundException("The bundled SMFD model is not available: add io.smfd:smfd-model to your"
                    + " dependencies (on the module path it must also be resolved, e.g. --add-modules io.smfd.model),"
                    + " or pass a model file with Deblurrer.builder().model(path).");
        }
        try {
            Method available = cls.getMethod("isAvailable");
            if (!Boolean.TRUE.equals(available.invoke(null))) {
                throw new ModelNotFoundException("The bundled SMFD model resource is missing from io.smfd:smfd-model"
                        + " (this build of smfd-model does not contain the trained model yet); pass a model file with"
                        + " Deblurrer.builder().model(path) or use a released io.smfd:smfd-model.");
            }
            Method m = cls.getMethod("onnxBytes");
            return (byte[]) m.invoke(null);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            throw new CorruptModelException("The bundled SMFD model cannot be loaded: " + cause.getMessage()
                    + ". Rebuild or re-download io.smfd:smfd-model.", cause);
        } catch (ReflectiveOperationException | RuntimeException e) {
            if (e instanceof ModelException) {
                throw (ModelException) e;
            }
            throw new ModelException("io.smfd:smfd-model is present but " + BUNDLED_MODEL_CLASS
                    + " cannot be called (" + e + "); use the smfd-model version matching smfd-api.", e);
        }
    }

    private static Class<?> findBundledModelClass() {
        ClassLoader own = ModelSource.class.getClassLoader();
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        for (ClassLoader loader : new ClassLoader[] {own, context}) {
            try {
                return Class.forName(BUNDLED_MODEL_CLASS, true, loader);
            } catch (ClassNotFoundException | LinkageError e) {
                // try the next loader
            }
        }
        return null;
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
