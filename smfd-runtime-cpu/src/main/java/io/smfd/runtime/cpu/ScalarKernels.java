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

    /** Positions per sub-block: keeps the four accumulator rows in L1. */
    private static final int SUB = 512;

    @Override
    void conv(float[] in, int inBase, int icStride, int ic, int[] tapOff, int taps,
              float[] w, int wOff, float[] dst, int dstStride, int p0, int p1) {
        for (int s0 = p0; s0 < p1; s0 += SUB) {
            int len = Math.min(SUB, p1 - s0);
            int d0 = s0 - p0;
            int d1 = d0 + dstStride;
            int d2 = d0 + 2 * dstStride;
            int d3 = d0 + 3 * dstStride;
            java.util.Arrays.fill(dst, d0, d0 + len, 0f);
            java.util.Arrays.fill(dst, d1, d1 + len, 0f);
            java.util.Arrays.fill(dst, d2, d2 + len, 0f);
            java.util.Arrays.fill(dst, d3, d3 + len, 0f);
            int wi = wOff;
            for (int c = 0; c < ic; c++) {
                int cb = inBase + c * icStride + s0;
                for (int t = 0; t < taps; t++, wi += 4) {
                    float w0 = w[wi];
                    float w1 = w[wi + 1];
                    float w2 = w[wi + 2];
                    float w3 = w[wi + 3];
                    int b = cb + tapOff[t];
                    for (int i = 0; i < len; i++) {
                        float x = in[b + i];
                        dst[d0 + i] += w0 * x;
                        dst[d1 + i] += w1 * x;
                        dst[d2 + i] += w2 * x;
                        dst[d3 + i] += w3 * x;
                    }
                }
            }
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
