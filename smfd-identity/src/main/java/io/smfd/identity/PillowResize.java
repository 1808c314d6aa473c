package io.smfd.identity;

import java.util.Objects;
import java.util.function.DoubleUnaryOperator;

/**
 * Pillow's {@code Image.resize(size, Image.BILINEAR)} on 8-bit RGB images, bit for bit: a port of
 * {@code libImaging/Resample.c} ({@code precompute_coeffs}, {@code normalize_coeffs_8bpc},
 * {@code ImagingResampleHorizontal_8bpc}, {@code ImagingResampleVertical_8bpc}, {@code ImagingResample}).
 *
 * <p>The filter is the triangle {@code max(0, 1 - |x|)}, widened by the downscale factor
 * ({@code support = max(1, in / out)}), so downscaling is antialiased. Coefficients are computed in
 * double precision, normalised per output pixel, then converted to 22-bit fixed point
 * ({@code PRECISION_BITS = 32 - 8 - 2}); each pass accumulates in {@code int} starting from
 * {@code 1 << 21} (rounding) and clips to 0..255 after shifting, so the intermediate image is 8-bit, as
 * in Pillow. The horizontal pass runs first, over only the rows the vertical pass needs, then the
 * vertical pass. A pass is skipped when its size does not change (as Pillow does for a box equal to the
 * whole image). The double-precision step ({@link #precomputeCoeffs}) is also the evaluation's NIQE's, for its
 * bicubic resize of float images. Stateless and thread-safe.
 */
public final class PillowResize {

    private static final int PRECISION_BITS = 32 - 8 - 2;

    private PillowResize() {
    }

    /**
     * Per output pixel, Pillow's {@code bounds} ({@code xmin, count} pairs) and its {@code ksize}-apart
     * normalised double weights, zero past each pixel's count: the output of {@code precompute_coeffs}.
     */
    /**
     * Coefficients of one axis.
     *
     * @param ksize   weights per output pixel
     * @param bounds  per output pixel {@code xmin, count}
     * @param weights {@code ksize}-apart normalised weights
     */
    public record Kernel(int ksize, int[] bounds, double[] weights) {
    }

    /**
     * Pillow's {@code precompute_coeffs} for box {@code [0, inSize)}: the filter's support is widened by
     * the downscale factor ({@code filterscale = max(1, in / out)}), each output pixel's window is
     * {@code [(int) (center - support + 0.5), (int) (center + support + 0.5))} with C truncation, clipped
     * to the input, and its weights {@code filter((x + xmin - center + 0.5) / filterscale)} are divided by
     * their sum unless that sum is 0. Shared by the 8-bit bilinear resize here and by the NIQE
     * float bicubic resize; each caller does its own arithmetic with the weights.
     *
     * @param inSize        input length
     * @param outSize       output length
     * @param filterSupport the filter's support at scale 1 (bilinear 1, bicubic 2)
     * @param filter        the filter function
     * @return the bounds and normalised weights
     */
    public static Kernel precomputeCoeffs(int inSize, int outSize, double filterSupport, DoubleUnaryOperator filter) {
        double scale = (double) inSize / outSize;
        double filterscale = Math.max(scale, 1.0);
        double support = filterSupport * filterscale;
        int ksize = (int) Math.ceil(support) * 2 + 1;
        int[] bounds = new int[outSize * 2];
        double[] kk = new double[outSize * ksize];
        double ss = 1.0 / filterscale;
        for (int xx = 0; xx < outSize; xx++) {
            double center = (xx + 0.5) * scale;
            int xmin = (int) (center - support + 0.5); // C truncation, as Pillow
            if (xmin < 0) {
                xmin = 0;
            }
            int xmax = (int) (center + support + 0.5);
            if (xmax > inSize) {
                xmax = inSize;
            }
            xmax -= xmin;
            int k0 = xx * ksize;
            double ww = 0.0;
            for (int x = 0; x < xmax; x++) {
                double w = filter.applyAsDouble((x + xmin - center + 0.5) * ss);
                kk[k0 + x] = w;
                ww += w;
            }
            if (ww != 0.0) {
                for (int x = 0; x < xmax; x++) {
                    kk[k0 + x] /= ww;
                }
            }
            bounds[xx * 2] = xmin;
            bounds[xx * 2 + 1] = xmax;
        }
        return new Kernel(ksize, bounds, kk);
    }

    /** Per output pixel: first input index, number of taps, and the fixed-point weights. */
    record Coefficients(int ksize, int[] bounds, int[] weights) {
    }

