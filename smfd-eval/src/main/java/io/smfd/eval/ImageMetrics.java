package io.smfd.eval;

import io.smfd.FaceImage;
import java.util.Objects;

/**
 * Full-reference image quality metrics: PSNR, SSIM and region PSNR, on RGB and on luma (Y).
 *
 * <p><b>Conventions</b> (see also {@code docs/evaluation.md}):
 * <ul>
 *   <li><b>RGB</b> metrics work on the {@link FaceImage} values in [0, 1], so PSNR uses a peak of
 *       {@code 1.0} and SSIM a dynamic range {@code L = 1.0}; PSNR pools the squared error over all
 *       three channels, SSIM is the mean of the three per-channel SSIMs.</li>
 *   <li><b>Y</b> metrics use ITU-R BT.601 studio-swing luma on the 8-bit scale, the convention of
 *       super-resolution and deblurring papers (MATLAB {@code rgb2ycbcr}):
 *       {@code Y = 16 + 65.481 R + 128.553 G + 24.966 B} with R, G, B in [0, 1], so Y is in
 *       [16, 235] (white 235, black 16); Y is not rounded. PSNR on Y uses a peak of {@code 255}
 *       and SSIM on Y {@code L = 255}.</li>
 *   <li>PSNR is {@code 10 log10(peak^2 / MSE)}; for identical inputs (MSE = 0) it is
 *       {@link Double#POSITIVE_INFINITY}. Aggregating code must cap or handle it
 *       ({@link Evaluation} caps per-image values at {@value #PSNR_CAP_DB} dB).</li>
 *   <li>SSIM follows Wang et al. (2004): an 11x11 Gaussian window with sigma 1.5 (normalised to
 *       sum 1), {@code K1 = 0.01}, {@code K2 = 0.03}, {@code C1 = (K1 L)^2}, {@code C2 = (K2 L)^2},
 *       local (biased, window-weighted) variances and covariance, and the mean of the SSIM map over
 *       the valid window positions only ({@code (w - 10) x (h - 10)} positions; no padding).</li>
 * </ul>
 * All methods are pure and thread-safe. Planes are row-major {@code double[w * h]}.
 */
public final class ImageMetrics {

    /** Cap applied to per-image PSNR values when averaging, in dB (identical images give +infinity). */
    public static final double PSNR_CAP_DB = 100.0;
    /** SSIM window side. */
    public static final int SSIM_WINDOW = 11;
    /** SSIM Gaussian window standard deviation. */
    public static final double SSIM_SIGMA = 1.5;
    /** SSIM K1. */
    public static final double SSIM_K1 = 0.01;
    /** SSIM K2. */
    public static final double SSIM_K2 = 0.03;
    /** Peak (and SSIM dynamic range) of RGB values in [0, 1]. */
    public static final double PEAK_UNIT = 1.0;
    /** Peak (and SSIM dynamic range) of 8-bit values, used for Y. */
    public static final double PEAK_8BIT = 255.0;

    private static final double[] WINDOW_1D = gaussian1d(SSIM_WINDOW, SSIM_SIGMA);

    private ImageMetrics() {
    }

    // ---------------------------------------------------------------- PSNR

    /**
     * PSNR between two equally long arrays: {@code 10 log10(peak^2 / mean((x - y)^2))}.
     *
     * @param x    first signal
     * @param y    second signal
     * @param peak the peak value (1.0 for [0,1] data, 255 for 8-bit data)
     * @return PSNR in dB; {@code +Infinity} if the arrays are identical
     * @throws IllegalArgumentException if the lengths differ or are zero
     */
    public static double psnr(double[] x, double[] y, double peak) {
        checkSame(x.length, y.length);
        double se = 0;
        for (int i = 0; i < x.length; i++) {
            double d = x[i] - y[i];
            se += d * d;
        }
        return psnrFromMse(se / x.length, peak);
    }

    /**
     * PSNR from a mean squared error.
     *
     * @param mse  mean squared error, {@code >= 0}
     * @param peak the peak value
     * @return {@code 10 log10(peak^2 / mse)}, {@code +Infinity} when {@code mse == 0}, NaN when mse is NaN
     */
    public static double psnrFromMse(double mse, double peak) {
        if (mse == 0) {
            return Double.POSITIVE_INFINITY;
        }
        return 10.0 * Math.log10(peak * peak / mse);
    }

