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
        return verify(gallery, probes, FaceDescriptor::distance, FaceDescriptor.SAME_PERSON_THRESHOLD).verification();
    }

    /**
     * Verification and identification of probes against a gallery that may be larger than the probe set.
     *
     * @param verification      TAR at the {@link #FARS} (as {@link #verify(List, List)})
     * @param rank1             share of probes whose nearest gallery entry is their own face
     */
    record Matching(Verification verification, double rank1) {
    }

    /**
     * Probe {@code i} is the same face as gallery entry {@code i}; the gallery may hold more faces (entries
     * {@code probes.size()..} are impostors only). Genuine = same index; impostors = every other gallery entry;
     * thresholds as in {@link #verify(List, List)}; rank-1 = share of probes whose smallest distance over the
     * whole gallery is the genuine one (ties count as misses).
     *
     * @param gallery   embeddings of the sharp faces
     * @param probes    embeddings of the probes, {@code probes.size() <= gallery.size()}
     * @param distance  the matcher's distance
     * @param threshold a fixed threshold for the {@code tarAtThreshold} / {@code farAtThreshold} columns (NaN:
     *                  none)
     * @return the row
     * @throws IllegalArgumentException if there are fewer than 2 gallery entries or 1 probe, or more probes
     *                                  than gallery entries
     */
    static Matching verify(List<float[]> gallery, List<float[]> probes,
                           java.util.function.ToDoubleBiFunction<float[], float[]> distance, double threshold) {
        int n = gallery.size();
        int p = probes.size();
        if (n < 2 || p < 1 || p > n) {
            throw new IllegalArgumentException("verification needs a gallery of at least 2 and 1.." + n
                    + " probes, got " + n + " and " + p);
        }
        double[] genuine = new double[p];
        double[] impostor = new double[p * (n - 1)];
        int k = 0;
        int rank1 = 0;
        for (int i = 0; i < p; i++) {
            double best = Double.POSITIVE_INFINITY;
            for (int j = 0; j < n; j++) {
                double d = distance.applyAsDouble(probes.get(i), gallery.get(j));
                if (i == j) {
                    genuine[i] = d;
                } else {
                    impostor[k++] = d;
                    best = Math.min(best, d);
                }
            }
            rank1 += genuine[i] < best ? 1 : 0;
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
        double thr = threshold;
        Verification v = new Verification(p, impostor.length, thresholds, tar, achieved,
                Double.isNaN(thr) ? Double.NaN : shareBelow(genuine, thr),
                Double.isNaN(thr) ? Double.NaN : (double) countBelowSorted(impostor, thr) / impostor.length);
        return new Matching(v, (double) rank1 / p);
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
