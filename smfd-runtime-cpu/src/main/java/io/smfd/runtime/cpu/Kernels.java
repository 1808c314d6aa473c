package io.smfd.runtime.cpu;

/**
 * The hot loops of the CPU backend: the contract. {@link ScalarKernels} (Java 17+, plain loops the JIT may
 * auto-vectorize) implements all of it and is the reference for every kernel; {@code PanamaKernels} (Java 21+,
 * {@code jdk.incubator.vector}, compiled separately and loaded reflectively by {@link KernelSelector}) extends it
 * and overrides the hot loops with the same sums in the same order. Implementations are stateless and thread-safe.
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
     * the 512-bit kernels keep a tile of 8 output channels x 2 vectors of positions (16 accumulators of the 32
     * vector registers) in registers; narrower vector kernels run a block as two tiles of 4 channels x 2 vectors
     * (8 of 16 registers), and the scalar kernel as 8 channels x 2 positions.
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
    abstract int tilePositions();

    /**
     * Positions of the register tile of {@link #gemm} (a multiple of the vector length, at least
     * {@link #tilePositions}): a range of a multiple of it runs on that tile alone, so {@link Winograd} sizes its
     * tile blocks and rounds its products by it.
     *
     * @return positions per product register tile
     */
    int gemmPositions() {
        return tilePositions();
    }

    /**
     * Columns {@link Winograd} runs {@link #gemm} over for a run of {@code n} tiles (at least {@code n}, at most its
     * block of a multiple of {@link #gemmPositions}): the columns past {@code n} hold finite values and their
     * results are not read, so kernels whose tail costs more than a few whole tiles round up to those tiles. By
     * default {@code n} rounded up to a multiple of {@link #gemmPositions}.
     *
     * @param n tiles of the run (positive)
     * @return the columns to compute, {@code >= n}, a multiple of the vector length
     */
    int gemmSpan(int n) {
        int step = gemmPositions();
        return (n + step - 1) / step * step;
    }

    /**
     * Convolution inner kernel for one block of {@link #OC_BLOCK} output channels:
     * {@code dst[o * dstStride + (p - p0)] = sum_ic sum_t w[wOff + (ic*taps + t)*OC_BLOCK + o] * in[inBase + ic*icStride + tapOff[t] + p]}
     * for {@code o < OC_BLOCK}, {@code p0 <= p < p1}. Reads only indices the formula names.
     */
    abstract void conv(float[] in, int inBase, int icStride, int ic, int[] tapOff, int taps,
                       float[] w, int wOff, float[] dst, int dstStride, int p0, int p1);

    /**
     * {@link #conv} where only the block's first {@code nOut} output channels are used (the last block of a layer
     * with fewer channels, e.g. the 3-channel output convolution): rows {@code o >= nOut} of {@code dst} may be
     * left unwritten. The vector kernels then run a register tile of 4 channels where {@code nOut <= 4}.
     */
    void conv(float[] in, int inBase, int icStride, int ic, int[] tapOff, int taps, float[] w, int wOff, float[] dst,
              int dstStride, int p0, int p1, int nOut) {
        conv(in, inBase, icStride, ic, tapOff, taps, w, wOff, dst, dstStride, p0, p1);
    }

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
     * The scalar form goes through {@code tile} (at least {@code OC_BLOCK * (p1 - p0)} floats) and
     * {@link #epilogue}.
     */
    abstract void convFused(float[] in, int inBase, int icStride, int ic, int[] tapOff, int taps, float[] w,
                            int wOff, int nOut, float[] out, int outOff, int outStride, float[] bias, int biasOff,
                            float[] res, int act, float lo, float hi, int p0, int p1, float[] tile);

    /**
     * Whether {@link Winograd} is used for the convolutions it applies to (measured faster than the direct
     * convolution with these kernels); false for the scalar kernels.
     */
    abstract boolean winograd();

    /**
     * Matrix product for one block of {@link #OC_BLOCK} output channels (the 1x1 form of {@link #conv} with an
     * offset destination): {@code dst[dOff + o*dStride + p] = sum_c w[wOff + c*OC_BLOCK + o] * in[inBase + c*icStride + p]}
     * for {@code o < OC_BLOCK}, {@code p < n}.
     */
    abstract void gemm(float[] in, int inBase, int icStride, int ic, float[] w, int wOff, float[] dst, int dOff,
                       int dStride, int n);

    /**
     * Winograd F(2x2,3x3) input transform {@code V = B^T d B} of {@code n} tiles. Row {@code r < 4} of tile
     * {@code t}'s 4x4 patch is {@code (e[r], o[r], e[r]+1, o[r]+1)} read at {@code + t}, with
     * {@code e[r] = x[eOff + (r & 1)*rs1 + (r >> 1)*rs2]} and {@code o[r]} likewise from {@code oOff} (even and
     * odd padded columns, {@code n + 1} each); the rows are combined first into {@code tmp[tOff ...]}
     * ({@code 8 * (n + 1)} floats), then the columns. Writes {@code v[vOff + xi*xiStride + t]}, {@code xi = 4*i + j}
     * for element {@code (i, j)} of {@code V}. Vector twins may also read and write up to {@link #WG_SLACK} floats
     * past the end of every row they touch (the caller leaves that room; what they write there is not meaningful).
     */
    abstract void wgInput(float[] x, int eOff, int oOff, int rs1, int rs2, int n, float[] tmp, int tOff, float[] v,
                          int vOff, int xiStride);

    /**
     * Winograd F(2x2,3x3) output transform {@code Y = A^T m A} of {@code n} tiles of one output channel:
     * {@code m[mOff + xi*mStride + t]} in (overwritten: the rows are combined in place first),
     * {@code y[yOff + k*yStride + t]} out for the outputs {@code k = 0..3} = (0,0), (0,1), (1,0), (1,1) of tile
     * {@code t}. Vector twins may read and write up to {@link #WG_SLACK} floats past the end of every row, as
     * {@link #wgInput}.
     */
    abstract void wgOutput(float[] m, int mOff, int mStride, int n, float[] y, int yOff, int yStride);

    /**
     * Splits {@code n} consecutive floats by parity (the stride-2 phase planes of a convolution's input row):
     * {@code dst[evenOff + j] = src[off + 2*j]} for {@code 2*j < n} and {@code dst[oddOff + j] = src[off + 2*j + 1]}
     * for {@code 2*j + 1 < n}. The two destination ranges must not overlap each other or the source.
     */
    abstract void deinterleave(float[] src, int off, int n, float[] dst, int evenOff, int oddOff);

    /**
     * Splits input row {@code r} of the {@code h x w} channel at {@code cin} by column parity into two zero-padded
     * rows of {@code len} floats: padded column {@code 2i} (input column {@code q0 + 2i}; {@code q0} is minus the
     * left pad) to {@code dst[even + i]}, padded column {@code 2i + 1} to {@code dst[odd + i]}, for {@code i < len}.
     * Positions outside the image (and whole rows {@code r} outside it) are 0. Writes exactly those {@code 2 * len}
     * floats; the destination rows must not overlap each other or the source. (The input preparation of the
     * stride-2 convolutions and of Winograd: one call per padded row, so short rows must not pay a call per piece.)
     */
    abstract void splitRow(float[] in, int cin, int h, int w, int r, int q0, int len, float[] dst, int even, int odd);

    /**
     * Interleaves two rows (DepthToSpace with block size 2): {@code dst[dstOff + 2*i] = a[aOff + i]} and
     * {@code dst[dstOff + 2*i + 1] = b[bOff + i]} for {@code i < n}. The destination must not overlap the sources.
     */
    abstract void interleave(float[] a, int aOff, float[] b, int bOff, int n, float[] dst, int dstOff);

    /**
     * {@link #interleave} and then {@link #epilogue} (Winograd's output rows): with {@code r[2i] = a[aOff + i]} and
     * {@code r[2i + 1] = b[bOff + i]}, {@code dst[dstOff + j] = act(r[j] + bias (+ res[resOff + j]))} for
     * {@code j < n}, the same values as the two calls. This form interleaves into {@code tmp[tmpOff ...]}
     * ({@code n + 1} floats) first; vector twins write {@code dst} in one pass and may read up to {@link #WG_SLACK}
     * floats past {@code n / 2} of {@code a} and {@code b}, as the other Winograd ops.
     */
    void interleaveEpilogue(float[] a, int aOff, float[] b, int bOff, int n, float[] tmp, int tmpOff, float[] dst,
                            int dstOff, float bias, float[] res, int resOff, int act, float lo, float hi) {
        interleave(a, aOff, b, bOff, (n + 1) / 2, tmp, tmpOff);
        epilogue(tmp, tmpOff, dst, dstOff, n, bias, res, resOff, act, lo, hi);
    }

    /**
     * Softmax over {@code c} channel planes of {@code plane} floats from {@code base}, for positions
     * {@code i0 <= i < i1}: {@code y[base + ch*plane + i] = exp(x - max) / sum(exp(x - max))}.
     */
    abstract void softmax(float[] x, float[] y, int base, int c, int plane, int i0, int i1);

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
