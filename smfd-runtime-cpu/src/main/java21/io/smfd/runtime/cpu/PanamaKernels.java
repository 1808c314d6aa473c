package io.smfd.runtime.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Kernels written with {@code jdk.incubator.vector} (Java 21+). Compiled separately with {@code --release 21
 * --add-modules jdk.incubator.vector}, packed in the multi-release layer {@code META-INF/versions/21} and only
 * loaded by {@link KernelSelector} after it has checked that the module is in the boot layer.
 *
 * <p>Convolution: register tile of 8 output channels x 2 vectors of positions (16 accumulators) on 512-bit
 * vectors, 4 x 3 (12 accumulators, twice per block of 8) on narrower ones, weights broadcast from the packed
 * weight array, one FMA per accumulator per tap, epilogue applied in registers; then 4 x 1-vector tails, the last
 * one masked.
 */
final class PanamaKernels extends Kernels {

    /*
     * Chosen when KernelSelector loads this class (only after its checks passed), not when the backend is loaded:
     * the preferred shape of this CPU, and FMA only where KernelSelector found it fast. They stay static finals
     * on purpose: C2 intrinsifies Vector API calls only when the species is a compile-time constant, which a
     * field of the kernels instance is not.
     */
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int VL = S.length();
    private static final boolean FMA = KernelSelector.fastFma();

    PanamaKernels() {
        if (S.vectorBitSize() < 128) {
            throw new UnsupportedOperationException("preferred vector size " + S.vectorBitSize()
                    + " bits is below 128 bits and does not pay off");
        }
    }

    @Override
    String description() {
        return "vector (" + S.vectorBitSize() + "-bit, " + VL + " float lanes, " + (FMA ? "FMA" : "mul+add") + ")";
    }

    /** {@code a * b + c}: fused where the CPU has fast FMA, otherwise a separate multiply and add (as Lucene). */
    private static FloatVector fma(FloatVector a, FloatVector b, FloatVector c) {
        return FMA ? a.fma(b, c) : a.mul(b).add(c);
    }

    /**
     * Register tile: 8 output channels x 2 vectors (16 accumulators) where vectors have 16+ lanes (32 vector
     * registers), else 4 output channels x 3 vectors (12 accumulators, for the 16 registers of AVX2), twice per
     * block of 8.
     */
    private static final boolean WIDE = VL >= 16;

    /** Positions of one register tile. */
    private static final int TP = WIDE ? 2 * VL : 3 * VL;

    @Override
    int tilePositions() {
        return TP;
    }

    @Override
    void conv(float[] in, int inBase, int icStride, int ic, int[] tapOff, int taps,
              float[] w, int wOff, float[] dst, int dstStride, int p0, int p1) {
        int p = p0;
        for (; p + TP <= p1; p += TP) { // raw sums straight into the tile
            if (WIDE) {
                acc8x2(in, inBase, icStride, ic, tapOff, taps, w, wOff, p, dst, p - p0, dstStride);
            } else {
                acc4x3(in, inBase, icStride, ic, tapOff, taps, w, wOff, p, dst, p - p0, dstStride);
                acc4x3(in, inBase, icStride, ic, tapOff, taps, w, wOff + 4, p, dst, 4 * dstStride + p - p0,
                        dstStride);
            }
        }
        if (p < p1) {
            float[] acc = new float[4 * VL];
            for (; p < p1; p += VL) {
                VectorMask<Float> m = S.indexInRange(p, p1);
                for (int half = 0; half < OC_BLOCK; half += 4) {
                    acc4x1(in, inBase, icStride, ic, tapOff, taps, w, wOff + half, p, m, acc);
                    for (int o = 0; o < 4; o++) {
                        FloatVector.fromArray(S, acc, o * VL).intoArray(dst, (half + o) * dstStride + p - p0, m);
                    }
                }
            }
        }
    }

