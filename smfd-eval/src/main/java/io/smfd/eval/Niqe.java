package io.smfd.eval;

import io.smfd.identity.PillowResize;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * NIQE, the Natural Image Quality Evaluator of Mittal, Soundararajan and Bovik ("Making a 'completely
 * blind' image quality analyzer", IEEE Signal Processing Letters 20(3), 2013), in pure Java.
 *
 * <p>NIQE is a no-reference ("blind") image quality metric. It fits a multivariate Gaussian to
 * 36 natural-scene-statistics features of the image's patches and reports the distance between
 * that fit and a multivariate Gaussian fitted once to pristine natural images:
 * {@code NIQE = sqrt(d' pinv((popCov + sampleCov) / 2) d)} with {@code d = sampleMean - popMean}.
 * <b>Lower is better</b> (closer to natural statistics); the value is a distance, not a bounded
 * score.
 *
 * <p>This class follows scikit-video's {@code skvideo.measure.niqe} (the variant with the LIVE
 * reference model, replicate-border MSCN, PIL bicubic downscale and the D1/D2 right scales, run
 * with NumPy 1.x) and reproduces its float32 arithmetic where it matters; on the 8-bit reference
 * faces it agrees to within 3e-6:
 * <ol>
 *   <li>the luma image is cropped (top-left kept) to a multiple of {@value #PATCH_SIZE} pixels in
 *       each direction and converted to float32;</li>
 *   <li>the second scale is the image downscaled by one half with PIL's bicubic resize
 *       ({@code Image.resize(..., BICUBIC)} on a mode-{@code F} image: Keys cubic with a = -0.5,
 *       the support widened by the scale factor, i.e. antialiased, weights renormalised at the
 *       borders, horizontal pass then vertical pass, float32 intermediate);</li>
 *   <li>each scale is MSCN-normalised ({@code (I - mu) / (sigma + 1)}), mu and sigma from a
 *       separable 7-tap Gaussian window with sigma 7/6 and nearest-edge (replicate) extension;</li>
 *   <li>on non-overlapping patches (96 px at full scale, 48 px at half scale) an asymmetric
 *       generalised Gaussian (AGGD) is fitted by moment matching over the shape grid
 *       {@code 0.2, 0.201, ..., 9.999} to the MSCN map (2 features: shape and mean scale) and to
 *       its four paired products with the (cyclically, within the patch) shifted neighbours
 *       horizontal, vertical, main and anti diagonal (4 features each: shape, mean, left and right
 *       scale): 18 features per scale, 36 per patch;</li>
 *   <li>the sample mean and sample covariance (n - 1) over the patches are compared with the
 *       pristine model with the Moore-Penrose pseudo-inverse computed from a Jacobi eigen
 *       decomposition with {@code scipy.linalg.pinv}'s cut-off (singular values at most
 *       {@code 36 * eps * max} are dropped).</li>
 * </ol>
 *
 * <p><b>Input.</b> Luma in the 0..255 range (the MSCN constant 1 and the pristine model assume it),
 * row-major, {@code width * height} values. Both sides must be at least {@value #MIN_SIDE} pixels,
 * so that at least 2x2 = 4 patches are available per scale (with fewer the sample covariance is
 * degenerate or undefined). scikit-video itself insists on sides greater than 193; 192 and 193
 * crop to the same pixels, so this class accepts them. Pixels outside the largest
 * multiple of 96 (right columns, bottom rows) are ignored, exactly as in the reference.
 * Use {@link #lumaFromRgb(int[], int, int)} to obtain PIL-identical 8-bit luma from RGB.
 *
 * <p><b>Small images are noisy.</b> A 256x256 face is cropped to 192x192, which leaves only 4
 * patches per scale; the 36x36 sample covariance then has rank 3 at most and a single image's NIQE
 * varies a lot with content. Report means over many faces, not single values.
 *
 * <p><b>Degenerate images.</b> A patch without any variation (for example a constant image) has an
 * all-zero MSCN map; the AGGD fit then degenerates like the reference's does ({@code argmin} over
 * a NaN distance picks the first grid shape, 0.2, with zero scales), and a finite, large score is
 * returned rather than an exception.
 *
 * <p><b>Rounding sensitivity.</b> In bright flat areas {@code sigma^2 = E[I^2] - mu^2} is a float32
 * cancellation of two numbers near 65025, so the MSCN there (and, through the AGGD fits, the
 * score) depends on the exact float32 rounding of the pipeline: one-ulp changes of the Gaussian
 * weights move single-face values by up to 0.08. This class fixes every such step (float32
 * storage where the reference stores float32, the reference's summation order, {@link StrictMath}),
 * so results are identical on every JVM.
 *
 * <p><b>Thread-safety.</b> Instances are immutable (the model is copied on construction) and
 * {@link #score} allocates all its working memory per call, so one instance may be shared freely
 * between threads.
 */
public final class Niqe {

    /** Patch side at full scale, as in the reference; 48 at half scale. */
    public static final int PATCH_SIZE = 96;

    /** Minimum accepted width and height: 2x2 patches per scale. */
    public static final int MIN_SIDE = 2 * PATCH_SIZE;

    /** Number of NIQE features per patch (18 per scale). */
    public static final int FEATURE_COUNT = 36;

    /** Lanczos coefficients (g = 7, n = 9); declared before the tables that use them. */
    private static final double[] LANCZOS = {
        0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
        -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
        1.5056327351493116e-7,
    };

    // ---- AGGD shape grid, as numpy.arange(0.2, 10, 0.001) and the moment ratio on it ----
    private static final double[] GAMMA_GRID;
    private static final double[] PREC_GAMMAS;

    static {
        double start = 0.2;
        double delta = (0.2 + 0.001) - 0.2; // numpy arange's fill: start + i * (second - first)
        int n = (int) Math.ceil((10.0 - 0.2) / 0.001);
        GAMMA_GRID = new double[n];
        PREC_GAMMAS = new double[n];
        for (int i = 0; i < n; i++) {
            double g = start + i * delta;
            GAMMA_GRID[i] = g;
            double a = gamma(2.0 / g);
            PREC_GAMMAS[i] = (a * a) / (gamma(1.0 / g) * gamma(3.0 / g));
        }
    }

    /**
     * Gaussian window of the reference (7 taps, sigma 7/6), see {@link #gaussHalfWindow}.
     * Index 0 is the centre, index j the weight at distance j.
     */
    private static final double[] GAUSS_HALF = gaussHalfWindow(3, 7.0 / 6.0);

    private final double[] popMu;
    private final double[][] popCov;

    private Niqe(double[] popMu, double[][] popCov) {
        this.popMu = popMu;
        this.popCov = popCov;
    }

    /**
     * Reads a pristine model from a JSON object with {@code "pop_mu"} (36 numbers, possibly nested
     * one level, as in a {@code 1x36} matrix) and {@code "pop_cov"} (36 arrays of 36 numbers).
     * Other keys are ignored.
     *
     * @param pristineParamsJson the model file, e.g. {@code niqe_pristine_params.json}
     * @return a reusable, thread-safe scorer
     * @throws IOException if the file cannot be read
     * @throws IllegalArgumentException if it is not valid JSON or the model has the wrong shape or
     *     non-finite values
     */
    public static Niqe load(Path pristineParamsJson) throws IOException {
        Objects.requireNonNull(pristineParamsJson, "pristineParamsJson");
        String text = Files.readString(pristineParamsJson, StandardCharsets.UTF_8);
        Object root;
        try {
            root = Json.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "invalid JSON in " + pristineParamsJson + ": " + e.getMessage(), e);
        }
        if (!(root instanceof Map)) {
            throw new IllegalArgumentException(pristineParamsJson + ": top-level value is not an object");
        }
        Object mu = Json.get(root, "pop_mu");
        Object cov = Json.get(root, "pop_cov");
        if (mu == null || cov == null) {
            throw new IllegalArgumentException(pristineParamsJson + ": needs keys pop_mu and pop_cov");
        }
        List<Double> muFlat = new ArrayList<>();
        flattenNumbers(mu, muFlat, "pop_mu");
        if (!(cov instanceof List)) {
            throw new IllegalArgumentException("pop_cov must be an array of arrays");
        }
        List<?> rows = (List<?>) cov;
        double[][] covArr = new double[rows.size()][];
        for (int i = 0; i < rows.size(); i++) {
            List<Double> r = new ArrayList<>();
            if (!(rows.get(i) instanceof List)) {
                throw new IllegalArgumentException("pop_cov row " + i + " is not an array");
            }
            flattenNumbers(rows.get(i), r, "pop_cov");
            covArr[i] = r.stream().mapToDouble(Double::doubleValue).toArray();
        }
        return of(muFlat.stream().mapToDouble(Double::doubleValue).toArray(), covArr);
    }

    /**
     * Builds an instance from a pristine model given as arrays (copied).
     *
     * @param popMu mean of the pristine features, length {@value #FEATURE_COUNT}
     * @param popCov covariance of the pristine features, {@value #FEATURE_COUNT} x
     *     {@value #FEATURE_COUNT}, expected symmetric
     * @return a reusable, thread-safe scorer
     * @throws IllegalArgumentException on a wrong shape, a non-finite value or an asymmetric
     *     covariance
     */
    public static Niqe of(double[] popMu, double[][] popCov) {
        Objects.requireNonNull(popMu, "popMu");
        Objects.requireNonNull(popCov, "popCov");
        if (popMu.length != FEATURE_COUNT) {
            throw new IllegalArgumentException(
                    "pop_mu must have " + FEATURE_COUNT + " values, got " + popMu.length);
        }
        if (popCov.length != FEATURE_COUNT) {
            throw new IllegalArgumentException(
                    "pop_cov must have " + FEATURE_COUNT + " rows, got " + popCov.length);
        }
        double[] mu = popMu.clone();
        double[][] cov = new double[FEATURE_COUNT][];
        for (int i = 0; i < FEATURE_COUNT; i++) {
            if (popCov[i] == null || popCov[i].length != FEATURE_COUNT) {
                throw new IllegalArgumentException("pop_cov row " + i + " must have " + FEATURE_COUNT
                        + " values, got " + (popCov[i] == null ? "null" : popCov[i].length));
            }
            cov[i] = popCov[i].clone();
        }
        for (int i = 0; i < FEATURE_COUNT; i++) {
            if (!Double.isFinite(mu[i])) {
                throw new IllegalArgumentException("pop_mu[" + i + "] is not finite: " + mu[i]);
            }
            for (int j = 0; j < FEATURE_COUNT; j++) {
                double v = cov[i][j];
                if (!Double.isFinite(v)) {
                    throw new IllegalArgumentException("pop_cov[" + i + "][" + j + "] is not finite: " + v);
                }
                double t = cov[j][i];
                if (Math.abs(v - t) > 1e-9 * Math.max(1.0, Math.max(Math.abs(v), Math.abs(t)))) {
                    throw new IllegalArgumentException("pop_cov is not symmetric at (" + i + ", " + j + ")");
                }
            }
        }
        return new Niqe(mu, cov);
    }

    /**
     * NIQE of a luma image given as doubles in the 0..255 range.
     *
     * @param luma row-major luma, {@code luma[y * width + x]}, length {@code width * height}
     * @param width image width in pixels, at least {@value #MIN_SIDE}
     * @param height image height in pixels, at least {@value #MIN_SIDE}
     * @return the NIQE value; lower is better
     * @throws IllegalArgumentException if a side is below {@value #MIN_SIDE}, the length does not
     *     match, or a value is NaN or infinite
     */
    public double score(double[] luma, int width, int height) {
        Objects.requireNonNull(luma, "luma");
        checkSize(luma.length, width, height);
        for (int i = 0; i < luma.length; i++) {
            if (!Double.isFinite(luma[i])) {
                throw new IllegalArgumentException("luma value at (x=" + (i % width) + ", y=" + (i / width)
                        + ") is not finite: " + luma[i]);
            }
        }
        int cw = width - width % PATCH_SIZE;
        int ch = height - height % PATCH_SIZE;
        float[] img = new float[cw * ch];
        for (int y = 0; y < ch; y++) {
            for (int x = 0; x < cw; x++) {
                img[y * cw + x] = (float) luma[y * width + x];
            }
        }
        return scoreCropped(img, cw, ch);
    }

    /**
     * NIQE of an 8-bit luma image (each byte read as unsigned 0..255), e.g. the data of a
     * {@code TYPE_BYTE_GRAY} image or the output of {@link #lumaFromRgb(int[], int, int)}.
     *
     * @param luma8 row-major 8-bit luma, length {@code width * height}
     * @param width image width in pixels, at least {@value #MIN_SIDE}
     * @param height image height in pixels, at least {@value #MIN_SIDE}
     * @return the NIQE value; lower is better
     * @throws IllegalArgumentException if a side is below {@value #MIN_SIDE} or the length does not
     *     match
     */
    public double score(byte[] luma8, int width, int height) {
        Objects.requireNonNull(luma8, "luma8");
        checkSize(luma8.length, width, height);
        int cw = width - width % PATCH_SIZE;
        int ch = height - height % PATCH_SIZE;
        float[] img = new float[cw * ch];
        for (int y = 0; y < ch; y++) {
            for (int x = 0; x < cw; x++) {
                img[y * cw + x] = luma8[y * width + x] & 0xFF;
            }
        }
        return scoreCropped(img, cw, ch);
    }

    /**
     * NIQE of an RGB image given as packed {@code 0xAARRGGBB} / {@code 0xRRGGBB} ints (alpha
     * ignored, as {@code BufferedImage.getRGB} returns them), converted to luma with
     * {@link #lumaFromRgb(int[], int, int)} first.
     *
     * @param packedRgb row-major pixels {@code 0x??RRGGBB}, length {@code width * height}
     * @param width image width in pixels, at least {@value #MIN_SIDE}
     * @param height image height in pixels, at least {@value #MIN_SIDE}
     * @return the NIQE value; lower is better
     * @throws IllegalArgumentException if a side is below {@value #MIN_SIDE} or the length does not
     *     match
     */
    public double scoreRgb(int[] packedRgb, int width, int height) {
        return score(lumaFromRgb(packedRgb, width, height), width, height);
    }

    /**
     * 8-bit luma of packed RGB pixels, identical to PIL's {@code Image.convert("L")} (ITU-R 601-2,
     * {@code L = (19595 R + 38470 G + 7471 B + 32768) >> 16}, i.e. 0.299 R + 0.587 G + 0.114 B
     * rounded half up in 16-bit fixed point). Alpha (the top byte) is ignored.
     *
     * @param packedRgb row-major pixels {@code 0x??RRGGBB}, length {@code width * height}
     * @param width image width in pixels (positive)
     * @param height image height in pixels (positive)
     * @return row-major luma bytes (read them as unsigned)
     * @throws IllegalArgumentException if a size is not positive or the length does not match
     */
    public static byte[] lumaFromRgb(int[] packedRgb, int width, int height) {
        Objects.requireNonNull(packedRgb, "packedRgb");
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("width and height must be positive, got " + width + "x" + height);
        }
        if ((long) width * height != packedRgb.length) {
            throw new IllegalArgumentException("expected " + ((long) width * height) + " pixels for "
                    + width + "x" + height + ", got " + packedRgb.length);
        }
        byte[] out = new byte[packedRgb.length];
        for (int i = 0; i < packedRgb.length; i++) {
            int p = packedRgb[i];
            out[i] = (byte) luma((p >>> 16) & 0xFF, (p >>> 8) & 0xFF, p & 0xFF);
        }
        return out;
    }

    /**
     * PIL's {@code convert("L")} of one pixel: {@code (19595 r + 38470 g + 7471 b + 0x8000) >> 16}.
     *
     * @param r red, 0..255
     * @param g green, 0..255
     * @param b blue, 0..255
     * @return luma, 0..255
     * @throws IllegalArgumentException if a component is outside 0..255
     */
    public static int luma(int r, int g, int b) {
        if ((r | g | b) < 0 || r > 255 || g > 255 || b > 255) {
            throw new IllegalArgumentException("RGB components must be in 0..255: " + r + ", " + g + ", " + b);
        }
        return (r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16;
    }

    // ------------------------------------------------------------------------------------------
    // Pipeline
    // ------------------------------------------------------------------------------------------

    private static void checkSize(int length, int width, int height) {
        if (width < MIN_SIDE || height < MIN_SIDE) {
            throw new IllegalArgumentException("NIQE needs an image of at least " + MIN_SIDE + "x" + MIN_SIDE
                    + " pixels (2x2 patches of " + PATCH_SIZE + " per scale), got " + width + "x" + height);
        }
        if ((long) width * height != length) {
            throw new IllegalArgumentException("expected " + ((long) width * height) + " values for "
                    + width + "x" + height + ", got " + length);
        }
    }

    private double scoreCropped(float[] img, int w, int h) {
        double[][] feats = features(img, w, h);
        int n = feats.length;
        double[] mean = new double[FEATURE_COUNT];
        for (double[] f : feats) {
            for (int k = 0; k < FEATURE_COUNT; k++) {
                mean[k] += f[k];
            }
        }
        for (int k = 0; k < FEATURE_COUNT; k++) {
            mean[k] /= n;
        }
        // (popCov + sampleCov) / 2, sampleCov with n - 1 as numpy.cov
        double[][] cov = new double[FEATURE_COUNT][FEATURE_COUNT];
        for (int i = 0; i < FEATURE_COUNT; i++) {
            for (int j = i; j < FEATURE_COUNT; j++) {
                double s = 0;
                for (double[] f : feats) {
                    s += (f[i] - mean[i]) * (f[j] - mean[j]);
                }
                double c = (popCov[i][j] + s / (n - 1)) / 2.0;
                cov[i][j] = c;
                cov[j][i] = c;
            }
        }
        double[] d = new double[FEATURE_COUNT];
        for (int k = 0; k < FEATURE_COUNT; k++) {
            d[k] = mean[k] - popMu[k];
        }
        return Math.sqrt(pinvQuadraticForm(cov, d));
    }

    /** Patch features, one row of 36 per patch: 18 at full scale then 18 at half scale. */
    static double[][] features(float[] img, int w, int h) {
        int hw = w / 2;
        int hh = h / 2;
        float[] half = resizeBicubicPil(img, w, h, hw, hh);
        float[] mscn1 = mscn(img, w, h);
        float[] mscn2 = mscn(half, hw, hh);
        int halfPatch = PATCH_SIZE / 2;
        int cols = w / PATCH_SIZE;
        int rows = h / PATCH_SIZE;
        double[][] feats = new double[rows * cols][FEATURE_COUNT];
        for (int j = 0; j < rows; j++) {
            for (int i = 0; i < cols; i++) {
                double[] f = feats[j * cols + i];
                patchFeatures(mscn1, w, i * PATCH_SIZE, j * PATCH_SIZE, PATCH_SIZE, f, 0);
                patchFeatures(mscn2, hw, i * halfPatch, j * halfPatch, halfPatch, f, 18);
            }
        }
        return feats;
    }

    /** The 18 features of one square patch of an MSCN map, written to out[off..off+17]. */
    private static void patchFeatures(float[] m, int stride, int x0, int y0, int p, double[] out, int off) {
        int n = p * p;
        float[] patch = new float[n];
        for (int y = 0; y < p; y++) {
            System.arraycopy(m, (y0 + y) * stride + x0, patch, y * p, p);
        }
        double[] a = new double[4];
        aggd(patch, a);
        out[off] = a[0];
        out[off + 1] = (a[2] + a[3]) / 2.0;
        // Paired products with neighbours shifted cyclically within the patch (numpy.roll):
        // horizontal (x-1), vertical (y-1), main diagonal (y-1, x-1), anti diagonal (y-1, x+1).
        int[][] shifts = {{0, -1}, {-1, 0}, {-1, -1}, {-1, 1}};
        float[] prod = new float[n];
        for (int s = 0; s < 4; s++) {
            int dy = shifts[s][0];
            int dx = shifts[s][1];
            for (int y = 0; y < p; y++) {
                int sy = Math.floorMod(y + dy, p);
                for (int x = 0; x < p; x++) {
                    int sx = Math.floorMod(x + dx, p);
                    prod[y * p + x] = patch[sy * p + sx] * patch[y * p + x];
                }
            }
            aggd(prod, a);
            int o = off + 2 + 4 * s;
            out[o] = a[0];
            out[o + 1] = a[1];
            out[o + 2] = a[2];
            out[o + 3] = a[3];
        }
    }

    /**
     * Moment-matching AGGD fit of the reference: result {alpha (shape), mean, left scale, right
     * scale}. Degenerate data (no positive spread, zero energy) follow numpy's semantics: an
     * infinite or NaN ratio makes the grid search pick the first shape, 0.2.
     */
    private static void aggd(float[] data, double[] result) {
        double leftSum = 0;
        int leftN = 0;
        double rightSum = 0;
        int rightN = 0;
        double absSum = 0;
        for (float v : data) {
            float v2 = v * v; // float32 square, as the reference squares a float32 array
            if (v < 0) {
                leftSum += v2;
                leftN++;
            } else {
                rightSum += v2;
                rightN++;
            }
            absSum += Math.abs(v);
        }
        int n = data.length;
        double leftMeanSqrt = leftN > 0 ? Math.sqrt(leftSum / leftN) : 0.0;
        double rightMeanSqrt = rightN > 0 ? Math.sqrt(rightSum / rightN) : 0.0;
        double gammaHat = rightMeanSqrt != 0 ? leftMeanSqrt / rightMeanSqrt : Double.POSITIVE_INFINITY;
        double sq = (leftSum + rightSum) / n;
        double absMean = absSum / n;
        double rHat = sq != 0 ? (absMean * absMean) / sq : Double.POSITIVE_INFINITY;
        double g2 = gammaHat * gammaHat;
        double rHatNorm = rHat * (((g2 * gammaHat + 1) * (gammaHat + 1)) / ((g2 + 1) * (g2 + 1)));
        int pos = 0;
        if (!Double.isNaN(rHatNorm)) {
            double best = Double.POSITIVE_INFINITY;
            for (int i = 0; i < PREC_GAMMAS.length; i++) {
                double diff = PREC_GAMMAS[i] - rHatNorm;
                double e = diff * diff;
                if (e < best) { // strict: the first minimum wins, as numpy.argmin
                    best = e;
                    pos = i;
                }
            }
        }
        double alpha = GAMMA_GRID[pos];
        double gam1 = gamma(1.0 / alpha);
        double gam2 = gamma(2.0 / alpha);
        double gam3 = gamma(3.0 / alpha);
        double ratio = Math.sqrt(gam1) / Math.sqrt(gam3);
        double bl = ratio * leftMeanSqrt;
        double br = ratio * rightMeanSqrt;
        result[0] = alpha;
        result[1] = (br - bl) * (gam2 / gam1);
        result[2] = bl;
        result[3] = br;
    }

    /** Mean-subtracted contrast-normalised coefficients, float32 like the reference. */
    static float[] mscn(float[] img, int w, int h) {
        int n = w * h;
        float[] tmp = new float[n];
        float[] mu = new float[n];
        correlateVertical(img, tmp, w, h);
        correlateHorizontal(tmp, mu, w, h);
        float[] sq = new float[n];
        for (int i = 0; i < n; i++) {
            sq[i] = img[i] * img[i];
        }
        float[] var = new float[n];
        correlateVertical(sq, tmp, w, h);
        correlateHorizontal(tmp, var, w, h);
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            float sigma = (float) Math.sqrt(Math.abs(var[i] - mu[i] * mu[i]));
            out[i] = (img[i] - mu[i]) / (sigma + 1.0f);
        }
        return out;
    }

    // scipy.ndimage.correlate1d, symmetric-kernel path, mode 'nearest', double accumulation.
    private static void correlateVertical(float[] in, float[] out, int w, int h) {
        double[] k = GAUSS_HALF;
        int r = k.length - 1;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double s = in[y * w + x] * k[0];
                for (int j = r; j >= 1; j--) {
                    int ym = Math.max(y - j, 0);
                    int yp = Math.min(y + j, h - 1);
                    s += ((double) in[ym * w + x] + in[yp * w + x]) * k[j];
                }
                out[y * w + x] = (float) s;
            }
        }
    }

    private static void correlateHorizontal(float[] in, float[] out, int w, int h) {
        double[] k = GAUSS_HALF;
        int r = k.length - 1;
        for (int y = 0; y < h; y++) {
            int row = y * w;
            for (int x = 0; x < w; x++) {
                double s = in[row + x] * k[0];
                for (int j = r; j >= 1; j--) {
                    int xm = Math.max(x - j, 0);
                    int xp = Math.min(x + j, w - 1);
                    s += ((double) in[row + xm] + in[row + xp]) * k[j];
                }
                out[row + x] = (float) s;
            }
        }
    }

    /**
     * The reference's {@code gen_gauss_window(lw, sigma)} with NumPy 1.x promotion, which the golden
     * values were computed with: {@code sd = float32(sigma)} squared in float32, everything else
     * (exponent, exp, sum, normalisation) in float64. NumPy 2 keeps the whole window in float32;
     * the resulting 1-ulp differences in the weights are amplified by the float32 cancellation in
     * {@code var - mu^2} on bright flat areas and change single-image NIQE values by up to 0.08.
     * {@link StrictMath#exp} keeps the weights identical on every JVM.
     */
    private static double[] gaussHalfWindow(int lw, double sigma) {
        float sd = (float) sigma;
        sd = sd * sd;
        double[] k = new double[lw + 1];
        k[0] = 1.0;
        double sum = 1.0;
        for (int i = 1; i <= lw; i++) {
            double t = StrictMath.exp(-0.5 * (double) (float) (i * i) / sd);
            k[i] = t;
            sum += 2.0 * t;
        }
        for (int i = 0; i <= lw; i++) {
            k[i] /= sum;
        }
        return k;
    }

    // ------------------------------------------------------------------------------------------
    // PIL bicubic resize (Pillow libImaging/Resample.c) for a mode "F" image
    // ------------------------------------------------------------------------------------------

    private static double bicubicFilter(double x) {
        final double a = -0.5;
        if (x < 0.0) {
            x = -x;
        }
        if (x < 1.0) {
            return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
        }
        if (x < 2.0) {
            return (((x - 5) * x + 8) * x - 4) * a;
        }
        return 0.0;
    }

    /** Pillow's two-pass resample: horizontal into a float32 buffer, then vertical. */
    static float[] resizeBicubicPil(float[] src, int w, int h, int ow, int oh) {
        PillowResize.Kernel cx = PillowResize.precomputeCoeffs(w, ow, 2.0, Niqe::bicubicFilter);
        PillowResize.Kernel cy = PillowResize.precomputeCoeffs(h, oh, 2.0, Niqe::bicubicFilter);
        int[] bx = cx.bounds();
        int[] by = cy.bounds();
        double[] kx = cx.weights();
        double[] ky = cy.weights();
        float[] tmp = new float[ow * h];
        for (int y = 0; y < h; y++) {
            int row = y * w;
            for (int xx = 0; xx < ow; xx++) {
                int base = xx * cx.ksize();
                int x0 = row + bx[xx * 2];
                int n = bx[xx * 2 + 1];
                double s = 0.0;
                for (int t = 0; t < n; t++) {
                    s += src[x0 + t] * kx[base + t];
                }
                tmp[y * ow + xx] = (float) s;
            }
        }
        float[] out = new float[ow * oh];
        for (int yy = 0; yy < oh; yy++) {
            int base = yy * cy.ksize();
            int y0 = by[yy * 2];
            int n = by[yy * 2 + 1];
            for (int x = 0; x < ow; x++) {
                double s = 0.0;
                for (int t = 0; t < n; t++) {
                    s += tmp[(y0 + t) * ow + x] * ky[base + t];
                }
                out[yy * ow + x] = (float) s;
            }
        }
        return out;
    }

    // ------------------------------------------------------------------------------------------
    // Linear algebra: d' pinv(A) d for symmetric A via cyclic Jacobi
    // ------------------------------------------------------------------------------------------

    /**
     * {@code d' pinv(a) d} for a symmetric matrix. The singular values of a symmetric matrix are
     * the absolute eigenvalues; those at most {@code max(m, n) * eps * sigmaMax} are treated as
     * zero, which is {@code scipy.linalg.pinv}'s default cut-off (the reference's call).
     */
    static double pinvQuadraticForm(double[][] a, double[] d) {
        int n = d.length;
        double[][] v = new double[n][n];
        double[] eig = jacobiEigen(a, v);
        double max = 0;
        for (double e : eig) {
            max = Math.max(max, Math.abs(e));
        }
        double cutoff = n * Math.ulp(1.0) * max;
        double q = 0;
        for (int k = 0; k < n; k++) {
            if (Math.abs(eig[k]) > cutoff) {
                double p = 0;
                for (int i = 0; i < n; i++) {
                    p += v[i][k] * d[i];
                }
                q += p * p / eig[k];
            }
        }
        return q;
    }

    /**
     * Eigenvalues of a symmetric matrix by the cyclic Jacobi method; {@code vecs} receives the
     * eigenvectors as columns. The input is not modified.
     */
    static double[] jacobiEigen(double[][] input, double[][] vecs) {
        int n = input.length;
        double[][] a = new double[n][];
        for (int i = 0; i < n; i++) {
            a[i] = input[i].clone();
            Arrays.fill(vecs[i], 0.0);
            vecs[i][i] = 1.0;
        }
        for (int sweep = 0; sweep < 100; sweep++) {
            double off = 0;
            double diag = 0;
            for (int p = 0; p < n; p++) {
                diag += a[p][p] * a[p][p];
                for (int q = p + 1; q < n; q++) {
                    off += a[p][q] * a[p][q];
                }
            }
            if (off == 0 || off <= 1e-34 * diag) {
                break;
            }
            for (int p = 0; p < n - 1; p++) {
                for (int q = p + 1; q < n; q++) {
                    double apq = a[p][q];
                    if (apq == 0) {
                        continue;
                    }
                    double app = a[p][p];
                    double aqq = a[q][q];
                    double theta = (aqq - app) / (2.0 * apq);
                    double t;
                    if (Math.abs(theta) > 1e150) {
                        t = 0.5 / theta;
                    } else {
                        t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1.0));
                        if (theta == 0) {
                            t = 1.0;
                        }
                    }
                    double c = 1.0 / Math.sqrt(t * t + 1.0);
                    double s = t * c;
                    a[p][p] = app - t * apq;
                    a[q][q] = aqq + t * apq;
                    a[p][q] = 0.0;
                    a[q][p] = 0.0;
                    for (int k = 0; k < n; k++) {
                        if (k != p && k != q) {
                            double akp = a[k][p];
                            double akq = a[k][q];
                            double nkp = c * akp - s * akq;
                            double nkq = s * akp + c * akq;
                            a[k][p] = nkp;
                            a[p][k] = nkp;
                            a[k][q] = nkq;
                            a[q][k] = nkq;
                        }
                        double vkp = vecs[k][p];
                        double vkq = vecs[k][q];
                        vecs[k][p] = c * vkp - s * vkq;
                        vecs[k][q] = s * vkp + c * vkq;
                    }
                }
            }
        }
        double[] eig = new double[n];
        for (int i = 0; i < n; i++) {
            eig[i] = a[i][i];
        }
        return eig;
    }

    // ------------------------------------------------------------------------------------------
    // Gamma function (Lanczos, g = 7, n = 9; relative error about 1e-15 on the range used)
    // ------------------------------------------------------------------------------------------

    static double gamma(double x) {
        if (x < 0.5) {
            return Math.PI / (StrictMath.sin(Math.PI * x) * gamma(1.0 - x));
        }
        x -= 1.0;
        double s = LANCZOS[0];
        double t = x + 7.5;
        for (int i = 1; i < LANCZOS.length; i++) {
            s += LANCZOS[i] / (x + i);
        }
        return StrictMath.sqrt(2 * Math.PI) * StrictMath.pow(t, x + 0.5) * StrictMath.exp(-t) * s;
    }

    private static void flattenNumbers(Object value, List<Double> out, String what) {
        if (value instanceof Number) {
            out.add(((Number) value).doubleValue());
        } else if (value instanceof List) {
            for (Object o : (List<?>) value) {
                flattenNumbers(o, out, what);
            }
        } else {
            throw new IllegalArgumentException(what + " must contain only numbers, found " + value);
        }
    }
}
