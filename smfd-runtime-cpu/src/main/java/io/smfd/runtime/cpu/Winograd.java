package io.smfd.runtime.cpu;

import static io.smfd.runtime.cpu.Kernels.OC_BLOCK;

import java.util.Arrays;

/**
 * Winograd F(2x2, 3x3) for stride-1 3x3 convolutions with pads of at most 1 on each side: each 2x2 block of
 * outputs ("tile") comes from a 4x4 input patch {@code d} as {@code Y = A^T [sum_c U_c (.) V_c] A} with
 * {@code V = B^T d B} and {@code U = G g G^T}, i.e. 16 multiply-adds per tile and channel pair instead of 36.
 *
 * <p>The weights are transformed once ({@link #transformWeights}) and packed like a 1x1 convolution's, one
 * {@code [ic][OC_BLOCK]} matrix per block of output channels and per transformed position {@code xi < 16}, so
 * the 16 element-wise products summed over channels are 16 matrix products ({@link Kernels#gemm}, the 1x1
 * register tile). Per image and per band of tile rows ({@link #bandTileRows}: the band's split rows stay in L2),
 * the band's input rows are first split once by column parity into zero-padded even and odd rows
 * ({@link Kernels#deinterleave}; the shared scratch, in parallel over channels), even and odd padded rows in
 * separate planes, so every column of a 4x4 patch is a contiguous read and, with one unused "virtual" tile per
 * tile row, so are the same column of consecutive tile rows. The band's virtual tiles (row-major over the tile
 * grid, one more per row) are then split into blocks of {@link #tileBlock} tiles, one task each;
 * per block, in a thread-local scratch that stays in L2:
 * <ol>
 *   <li>input transform ({@link Kernels#wgInput}) of every channel, the block's tiles in one contiguous run, to
 *   {@code V[xi][c][t]};</li>
 *   <li>per block of 8 output channels, 16 products {@code M[xi][o][t] = sum_c U[xi][c][o] V[xi][c][t]};</li>
 *   <li>output transform ({@link Kernels#wgOutput}) to each tile's 4 outputs, rows interleaved and
 *   written through the convolution's epilogue (bias, residual, activation) in one pass
 *   ({@link Kernels#interleaveEpilogue}), partial tiles at the bottom and right edges clipped.</li>
 * </ol>
 * The transforms use only the coefficients 0, +-1 and +-1/2 (in {@code G}), so results differ from the direct
 * convolution by rounding only (about 1e-6 relative). Used by {@link Conv} where {@link #applies} and the kernels
 * ask for it ({@link Kernels#winograd}: the 512-bit vector kernels, where it was measured faster).
 */
final class Winograd {

    /** Floats of transformed input per block that should stay in L2 (256 KiB). */
    static final int V_BUDGET = 65_536;

    /**
     * Floats added to the strides between the 16 matrices of {@code V} and of {@code M}: at a power-of-two stride
     * the 16 rows a transform reads or writes at once would share one L1 set.
     */
    static final int STRIDE_PAD = Kernels.WG_SLACK;

    private static final ThreadLocal<float[]> SCRATCH = new ThreadLocal<>();

    private Winograd() {
    }

    /** Fewest output channels for which the transforms pay (measured: 16 output channels are not faster). */
    static final int MIN_OC = 24;

    /** Fewest input channels for which the transforms pay. */
    static final int MIN_IC = 16;

    /**
     * Whether a convolution of this geometry runs here: 3x3, stride 1, every pad 0 or 1, and enough channels for
     * the transforms to pay.
     */
    static boolean applies(int kh, int kw, int s, int pt, int pl, int pb, int pr, int ic, int oc) {
        return geometry(kh, kw, s, pt, pl, pb, pr) && ic >= MIN_IC && oc >= MIN_OC;
    }

    /** Whether {@link #run} computes a convolution of this geometry: 3x3, stride 1, every pad 0 or 1. */
    static boolean geometry(int kh, int kw, int s, int pt, int pl, int pb, int pr) {
        return kh == 3 && kw == 3 && s == 1 && pt >= 0 && pt <= 1 && pl >= 0 && pl <= 1 && pb >= 0 && pb <= 1
                && pr >= 0 && pr <= 1;
    }

