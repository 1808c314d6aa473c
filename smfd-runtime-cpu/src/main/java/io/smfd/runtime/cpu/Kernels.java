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
