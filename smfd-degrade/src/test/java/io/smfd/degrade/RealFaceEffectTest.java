package io.smfd.degrade;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smfd.FaceImage;
import java.util.Arrays;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * Each component's effect on real faces from ../shared/data (skipped with a reason when the data
 * is absent; the images are read at run time and never written).
 */
class RealFaceEffectTest {
    private static final int[] FACES = {4500, 4501, 4502};

    private static double[] sharpnessAlong(BlurFamily fam, Parameter param, double[] values,
                                           FaceImage face) {
        double[] lv = new double[values.length + 1];
        lv[0] = TestSupport.laplacianVariance(face);
        for (int i = 0; i < values.length; i++) {
            DegradationPipeline.Builder b = TestSupport.blurOnly(fam)
                    .range(param, Range.fixed(values[i]));
            if (fam == BlurFamily.GAUSSIAN) {
                b.isotropicGaussianProbability(1);
            }
            lv[i + 1] = TestSupport.laplacianVariance(b.build().apply(face, 5));
        }
        return lv;
    }

    private static void assertStrictlyDecreasing(String what, double[] v) {
        for (int i = 1; i < v.length; i++) {
            assertTrue(v[i] < v[i - 1], what + " Laplacian variance must fall monotonically: "
                    + Arrays.toString(v));
        }
    }

    @Test
    void gaussianSigmaLowersSharpnessMonotonically() throws Exception {
        for (int f : FACES) {
            double[] lv = sharpnessAlong(BlurFamily.GAUSSIAN, Parameter.GAUSSIAN_SIGMA,
                    new double[] {0.5, 1, 1.5, 2, 3, 4}, TestSupport.realFace(f));
            assertStrictlyDecreasing("gaussian sigma, face " + f, lv);
        }
    }

    @Test
    void defocusRadiusLowersSharpnessMonotonically() throws Exception {
        for (int f : FACES) {
            double[] lv = sharpnessAlong(BlurFamily.DEFOCUS, Parameter.DEFOCUS_RADIUS,
                    new double[] {1, 2, 3, 4, 6, 8}, TestSupport.realFace(f));
            assertStrictlyDecreasing("defocus radius, face " + f, lv);
        }
    }

    @Test
    void linearLengthLowersSharpnessMonotonically() throws Exception {
        for (int f : FACES) {
            for (double angle : new double[] {0, 45, 120}) {
                FaceImage face = TestSupport.realFace(f);
                double[] lengths = {2, 5, 10, 15, 20, 30};
                double[] lv = new double[lengths.length + 1];
                lv[0] = TestSupport.laplacianVariance(face);
                for (int i = 0; i < lengths.length; i++) {
                    DegradationPipeline p = TestSupport.blurOnly(BlurFamily.LINEAR)
                            .range(Parameter.LINEAR_LENGTH, Range.fixed(lengths[i]))
                            .range(Parameter.LINEAR_ANGLE, Range.fixed(angle)).build();
                    lv[i + 1] = TestSupport.laplacianVariance(p.apply(face, 1));
                }
                assertStrictlyDecreasing("linear length at " + angle + " deg, face " + f, lv);
            }
        }
    }

    @Test
    void trajectoryBlurLowersSharpness() throws Exception {
        FaceImage face = TestSupport.realFace(4500);
        double sharp = TestSupport.laplacianVariance(face);
        DegradationPipeline p = TestSupport.blurOnly(BlurFamily.TRAJECTORY).build();
        double small = 0;
        double large = 0;
        for (long seed = 0; seed < 6; seed++) {
            DegradationPipeline ps = p.toBuilder()
                    .range(Parameter.TRAJECTORY_SIZE, Range.fixed(9)).build();
            DegradationPipeline pl = p.toBuilder()
                    .range(Parameter.TRAJECTORY_SIZE, Range.fixed(31)).build();
            double a = TestSupport.laplacianVariance(ps.apply(face, seed));
            double b = TestSupport.laplacianVariance(pl.apply(face, seed));
            assertTrue(a < sharp && b < sharp, "trajectory blur lowers sharpness");
            small += a;
            large += b;
        }
        assertTrue(large < small, "31x31 shakes blur more than 9x9 on average: "
                + large + " vs " + small);
    }

