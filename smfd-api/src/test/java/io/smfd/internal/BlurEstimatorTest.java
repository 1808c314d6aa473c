package io.smfd.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smfd.BlurAssessment;
import io.smfd.FaceImage;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The estimator on synthetic face-like images (a 1/f texture with an oval face, eyes and a mouth), sharp and
 * blurred with Gaussians of known sigma (radius of gyration {@code sqrt(2) sigma}). Real faces are checked in
 * smfd-eval's {@code BlurAssessmentRealFaceTest}.
 */
class BlurEstimatorTest {

    /** A deterministic face-like test card: textured background, oval face, dark eyes and mouth, 8-bit. */
    static FaceImage card(int w, int h, long seed) {
        Random r = new Random(seed);
        int n = w * h;
        float[] luma = new float[n];
        double[] sigmas = {0.6, 1.0, 2.0, 4.0, 8.0};
        double[] amps = {0.04, 0.05, 0.07, 0.09, 0.12};
        for (int k = 0; k < sigmas.length; k++) {
            float[] noise = new float[n];
            for (int i = 0; i < n; i++) {
                noise[i] = (float) r.nextGaussian();
            }
            float[] b = sigmas[k] == 0 ? noise : gaussian(noise, w, h, sigmas[k]);
            double sd = Math.sqrt(variance(b));
            for (int i = 0; i < n; i++) {
                luma[i] += (float) (amps[k] * b[i] / sd);
            }
        }
        float[] p = new float[3 * n];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double u = (x - w / 2.0) / (0.32 * w);
                double v = (y - 0.55 * h) / (0.42 * h);
                double base = u * u + v * v < 1 ? 0.62 : 0.35;
                if (ellipse(x, y, 0.38 * w, 0.47 * h, 0.07 * w, 0.03 * h) || ellipse(x, y, 0.62 * w, 0.47 * h, 0.07 * w, 0.03 * h)) {
                    base = 0.15;
                }
                if (ellipse(x, y, 0.5 * w, 0.75 * h, 0.12 * w, 0.025 * h)) {
                    base = 0.3;
                }
                int i = y * w + x;
                double l = base + luma[i];
                p[i] = q(l * 1.05);
                p[n + i] = q(l * 0.9);
                p[2 * n + i] = q(l * 0.8);
            }
        }
        return FaceImage.fromPlanarFloat(w, h, p);
    }

    static FaceImage blur(FaceImage img, double sigma) {
        int w = img.width();
        int h = img.height();
        int n = w * h;
        float[] p = img.toPlanarFloat();
        float[] out = new float[3 * n];
        for (int c = 0; c < 3; c++) {
            float[] plane = new float[n];
            System.arraycopy(p, c * n, plane, 0, n);
            float[] b = gaussian(plane, w, h, sigma);
            for (int i = 0; i < n; i++) {
                out[c * n + i] = q(b[i]);
            }
        }
        return FaceImage.fromPlanarFloat(w, h, out);
    }

    private static boolean ellipse(int x, int y, double cx, double cy, double rx, double ry) {
        double u = (x - cx) / rx;
        double v = (y - cy) / ry;
        return u * u + v * v < 1;
    }

    private static float q(double v) {
        return Math.round(Math.max(0, Math.min(1, v)) * 255) / 255f;
    }

    private static double variance(float[] v) {
        double m = 0;
        for (float f : v) {
            m += f;
        }
        m /= v.length;
        double s = 0;
        for (float f : v) {
            s += (f - m) * (f - m);
        }
        return s / v.length;
    }

    /** Separable Gaussian blur with clamped borders. */
    static float[] gaussian(float[] src, int w, int h, double sigma) {
        int rad = (int) Math.ceil(4 * sigma);
        double[] k = new double[2 * rad + 1];
        double s = 0;
        for (int i = -rad; i <= rad; i++) {
            k[i + rad] = Math.exp(-i * i / (2 * sigma * sigma));
            s += k[i + rad];
        }
        for (int i = 0; i < k.length; i++) {
            k[i] /= s;
        }
        float[] tmp = new float[w * h];
        float[] out = new float[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double a = 0;
                for (int i = -rad; i <= rad; i++) {
                    a += k[i + rad] * src[y * w + Math.min(w - 1, Math.max(0, x + i))];
                }
                tmp[y * w + x] = (float) a;
            }
        }
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double a = 0;
                for (int i = -rad; i <= rad; i++) {
                    a += k[i + rad] * tmp[Math.min(h - 1, Math.max(0, y + i)) * w + x];
                }
                out[y * w + x] = (float) a;
            }
        }
        return out;
    }

    @Test
    void sharpMildAndStrongBlurAreOrderedAndStrongBlurNeedsDeblurring() {
        FaceImage sharp = card(256, 256, 2);
        BlurAssessment s = BlurEstimator.assess(sharp);
        BlurAssessment mild = BlurEstimator.assess(blur(sharp, 0.8));
        BlurAssessment strong = BlurEstimator.assess(blur(sharp, 3.0));
        assertThat(s.severity()).isLessThan(strong.severity());
        assertThat(mild.severity()).isLessThan(strong.severity());
        assertThat(mild.needsDeblurring()).isFalse();
        assertThat(s.extentPixels()).isLessThan(mild.extentPixels());
        assertThat(mild.extentPixels()).isLessThan(strong.extentPixels());
        assertThat(s.needsDeblurring()).isFalse();
        assertThat(strong.needsDeblurring()).isTrue();
        // sigma 3 has a radius of gyration of 4.2 px
        assertThat(strong.extentPixels()).isBetween(2.0, 8.0);
        assertThat(s.extentPixels()).isLessThan(1.5);
    }

    @Test
    void extentGrowsWithTheBlur() {
        FaceImage sharp = card(256, 256, 11);
        double previous = -1;
        for (double sigma : new double[] {0.7, 1.5, 2.5, 4.0}) {
            double e = BlurEstimator.assess(blur(sharp, sigma)).extentPixels();
            assertThat(e).as("extent at sigma %s", sigma).isGreaterThan(previous);
            previous = e;
        }
    }

    @Test
    void isDeterministicAndWorksOnTheSmallestAndOnNonSquareCrops() {
        FaceImage img = card(112, 144, 3);
        assertThat(BlurEstimator.assess(img)).isEqualTo(BlurEstimator.assess(card(112, 144, 3)));
        for (FaceImage tiny : new FaceImage[] {card(16, 16, 1), card(16, 40, 2), card(300, 17, 4)}) {
            BlurAssessment a = BlurEstimator.assess(tiny);
            assertThat(a.severity()).isBetween(0.0, 1.0);
            assertThat(a.extentPixels()).isFinite().isGreaterThanOrEqualTo(0.0);
        }
    }

    @Test
    void flatImageIsFiniteAndNotNaN() {
        float[] grey = new float[3 * 64 * 64];
        java.util.Arrays.fill(grey, 0.5f);
        BlurAssessment a = BlurEstimator.assess(FaceImage.fromPlanarFloat(64, 64, grey));
        assertThat(a.severity()).isBetween(0.0, 1.0);
        assertThat(a.extentPixels()).isFinite();
    }

    @Test
    void rejectsNull() {
        assertThatThrownBy(() -> BlurEstimator.assess((FaceImage) null))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("image");
    }
}
