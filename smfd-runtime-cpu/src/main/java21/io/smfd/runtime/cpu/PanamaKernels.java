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
 * <p>Convolution: register block of 4 output channels x 2 vectors of positions (8 accumulators), weights
 * broadcast from the packed weight array, one FMA per accumulator per tap; then 1-vector and masked tails.
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

    @Override
    void conv(float[] in, int inBase, int icStride, int ic, int[] tapOff, int taps,
              float[] w, int wOff, float[] dst, int dstStride, int p0, int p1) {
        int d1 = dstStride;
        int d2 = 2 * dstStride;
        int d3 = 3 * dstStride;
        int p = p0;
        for (; p + 2 * VL <= p1; p += 2 * VL) {
            FloatVector a00 = FloatVector.zero(S);
            FloatVector a01 = FloatVector.zero(S);
            FloatVector a10 = FloatVector.zero(S);
            FloatVector a11 = FloatVector.zero(S);
            FloatVector a20 = FloatVector.zero(S);
            FloatVector a21 = FloatVector.zero(S);
            FloatVector a30 = FloatVector.zero(S);
            FloatVector a31 = FloatVector.zero(S);
            int wi = wOff;
            for (int c = 0; c < ic; c++) {
                int cb = inBase + c * icStride + p;
                for (int t = 0; t < taps; t++, wi += 4) {
                    int idx = cb + tapOff[t];
                    FloatVector x0 = FloatVector.fromArray(S, in, idx);
                    FloatVector x1 = FloatVector.fromArray(S, in, idx + VL);
                    FloatVector w0 = FloatVector.broadcast(S, w[wi]);
                    a00 = fma(x0, w0, a00);
                    a01 = fma(x1, w0, a01);
                    FloatVector w1 = FloatVector.broadcast(S, w[wi + 1]);
                    a10 = fma(x0, w1, a10);
                    a11 = fma(x1, w1, a11);
                    FloatVector w2 = FloatVector.broadcast(S, w[wi + 2]);
                    a20 = fma(x0, w2, a20);
                    a21 = fma(x1, w2, a21);
                    FloatVector w3 = FloatVector.broadcast(S, w[wi + 3]);
                    a30 = fma(x0, w3, a30);
                    a31 = fma(x1, w3, a31);
                }
            }
            int d = p - p0;
            a00.intoArray(dst, d);
            a01.intoArray(dst, d + VL);
            a10.intoArray(dst, d1 + d);
            a11.intoArray(dst, d1 + d + VL);
            a20.intoArray(dst, d2 + d);
            a21.intoArray(dst, d2 + d + VL);
            a30.intoArray(dst, d3 + d);
            a31.intoArray(dst, d3 + d + VL);
        }
        for (; p < p1; p += VL) {
            VectorMask<Float> m = S.indexInRange(p, p1);
            boolean full = m.allTrue();
            FloatVector a0 = FloatVector.zero(S);
            FloatVector a1 = FloatVector.zero(S);
            FloatVector a2 = FloatVector.zero(S);
            FloatVector a3 = FloatVector.zero(S);
            int wi = wOff;
            for (int c = 0; c < ic; c++) {
                int cb = inBase + c * icStride + p;
                for (int t = 0; t < taps; t++, wi += 4) {
                    int idx = cb + tapOff[t];
                    FloatVector x = full ? FloatVector.fromArray(S, in, idx) : FloatVector.fromArray(S, in, idx, m);
                    a0 = fma(x, FloatVector.broadcast(S, w[wi]), a0);
                    a1 = fma(x, FloatVector.broadcast(S, w[wi + 1]), a1);
                    a2 = fma(x, FloatVector.broadcast(S, w[wi + 2]), a2);
                    a3 = fma(x, FloatVector.broadcast(S, w[wi + 3]), a3);
                }
            }
            int d = p - p0;
            a0.intoArray(dst, d, m);
            a1.intoArray(dst, d1 + d, m);
            a2.intoArray(dst, d2 + d, m);
            a3.intoArray(dst, d3 + d, m);
        }
    }

    @Override
    void convFused(float[] in, int inBase, int icStride, int ic, int[] tapOff, int taps, float[] w, int wOff,
                   int nOut, float[] out, int outOff, int outStride, float[] bias, int biasOff, float[] res,
                   int act, float lo, float hi, int p0, int p1, float[] tile) {
        float b0 = bias[biasOff];
        float b1 = nOut > 1 ? bias[biasOff + 1] : 0f;
        float b2 = nOut > 2 ? bias[biasOff + 2] : 0f;
        float b3 = nOut > 3 ? bias[biasOff + 3] : 0f;
        int o1 = outOff + outStride;
        int o2 = outOff + 2 * outStride;
        int o3 = outOff + 3 * outStride;
        int p = p0;
        for (; p + 2 * VL <= p1; p += 2 * VL) {
            FloatVector a00 = FloatVector.zero(S);
            FloatVector a01 = FloatVector.zero(S);
            FloatVector a10 = FloatVector.zero(S);
            FloatVector a11 = FloatVector.zero(S);
            FloatVector a20 = FloatVector.zero(S);
            FloatVector a21 = FloatVector.zero(S);
            FloatVector a30 = FloatVector.zero(S);
            FloatVector a31 = FloatVector.zero(S);
            int wi = wOff;
            for (int c = 0; c < ic; c++) {
                int cb = inBase + c * icStride + p;
                for (int t = 0; t < taps; t++, wi += 4) {
                    int idx = cb + tapOff[t];
                    FloatVector x0 = FloatVector.fromArray(S, in, idx);
                    FloatVector x1 = FloatVector.fromArray(S, in, idx + VL);
                    FloatVector w0 = FloatVector.broadcast(S, w[wi]);
                    a00 = fma(x0, w0, a00);
                    a01 = fma(x1, w0, a01);
                    FloatVector w1 = FloatVector.broadcast(S, w[wi + 1]);
                    a10 = fma(x0, w1, a10);
                    a11 = fma(x1, w1, a11);
                    FloatVector w2 = FloatVector.broadcast(S, w[wi + 2]);
                    a20 = fma(x0, w2, a20);
                    a21 = fma(x1, w2, a21);
                    FloatVector w3 = FloatVector.broadcast(S, w[wi + 3]);
                    a30 = fma(x0, w3, a30);
                    a31 = fma(x1, w3, a31);
                }
            }
            finish(a00, b0, out, outOff + p, res, act, lo, hi);
            finish(a01, b0, out, outOff + p + VL, res, act, lo, hi);
            if (nOut > 1) {
                finish(a10, b1, out, o1 + p, res, act, lo, hi);
                finish(a11, b1, out, o1 + p + VL, res, act, lo, hi);
            }
            if (nOut > 2) {
                finish(a20, b2, out, o2 + p, res, act, lo, hi);
                finish(a21, b2, out, o2 + p + VL, res, act, lo, hi);
            }
            if (nOut > 3) {
                finish(a30, b3, out, o3 + p, res, act, lo, hi);
                finish(a31, b3, out, o3 + p + VL, res, act, lo, hi);
            }
        }
        if (p < p1) {
            super.convFused(in, inBase, icStride, ic, tapOff, taps, w, wOff, nOut, out, outOff, outStride, bias,
                    biasOff, res, act, lo, hi, p, p1, tile);
        }
    }

    private static void finish(FloatVector acc, float bias, float[] out, int idx, float[] res, int act, float lo,
                               float hi) {
        FloatVector v = acc.add(bias);
        if (res != null) {
            v = v.add(FloatVector.fromArray(S, res, idx));
        }
        switch (act) {
            case ACT_RELU:
                v = v.max(0f);
                break;
            case ACT_SIGMOID:
                v = FloatVector.broadcast(S, 1f).div(v.neg().lanewise(VectorOperators.EXP).add(1f));
                break;
            case ACT_CLIP:
                v = v.max(lo).min(hi);
                break;
            default:
                break;
        }
        v.intoArray(out, idx);
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
