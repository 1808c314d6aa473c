package io.smfd.eval;

import io.smfd.FaceImage;
import java.util.Locale;
import java.util.Objects;

/**
 * Classical (non-learned) deblurring baselines for the evaluation:
 * <ol>
 *   <li><b>Unsharp masking</b>: {@code out = x + amount * (x - G_s * x)} per RGB channel, with a
 *       Gaussian {@code G_s} of standard deviation {@code s} (mirror borders), clamped to [0, 1].</li>
 *   <li><b>Blind Wiener deconvolution</b> with a Gaussian kernel whose sigma is estimated from the
 *       blurry image alone ({@link #estimate(FaceImage)}):
 *       {@code X = conj(H) Y / (|H|^2 + NSR(f))} per RGB channel in the frequency domain, with
 *       {@code H(f) = exp(-2 pi^2 (gamma sigma)^2 |f|^2)} (the transfer function of a Gaussian of
 *       standard deviation {@code gamma * sigma}) and
 *       {@code NSR(f) = max(nsrFloor, lambda * r * |f|^alpha)}, where {@code r} is the
 *       noise-to-signal ratio estimated with sigma and {@code |f|} is in cycles per pixel. The image
 *       is extended by half-sample mirror padding to a power of two of at least twice its size (for
 *       a 256 px face, to 512, which makes the padded signal periodic and continuous: no wrap-around
 *       edge, little ringing), transformed with {@link Fft}, filtered, transformed back and cropped.</li>
 * </ol>
 *
 * <p><b>Blind sigma estimator.</b> The Hann-windowed, mean-subtracted BT.601 luma of the blurry image
 * is transformed; the log power is averaged over rings of width {@code 1/N} cycles/pixel for
 * {@code 3/N <= |f| <= 0.5}; the ring means are fitted in least squares (on the log scale) by
 * {@code log P(f) = log A + log(f^-alpha exp(-(2 pi sigma f)^2) + r)}: a natural-image power law
 * {@code A f^-alpha} times the power transfer function of a Gaussian blur, plus a white noise floor
 * {@code r A}. {@code log A} is solved in closed form; sigma and r by a grid search (sigma 0..8 px
 * step 0.1, then 0.01 around the optimum; r log-spaced 1e-9..1e2 (4 per decade, then 32) and 0). Sharp training faces are themselves slightly
 * soft (resampled from 512 px, JPEG), so the fitted value {@code s} is corrected by the sigma
 * {@code s0} fitted on sharp faces: {@code sigma = sqrt(max(0, s^2 - s0^2))}.
 *
 * <p><b>Parameters</b> ({@link Params#DEFAULTS}) were chosen ONLY on training faces
 * ({@code train/images/4300..4339}, the first 40 faces of the training recipe's validation split, degraded with
 * {@code DegradationPipeline.defaults()} and seeds {@code 30260000 + id}) by
 * {@link BaselineTuning}; the held-out {@code eval/} split was never used. {@code alpha} and
 * {@code s0} are the medians of the fit on the sharp training faces; unsharp {@code s, amount} and
 * Wiener {@code gamma, lambda} maximise the mean RGB PSNR on the degraded training faces over a grid.
 * See {@code docs/evaluation.md}.
 *
 * <p>Thread-safe: all methods are pure.
 */
public final class ClassicalBaseline {

