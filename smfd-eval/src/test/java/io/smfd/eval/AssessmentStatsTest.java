package io.smfd.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class AssessmentStatsTest {

    @Test
    void spearmanOfMonotoneAndReversedAndTiedData() {
        double[] x = {1, 2, 3, 4, 5};
        assertThat(AssessmentStats.spearman(x, new double[] {10, 20, 30, 40, 1000})).isEqualTo(1.0, within(1e-12));
        assertThat(AssessmentStats.spearman(x, new double[] {5, 4, 3, 2, 1})).isEqualTo(-1.0, within(1e-12));
        // textbook value with ties: ranks y = 1, 2.5, 2.5, 4, 5 -> rho = 0.9747
        assertThat(AssessmentStats.spearman(x, new double[] {1, 2, 2, 3, 4})).isEqualTo(0.974679, within(1e-6));
        assertThat(AssessmentStats.spearman(x, new double[] {7, 7, 7, 7, 7})).isNaN();
        assertThatThrownBy(() -> AssessmentStats.spearman(x, new double[] {1})).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rocAucCountsPairsAndHalfTies() {
        boolean[] label = {false, false, true, true};
        assertThat(AssessmentStats.rocAuc(new double[] {0.1, 0.2, 0.8, 0.9}, label)).isEqualTo(1.0);
        assertThat(AssessmentStats.rocAuc(new double[] {0.9, 0.8, 0.2, 0.1}, label)).isEqualTo(0.0);
        // pairs (pos, neg): (0.5 vs 0.1) win, (0.5 vs 0.5) tie, (0.3 vs 0.1) win, (0.3 vs 0.5) loss -> 2.5 / 4
        assertThat(AssessmentStats.rocAuc(new double[] {0.1, 0.5, 0.5, 0.3}, label)).isEqualTo(0.625);
        assertThat(AssessmentStats.rocAuc(new double[] {1, 2}, new boolean[] {true, true})).isNaN();
    }

    @Test
    void rocAucOfRandomScoresIsNearOneHalf() {
        Random r = new Random(1);
        int n = 20000;
        double[] s = new double[n];
        boolean[] l = new boolean[n];
        for (int i = 0; i < n; i++) {
            s[i] = r.nextDouble();
            l[i] = r.nextBoolean();
        }
        assertThat(AssessmentStats.rocAuc(s, l)).isEqualTo(0.5, within(0.02));
    }

    @Test
    void calibrationFitsRecoverKnownModels() {
        Random r = new Random(2);
        int n = 4000;
        double[][] x = new double[n][];
        double[] y = new double[n];
        boolean[] label = new boolean[n];
        double[] w = {0.5, -2.0, 1.5};
        for (int i = 0; i < n; i++) {
            x[i] = new double[] {1, r.nextGaussian(), r.nextGaussian()};
            double z = w[0] + w[1] * x[i][1] + w[2] * x[i][2];
            y[i] = z + 0.01 * r.nextGaussian();
            label[i] = r.nextDouble() < 1 / (1 + Math.exp(-z));
        }
        double[] ls = AssessmentCalibration.leastSquares(x, y);
        double[] lg = AssessmentCalibration.logistic(x, label, 0);
        for (int j = 0; j < 3; j++) {
            assertThat(ls[j]).as("least squares w%d", j).isEqualTo(w[j], within(0.01));
            assertThat(lg[j]).as("logistic w%d", j).isEqualTo(w[j], within(0.2));
        }
    }

    @Test
    void weightedFitsEqualRepeatedRowsAndStandardisingKeepsPredictions() {
        Random r = new Random(3);
        int n = 600;
        double[][] x = new double[n][];
        boolean[] label = new boolean[n];
        double[] weight = new double[n];
        java.util.List<double[]> rows = new java.util.ArrayList<>();
        java.util.List<Boolean> labels = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            x[i] = new double[] {1, 50 + 10 * r.nextGaussian(), 0.01 * r.nextGaussian()};
            label[i] = r.nextDouble() < 1 / (1 + Math.exp(-(x[i][1] - 50) / 10 - 100 * x[i][2]));
            weight[i] = 1 + (i % 3); // weight 1, 2, 3 = the row once, twice, three times
            for (int k = 0; k < weight[i]; k++) {
                rows.add(x[i]);
                labels.add(label[i]);
            }
        }
        boolean[] repeatedLabel = new boolean[labels.size()];
        for (int i = 0; i < repeatedLabel.length; i++) {
            repeatedLabel[i] = labels.get(i);
        }
        double[][] repeated = rows.toArray(double[][]::new);
        double[] weighted = AssessmentCalibration.logistic(x, label, weight, 1e-4);
        double[] plain = AssessmentCalibration.logistic(repeated, repeatedLabel, 1e-4);
        for (int j = 0; j < 3; j++) {
            assertThat(weighted[j]).as("w%d", j).isEqualTo(plain[j], within(1e-8 * Math.max(1, Math.abs(plain[j]))));
        }
        // a fit on standardised columns, mapped back, predicts what the same fit predicts on the standardised rows
        double[] raw = AssessmentCalibration.standardised(x, xs -> AssessmentCalibration.logistic(xs, label, weight, 1e-3));
        double zRaw = raw[0] + raw[1] * x[7][1] + raw[2] * x[7][2];
        double[] w = AssessmentCalibration.logistic(standardisedRows(x), label, weight, 1e-3);
        double[] s7 = standardisedRows(x)[7];
        assertThat(zRaw).isEqualTo(w[0] + w[1] * s7[1] + w[2] * s7[2], within(1e-9));
        assertThat(AssessmentCalibration.quantile(java.util.List.of(4.0, 1.0, 3.0, 2.0, 5.0), 0.5)).isEqualTo(3.0);
        assertThat(AssessmentCalibration.quantile(java.util.List.of(0.0, 10.0), 0.995)).isEqualTo(9.95, within(1e-12));
    }

    private static double[][] standardisedRows(double[][] x) {
        double[][] out = new double[x.length][];
        for (int j = 1; j < x[0].length; j++) {
            double s = 0;
            double ss = 0;
            for (double[] r : x) {
                s += r[j];
                ss += r[j] * r[j];
            }
            double mu = s / x.length;
            double sd = Math.sqrt(ss / x.length - mu * mu) + 1e-9;
            for (int i = 0; i < x.length; i++) {
                if (out[i] == null) {
                    out[i] = new double[x[0].length];
                    out[i][0] = 1;
                }
                out[i][j] = (x[i][j] - mu) / sd;
            }
        }
        return out;
    }
}