    /**
     * {@code U = G g G^T} for every output/input channel pair of {@code w} ({@code [oc][ic][3][3]}), packed as
     * {@code u[((b * 16 + xi) * ic + c) * OC_BLOCK + o % OC_BLOCK]} for output channel {@code o} in block
     * {@code b = o / OC_BLOCK} (zero for the padding channels of the last block).
     */
    static float[] transformWeights(float[] w, int oc, int ic) {
        int blocks = (oc + OC_BLOCK - 1) / OC_BLOCK;
        float[] u = new float[blocks * 16 * ic * OC_BLOCK];
        double[] gg = new double[12];
        for (int o = 0; o < oc; o++) {
            for (int c = 0; c < ic; c++) {
                int g = (o * ic + c) * 9;
                // G g: 4x3, rows g0, (g0+g1+g2)/2, (g0-g1+g2)/2, g2 of the kernel's columns
                for (int j = 0; j < 3; j++) {
                    double g0 = w[g + j];
                    double g1 = w[g + 3 + j];
                    double g2 = w[g + 6 + j];
                    gg[j] = g0;
                    gg[3 + j] = 0.5 * (g0 + g1 + g2);
                    gg[6 + j] = 0.5 * (g0 - g1 + g2);
                    gg[9 + j] = g2;
                }
                int b = o / OC_BLOCK;
                int lane = o % OC_BLOCK;
                for (int i = 0; i < 4; i++) { // (G g) G^T, row i
                    double h0 = gg[3 * i];
                    double h1 = gg[3 * i + 1];
                    double h2 = gg[3 * i + 2];
                    double[] row = {h0, 0.5 * (h0 + h1 + h2), 0.5 * (h0 - h1 + h2), h2};
                    for (int j = 0; j < 4; j++) {
                        u[((b * 16 + i * 4 + j) * ic + c) * OC_BLOCK + lane] = (float) row[j];
                    }
                }
            }
        }
        return u;
    }

    /** Tiles per block: the block's transformed input ({@code 16 x ic x tiles} floats) within {@link #V_BUDGET}. */
    static int tileBlock(int ic, int step) {
        int t = V_BUDGET / (16 * ic) / step * step;
        return Math.max(step, Math.min(128 / step * step, t));
    }

    /** Floats of shared scratch for an {@code ic x h x w} input: every channel's rows split by column parity. */
    static long preparedFloats(int ic, int ho, int wo) {
        return (long) ic * rows(ho) * 2 * (tilesW(wo) + 1) + 2 * Kernels.WG_SLACK;
    }

    private static int tilesW(int wo) {
        return (wo + 1) / 2;
    }

    /** Padded input rows the tiles read: 2 per tile row plus 2. */
    private static int rows(int ho) {
        return 2 * ((ho + 1) / 2) + 2;
    }

    /**
     * Runs {@code conv} ({@link #geometry} true) with transformed weights {@code u} ({@link #transformWeights})
     * on {@code images} images of {@code in} into {@code out} (geometry {@code g}), with {@code prepared} (at
     * least {@link #preparedFloats} floats) as scratch.
     */
    static void run(Conv conv, float[] u, Exec ex, int images, Conv.Geo g, float[] in, float[] out, float[] res,
                    float[] prepared) {
        int ic = conv.ic;
        int tilesW = tilesW(g.wo);
        int len = tilesW + 1;
        int tileRows = (g.ho + 1) / 2;
        int tb = tileBlock(ic, ex.k.gemmPositions());
        int band = bandTileRows(ic, len, tileRows);
        for (int n = 0; n < images; n++) {
            int inBase = n * ic * g.h * g.w;
            int outBase = ex.off(conv.output) + n * conv.oc * g.ho * g.wo;
            for (int r0 = 0; r0 < tileRows; r0 += band) {
                int r1 = Math.min(tileRows, r0 + band);
                int rows = 2 * (r1 - r0) + 2; // padded input rows of this band's tiles
                int plane = rows / 2 * len; // one of the 4 planes of a channel: row parity x column parity
                int chStride = 4 * plane;
                int rowBase = 2 * r0 - conv.pt;
                Parallel.Body split = c -> {
                    for (int rp = 0; rp < rows; rp++) {
                        int e = c * chStride + (rp & 1) * 2 * plane + (rp >> 1) * len;
                        Conv.splitRow(ex.k, in, inBase + c * g.h * g.w, g.h, g.w, rowBase + rp, -conv.pl, len,
                                prepared, e, e + plane);
                    }
                };
                Conv.forChannels(ex.par, ic, (long) ic * chStride, split);
                // the band's virtual tiles in blocks of tb (whole register tiles: the products of a block run over
                // whole tiles, so an even split into blocks of, say, 29 tiles would waste 3 columns of 32 in each)
                int tBase = r0 * len;
                int bandTiles = (r1 - r0) * len;
                int blocks = (bandTiles + tb - 1) / tb;
                ex.par.forEach(blocks, blk -> {
                    int t0 = blk * tb;
                    block(conv, u, ex.k, g, prepared, chStride, plane, len, out, outBase, res, tilesW, tBase,
                            tBase + t0, tBase + Math.min(bandTiles, t0 + tb), tb);
                });
            }
        }
    }