    @Override
    void convFused(float[] in, int inBase, int icStride, int ic, int[] tapOff, int taps, float[] w, int wOff,
                   int nOut, float[] out, int outOff, int outStride, float[] bias, int biasOff, float[] res,
                   int act, float lo, float hi, int p0, int p1, float[] tile) {
        float[] acc = new float[OC_BLOCK * TP];
        int p = p0;
        for (; p + TP <= p1; p += TP) {
            if (WIDE) {
                acc8x2(in, inBase, icStride, ic, tapOff, taps, w, wOff, p, acc, 0, TP);
            } else {
                acc4x3(in, inBase, icStride, ic, tapOff, taps, w, wOff, p, acc, 0, TP);
                if (nOut > 4) {
                    acc4x3(in, inBase, icStride, ic, tapOff, taps, w, wOff + 4, p, acc, 4 * TP, TP);
                }
            }
            for (int o = 0; o < nOut; o++) {
                float b = bias[biasOff + o];
                int d = outOff + o * outStride + p;
                for (int v = 0; v < TP; v += VL) {
                    finish(FloatVector.fromArray(S, acc, o * TP + v), b, out, d + v, res, act, lo, hi);
                }
            }
        }
        for (; p < p1; p += VL) {
            VectorMask<Float> m = S.indexInRange(p, p1);
            for (int half = 0; half < nOut; half += 4) {
                acc4x1(in, inBase, icStride, ic, tapOff, taps, w, wOff + half, p, m, acc);
                for (int o = half; o < Math.min(nOut, half + 4); o++) {
                    int d = outOff + o * outStride + p;
                    FloatVector v = FloatVector.fromArray(S, acc, (o - half) * VL).add(bias[biasOff + o]);
                    activate(v, res == null ? null : FloatVector.fromArray(S, res, d, m), act, lo, hi)
                            .intoArray(out, d, m);
                }
            }
        }
    }

    /**
     * Raw sums of 8 output channels x 2 vectors of positions from {@code p}:
     * {@code d[dOff + o*dStride + v*VL ...]} for {@code o < 8}, {@code v < 2}. Kept free of any epilogue so C2
     * compiles it as one straight loop of 2 loads, 8 broadcasts and 16 FMAs per tap (16 accumulators: measured
     * faster on 512-bit than 8 x 3 or 6 x 4, which C2 does not keep in registers as well).
     */
    private static void acc8x2(float[] in, int inBase, int icStride, int ic, int[] tapOff, int taps, float[] w,
                               int wOff, int p, float[] d, int dOff, int dStride) {
        FloatVector a00 = FloatVector.zero(S);
        FloatVector a01 = FloatVector.zero(S);
        FloatVector a10 = FloatVector.zero(S);
        FloatVector a11 = FloatVector.zero(S);
        FloatVector a20 = FloatVector.zero(S);
        FloatVector a21 = FloatVector.zero(S);
        FloatVector a30 = FloatVector.zero(S);
        FloatVector a31 = FloatVector.zero(S);
        FloatVector a40 = FloatVector.zero(S);
        FloatVector a41 = FloatVector.zero(S);
        FloatVector a50 = FloatVector.zero(S);
        FloatVector a51 = FloatVector.zero(S);
        FloatVector a60 = FloatVector.zero(S);
        FloatVector a61 = FloatVector.zero(S);
        FloatVector a70 = FloatVector.zero(S);
        FloatVector a71 = FloatVector.zero(S);
        int wi = wOff;
        for (int c = 0; c < ic; c++) {
            int cb = inBase + c * icStride + p;
            for (int t = 0; t < taps; t++, wi += OC_BLOCK) {
                int idx = cb + tapOff[t];
                FloatVector x0 = FloatVector.fromArray(S, in, idx);
                FloatVector x1 = FloatVector.fromArray(S, in, idx + VL);
                FloatVector v0 = FloatVector.broadcast(S, w[wi]);
                a00 = fma(x0, v0, a00);
                a01 = fma(x1, v0, a01);
                FloatVector v1 = FloatVector.broadcast(S, w[wi + 1]);
                a10 = fma(x0, v1, a10);
                a11 = fma(x1, v1, a11);
                FloatVector v2 = FloatVector.broadcast(S, w[wi + 2]);
                a20 = fma(x0, v2, a20);
                a21 = fma(x1, v2, a21);
                FloatVector v3 = FloatVector.broadcast(S, w[wi + 3]);
                a30 = fma(x0, v3, a30);
                a31 = fma(x1, v3, a31);
                FloatVector v4 = FloatVector.broadcast(S, w[wi + 4]);
                a40 = fma(x0, v4, a40);
                a41 = fma(x1, v4, a41);
                FloatVector v5 = FloatVector.broadcast(S, w[wi + 5]);
                a50 = fma(x0, v5, a50);
                a51 = fma(x1, v5, a51);
                FloatVector v6 = FloatVector.broadcast(S, w[wi + 6]);
                a60 = fma(x0, v6, a60);
                a61 = fma(x1, v6, a61);
                FloatVector v7 = FloatVector.broadcast(S, w[wi + 7]);
                a70 = fma(x0, v7, a70);
                a71 = fma(x1, v7, a71);
            }
        }
        int o = dOff;
        a00.intoArray(d, o);
        a01.intoArray(d, o + VL);
        o += dStride;
        a10.intoArray(d, o);
        a11.intoArray(d, o + VL);
        o += dStride;
        a20.intoArray(d, o);
        a21.intoArray(d, o + VL);
        o += dStride;
        a30.intoArray(d, o);
        a31.intoArray(d, o + VL);
        o += dStride;
        a40.intoArray(d, o);
        a41.intoArray(d, o + VL);
        o += dStride;
        a50.intoArray(d, o);
        a51.intoArray(d, o + VL);
        o += dStride;
        a60.intoArray(d, o);
        a61.intoArray(d, o + VL);
        o += dStride;
        a70.intoArray(d, o);
        a71.intoArray(d, o + VL);
    }