    /**
     * PSNR over all three channels of two images with values in [0, 1], peak 1.0.
     *
     * @param a first image
     * @param b second image, same size
     * @return PSNR in dB, {@code +Infinity} if identical
     */
    public static double psnrRgb(FaceImage a, FaceImage b) {
        checkSize(a, b);
        return psnr(toDouble(a.toPlanarFloat()), toDouble(b.toPlanarFloat()), PEAK_UNIT);
    }

    /**
     * PSNR on BT.601 luma (8-bit scale, Y in [16, 235]) with peak 255.
     *
     * @param a first image
     * @param b second image, same size
     * @return PSNR in dB, {@code +Infinity} if the lumas are identical
     */
    public static double psnrY(FaceImage a, FaceImage b) {
        checkSize(a, b);
        return psnr(luma(a), luma(b), PEAK_8BIT);
    }

    /**
     * PSNR over the pixels where {@code mask} is true, pooling all three RGB channels, peak 1.0.
     *
     * @param a    first image
     * @param b    second image, same size
     * @param mask {@code width * height} flags, row-major
     * @return PSNR in dB; {@code +Infinity} if identical on the region; NaN if the region is empty
     */
    public static double regionPsnrRgb(FaceImage a, FaceImage b, boolean[] mask) {
        checkSize(a, b);
        int n = a.width() * a.height();
        checkSame(mask.length, n);
        float[] pa = a.toPlanarFloat();
        float[] pb = b.toPlanarFloat();
        double se = 0;
        long count = 0;
        for (int i = 0; i < n; i++) {
            if (mask[i]) {
                for (int c = 0; c < 3; c++) {
                    double d = (double) pa[c * n + i] - pb[c * n + i];
                    se += d * d;
                }
                count += 3;
            }
        }
        return count == 0 ? Double.NaN : psnrFromMse(se / count, PEAK_UNIT);
    }

    // ---------------------------------------------------------------- luma

    /**
     * BT.601 studio-swing luma of one pixel on the 8-bit scale.
     *
     * @param r red in [0, 1]
     * @param g green in [0, 1]
     * @param b blue in [0, 1]
     * @return {@code 16 + 65.481 r + 128.553 g + 24.966 b}, in [16, 235] for inputs in [0, 1]
     */
    public static double luma(double r, double g, double b) {
        return 16.0 + 65.481 * r + 128.553 * g + 24.966 * b;
    }