    /** Baseline parameters. */
    public record Params(double unsharpSigma, double unsharpAmount, double alpha, double sigma0,
                         double wienerGamma, double wienerLambda, double nsrFloor) {

        /**
         * The tuned defaults, chosen on training faces 4300..4339 with {@link BaselineTuning} (see
         * {@code docs/evaluation.md}): unsharp sigma 4.0, amount 0.05 (the PSNR optimum of the grid:
         * on the noisy, JPEG-compressed spec-v1 inputs stronger sharpening lowers PSNR); estimator
         * alpha 2.9 and s0 0.25 px (medians over the sharp faces); Wiener gamma 1.0, lambda 3.0;
         * NSR floor 1e-4 (fixed).
         */
        public static final Params DEFAULTS = new Params(4.0, 0.05, 2.9, 0.25, 1.0, 3.0, 1e-4);

        /**
         * Returns a copy with other unsharp settings.
         *
         * @param sigma  Gaussian sigma
         * @param amount amount
         * @return new params
         */
        public Params withUnsharp(double sigma, double amount) {
            return new Params(sigma, amount, alpha, sigma0, wienerGamma, wienerLambda, nsrFloor);
        }

        /**
         * Returns a copy with other Wiener settings.
         *
         * @param gamma  sigma multiplier
         * @param lambda NSR multiplier
         * @return new params
         */
        public Params withWiener(double gamma, double lambda) {
            return new Params(unsharpSigma, unsharpAmount, alpha, sigma0, gamma, lambda, nsrFloor);
        }

        /**
         * Returns a copy with other estimator settings.
         *
         * @param alpha  power-law exponent of the natural-image prior
         * @param sigma0 intrinsic sigma of sharp faces
         * @return new params
         */
        public Params withEstimator(double alpha, double sigma0) {
            return new Params(unsharpSigma, unsharpAmount, alpha, sigma0, wienerGamma, wienerLambda, nsrFloor);
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "unsharp(sigma=%.2f, amount=%.2f), estimator(alpha=%.2f, s0=%.2f),"
                            + " wiener(gamma=%.2f, lambda=%.3g, nsrFloor=%.1g)", unsharpSigma, unsharpAmount, alpha,
                    sigma0, wienerGamma, wienerLambda, nsrFloor);
        }
    }

    /**
     * Result of the blind estimator.
     *
     * @param sigma      estimated Gaussian blur sigma (after the s0 correction), pixels
     * @param rawSigma   fitted sigma before the correction
     * @param noiseRatio fitted noise floor relative to the power-law amplitude ({@code r})
     * @param residual   RMS residual of the log-spectrum fit
     */
    public record Estimate(double sigma, double rawSigma, double noiseRatio, double residual) {
    }

    private static final double SIGMA_MAX = 8.0;
    private static final double[] NOISE_RATIOS = noiseRatios();

    private final Params params;

    /**
     * Creates a baseline with the given parameters.
     *
     * @param params parameters
     */
    public ClassicalBaseline(Params params) {
        this.params = Objects.requireNonNull(params, "params");
    }

    /**
     * Creates a baseline with {@link Params#DEFAULTS}.
     */
    public ClassicalBaseline() {
        this(Params.DEFAULTS);
    }

    /**
     * Returns the parameters.
     *
     * @return the parameters
     */
    public Params params() {
        return params;
    }

    // ---------------------------------------------------------------- unsharp masking

    /**
     * Unsharp masking with this baseline's sigma and amount.
     *
     * @param blurry input
     * @return sharpened image
     */
    public FaceImage unsharp(FaceImage blurry) {
        return unsharp(blurry, params.unsharpSigma(), params.unsharpAmount());
    }

    /**
     * Unsharp masking: {@code x + amount * (x - gaussian(x, sigma))}, clamped to [0, 1].
     *
     * @param image  input
     * @param sigma  Gaussian sigma, pixels (&gt; 0)
     * @param amount sharpening amount
     * @return sharpened image
     */
    public static FaceImage unsharp(FaceImage image, double sigma, double amount) {
        int w = image.width();
        int h = image.height();
        int n = w * h;
        float[] p = image.toPlanarFloat();
        float[] out = new float[3 * n];
        double[] plane = new double[n];
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < n; i++) {
                plane[i] = p[c * n + i];
            }
            double[] b = gaussianBlur(plane, w, h, sigma);
            for (int i = 0; i < n; i++) {
                out[c * n + i] = clamp01(plane[i] + amount * (plane[i] - b[i]));
            }
        }
        return FaceImage.fromPlanarFloat(w, h, out);
    }

    /**
     * Separable Gaussian blur with mirror borders (reflect, no edge repeat), radius {@code ceil(3 sigma)}.
     *
     * @param plane row-major plane
     * @param w     width
     * @param h     height
     * @param sigma standard deviation, pixels
     * @return a new blurred plane
     */
    public static double[] gaussianBlur(double[] plane, int w, int h, double sigma) {
        if (!(sigma > 0)) {
            return plane.clone();
        }
        int r = (int) Math.ceil(3 * sigma);
        double[] k = ImageMetrics.gaussian1d(2 * r + 1, sigma);
        double[] tmp = new double[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double s = 0;
                for (int t = -r; t <= r; t++) {
                    s += k[t + r] * plane[y * w + reflect(x + t, w)];
                }
                tmp[y * w + x] = s;
            }
        }
        double[] out = new double[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double s = 0;
                for (int t = -r; t <= r; t++) {
                    s += k[t + r] * tmp[reflect(y + t, h) * w + x];
                }
                out[y * w + x] = s;
            }
        }
        return out;
    }

    /** Reflect without edge repeat (..., 2, 1, 0, 1, 2, ..., n-2, n-1, n-2, ...). */
    static int reflect(int i, int n) {
        if (n == 1) {
            return 0;
        }
        int period = 2 * (n - 1);
        int m = Math.floorMod(i, period);
        return m < n ? m : period - m;
    }

    /** Half-sample symmetric extension (..., 1, 0, 0, 1, ..., n-1, n-1, n-2, ...), period 2n. */
    static int symmetric(int i, int n) {
        int m = Math.floorMod(i, 2 * n);
        return m < n ? m : 2 * n - 1 - m;
    }

    // ---------------------------------------------------------------- Wiener

    /**
     * Blind Wiener deconvolution: estimates sigma and the noise ratio, then deconvolves.
     *
     * @param blurry input
     * @return deblurred image
     */
    public FaceImage wiener(FaceImage blurry) {
        Estimate e = estimate(blurry);
        return wiener(blurry, e.sigma() * params.wienerGamma(), e.noiseRatio());
    }

    /**
     * Wiener deconvolution with a known Gaussian sigma and noise ratio {@code r}
     * ({@code NSR(f) = max(nsrFloor, lambda r |f|^alpha)}).
     *
     * @param blurry     input
     * @param sigma      Gaussian sigma of the kernel to invert, pixels
     * @param noiseRatio noise-to-signal ratio r of the power-law model
     * @return deblurred image, clamped to [0, 1]
     */
    public FaceImage wiener(FaceImage blurry, double sigma, double noiseRatio) {
        int w = blurry.width();
        int h = blurry.height();
        int n = w * h;
        int pw = Fft.nextPowerOfTwo(2 * w);
        int ph = Fft.nextPowerOfTwo(2 * h);
        int offX = (pw - w) / 2;
        int offY = (ph - h) / 2;
        // filter in the frequency domain
        double[] filter = new double[pw * ph];
        double twoPi2s2 = 2 * Math.PI * Math.PI * sigma * sigma;
        for (int v = 0; v < ph; v++) {
            double fy = freq(v, ph);
            for (int u = 0; u < pw; u++) {
                double fx = freq(u, pw);
                double f2 = fx * fx + fy * fy;
                double hf = Math.exp(-twoPi2s2 * f2);
                double nsr = Math.max(params.nsrFloor(),
                        params.wienerLambda() * noiseRatio * Math.pow(f2, params.alpha() / 2));
                filter[v * pw + u] = hf / (hf * hf + nsr);
            }
        }
        // The filter is real and even, so two real channels can share one complex transform:
        // filtering z = a + i b gives filtered a in the real part and filtered b in the imaginary part.
        float[] p = blurry.toPlanarFloat();
        float[] out = new float[3 * n];
        double[] re = new double[pw * ph];
        double[] im = new double[pw * ph];
        int[][] pairs = {{0, 1}, {2, -1}};
        for (int[] pair : pairs) {
            int ca = pair[0];
            int cb = pair[1];
            for (int y = 0; y < ph; y++) {
                int sy = symmetric(y - offY, h);
                for (int x = 0; x < pw; x++) {
                    int src = sy * w + symmetric(x - offX, w);
                    re[y * pw + x] = p[ca * n + src];
                    im[y * pw + x] = cb < 0 ? 0 : p[cb * n + src];
                }
            }
            Fft.transform2d(re, im, pw, ph, false);
            for (int i = 0; i < re.length; i++) {
                re[i] *= filter[i];
                im[i] *= filter[i];
            }
            Fft.transform2d(re, im, pw, ph, true);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int i = (y + offY) * pw + x + offX;
                    out[ca * n + y * w + x] = clamp01(re[i]);
                    if (cb >= 0) {
                        out[cb * n + y * w + x] = clamp01(im[i]);
                    }
                }
            }
        }
        return FaceImage.fromPlanarFloat(w, h, out);
    }

    private static double freq(int k, int n) {
        return (k <= n / 2 ? k : k - n) / (double) n;
    }

    // ---------------------------------------------------------------- blind estimator

    /**
     * Estimates the Gaussian blur sigma and the noise ratio from the blurry image alone (see the
     * class documentation).
     *
     * @param blurry input
     * @return the estimate
     */
    public Estimate estimate(FaceImage blurry) {
        double[][] spec = radialLogSpectrum(blurry);
        Fit fit = fit(spec[0], spec[1], params.alpha());
        double s0 = params.sigma0();
        double corrected = Math.sqrt(Math.max(0, fit.sigma * fit.sigma - s0 * s0));
        return new Estimate(corrected, fit.sigma, fit.r, fit.rms);
    }

    /**
     * Radially averaged log power spectrum of the Hann-windowed, mean-subtracted luma.
     *
     * @param image input
     * @return {@code {f, meanLogPower}} for the rings with {@code 3/N <= f <= 0.5}
     */
    static double[][] radialLogSpectrum(FaceImage image) {
        int w = image.width();
        int h = image.height();
        double[] y = ImageMetrics.luma(image);
        double mean = 0;
        for (double v : y) {
            mean += v;
        }
        mean /= y.length;
        int nf = Fft.nextPowerOfTwo(Math.max(w, h));
        double[] re = new double[nf * nf];
        double[] im = new double[nf * nf];
        for (int r = 0; r < h; r++) {
            double wy = 0.5 - 0.5 * Math.cos(2 * Math.PI * (r + 0.5) / h);
            for (int c = 0; c < w; c++) {
                double wx = 0.5 - 0.5 * Math.cos(2 * Math.PI * (c + 0.5) / w);
                re[r * nf + c] = (y[r * w + c] - mean) / 255.0 * wx * wy;
            }
        }
        Fft.transform2d(re, im, nf, nf, false);
        int bins = nf / 2 + 1;
        double[] sum = new double[bins];
        int[] cnt = new int[bins];
        for (int v = 0; v < nf; v++) {
            double fy = freq(v, nf);
            for (int u = 0; u < nf; u++) {
                double fx = freq(u, nf);
                double f = Math.sqrt(fx * fx + fy * fy);
                int b = (int) Math.round(f * nf);
                if (b >= bins) {
                    continue;
                }
                double pw = re[v * nf + u] * re[v * nf + u] + im[v * nf + u] * im[v * nf + u];
                sum[b] += Math.log(pw + 1e-30);
                cnt[b]++;
            }
        }
        int first = 3;
        int m = bins - first;
        double[] f = new double[m];
        double[] lp = new double[m];
        for (int b = first; b < bins; b++) {
            f[b - first] = b / (double) nf;
            lp[b - first] = sum[b] / cnt[b];
        }
        return new double[][] {f, lp};
    }

    /** Fit result. */
    record Fit(double sigma, double r, double logA, double rms) {
    }

    /** Least-squares fit of the log spectrum; alpha fixed. Coarse grid, then a local refinement. */
    static Fit fit(double[] f, double[] logP, double alpha) {
        Fit best = null;
        for (int i = 0; i <= (int) Math.round(SIGMA_MAX / 0.1); i++) {
            Fit fi = bestR(f, logP, alpha, i * 0.1, NOISE_RATIOS);
            if (best == null || fi.rms < best.rms) {
                best = fi;
            }
        }
        // refine r around the coarse optimum (1/32 decade) and sigma (0.01 px)
        double[] fine;
        if (best.r == 0) {
            fine = new double[] {0, NOISE_RATIOS[1]};
        } else {
            fine = new double[17];
            for (int j = 0; j < fine.length; j++) {
                fine[j] = best.r * Math.pow(10, (j - 8) / 32.0);
            }
        }
        double centre = best.sigma;
        for (int i = -10; i <= 10; i++) {
            double s = centre + i * 0.01;
            if (s < 0) {
                continue;
            }
            Fit fi = bestR(f, logP, alpha, s, fine);
            if (fi.rms < best.rms) {
                best = fi;
            }
        }
        return best;
    }

    private static Fit bestR(double[] f, double[] logP, double alpha, double sigma, double[] ratios) {
        int m = f.length;
        double[] g = new double[m];
        double k = 4 * Math.PI * Math.PI * sigma * sigma;
        for (int i = 0; i < m; i++) {
            g[i] = Math.pow(f[i], -alpha) * Math.exp(-k * f[i] * f[i]);
        }
        Fit best = null;
        for (double r : ratios) {
            // residual d_i = logP_i - log(g_i + r); log A = mean(d); rms^2 = mean(d^2) - mean(d)^2
            double sum = 0;
            double sum2 = 0;
            for (int i = 0; i < m; i++) {
                double d = logP[i] - Math.log(g[i] + r);
                sum += d;
                sum2 += d * d;
            }
            double logA = sum / m;
            double rms = Math.sqrt(Math.max(0, sum2 / m - logA * logA));
            if (best == null || rms < best.rms) {
                best = new Fit(sigma, r, logA, rms);
            }
        }
        return best;
    }

    private static double[] noiseRatios() {
        int steps = 11 * 4; // 1e-9 .. 1e2, 4 per decade (refined later)
        double[] r = new double[steps + 2];
        r[0] = 0;
        for (int i = 0; i <= steps; i++) {
            r[i + 1] = Math.pow(10, -9 + i / 4.0);
        }
        return r;
    }

    private static float clamp01(double v) {
        return (float) (v < 0 ? 0 : (v > 1 ? 1 : v));
    }
}
