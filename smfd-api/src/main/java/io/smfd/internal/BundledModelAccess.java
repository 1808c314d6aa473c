package io.smfd.internal;

import io.smfd.ModelException;
import io.smfd.SmfdException.Reason;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Optional;

/**
 * Reflective access to {@code io.smfd.model.BundledModel} in {@code io.smfd:smfd-model}, so that smfd-api does
 * not depend on smfd-model (the runtime artifacts do).
 */
public final class BundledModelAccess {

    /** Fully qualified name of the class in {@code io.smfd:smfd-model} that serves the bundled model. */
    static final String BUNDLED_MODEL_CLASS = "io.smfd.model.BundledModel";

    private BundledModelAccess() {
    }

    /**
     * Reads the bundled model, verified against its SHA-256 by smfd-model.
     *
     * @return the ONNX bytes (a new array)
     * @throws ModelException {@code MODEL_NOT_FOUND} if smfd-model or its model resource is missing,
     *                        {@code CORRUPT_MODEL} if it fails to load (checksum), {@code INCOMPATIBLE_MODEL}
     *                        if smfd-model does not match this smfd-api
     */
    public static byte[] onnxBytes() {
        return (byte[]) call("onnxBytes");
    }

    /**
     * Returns the bundled model's SHA-256 as recorded by smfd-model, the digest that {@link #onnxBytes()} is
     * verified against (so it equals the hash of those bytes), without reading or hashing the model.
     *
     * @return the lower-case hex SHA-256
     * @throws ModelException as {@link #onnxBytes()}: {@code MODEL_NOT_FOUND}, {@code CORRUPT_MODEL} (checksum
     *                        resource absent or malformed) or {@code INCOMPATIBLE_MODEL}
     */
    public static String sha256() {
        return (String) call("sha256");
    }

    private static Object call(String method) {
        Class<?> cls = find();
        if (cls == null) {
            throw new ModelException(Reason.MODEL_NOT_FOUND, "The bundled SMFD model is not available: add"
                    + " io.smfd:smfd-model to your dependencies (on the module path it must also be resolved, e.g."
                    + " --add-modules io.smfd.model), or pass a model file with Deblurrer.builder().model(path).");
        }
        try {
            Method available = cls.getMethod("isAvailable");
            if (!Boolean.TRUE.equals(available.invoke(null))) {
                throw new ModelException(Reason.MODEL_NOT_FOUND, "The bundled SMFD model resource is missing from"
                        + " io.smfd:smfd-model (this smfd-model jar is incomplete: io/smfd/model/smfd-unet.onnx is not"
                        + " in it); pass a model file with Deblurrer.builder().model(path) or use a released"
                        + " io.smfd:smfd-model.");
            }
            Method m = cls.getMethod(method);
            return m.invoke(null);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            throw new ModelException(Reason.CORRUPT_MODEL, "The bundled SMFD model cannot be loaded: "
                    + cause.getMessage() + ". Rebuild or re-download io.smfd:smfd-model.", cause);
        } catch (ReflectiveOperationException | RuntimeException e) {
            if (e instanceof ModelException) {
                throw (ModelException) e;
            }
            throw new ModelException(Reason.INCOMPATIBLE_MODEL, "io.smfd:smfd-model is present but "
                    + BUNDLED_MODEL_CLASS + " cannot be called (" + e + "); use the smfd-model version matching"
                    + " smfd-api.", e);
        }
    }

    /**
     * Returns the model card shipped beside the bundled model.
     *
     * @return the card JSON, or empty if smfd-model or its card is absent
     */
    public static Optional<String> modelCardJson() {
        Class<?> cls = find();
        if (cls == null) {
            return Optional.empty();
        }
        try {
            return Optional.ofNullable((String) cls.getMethod("modelCardJson").invoke(null));
        } catch (ReflectiveOperationException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static Class<?> find() {
        ClassLoader own = BundledModelAccess.class.getClassLoader();
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
}
