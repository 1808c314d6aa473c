package io.smfd.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class FftTest {

    @Test
    void matchesNaiveDftForPowersOfTwo() {
        Random r = new Random(42);
        for (int n : new int[] {1, 2, 4, 8, 16, 64, 256}) {
            double[] re = new double[n];
            double[] im = new double[n];
            for (int i = 0; i < n; i++) {
                re[i] = r.nextGaussian();
                im[i] = r.nextGaussian();
            }
            double[][] expected = Fft.naiveDft(re, im, false);
            double[] fr = re.clone();
            double[] fi = im.clone();
            Fft.transform(fr, fi, false);
            for (int k = 0; k < n; k++) {
                assertThat(fr[k]).as("n=%d re[%d]", n, k).isCloseTo(expected[0][k], within(1e-9));
                assertThat(fi[k]).as("n=%d im[%d]", n, k).isCloseTo(expected[1][k], within(1e-9));
            }
            Fft.transform(fr, fi, true);
            for (int k = 0; k < n; k++) {
                assertThat(fr[k]).isCloseTo(re[k], within(1e-12));
                assertThat(fi[k]).isCloseTo(im[k], within(1e-12));
            }
        }
    }

    @Test
    void twoDimensionalMatchesNaiveSeparableDft() {
        int w = 8;
        int h = 4;
        Random r = new Random(3);
        double[] re = new double[w * h];
        double[] im = new double[w * h];
        for (int i = 0; i < re.length; i++) {
            re[i] = r.nextDouble(); // real input
        }
        double[] fr = re.clone();
        double[] fi = im.clone();
        Fft.transform2d(fr, fi, w, h, false);
        for (int v = 0; v < h; v++) {
            for (int u = 0; u < w; u++) {
                double sr = 0;
                double si = 0;
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        double a = -2 * Math.PI * ((double) u * x / w + (double) v * y / h);
                        sr += re[y * w + x] * Math.cos(a);
                        si += re[y * w + x] * Math.sin(a);
                    }
                }
                assertThat(fr[v * w + u]).isCloseTo(sr, within(1e-10));
                assertThat(fi[v * w + u]).isCloseTo(si, within(1e-10));
            }
        }
        // Hermitian symmetry of a real input
        assertThat(fr[1 * w + 3]).isCloseTo(fr[(h - 1) * w + (w - 3)], within(1e-10));
        assertThat(fi[1 * w + 3]).isCloseTo(-fi[(h - 1) * w + (w - 3)], within(1e-10));
        Fft.transform2d(fr, fi, w, h, true);
        for (int i = 0; i < re.length; i++) {
            assertThat(fr[i]).isCloseTo(re[i], within(1e-12));
            assertThat(fi[i]).isCloseTo(0.0, within(1e-12));
        }
    }

    @Test
    void powerOfTwoHelpers() {
        assertThat(Fft.nextPowerOfTwo(256)).isEqualTo(256);
        assertThat(Fft.nextPowerOfTwo(257)).isEqualTo(512);
        assertThat(Fft.nextPowerOfTwo(1)).isEqualTo(1);
        assertThat(Fft.isPowerOfTwo(96)).isFalse();
        assertThatThrownBy(() -> Fft.transform(new double[6], new double[6], false))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
