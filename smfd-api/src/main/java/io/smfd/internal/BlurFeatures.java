package io.smfd.internal;

import io.smfd.BlurAssessment;
import io.smfd.FaceImage;
import java.util.Objects;

/**
 * The features of the blur assessment and the arithmetic of its two models, without weights: what
 * {@code BlurEstimator} (behind {@link io.smfd.Deblurrer#assess(FaceImage)}) computes and what smfd-eval's
 * {@code AssessmentCalibration} fits the weights on. <b>One source:</b> smfd-eval's build copies this file into
 * its own package (execution {@code blur-features-from-smfd-api} of {@code smfd-eval/pom.xml}), because
 * {@code io.smfd.internal} is not exported; so this class uses only smfd-api's public API and the JDK.
 *
 * <p><b>Features</b> ({@link #features(FaceImage, double[])}), on BT.601 luma (0..255) inside a central face
 * area given by the calibration (the legacy area, used by the fallback, is x in
 * [{@value #REGION_X0}, {@value #REGION_X1}) and y in [{@value #REGION_Y0}, {@value #REGION_Y1}) of the width and
 * height: eyes, brows, nose, mouth and cheeks of an aligned crop; the bundled calibration's is x 0.20-0.80,
 * y 0.20-0.85, which keeps the eyes inside on a 112 px ArcFace-style crop):
 * <ul>
 *   <li>the structure function {@code D_d(s) = mean (Y(p) - Y(p + s d))^2} for the lags {@link #LAGS} along
 *       four directions {@code d} (horizontal, vertical, both diagonals): {@code ln D(s)/D(1)} grows towards
 *       {@code ln s^2} as the blur widens; the spread over directions reveals directional (motion) blur;</li>
 *   <li>edge profiles: at the strongest 5% edges of each direction, {@code sum |Y(p+d)-Y(p-d)| /
 *       sum |Y(p+sd)-Y(p-sd)|} for {@code s} = 2, 4, 8 (near 1 for a step edge, {@code 1/s} for an edge wider
 *       than {@code s}), averaged and min/max over directions;</li>
 *   <li>noise and compression: Immerkaer's noise estimate, the median absolute finest diagonal Haar detail,
 *       and JPEG blockiness (mean step across the 8x8 grid over the mean step inside blocks);</li>
 *   <li>the anisotropy ({@link #anisotropy}: how directional the loss of detail is) and the crop size
 *       {@code ln(width / 256)}, because the same lags mean a different blur on a 112 px crop than at 256 px;</li>
 *   <li>the colour noise: {@code ln} of the mean MAD estimate of {@code R - G} and {@code B - G} (+ 0.1): noise
 *       added after blur is largely independent per channel, while the chroma of a sharp JPEG-sourced face is
 *       smooth, so this separates "blurred, then noisy" from sharp texture;</li>
 *   <li>the pairwise products of thirteen key features ({@link #KEY}), because noise and size change what the
 *       short-lag ratios mean.</li>
 * </ul>
 *
 * <p><b>Models</b> ({@link #assess(double[], double[], double[], double)}): extent (radius of gyration of the
 * blur kernel, px) {@code min(16, max(0, exp(w . f) - 1))}, severity the logistic
 * {@code 1 / (1 + exp(-(v . f + offset)))}; the weights and the offset are the caller's.
 *
 * <p>Stateless and thread-safe; allocates a luma and two chroma buffers of the region per call.
 */
final class BlurFeatures {

    /** Central face area, as fractions of the width and height (aligned crops: eyes, nose, mouth, cheeks). */
    static final double REGION_X0 = 0.25;
    static final double REGION_X1 = 0.75;
    static final double REGION_Y0 = 0.30;
    static final double REGION_Y1 = 0.85;
    /** The central area above as {@code {x0, x1, y0, y1}}: the region of calibrations that name none. */
    static final double[] LEGACY_REGION = {REGION_X0, REGION_X1, REGION_Y0, REGION_Y1};

    /** Lags of the structure function, in pixels. */
    static final int[] LAGS = {1, 2, 3, 4, 6, 8};

    /** Half-lags of the edge profile (central differences {@code Y(p + s d) - Y(p - s d)}), pixels. */
    static final int[] EDGE_LAGS = {1, 2, 4, 8};
    /** Share of pixels per direction taken as edge pixels. */
    static final double EDGE_SHARE = 0.05;

