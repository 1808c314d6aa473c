package io.smfd.eval;

import io.smfd.identity.FaceDescriptor;
import java.util.Arrays;
import java.util.List;

/**
 * Statistics of face-descriptor distances for the report: distribution summaries (mean, median, p95,
 * share within the same-person threshold) and the verification table (TAR at a fixed FAR).
 */
final class IdentityStats {

    /** The FARs of the verification table. */
    static final double[] FARS = {1e-2, 1e-3};

    private IdentityStats() {
    }

    /**
     * Summary of a distance distribution.
     *
     * @param n      values (NaN skipped)
     * @param mean   arithmetic mean
     * @param median 50th percentile
     * @param p95    95th percentile
     * @param within share of values below {@link FaceDescriptor#SAME_PERSON_THRESHOLD}
     */
    record Summary(int n, double mean, double median, double p95, double within) {
    }

    /**
     * Summarises values, skipping NaN. Percentiles interpolate linearly between order statistics at
     * rank {@code p (n - 1)} (numpy's default).
     *
     * @param values the values
     * @return the summary; all NaN when no value is left
     */
    static Summary summarise(double[] values) {
        double[] v = Arrays.stream(values).filter(x -> !Double.isNaN(x)).sorted().toArray();
        if (v.length == 0) {
            return new Summary(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        double s = 0;
        int within = 0;
        for (double x : v) {
            s += x;
            within += x < FaceDescriptor.SAME_PERSON_THRESHOLD ? 1 : 0;
        }
        return new Summary(v.length, s / v.length, percentile(v, 0.5), percentile(v, 0.95), (double) within / v.length);
    }

    /** Percentile of sorted values, linear interpolation at rank {@code p (n - 1)}. */
    static double percentile(double[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        double r = p * (sorted.length - 1);
        int lo = (int) Math.floor(r);
        int hi = Math.min(lo + 1, sorted.length - 1);
        return sorted[lo] + (r - lo) * (sorted[hi] - sorted[lo]);
    }

    /**
     * One row of the verification table.
     *
     * @param genuine        genuine comparisons (probe i against gallery i)
     * @param impostors      impostor comparisons (probe i against gallery j, j != i)
     * @param thresholds     per {@link #FARS} entry, the distance threshold (accept when distance &lt; threshold)
     * @param tar            per FAR, the share of genuine comparisons accepted
     * @param achievedFar    per FAR, the share of impostor comparisons accepted at that threshold
     * @param tarAtThreshold share of genuine comparisons below {@link FaceDescriptor#SAME_PERSON_THRESHOLD}
     * @param farAtThreshold share of impostor comparisons below it
     */
    record Verification(int genuine, long impostors, double[] thresholds, double[] tar, double[] achievedFar,
                        double tarAtThreshold, double farAtThreshold) {
    }

    /**
     * Verification of probes against a gallery: genuine = same index, impostors = every other gallery entry.
     * For a target FAR f over M impostor distances sorted ascending {@code s[0..M-1]}, the threshold is
     * {@code s[floor(f M)]} and a comparison is accepted when its distance is strictly below it, so at most
     * {@code floor(f M)} impostor comparisons are accepted (the achieved FAR is reported; with
     * {@code f M < 1} the threshold is the closest impostor and the achieved FAR is 0).
     *
     * @param gallery descriptors of the sharp faces
     * @param probes  descriptors of the probes, same order (probe i is the same face as gallery i)
     * @return the row
     * @throws IllegalArgumentException if the lists differ in size or have fewer than 2 entries
     */
    static Verification verify(List<float[]> gallery, List<float[]> probes) {
        int n = gallery.size();
        if (probes.size() != n || n < 2) {
            throw new IllegalArgumentException("verification needs equal gallery and probe lists of at least 2, got "
                    + n + " and " + probes.size());
        }
        double[] genuine = new double[n];
        double[] impostor = new double[n * (n - 1)];
        int k = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double d = FaceDescriptor.distance(probes.get(i), gallery.get(j));
                if (i == j) {
                    genuine[i] = d;
                } else {
                    impostor[k++] = d;
                }
            }
        }
        Arrays.sort(impostor);
        double[] thresholds = new double[FARS.length];
        double[] tar = new double[FARS.length];
        double[] achieved = new double[FARS.length];
        for (int f = 0; f < FARS.length; f++) {
            int allowed = (int) Math.floor(FARS[f] * impostor.length);
            double t = impostor[Math.min(allowed, impostor.length - 1)];
            thresholds[f] = t;
            tar[f] = shareBelow(genuine, t);
            achieved[f] = (double) countBelowSorted(impostor, t) / impostor.length;
        }
        double thr = FaceDescriptor.SAME_PERSON_THRESHOLD;
        return new Verification(n, impostor.length, thresholds, tar, achieved, shareBelow(genuine, thr),
                (double) countBelowSorted(impostor, thr) / impostor.length);
    }

    private static double shareBelow(double[] v, double t) {
        int c = 0;
        for (double x : v) {
            c += x < t ? 1 : 0;
        }
        return (double) c / v.length;
    }

    /** Number of values strictly below t in a sorted array. */
    private static int countBelowSorted(double[] sorted, double t) {
        int lo = 0;
        int hi = sorted.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] < t) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
