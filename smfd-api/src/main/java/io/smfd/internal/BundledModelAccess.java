package io.smfd.internal;

import io.smfd.DeblurModel;
import io.smfd.ModelException;
import io.smfd.SmfdException.Reason;
import io.smfd.spi.ModelProvider;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The bundled model, found with {@link ServiceLoader} as the one {@link ModelProvider} on the class or module path
 * (normally {@code io.smfd:smfd-model}, which the runtime artifacts depend on), so that smfd-api does not depend on
 * smfd-model. Looks in smfd-api's class loader, then in the thread's context class loader; the lookup is repeated
 * on every call (cheap: a provider does not read its model until asked).
 */
public final class BundledModelAccess {

    /** Message of {@code MODEL_NOT_FOUND} when no provider is present. */
    static final String NO_PROVIDER = "The bundled SMFD model is not available: add io.smfd:smfd-model to your"
            + " dependencies (on the module path: to the module path), or pass a model file with"
            + " Deblurrer.builder().model(path).";

    private BundledModelAccess() {
    }

    /**
     * Reads the bundled model, verified against its SHA-256 by its provider.
     *
     * @return the ONNX bytes (a new array)
     * @throws ModelException {@code MODEL_NOT_FOUND} if smfd-model or its model resource is missing,
     *                        {@code CORRUPT_MODEL} if it fails to load (checksum), {@code INCOMPATIBLE_MODEL}
     *                        if the provider does not match this smfd-api or several providers are present
     */
    public static byte[] onnxBytes() {
        return onnxBytes(loaders());
    }

    /**
     * Reads the model of a model artifact, verified against its SHA-256 by its provider.
     *
     * @param model which model
     * @return the ONNX bytes (a new array)
     * @throws ModelException as {@link #onnxBytes()}; for {@link DeblurModel#MAXIM} {@code MODEL_NOT_FOUND} names
     *                        {@code io.smfd:smfd-model-maxim}
     */
    public static byte[] onnxBytes(DeblurModel model) {
        ModelProvider p = require(loaders(), model);
        return call(p, () -> p.onnxBytes());
    }

    static byte[] onnxBytes(List<ClassLoader> loaders) {
        ModelProvider p = require(loaders);
        return call(p, () -> p.onnxBytes());
    }

    /**
     * As {@link #sha256()} for the model of a model artifact.
     *
     * @param model which model
     * @return the lower-case hex SHA-256
     * @throws ModelException as {@link #onnxBytes(DeblurModel)}
     */
    public static String sha256(DeblurModel model) {
        ModelProvider p = require(loaders(), model);
        return call(p, () -> p.sha256());
    }

    /**
     * As {@link #modelCardJson()} for the model of a model artifact.
     *
     * @param model which model
     * @return the card JSON, or empty
     */
    public static Optional<String> modelCardJson(DeblurModel model) {
        try {
            ModelProvider p = find(loaders(), model);
            Optional<String> card = p == null ? null : p.modelCardJson();
            return card == null ? Optional.empty() : card;
        } catch (RuntimeException | LinkageError e) {
            return Optional.empty();
        }
    }

    /**
     * Says whether a model artifact is present and complete, without reading its model.
     *
     * @param model which model
     * @return true if its provider is found and available
     */
    public static boolean isPresent(DeblurModel model) {
        try {
            require(loaders(), model);
            return true;
        } catch (ModelException e) {
            return false;
        }
    }

    /**
     * Fails unless a model artifact is present and complete.
     *
     * @param model which model
     * @throws ModelException {@code MODEL_NOT_FOUND} naming the artifact to add, or as {@link #onnxBytes()}
     */
    public static void requirePresent(DeblurModel model) {
        require(loaders(), model);
    }

    static void requirePresent(DeblurModel model, List<ClassLoader> loaders) {
        require(loaders, model);
    }

    /**
     * Returns the bundled model's SHA-256 as recorded by its provider, the digest that {@link #onnxBytes()} is
     * verified against (so it equals the hash of those bytes), without reading or hashing the model.
     *
     * @return the lower-case hex SHA-256
     * @throws ModelException as {@link #onnxBytes()}: {@code MODEL_NOT_FOUND}, {@code CORRUPT_MODEL} (checksum
     *                        resource absent or malformed) or {@code INCOMPATIBLE_MODEL}
     */
    public static String sha256() {
        ModelProvider p = require(loaders());
        return call(p, () -> p.sha256());
    }

    /**
     * Returns the model card shipped beside the bundled model.
     *
     * @return the card JSON, or empty if smfd-model or its card is absent (or the lookup fails)
     */
    public static Optional<String> modelCardJson() {
        return modelCardJson(loaders());
    }

    static Optional<String> modelCardJson(List<ClassLoader> loaders) {
        try {
            ModelProvider p = find(loaders);
            if (p == null) {
                return Optional.empty();
            }
            Optional<String> card = p.modelCardJson();
            return card == null ? Optional.empty() : card;
        } catch (RuntimeException | LinkageError e) {
            return Optional.empty();
        }
    }

