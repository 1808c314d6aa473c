package io.smfd.runtime.cpu;

/**
 * Portable kernels for Java 17+ (and for {@code -Dsmfd.cpu.vector=false}). Loops are written so that C2's
 * superword pass can auto-vectorize the innermost position loop.
 */
final class ScalarKernels extends Kernels {

    static final ScalarKernels INSTANCE = new ScalarKernels();

    @Override
    String description() {
        return "scalar";
    }

    @Override
    void conv(float[] in, int inBase, int icStride, int ic, int[] tapOff, int taps,
              float[] w, int wOff, float[] dst, int dstStride, int p0, int p1) {
        // Register blocking in scalar code: 4 output channels x 4 positions = 16 accumulators per tap step
        // (8 loads per 16 multiply-adds). C2 does not auto-vectorize the alternatives here (it cannot prove that
        // rows of the same array do not alias), so this is the fastest portable form.
        int d1 = dstStride;
        int d2 = 2 * dstStride;
        int d3 = 3 * dstStride;
        int p = p0;
        for (; p + 4 <= p1; p += 4) {
            float a00 = 0f, a01 = 0f, a02 = 0f, a03 = 0f;
            float a10 = 0f, a11 = 0f, a12 = 0f, a13 = 0f;
            float a20 = 0f, a21 = 0f, a22 = 0f, a23 = 0f;
            float a30 = 0f, a31 = 0f, a32 = 0f, a33 = 0f;
            int wi = wOff;
            for (int c = 0; c < ic; c++) {
                int cb = inBase + c * icStride + p;
                for (int t = 0; t < taps; t++, wi += OC_BLOCK) {
                    int idx = cb + tapOff[t];
                    float x0 = in[idx];
                    float x1 = in[idx + 1];
                    float x2 = in[idx + 2];
                    float x3 = in[idx + 3];
                    float w0 = w[wi];
                    float w1 = w[wi + 1];
                    float w2 = w[wi + 2];
                    float w3 = w[wi + 3];
                    a00 += w0 * x0;
                    a01 += w0 * x1;
                    a02 += w0 * x2;
                    a03 += w0 * x3;
                    a10 += w1 * x0;
                    a11 += w1 * x1;
                    a12 += w1 * x2;
                    a13 += w1 * x3;
                    a20 += w2 * x0;
                    a21 += w2 * x1;
                    a22 += w2 * x2;
                    a23 += w2 * x3;
                    a30 += w3 * x0;
                    a31 += w3 * x1;
                    a32 += w3 * x2;
                    a33 += w3 * x3;
                }
            }
            int d = p - p0;
            dst[d] = a00;
            dst[d + 1] = a01;
            dst[d + 2] = a02;
            dst[d + 3] = a03;
            dst[d1 + d] = a10;
            dst[d1 + d + 1] = a11;
            dst[d1 + d + 2] = a12;
            dst[d1 + d + 3] = a13;
            dst[d2 + d] = a20;
            dst[d2 + d + 1] = a21;
            dst[d2 + d + 2] = a22;
            dst[d2 + d + 3] = a23;
            dst[d3 + d] = a30;
            dst[d3 + d + 1] = a31;
            dst[d3 + d + 2] = a32;
            dst[d3 + d + 3] = a33;
        }
        for (; p < p1; p++) {
            float a0 = 0f;
            float a1 = 0f;
            float a2 = 0f;
            float a3 = 0f;
            int wi = wOff;
            for (int c = 0; c < ic; c++) {
                int cb = inBase + c * icStride + p;
                for (int t = 0; t < taps; t++, wi += OC_BLOCK) {
                    float x = in[cb + tapOff[t]];
                    a0 += w[wi] * x;
                    a1 += w[wi + 1] * x;
                    a2 += w[wi + 2] * x;
                    a3 += w[wi + 3] * x;
                }
            }
            int d = p - p0;
            dst[d] = a0;
            dst[d1 + d] = a1;
            dst[d2 + d] = a2;
            dst[d3 + d] = a3;
        }
    }

    @Override
    void epilogue(float[] src, int srcOff, float[] dst, int dstOff, int len, float bias,
                  float[] res, int resOff, int act, float lo, float hi) {
        if (res == null) {
            if (act == ACT_RELU) {
                for (int i = 0; i < len; i++) {
                    float v = src[srcOff + i] + bias;
                    dst[dstOff + i] = v > 0f ? v : 0f;
                }
            } else {
                for (int i = 0; i < len; i++) {
                    dst[dstOff + i] = activate(src[srcOff + i] + bias, act, lo, hi);
                }
            }
        } else {
            for (int i = 0; i < len; i++) {
                dst[dstOff + i] = activate(src[srcOff + i] + bias + res[resOff + i], act, lo, hi);
            }
        }
    }
}