    /**
     * Floats of split input rows a band should stay within (1 MiB): the band's rows are split just before its
     * tiles are transformed, so they are still in L2. Splitting the whole input first (15 MB for the 56-channel
     * layer at 256 px) made that layer slower (thread CPU time 15.3 and 16.7 ms against 14.9 and 15.4 ms in bands,
     * two paired runs on the shared 2-core machine); at 112 px the model's time did not change measurably.
     */
    static final int BAND_FLOATS = 262_144;

    /** Tile rows per band: the band's split rows ({@code ic x 4 x (band + 1) x len} floats) within {@link #BAND_FLOATS}. */
    static int bandTileRows(int ic, int len, int tileRows) {
        int band = BAND_FLOATS / (4 * ic * len) - 1;
        return Math.max(1, Math.min(tileRows, band));
    }

    /**
     * Virtual tiles {@code [t0, t1)} of one image (tile {@code t} at tile row {@code t / len}, column
     * {@code t % len}; column {@code tilesW = len - 1} is computed but not used), from its split rows: channel
     * {@code c}, padded row {@code rp}, even columns at {@code x[c*chStride + (rp & 1)*2*plane + (rp >> 1)*len]},
     * odd ones {@code plane} floats after them. Virtual tile {@code t}'s 4 rows then start at
     * {@code c*chStride + t + {0, 2*plane, len, 2*plane + len}}, so the block's tiles are one contiguous run.
     */
    private static void block(Conv conv, float[] u, Kernels k, Conv.Geo g, float[] x, int chStride, int plane,
                              int len, float[] out, int outBase, float[] res, int tilesW, int tBase, int t0, int t1,
                              int tb) {
        int ic = conv.ic;
        int oc = conv.oc;
        int cnt = t1 - t0;
        int vx = ic * tb + STRIDE_PAD; // V[xi] stride
        int mx = OC_BLOCK * tb + STRIDE_PAD; // M[xi] stride
        int m0 = 16 * vx;
        int tmp0 = m0 + 16 * mx;
        int y0 = tmp0 + 8 * (tb + 1);
        int ys = tb + Kernels.WG_SLACK; // Y row stride
        int row0 = y0 + 4 * ys;
        float[] sc = scratch(row0 + 2 * tb);
        // 1. input transform, channel by channel, the whole block at once
        for (int c = 0; c < ic; c++) {
            int e = c * chStride + t0 - tBase;
            k.wgInput(x, e, e + plane, 2 * plane, len, cnt, sc, tmp0, sc, c * tb, vx);
        }
        // 2. products and 3. output transform, per block of output channels. The products run over whole register
        // tiles (tb is a multiple of them): the columns past cnt hold finite values of an earlier block (or zeros)
        // and their results are not read.
        int gemmN = Math.min(tb, k.gemmSpan(cnt));
        int outPlane = g.ho * g.wo;
        for (int b = 0; b < conv.blocks; b++) {
            for (int xi = 0; xi < 16; xi++) {
                k.gemm(sc, xi * vx, tb, ic, u, (b * 16 + xi) * ic * OC_BLOCK, sc, m0 + xi * mx, tb,
                        gemmN);
            }
            int nOut = Math.min(OC_BLOCK, oc - b * OC_BLOCK);
            for (int o = 0; o < nOut; o++) {
                int ch = b * OC_BLOCK + o;
                k.wgOutput(sc, m0 + o * tb, mx, cnt, sc, y0, ys);
                int ob = outBase + ch * outPlane;
                for (int t = t0; t < t1; ) {
                    int ty = t / len;
                    int tx = t - ty * len;
                    if (tx == tilesW) { // the virtual tile past the row
                        t++;
                        continue;
                    }
                    int seg = Math.min(t1, ty * len + tilesW) - t;
                    int x0 = 2 * tx;
                    int n = Math.min(2 * seg, g.wo - x0);
                    for (int dy = 0; dy < 2; dy++) {
                        int y = 2 * ty + dy;
                        if (y >= g.ho) {
                            break;
                        }
                        int yr = y0 + 2 * dy * ys + (t - t0);
                        int d = ob + y * g.wo + x0;
                        k.interleaveEpilogue(sc, yr, sc, yr + ys, n, sc, row0, out, d, conv.bias[ch], res, d,
                                conv.act, conv.lo, conv.hi);
                    }
                    t += seg;
                }
            }
        }
    }

    private static float[] scratch(int floats) {
        float[] s = SCRATCH.get();
        if (s == null || s.length < floats) {
            s = new float[floats];
            SCRATCH.set(s);
        }
        return s;
    }
}