    /**
     * Pillow's {@code precompute_coeffs} + {@code normalize_coeffs_8bpc} for the bilinear filter, box
     * {@code [0, inSize)}.
     *
     * @param inSize  input length
     * @param outSize output length
     * @return the coefficients
     */
    static Coefficients coefficients(int inSize, int outSize) {
        Kernel kernel = precomputeCoeffs(inSize, outSize, 1.0, PillowResize::bilinear);
        int ksize = kernel.ksize();
        double[] k = kernel.weights();
        int[] weights = new int[outSize * ksize];
        for (int i = 0; i < weights.length; i++) {
            double v = k[i];
            weights[i] = v < 0 ? (int) (-0.5 + v * (1 << PRECISION_BITS))
                    : (int) (0.5 + v * (1 << PRECISION_BITS));
        }
        return new Coefficients(ksize, kernel.bounds(), weights);
    }

    private static double bilinear(double x) {
        if (x < 0.0) {
            x = -x;
        }
        if (x < 1.0) {
            return 1.0 - x;
        }
        return 0.0;
    }

    private static int clip8(int in) {
        int v = in >> PRECISION_BITS;
        return v < 0 ? 0 : Math.min(v, 255);
    }

    /**
     * Resizes interleaved 8-bit RGB.
     *
     * @param rgb  {@code w * h * 3} bytes, row-major {@code R,G,B}
     * @param w    input width
     * @param h    input height
     * @param outW output width
     * @param outH output height
     * @return {@code outW * outH * 3} bytes
     */
    public static byte[] resizeRgb(byte[] rgb, int w, int h, int outW, int outH) {
        Objects.requireNonNull(rgb, "rgb");
        if (w < 1 || h < 1 || outW < 1 || outH < 1) {
            throw new IllegalArgumentException("sizes must be positive: " + w + "x" + h + " -> " + outW + "x" + outH);
        }
        if (rgb.length != w * h * 3) {
            throw new IllegalArgumentException("rgb has " + rgb.length + " bytes, expected " + (w * h * 3));
        }
        boolean needH = outW != w;
        boolean needV = outH != h;
        if (!needH && !needV) {
            return rgb.clone();
        }
        Coefficients cv = coefficients(h, outH);
        byte[] src = rgb;
        int rowOffset = 0;
        if (needH) {
            int first = needV ? cv.bounds()[0] : 0;
            int last = needV ? cv.bounds()[outH * 2 - 2] + cv.bounds()[outH * 2 - 1] : h;
            Coefficients ch = coefficients(w, outW);
            byte[] tmp = new byte[outW * (last - first) * 3];
            for (int yy = 0; yy < last - first; yy++) {
                int inRow = (yy + first) * w * 3;
                for (int xx = 0; xx < outW; xx++) {
                    int xmin = ch.bounds()[xx * 2];
                    int xmax = ch.bounds()[xx * 2 + 1];
                    int k0 = xx * ch.ksize();
                    int s0 = 1 << (PRECISION_BITS - 1);
                    int s1 = s0;
                    int s2 = s0;
                    for (int x = 0; x < xmax; x++) {
                        int p = inRow + (x + xmin) * 3;
                        int k = ch.weights()[k0 + x];
                        s0 += (rgb[p] & 0xFF) * k;
                        s1 += (rgb[p + 1] & 0xFF) * k;
                        s2 += (rgb[p + 2] & 0xFF) * k;
                    }
                    int o = (yy * outW + xx) * 3;
                    tmp[o] = (byte) clip8(s0);
                    tmp[o + 1] = (byte) clip8(s1);
                    tmp[o + 2] = (byte) clip8(s2);
                }
            }
            src = tmp;
            rowOffset = first;
        }
        if (!needV) {
            return src;
        }
        byte[] out = new byte[outW * outH * 3];
        for (int yy = 0; yy < outH; yy++) {
            int ymin = cv.bounds()[yy * 2] - rowOffset;
            int ymax = cv.bounds()[yy * 2 + 1];
            int k0 = yy * cv.ksize();
            for (int xx = 0; xx < outW; xx++) {
                int s0 = 1 << (PRECISION_BITS - 1);
                int s1 = s0;
                int s2 = s0;
                for (int y = 0; y < ymax; y++) {
                    int p = ((y + ymin) * outW + xx) * 3;
                    int k = cv.weights()[k0 + y];
                    s0 += (src[p] & 0xFF) * k;
                    s1 += (src[p + 1] & 0xFF) * k;
                    s2 += (src[p + 2] & 0xFF) * k;
                }
                int o = (yy * outW + xx) * 3;
                out[o] = (byte) clip8(s0);
                out[o + 1] = (byte) clip8(s1);
                out[o + 2] = (byte) clip8(s2);
            }
        }
        return out;
    }
}
