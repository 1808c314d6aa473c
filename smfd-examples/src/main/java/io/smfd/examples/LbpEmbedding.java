package io.smfd.examples;

import io.smfd.FaceImage;
import java.util.Objects;

/**
 * A deliberately simple, dependency-free face descriptor for {@link FaceMatchingExample}: spatially
 * pooled uniform local binary patterns (LBP, Ahonen et al. 2006), a classical texture descriptor for
 * aligned faces. It stands in for the embedding of a real face-recognition model (e.g. an ArcFace
 * network); replace {@link #embed(FaceImage)} with yours.
 *
 * <p>Recipe: grayscale {@code Y = 0.299 R + 0.587 G + 0.114 B}; 8-neighbour radius-1 LBP code per
 * interior pixel, mapped to the 58 uniform patterns plus one bin for all others (59 bins); one
 * histogram per cell of a {@value #GRID} x {@value #GRID} grid, each normalised to sum 1; square root
 * of every bin (Hellinger mapping); the concatenation ({@value #GRID}{@code ^2 * 59} values) is
 * L2-normalised. {@link #cosine(float[], float[])} of two embeddings is then in [0, 1], 1 for
 * identical texture layout. Blur flattens micro-texture and therefore lowers it.
 */
public final class LbpEmbedding {

    /** Cells per side of the pooling grid. */
    public static final int GRID = 7;
    /** Histogram bins per cell: 58 uniform patterns + 1 for the rest. */
    public static final int BINS = 59;
    /** Length of an embedding. */
    public static final int DIMENSION = GRID * GRID * BINS;

    private static final int[] UNIFORM_BIN = uniformBins();

    private LbpEmbedding() {
    }

    /**
     * Computes the embedding of an aligned face crop.
     *
     * @param face the face (any supported size)
     * @return a unit-length vector of {@link #DIMENSION} non-negative values
     * @throws NullPointerException if {@code face} is null
     */
    public static float[] embed(FaceImage face) {
        Objects.requireNonNull(face, "face");
        int w = face.width();
        int h = face.height();
        float[] p = face.toPlanarFloat();
        int n = w * h;
        float[] y = new float[n];
        for (int i = 0; i < n; i++) {
            y[i] = 0.299f * p[i] + 0.587f * p[n + i] + 0.114f * p[2 * n + i];
        }
        double[] hist = new double[DIMENSION];
        int[] dx = {-1, 0, 1, 1, 1, 0, -1, -1};
        int[] dy = {-1, -1, -1, 0, 1, 1, 1, 0};
        for (int r = 1; r < h - 1; r++) {
            int cy = Math.min(GRID - 1, (r - 1) * GRID / (h - 2));
            for (int c = 1; c < w - 1; c++) {
                int cx = Math.min(GRID - 1, (c - 1) * GRID / (w - 2));
                float centre = y[r * w + c];
                int code = 0;
                for (int k = 0; k < 8; k++) {
                    if (y[(r + dy[k]) * w + c + dx[k]] >= centre) {
                        code |= 1 << k;
                    }
                }
                hist[(cy * GRID + cx) * BINS + UNIFORM_BIN[code]]++;
            }
        }
        float[] e = new float[DIMENSION];
        double norm = 0;
        for (int cell = 0; cell < GRID * GRID; cell++) {
            double sum = 0;
            for (int b = 0; b < BINS; b++) {
                sum += hist[cell * BINS + b];
            }
            for (int b = 0; b < BINS; b++) {
                double v = sum > 0 ? Math.sqrt(hist[cell * BINS + b] / sum) : 0;
                e[cell * BINS + b] = (float) v;
                norm += v * v;
            }
        }
        float inv = norm > 0 ? (float) (1 / Math.sqrt(norm)) : 0f;
        for (int i = 0; i < e.length; i++) {
            e[i] *= inv;
        }
        return e;
    }

    /**
     * Cosine similarity of two embeddings.
     *
     * @param a an embedding
     * @param b an embedding of the same length
     * @return the cosine of the angle between them, in [0, 1] for embeddings from {@link #embed}
     * @throws IllegalArgumentException if the lengths differ
     */
    public static double cosine(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("embeddings have different lengths: " + a.length + " vs " + b.length);
        }
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return na == 0 || nb == 0 ? 0 : dot / Math.sqrt(na * nb);
    }

    /** Maps each 8-bit code to its uniform-pattern bin (0..57) or to 58 (non-uniform). */
    private static int[] uniformBins() {
        int[] map = new int[256];
        int next = 0;
        for (int code = 0; code < 256; code++) {
            int rotated = (code >>> 1) | ((code & 1) << 7);
            if (Integer.bitCount(code ^ rotated) <= 2) {
                map[code] = next++;
            } else {
                map[code] = BINS - 1;
            }
        }
        return map;
    }
}