    /**
     * Returns the blur-assessment calibration shipped beside the bundled model.
     *
     * @return the calibration JSON, or empty if the provider ships none
     * @throws ModelException as {@link #onnxBytes()} if the provider is missing or fails
     */
    public static Optional<String> assessmentCalibrationJson() {
        ModelProvider p = require(loaders());
        Optional<String> json = call(p, () -> p.assessmentCalibrationJson());
        return json == null ? Optional.empty() : json;
    }

    private static ModelProvider require(List<ClassLoader> loaders) {
        return require(loaders, DeblurModel.SMFD);
    }

    private static ModelProvider require(List<ClassLoader> loaders, DeblurModel model) {
        ModelProvider p = find(loaders, model);
        if (p == null) {
            throw new ModelException(Reason.MODEL_NOT_FOUND, model == DeblurModel.SMFD ? NO_PROVIDER : noProvider(model));
        }
        boolean available;
        try {
            available = p.isAvailable();
        } catch (RuntimeException | LinkageError e) {
            throw incompatible(p.getClass().getName(), e);
        }
        if (!available && model != DeblurModel.SMFD) {
            throw new ModelException(Reason.MODEL_NOT_FOUND, "The " + model.displayName() + " model resource is missing"
                    + " from " + model.artifact() + " (this jar is incomplete: it was built without its generated"
                    + " model); rebuild it as docs/maxim.md says.");
        }
        if (!available) {
            throw new ModelException(Reason.MODEL_NOT_FOUND, "The bundled SMFD model resource is missing from"
                    + " io.smfd:smfd-model (this smfd-model jar is incomplete: io/smfd/model/smfd-unet.onnx is not"
                    + " in it); pass a model file with Deblurrer.builder().model(path) or use a released"
                    + " io.smfd:smfd-model.");
        }
        return p;
    }

    private interface Call<T> {
        T get();
    }

    private static <T> T call(ModelProvider p, Call<T> call) {
        try {
            return call.get();
        } catch (ModelException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new ModelException(Reason.CORRUPT_MODEL, "The bundled SMFD model cannot be loaded: "
                    + e.getMessage() + ". Rebuild or re-download io.smfd:smfd-model.", e);
        } catch (LinkageError e) {
            throw incompatible(p.getClass().getName(), e);
        }
    }

    private static ModelException incompatible(String provider, Throwable e) {
        return new ModelException(Reason.INCOMPATIBLE_MODEL, "io.smfd:smfd-model is present but its model provider "
                + provider + " cannot be used (" + e + "); use the smfd-model version matching smfd-api.", e);
    }

    /** Message of {@code MODEL_NOT_FOUND} when no provider of an optional model is present. */
    static String noProvider(DeblurModel model) {
        return "The " + model.displayName() + " model is not available: add " + model.artifact() + " to your"
                + " dependencies (on the module path: to the module path), or choose ModelChoice.SMFD"
                + " (Deblurrer.builder().modelChoice(...)).";
    }

    static List<ClassLoader> loaders() {
        return BackendSelector.defaultLoaders();
    }

    /**
     * Finds the one model provider visible from {@code loaders}: the providers of the first loader that has any
     * (so that a second copy of smfd-model seen only by the context class loader, e.g. on the class path of an
     * application that runs smfd-api in a module layer, neither shadows nor conflicts with the first).
     *
     * @return the provider, or null if there is none
     * @throws ModelException {@code INCOMPATIBLE_MODEL} if the first loader with providers has several, or if no
     *                        provider loads and one failed to
     */
    static ModelProvider find(List<ClassLoader> loaders) {
        return find(loaders, DeblurModel.SMFD);
    }

    /** As {@link #find(List)}, among the providers of {@code model} (see {@link ModelProvider#model()}). */
    static ModelProvider find(List<ClassLoader> loaders, DeblurModel model) {
        Throwable failure = null;
        for (ClassLoader loader : loaders) {
            List<ModelProvider> found = new ArrayList<>(1);
            Set<Class<?>> seen = new HashSet<>();
            Iterator<ModelProvider> it = ServiceLoader.load(ModelProvider.class, loader).iterator();
            while (true) {
                try {
                    if (!it.hasNext()) {
                        break;
                    }
                    ModelProvider p = it.next();
                    if (seen.add(p.getClass()) && modelOf(p) == model) {
                        found.add(p);
                    }
                } catch (ServiceConfigurationError | LinkageError e) {
                    if (failure == null) {
                        failure = e;
                    }
                    break;
                }
            }
            if (found.size() > 1) {
                throw new ModelException(Reason.INCOMPATIBLE_MODEL, "Several bundled " + (model == DeblurModel.SMFD ? "SMFD" : model.displayName())
                        + " models are on the class or"
                        + " module path (" + found.stream().map(p -> p.getClass().getName())
                        .collect(Collectors.joining(", ")) + "); keep one " + model.artifact() + ", or pass a model file"
                        + " with Deblurrer.builder().model(path).");
            }
            if (found.size() == 1) {
                return found.get(0);
            }
        }
        if (failure != null) {
            throw incompatible("(failed to load)", failure);
        }
        return null;
    }

    /** The provider's model; a provider compiled against an older smfd-api serves SMFD. */
    private static DeblurModel modelOf(ModelProvider p) {
        DeblurModel m = p.model();
        return m == null ? DeblurModel.SMFD : m;
    }
}
