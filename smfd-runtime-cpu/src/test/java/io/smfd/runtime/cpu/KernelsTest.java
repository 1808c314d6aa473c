package io.smfd.runtime.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every kernel against a naive double-precision reference on random shapes, for the scalar kernels and (when
 * {@code jdk.incubator.vector} is resolved) the vector kernels, with 1 and 3 threads.
 */
class KernelsTest {

    static Stream<Object[]> kernels() {
        List<Object[]> k = new ArrayList<>();
        for (int threads : new int[] {1, 3}) {
            k.add(new Object[] {ScalarKernels.INSTANCE, threads});
            KernelSelector.vector().ifPresent(v -> k.add(new Object[] {v, threads}));
        }
        return k.stream();
    }

    static float[] rnd(Random r, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = r.nextFloat() * 2 - 1;
        }
        return x;
    }

    static void assertClose(float[] expected, float[] actual, double tol, String what) {
        assertThat(actual).hasSize(expected.length);
        for (int i = 0; i < expected.length; i++) {
            double e = expected[i];
            if (Math.abs(e - actual[i]) > tol * Math.max(1, Math.abs(e))) {
                throw new AssertionError(what + ": index " + i + " expected " + e + " got " + actual[i]);
            }
        }
    }

    /** Runs a single op on the given inputs (value ids 0..k-1, output id k). */
    static float[] runOp(Op op, Kernels k, int threads, float[][] ins, int[][] shapes) {
        return runOp(op, k, threads, ins, shapes, 0, op::run);
    }

    /**
     * Runs {@code body} on an {@link Exec} holding {@code ins} and an output buffer of {@code op}'s output shape
     * (scratch: the larger of {@code op.scratchFloats} and {@code minScratch}); returns the output.
     */
    static float[] runOp(Op op, Kernels k, int threads, float[][] ins, int[][] shapes, long minScratch,
                         java.util.function.Consumer<Exec> body) {
        int[][] all = new int[ins.length + 1][];
        System.arraycopy(shapes, 0, all, 0, shapes.length);
        all[ins.length] = op.shape(shapes.clone());
        float[][] buf = new float[ins.length + 1][];
        System.arraycopy(ins, 0, buf, 0, ins.length);
        buf[ins.length] = new float[(int) Ops.size(all[ins.length])];
        float[] scratch = new float[(int) Math.max(op.scratchFloats(all), minScratch)];
        try (Parallel par = new Parallel(threads)) {
            body.accept(new Exec(buf, all, k, par, scratch));
        }
        return buf[ins.length];
    }

    /** Inputs of a fused convolution test: the image, and the residual where one is fused. */
    record ConvInputs(float[][] ins, int[][] shapes) {
    }

    /**
     * Fuses a residual (when {@code residual}) and the activation into {@code conv} and returns its inputs:
     * {@code x} of shape {@code [n, ic, h, w]}, and {@code res} of shape {@code [n, oc, ho, wo]} with a residual.
     */
    static ConvInputs fuse(Conv conv, float[] x, float[] res, boolean residual, int act, float lo, float hi, int n,
                           int ic, int h, int w, int oc, int ho, int wo) {
        ConvInputs in;
        if (residual) {
            conv.fuseResidual(1, 2);
            in = new ConvInputs(new float[][] {x, res}, new int[][] {{n, ic, h, w}, {n, oc, ho, wo}});
        } else {
            in = new ConvInputs(new float[][] {x}, new int[][] {{n, ic, h, w}});
        }
        conv.fuseActivation(act, lo, hi, conv.output);
        return in;
    }

    /**
     * Convolution by its definition in double precision: weights {@code [oc][ic][kk][kk]}, stride {@code s}, top
     * and left pads {@code pt}, {@code pl}, output {@code ho x wo}, plus bias, the residual {@code res} (null:
     * none) and the activation.
     */
    static float[] naiveConv(float[] x, float[] wts, float[] bias, float[] res, int n, int ic, int h, int w, int oc,
                             int kk, int s, int pt, int pl, int ho, int wo, int act, float lo, float hi) {
        float[] want = new float[n * oc * ho * wo];
        for (int b = 0; b < n; b++) {
            for (int o = 0; o < oc; o++) {
                for (int y = 0; y < ho; y++) {
                    for (int xx = 0; xx < wo; xx++) {
                        double acc = bias[o];
                        for (int c = 0; c < ic; c++) {
                            for (int ky = 0; ky < kk; ky++) {
                                for (int kx = 0; kx < kk; kx++) {
                                    int iy = y * s + ky - pt;
                                    int ix = xx * s + kx - pl;
                                    if (iy >= 0 && iy < h && ix >= 0 && ix < w) {
                                        acc += (double) wts[((o * ic + c) * kk + ky) * kk + kx]
                                                * x[((b * ic + c) * h + iy) * w + ix];
                                    }
                                }
                            }
                        }
                        int idx = ((b * oc + o) * ho + y) * wo + xx;
                        if (res != null) {
                            acc += res[idx];
                        }
                        want[idx] = Kernels.activate((float) acc, act, lo, hi);
                    }
                }
            }
        }
        return want;
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void convMatchesNaive(Kernels k, int threads) {
        Random r = new Random(42 + threads);
        int[][] kernelsAndStrides = {{1, 1, 0}, {3, 1, 1}, {3, 2, 1}, {7, 1, 3}, {1, 2, 0}, {3, 1, 0}, {5, 2, 2}};
        for (int trial = 0; trial < 40; trial++) {
            int[] ks = kernelsAndStrides[trial % kernelsAndStrides.length];
            int kk = ks[0];
            int s = ks[1];
            int pad = ks[2];
            int n = 1 + r.nextInt(2);
            int ic = 1 + r.nextInt(20);
            int oc = 1 + r.nextInt(19);
            int h = kk + r.nextInt(23);
            int w = kk + r.nextInt(41);
            int act = r.nextInt(4);
            boolean residual = trial % 3 == 0;
            float[] wts = rnd(r, oc * ic * kk * kk);
            float[] bias = rnd(r, oc);
            float[] x = rnd(r, n * ic * h * w);
            Conv conv = new Conv("conv", 0, 1, oc, ic, kk, kk, s, pad, pad, pad, pad, wts, bias);
            int ho = (h + 2 * pad - kk) / s + 1;
            int wo = (w + 2 * pad - kk) / s + 1;
            float[] res = rnd(r, n * oc * ho * wo);
            float lo = -0.3f;
            float hi = 0.6f;
            ConvInputs in = fuse(conv, x, res, residual, act, lo, hi, n, ic, h, w, oc, ho, wo);
            float[] got = runOp(conv, k, threads, in.ins(), in.shapes());
            float[] want = naiveConv(x, wts, bias, residual ? res : null, n, ic, h, w, oc, kk, s, pad, pad, ho, wo, act,
                    lo, hi);
            assertClose(want, got, 2e-5, "conv k=" + kk + " s=" + s + " p=" + pad + " n=" + n + " ic=" + ic
                    + " oc=" + oc + " " + h + "x" + w + " act=" + act + " res=" + residual + " (" + k.description() + ")");
        }
    }

    /**
     * 1x1 convolutions on the plane sizes of the small models (7x7 to 56x56 and odd ones), with many output-channel
     * blocks: the chunking that merges a short remainder into the last chunk (its tail an overlapping whole register
     * tile) and splits the blocks among tasks on small planes.
     */
    @ParameterizedTest
    @MethodSource("kernels")
    void conv1x1SmallPlanes(Kernels k, int threads) {
        Random r = new Random(7 + threads);
        int[][] planes = {{7, 7}, {14, 14}, {28, 28}, {56, 56}, {13, 15}, {1, 33}, {2, 97}, {1, 5}};
        for (int[] hw : planes) {
            int h = hw[0];
            int w = hw[1];
            int ic = 3 + r.nextInt(40);
            int oc = 17 + r.nextInt(40);
            float[] wts = rnd(r, oc * ic);
            float[] bias = rnd(r, oc);
            float[] x = rnd(r, ic * h * w);
            Conv conv = new Conv("conv", 0, 1, oc, ic, 1, 1, 1, 0, 0, 0, 0, wts, bias);
            float[] got = runOp(conv, k, threads, new float[][] {x}, new int[][] {{1, ic, h, w}});
            float[] want = naiveConv(x, wts, bias, null, 1, ic, h, w, oc, 1, 1, 0, 0, h, w, Kernels.ACT_NONE, 0, 0);
            assertClose(want, got, 2e-5, "conv1x1 ic=" + ic + " oc=" + oc + " " + h + "x" + w + " ("
                    + k.description() + ", " + threads + " threads)");
        }
    }

    /**
     * Stride-2 convolutions with asymmetric, odd and even pads (the phase planes {@code Conv} fills by splitting
     * rows by parity) against a naive reference, on odd and even sizes around the vector width; and
     * {@link Kernels#deinterleave} itself against the scalar loop on every length from 0 to 99.
     */
    @ParameterizedTest
    @MethodSource("kernels")
    void stride2MatchesNaiveWithAsymmetricPads(Kernels k, int threads) {
        Random r = new Random(77 + threads);
        int[][] pads = {{0, 0, 1, 1}, {1, 0, 0, 1}, {0, 1, 1, 0}, {2, 3, 1, 0}, {3, 2, 0, 3}, {1, 1, 1, 1}};
        int[][] sizes = {{5, 7}, {9, 32}, {12, 37}, {7, 70}, {6, 71}};
        int kk = 3;
        for (int[] pd : pads) {
            for (int[] hw : sizes) {
                int pt = pd[0], pl = pd[1], pb = pd[2], pr = pd[3], h = hw[0], w = hw[1];
                int ic = 1 + r.nextInt(5);
                int oc = 1 + r.nextInt(10);
                float[] wts = rnd(r, oc * ic * kk * kk);
                float[] bias = rnd(r, oc);
                float[] x = rnd(r, ic * h * w);
                Conv conv = new Conv("conv", 0, 1, oc, ic, kk, kk, 2, pt, pl, pb, pr, wts, bias);
                int ho = (h + pt + pb - kk) / 2 + 1;
                int wo = (w + pl + pr - kk) / 2 + 1;
                float[] got = runOp(conv, k, threads, new float[][] {x}, new int[][] {{1, ic, h, w}});
                float[] want = naiveConv(x, wts, bias, null, 1, ic, h, w, oc, kk, 2, pt, pl, ho, wo, Kernels.ACT_NONE,
                        0, 0);
                assertClose(want, got, 2e-5, "stride-2 conv pads " + java.util.Arrays.toString(pd) + " " + h + "x"
                        + w + " (" + k.description() + ")");
            }
        }
        for (int n = 0; n < 100; n++) {
            float[] src = rnd(r, n + 5);
            float[] want = new float[2 * n + 20];
            float[] got = new float[2 * n + 20];
            java.util.Arrays.fill(want, 9f);
            java.util.Arrays.fill(got, 9f);
            ScalarKernels.INSTANCE.deinterleave(src, 3, n, want, 1, n / 2 + 9);
            k.deinterleave(src, 3, n, got, 1, n / 2 + 9);
            assertClose(want, got, 0, "deinterleave n=" + n + " (" + k.description() + ")");
            for (int j = 0; j < n; j++) {
                assertThat(want[j % 2 == 0 ? 1 + j / 2 : n / 2 + 9 + j / 2]).isEqualTo(src[3 + j]);
            }
        }
    }

    /**
     * Convolutions whose last block of 8 output channels uses at most 4 (the 3-channel output layer: the vector
     * kernels run the 4-channel tile there) and more, 3x3 with a residual and a clip as in the model's last layer
     * and 1x1, on planes smaller than one register tile, with a tail, and several tiles long, against the naive
     * reference.
     */
    @ParameterizedTest
    @MethodSource("kernels")
    void fewOutputChannelsMatchNaive(Kernels k, int threads) {
        Random r = new Random(41 + threads);
        int[][] sizes = {{3, 5}, {7, 9}, {13, 17}, {24, 40}};
        for (int oc : new int[] {1, 3, 4, 5, 11, 12}) {
            for (int[] hw : sizes) {
                for (int kk : new int[] {1, 3}) {
                    int h = hw[0], w = hw[1], ic = 1 + r.nextInt(24), pad = kk / 2;
                    float[] wts = rnd(r, oc * ic * kk * kk);
                    float[] bias = rnd(r, oc);
                    float[] x = rnd(r, ic * h * w);
                    float[] res = rnd(r, oc * h * w);
                    Conv conv = new Conv("conv", 0, 1, oc, ic, kk, kk, 1, pad, pad, pad, pad, wts, bias);
                    ConvInputs in = fuse(conv, x, res, true, Kernels.ACT_CLIP, -0.4f, 0.7f, 1, ic, h, w, oc, h, w);
                    float[] got = runOp(conv, k, threads, in.ins(), in.shapes());
                    float[] want = naiveConv(x, wts, bias, res, 1, ic, h, w, oc, kk, 1, pad, pad, h, w,
                            Kernels.ACT_CLIP, -0.4f, 0.7f);
                    assertClose(want, got, 2e-5, "conv " + kk + "x" + kk + " oc=" + oc + " ic=" + ic + " " + h + "x"
                            + w + " (" + k.description() + ", " + threads + " threads)");
                }
            }
        }
    }

    /**
     * {@link Kernels#epilogue} on every length from 0 to 70 (whole vectors and a masked tail), every activation,
     * with and without a residual, against a double-precision reference; the floats past the row stay untouched.
     */
    @ParameterizedTest
    @MethodSource("kernels")
    void epilogueMatchesReferenceOnEveryLength(Kernels k, int threads) {
        Random r = new Random(53 + threads);
        for (int len = 0; len <= 70; len++) {
            for (int act = Kernels.ACT_NONE; act <= Kernels.ACT_CLIP; act++) {
                for (boolean withRes : new boolean[] {false, true}) {
                    float[] src = rnd(r, len + 4);
                    for (int i = 0; i < src.length; i++) {
                        src[i] *= 6; // sigmoid and clip well beyond their bends
                    }
                    float[] res = withRes ? rnd(r, len + 6) : null;
                    float bias = r.nextFloat() - 0.5f;
                    float[] got = new float[len + 8];
                    java.util.Arrays.fill(got, 9f);
                    float[] want = got.clone();
                    for (int i = 0; i < len; i++) {
                        double v = (double) src[3 + i] + bias + (withRes ? res[5 + i] : 0);
                        want[2 + i] = (float) switch (act) {
                            case Kernels.ACT_RELU -> Math.max(0, v);
                            case Kernels.ACT_SIGMOID -> 1 / (1 + Math.exp(-v));
                            case Kernels.ACT_CLIP -> Math.min(0.5, Math.max(-0.25, v));
                            default -> v;
                        };
                    }
                    k.epilogue(src, 3, got, 2, len, bias, res, 5, act, -0.25f, 0.5f);
                    assertClose(want, got, 1e-6, "epilogue len=" + len + " act=" + act + " res=" + withRes + " ("
                            + k.description() + ")");
                }
            }
        }
    }

    /**
     * {@link Kernels#splitRow} (the stride-2 and Winograd input preparation) against a naive reference: every row
     * width 1 to 80, left pads 0 to 3, rows inside and outside the image, output rows shorter and longer than the
     * padded row; the floats around both destination rows must stay untouched.
     */
    @ParameterizedTest
    @MethodSource("kernels")
    void splitRowMatchesNaive(Kernels k, int threads) {
        Random r = new Random(31 + threads);
        int h = 3;
        for (int w = 1; w <= 80; w++) {
            float[] in = rnd(r, 5 + h * w + 7);
            int cin = 5;
            for (int pl = 0; pl <= 3; pl++) {
                for (int len : new int[] {1, (w + pl) / 2, (w + pl + 1) / 2, (w + 2 * pl + 1) / 2, (w + 2 * pl) / 2 + 9}) {
                    if (len < 1) {
                        continue;
                    }
                    for (int row = -1; row <= h; row++) {
                        int even = 3;
                        int odd = even + len + 2;
                        float[] got = new float[odd + len + 4];
                        java.util.Arrays.fill(got, 9f);
                        float[] want = got.clone();
                        for (int i = 0; i < len; i++) {
                            for (int par = 0; par < 2; par++) {
                                int col = -pl + 2 * i + par;
                                want[(par == 0 ? even : odd) + i] = row < 0 || row >= h || col < 0 || col >= w ? 0f
                                        : in[cin + row * w + col];
                            }
                        }
                        k.splitRow(in, cin, h, w, row, -pl, len, got, even, odd);
                        assertClose(want, got, 0, "splitRow w=" + w + " pl=" + pl + " len=" + len + " row=" + row
                                + " (" + k.description() + ")");
                    }
                }
            }
        }
    }

    /**
     * DepthToSpace with block size 2 (rows written by {@link Kernels#interleave}) against a naive reference on odd
     * widths around the vector width, CRD and DCR; and {@code interleave} itself against the scalar loop on every
     * length from 0 to 99.
     */
    @ParameterizedTest
    @MethodSource("kernels")
    void depthToSpaceInterleaveMatchesNaive(Kernels k, int threads) {
        Random r = new Random(99 + threads);
        for (int[] sh : new int[][] {{1, 3, 5, 37}, {2, 2, 3, 16}, {1, 5, 4, 33}, {1, 1, 1, 1}, {1, 2, 7, 70}}) {
            int n = sh[0], c = sh[1], h = sh[2], w = sh[3];
            float[] d = rnd(r, n * 4 * c * h * w);
            for (boolean crd : new boolean[] {true, false}) {
                float[] got = runOp(new Ops.DepthToSpace("d", new int[] {0}, 1, 2, crd), k, threads,
                        new float[][] {d}, new int[][] {{n, 4 * c, h, w}});
                float[] want = naiveDepthToSpace(d, n, c, h, w, crd);
                assertClose(want, got, 0, "depthToSpace " + java.util.Arrays.toString(sh) + " crd=" + crd + " ("
                        + k.description() + ")");
            }
        }
        for (int n = 0; n < 100; n++) {
            float[] a = rnd(r, n + 3);
            float[] b = rnd(r, n + 5);
            float[] want = new float[2 * n + 9];
            float[] got = new float[2 * n + 9];
            java.util.Arrays.fill(want, 9f);
            java.util.Arrays.fill(got, 9f);
            ScalarKernels.INSTANCE.interleave(a, 2, b, 4, n, want, 3);
            k.interleave(a, 2, b, 4, n, got, 3);
            assertClose(want, got, 0, "interleave n=" + n + " (" + k.description() + ")");
            for (int i = 0; i < n; i++) {
                assertThat(want[3 + 2 * i]).isEqualTo(a[2 + i]);
                assertThat(want[4 + 2 * i]).isEqualTo(b[4 + i]);
            }
        }
    }

    /**
     * The vector conv tiles (8 output channels x 2 vectors, the unrolled 9-tap and the 1x1 variants, 4-channel
     * masked tails) against the scalar kernels on sizes that are not multiples of the tile: output channels not a
     * multiple of 8 or 16, widths not a multiple of 16, stride 2, padding, every activation, residual add, wide
     * layers and many input channels with the positions split differently (scalar on 1 thread, vector on 2); and the
     * vector softmax and sigmoid against the scalar ones on planes with a vector tail.
     */
    @org.junit.jupiter.api.Test
    void vectorKernelsMatchScalarOnOddSizes() {
        java.util.Optional<Kernels> vector = KernelSelector.vector();
        org.junit.jupiter.api.Assumptions.assumeTrue(vector.isPresent(), "vector kernels unavailable");
        Kernels v = vector.get();
        Random r = new Random(1234);
        int[][] cases = { // ic, oc, k, stride, pad, h, w
            {33, 21, 3, 1, 1, 19, 37}, {16, 37, 3, 2, 1, 23, 45}, {40, 17, 1, 1, 0, 13, 29}, {7, 3, 3, 1, 1, 64, 67},
            {24, 48, 3, 2, 1, 34, 34}, {120, 48, 1, 1, 0, 16, 16}, {5, 9, 3, 1, 0, 9, 50}, {64, 8, 3, 1, 1, 8, 8},
            {3, 24, 7, 1, 3, 21, 19}, {48, 96, 1, 1, 0, 7, 33},
            // many input channels and wide rows: chunks of positions that start and end mid-row, short last chunks
            {200, 13, 1, 1, 0, 11, 23}, {100, 11, 3, 1, 1, 7, 300}, {100, 10, 3, 2, 1, 9, 301}};
        for (int i = 0; i < cases.length; i++) {
            int[] c = cases[i];
            int ic = c[0], oc = c[1], kk = c[2], s = c[3], pad = c[4], h = c[5], w = c[6];
            int ho = (h + 2 * pad - kk) / s + 1;
            int wo = (w + 2 * pad - kk) / s + 1;
            float[] wts = rnd(r, oc * ic * kk * kk);
            float[] bias = rnd(r, oc);
            float[] x = rnd(r, ic * h * w);
            float[] res = rnd(r, oc * ho * wo);
            for (int act = 0; act < 4; act++) {
                boolean residual = (i + act) % 2 == 0;
                float[][] out = new float[2][];
                for (int which = 0; which < 2; which++) {
                    Conv conv = new Conv("conv", 0, 1, oc, ic, kk, kk, s, pad, pad, pad, pad, wts, bias);
                    float[][] ins;
                    int[][] shapes;
                    if (residual) {
                        conv.fuseResidual(1, 2);
                        ins = new float[][] {x, res};
                        shapes = new int[][] {{1, ic, h, w}, {1, oc, ho, wo}};
                    } else {
                        ins = new float[][] {x};
                        shapes = new int[][] {{1, ic, h, w}};
                    }
                    conv.fuseActivation(act, -0.3f, 0.6f, conv.output);
                    out[which] = runOp(conv, which == 0 ? ScalarKernels.INSTANCE : v, which + 1, ins, shapes);
                }
                assertClose(out[0], out[1], 1e-5, "vector vs scalar conv " + java.util.Arrays.toString(c) + " act="
                        + act + " res=" + residual);
            }
        }
        for (int[] sh : new int[][] {{1, 8, 33, 35}, {2, 3, 16, 16}, {1, 1, 5, 7}}) {
            float[] x = rnd(r, (int) Ops.size(sh));
            for (int i = 0; i < x.length; i++) {
                x[i] *= 40; // exp over a wide range, including the clamp
            }
            float[] a = runOp(new Ops.Softmax("s", new int[] {0}, 1), ScalarKernels.INSTANCE, 1, new float[][] {x},
                    new int[][] {sh});
            float[] b = runOp(new Ops.Softmax("s", new int[] {0}, 1), v, 2, new float[][] {x}, new int[][] {sh});
            assertClose(a, b, 1e-6, "vector vs scalar softmax " + java.util.Arrays.toString(sh));
            float[] sa = runOp(new Ops.Unary("u", new int[] {0}, 1, Kernels.ACT_SIGMOID, 0, 0), ScalarKernels.INSTANCE,
                    1, new float[][] {x}, new int[][] {sh});
            float[] sb = runOp(new Ops.Unary("u", new int[] {0}, 1, Kernels.ACT_SIGMOID, 0, 0), v, 1,
                    new float[][] {x}, new int[][] {sh});
            assertClose(sa, sb, 1e-6, "vector vs scalar sigmoid " + java.util.Arrays.toString(sh));
        }
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void elementwiseAndPoolingMatchNaive(Kernels k, int threads) {
        Random r = new Random(7);
        for (int trial = 0; trial < 10; trial++) {
            int n = 1 + r.nextInt(2);
            int c = 1 + r.nextInt(9);
            int h = 2 * (1 + r.nextInt(9));
            int w = 2 * (1 + r.nextInt(13));
            int plane = h * w;
            float[] x = rnd(r, n * c * plane);
            int[] sx = {n, c, h, w};

            // Relu / Sigmoid / Clip
            for (int act = 1; act <= 3; act++) {
                float[] got = runOp(new Ops.Unary("u", new int[] {0}, 1, act, -0.2f, 0.4f), k, threads,
                        new float[][] {x}, new int[][] {sx});
                float[] want = new float[x.length];
                for (int i = 0; i < x.length; i++) {
                    want[i] = Kernels.activate(x[i], act, -0.2f, 0.4f);
                }
                assertClose(want, got, 1e-6, "unary " + act);
            }

            // Add / Mul with broadcasting: same shape, [N,C,1,1], [N,1,H,W], [1,C,1,1] constant-like
            int[][] bShapes = {{n, c, h, w}, {n, c, 1, 1}, {n, 1, h, w}, {1, c, 1, 1}};
            for (int[] sb : bShapes) {
                float[] b = rnd(r, (int) Ops.size(sb));
                for (boolean mul : new boolean[] {false, true}) {
                    float[] got = runOp(new Ops.Binary("b", new int[] {0, 1}, 2, mul), k, threads,
                            new float[][] {x, b}, new int[][] {sx, sb});
                    float[] want = new float[x.length];
                    for (int bb = 0; bb < n; bb++) {
                        for (int cc = 0; cc < c; cc++) {
                            for (int i = 0; i < plane; i++) {
                                int bi = ((sb[0] == 1 ? 0 : bb) * sb[1] + (sb[1] == 1 ? 0 : cc)) * sb[2] * sb[3]
                                        + (sb[2] == 1 ? 0 : i);
                                float av = x[(bb * c + cc) * plane + i];
                                want[(bb * c + cc) * plane + i] = mul ? av * b[bi] : av + b[bi];
                            }
                        }
                    }
                    assertClose(want, got, 1e-6, "binary mul=" + mul + " b=" + java.util.Arrays.toString(sb));
                }
            }

            // Concat of two
            int c2 = 1 + r.nextInt(5);
            float[] y = rnd(r, n * c2 * plane);
            float[] cat = runOp(new Ops.Concat("c", new int[] {0, 1}, 2), k, threads, new float[][] {x, y},
                    new int[][] {sx, {n, c2, h, w}});
            float[] wantCat = new float[n * (c + c2) * plane];
            for (int bb = 0; bb < n; bb++) {
                System.arraycopy(x, bb * c * plane, wantCat, bb * (c + c2) * plane, c * plane);
                System.arraycopy(y, bb * c2 * plane, wantCat, (bb * (c + c2) + c) * plane, c2 * plane);
            }
            assertClose(wantCat, cat, 0, "concat");

            // DepthToSpace CRD and DCR (blocksize 2): channels 4*c
            float[] d = rnd(r, n * 4 * c * plane);
            for (boolean crd : new boolean[] {true, false}) {
                float[] got = runOp(new Ops.DepthToSpace("d", new int[] {0}, 1, 2, crd), k, threads,
                        new float[][] {d}, new int[][] {{n, 4 * c, h, w}});
                float[] want = naiveDepthToSpace(d, n, c, h, w, crd);
                assertClose(want, got, 0, "depthToSpace crd=" + crd);
            }

            // AveragePool 2x2/2, GlobalAverage/Max, ReduceMean/Max over channels, Softmax over channels
            float[] ap = runOp(new Ops.AvgPool("a", new int[] {0}, 1, 2, 2, 2, 2), k, threads, new float[][] {x},
                    new int[][] {sx});
            float[] gap = runOp(new Ops.GlobalPool("g", new int[] {0}, 1, false), k, threads, new float[][] {x},
                    new int[][] {sx});
            float[] gmp = runOp(new Ops.GlobalPool("g", new int[] {0}, 1, true), k, threads, new float[][] {x},
                    new int[][] {sx});
            float[] rmean = runOp(new Ops.ReduceChannels("r", new int[] {0}, 1, false), k, threads,
                    new float[][] {x}, new int[][] {sx});
            float[] rmax = runOp(new Ops.ReduceChannels("r", new int[] {0}, 1, true), k, threads,
                    new float[][] {x}, new int[][] {sx});
            float[] sm = runOp(new Ops.Softmax("s", new int[] {0}, 1), k, threads, new float[][] {x},
                    new int[][] {sx});
            float[] wAp = new float[n * c * plane / 4];
            float[] wGap = new float[n * c];
            float[] wGmp = new float[n * c];
            float[] wMean = new float[n * plane];
            float[] wMax = new float[n * plane];
            float[] wSm = new float[x.length];
            for (int bb = 0; bb < n; bb++) {
                for (int cc = 0; cc < c; cc++) {
                    double sum = 0;
                    double mx = Double.NEGATIVE_INFINITY;
                    for (int i = 0; i < plane; i++) {
                        float v = x[(bb * c + cc) * plane + i];
                        sum += v;
                        mx = Math.max(mx, v);
                    }
                    wGap[bb * c + cc] = (float) (sum / plane);
                    wGmp[bb * c + cc] = (float) mx;
                    for (int yy = 0; yy < h / 2; yy++) {
                        for (int xx = 0; xx < w / 2; xx++) {
                            int b0 = (bb * c + cc) * plane + 2 * yy * w + 2 * xx;
                            wAp[((bb * c + cc) * (h / 2) + yy) * (w / 2) + xx] =
                                    (float) ((x[b0] + x[b0 + 1] + x[b0 + w] + (double) x[b0 + w + 1]) / 4);
                        }
                    }
                }
                for (int i = 0; i < plane; i++) {
                    double sum = 0;
                    double mx = Double.NEGATIVE_INFINITY;
                    for (int cc = 0; cc < c; cc++) {
                        float v = x[(bb * c + cc) * plane + i];
                        sum += v;
                        mx = Math.max(mx, v);
                    }
                    wMean[bb * plane + i] = (float) (sum / c);
                    wMax[bb * plane + i] = (float) mx;
                    double z = 0;
                    for (int cc = 0; cc < c; cc++) {
                        z += Math.exp(x[(bb * c + cc) * plane + i] - mx);
                    }
                    for (int cc = 0; cc < c; cc++) {
                        wSm[(bb * c + cc) * plane + i] = (float) (Math.exp(x[(bb * c + cc) * plane + i] - mx) / z);
                    }
                }
            }
            assertClose(wAp, ap, 1e-6, "avgpool");
            assertClose(wGap, gap, 1e-6, "globalavg");
            assertClose(wGmp, gmp, 0, "globalmax");
            assertClose(wMean, rmean, 1e-6, "reducemean");
            assertClose(wMax, rmax, 0, "reducemax");
            assertClose(wSm, sm, 1e-6, "softmax");
        }
    }

    /** ONNX DepthToSpace with block size 2 by its definition (CRD or DCR order), one element at a time. */
    static float[] naiveDepthToSpace(float[] d, int n, int c, int h, int w, boolean crd) {
        float[] want = new float[d.length];
        for (int bb = 0; bb < n; bb++) {
            for (int cc = 0; cc < c; cc++) {
                for (int yy = 0; yy < 2 * h; yy++) {
                    for (int xx = 0; xx < 2 * w; xx++) {
                        int i = yy % 2;
                        int j = xx % 2;
                        int cin = crd ? cc * 4 + i * 2 + j : (i * 2 + j) * c + cc;
                        want[((bb * c + cc) * 2 * h + yy) * 2 * w + xx] =
                                d[((bb * 4 * c + cin) * h + yy / 2) * w + xx / 2];
                    }
                }
            }
        }
        return want;
    }
}
