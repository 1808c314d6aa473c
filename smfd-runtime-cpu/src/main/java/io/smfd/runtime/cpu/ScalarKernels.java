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
        // Register blocking in scalar code: OC_BLOCK (8) output channels x 2 positions = 16 accumulators per tap
        // step (10 loads per 16 multiply-adds). C2 does not auto-vectorize the alternatives here (it cannot prove
        // that rows of the same array do not alias), so this is the fastest portable form.
        int p = p0;
        for (; p + 2 <= p1; p += 2) {
            float a0 = 0f, a1 = 0f, a2 = 0f, a3 = 0f, a4 = 0f, a5 = 0f, a6 = 0f, a7 = 0f;
            float b0 = 0f, b1 = 0f, b2 = 0f, b3 = 0f, b4 = 0f, b5 = 0f, b6 = 0f, b7 = 0f;
            int wi = wOff;
            for (int c = 0; c < ic; c++) {
                int cb = inBase + c * icStride + p;
                for (int t = 0; t < taps; t++, wi += OC_BLOCK) {
                    int idx = cb + tapOff[t];
                    float x0 = in[idx];
                    float x1 = in[idx + 1];
                    float w0 = w[wi];
                    float w1 = w[wi + 1];
                    float w2 = w[wi + 2];
                    float w3 = w[wi + 3];
                    float w4 = w[wi + 4];
                    float w5 = w[wi + 5];
                    float w6 = w[wi + 6];
                    float w7 = w[wi + 7];
                    a0 += w0 * x0;
                    b0 += w0 * x1;
                    a1 += w1 * x0;
                    b1 += w1 * x1;
                    a2 += w2 * x0;
                    b2 += w2 * x1;
                    a3 += w3 * x0;
                    b3 += w3 * x1;
                    a4 += w4 * x0;
                    b4 += w4 * x1;
                    a5 += w5 * x0;
                    b5 += w5 * x1;
                    a6 += w6 * x0;
                    b6 += w6 * x1;
                    a7 += w7 * x0;
                    b7 += w7 * x1;
                }
            }
            int d = p - p0;
            dst[d] = a0;
            dst[d + 1] = b0;
            dst[dstStride + d] = a1;
            dst[dstStride + d + 1] = b1;
            dst[2 * dstStride + d] = a2;
            dst[2 * dstStride + d + 1] = b2;
            dst[3 * dstStride + d] = a3;
            dst[3 * dstStride + d + 1] = b3;
            dst[4 * dstStride + d] = a4;
            dst[4 * dstStride + d + 1] = b4;
            dst[5 * dstStride + d] = a5;
            dst[5 * dstStride + d + 1] = b5;
            dst[6 * dstStride + d] = a6;
            dst[6 * dstStride + d + 1] = b6;
            dst[7 * dstStride + d] = a7;
            dst[7 * dstStride + d + 1] = b7;
        }
        for (; p < p1; p++) {
            float a0 = 0f, a1 = 0f, a2 = 0f, a3 = 0f, a4 = 0f, a5 = 0f, a6 = 0f, a7 = 0f;
            int wi = wOff;
            for (int c = 0; c < ic; c++) {
                int cb = inBase + c * icStride + p;
                for (int t = 0; t < taps; t++, wi += OC_BLOCK) {
                    float x = in[cb + tapOff[t]];
                    a0 += w[wi] * x;
                    a1 += w[wi + 1] * x;
                    a2 += w[wi + 2] * x;
                    a3 += w[wi + 3] * x;
                    a4 += w[wi + 4] * x;
                    a5 += w[wi + 5] * x;
                    a6 += w[wi + 6] * x;
                    a7 += w[wi + 7] * x;
                }
            }
            int d = p - p0;
            dst[d] = a0;
            dst[dstStride + d] = a1;
            dst[2 * dstStride + d] = a2;
            dst[3 * dstStride + d] = a3;
            dst[4 * dstStride + d] = a4;
            dst[5 * dstStride + d] = a5;
            dst[6 * dstStride + d] = a6;
            dst[7 * dstStride + d] = a7;
        }
    }

    @Override
    void epilogue(float[] src, int srcOff, float[] dst, int dstOff, int len, float bias,
                  float[] res, int resOff, int act, float lo, float hi) {
        if (res == null) {
            if (act == ACT_RELU) {
                for (int i = 0; i < len; i++) {
                    float v = src[srcOff + i] + bias;
                    dst[dstOff + i] = v >= Float.MIN_NORMAL ? v : 0f;
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
