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
    void isDeterministicAndTinyCropsAreUnmeasurable() {
        FaceImage img = card(112, 144, 3);
        assertThat(BlurEstimator.assess(img)).isEqualTo(BlurEstimator.assess(card(112, 144, 3)));
        assertThat(BlurEstimator.assess(img).kind()).isNotEqualTo(BlurAssessment.Kind.UNMEASURABLE);
        for (FaceImage tiny : new FaceImage[] {card(16, 16, 1), card(16, 40, 2), card(300, 17, 4), card(31, 64, 5)}) {
            BlurAssessment a = BlurEstimator.assess(tiny);
            assertThat(a).as("%dx%d", tiny.width(), tiny.height())
                    .isEqualTo(BlurAssessment.of(0, 0, BlurAssessment.Kind.UNMEASURABLE, 0, 0));
        }
        assertThat(BlurEstimator.assess(card(32, 32, 6)).kind()).isNotEqualTo(BlurAssessment.Kind.UNMEASURABLE);
    }

    private static FaceImage gray(int w, int h, java.util.function.IntBinaryOperator level) {
        float[] p = new float[3 * w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                float v = level.applyAsInt(x, y) / 255f;
                p[y * w + x] = v;
                p[w * h + y * w + x] = v;
                p[2 * w * h + y * w + x] = v;
            }
        }
        return FaceImage.fromPlanarFloat(w, h, p);
    }

    @Test
    void flatAndFeaturelessImagesAreUnmeasurableWithoutClampValues() {
        // before: a flat image got extent 22025.466 (exp(10) - 1, a clamp leaking out)
        FaceImage[] featureless = {
            gray(64, 64, (x, y) -> 128),
            gray(256, 256, (x, y) -> 0),
            gray(256, 256, (x, y) -> 255),
            gray(256, 256, (x, y) -> 60 + x / 4), // a gentle ramp: 1 level per 4 px
            gray(200, 120, (x, y) -> 100 + ((x * 7 + y * 13) % 3 == 0 ? 1 : 0)), // one-level dither
        };
        for (FaceImage f : featureless) {
            BlurAssessment a = BlurEstimator.assess(f);
            assertThat(a.kind()).as("%s", f).isEqualTo(BlurAssessment.Kind.UNMEASURABLE);
            assertThat(a.severity()).isZero();
            assertThat(a.extentPixels()).isZero();
            assertThat(a.needsDeblurring()).isFalse();
        }
    }

    @Test
    void pureNoiseIsUnmeasurableNotSevere() {
        // before: pure noise got severity 1.0
        for (int amplitude : new int[] {6, 40, 255}) {
            Random r = new Random(amplitude);
            int[] v = new int[256 * 256];
            for (int i = 0; i < v.length; i++) {
                v[i] = Math.max(0, Math.min(255, 128 + (int) Math.round(r.nextGaussian() * amplitude / 2.0)));
            }
            FaceImage noise = gray(256, 256, (x, y) -> v[y * 256 + x]);
            BlurAssessment a = BlurEstimator.assess(noise);
            assertThat(a.kind()).as("noise %d", amplitude).isEqualTo(BlurAssessment.Kind.UNMEASURABLE);
            assertThat(a.severity()).isZero();
            assertThat(a.noiseSigma()).as("noise %d", amplitude).isGreaterThan(amplitude / 2.0 * 0.6);
        }
    }

    @Test
    void aNoisyFaceIsStillMeasurableAndItsNoiseIsEstimated() {
        FaceImage clean = card(256, 256, 21);
        float[] p = clean.toPlanarFloat();
        Random r = new Random(5);
        int n = 256 * 256;
        for (int i = 0; i < n; i++) {
            float e = (float) (r.nextGaussian() * 8 / 255.0);
            for (int c = 0; c < 3; c++) {
                p[c * n + i] = Math.max(0f, Math.min(1f, p[c * n + i] + e));
            }
        }
        BlurAssessment noisy = BlurEstimator.assess(FaceImage.fromPlanarFloat(256, 256, p));
        BlurAssessment a = BlurEstimator.assess(clean);
        assertThat(noisy.kind()).isNotEqualTo(BlurAssessment.Kind.UNMEASURABLE);
        // the card's finest texture (sigma 0.6 px) reads as some noise already; sigma 8 adds in quadrature
        assertThat(noisy.noiseSigma()).isBetween(Math.hypot(a.noiseSigma(), 8) - 2, Math.hypot(a.noiseSigma(), 8) + 2);
    }

    @Test
    void extentStaysWithinItsDocumentedRangeOnExtremeInputs() {
        FaceImage[] extreme = {
            gray(256, 256, (x, y) -> ((x + y) & 1) == 0 ? 0 : 255), // 1-px checkerboard
            gray(256, 256, (x, y) -> (x / 64 + y / 64) % 2 == 0 ? 20 : 235), // huge blocks
            gray(64, 512, (x, y) -> y < 256 ? 0 : 255), // one edge
            blur(card(256, 256, 9), 12.0),
        };
        for (FaceImage f : extreme) {
            BlurAssessment a = BlurEstimator.assess(f);
            assertThat(a.extentPixels()).isBetween(0.0, BlurAssessment.MAX_EXTENT_PIXELS);
            assertThat(a.severity()).isBetween(0.0, 1.0);
            assertThat(a.anisotropy()).isFinite().isGreaterThanOrEqualTo(0.0);
        }
    }

    /** Box blur over {@code len} pixels along x (horizontal linear motion). */
    static FaceImage motionX(FaceImage img, int len) {
        int w = img.width();
        int h = img.height();
        float[] p = img.toPlanarFloat();
        float[] out = new float[p.length];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    double s = 0;
                    for (int i = 0; i < len; i++) {
                        s += p[c * w * h + y * w + Math.min(w - 1, Math.max(0, x + i - len / 2))];
                    }
                    out[c * w * h + y * w + x] = (float) (Math.round(s / len * 255) / 255.0);
                }
            }
        }
        return FaceImage.fromPlanarFloat(w, h, out);
    }

    @Test
    void motionBlurIsMoreAnisotropicThanGaussianBlur() {
        FaceImage sharp = card(256, 256, 13);
        BlurAssessment motion = BlurEstimator.assess(motionX(sharp, 13));
        BlurAssessment gauss = BlurEstimator.assess(blur(sharp, 2.0));
        assertThat(motion.anisotropy()).isGreaterThan(gauss.anisotropy() + 0.3);
        assertThat(motion.kind()).isEqualTo(BlurAssessment.Kind.DIRECTIONAL);
        assertThat(gauss.kind()).isEqualTo(BlurAssessment.Kind.ISOTROPIC);
    }

    @Test
    void rejectsNull() {
        assertThatThrownBy(() -> BlurEstimator.assess((FaceImage) null))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("image");
    }
}
