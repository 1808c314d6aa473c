package io.smfd.eval;

import io.smfd.eval.Evaluation.Method;
import io.smfd.eval.Evaluation.Metric;
import java.nio.file.Path;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What one {@link Evaluation#run} measured and where it wrote it: the headline figures that {@code report.md} and
 * {@code report.json} render (overall means per method, identity and verification, do no harm) and, when the run
 * included it, the {@link DeploymentMatrix.Result}. The per-group breakdowns (family, strength, post-blur steps,
 * blur assessment, mask IoU) stay in the files. Immutable and thread-safe (the collections are unmodifiable
 * copies; {@link #matrix()} is the matrix run's own result).
 *
 * @param reportMarkdown path of {@code report.md}
 * @param reportJson     path of {@code report.json}
 * @param faces          faces evaluated in the main tables (0 for {@link Evaluation.MatrixMode#ONLY})
 * @param skipped        faces that could not be evaluated, each as {@code "id: reason"}
 * @param model          the model as described in the report ({@code "-"} when SMFD was skipped or not run)
 * @param wallSeconds    wall time of the main evaluation (NaN for {@link Evaluation.MatrixMode#ONLY})
 * @param overall        per method (table order), mean of each metric over all faces (NaN where not measured;
 *                       PSNR capped as in the report); SMFD absent with {@code --backend none}
 * @param identity       per method of the identity tables, descriptor distance to the sharp face and verification
 * @param doNoHarm       per do-no-harm set ({@code "sharp"}, {@code "mild"}); empty when SMFD was skipped
 * @param matrix         the deployment matrix and hard verification, when the run included them
 */
public record EvaluationResult(Path reportMarkdown, Path reportJson, int faces, List<String> skipped, String model,
                               double wallSeconds, Map<Method, Map<Metric, Double>> overall,
                               Map<Method, Identity> identity, Map<String, DoNoHarm> doNoHarm,
                               Optional<DeploymentMatrix.Result> matrix) {

    /**
     * Validates and copies.
     *
     * @throws NullPointerException if an argument is null
     */
    public EvaluationResult {
        Objects.requireNonNull(reportMarkdown, "reportMarkdown");
        Objects.requireNonNull(reportJson, "reportJson");
        skipped = List.copyOf(skipped);
        Objects.requireNonNull(model, "model");
        EnumMap<Method, Map<Metric, Double>> o = new EnumMap<>(Method.class);
        overall.forEach((m, v) -> o.put(m, Collections.unmodifiableMap(new EnumMap<>(v))));
        overall = Collections.unmodifiableMap(o);
        identity = Collections.unmodifiableMap(identity.isEmpty() ? new EnumMap<>(Method.class)
                : new EnumMap<>(identity));
        doNoHarm = Collections.unmodifiableMap(new java.util.LinkedHashMap<>(doNoHarm));
        Objects.requireNonNull(matrix, "matrix");
    }

    /**
     * The same result with the matrix run attached.
     *
     * @param m the matrix result
     * @return a new result
     */
    EvaluationResult withMatrix(DeploymentMatrix.Result m) {
        return new EvaluationResult(reportMarkdown, reportJson, faces, skipped, model, wallSeconds, overall, identity,
                doNoHarm, Optional.of(m));
    }

    /**
     * Mean of one metric of one method over all faces.
     *
     * @param method the method
     * @param metric the metric
     * @return the mean, NaN when the method was not run or the metric not measured
     */
    public double mean(Method method, Metric metric) {
        Map<Metric, Double> v = overall.get(method);
        Double d = v == null ? null : v.get(metric);
        return d == null ? Double.NaN : d;
    }

    /**
     * Identity and verification of one probe type against the sharp faces (dlib face descriptor).
     *
     * @param n             faces with a distance
     * @param meanDistance  mean descriptor distance to the sharp face
     * @param medianDistance median distance
     * @param p95Distance   95th percentile
     * @param withinSamePerson share of distances below the same-person threshold (0.6)
     * @param tarAtFar1e2   TAR at FAR 1e-2 with the sharp faces as gallery (NaN with fewer than 2 faces)
     * @param tarAtFar1e3   TAR at FAR 1e-3 (NaN with fewer than 2 faces)
     */
    public record Identity(int n, double meanDistance, double medianDistance, double p95Distance,
                           double withinSamePerson, double tarAtFar1e2, double tarAtFar1e3) {
    }

    /**
     * Do no harm on one set: SMFD's output against its own input.
     *
     * @param n                   faces
     * @param outputVsInputPsnrRgb mean RGB PSNR of the output against the input (dB, capped)
     * @param outputVsInputSsimRgb mean RGB SSIM of the output against the input
     * @param identityDriftMean   mean descriptor distance between output and input
     * @param identityDriftP95    its 95th percentile
     */
    public record DoNoHarm(int n, double outputVsInputPsnrRgb, double outputVsInputSsimRgb, double identityDriftMean,
                           double identityDriftP95) {
    }
}
