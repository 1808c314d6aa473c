package io.smfd.runtime.cpu;

/**
 * Portable kernels for Java 17+ (and for {@code -Dsmfd.cpu.vector=false}), and the scalar reference of every
 * kernel in one place: {@code PanamaKernels} extends this class and overrides the hot loops, inheriting the rest.
 * Loops are written so that C2's superword pass can auto-vectorize the innermost position loop.
 */
class ScalarKernels extends Kernels {

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

    @Override
    int tilePositions() {
        return 4;
    }

    @Override
    void convFused(float[] in, int inBase, int icStride, int ic, int[] tapOff, int taps, float[] w, int wOff,
                   int nOut, float[] out, int outOff, int outStride, float[] bias, int biasOff, float[] res,
                   int act, float lo, float hi, int p0, int p1, float[] tile) {
        int len = p1 - p0;
        conv(in, inBase, icStride, ic, tapOff, taps, w, wOff, tile, len, p0, p1, nOut);
        for (int o = 0; o < nOut; o++) {
            int d = outOff + o * outStride + p0;
            epilogue(tile, o * len, out, d, len, bias[biasOff + o], res, d, act, lo, hi);
        }
    }

    @Override
    boolean winograd() {
        return false;
    }

    @Override
    void gemm(float[] in, int inBase, int icStride, int ic, float[] w, int wOff, float[] dst, int dOff, int dStride,
              int n) {
        gemmRange(in, inBase, icStride, ic, w, wOff, dst, dOff, dStride, 0, n);
    }

    @Override
    void wgInput(float[] x, int eOff, int oOff, int rs1, int rs2, int n, float[] tmp, int tOff, float[] v, int vOff,
                 int xiStride) {
        int ts = n + 1;
        wgInputRows(x, eOff, rs1, rs2, ts, tmp, tOff, ts);
        wgInputRows(x, oOff, rs1, rs2, ts, tmp, tOff + 4 * ts, ts);
        for (int i = 0; i < 4; i++) {
            wgInputCols(tmp, tOff + i * ts, tOff + (4 + i) * ts, n, v, vOff + 4 * i * xiStride, xiStride);
        }
    }

    @Override
    void wgOutput(float[] m, int mOff, int mStride, int n, float[] y, int yOff, int yStride) {
        for (int i = 0; i < 4; i++) { // A^T along each row of 4, in place (the column step with y = m)
            int row = mOff + 4 * i * mStride;
            wgOutputCol(m, row, mStride, n, m, row, mStride);
        }
        for (int j = 0; j < 2; j++) {
            wgOutputCol(m, mOff + j * mStride, 4 * mStride, n, y, yOff + j * yStride, 2 * yStride);
        }
    }

    @Override
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

    @Override
    void splitRow(float[] in, int cin, int h, int w, int r, int q0, int len, float[] dst, int even, int odd) {
        int xs = Math.max(0, q0);
        int xe = Math.min(w, q0 + 2 * len);
        if (r < 0 || r >= h || xs >= xe) {
            java.util.Arrays.fill(dst, even, even + len, 0f);
            java.util.Arrays.fill(dst, odd, odd + len, 0f);
            return;
        }
        int p0 = xs - q0; // padded position of the first copied column
        int p1 = xe - q0; // and past the last one
        // even positions p0 <= 2i < p1 and odd ones p0 <= 2i + 1 < p1 are copied; the rest is zeroed
        java.util.Arrays.fill(dst, even, even + (p0 + 1) / 2, 0f);
        java.util.Arrays.fill(dst, even + (p1 + 1) / 2, even + len, 0f);
        java.util.Arrays.fill(dst, odd, odd + p0 / 2, 0f);
        java.util.Arrays.fill(dst, odd + p1 / 2, odd + len, 0f);
        if ((p0 & 1) == 0) {
            deinterleave(in, cin + r * w + xs, xe - xs, dst, even + p0 / 2, odd + p0 / 2);
        } else {
            deinterleave(in, cin + r * w + xs, xe - xs, dst, odd + p0 / 2, even + (p0 + 1) / 2);
        }
    }

    @Override
    void interleave(float[] a, int aOff, float[] b, int bOff, int n, float[] dst, int dstOff) {
        for (int i = 0; i < n; i++) {
            dst[dstOff + 2 * i] = a[aOff + i];
            dst[dstOff + 2 * i + 1] = b[bOff + i];
        }
    }

    @Override
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
}