    /** Raw sums of 4 output channels (weights from {@code wOff}) x 3 vectors of positions from {@code p}. */
    private static void acc4x3(float[] in, int inBase, int icStride, int ic, int[] tapOff, int taps, float[] w,
                               int wOff, int p, float[] d, int dOff, int dStride) {
        FloatVector a00 = FloatVector.zero(S);
        FloatVector a01 = FloatVector.zero(S);
        FloatVector a02 = FloatVector.zero(S);
        FloatVector a10 = FloatVector.zero(S);
        FloatVector a11 = FloatVector.zero(S);
        FloatVector a12 = FloatVector.zero(S);
        FloatVector a20 = FloatVector.zero(S);
        FloatVector a21 = FloatVector.zero(S);
        FloatVector a22 = FloatVector.zero(S);
        FloatVector a30 = FloatVector.zero(S);
        FloatVector a31 = FloatVector.zero(S);
        FloatVector a32 = FloatVector.zero(S);
        int wi = wOff;
        for (int c = 0; c < ic; c++) {
            int cb = inBase + c * icStride + p;
            for (int t = 0; t < taps; t++, wi += OC_BLOCK) {
                int idx = cb + tapOff[t];
                FloatVector x0 = FloatVector.fromArray(S, in, idx);
                FloatVector x1 = FloatVector.fromArray(S, in, idx + VL);
                FloatVector x2 = FloatVector.fromArray(S, in, idx + 2 * VL);
                FloatVector v = FloatVector.broadcast(S, w[wi]);
                a00 = fma(x0, v, a00);
                a01 = fma(x1, v, a01);
                a02 = fma(x2, v, a02);
                v = FloatVector.broadcast(S, w[wi + 1]);
                a10 = fma(x0, v, a10);
                a11 = fma(x1, v, a11);
                a12 = fma(x2, v, a12);
                v = FloatVector.broadcast(S, w[wi + 2]);
                a20 = fma(x0, v, a20);
                a21 = fma(x1, v, a21);
                a22 = fma(x2, v, a22);
                v = FloatVector.broadcast(S, w[wi + 3]);
                a30 = fma(x0, v, a30);
                a31 = fma(x1, v, a31);
                a32 = fma(x2, v, a32);
            }
        }
        int o = dOff;
        a00.intoArray(d, o);
        a01.intoArray(d, o + VL);
        a02.intoArray(d, o + 2 * VL);
        o += dStride;
        a10.intoArray(d, o);
        a11.intoArray(d, o + VL);
        a12.intoArray(d, o + 2 * VL);
        o += dStride;
        a20.intoArray(d, o);
        a21.intoArray(d, o + VL);
        a22.intoArray(d, o + 2 * VL);
        o += dStride;
        a30.intoArray(d, o);
        a31.intoArray(d, o + VL);
        a32.intoArray(d, o + 2 * VL);
    }

