package io.smfd.runtime.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Kernels written with {@code jdk.incubator.vector} (Java 21+). Compiled separately with {@code --release 21
 * --add-modules jdk.incubator.vector}, packed in the multi-release layer {@code META-INF/versions/21} and only
 * loaded by {@link KernelSelector} after it has checked that the module is in the boot layer.
 *
 * <p>Convolution: register tile of 8 output channels x 2 vectors of positions (16 accumulators) on 512-bit
 * vectors, 4 x 2 (8 accumulators, twice per block of 8) on narrower ones, weights broadcast from the packed
 * weight array, one FMA per accumulator per tap; then 4 x 1-vector tails, the last one masked. 1x1 products
 * (1x1 convolutions, Winograd's) run 8 x 3 tiles where a range allows them ({@code acc8xd}). The tile kernels
 * ({@code acc8x2}, {@code acc8x2t9}, {@code acc8x2d}, {@code acc8x3d}, {@code acc4x2}) are generated from one template by
 * {@code GenKernels} (src/test/java); everything not overridden here is {@link ScalarKernels}'.
 */
final class PanamaKernels extends ScalarKernels {

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
     * registers), else 4 output channels x 2 vectors (8 accumulators, for the 16 registers of AVX2: 4 x 3 measured
     * slower in the network), twice per block of 8.
     */
    private static final boolean WIDE = VL >= 16;

    /** Positions of one register tile. */
    private static final int TP = 2 * VL;

    @Override
    int tilePositions() {
        return TP;
    }

    @Override
    void conv(float[] in, int inBase, int icStride, int ic, int[] tapOff, int taps,
              float[] w, int wOff, float[] dst, int dstStride, int p0, int p1) {
        conv(in, inBase, icStride, ic, tapOff, taps, w, wOff, dst, dstStride, p0, p1, OC_BLOCK);
    }

    /**
     * Where at most 4 of the block's channels are used (the 3-channel output convolution) the 4 x 2 tile runs
     * instead of the 8 x 2 one: half the multiply-adds, for results that are the same sums in the same order.
     */
    @Override
    void conv(float[] in, int inBase, int icStride, int ic, int[] tapOff, int taps, float[] w, int wOff, float[] dst,
              int dstStride, int p0, int p1, int nOut) {
        boolean four = WIDE && nOut <= 4;
        int full = p0 + (p1 - p0) / TP * TP;
        if (full > p0) { // raw sums straight into the tile, one call for all full register tiles
            tiles(in, inBase, icStride, ic, tapOff, taps, w, wOff, p0, full, dst, 0, dstStride, four);
            if (full < p1) {
                // the tail as one more whole register tile ending at p1: it recomputes up to TP - 1 positions
                // of the last one (same sums in the same order, so the same values) instead of the masked
                // 4 x 1 tile below, which costs about as much as a whole tile for a few positions
                tiles(in, inBase, icStride, ic, tapOff, taps, w, wOff, p1 - TP, p1, dst, p1 - TP - p0, dstStride,
                        four);
                return;
            }
        }
        int p = full;
        if (p < p1) {
            float[] acc = new float[4 * VL];
            for (; p < p1; p += VL) {
                VectorMask<Float> m = S.indexInRange(p, p1);
                for (int half = 0; half < (nOut <= 4 ? 4 : OC_BLOCK); half += 4) {
                    acc4x1(in, inBase, icStride, ic, tapOff, taps, w, wOff + half, p, m, acc);
                    for (int o = 0; o < 4; o++) {
                        FloatVector.fromArray(S, acc, o * VL).intoArray(dst, (half + o) * dstStride + p - p0, m);
                    }
                }
            }
        }
    }

    /** Full register tiles over positions {@code [p, pEnd)} ({@code pEnd - p} a multiple of TP), raw sums to {@code dst[dOff ...]}. */
    private static void tiles(float[] in, int inBase, int icStride, int ic, int[] tapOff, int taps, float[] w,
                              int wOff, int p, int pEnd, float[] dst, int dOff, int dstStride, boolean four) {
        if (four) {
            acc4x2(in, inBase, icStride, ic, tapOff, taps, w, wOff, p, pEnd, dst, dOff, dstStride);
        } else if (WIDE && taps == 1 && tapOff[0] == 0) {
            acc8xd(in, inBase, icStride, ic, w, wOff, p, pEnd, dst, dOff, dstStride);
        } else if (WIDE && FMA && taps == 9) {
            acc8x2t9(in, inBase, icStride, ic, tapOff, w, wOff, p, pEnd, dst, dOff, dstStride);
        } else if (WIDE) {
            acc8x2(in, inBase, icStride, ic, tapOff, taps, w, wOff, p, pEnd, dst, dOff, dstStride);
        } else {
            acc4x2(in, inBase, icStride, ic, tapOff, taps, w, wOff, p, pEnd, dst, dOff, dstStride);
            acc4x2(in, inBase, icStride, ic, tapOff, taps, w, wOff + 4, p, pEnd, dst, dOff + 4 * dstStride,
                    dstStride);
        }
    }

    /** Winograd where the products run on the 8 x 2 tile (512-bit vectors): only measured there (issue 16 round 4). */
    @Override
    boolean winograd() {
        return WIDE;
    }

    /**
     * Winograd's products on the 8 x 3 tile ({@code acc8x3d}, 24 accumulators) where vectors have 16+ lanes: its
     * blocks of 32 or 64 tiles ran almost entirely on the 8 x 2 tile before (an 8 x 3 run needs a multiple of
     * 96 positions there); blocks of a multiple of 48 run on 8 x 3 alone (issue 30: Conv3x3 about 5% less CPU
     * time at 112 px).
     */
    @Override
    int gemmPositions() {
        return WIDE ? 3 * VL : TP;
    }

    /**
     * Whole vectors, at least one 8 x 2 tile: {@link #gemm} then runs on whole register tiles alone (8 x 3, and 8 x 2
     * for the rest), so a block's last, partial run of tiles costs at most 15 columns more than its tiles, not up
     * to 47 (issue 30: the 14 x 14 planes' 56 tiles ran as 96 columns).
     */
    @Override
    int gemmSpan(int n) {
        return WIDE ? Math.max(TP, (n + VL - 1) / VL * VL) : super.gemmSpan(n);
    }

    @Override
    void gemm(float[] in, int inBase, int icStride, int ic, float[] w, int wOff, float[] dst, int dOff, int dStride,
              int n) {
        if (WIDE && n % VL == 0 && n >= TP) { // Winograd's blocks (gemmSpan): whole tiles, no tail
            // 8 x 3 tiles, then one or two 8 x 2 tiles for what is left of a multiple of 3 * VL (n = 64: two
            // 8 x 2 tiles, not 8 x 3 and an overlapping 8 x 2). Every column is the same sum in the same order
            // on either tile.
            int rest = n % (3 * VL);
            int q = rest == 0 ? n : rest == TP ? n - TP : n - 2 * TP;
            if (q > 0) {
                acc8x3d(in, inBase, icStride, ic, w, wOff, 0, q, dst, dOff, dStride);
            }
            if (q < n) {
                acc8x2d(in, inBase, icStride, ic, w, wOff, q, n, dst, dOff + q, dStride);
            }
            return;
        }
        int full = n / TP * TP;
        if (WIDE) {
            acc8xd(in, inBase, icStride, ic, w, wOff, 0, full, dst, dOff, dStride);
        } else {
            acc4x2(in, inBase, icStride, ic, TAP0, 1, w, wOff, 0, full, dst, dOff, dStride);
            acc4x2(in, inBase, icStride, ic, TAP0, 1, w, wOff + 4, 0, full, dst, dOff + 4 * dStride, dStride);
        }
        if (full < n) {
            gemmRange(in, inBase, icStride, ic, w, wOff, dst, dOff, dStride, full, n);
        }
    }

    private static final int[] TAP0 = {0};

    /**
     * 1x1 register tiles over {@code [p, pEnd)} ({@code pEnd - p} a multiple of {@code TP}): as many 8 x 3 tiles
     * ({@code 3 * VL} positions) as leave a multiple of {@code TP}, i.e. an even number of them, then 8 x 2 tiles.
     * Every output is the same sum in the same order either way.
     */
    private static void acc8xd(float[] in, int inBase, int icStride, int ic, float[] w, int wOff, int p, int pEnd,
                               float[] d, int dOff, int dStride) {
        int wide = (pEnd - p) / (6 * VL) * (6 * VL);
        if (wide > 0) {
            acc8x3d(in, inBase, icStride, ic, w, wOff, p, p + wide, d, dOff, dStride);
        }
        if (p + wide < pEnd) {
            acc8x2d(in, inBase, icStride, ic, w, wOff, p + wide, pEnd, d, dOff + wide, dStride);
        }
    }

    /**
     * One pass per vector of tiles (16 loads, 16 stores): through {@code wgInputRows} and {@code wgInputCols} the
     * combined rows would go through memory. Same operations in the same order as the scalar twin. The last
     * vector is a whole one (masked forms of these methods never reached C2 in the network: C1 bailed out on them,
     * and they ran unintrinsified, 10x slower), so up to {@code VL - 1} floats past the {@code n} of each row are
     * read and written, as the contract allows.
     */
    @Override
    void wgInput(float[] x, int eOff, int oOff, int rs1, int rs2, int n, float[] tmp, int tOff, float[] v,
                 int vOff, int xiStride) {
        for (int t = 0; t < n; t += VL) {
            wgInputVector(x, eOff, oOff, rs1, rs2, t, v, vOff, xiStride);
        }
    }

    private static void wgInputVector(float[] x, int eOff, int oOff, int rs1, int rs2, int t, float[] v, int vOff,
                                      int xiStride) {
        FloatVector d00 = FloatVector.fromArray(S, x, eOff + t);
        FloatVector d01 = FloatVector.fromArray(S, x, oOff + t);
        FloatVector d02 = FloatVector.fromArray(S, x, eOff + t + 1);
        FloatVector d03 = FloatVector.fromArray(S, x, oOff + t + 1);
        FloatVector d10 = FloatVector.fromArray(S, x, eOff + rs1 + t);
        FloatVector d11 = FloatVector.fromArray(S, x, oOff + rs1 + t);
        FloatVector d12 = FloatVector.fromArray(S, x, eOff + rs1 + t + 1);
        FloatVector d13 = FloatVector.fromArray(S, x, oOff + rs1 + t + 1);
        FloatVector d20 = FloatVector.fromArray(S, x, eOff + rs2 + t);
        FloatVector d21 = FloatVector.fromArray(S, x, oOff + rs2 + t);
        FloatVector d22 = FloatVector.fromArray(S, x, eOff + rs2 + t + 1);
        FloatVector d23 = FloatVector.fromArray(S, x, oOff + rs2 + t + 1);
        FloatVector d30 = FloatVector.fromArray(S, x, eOff + rs1 + rs2 + t);
        FloatVector d31 = FloatVector.fromArray(S, x, oOff + rs1 + rs2 + t);
        FloatVector d32 = FloatVector.fromArray(S, x, eOff + rs1 + rs2 + t + 1);
        FloatVector d33 = FloatVector.fromArray(S, x, oOff + rs1 + rs2 + t + 1);
        FloatVector c00 = d00.sub(d20);
        FloatVector c10 = d10.add(d20);
        FloatVector c20 = d20.sub(d10);
        FloatVector c30 = d10.sub(d30);
        FloatVector c01 = d01.sub(d21);
        FloatVector c11 = d11.add(d21);
        FloatVector c21 = d21.sub(d11);
        FloatVector c31 = d11.sub(d31);
        FloatVector c02 = d02.sub(d22);
        FloatVector c12 = d12.add(d22);
        FloatVector c22 = d22.sub(d12);
        FloatVector c32 = d12.sub(d32);
        FloatVector c03 = d03.sub(d23);
        FloatVector c13 = d13.add(d23);
        FloatVector c23 = d23.sub(d13);
        FloatVector c33 = d13.sub(d33);
        int o = vOff + t;
        c00.sub(c02).intoArray(v, o + 0 * xiStride);
        c01.add(c02).intoArray(v, o + 1 * xiStride);
        c02.sub(c01).intoArray(v, o + 2 * xiStride);
        c01.sub(c03).intoArray(v, o + 3 * xiStride);
        c10.sub(c12).intoArray(v, o + 4 * xiStride);
        c11.add(c12).intoArray(v, o + 5 * xiStride);
        c12.sub(c11).intoArray(v, o + 6 * xiStride);
        c11.sub(c13).intoArray(v, o + 7 * xiStride);
        c20.sub(c22).intoArray(v, o + 8 * xiStride);
        c21.add(c22).intoArray(v, o + 9 * xiStride);
        c22.sub(c21).intoArray(v, o + 10 * xiStride);
        c21.sub(c23).intoArray(v, o + 11 * xiStride);
        c30.sub(c32).intoArray(v, o + 12 * xiStride);
        c31.add(c32).intoArray(v, o + 13 * xiStride);
        c32.sub(c31).intoArray(v, o + 14 * xiStride);
        c31.sub(c33).intoArray(v, o + 15 * xiStride);
    }

    /** One pass per vector of tiles (16 loads, 4 stores), whole vectors as {@link #wgInput}; same operations as the scalar twin. */
    @Override
    void wgOutput(float[] m, int mOff, int mStride, int n, float[] y, int yOff, int yStride) {
        for (int t = 0; t < n; t += VL) {
            wgOutputVector(m, mOff, mStride, t, y, yOff, yStride);
        }
    }

    private static void wgOutputVector(float[] mm, int mOff, int mStride, int t, float[] y, int yOff, int yStride) {
        int b = mOff + t;
        FloatVector m00 = FloatVector.fromArray(S, mm, b + 0 * mStride);
        FloatVector m01 = FloatVector.fromArray(S, mm, b + 1 * mStride);
        FloatVector m02 = FloatVector.fromArray(S, mm, b + 2 * mStride);
        FloatVector m03 = FloatVector.fromArray(S, mm, b + 3 * mStride);
        FloatVector s00 = m00.add(m01).add(m02);
        FloatVector s01 = m01.sub(m02).sub(m03);
        FloatVector m10 = FloatVector.fromArray(S, mm, b + 4 * mStride);
        FloatVector m11 = FloatVector.fromArray(S, mm, b + 5 * mStride);
        FloatVector m12 = FloatVector.fromArray(S, mm, b + 6 * mStride);
        FloatVector m13 = FloatVector.fromArray(S, mm, b + 7 * mStride);
        FloatVector s10 = m10.add(m11).add(m12);
        FloatVector s11 = m11.sub(m12).sub(m13);
        FloatVector m20 = FloatVector.fromArray(S, mm, b + 8 * mStride);
        FloatVector m21 = FloatVector.fromArray(S, mm, b + 9 * mStride);
        FloatVector m22 = FloatVector.fromArray(S, mm, b + 10 * mStride);
        FloatVector m23 = FloatVector.fromArray(S, mm, b + 11 * mStride);
        FloatVector s20 = m20.add(m21).add(m22);
        FloatVector s21 = m21.sub(m22).sub(m23);
        FloatVector m30 = FloatVector.fromArray(S, mm, b + 12 * mStride);
        FloatVector m31 = FloatVector.fromArray(S, mm, b + 13 * mStride);
        FloatVector m32 = FloatVector.fromArray(S, mm, b + 14 * mStride);
        FloatVector m33 = FloatVector.fromArray(S, mm, b + 15 * mStride);
        FloatVector s30 = m30.add(m31).add(m32);
        FloatVector s31 = m31.sub(m32).sub(m33);
        int o = yOff + t;
        s00.add(s10).add(s20).intoArray(y, o);
        s01.add(s11).add(s21).intoArray(y, o + yStride);
        s10.sub(s20).sub(s30).intoArray(y, o + 2 * yStride);
        s11.sub(s21).sub(s31).intoArray(y, o + 3 * yStride);
    }

    // convFused: the inherited form (conv into the tile, then the vector epilogue row by row) -- the register
    // tiles are called once per chunk instead of once per tile, and the epilogue reads an L1-resident tile.

    // ---- BEGIN GENERATED by GenKernels (src/test/java/io/smfd/runtime/cpu/GenKernels.java): do not edit ----

    /**
     * Raw sums of 8 output channels x 2 vectors of positions from {@code p}:
     * {@code d[dOff + o*dStride + v*VL ...]} for {@code o < 8}, {@code v < 2}. Kept free of any epilogue so C2
     * compiles it as one straight loop of 2 loads, 8 broadcasts and 16 FMAs per tap (16 accumulators: measured
     * faster on 512-bit than 8 x 3 or 6 x 4, which C2 does not keep in registers as well).
     */
    private static void acc8x2(float[] in, int inBase, int icStride, int ic, int[] tapOff, int taps, float[] w,
                               int wOff, int p, int pEnd, float[] d, int dOff, int dStride) {
        for (; p + TP <= pEnd; p += TP, dOff += TP) {
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
    }

    /**
     * {@link #acc8x2} for 9 taps (3x3 kernels, any stride): the taps unrolled with their offsets in registers and the
     * weight index a linear function of the channel, so the loop over channels carries no tap loop and no
     * per-tap offset loads (measured 12-18% faster than the generic loop on 512-bit). Calls {@code fma} directly
     * (only used where FMA is fast): through the {@link #fma} helper the 144 FMAs exceed C2's inlining budget and
     * the method would run un-intrinsified.
     */
    private static void acc8x2t9(float[] in, int inBase, int icStride, int ic, int[] tapOff, float[] w, int wOff,
                                 int p, int pEnd, float[] d, int dOff, int dStride) {
        for (; p + TP <= pEnd; p += TP, dOff += TP) {
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
            int o0 = tapOff[0];
            int o1 = tapOff[1];
            int o2 = tapOff[2];
            int o3 = tapOff[3];
            int o4 = tapOff[4];
            int o5 = tapOff[5];
            int o6 = tapOff[6];
            int o7 = tapOff[7];
            int o8 = tapOff[8];
            for (int c = 0; c < ic; c++) {
                int cb = inBase + c * icStride + p;
                int wc = wOff + c * (9 * OC_BLOCK);
                FloatVector x0;
                FloatVector x1;
                FloatVector v;
                x0 = FloatVector.fromArray(S, in, cb + o0);
                x1 = FloatVector.fromArray(S, in, cb + o0 + VL);
                v = FloatVector.broadcast(S, w[wc + 0]);
                a00 = x0.fma(v, a00);
                a01 = x1.fma(v, a01);
                v = FloatVector.broadcast(S, w[wc + 1]);
                a10 = x0.fma(v, a10);
                a11 = x1.fma(v, a11);
                v = FloatVector.broadcast(S, w[wc + 2]);
                a20 = x0.fma(v, a20);
                a21 = x1.fma(v, a21);
                v = FloatVector.broadcast(S, w[wc + 3]);
                a30 = x0.fma(v, a30);
                a31 = x1.fma(v, a31);
                v = FloatVector.broadcast(S, w[wc + 4]);
                a40 = x0.fma(v, a40);
                a41 = x1.fma(v, a41);
                v = FloatVector.broadcast(S, w[wc + 5]);
                a50 = x0.fma(v, a50);
                a51 = x1.fma(v, a51);
                v = FloatVector.broadcast(S, w[wc + 6]);
                a60 = x0.fma(v, a60);
                a61 = x1.fma(v, a61);
                v = FloatVector.broadcast(S, w[wc + 7]);
                a70 = x0.fma(v, a70);
                a71 = x1.fma(v, a71);
                x0 = FloatVector.fromArray(S, in, cb + o1);
                x1 = FloatVector.fromArray(S, in, cb + o1 + VL);
                v = FloatVector.broadcast(S, w[wc + 8]);
                a00 = x0.fma(v, a00);
                a01 = x1.fma(v, a01);
                v = FloatVector.broadcast(S, w[wc + 9]);
                a10 = x0.fma(v, a10);
                a11 = x1.fma(v, a11);
                v = FloatVector.broadcast(S, w[wc + 10]);
                a20 = x0.fma(v, a20);
                a21 = x1.fma(v, a21);
                v = FloatVector.broadcast(S, w[wc + 11]);
                a30 = x0.fma(v, a30);
                a31 = x1.fma(v, a31);
                v = FloatVector.broadcast(S, w[wc + 12]);
                a40 = x0.fma(v, a40);
                a41 = x1.fma(v, a41);
                v = FloatVector.broadcast(S, w[wc + 13]);
                a50 = x0.fma(v, a50);
                a51 = x1.fma(v, a51);
                v = FloatVector.broadcast(S, w[wc + 14]);
                a60 = x0.fma(v, a60);
                a61 = x1.fma(v, a61);
                v = FloatVector.broadcast(S, w[wc + 15]);
                a70 = x0.fma(v, a70);
                a71 = x1.fma(v, a71);
                x0 = FloatVector.fromArray(S, in, cb + o2);
                x1 = FloatVector.fromArray(S, in, cb + o2 + VL);
                v = FloatVector.broadcast(S, w[wc + 16]);
                a00 = x0.fma(v, a00);
                a01 = x1.fma(v, a01);
                v = FloatVector.broadcast(S, w[wc + 17]);
                a10 = x0.fma(v, a10);
                a11 = x1.fma(v, a11);
                v = FloatVector.broadcast(S, w[wc + 18]);
                a20 = x0.fma(v, a20);
                a21 = x1.fma(v, a21);
                v = FloatVector.broadcast(S, w[wc + 19]);
                a30 = x0.fma(v, a30);
                a31 = x1.fma(v, a31);
                v = FloatVector.broadcast(S, w[wc + 20]);
                a40 = x0.fma(v, a40);
                a41 = x1.fma(v, a41);
                v = FloatVector.broadcast(S, w[wc + 21]);
                a50 = x0.fma(v, a50);
                a51 = x1.fma(v, a51);
                v = FloatVector.broadcast(S, w[wc + 22]);
                a60 = x0.fma(v, a60);
                a61 = x1.fma(v, a61);
                v = FloatVector.broadcast(S, w[wc + 23]);
                a70 = x0.fma(v, a70);
                a71 = x1.fma(v, a71);
                x0 = FloatVector.fromArray(S, in, cb + o3);
                x1 = FloatVector.fromArray(S, in, cb + o3 + VL);
                v = FloatVector.broadcast(S, w[wc + 24]);
                a00 = x0.fma(v, a00);
                a01 = x1.fma(v, a01);
                v = FloatVector.broadcast(S, w[wc + 25]);
                a10 = x0.fma(v, a10);
                a11 = x1.fma(v, a11);
                v = FloatVector.broadcast(S, w[wc + 26]);
                a20 = x0.fma(v, a20);
                a21 = x1.fma(v, a21);
                v = FloatVector.broadcast(S, w[wc + 27]);
                a30 = x0.fma(v, a30);
                a31 = x1.fma(v, a31);
                v = FloatVector.broadcast(S, w[wc + 28]);
                a40 = x0.fma(v, a40);
                a41 = x1.fma(v, a41);
                v = FloatVector.broadcast(S, w[wc + 29]);
                a50 = x0.fma(v, a50);
                a51 = x1.fma(v, a51);
                v = FloatVector.broadcast(S, w[wc + 30]);
                a60 = x0.fma(v, a60);
                a61 = x1.fma(v, a61);
                v = FloatVector.broadcast(S, w[wc + 31]);
                a70 = x0.fma(v, a70);
                a71 = x1.fma(v, a71);
                x0 = FloatVector.fromArray(S, in, cb + o4);
                x1 = FloatVector.fromArray(S, in, cb + o4 + VL);
                v = FloatVector.broadcast(S, w[wc + 32]);
                a00 = x0.fma(v, a00);
                a01 = x1.fma(v, a01);
                v = FloatVector.broadcast(S, w[wc + 33]);
                a10 = x0.fma(v, a10);
                a11 = x1.fma(v, a11);
                v = FloatVector.broadcast(S, w[wc + 34]);
                a20 = x0.fma(v, a20);
                a21 = x1.fma(v, a21);
                v = FloatVector.broadcast(S, w[wc + 35]);
                a30 = x0.fma(v, a30);
                a31 = x1.fma(v, a31);
                v = FloatVector.broadcast(S, w[wc + 36]);
                a40 = x0.fma(v, a40);
                a41 = x1.fma(v, a41);
                v = FloatVector.broadcast(S, w[wc + 37]);
                a50 = x0.fma(v, a50);
                a51 = x1.fma(v, a51);
                v = FloatVector.broadcast(S, w[wc + 38]);
                a60 = x0.fma(v, a60);
                a61 = x1.fma(v, a61);
                v = FloatVector.broadcast(S, w[wc + 39]);
                a70 = x0.fma(v, a70);
                a71 = x1.fma(v, a71);
                x0 = FloatVector.fromArray(S, in, cb + o5);
                x1 = FloatVector.fromArray(S, in, cb + o5 + VL);
                v = FloatVector.broadcast(S, w[wc + 40]);
                a00 = x0.fma(v, a00);
                a01 = x1.fma(v, a01);
                v = FloatVector.broadcast(S, w[wc + 41]);
                a10 = x0.fma(v, a10);
                a11 = x1.fma(v, a11);
                v = FloatVector.broadcast(S, w[wc + 42]);
                a20 = x0.fma(v, a20);
                a21 = x1.fma(v, a21);
                v = FloatVector.broadcast(S, w[wc + 43]);
                a30 = x0.fma(v, a30);
                a31 = x1.fma(v, a31);
                v = FloatVector.broadcast(S, w[wc + 44]);
                a40 = x0.fma(v, a40);
                a41 = x1.fma(v, a41);
                v = FloatVector.broadcast(S, w[wc + 45]);
                a50 = x0.fma(v, a50);
                a51 = x1.fma(v, a51);
                v = FloatVector.broadcast(S, w[wc + 46]);
                a60 = x0.fma(v, a60);
                a61 = x1.fma(v, a61);
                v = FloatVector.broadcast(S, w[wc + 47]);
                a70 = x0.fma(v, a70);
                a71 = x1.fma(v, a71);
                x0 = FloatVector.fromArray(S, in, cb + o6);
                x1 = FloatVector.fromArray(S, in, cb + o6 + VL);
                v = FloatVector.broadcast(S, w[wc + 48]);
                a00 = x0.fma(v, a00);
                a01 = x1.fma(v, a01);
                v = FloatVector.broadcast(S, w[wc + 49]);
                a10 = x0.fma(v, a10);
                a11 = x1.fma(v, a11);
                v = FloatVector.broadcast(S, w[wc + 50]);
                a20 = x0.fma(v, a20);
                a21 = x1.fma(v, a21);
                v = FloatVector.broadcast(S, w[wc + 51]);
                a30 = x0.fma(v, a30);
                a31 = x1.fma(v, a31);
                v = FloatVector.broadcast(S, w[wc + 52]);
                a40 = x0.fma(v, a40);
                a41 = x1.fma(v, a41);
                v = FloatVector.broadcast(S, w[wc + 53]);
                a50 = x0.fma(v, a50);
                a51 = x1.fma(v, a51);
                v = FloatVector.broadcast(S, w[wc + 54]);
                a60 = x0.fma(v, a60);
                a61 = x1.fma(v, a61);
                v = FloatVector.broadcast(S, w[wc + 55]);
                a70 = x0.fma(v, a70);
                a71 = x1.fma(v, a71);
                x0 = FloatVector.fromArray(S, in, cb + o7);
                x1 = FloatVector.fromArray(S, in, cb + o7 + VL);
                v = FloatVector.broadcast(S, w[wc + 56]);
                a00 = x0.fma(v, a00);
                a01 = x1.fma(v, a01);
                v = FloatVector.broadcast(S, w[wc + 57]);
                a10 = x0.fma(v, a10);
                a11 = x1.fma(v, a11);
                v = FloatVector.broadcast(S, w[wc + 58]);
                a20 = x0.fma(v, a20);
                a21 = x1.fma(v, a21);
                v = FloatVector.broadcast(S, w[wc + 59]);
                a30 = x0.fma(v, a30);
                a31 = x1.fma(v, a31);
                v = FloatVector.broadcast(S, w[wc + 60]);
                a40 = x0.fma(v, a40);
                a41 = x1.fma(v, a41);
                v = FloatVector.broadcast(S, w[wc + 61]);
                a50 = x0.fma(v, a50);
                a51 = x1.fma(v, a51);
                v = FloatVector.broadcast(S, w[wc + 62]);
                a60 = x0.fma(v, a60);
                a61 = x1.fma(v, a61);
                v = FloatVector.broadcast(S, w[wc + 63]);
                a70 = x0.fma(v, a70);
                a71 = x1.fma(v, a71);
                x0 = FloatVector.fromArray(S, in, cb + o8);
                x1 = FloatVector.fromArray(S, in, cb + o8 + VL);
                v = FloatVector.broadcast(S, w[wc + 64]);
                a00 = x0.fma(v, a00);
                a01 = x1.fma(v, a01);
                v = FloatVector.broadcast(S, w[wc + 65]);
                a10 = x0.fma(v, a10);
                a11 = x1.fma(v, a11);
                v = FloatVector.broadcast(S, w[wc + 66]);
                a20 = x0.fma(v, a20);
                a21 = x1.fma(v, a21);
                v = FloatVector.broadcast(S, w[wc + 67]);
                a30 = x0.fma(v, a30);
                a31 = x1.fma(v, a31);
                v = FloatVector.broadcast(S, w[wc + 68]);
                a40 = x0.fma(v, a40);
                a41 = x1.fma(v, a41);
                v = FloatVector.broadcast(S, w[wc + 69]);
                a50 = x0.fma(v, a50);
                a51 = x1.fma(v, a51);
                v = FloatVector.broadcast(S, w[wc + 70]);
                a60 = x0.fma(v, a60);
                a61 = x1.fma(v, a61);
                v = FloatVector.broadcast(S, w[wc + 71]);
                a70 = x0.fma(v, a70);
                a71 = x1.fma(v, a71);
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
    }

    /** {@link #acc8x2} for one tap at offset 0 (1x1 convolutions): no tap loop, the input advances by channel. */
    private static void acc8x2d(float[] in, int inBase, int icStride, int ic, float[] w, int wOff, int p, int pEnd, float[] d,
                                int dOff, int dStride) {
        for (; p + TP <= pEnd; p += TP, dOff += TP) {
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
            int idx = inBase + p;
            for (int c = 0; c < ic; c++, idx += icStride, wi += OC_BLOCK) {
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
    }

    /**
     * {@link #acc8x2d} on 8 output channels x 3 vectors (24 accumulators, 3 loads and 8 broadcasts per 24 FMAs):
     * 15-20% faster than 8 x 2 on the 1x1 products measured in isolation on 512-bit. Runs over multiples of
     * {@code 3 * VL} positions ({@link #acc8xd} splits a range between the two).
     */
    private static void acc8x3d(float[] in, int inBase, int icStride, int ic, float[] w, int wOff, int p, int pEnd, float[] d,
                                int dOff, int dStride) {
        for (; p + 3 * VL <= pEnd; p += 3 * VL, dOff += 3 * VL) {
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
            FloatVector a40 = FloatVector.zero(S);
            FloatVector a41 = FloatVector.zero(S);
            FloatVector a42 = FloatVector.zero(S);
            FloatVector a50 = FloatVector.zero(S);
            FloatVector a51 = FloatVector.zero(S);
            FloatVector a52 = FloatVector.zero(S);
            FloatVector a60 = FloatVector.zero(S);
            FloatVector a61 = FloatVector.zero(S);
            FloatVector a62 = FloatVector.zero(S);
            FloatVector a70 = FloatVector.zero(S);
            FloatVector a71 = FloatVector.zero(S);
            FloatVector a72 = FloatVector.zero(S);
            int wi = wOff;
            int idx = inBase + p;
            for (int c = 0; c < ic; c++, idx += icStride, wi += OC_BLOCK) {
                FloatVector x0 = FloatVector.fromArray(S, in, idx);
                FloatVector x1 = FloatVector.fromArray(S, in, idx + VL);
                FloatVector x2 = FloatVector.fromArray(S, in, idx + 2 * VL);
                FloatVector v0 = FloatVector.broadcast(S, w[wi]);
                a00 = fma(x0, v0, a00);
                a01 = fma(x1, v0, a01);
                a02 = fma(x2, v0, a02);
                FloatVector v1 = FloatVector.broadcast(S, w[wi + 1]);
                a10 = fma(x0, v1, a10);
                a11 = fma(x1, v1, a11);
                a12 = fma(x2, v1, a12);
                FloatVector v2 = FloatVector.broadcast(S, w[wi + 2]);
                a20 = fma(x0, v2, a20);
                a21 = fma(x1, v2, a21);
                a22 = fma(x2, v2, a22);
                FloatVector v3 = FloatVector.broadcast(S, w[wi + 3]);
                a30 = fma(x0, v3, a30);
                a31 = fma(x1, v3, a31);
                a32 = fma(x2, v3, a32);
                FloatVector v4 = FloatVector.broadcast(S, w[wi + 4]);
                a40 = fma(x0, v4, a40);
                a41 = fma(x1, v4, a41);
                a42 = fma(x2, v4, a42);
                FloatVector v5 = FloatVector.broadcast(S, w[wi + 5]);
                a50 = fma(x0, v5, a50);
                a51 = fma(x1, v5, a51);
                a52 = fma(x2, v5, a52);
                FloatVector v6 = FloatVector.broadcast(S, w[wi + 6]);
                a60 = fma(x0, v6, a60);
                a61 = fma(x1, v6, a61);
                a62 = fma(x2, v6, a62);
                FloatVector v7 = FloatVector.broadcast(S, w[wi + 7]);
                a70 = fma(x0, v7, a70);
                a71 = fma(x1, v7, a71);
                a72 = fma(x2, v7, a72);
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
            o += dStride;
            a40.intoArray(d, o);
            a41.intoArray(d, o + VL);
            a42.intoArray(d, o + 2 * VL);
            o += dStride;
            a50.intoArray(d, o);
            a51.intoArray(d, o + VL);
            a52.intoArray(d, o + 2 * VL);
            o += dStride;
            a60.intoArray(d, o);
            a61.intoArray(d, o + VL);
            a62.intoArray(d, o + 2 * VL);
            o += dStride;
            a70.intoArray(d, o);
            a71.intoArray(d, o + VL);
            a72.intoArray(d, o + 2 * VL);
        }
    }

    /** Raw sums of 4 output channels (weights from {@code wOff}) x 2 vectors of positions from {@code p}. */
    private static void acc4x2(float[] in, int inBase, int icStride, int ic, int[] tapOff, int taps, float[] w,
                               int wOff, int p, int pEnd, float[] d, int dOff, int dStride) {
        for (; p + TP <= pEnd; p += TP, dOff += TP) {
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
        }
    }

    // ---- END GENERATED by GenKernels ----

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

    /** The activation, subnormal results flushed to zero (see {@link Kernels#activate}). */
    private static FloatVector activate(FloatVector v, FloatVector res, int act, float lo, float hi) {
        if (res != null) {
            v = v.add(res);
        }
        switch (act) {
            case ACT_RELU:
                return v.blend(0f, v.lt(Float.MIN_NORMAL));
            case ACT_SIGMOID:
                return flush(sigmoid(v));
            case ACT_CLIP:
                return flush(v.max(lo).min(hi));
            default:
                return flush(v);
        }
    }

    private static FloatVector flush(FloatVector v) {
        return v.blend(0f, v.abs().lt(Float.MIN_NORMAL));
    }

    /**
     * {@code exp(x)} for {@code x <= 0} (Cephes {@code expf}: {@code 2^n * p(r)}, {@code |r| <= ln2/2}, degree-7
     * polynomial; about 1 ulp; results below {@code exp(-87)} flush towards 0). Only adds, multiplies and
     * conversions, so the interpreter, C1 and C2 give the same bits (the {@code EXP} lanewise operation does not:
     * its intrinsic and its Java fallback differ in the last place, which would make a call's output depend on
     * how far the JIT has got).
     */
    private static FloatVector expNonPositive(FloatVector x) {
        x = x.max(-87.0f);
        // n = round(x / ln2) with the 1.5 * 2^23 trick (exact for |x / ln2| < 2^22)
        FloatVector n = x.mul(1.44269504088896341f).add(12582912f).sub(12582912f);
        FloatVector r = x.sub(n.mul(0.693359375f)).sub(n.mul(-2.12194440e-4f));
        FloatVector p = r.mul(1.9875691500e-4f).add(1.3981999507e-3f);
        p = p.mul(r).add(8.3334519073e-3f);
        p = p.mul(r).add(4.1665795894e-2f);
        p = p.mul(r).add(1.6666665459e-1f);
        p = p.mul(r).add(5.0000001201e-1f);
        p = p.mul(r.mul(r)).add(r).add(1f);
        FloatVector scale = ((IntVector) n.convert(VectorOperators.F2I, 0)).add(127).lanewise(VectorOperators.LSHL, 23)
                .reinterpretAsFloats();
        return p.mul(scale);
    }

    /** {@code 1 / (1 + exp(-v))} from {@code e = exp(-|v|)}: {@code 1/(1+e)} or {@code e/(1+e)}, same bits in every JIT tier. */
    private static FloatVector sigmoid(FloatVector v) {
        FloatVector e = expNonPositive(v.abs().neg());
        FloatVector q = FloatVector.broadcast(S, 1f).div(e.add(1f));
        return q.blend(e.mul(q), v.lt(0f));
    }

    /** Lanes {@code 0, 2, 4, ...} of two consecutive vectors (indices from {@code VL} on select from the second). */
    private static final VectorShuffle<Float> EVEN = VectorShuffle.fromOp(S, i -> 2 * i);

    /** Lanes {@code 1, 3, 5, ...} of two consecutive vectors. */
    private static final VectorShuffle<Float> ODD = VectorShuffle.fromOp(S, i -> 2 * i + 1);

    /**
     * Two vectors in, one vector of even and one of odd lanes out (two-vector {@code rearrange}: a permute of two
     * registers on AVX-512), instead of the scalar strided loop that C2 does not vectorize.
     */
    @Override
    void deinterleave(float[] src, int off, int n, float[] dst, int evenOff, int oddOff) {
        int j = 0;
        for (; 2 * (j + VL) <= n; j += VL) {
            FloatVector a = FloatVector.fromArray(S, src, off + 2 * j);
            FloatVector b = FloatVector.fromArray(S, src, off + 2 * j + VL);
            a.rearrange(EVEN, b).intoArray(dst, evenOff + j);
            a.rearrange(ODD, b).intoArray(dst, oddOff + j);
        }
        if (2 * j < n) {
            super.deinterleave(src, off + 2 * j, n - 2 * j, dst, evenOff + j, oddOff + j);
        }
    }

    /**
     * Per vector of output lanes: the two source vectors loaded straight from the row (masked where they reach
     * past the row's ends: the pads come out as zeros), split by {@code rearrange}, stored (masked past
     * {@code len}). No separate fills and no scalar tail, so a short row (a 28 or 14 px plane) costs one or two
     * vectors instead of a scalar loop and four fill calls.
     */
    @Override
    void splitRow(float[] in, int cin, int h, int w, int r, int q0, int len, float[] dst, int even, int odd) {
        if (r < 0 || r >= h) {
            FloatVector z = FloatVector.zero(S);
            int j = 0;
            for (; j + VL <= len; j += VL) {
                z.intoArray(dst, even + j);
                z.intoArray(dst, odd + j);
            }
            if (j < len) {
                VectorMask<Float> m = S.indexInRange(j, len);
                z.intoArray(dst, even + j, m);
                z.intoArray(dst, odd + j, m);
            }
            return;
        }
        int row = cin + r * w;
        for (int j = 0; j < len; j += VL) {
            int c0 = q0 + 2 * j; // input column of padded position 2j
            FloatVector a;
            FloatVector b;
            if (c0 >= 0 && c0 + 2 * VL <= w) {
                a = FloatVector.fromArray(S, in, row + c0);
                b = FloatVector.fromArray(S, in, row + c0 + VL);
            } else {
                a = FloatVector.fromArray(S, in, row + c0, S.indexInRange(c0, w));
                b = FloatVector.fromArray(S, in, row + c0 + VL, S.indexInRange(c0 + VL, w));
            }
            FloatVector e = a.rearrange(EVEN, b);
            FloatVector o = a.rearrange(ODD, b);
            if (j + VL <= len) {
                e.intoArray(dst, even + j);
                o.intoArray(dst, odd + j);
            } else {
                VectorMask<Float> m = S.indexInRange(j, len);
                e.intoArray(dst, even + j, m);
                o.intoArray(dst, odd + j, m);
            }
        }
    }

    /** Lanes {@code a0, b0, a1, b1, ...} of the first halves of two vectors {@code a}, {@code b}. */
    private static final VectorShuffle<Float> ZIP_LO = VectorShuffle.fromOp(S, i -> (i & 1) * VL + (i >> 1));

    /** Lanes {@code a(VL/2), b(VL/2), ...} of the second halves. */
    private static final VectorShuffle<Float> ZIP_HI = VectorShuffle.fromOp(S, i -> (i & 1) * VL + VL / 2 + (i >> 1));

    /** Two vectors in, two interleaved vectors out (two-vector {@code rearrange}), full output rows stored contiguously. */
    @Override
    void interleave(float[] a, int aOff, float[] b, int bOff, int n, float[] dst, int dstOff) {
        int i = 0;
        for (; i + VL <= n; i += VL) {
            FloatVector va = FloatVector.fromArray(S, a, aOff + i);
            FloatVector vb = FloatVector.fromArray(S, b, bOff + i);
            va.rearrange(ZIP_LO, vb).intoArray(dst, dstOff + 2 * i);
            va.rearrange(ZIP_HI, vb).intoArray(dst, dstOff + 2 * i + VL);
        }
        if (i < n) {
            super.interleave(a, aOff + i, b, bOff + i, n - i, dst, dstOff + 2 * i);
        }
    }

    /**
     * One pass: per {@code VL} floats of each row, the two interleaved output vectors go straight through the
     * epilogue into {@code dst} (no interleaved row in between). The vector part covers the same outputs as
     * {@link #epilogue} would ({@code n} rounded down to whole vectors: whole pairs, then one more vector of the
     * first halves where it fits, which reads {@code VL / 2} floats past {@code n / 2}), the rest is its scalar
     * tail, so every output is computed exactly as the two calls compute it.
     */
    @Override
    void interleaveEpilogue(float[] a, int aOff, float[] b, int bOff, int n, float[] tmp, int tmpOff, float[] dst,
                            int dstOff, float bias, float[] res, int resOff, int act, float lo, float hi) {
        if (act != ACT_RELU && act != ACT_NONE) {
            super.interleaveEpilogue(a, aOff, b, bOff, n, tmp, tmpOff, dst, dstOff, bias, res, resOff, act, lo, hi);
            return;
        }
        boolean relu = act == ACT_RELU;
        FloatVector bv = FloatVector.broadcast(S, bias);
        int i = 0; // floats of a and b done
        for (; 2 * i + 2 * VL <= n; i += VL) {
            FloatVector va = FloatVector.fromArray(S, a, aOff + i);
            FloatVector vb = FloatVector.fromArray(S, b, bOff + i);
            int j = 2 * i;
            FloatVector v0 = va.rearrange(ZIP_LO, vb).add(bv);
            FloatVector v1 = va.rearrange(ZIP_HI, vb).add(bv);
            if (res != null) {
                v0 = v0.add(FloatVector.fromArray(S, res, resOff + j));
                v1 = v1.add(FloatVector.fromArray(S, res, resOff + j + VL));
            }
            reluOrFlush(v0, relu).intoArray(dst, dstOff + j);
            reluOrFlush(v1, relu).intoArray(dst, dstOff + j + VL);
        }
        int j = 2 * i; // outputs done
        if (j + VL <= n) {
            FloatVector va = FloatVector.fromArray(S, a, aOff + i);
            FloatVector vb = FloatVector.fromArray(S, b, bOff + i);
            FloatVector v0 = va.rearrange(ZIP_LO, vb).add(bv);
            if (res != null) {
                v0 = v0.add(FloatVector.fromArray(S, res, resOff + j));
            }
            reluOrFlush(v0, relu).intoArray(dst, dstOff + j);
            j += VL;
        }
        for (; j < n; j++) {
            float v = ((j & 1) == 0 ? a[aOff + (j >> 1)] : b[bOff + (j >> 1)]) + bias;
            if (res != null) {
                v += res[resOff + j];
            }
            dst[dstOff + j] = activate(v, act, lo, hi);
        }
    }

    /**
     * {@link #activate} for {@code ACT_RELU} (when {@code relu}) or {@code ACT_NONE}: the same lanes, in a method
     * small enough that C2 always inlines it, with no other path. Through {@link #activate}, C2 leaves the sigmoid
     * (and the flush of the cold sigmoid and clip paths) out of line ("too big", "low call site frequency", seen
     * with {@code -XX:CompileCommand=PrintInlining}), or sometimes {@code activate} itself; a vector returned from
     * such a call is a boxed object, and where it merges with the other paths' results C2 boxes the merged value on
     * every path: one allocation per vector of every epilogue, whatever its activation.
     */
    private static FloatVector reluOrFlush(FloatVector v, boolean relu) {
        if (relu) {
            return v.blend(0f, v.lt(Float.MIN_NORMAL));
        }
        return v.blend(0f, v.abs().lt(Float.MIN_NORMAL));
    }

    @Override
    void softmax(float[] x, float[] y, int base, int c, int plane, int i0, int i1) {
        int i = i0;
        for (; i + VL <= i1; i += VL) {
            int b = base + i;
            FloatVector m = FloatVector.fromArray(S, x, b);
            for (int ch = 1; ch < c; ch++) {
                m = m.max(FloatVector.fromArray(S, x, b + ch * plane));
            }
            FloatVector sum = FloatVector.zero(S);
            for (int ch = 0; ch < c; ch++) {
                FloatVector e = expNonPositive(FloatVector.fromArray(S, x, b + ch * plane).sub(m));
                e.intoArray(y, b + ch * plane);
                sum = sum.add(e);
            }
            FloatVector inv = FloatVector.broadcast(S, 1f).div(sum);
            for (int ch = 0; ch < c; ch++) {
                FloatVector.fromArray(S, y, b + ch * plane).mul(inv).intoArray(y, b + ch * plane);
            }
        }
        if (i < i1) {
            super.softmax(x, y, base, c, plane, i, i1);
        }
    }

    @Override
    void epilogue(float[] src, int srcOff, float[] dst, int dstOff, int len, float bias,
                  float[] res, int resOff, int act, float lo, float hi) {
        FloatVector b = FloatVector.broadcast(S, bias);
        int i = 0;
        if (act == ACT_RELU || act == ACT_NONE) { // the common cases through the always-inlined reluOrFlush
            boolean relu = act == ACT_RELU;
            for (; i + VL <= len; i += VL) {
                FloatVector v = FloatVector.fromArray(S, src, srcOff + i).add(b);
                if (res != null) {
                    v = v.add(FloatVector.fromArray(S, res, resOff + i));
                }
                reluOrFlush(v, relu).intoArray(dst, dstOff + i);
            }
        } else if (act == ACT_CLIP) { // the output convolution (+Add+Clip): likewise without the activate call
            for (; i + VL <= len; i += VL) {
                FloatVector v = FloatVector.fromArray(S, src, srcOff + i).add(b);
                if (res != null) {
                    v = v.add(FloatVector.fromArray(S, res, resOff + i));
                }
                flush(v.max(lo).min(hi)).intoArray(dst, dstOff + i);
            }
        }
        for (; i + VL <= len; i += VL) { // the sigmoid (attention gates: small planes)
            FloatVector v = FloatVector.fromArray(S, src, srcOff + i).add(b);
            if (res != null) {
                v = v.add(FloatVector.fromArray(S, res, resOff + i));
            }
            activate(v, null, act, lo, hi).intoArray(dst, dstOff + i);
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
