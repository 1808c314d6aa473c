package io.smfd.degrade;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Image-level steps on planar float RGB ({@code 3 x h x w}). All methods are pure functions
 * (no shared state) and deterministic: float arithmetic in Java is strict and never fused, so
 * the same inputs give bit-identical outputs on every run and thread.
 */
final class ImageOps {
    private ImageOps() {
    }

    /** numpy 'reflect' index (mirror about the edge sample, no repeat), for any offset. */
    static int reflect(int i, int n) {
        if (n == 1) {
            return 0;
        }
        int period = 2 * (n - 1);
        int m = Math.floorMod(i, period);
        return m < n ? m : period - m;
    }

    /**
     * True 2-D convolution of each channel with a {@code k x k} kernel (row-major), reflect
     * borders. Zero taps are skipped, so sparse motion kernels are cheap.
     */
    static float[] convolve(float[] src, int w, int h, double[] kernel, int k) {
        int r = k / 2;
        int pw = w + 2 * r;
        int ph = h + 2 * r;
        int taps = 0;
        for (double v : kernel) {
            if (v != 0.0) {
                taps++;
            }
        }
        // correlation with the flipped kernel == convolution
        float[] tw = new float[taps];
        int[] toff = new int[taps];
        int t = 0;
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                double v = kernel[(k - 1 - i) * k + (k - 1 - j)];
                if (v != 0.0) {
                    tw[t] = (float) v;
                    toff[t] = i * pw + j;
                    t++;
                }
            }
        }
        int[] colIdx = new int[pw];
        for (int x = 0; x < pw; x++) {
            colIdx[x] = reflect(x - r, w);
        }
        int plane = w * h;
        float[] out = new float[src.length];
        float[] pad = new float[pw * ph];
        for (int c = 0; c < 3; c++) {
            int cb = c * plane;
            for (int y = 0; y < ph; y++) {
                int srow = cb + reflect(y - r, h) * w;
                int prow = y * pw;
                for (int x = 0; x < pw; x++) {
                    pad[prow + x] = src[srow + colIdx[x]];
                }
            }
            for (int y = 0; y < h; y++) {
                int o = cb + y * w;
                int rowBase = y * pw;
                for (int q = 0; q < taps; q++) {
                    float wt = tw[q];
                    int b = rowBase + toff[q];
                    for (int x = 0; x < w; x++) {
                        out[o + x] += wt * pad[b + x];
                    }
                }
            }
        }
        return out;
    }

    /**
     * Bilinear resize of each channel, {@code align_corners=False} semantics (PyTorch
     * {@code F.interpolate(mode="bilinear")}), no antialiasing.
     */
    static float[] resize(float[] src, int w, int h, int nw, int nh) {
        int[] x0 = new int[nw];
        int[] x1 = new int[nw];
        float[] lx = new float[nw];
        axis(w, nw, x0, x1, lx);
        int[] y0 = new int[nh];
        int[] y1 = new int[nh];
        float[] ly = new float[nh];
        axis(h, nh, y0, y1, ly);
        float[] out = new float[3 * nw * nh];
        for (int c = 0; c < 3; c++) {
            int sb = c * w * h;
            int ob = c * nw * nh;
            for (int y = 0; y < nh; y++) {
                int r0 = sb + y0[y] * w;
                int r1 = sb + y1[y] * w;
                float wy = ly[y];
                for (int x = 0; x < nw; x++) {
                    float wx = lx[x];
                    float top = (1f - wx) * src[r0 + x0[x]] + wx * src[r0 + x1[x]];
                    float bot = (1f - wx) * src[r1 + x0[x]] + wx * src[r1 + x1[x]];
                    out[ob + y * nw + x] = (1f - wy) * top + wy * bot;
                }
            }
        }
        return out;
    }

    private static void axis(int in, int outN, int[] i0, int[] i1, float[] lambda) {
        double scale = (double) in / outN;
        for (int o = 0; o < outN; o++) {
            double s = (o + 0.5) * scale - 0.5;
            if (s < 0.0) {
                s = 0.0;
            }
            int a = Math.min((int) s, in - 1);
            i0[o] = a;
            i1[o] = Math.min(a + 1, in - 1);
            lambda[o] = (float) (s - a);
        }
    }

    /** Down-up scaling: to round(w*s) x round(h*s) (at least 1x1) and back. */
    static float[] downUp(float[] src, int w, int h, double s) {
        int nw = Math.max(1, (int) Math.rint(w * s));
        int nh = Math.max(1, (int) Math.rint(h * s));
        return resize(resize(src, w, h, nw, nh), nw, nh, w, h);
    }

    static void clamp01(float[] p) {
        for (int i = 0; i < p.length; i++) {
            float v = p[i];
            p[i] = v < 0f ? 0f : (v > 1f ? 1f : v);
        }
    }

    /** Adds Gaussian noise (sigma in [0,1] units) and clamps; realisation from {@code rng}. */
    static void gaussianNoise(float[] p, double sigma, SplitMix64 rng) {
        for (int i = 0; i < p.length; i++) {
            p[i] = (float) (p[i] + sigma * rng.normal());
        }
        clamp01(p);
    }

    /** Poisson noise {@code y = Poisson(x * peak) / peak}, clamped. */
    static void poissonNoise(float[] p, double peak, SplitMix64 rng) {
        for (int i = 0; i < p.length; i++) {
            double lam = Math.min(1.0, Math.max(0.0, p[i])) * peak;
            p[i] = (float) (poisson(lam, rng) / peak);
        }
        clamp01(p);
    }

    /**
     * Exact Poisson sampler: multiplication method for small means, PTRS (Hormann 1993,
     * transformed rejection with squeeze, as in NumPy) for means of 10 and above.
     */
    static long poisson(double lam, SplitMix64 rng) {
        if (lam <= 0.0) {
            return 0;
        }
        if (lam < 10.0) {
            double limit = Math.exp(-lam);
            long k = 0;
            double prod = rng.uniform();
            while (prod > limit) {
                k++;
                prod *= rng.uniform();
            }
            return k;
        }
        double slam = Math.sqrt(lam);
        double loglam = Math.log(lam);
        double b = 0.931 + 2.53 * slam;
        double a = -0.059 + 0.02483 * b;
        double invalpha = 1.1239 + 1.1328 / (b - 3.4);
        double vr = 0.9277 - 3.6224 / (b - 2.0);
        while (true) {
            double u = rng.uniform() - 0.5;
            double v = rng.uniform();
            double us = 0.5 - Math.abs(u);
            long k = (long) Math.floor((2.0 * a / us + b) * u + lam + 0.43);
            if (us >= 0.07 && v <= vr) {
                return k;
            }
            if (k < 0 || (us < 0.013 && v > us)) {
                continue;
            }
            if (Math.log(v) + Math.log(invalpha) - Math.log(a / (us * us) + b)
                    <= -lam + k * loglam - logGamma(k + 1.0)) {
                return k;
            }
        }
    }

    /** log Gamma(x) for x >= 1 (Stirling series with shift, as NumPy's random_loggam). */
    static double logGamma(double x) {
        if (x == 1.0 || x == 2.0) {
            return 0.0;
        }
        final double[] a = {8.333333333333333e-02, -2.777777777777778e-03,
            7.936507936507937e-04, -5.952380952380952e-04, 8.417508417508418e-04,
            -1.917526917526918e-03, 6.410256410256410e-03, -2.955065359477124e-02,
            1.796443723688307e-01, -1.39243221690590e+00};
        int n = x < 7.0 ? (int) (7 - x) : 0;
        double x0 = x + n;
        double x2 = (1.0 / x0) * (1.0 / x0);
        double gl0 = a[9];
        for (int k = 8; k >= 0; k--) {
            gl0 *= x2;
            gl0 += a[k];
        }
        double gl = gl0 / x0 + 0.5 * 1.8378770664093453 + (x0 - 0.5) * Math.log(x0) - x0;
        for (int k = 1; k <= n; k++) {
            gl -= Math.log(x0 - 1.0);
            x0 -= 1.0;
        }
        return gl;
    }

    /** Quantises to 8 bits, {@code (int)(v * 255 + 0.5)} as the training recipe does. */
    static int toByte(float v) {
        int q = (int) (v * 255.0f + 0.5f);
        return q < 0 ? 0 : (q > 255 ? 255 : q);
    }

    static void quantise8(float[] p) {
        for (int i = 0; i < p.length; i++) {
            p[i] = toByte(p[i]) / 255.0f;
        }
    }

    /** JPEG re-compression at {@code quality} (1..100) through ImageIO, entirely in memory. */
    static float[] jpeg(float[] p, int w, int h, int quality) {
        int n = w * h;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        int[] rgb = new int[n];
        for (int i = 0; i < n; i++) {
            rgb[i] = (toByte(p[i]) << 16) | (toByte(p[n + i]) << 8) | toByte(p[2 * n + i]);
        }
        img.setRGB(0, 0, w, h, rgb, 0, w);
        byte[] bytes;
        Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("jpeg");
        if (!writers.hasNext()) {
            throw new IllegalStateException("no ImageIO JPEG writer available");
        }
        ImageWriter writer = writers.next();
        try (ByteArrayOutputStream bos = new ByteArrayOutputStream()) {
            try (ImageOutputStream ios = new MemoryCacheImageOutputStream(bos)) {
                writer.setOutput(ios);
                ImageWriteParam param = writer.getDefaultWriteParam();
                param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
                param.setCompressionQuality(quality / 100f);
                writer.write(null, new IIOImage(img, null, null), param);
            }
            bytes = bos.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("in-memory JPEG encoding failed", e);
        } finally {
            writer.dispose();
        }
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName("jpeg");
        if (!readers.hasNext()) {
            throw new IllegalStateException("no ImageIO JPEG reader available");
        }
        ImageReader reader = readers.next();
        BufferedImage dec;
        try (ImageInputStream iis = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            reader.setInput(iis, true, true);
            dec = reader.read(0);
        } catch (IOException e) {
            throw new UncheckedIOException("in-memory JPEG decoding failed", e);
        } finally {
            reader.dispose();
        }
        dec.getRGB(0, 0, w, h, rgb, 0, w);
        float[] out = new float[3 * n];
        for (int i = 0; i < n; i++) {
            int v = rgb[i];
            out[i] = ((v >> 16) & 0xFF) / 255.0f;
            out[n + i] = ((v >> 8) & 0xFF) / 255.0f;
            out[2 * n + i] = (v & 0xFF) / 255.0f;
        }
        return out;
    }
}
