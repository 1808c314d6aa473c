package io.smfd.eval;

import java.util.Arrays;

/** Rank statistics for the blur-assessment figures: Spearman correlation and ROC AUC, both tie-aware. */
public final class AssessmentStats {

    private AssessmentStats() {
    }

    /**
     * Ranks with ties given their average rank (1-based).
     *
     * @param v values
     * @return the rank of each value
     */
    static double[] ranks(double[] v) {
        int n = v.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(v[a], v[b]));
        double[] r = new double[n];
        int i = 0;
        while (i < n) {
            int j = i;
            while (j + 1 < n && Double.compare(v[order[j + 1]], v[order[i]]) == 0) {
                j++;
            }
            double avg = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) {
                r[order[k]] = avg;
            }
            i = j + 1;
        }
        return r;
    }

    /**
     * Spearman's rank correlation: Pearson's correlation of the (average-tie) ranks.
     *
     * @param x first variable
     * @param y second variable, same length
     * @return the correlation in [-1, 1], NaN if a variable is constant or fewer than two values are given
     */
    public static double spearman(double[] x, double[] y) {
        if (x.length != y.length) {
            throw new IllegalArgumentException("lengths differ: " + x.length + " vs " + y.length);
        }
        if (x.length < 2) {
            return Double.NaN;
        }
        double[] rx = ranks(x);
        double[] ry = ranks(y);
        double mx = Arrays.stream(rx).average().orElse(0);
        double my = Arrays.stream(ry).average().orElse(0);
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        for (int i = 0; i < rx.length; i++) {
            sxy += (rx[i] - mx) * (ry[i] - my);
            sxx += (rx[i] - mx) * (rx[i] - mx);
            syy += (ry[i] - my) * (ry[i] - my);
        }
        return sxx == 0 || syy == 0 ? Double.NaN : sxy / Math.sqrt(sxx * syy);
    }

    /**
     * Area under the ROC curve of a score for a binary label: the probability that a random positive scores
     * higher than a random negative, ties counting one half (Mann-Whitney U / (P N)).
     *
     * @param score  scores
     * @param label  labels, same length
     * @return the AUC in [0, 1], NaN if there are no positives or no negatives
     */
    public static double rocAuc(double[] score, boolean[] label) {
        if (score.length != label.length) {
            throw new IllegalArgumentException("lengths differ: " + score.length + " vs " + label.length);
        }
        double[] r = ranks(score);
        double rankSum = 0;
        long pos = 0;
        for (int i = 0; i < r.length; i++) {
            if (label[i]) {
                rankSum += r[i];
                pos++;
            }
        }
        long neg = r.length - pos;
        if (pos == 0 || neg == 0) {
            return Double.NaN;
        }
        return (rankSum - pos * (pos + 1) / 2.0) / ((double) pos * neg);
    }
}