    /**
     * BT.601 luma plane of an image (8-bit scale, unrounded).
     *
     * @param image the image
     * @return a new row-major plane of {@code width * height} values in [16, 235]
     */
    public static double[] luma(FaceImage image) {
        float[] p = image.toPlanarFloat();
        int n = image.width() * image.height();
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            y[i] = luma(p[i], p[n + i], p[2 * n + i]);
        }
        return y;
    }

    // ---------------------------------------------------------------- SSIM

    /**
     * Mean SSIM of two planes (Wang et al. 2004; see the class documentation).
     *
     * @param x first plane, row-major
     * @param y second plane, row-major
     * @param w width, at least {@value #SSIM_WINDOW}
     * @param h height, at least {@value #SSIM_WINDOW}
     * @param dynamicRange L, the dynamic range of the values (1.0 or 255)
     * @return the mean of the SSIM map over the valid window positions
     * @throws IllegalArgumentException if the sizes are inconsistent or smaller than the window
     */
    public static double ssim(double[] x, double[] y, int w, int h, double dynamicRange) {
        checkSame(x.length, y.length);
        checkSame(x.length, w * h);
        if (w < SSIM_WINDOW || h < SSIM_WINDOW) {
            throw new IllegalArgumentException("SSIM needs at least " + SSIM_WINDOW + "x" + SSIM_WINDOW + " pixels, got "
                    + w + "x" + h);
        }
        double c1 = (SSIM_K1 * dynamicRange) * (SSIM_K1 * dynamicRange);
        double c2 = (SSIM_K2 * dynamicRange) * (SSIM_K2 * dynamicRange);
        int n = w * h;
        double[] xx = new double[n];
        double[] yy = new double[n];
        double[] xy = new double[n];
        for (int i = 0; i < n; i++) {
            xx[i] = x[i] * x[i];
            yy[i] = y[i] * y[i];
            xy[i] = x[i] * y[i];
        }
        int ow = w - SSIM_WINDOW + 1;
        int oh = h - SSIM_WINDOW + 1;
        double[] mx = filterValid(x, w, h);
        double[] my = filterValid(y, w, h);
        double[] mxx = filterValid(xx, w, h);
        double[] myy = filterValid(yy, w, h);
        double[] mxy = filterValid(xy, w, h);
        double sum = 0;
        for (int i = 0; i < ow * oh; i++) {
            double ux = mx[i];
            double uy = my[i];
            double vx = mxx[i] - ux * ux;
            double vy = myy[i] - uy * uy;
            double cxy = mxy[i] - ux * uy;
            sum += ((2 * ux * uy + c1) * (2 * cxy + c2)) / ((ux * ux + uy * uy + c1) * (vx + vy + c2));
        }
        return sum / (ow * oh);
    }

    /**
     * SSIM on RGB in [0, 1] (L = 1): the mean of the three per-channel SSIMs.
     *
     * @param a first image
     * @param b second image, same size
     * @return mean SSIM
     */
    public static double ssimRgb(FaceImage a, FaceImage b) {
        checkSize(a, b);
        int w = a.width();
        int h = a.height();
        int n = w * h;
        float[] pa = a.toPlanarFloat();
        float[] pb = b.toPlanarFloat();
        double s = 0;
        for (int c = 0; c < 3; c++) {
            double[] x = new double[n];
            double[] y = new double[n];
            for (int i = 0; i < n; i++) {
                x[i] = pa[c * n + i];
                y[i] = pb[c * n + i];
            }
            s += ssim(x, y, w, h, PEAK_UNIT);
        }
        return s / 3.0;
    }

    /**
     * SSIM on BT.601 luma (8-bit scale, L = 255).
     *
     * @param a first image
     * @param b second image, same size
     * @return mean SSIM
     */
    public static double ssimY(FaceImage a, FaceImage b) {
        checkSize(a, b);
        return ssim(luma(a), luma(b), a.width(), a.height(), PEAK_8BIT);
    }

    /**
     * The normalised 11x11 SSIM window (outer product of the 1-D Gaussian), row-major.
     *
     * @return a new array of 121 weights summing to 1
     */
    public static double[] ssimWindow() {
        double[] k = new double[SSIM_WINDOW * SSIM_WINDOW];
        for (int i = 0; i < SSIM_WINDOW; i++) {
            for (int j = 0; j < SSIM_WINDOW; j++) {
                k[i * SSIM_WINDOW + j] = WINDOW_1D[i] * WINDOW_1D[j];
            }
        }
        return k;
    }

    /** Separable Gaussian filtering, "valid" mode. */
    private static double[] filterValid(double[] p, int w, int h) {
        int k = SSIM_WINDOW;
        int ow = w - k + 1;
        int oh = h - k + 1;
        double[] rows = new double[h * ow];
        for (int y = 0; y < h; y++) {
            int base = y * w;
            for (int x = 0; x < ow; x++) {
                double s = 0;
                for (int t = 0; t < k; t++) {
                    s += WINDOW_1D[t] * p[base + x + t];
                }
                rows[y * ow + x] = s;
            }
        }
        double[] out = new double[oh * ow];
        for (int y = 0; y < oh; y++) {
            for (int x = 0; x < ow; x++) {
                double s = 0;
                for (int t = 0; t < k; t++) {
                    s += WINDOW_1D[t] * rows[(y + t) * ow + x];
                }
                out[y * ow + x] = s;
            }
        }
        return out;
    }

    static double[] gaussian1d(int size, double sigma) {
        double[] g = new double[size];
        int c = size / 2;
        double sum = 0;
        for (int i = 0; i < size; i++) {
            double d = i - c;
            g[i] = Math.exp(-d * d / (2 * sigma * sigma));
            sum += g[i];
        }
        for (int i = 0; i < size; i++) {
            g[i] /= sum;
        }
        return g;
    }

    // ---------------------------------------------------------------- helpers

    static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    private static void checkSize(FaceImage a, FaceImage b) {
        Objects.requireNonNull(a, "a");
        Objects.requireNonNull(b, "b");
        if (a.width() != b.width() || a.height() != b.height()) {
            throw new IllegalArgumentException("image sizes differ: " + a + " vs " + b);
        }
    }

    private static void checkSame(int a, int b) {
        if (a != b || a == 0) {
            throw new IllegalArgumentException("lengths differ or are zero: " + a + " vs " + b);
        }
    }
}