    @Test
    void noiseRaisesVarianceOfAFlatPatch() throws Exception {
        FaceImage face = TestSupport.realFace(4501);
        int[] patch = flattestPatch(face, 16);
        double base = patchVariance(face, patch);
        double prev = base;
        for (double sigma : new double[] {3, 8, 15}) {
            DegradationPipeline p = TestSupport.blurOnly(BlurFamily.GAUSSIAN)
                    .isotropicGaussianProbability(1)
                    .range(Parameter.GAUSSIAN_SIGMA, Range.fixed(0.1))
                    .noiseProbability(1).gaussianNoiseProbability(1)
                    .range(Parameter.GAUSSIAN_NOISE_SIGMA, Range.fixed(sigma)).build();
            double v = patchVariance(p.apply(face, 11), patch);
            assertTrue(v > prev, "gaussian sigma " + sigma + "/255 raises patch variance: "
                    + prev + " -> " + v);
            prev = v;
        }
        double prevP = base;
        for (double peak : new double[] {1000, 300, 100}) {
            DegradationPipeline p = TestSupport.blurOnly(BlurFamily.GAUSSIAN)
                    .isotropicGaussianProbability(1)
                    .range(Parameter.GAUSSIAN_SIGMA, Range.fixed(0.1))
                    .noiseProbability(1).gaussianNoiseProbability(0)
                    .range(Parameter.POISSON_NOISE_PEAK, Range.fixed(peak)).build();
            double v = patchVariance(p.apply(face, 12), patch);
            assertTrue(v > prevP, "poisson peak " + peak + " raises patch variance: "
                    + prevP + " -> " + v);
            prevP = v;
        }
    }

    @Test
    void lowerJpegQualityGivesLargerError() throws Exception {
        for (int f : FACES) {
            FaceImage face = TestSupport.realFace(f);
            double prev = 0;
            StringBuilder log = new StringBuilder();
            for (int q : new int[] {95, 75, 50, 25, 10}) {
                DegradationPipeline p = TestSupport.blurOnly(BlurFamily.GAUSSIAN)
                        .isotropicGaussianProbability(1)
                        .range(Parameter.GAUSSIAN_SIGMA, Range.fixed(0.1))
                        .jpegProbability(1).range(Parameter.JPEG_QUALITY, Range.fixed(q)).build();
                double mse = mse(face, p.apply(face, 3));
                log.append(String.format(Locale.ROOT, " q%d=%.3g", q, mse));
                assertTrue(mse > prev, "JPEG error must grow as quality falls:" + log);
                prev = mse;
            }
        }
    }

    @Test
    void downUpScalingLowersHighFrequencyEnergy() throws Exception {
        for (int f : FACES) {
            FaceImage face = TestSupport.realFace(f);
            double prev = TestSupport.laplacianVariance(face);
            for (double s : new double[] {0.9, 0.7, 0.5}) {
                DegradationPipeline p = TestSupport.blurOnly(BlurFamily.GAUSSIAN)
                        .isotropicGaussianProbability(1)
                        .range(Parameter.GAUSSIAN_SIGMA, Range.fixed(0.1))
                        .scaleProbability(1).range(Parameter.SCALE_FACTOR, Range.fixed(s)).build();
                double hf = TestSupport.laplacianVariance(p.apply(face, 4));
                assertTrue(hf < prev, "scale " + s + " lowers high-frequency energy: "
                        + prev + " -> " + hf);
                prev = hf;
            }
        }
    }

    @Test
    void defaultPipelineDegradesRealFaces() throws Exception {
        FaceImage face = TestSupport.realFace(4502);
        double sharp = TestSupport.laplacianVariance(face);
        int blurrier = 0;
        for (long seed = 0; seed < 16; seed++) {
            FaceImage d = DegradationPipeline.defaults().apply(face, seed);
            if (TestSupport.laplacianVariance(d) < sharp) {
                blurrier++;
            }
        }
        assertTrue(blurrier >= 10, "most random degradations blur the face: " + blurrier + "/16");
    }

    private static double mse(FaceImage a, FaceImage b) {
        float[] x = a.toPlanarFloat();
        float[] y = b.toPlanarFloat();
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            double d = x[i] - y[i];
            s += d * d;
        }
        return s / x.length;
    }

    /** {x, y, size} of the size x size patch with the lowest luma variance. */
    private static int[] flattestPatch(FaceImage f, int size) {
        int[] best = null;
        double bestVar = Double.MAX_VALUE;
        for (int y = 8; y + size <= f.height() - 8; y += 8) {
            for (int x = 8; x + size <= f.width() - 8; x += 8) {
                int[] p = {x, y, size};
                double v = patchVariance(f, p);
                if (v < bestVar) {
                    bestVar = v;
                    best = p;
                }
            }
        }
        return best;
    }

    private static double patchVariance(FaceImage f, int[] p) {
        double[] l = TestSupport.luma(f);
        double s = 0;
        double s2 = 0;
        int n = 0;
        for (int y = p[1]; y < p[1] + p[2]; y++) {
            for (int x = p[0]; x < p[0] + p[2]; x++) {
                double v = l[y * f.width() + x];
                s += v;
                s2 += v * v;
                n++;
            }
        }
        double m = s / n;
        return s2 / n - m * m;
    }
}
