package io.smfd.spark;

import io.smfd.BackendStatus;
import io.smfd.BackendUnavailableException;
import io.smfd.BlurAssessment;
import io.smfd.Deblurrer;
import io.smfd.ModelException;
import io.smfd.SharpFacePolicy;
import io.smfd.SmfdException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Collectors;
import org.apache.spark.SparkFiles;

/**
 * What an executor needs to open its {@link Deblurrer}: a few strings and numbers, never model bytes. Immutable;
 * the key of {@link ExecutorDeblurrers}' cache, so equal settings share one deblurrer per JVM.
 */
final class DeblurSettings implements Serializable {

    private static final long serialVersionUID = 2L;

    /** Backend name that means "as {@link Deblurrer#create()}": {@code -Dsmfd.backend}, else the best available. */
    static final String AUTO = "auto";

    private final String backend;
    private final int threads;
    private final SharpFacePolicy policy;
    private final double passBelow; // the pass-through line; BlurAssessment.THRESHOLD under DEBLUR
    private final String modelPath; // null = bundled model

    DeblurSettings(String backend, int threads, SharpFacePolicy policy, String modelPath) {
        this(backend, threads, policy, BlurAssessment.THRESHOLD, modelPath);
    }

    /**
     * @param passBelow {@code Deblurrer.Builder#passThroughBelow} under {@link SharpFacePolicy#PASS_THROUGH}; ignored
     *                  (stored as the default) under {@link SharpFacePolicy#DEBLUR}, so equal behaviour is an equal key
     */
    DeblurSettings(String backend, int threads, SharpFacePolicy policy, double passBelow, String modelPath) {
        this.backend = backend.trim().toLowerCase(Locale.ROOT);
        this.threads = threads;
        this.policy = Objects.requireNonNull(policy, "policy");
        this.passBelow = policy == SharpFacePolicy.PASS_THROUGH ? passBelow : BlurAssessment.THRESHOLD;
        this.modelPath = modelPath == null || modelPath.isBlank() ? null : modelPath.trim();
    }

    SharpFacePolicy policy() {
        return policy;
    }

    /** Opens a deblurrer with these settings (on an executor, or on the driver in local mode). */
    Deblurrer open() {
        Deblurrer.Builder b = Deblurrer.builder().threads(threads).sharpFaces(policy);
        if (policy == SharpFacePolicy.PASS_THROUGH) {
            b.passThroughBelow(passBelow);
        }
        if (!AUTO.equals(backend)) {
            b.backend(backend);
        }
        if (modelPath != null) {
            b.model(resolveModel(modelPath));
        }
        return b.build();
    }

    /**
     * Checks, on the driver, what would otherwise fail every task: the backend is not on the class path or
     * cannot run here, or the model file is missing.
     *
     * @throws BackendUnavailableException if the named backend (or, for {@code auto}, any backend) is not usable
     * @throws ModelException              {@code MODEL_NOT_FOUND} if {@code modelPath} names no file
     */
    void checkOnDriver() {
        List<BackendStatus> found = Deblurrer.backends();
        String list = found.isEmpty() ? "none"
                : found.stream().map(s -> s.name() + (s.available() ? " (available)" : " (unavailable: " + s.reason() + ")"))
                        .collect(Collectors.joining(", "));
        if (AUTO.equals(backend)) {
            if (found.stream().noneMatch(BackendStatus::available)) {
                throw new BackendUnavailableException("No usable SMFD backend on the driver's class path (found: " + list
                        + "). Ship io.smfd:smfd-runtime-onnx or io.smfd:smfd-runtime-cpu with the job (--jars or a"
                        + " fat jar).");
            }
        } else {
            BackendStatus s = found.stream().filter(x -> x.name().equals(backend)).findFirst().orElse(null);
            if (s == null) {
                throw new BackendUnavailableException("Unknown SMFD backend '" + backend + "' (param backend): the job"
                        + " ships " + list + ". Use one of those or 'auto', or add its runtime jar"
                        + " (io.smfd:smfd-runtime-" + backend + ").");
            }
            if (!s.available()) {
                throw new BackendUnavailableException("SMFD backend '" + backend + "' cannot run on the driver: "
                        + s.reason());
            }
        }
        if (modelPath != null && !Files.isRegularFile(resolveModel(modelPath))) {
            throw new ModelException(SmfdException.Reason.MODEL_NOT_FOUND, "Model file not found (param modelPath): "
                    + modelPath + ". Give a path readable on the driver and every executor, or ship the file with"
                    + " spark-submit --files (or SparkContext.addFile) and give its file name.");
        }
    }

    /**
     * The model file: {@code path} itself if it is a file, else the file of that name shipped with the job
     * ({@code --files}, {@link org.apache.spark.SparkContext#addFile}); else {@code path} (which then fails).
     */
    static Path resolveModel(String path) {
        Path p;
        try {
            p = Paths.get(path);
        } catch (InvalidPathException e) {
            throw new ModelException(SmfdException.Reason.MODEL_NOT_FOUND, "Invalid model path (param modelPath): "
                    + path + " (" + e.getMessage() + ")");
        }
        if (Files.isRegularFile(p) || p.getFileName() == null) {
            return p;
        }
        try {
            Path shipped = Paths.get(SparkFiles.get(p.getFileName().toString()));
            if (Files.isRegularFile(shipped)) {
                return shipped;
            }
        } catch (RuntimeException e) {
            // no SparkEnv (not inside a Spark application): only the plain path applies
        }
        return p;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof DeblurSettings)) {
            return false;
        }
        DeblurSettings s = (DeblurSettings) o;
        return threads == s.threads && backend.equals(s.backend) && policy == s.policy
                && Double.compare(passBelow, s.passBelow) == 0 && Objects.equals(modelPath, s.modelPath);
    }

    @Override
    public int hashCode() {
        return Objects.hash(backend, threads, policy, passBelow, modelPath);
    }

    @Override
    public String toString() {
        return "backend=" + backend + ", threads=" + threads + ", sharpFaces=" + policy
                + (policy == SharpFacePolicy.PASS_THROUGH ? ", passThroughBelow=" + passBelow : "") + ", model=" + (modelPath == null ? "bundled" : modelPath);
    }
}