    /** Number of features, including the leading constant 1. */
    static final int BASE_FEATURES = 28;
    /** Features whose pairwise products (squares included) are appended. */
    static final int[] KEY = {1, 5, 8, 11, 14, 17, 20, 21, 23, 24, 25, 26, 27};
    static final int FEATURES = BASE_FEATURES + KEY.length * (KEY.length + 1) / 2;

    private BlurFeatures() {
    }

    /**
     * The features of a face and what the estimator's unmeasurable check, kind and noise need from the same pass.
     *
     * @param features   {@value #FEATURES} features, the first being the constant 1
     * @param d8         mean over directions of the structure function at 8 px
     * @param noiseSigma MAD noise estimate, luma levels
     * @param anisotropy {@link #anisotropy} (feature 25)
     */
    record Measurement(double[] features, double d8, double noiseSigma, double anisotropy) {
    }

    /**
     * Computes the feature vector of a face over a given area.
     *
     * @param image  the face
     * @param region {@code {x0, x1, y0, y1}} as fractions of the width and height
     * @return {@value #FEATURES} features, the first being the constant 1
     */
    static double[] features(FaceImage image, double[] region) {
        Objects.requireNonNull(image, "image");
        return measure(image, region).features();
    }

    /**
     * Computes the features of a face over a given area, with what the estimator needs besides them.
     *
     * @param image  the face
     * @param region {@code {x0, x1, y0, y1}} as fractions of the width and height
     * @return the measurement
     */
    static Measurement measure(FaceImage image, double[] region) {
        int w = image.width();
        int h = image.height();
        int x0 = (int) Math.floor(w * region[0]);
        int x1 = (int) Math.ceil(w * region[1]);
        int y0 = (int) Math.floor(h * region[2]);
        int y1 = (int) Math.ceil(h * region[3]);
        int rw = x1 - x0;
        int rh = y1 - y0;
        float[] p = image.toPlanarFloat();
        int n = w * h;
        float[] y = new float[rw * rh];
        float[] cu = new float[rw * rh];
        float[] cv = new float[rw * rh];
        for (int j = 0; j < rh; j++) {
            int src = (y0 + j) * w + x0;
            int dst = j * rw;
            for (int i = 0; i < rw; i++) {
                int k = src + i;
                y[dst + i] = 255f * (0.299f * p[k] + 0.587f * p[n + k] + 0.114f * p[2 * n + k]);
                cu[dst + i] = 255f * (p[k] - p[n + k]);
                cv[dst + i] = 255f * (p[2 * n + k] - p[n + k]);
            }
        }
        int maxLag = LAGS[LAGS.length - 1];
        // Compare every lag over the same anchor pixels, so the ratios are not biased by different areas.
        int ax0 = maxLag;
        int ax1 = rw - maxLag;
        int ay1 = rh - maxLag;
        if (ax1 <= ax0 || ay1 <= 0) { // tiny crops (16 px): fall back to whatever fits
            ax0 = 0;
            ax1 = rw;
            ay1 = rh;
        }
        int[][] dirs = {{1, 0}, {0, 1}, {1, 1}, {-1, 1}};
        double[][] d = new double[4][LAGS.length];
        for (int di = 0; di < 4; di++) {
            for (int li = 0; li < LAGS.length; li++) {
                int dx = dirs[di][0] * LAGS[li];
                int dy = dirs[di][1] * LAGS[li];
                double s = 0;
                long count = 0;
                int i0 = Math.max(ax0, -dx);
                int i1 = Math.min(ax1, rw - dx);
                int j1 = Math.min(ay1, rh - dy);
                for (int j = 0; j < j1; j++) {
                    int row = j * rw;
                    int row2 = (j + dy) * rw + dx;
                    float acc = 0;
                    for (int i = i0; i < i1; i++) {
                        float diff = y[row + i] - y[row2 + i];
                        acc += diff * diff;
                    }
                    s += acc;
                    count += Math.max(0, i1 - i0);
                }
                d[di][li] = count == 0 ? 0 : s / count;
            }
        }
        double[] mean = new double[LAGS.length];
        for (int li = 0; li < LAGS.length; li++) {
            mean[li] = (d[0][li] + d[1][li] + d[2][li] + d[3][li]) / 4 + 1e-3;
        }
        double minD1 = Double.MAX_VALUE;
        double maxD1 = 0;
        double maxRatio2 = -Double.MAX_VALUE;
        for (int di = 0; di < 4; di++) {
            minD1 = Math.min(minD1, d[di][0] + 1e-3);
            maxD1 = Math.max(maxD1, d[di][0] + 1e-3);
            maxRatio2 = Math.max(maxRatio2, Math.log((d[di][1] + 1e-3) / (d[di][0] + 1e-3)));
        }
        double noise = noiseSigma(y, rw, rh);
        // Edge profiles: at the strongest edges of each direction (top EDGE_SHARE of |Y(p+4d) - Y(p-4d)|), the
        // ratios sum |Y(p+d) - Y(p-d)| / sum |Y(p+sd) - Y(p-sd)|: near 1 for a step, s^-1 for an edge wider than s.
        double[][] edge = new double[4][EDGE_LAGS.length];
        double edgeContrast = 0;
        for (int di = 0; di < 4; di++) {
            edgeProfile(y, rw, rh, ax0, ax1, ay1, dirs[di][0], dirs[di][1], edge[di]);
            edgeContrast += edge[di][EDGE_LAGS.length - 1] / 4;
        }
        double[] f = new double[FEATURES];
        f[0] = 1;
        f[1] = Math.log(mean[1] / mean[0]);
        f[2] = Math.log(mean[2] / mean[0]);
        f[3] = Math.log(mean[3] / mean[0]);
        f[4] = Math.log(mean[4] / mean[0]);
        f[5] = Math.log(mean[5] / mean[0]);
        f[6] = Math.log(maxD1 / minD1);
        f[7] = maxRatio2;
        f[8] = Math.log((noise * noise + 1) / (mean[0] + 1));
        f[9] = Math.log(mean[0] + 1);
        f[10] = Math.log(mean[5] + 1);
        for (int li = 0; li < EDGE_LAGS.length - 1; li++) {
            double min = Double.MAX_VALUE;
            double max = -Double.MAX_VALUE;
            double avg = 0;
            for (int di = 0; di < 4; di++) {
                double v = Math.log(edge[di][li]);
                min = Math.min(min, v);
                max = Math.max(max, v);
                avg += v / 4;
            }
            f[11 + 3 * li] = avg;
            f[12 + 3 * li] = min;
            f[13 + 3 * li] = max;
        }
        f[20] = Math.log((noise + 0.5) / (edgeContrast + 0.5));
        // ratios that skip lag 1 (less sensitive to noise): E2/E4 = (E1/E4) / (E1/E2), E4/E8
        double e24 = 0;
        double e48 = 0;
        for (int di = 0; di < 4; di++) {
            e24 += Math.log(edge[di][1] / edge[di][0]) / 4;
            e48 += Math.log(edge[di][2] / edge[di][1]) / 4;
        }
        f[21] = e24;
        f[22] = e48;
        double mad = madNoise(y, rw, rh);
        f[23] = Math.log(mad + 0.1);
        f[24] = Math.log(blockiness(y, rw, rh, x0, y0));
        // directional blur and the crop size: the same lags mean a different blur on a 112 px crop than at 256 px
        f[25] = anisotropy(d, w, mad);
        f[26] = Math.log(w / 256.0);
        // colour noise: the MAD estimate of R - G and B - G (sensor and added noise is partly independent per
        // channel, while the chroma of a JPEG-sourced face is smooth)
        f[27] = Math.log((madNoise(cu, rw, rh) + madNoise(cv, rw, rh)) / 2 + 0.1);
        // pairwise products of the key features: noise changes what the short-lag ratios mean
        int k = BASE_FEATURES;
        for (int i = 0; i < KEY.length; i++) {
            for (int j = i; j < KEY.length; j++) {
                f[k++] = f[KEY[i]] * f[KEY[j]];
            }
        }
        return new Measurement(f, mean[5] - 1e-3, mad, f[25]);
    }

