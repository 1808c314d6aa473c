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
}
