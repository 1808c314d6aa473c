package io.smfd.runtime.cpu;

/**
 * The hot loops of the CPU backend. Two implementations: {@link ScalarKernels} (Java 17+, plain loops the JIT
 * may auto-vectorize) and {@code PanamaKernels} (Java 21+, {@code jdk.incubator.vector}, compiled separately and
 * loaded reflectively by {@link KernelSelector}). Implementations are stateless and thread-safe.
 *
 * <h2>Convolution layout</h2>
 * A convolution is computed over "wide" output positions {@code p}: the input of one image is prepared so that
 * input channel {@code ic} and kernel tap {@code t} of output position {@code p} are at
 * {@code in[inBase + ic * icStride + tapOff[t] + p]} (see {@link Network}: zero padding and, for stride s, s*s
 * phase planes make every tap a contiguous shifted read). Weights are packed per block of
 * {@link #OC_BLOCK} output channels as {@code w[wOff + (ic * taps + t) * OC_BLOCK + o]}.
 */
abstract class Kernels {

    /**
     * Output channels computed together (register blocking); weights are zero-padded to a multiple of this. 8 lets
     * the 512-bit kernels keep 8 output channels x 3 vectors of positions (24 of the 32 vector registers) in
     * registers; narrower vector kernels run a block as two halves of 4 channels.
     */
    static final int OC_BLOCK = 8;

    /** Floats past the end of each row that the Winograd transforms' vector twins may touch (64-byte vectors). */
    static final int WG_SLACK = 16;

    static final int ACT_NONE = 0;
    static final int ACT_RELU = 1;
    static final int ACT_SIGMOID = 2;
    static final int ACT_CLIP = 3;

    /**
     * Returns a short description for logs, e.g. {@code "scalar"} or {@code "vector (512-bit, 16 lanes)"}.
     *
     * @return description
     */
    abstract String description();

    /**
     * Positions one register tile of {@link #conv} covers; callers make their position chunks multiples of it, so
     * only the chunk that ends a plane has a tail.
     *
     * @return positions per register tile
     */
    int tilePositions() {
        return 4;
    }

    /**
     * Convolution inner kernel for one block of {@link #OC_BLOCK} output channels:
     * {@code dst[o * dstStride + (p - p0)] = sum_ic sum_t w[wOff + (ic*taps + t)*OC_BLOCK + o] * in[inBase + ic*icStride + tapOff[t] + p]}
     * for {@code o < OC_BLOCK}, {@code p0 <= p < p1}. Reads only indices the formula names.
     */
    abstract void conv(float[] in, int inBase, int icStride, int ic, int[] tapOff, int taps,
                       float[] w, int wOff, float[] dst, int dstStride, int p0, int p1);

    /**
     * Epilogue: {@code dst[dstOff + i] = act(src[srcOff + i] + bias (+ res[resOff + i]))} for {@code i < len};
     * {@code res} may be null.
     */
    abstract void epilogue(float[] src, int srcOff, float[] dst, int dstOff, int len, float bias,
                           float[] res, int resOff, int act, float lo, float hi);

    /**
     * Convolution with the epilogue fused, for layouts where wide positions are output positions (1x1 stride-1
     * convolutions): for {@code o < nOut} and {@code p0 <= p < p1},
     * {@code out[outOff + o*outStride + p] = act(conv + bias[biasOff + o] (+ res[same index]))}.
     * The default goes through {@code tile} (at least {@code OC_BLOCK * (p1 - p0)} floats) and {@link #epilogue};
     * vector kernels apply the epilogue in registers.
     */
    void convFused(float[] in, int inBase, int icStride, int ic, int[] tapOff, int taps, float[] w, int wOff,
                   int nOut, float[] out, int outOff, int outStride, float[] bias, int biasOff, float[] res,
                   int act, float lo, float hi, int p0, int p1, float[] tile) {
        int len = p1 - p0;
        conv(in, inBase, icStride, ic, tapOff, taps, w, wOff, tile, len, p0, p1);
        for (int o = 0; o < nOut; o++) {
            int d = outOff + o * outStride + p0;
            epilogue(tile, o * len, out, d, len, bias[biasOff + o], res, d, act, lo, hi);
        }
    }

    /**
     * Whether {@link Winograd} is used for the convolutions it applies to (measured faster than the direct
     * convolution with these kernels); false here.
     */
    boolean winograd() {
        return false;
    }