    /**
     * Applies the two models to a feature vector (no unmeasurable check, kind {@code ISOTROPIC}).
     *
     * @param f        features from {@link #features(FaceImage, double[])}
     * @param extentW  extent weights
     * @param severityW severity weights
     * @return the assessment; the extent is capped at {@link BlurAssessment#MAX_EXTENT_PIXELS}
     */
    static BlurAssessment assess(double[] f, double[] extentW, double[] severityW) {
        return assess(f, extentW, severityW, 0);
    }

    /**
     * Applies the two models to a feature vector, with an offset added to the severity's logit (the
     * calibration's size-dependent decision offset and noise gate).
     *
     * @param f         features
     * @param extentW   extent weights
     * @param severityW severity weights
     * @param offset    added to {@code severityW . f}
     * @return the assessment
     */
    static BlurAssessment assess(double[] f, double[] extentW, double[] severityW, double offset) {
        double logExtent = dot(f, extentW);
        double extent = Math.max(0.0, Math.expm1(Math.min(logExtent, Math.log1p(BlurAssessment.MAX_EXTENT_PIXELS))));
        extent = Math.min(extent, BlurAssessment.MAX_EXTENT_PIXELS);
        double z = dot(f, severityW) + offset;
        double severity = 1.0 / (1.0 + Math.exp(-z));
        if (Double.isNaN(severity) || Double.isNaN(extent)) { // NaN features cannot come from an 8-bit image
            throw new IllegalStateException("blur features are not finite");
        }
        return BlurAssessment.of(severity, extent);
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    /**
     * Per direction (horizontal, vertical, both diagonals), how much short-range detail the face lost:
     * {@code ln((D_d(L) - 2 sigma^2 + 1) / (D_d(1) - 2 sigma^2 + 1))} with {@code L} the lag of {@link #LAGS}
     * nearest to {@code 4 w / 128} px (at least 2): blur along {@code d} lowers {@code D_d(1)} more than
     * {@code D_d(L)}.
     */
    static double[] directionalLoss(double[][] d, int width, double noiseSigma) {
        double want = Math.max(2, Math.min(8, 4.0 * width / 128));
        int li = 0;
        for (int i = 1; i < LAGS.length; i++) {
            if (Math.abs(LAGS[i] - want) < Math.abs(LAGS[li] - want)) {
                li = i;
            }
        }
        double noise = 2 * noiseSigma * noiseSigma;
        double[] out = new double[d.length];
        for (int k = 0; k < d.length; k++) {
            out[k] = Math.log((Math.max(0, d[k][li] - noise) + 1) / (Math.max(0, d[k][0] - noise) + 1));
        }
        return out;
    }

    /**
     * Mean {@link #directionalLoss} of sharp aligned training faces (the face's own anisotropy: more horizontal
     * edges than vertical ones), less their mean; measured on 200 training faces (ids 7, 28, ... 4186) at 256, 160 and
     * 112 px and averaged over the sizes. Subtracted before {@link #anisotropy} takes the spread.
     */
    static final double[] SHARP_DIRECTIONAL_LOSS = {0.155, 0.004, -0.087, -0.072};

    /** The spread (max - min) over directions of {@link #directionalLoss} less {@link #SHARP_DIRECTIONAL_LOSS}. */
    static double anisotropy(double[][] d, int width, double noiseSigma) {
        double[] loss = directionalLoss(d, width, noiseSigma);
        double min = Double.MAX_VALUE;
        double max = -Double.MAX_VALUE;
        for (int k = 0; k < loss.length; k++) {
            double v = loss[k] - SHARP_DIRECTIONAL_LOSS[k];
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        return max - min;
    }

    /**
     * Fills {@code out[0..EDGE_LAGS.length-2]} with {@code ln}-able ratios {@code sum g1 / sum gs} for
     * {@code s = EDGE_LAGS[1..]}, and {@code out[EDGE_LAGS.length - 1]} with the mean {@code g4} of the selected
     * edge pixels, where {@code gs(p) = |Y(p + s d) - Y(p - s d)|} and edge pixels are those with the largest
     * {@code g4} (top {@link #EDGE_SHARE}, found with a histogram in O(pixels)).
     */
    private static void edgeProfile(float[] y, int rw, int rh, int ax0, int ax1, int ay1, int dx, int dy, double[] out) {
        int reach = EDGE_LAGS[EDGE_LAGS.length - 1];
        int coarse = 4;
        int[] hist = new int[256];
        int count = 0;
        int jy0 = dy == 0 ? 0 : reach;
        int jy1 = dy == 0 ? rh : Math.min(rh - reach, Math.max(ay1, reach));
        int ix0 = Math.max(ax0, dx == 0 ? 0 : reach);
        int ix1 = Math.min(ax1, dx == 0 ? rw : rw - reach);
        if (jy1 <= jy0 || ix1 <= ix0) {
            java.util.Arrays.fill(out, 1.0);
            return;
        }
        for (int j = jy0; j < jy1; j++) {
            for (int i = ix0; i < ix1; i++) {
                int p = j * rw + i;
                int o = coarse * (dy * rw + dx);
                float g = Math.abs(y[p + o] - y[p - o]);
                hist[Math.min(255, (int) g)]++;
                count++;
            }
        }
        int wanted = Math.max(1, (int) Math.round(count * EDGE_SHARE));
        int thr = 255;
        int acc = 0;
        while (thr > 0 && acc + hist[thr] < wanted) {
            acc += hist[thr];
            thr--;
        }
        double[] sums = new double[EDGE_LAGS.length];
        int selected = 0;
        for (int j = jy0; j < jy1; j++) {
            for (int i = ix0; i < ix1; i++) {
                int p = j * rw + i;
                int o4 = coarse * (dy * rw + dx);
                float g4 = Math.abs(y[p + o4] - y[p - o4]);
                if (g4 < thr) {
                    continue;
                }
                selected++;
                for (int li = 0; li < EDGE_LAGS.length; li++) {
                    int o = EDGE_LAGS[li] * (dy * rw + dx);
                    sums[li] += Math.abs(y[p + o] - y[p - o]);
                }
            }
        }
        for (int li = 1; li < EDGE_LAGS.length; li++) {
            out[li - 1] = (sums[0] + 1e-3) / (sums[li] + 1e-3);
        }
        out[EDGE_LAGS.length - 1] = selected == 0 ? 0 : sums[2] / selected;
    }

    /**
     * Robust noise estimate: the median absolute finest-scale diagonal Haar detail
     * {@code (a - b - c + d) / 2} over non-overlapping 2x2 blocks, divided by 0.6745 (Donoho's MAD estimator).
     * Uses a 1/4-unit histogram of the details, O(pixels).
     */
    static double madNoise(float[] y, int w, int h) {
        int[] hist = new int[1024];
        int count = 0;
        for (int j = 0; j + 1 < h; j += 2) {
            for (int i = 0; i + 1 < w; i += 2) {
                int p = j * w + i;
                float dd = Math.abs(y[p] - y[p + 1] - y[p + w] + y[p + w + 1]) / 2;
                hist[Math.min(1023, (int) (dd * 4))]++;
                count++;
            }
        }
        int half = count / 2;
        int acc = 0;
        for (int b = 0; b < hist.length; b++) {
            acc += hist[b];
            if (acc > half) {
                return (b + 0.5) / 4 / 0.6745;
            }
        }
        return 0;
    }

    /**
     * JPEG blockiness: mean absolute step across the 8x8 grid of the full image (region offset {@code x0, y0})
     * over the mean absolute step inside the blocks, horizontally and vertically together (1 = no blocking).
     */
    static double blockiness(float[] y, int w, int h, int x0, int y0) {
        double onGrid = 0.5;
        double offGrid = 0.5;
        long nOn = 1;
        long nOff = 1;
        for (int j = 0; j < h; j++) {
            for (int i = 0; i < w; i++) {
                int p = j * w + i;
                if (i + 1 < w) {
                    float d = Math.abs(y[p + 1] - y[p]);
                    if ((x0 + i) % 8 == 7) {
                        onGrid += d;
                        nOn++;
                    } else {
                        offGrid += d;
                        nOff++;
                    }
                }
                if (j + 1 < h) {
                    float d = Math.abs(y[p + w] - y[p]);
                    if ((y0 + j) % 8 == 7) {
                        onGrid += d;
                        nOn++;
                    } else {
                        offGrid += d;
                        nOff++;
                    }
                }
            }
        }
        return (onGrid / nOn) / (offGrid / nOff);
    }

    /**
     * Immerkaer's fast noise estimate: {@code sqrt(pi/2) / (6 (W-2)(H-2)) sum |I * N|} with the
     * difference-of-Laplacians mask {@code N = [1 -2 1; -2 4 -2; 1 -2 1]}.
     */
    static double noiseSigma(float[] y, int w, int h) {
        if (w < 3 || h < 3) {
            return 0;
        }
        double s = 0;
        for (int j = 1; j < h - 1; j++) {
            int r0 = (j - 1) * w;
            int r1 = j * w;
            int r2 = (j + 1) * w;
            for (int i = 1; i < w - 1; i++) {
                double v = y[r0 + i - 1] - 2 * y[r0 + i] + y[r0 + i + 1]
                        - 2 * y[r1 + i - 1] + 4 * y[r1 + i] - 2 * y[r1 + i + 1]
                        + y[r2 + i - 1] - 2 * y[r2 + i] + y[r2 + i + 1];
                s += Math.abs(v);
            }
        }
        return Math.sqrt(Math.PI / 2) * s / (6.0 * (w - 2) * (h - 2));
    }
}
