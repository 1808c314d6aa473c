package io.smfd.runtime.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link Winograd} against a naive double-precision 3x3 convolution (odd and even sizes down to 1x1, every pad
 * combination of 0 and 1, channel counts off the vector and block widths, residual and every activation, batch 1
 * and 2), with the scalar and vector kernels and 1 and 3 threads; and the vector twins of its kernel ops
 * ({@link Kernels#wgInput}, {@link Kernels#wgOutput}, {@link Kernels#gemm}) against the scalar ones on odd lengths.
 */
class WinogradTest {

    static java.util.stream.Stream<Object[]> kernels() {
        return KernelsTest.kernels();
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void matchesNaive(Kernels k, int threads) {
        Random r = new Random(7 + threads);
        int[][] sizes = {{1, 1}, {2, 3}, {3, 2}, {5, 7}, {8, 8}, {9, 33}, {17, 40}, {4, 70}, {33, 65}};
        for (int trial = 0; trial < 36; trial++) {
            int[] hw = sizes[trial % sizes.length];
            int h = hw[0];
            int w = hw[1];
            int pt = (trial >> 1) & 1;
            int pl = trial & 1;
            int pb = (trial >> 2) & 1;
            int pr = trial % 3 == 0 ? 1 : pl;
            if (h + pt + pb < 3 || w + pl + pr < 3) {
                pt = pl = pb = pr = 1;
            }
            int n = 1 + (trial & 1);
            int ic = 1 + r.nextInt(trial % 4 == 0 ? 40 : 13);
            int oc = 1 + r.nextInt(trial % 5 == 0 ? 30 : 11);
            int act = trial % 4;
            boolean residual = trial % 3 != 1;
            float[] wts = KernelsTest.rnd(r, oc * ic * 9);
            float[] bias = KernelsTest.rnd(r, oc);
            float[] x = KernelsTest.rnd(r, n * ic * h * w);
            Conv conv = new Conv("conv", 0, 1, oc, ic, 3, 3, 1, pt, pl, pb, pr, wts, bias);
            assertThat(Winograd.geometry(3, 3, 1, pt, pl, pb, pr)).isTrue();
            assertThat(conv.winogradShape).isEqualTo(ic >= Winograd.MIN_IC && oc >= Winograd.MIN_OC);
            int ho = h + pt + pb - 2;
            int wo = w + pl + pr - 2;
            float[] res = KernelsTest.rnd(r, n * oc * ho * wo);
            float lo = -0.3f;
            float hi = 0.6f;
            KernelsTest.ConvInputs in = KernelsTest.fuse(conv, x, res, residual, act, lo, hi, n, ic, h, w, oc, ho, wo);
            float[] got = KernelsTest.runOp(conv, k, threads, in.ins(), in.shapes(), Winograd.preparedFloats(ic, ho, wo),
                    ex -> Winograd.run(conv, Winograd.transformWeights(wts, oc, ic), ex, n, conv.geo(h, w), x,
                            ex.buf[in.ins().length], residual ? res : null, ex.scratch));
            float[] want = KernelsTest.naiveConv(x, wts, bias, residual ? res : null, n, ic, h, w, oc, 3, 1, pt, pl, ho,
                    wo, act, lo, hi);
            // 1e-5 of the sum of |terms| (the scale of the rounding), at least 1e-5 relative to the result
            KernelsTest.assertClose(want, got, 1e-5 * Math.max(1, Math.sqrt(ic * 9) / 2),
                    "winograd n=" + n + " ic=" + ic + " oc=" + oc + " " + h + "x" + w + " pads=" + pt + pl + pb + pr
                            + " act=" + act + " res=" + residual + " (" + k.description() + ", " + threads + " threads)");
        }
    }

    /** An input wide and deep enough to be split in several bands of tile rows, the last one partial. */
    @ParameterizedTest
    @MethodSource("kernels")
    void bandsMatchNaive(Kernels k, int threads) {
        Random r = new Random(13 + threads);
        int n = 2;
        int ic = 128;
        int oc = 27;
        int h = 21;
        int w = 200;
        int ho = h;
        int wo = w;
        int tileRows = (ho + 1) / 2;
        assertThat(Winograd.bandTileRows(ic, (wo + 1) / 2 + 1, tileRows)).as("tile rows per band").isBetween(2,
                tileRows / 2);
        float[] wts = KernelsTest.rnd(r, oc * ic * 9);
        float[] bias = KernelsTest.rnd(r, oc);
        float[] x = KernelsTest.rnd(r, n * ic * h * w);
        float[] res = KernelsTest.rnd(r, n * oc * ho * wo);
        Conv conv = new Conv("conv", 0, 1, oc, ic, 3, 3, 1, 1, 1, 1, 1, wts, bias);
        KernelsTest.ConvInputs in = KernelsTest.fuse(conv, x, res, true, Kernels.ACT_RELU, 0, 0, n, ic, h, w, oc, ho,
                wo);
        float[] got = KernelsTest.runOp(conv, k, threads, in.ins(), in.shapes(), Winograd.preparedFloats(ic, ho, wo),
                ex -> Winograd.run(conv, Winograd.transformWeights(wts, oc, ic), ex, n, conv.geo(h, w), x,
                        ex.buf[in.ins().length], res, ex.scratch));
        float[] want = KernelsTest.naiveConv(x, wts, bias, res, n, ic, h, w, oc, 3, 1, 1, 1, ho, wo, Kernels.ACT_RELU,
                0, 0);
        KernelsTest.assertClose(want, got, 1e-5 * Math.sqrt(ic * 9) / 2, "winograd in bands (" + k.description()
                + ", " + threads + " threads)");
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void opsMatchScalar(Kernels k, int threads) {
        Random r = new Random(11);
        Kernels s = ScalarKernels.INSTANCE;
        int slack = Kernels.WG_SLACK;
        for (int n = 0; n < 80; n += 1 + n / 8) {
            int rs = n + 3;
            int xs = n + slack + 1; // row strides leave the room the vector twins may write into
            float[] eo = KernelsTest.rnd(r, 8 * rs + 2 + slack);
            float[] v1 = new float[16 * xs + 3];
            float[] v2 = v1.clone();
            s.wgInput(eo, 1, 1 + 4 * rs, rs, 2 * rs, n, new float[8 * (n + 1) + 2], 2, v1, 3, xs);
            k.wgInput(eo, 1, 1 + 4 * rs, rs, 2 * rs, n, new float[8 * (n + 1) + 2], 2, v2, 3, xs);
            for (int xi = 0; xi < 16; xi++) {
                for (int t = 0; t < n; t++) {
                    assertThat(v2[3 + xi * xs + t]).as("wgInput n=" + n + " xi=" + xi + " t=" + t)
                            .isEqualTo(v1[3 + xi * xs + t]);
                }
            }
            float[] m = KernelsTest.rnd(r, 16 * xs + 1);
            float[] y1 = new float[4 * xs + 2];
            float[] y2 = y1.clone();
            s.wgOutput(m.clone(), 1, xs, n, y1, 2, xs);
            k.wgOutput(m.clone(), 1, xs, n, y2, 2, xs);
            for (int q = 0; q < 4; q++) {
                for (int t = 0; t < n; t++) {
                    assertThat(y2[2 + q * xs + t]).as("wgOutput n=" + n + " k=" + q + " t=" + t)
                            .isEqualTo(y1[2 + q * xs + t]);
                }
            }
            int ic = 1 + n % 13;
            float[] in = KernelsTest.rnd(r, ic * (n + 4) + 2);
            float[] wts = KernelsTest.rnd(r, ic * Kernels.OC_BLOCK + 5);
            float[] g1 = new float[Kernels.OC_BLOCK * (n + 1) + 7];
            float[] g2 = g1.clone();
            s.gemm(in, 2, n + 4, ic, wts, 5, g1, 7, n + 1, n);
            k.gemm(in, 2, n + 4, ic, wts, 5, g2, 7, n + 1, n);
            KernelsTest.assertClose(g1, g2, 1e-5, "gemm n=" + n + " ic=" + ic);
        }
    }

    /**
     * {@link Kernels#interleaveEpilogue} gives bit for bit what {@link Kernels#interleave} and then
     * {@link Kernels#epilogue} of the same kernels give (its one-pass vector form must keep the epilogue's split into
     * whole vectors and a scalar tail), for every activation, with and without a residual, on every row length from
     * 0 to 99; inputs include subnormals, zeros of both signs and values around the clip bounds.
     */
    @ParameterizedTest
    @MethodSource("kernels")
    void interleaveEpilogueIsInterleaveThenEpilogue(Kernels k, int threads) {
        Random r = new Random(23 + threads);
        int slack = Kernels.WG_SLACK;
        float[] special = {Float.MIN_VALUE, -Float.MIN_VALUE, 1e-39f, -1e-39f, 0f, -0f, Float.MIN_NORMAL, 0.6f, -0.3f};
        for (int act : new int[] {Kernels.ACT_NONE, Kernels.ACT_RELU, Kernels.ACT_SIGMOID, Kernels.ACT_CLIP}) {
            for (boolean withRes : new boolean[] {false, true}) {
                for (int n = 0; n < 100; n++) {
                    int half = (n + 1) / 2;
                    float[] a = KernelsTest.rnd(r, half + slack + 3);
                    float[] b = KernelsTest.rnd(r, half + slack + 5);
                    for (int i = 0; i < half; i += 3) {
                        a[2 + i] = special[(i + n) % special.length];
                        b[4 + i] = special[(i + n + 4) % special.length];
                    }
                    float[] res = withRes ? KernelsTest.rnd(r, n + 6) : null;
                    float bias = n % 5 == 0 ? 0f : (r.nextFloat() - 0.5f) * 0.1f;
                    float[] row = new float[2 * half + 4];
                    float[] want = new float[n + 7];
                    java.util.Arrays.fill(want, 9f);
                    float[] got = want.clone();
                    k.interleave(a, 2, b, 4, half, row, 1);
                    k.epilogue(row, 1, want, 3, n, bias, res, 5, act, -0.3f, 0.6f);
                    k.interleaveEpilogue(a, 2, b, 4, n, new float[n + 2], 0, got, 3, bias, res, 5, act, -0.3f, 0.6f);
                    for (int j = 0; j < want.length; j++) {
                        assertThat(Float.floatToRawIntBits(got[j])).as("act=" + act + " res=" + withRes + " n=" + n
                                + " j=" + j + " (" + k.description() + ")").isEqualTo(Float.floatToRawIntBits(want[j]));
                    }
                }
            }
        }
    }

    /**
     * {@link Kernels#gemm} on the ranges Winograd gives it (multiples of {@link Kernels#gemmPositions}, the 8 x 3
     * tile on 512-bit vectors) and on others, against a double-precision reference; and the tile blocks are whole
     * multiples of that tile.
     */
    @ParameterizedTest
    @MethodSource("kernels")
    void gemmOnWinogradBlocksMatchesReference(Kernels k, int threads) {
        Random r = new Random(17 + threads);
        int gp = k.gemmPositions();
        assertThat(gp % k.tilePositions() == 0 || gp % 16 == 0).isTrue();
        for (int ic : new int[] {1, 7, 56, 144}) {
            int tb = Winograd.tileBlock(ic, gp);
            assertThat(tb % gp).as("tile block for ic=" + ic).isZero();
            assertThat(tb).isBetween(gp, Math.max(gp, 128));
            for (int n : new int[] {gp, 2 * gp, 3 * gp, 32, 64, 80, 112, 130}) {
                int stride = n + 3;
                float[] in = KernelsTest.rnd(r, ic * stride + 4);
                float[] wts = KernelsTest.rnd(r, ic * Kernels.OC_BLOCK + 5);
                float[] got = new float[Kernels.OC_BLOCK * (n + 2) + 9];
                java.util.Arrays.fill(got, 7f);
                float[] want = got.clone();
                for (int o = 0; o < Kernels.OC_BLOCK; o++) {
                    for (int p = 0; p < n; p++) {
                        double sum = 0;
                        for (int c = 0; c < ic; c++) {
                            sum += (double) wts[5 + c * Kernels.OC_BLOCK + o] * in[4 + c * stride + p];
                        }
                        want[9 + o * (n + 2) + p] = (float) sum;
                    }
                }
                k.gemm(in, 4, stride, ic, wts, 5, got, 9, n + 2, n);
                KernelsTest.assertClose(want, got, 1e-5 * Math.sqrt(ic), "gemm n=" + n + " ic=" + ic + " ("
                        + k.description() + ")");
            }
        }
    }

    /** Scalar (and 256-bit) engines keep no Winograd copy of the weights; an engine that runs Winograd makes it at load. */
    @Test
    void winogradWeightsAreMadeOnlyForKernelsThatUseThem() {
        List<Conv> scalar = winogradConvs(ScalarKernels.INSTANCE);
        assertThat(scalar).as("bundled model's 3x3 layers Winograd applies to").isNotEmpty();
        assertThat(scalar).noneMatch(Conv::hasWinogradWeights);
        KernelSelector.vector().filter(Kernels::winograd).ifPresent(k -> {
            List<Conv> vector = winogradConvs(k);
            assertThat(vector).hasSameSizeAs(scalar).allMatch(Conv::hasWinogradWeights);
            Conv c = vector.get(0);
            assertThat(c.winogradWeights()).containsExactly(Winograd.transformWeights(c.weights, c.oc, c.ic));
        });
    }

    private static List<Conv> winogradConvs(Kernels k) {
        Network net = CpuBackendProvider.load(TestModels.modelBytes(), "bundled model");
        try (CpuBackend b = new CpuBackend(net, k, 1)) {
            return net.ops.stream().filter(op -> op instanceof Conv c && c.winogradShape).map(op -> (Conv) op).toList();
        }
    }
}