    /**
     * Matrix product for one block of {@link #OC_BLOCK} output channels (the 1x1 form of {@link #conv} with an
     * offset destination): {@code dst[dOff + o*dStride + p] = sum_c w[wOff + c*OC_BLOCK + o] * in[inBase + c*icStride + p]}
     * for {@code o < OC_BLOCK}, {@code p < n}.
     */
    void gemm(float[] in, int inBase, int icStride, int ic, float[] w, int wOff, float[] dst, int dOff, int dStride,
              int n) {
        gemmRange(in, inBase, icStride, ic, w, wOff, dst, dOff, dStride, 0, n);
    }

    /** {@link #gemm} for positions {@code p0 <= p < p1} only, plain loops. */
    static void gemmRange(float[] in, int inBase, int icStride, int ic, float[] w, int wOff, float[] dst, int dOff,
                          int dStride, int p0, int p1) {
        for (int o = 0; o < OC_BLOCK; o++) {
            int d = dOff + o * dStride;
            java.util.Arrays.fill(dst, d + p0, d + p1, 0f);
            for (int c = 0; c < ic; c++) {
                float wv = w[wOff + c * OC_BLOCK + o];
                int s = inBase + c * icStride;
                for (int p = p0; p < p1; p++) {
                    dst[d + p] += wv * in[s + p];
                }
            }
        }
    }

    /**
     * Winograd F(2x2,3x3) input transform {@code V = B^T d B} of {@code n} tiles. Row {@code r < 4} of tile
     * {@code t}'s 4x4 patch is {@code (e[r], o[r], e[r]+1, o[r]+1)} read at {@code + t}, with
     * {@code e[r] = x[eOff + (r & 1)*rs1 + (r >> 1)*rs2]} and {@code o[r]} likewise from {@code oOff} (even and
     * odd padded columns, {@code n + 1} each); the rows are combined first into {@code tmp[tOff ...]}
     * ({@code 8 * (n + 1)} floats), then the columns. Writes {@code v[vOff + xi*xiStride + t]}, {@code xi = 4*i + j}
     * for element {@code (i, j)} of {@code V}. Vector twins may also read and write up to {@link #WG_SLACK} floats
     * past the end of every row they touch (the caller leaves that room; what they write there is not meaningful).
     */
    void wgInput(float[] x, int eOff, int oOff, int rs1, int rs2, int n, float[] tmp, int tOff, float[] v, int vOff,
                 int xiStride) {
        int ts = n + 1;
        wgInputRows(x, eOff, rs1, rs2, ts, tmp, tOff, ts);
        wgInputRows(x, oOff, rs1, rs2, ts, tmp, tOff + 4 * ts, ts);
        for (int i = 0; i < 4; i++) {
            wgInputCols(tmp, tOff + i * ts, tOff + (4 + i) * ts, n, v, vOff + 4 * i * xiStride, xiStride);
        }
    }

    /**
     * {@code B^T} down 4 rows of {@code n} floats at {@code x[off + (r & 1)*rs1 + (r >> 1)*rs2]}: (r0-r2, r1+r2,
     * r2-r1, r1-r3) to {@code d[dOff + r*ds]}.
     */
    void wgInputRows(float[] x, int off, int rs1, int rs2, int n, float[] d, int dOff, int ds) {
        for (int t = 0; t < n; t++) {
            int i = off + t;
            float r0 = x[i];
            float r1 = x[i + rs1];
            float r2 = x[i + rs2];
            float r3 = x[i + rs1 + rs2];
            int j = dOff + t;
            d[j] = r0 - r2;
            d[j + ds] = r1 + r2;
            d[j + 2 * ds] = r2 - r1;
            d[j + 3 * ds] = r1 - r3;
        }
    }

    /** {@code B} along one row {@code (e[t], o[t], e[t+1], o[t+1])} of {@code n} tiles, to 4 rows of {@code v}. */
    void wgInputCols(float[] x, int e, int o, int n, float[] v, int vOff, int stride) {
        for (int t = 0; t < n; t++) {
            float a0 = x[e + t];
            float a1 = x[o + t];
            float a2 = x[e + t + 1];
            float a3 = x[o + t + 1];
            v[vOff + t] = a0 - a2;
            v[vOff + stride + t] = a1 + a2;
            v[vOff + 2 * stride + t] = a2 - a1;
            v[vOff + 3 * stride + t] = a1 - a3;
        }
    }

