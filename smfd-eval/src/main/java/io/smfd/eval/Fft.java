package io.smfd.eval;

/**
 * In-place iterative radix-2 complex FFT (Cooley-Tukey, decimation in time), 1-D and 2-D.
 * Data are split into real and imaginary arrays. Forward transform:
 * {@code X[k] = sum_n x[n] exp(-2 pi i k n / N)}; the inverse includes the {@code 1/N} factor
 * (per dimension), so {@code inverse(forward(x)) == x}. Pure and thread-safe (no shared state).
 */
public final class Fft {

    private Fft() {
    }

    /**
     * Returns whether {@code n} is a positive power of two.
     *
     * @param n a size
     * @return {@code true} for 1, 2, 4, 8, ...
     */
    public static boolean isPowerOfTwo(int n) {
        return n > 0 && (n & (n - 1)) == 0;
    }

    /**
     * The smallest power of two {@code >= n}.
     *
     * @param n a positive size, at most 2^30
     * @return the next power of two
     */
    public static int nextPowerOfTwo(int n) {
        if (n <= 1) {
            return 1;
        }
        return Integer.highestOneBit(n - 1) << 1;
    }

    /**
     * 1-D FFT of {@code n} values starting at {@code offset} with the given stride.
     *
     * @param re      real parts (modified)
     * @param im      imaginary parts (modified)
     * @param offset  index of the first element
     * @param stride  distance between consecutive elements
     * @param n       length, a power of two
     * @param inverse {@code true} for the inverse transform (scaled by 1/n)
     */
    public static void transform(double[] re, double[] im, int offset, int stride, int n, boolean inverse) {
        double[][] table = twiddles(n, inverse);
        core(re, im, offset, stride, n, table[0], table[1], inverse);
    }

    private static double[][] twiddles(int n, boolean inverse) {
        if (!isPowerOfTwo(n)) {
            throw new IllegalArgumentException("FFT length must be a power of two, got " + n);
        }
        double sign = inverse ? 1.0 : -1.0;
        int halfN = n >> 1;
        double[] cos = new double[Math.max(1, halfN)];
        double[] sin = new double[Math.max(1, halfN)];
        for (int k = 0; k < halfN; k++) {
            double a = 2.0 * Math.PI * k / n;
            cos[k] = Math.cos(a);
            sin[k] = sign * Math.sin(a);
        }
        return new double[][] {cos, sin};
    }

    private static void core(double[] re, double[] im, int offset, int stride, int n, double[] cos, double[] sin,
                             boolean inverse) {
        // bit-reversal permutation
        for (int i = 1, j = 0; i < n; i++) {
            int bit = n >> 1;
            for (; (j & bit) != 0; bit >>= 1) {
                j ^= bit;
            }
            j ^= bit;
            if (i < j) {
                int a = offset + i * stride;
                int b = offset + j * stride;
                double t = re[a];
                re[a] = re[b];
                re[b] = t;
                t = im[a];
                im[a] = im[b];
                im[b] = t;
            }
        }
        for (int len = 2; len <= n; len <<= 1) {
            int half = len >> 1;
            int step = n / len;
            for (int k = 0; k < half; k++) {
                double wr = cos[k * step];
                double wi = sin[k * step];
                for (int s = 0; s < n; s += len) {
                    int a = offset + (s + k) * stride;
                    int b = offset + (s + k + half) * stride;
                    double xr = re[b] * wr - im[b] * wi;
                    double xi = re[b] * wi + im[b] * wr;
                    re[b] = re[a] - xr;
                    im[b] = im[a] - xi;
                    re[a] += xr;
                    im[a] += xi;
                }
            }
        }
        if (inverse) {
            double scale = 1.0 / n;
            for (int i = 0; i < n; i++) {
                int a = offset + i * stride;
                re[a] *= scale;
                im[a] *= scale;
            }
        }
    }

    /**
     * 1-D FFT of whole arrays.
     *
     * @param re      real parts (modified)
     * @param im      imaginary parts (modified)
     * @param inverse {@code true} for the inverse transform
     */
    public static void transform(double[] re, double[] im, boolean inverse) {
        if (re.length != im.length) {
            throw new IllegalArgumentException("re and im lengths differ");
        }
        transform(re, im, 0, 1, re.length, inverse);
    }

    /**
     * 2-D FFT of a row-major {@code h x w} complex array (rows, then columns).
     *
     * @param re      real parts, {@code w * h} (modified)
     * @param im      imaginary parts, {@code w * h} (modified)
     * @param w       width, a power of two
     * @param h       height, a power of two
     * @param inverse {@code true} for the inverse transform (scaled by 1/(w h))
     */
    public static void transform2d(double[] re, double[] im, int w, int h, boolean inverse) {
        if (re.length != w * h || im.length != w * h) {
            throw new IllegalArgumentException("arrays must have w*h = " + (w * h) + " elements");
        }
        double[][] tw = twiddles(w, inverse);
        for (int y = 0; y < h; y++) {
            core(re, im, y * w, 1, w, tw[0], tw[1], inverse);
        }
        // columns: gather into contiguous buffers (strided access thrashes the cache)
        double[][] th = twiddles(h, inverse);
        double[] cr = new double[h];
        double[] ci = new double[h];
        for (int x = 0; x < w; x++) {
            for (int y = 0; y < h; y++) {
                cr[y] = re[y * w + x];
                ci[y] = im[y * w + x];
            }
            core(cr, ci, 0, 1, h, th[0], th[1], inverse);
            for (int y = 0; y < h; y++) {
                re[y * w + x] = cr[y];
                im[y * w + x] = ci[y];
            }
        }
    }

    /**
     * Naive O(N^2) DFT, for tests.
     *
     * @param re      real parts (not modified)
     * @param im      imaginary parts (not modified)
     * @param inverse {@code true} for the inverse transform (scaled by 1/N)
     * @return {@code {re, im}} of the transform
     */
    static double[][] naiveDft(double[] re, double[] im, boolean inverse) {
        int n = re.length;
        double[] or = new double[n];
        double[] oi = new double[n];
        double sign = inverse ? 1.0 : -1.0;
        for (int k = 0; k < n; k++) {
            double sr = 0;
            double si = 0;
            for (int t = 0; t < n; t++) {
                double a = sign * 2.0 * Math.PI * ((long) k * t % n) / n;
                double c = Math.cos(a);
                double s = Math.sin(a);
                sr += re[t] * c - im[t] * s;
                si += re[t] * s + im[t] * c;
            }
            or[k] = inverse ? sr / n : sr;
            oi[k] = inverse ? si / n : si;
        }
        return new double[][] {or, oi};
    }
}