    /**
     * Raw sums of 4 output channels (weights from {@code wOff}) x the positions of {@code m} from {@code p}, as
     * full vectors {@code acc[o*VL ...]} (lanes outside {@code m} are zero).
     */
    private static void acc4x1(float[] in, int inBase, int icStride, int ic, int[] tapOff, int taps, float[] w,
                               int wOff, int p, VectorMask<Float> m, float[] acc) {
        boolean full = m.allTrue();
        FloatVector a0 = FloatVector.zero(S);
        FloatVector a1 = FloatVector.zero(S);
        FloatVector a2 = FloatVector.zero(S);
        FloatVector a3 = FloatVector.zero(S);
        int wi = wOff;
        for (int c = 0; c < ic; c++) {
            int cb = inBase + c * icStride + p;
            for (int t = 0; t < taps; t++, wi += OC_BLOCK) {
                int idx = cb + tapOff[t];
                FloatVector x = full ? FloatVector.fromArray(S, in, idx) : FloatVector.fromArray(S, in, idx, m);
                a0 = fma(x, FloatVector.broadcast(S, w[wi]), a0);
                a1 = fma(x, FloatVector.broadcast(S, w[wi + 1]), a1);
                a2 = fma(x, FloatVector.broadcast(S, w[wi + 2]), a2);
                a3 = fma(x, FloatVector.broadcast(S, w[wi + 3]), a3);
            }
        }
        a0.intoArray(acc, 0);
        a1.intoArray(acc, VL);
        a2.intoArray(acc, 2 * VL);
        a3.intoArray(acc, 3 * VL);
    }

    private static FloatVector activate(FloatVector v, FloatVector res, int act, float lo, float hi) {
        if (res != null) {
            v = v.add(res);
        }
        switch (act) {
            case ACT_RELU:
                return v.max(0f);
            case ACT_SIGMOID:
                return FloatVector.broadcast(S, 1f).div(v.neg().lanewise(VectorOperators.EXP).add(1f));
            case ACT_CLIP:
                return v.max(lo).min(hi);
            default:
                return v;
        }
    }

    private static void finish(FloatVector acc, float bias, float[] out, int idx, float[] res, int act, float lo,
                               float hi) {
        activate(acc.add(bias), res == null ? null : FloatVector.fromArray(S, res, idx), act, lo, hi)
                .intoArray(out, idx);
    }

    @Override
    void epilogue(float[] src, int srcOff, float[] dst, int dstOff, int len, float bias,
                  float[] res, int resOff, int act, float lo, float hi) {
        FloatVector b = FloatVector.broadcast(S, bias);
        FloatVector zero = FloatVector.zero(S);
        FloatVector one = FloatVector.broadcast(S, 1f);
        FloatVector vlo = FloatVector.broadcast(S, lo);
        FloatVector vhi = FloatVector.broadcast(S, hi);
        int i = 0;
        for (; i + VL <= len; i += VL) {
            FloatVector v = FloatVector.fromArray(S, src, srcOff + i).add(b);
            if (res != null) {
                v = v.add(FloatVector.fromArray(S, res, resOff + i));
            }
            switch (act) {
                case ACT_RELU:
                    v = v.max(zero);
                    break;
                case ACT_SIGMOID:
                    v = one.div(one.add(v.neg().lanewise(VectorOperators.EXP)));
                    break;
                case ACT_CLIP:
                    v = v.max(vlo).min(vhi);
                    break;
                default:
                    break;
            }
            v.intoArray(dst, dstOff + i);
        }
        for (; i < len; i++) {
            float v = src[srcOff + i] + bias;
            if (res != null) {
                v += res[resOff + i];
            }
            dst[dstOff + i] = activate(v, act, lo, hi);
        }
    }
}