    /**
     * Winograd F(2x2,3x3) output transform {@code Y = A^T m A} of {@code n} tiles of one output channel:
     * {@code m[mOff + xi*mStride + t]} in (overwritten: the rows are combined in place first),
     * {@code y[yOff + k*yStride + t]} out for the outputs {@code k = 0..3} = (0,0), (0,1), (1,0), (1,1) of tile
     * {@code t}. Vector twins may read and write up to {@link #WG_SLACK} floats past the end of every row, as
     * {@link #wgInput}.
     */
    void wgOutput(float[] m, int mOff, int mStride, int n, float[] y, int yOff, int yStride) {
        for (int i = 0; i < 4; i++) { // A^T along each row of 4, in place (the column step with y = m)
            int row = mOff + 4 * i * mStride;
            wgOutputCol(m, row, mStride, n, m, row, mStride);
        }
        for (int j = 0; j < 2; j++) {
            wgOutputCol(m, mOff + j * mStride, 4 * mStride, n, y, yOff + j * yStride, 2 * yStride);
        }
    }

    /**
     * {@code A^T} over 4 rows of {@code n} floats at {@code off + i*stride}: (s0+s1+s2, s1-s2-s3) to {@code y} and
     * {@code y + yStride}. {@code y} may be {@code m} itself (each position is read before it is written).
     */
    void wgOutputCol(float[] m, int off, int stride, int n, float[] y, int yOff, int yStride) {
        for (int t = 0; t < n; t++) {
            int i = off + t;
            float s0 = m[i];
            float s1 = m[i + stride];
            float s2 = m[i + 2 * stride];
            float s3 = m[i + 3 * stride];
            y[yOff + t] = s0 + s1 + s2;
            y[yOff + yStride + t] = s1 - s2 - s3;
        }
    }

    /**
     * Splits {@code n} consecutive floats by parity (the stride-2 phase planes of a convolution's input row):
     * {@code dst[evenOff + j] = src[off + 2*j]} for {@code 2*j < n} and {@code dst[oddOff + j] = src[off + 2*j + 1]}
     * for {@code 2*j + 1 < n}. The two destination ranges must not overlap each other or the source.
     */
    void deinterleave(float[] src, int off, int n, float[] dst, int evenOff, int oddOff) {
        int j = 0;
        for (; 2 * j + 1 < n; j++) {
            dst[evenOff + j] = src[off + 2 * j];
            dst[oddOff + j] = src[off + 2 * j + 1];
        }
        if (2 * j < n) {
            dst[evenOff + j] = src[off + 2 * j];
        }
    }

    /**
     * Interleaves two rows (DepthToSpace with block size 2): {@code dst[dstOff + 2*i] = a[aOff + i]} and
     * {@code dst[dstOff + 2*i + 1] = b[bOff + i]} for {@code i < n}. The destination must not overlap the sources.
     */
    void interleave(float[] a, int aOff, float[] b, int bOff, int n, float[] dst, int dstOff) {
        for (int i = 0; i < n; i++) {
            dst[dstOff + 2 * i] = a[aOff + i];
            dst[dstOff + 2 * i + 1] = b[bOff + i];
        }
    }

    /**
     * Softmax over {@code c} channel planes of {@code plane} floats from {@code base}, for positions
     * {@code i0 <= i < i1}: {@code y[base + ch*plane + i] = exp(x - max) / sum(exp(x - max))}.
     */
    void softmax(float[] x, float[] y, int base, int c, int plane, int i0, int i1) {
        for (int i = i0; i < i1; i++) {
            float m = Float.NEGATIVE_INFINITY;
            for (int ch = 0; ch < c; ch++) {
                m = Math.max(m, x[base + ch * plane + i]);
            }
            float sum = 0f;
            for (int ch = 0; ch < c; ch++) {
                float e = (float) Math.exp(x[base + ch * plane + i] - m);
                y[base + ch * plane + i] = e;
                sum += e;
            }
            float inv = 1f / sum;
            for (int ch = 0; ch < c; ch++) {
                y[base + ch * plane + i] *= inv;
            }
        }
    }

    static float sigmoid(float x) {
        return (float) (1.0 / (1.0 + Math.exp(-(double) x)));
    }

    /**
     * The activation, with subnormal results flushed to zero. Subnormal floats (below {@link Float#MIN_NORMAL},
     * 1.2e-38) arise where attention weights near 0 multiply features; every multiply-add that meets one takes a
     * microcode assist on x86 (~100 cycles), which made layers downstream of the attention blocks up to 7x slower.
     * Flushing changes a value by less than 1.2e-38.
     */
    static float activate(float v, int act, float lo, float hi) {
        switch (act) {
            case ACT_RELU:
                return v >= Float.MIN_NORMAL ? v : 0f;
            case ACT_SIGMOID:
                return flush(sigmoid(v));
            case ACT_CLIP:
                return flush(Math.min(Math.max(v, lo), hi));
            default:
                return flush(v);
        }
    }

    /** {@code v}, or 0 where {@code v} is subnormal. */
    static float flush(float v) {
        return Math.abs(v) < Float.MIN_NORMAL ? 0f : v;
    }
}
