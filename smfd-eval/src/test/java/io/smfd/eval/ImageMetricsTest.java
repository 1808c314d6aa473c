package io.smfd.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.smfd.FaceImage;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ImageMetricsTest {

    private static FaceImage constant(int w, int h, float v) {
        float[] p = new float[3 * w * h];
        Arrays.fill(p, v);
        return FaceImage.fromPlanarFloat(w, h, p);
    }

    private static FaceImage random(int w, int h, long seed) {
        Random r = new Random(seed);
        float[] p = new float[3 * w * h];
        for (int i = 0; i < p.length; i++) {
            p[i] = r.nextFloat();
        }
        return FaceImage.fromPlanarFloat(w, h, p);
    }

    private static FaceImage smooth(int w, int h) {
        float[] p = new float[3 * w * h];
        int n = w * h;
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    p[c * n + y * w + x] = (float) (0.5 + 0.3 * Math.sin(0.2 * x + c) * Math.cos(0.15 * y));
                }
            }
        }
        return FaceImage.fromPlanarFloat(w, h, p);
    }

    @Test
    void psnrOfConstantOffsetIsMinus20Log10D() {
        for (double d : new double[] {0.5, 0.1, 0.01, 1.0 / 255}) {
            double[] x = new double[100];
            double[] y = new double[100];
            for (int i = 0; i < 100; i++) {
                x[i] = 0.2 + 0.001 * i;
                y[i] = x[i] + d;
            }
            assertThat(ImageMetrics.psnr(x, y, 1.0)).isCloseTo(-20 * Math.log10(d), within(1e-9));
        }
    }

    @Test
    void psnrOnFaceImagesUsesPeakOneAndPoolsChannels() {
        FaceImage a = constant(32, 32, 0.25f);
        FaceImage b = constant(32, 32, 0.5f);
        assertThat(ImageMetrics.psnrRgb(a, b)).isCloseTo(-20 * Math.log10(0.25), within(1e-4));
        // 8-bit data with peak 255 gives the same number as [0,1] data with peak 1
        double[] x = {10, 20, 30};
        double[] y = {11, 22, 27};
        double[] xu = {10 / 255.0, 20 / 255.0, 30 / 255.0};
        double[] yu = {11 / 255.0, 22 / 255.0, 27 / 255.0};
        assertThat(ImageMetrics.psnr(x, y, 255)).isCloseTo(ImageMetrics.psnr(xu, yu, 1.0), within(1e-9));
        assertThat(ImageMetrics.psnr(x, y, 255)).isCloseTo(10 * Math.log10(255.0 * 255 / (14.0 / 3)), within(1e-9));
    }

    @Test
    void identicalImagesGiveInfinitePsnrAndSsimOne() {
        FaceImage a = random(40, 30, 1);
        assertThat(ImageMetrics.psnrRgb(a, a)).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(ImageMetrics.psnrY(a, a)).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(ImageMetrics.ssimRgb(a, a)).isCloseTo(1.0, within(1e-12));
        assertThat(ImageMetrics.ssimY(a, a)).isCloseTo(1.0, within(1e-12));
    }

    @Test
    void ssimOfTwoConstantImagesIsLuminanceTermExactly() {
        double a = 0.3;
        double b = 0.7;
        int w = 20;
        int h = 17;
        double[] x = new double[w * h];
        double[] y = new double[w * h];
        Arrays.fill(x, a);
        Arrays.fill(y, b);
        double c1 = Math.pow(0.01 * 1.0, 2);
        double expected = (2 * a * b + c1) / (a * a + b * b + c1);
        assertThat(ImageMetrics.ssim(x, y, w, h, 1.0)).isCloseTo(expected, within(1e-12));
        // also on the 8-bit scale
        Arrays.fill(x, 40);
        Arrays.fill(y, 200);
        double c1b = Math.pow(0.01 * 255, 2);
        assertThat(ImageMetrics.ssim(x, y, w, h, 255)).isCloseTo((2 * 40 * 200 + c1b) / (40 * 40 + 200 * 200 + c1b),
                within(1e-12));
    }

    /** One 11x11 window: SSIM computed independently with the direct weighted-sum formula. */
    @Test
    void handWorked11x11MatchesDirectFormula() {
        int n = 11;
        double[] x = new double[n * n];
        double[] y = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                x[i * n + j] = ((i * 7 + j * 3) % 11) / 10.0;
                y[i * n + j] = 0.8 * x[i * n + j] + 0.05 * ((i + 2 * j) % 5) / 4.0;
            }
        }
        // direct formula with the Gaussian window built here from scratch
        double[] g = new double[n];
        double gs = 0;
        for (int i = 0; i < n; i++) {
            g[i] = Math.exp(-((i - 5) * (i - 5)) / (2 * 1.5 * 1.5));
            gs += g[i];
        }
        double mx = 0;
        double my = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double wgt = g[i] * g[j] / (gs * gs);
                mx += wgt * x[i * n + j];
                my += wgt * y[i * n + j];
            }
        }
        double vx = 0;
        double vy = 0;
        double cxy = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double wgt = g[i] * g[j] / (gs * gs);
                vx += wgt * (x[i * n + j] - mx) * (x[i * n + j] - mx);
                vy += wgt * (y[i * n + j] - my) * (y[i * n + j] - my);
                cxy += wgt * (x[i * n + j] - mx) * (y[i * n + j] - my);
            }
        }
        double c1 = 1e-4;
        double c2 = 9e-4;
        double expected = (2 * mx * my + c1) * (2 * cxy + c2) / ((mx * mx + my * my + c1) * (vx + vy + c2));
        assertThat(expected).isBetween(0.5, 0.999);
        assertThat(ImageMetrics.ssim(x, y, n, n, 1.0)).isCloseTo(expected, within(1e-12));
    }

    @Test
    void ssimIsSymmetricAndBelowOneForNoise() {
        FaceImage a = smooth(48, 40);
        FaceImage b = random(48, 40, 7);
        float[] pa = a.toPlanarFloat();
        float[] pb = b.toPlanarFloat();
        float[] noisy = new float[pa.length];
        for (int i = 0; i < pa.length; i++) {
            noisy[i] = Math.min(1f, Math.max(0f, pa[i] + 0.1f * (pb[i] - 0.5f)));
        }
        FaceImage c = FaceImage.fromPlanarFloat(48, 40, noisy);
        double s1 = ImageMetrics.ssimRgb(a, c);
        double s2 = ImageMetrics.ssimRgb(c, a);
        assertThat(s1).isCloseTo(s2, within(1e-12)).isLessThan(0.99).isGreaterThan(0.0);
        assertThat(ImageMetrics.ssimY(a, c)).isCloseTo(ImageMetrics.ssimY(c, a), within(1e-12)).isLessThan(0.99);
        assertThat(ImageMetrics.psnrRgb(a, c)).isCloseTo(ImageMetrics.psnrRgb(c, a), within(1e-12));
    }

    @Test
    void windowIsNormalisedGaussian() {
        double[] w = ImageMetrics.ssimWindow();
        assertThat(Arrays.stream(w).sum()).isCloseTo(1.0, within(1e-12));
        assertThat(w[5 * 11 + 5] / w[5 * 11 + 6]).isCloseTo(Math.exp(1 / (2 * 2.25)), within(1e-12));
    }

    @Test
    void lumaOfWhiteIs235AndBlackIs16() {
        assertThat(ImageMetrics.luma(1, 1, 1)).isCloseTo(235.0, within(1e-9));
        assertThat(ImageMetrics.luma(0, 0, 0)).isEqualTo(16.0);
        for (double v : ImageMetrics.luma(constant(16, 16, 1f))) {
            assertThat(v).isCloseTo(235.0, within(1e-9));
        }
        assertThat(ImageMetrics.luma(1, 0, 0)).isCloseTo(16 + 65.481, within(1e-9));
    }

    @Test
    void yPsnrUsesPeak255OnTheLumaScale() {
        FaceImage a = constant(16, 16, 0.2f);
        FaceImage b = constant(16, 16, 0.3f);
        double dy = (65.481 + 128.553 + 24.966) * (0.3f - 0.2f);
        assertThat(ImageMetrics.psnrY(a, b)).isCloseTo(20 * Math.log10(255 / dy), within(1e-4));
    }

    @Test
    void regionPsnrOnlyCountsMaskedPixels() {
        int w = 16;
        int h = 16;
        int n = w * h;
        float[] pa = new float[3 * n];
        float[] pb = new float[3 * n];
        boolean[] mask = new boolean[n];
        for (int i = 0; i < n; i++) {
            boolean in = i % 3 == 0;
            mask[i] = in;
            for (int c = 0; c < 3; c++) {
                pa[c * n + i] = 0.5f;
                pb[c * n + i] = in ? 0.6f : 0.0f; // outside: huge errors that must not count
            }
        }
        FaceImage a = FaceImage.fromPlanarFloat(w, h, pa);
        FaceImage b = FaceImage.fromPlanarFloat(w, h, pb);
        assertThat(ImageMetrics.regionPsnrRgb(a, b, mask)).isCloseTo(-20 * Math.log10(0.1), within(1e-4));
        assertThat(ImageMetrics.regionPsnrRgb(a, b, new boolean[n])).isNaN();
        assertThat(ImageMetrics.regionPsnrRgb(a, a, mask)).isEqualTo(Double.POSITIVE_INFINITY);
    }

    @Test
    void rejectsMismatchedSizes() {
        assertThatThrownBy(() -> ImageMetrics.psnrRgb(constant(16, 16, 0), constant(17, 16, 0)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ImageMetrics.ssim(new double[100], new double[100], 10, 10, 1))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
