package io.smfd.runtime.cpu;

import static io.smfd.runtime.cpu.Kernels.OC_BLOCK;

import java.util.Arrays;

/**
 * 2-D convolution (group 1, dilation 1, any kernel up to 15x15, stride 1 to 4, explicit pads) with a fused
 * epilogue: bias, optional residual add (a following {@code Add}) and optional activation (a following
 * {@code Relu}, {@code Sigmoid} or {@code Clip}).
 *
 * <p>Direct convolution on a prepared input. For one image, each input channel is copied once into
 * {@code s*s} zero-padded phase planes of {@code Hq x Wq} ({@code Hq = ceil(Hp/s)}), where phase plane
 * {@code (a,b)} holds padded pixels {@code (i*s+a, j*s+b)}. Output pixel {@code (y,x)} is computed at "wide"
 * position {@code p = y*Wq + x}, and tap {@code (ky,kx)} of it is then at the fixed offset
 * {@code ((ky%s)*s + kx%s)*Hq*Wq + (ky/s)*Wq + kx/s} from {@code p}: every tap is a contiguous shifted read,
 * so the kernel is a plain register-blocked FMA loop over positions (no bounds checks, no gathers, rows and
 * strides do not matter). The {@code Wq - Wo} garbage columns per row are dropped by the epilogue.
 * 1x1 stride-1 convolutions read their input directly (no preparation).
 */
final class Conv extends Op {

    /** Largest chunk of wide positions per task: keeps the input rows of a chunk in L2. */
    static final int MAX_CHUNK = 1024;

    /** Positions per task of a 1x1 convolution: all input channels of a chunk stay in L1. */
    static final int DIRECT_CHUNK = 192;

    private static final ThreadLocal<float[]> TILE = new ThreadLocal<>();

    final int oc;
    final int ic;
    final int kh;
    final int kw;
    final int s;
    final int pt;
    final int pl;
    final int pb;
    final int pr;
    final int taps;
    final int blocks;
    final float[] wPacked;
    final float[] bias;
    final float[] weights; // original [OC, IC, KH, KW], kept for tests
    /** Whether {@link Winograd} applies to this layer's geometry ({@link Winograd#applies}). */
    final boolean winogradShape;
    /**
     * {@link Winograd#transformWeights}, made on first use by kernels that run Winograd ({@link Kernels#winograd()}),
     * so that scalar and 256-bit engines do not hold a second copy of the weights. Computing it twice in a race is
     * harmless (same values); the volatile write publishes the finished array.
     */
    private volatile float[] wWinograd;
    boolean hasResidual;
    int act = Kernels.ACT_NONE;
    float lo = Float.NEGATIVE_INFINITY;
    float hi = Float.POSITIVE_INFINITY;

    Conv(String label, int input, int output, int oc, int ic, int kh, int kw, int s, int pt, int pl, int pb, int pr,
         float[] weights, float[] bias) {
        super(label, new int[] {input}, output);
        this.oc = oc;
        this.ic = ic;
        this.kh = kh;
        this.kw = kw;
        this.s = s;
        this.pt = pt;
        this.pl = pl;
        this.pb = pb;
        this.pr = pr;
        this.taps = kh * kw;
        this.blocks = (oc + OC_BLOCK - 1) / OC_BLOCK;
        this.weights = weights;
        this.bias = bias;
        this.wPacked = pack(weights, oc, ic, taps);
        this.winogradShape = Winograd.applies(kh, kw, s, pt, pl, pb, pr, ic, oc);
    }

    /** Whether {@link #winogradWeights()} has been made (tests). */
    boolean hasWinogradWeights() {
        return wWinograd != null;
    }

    /** The Winograd-domain weights (only where {@link #winogradShape}). */
    float[] winogradWeights() {
        float[] w = wWinograd;
        if (w == null) {
            w = Winograd.transformWeights(weights, oc, ic);
            wWinograd = w;
        }
        return w;
    }

    static float[] pack(float[] w, int oc, int ic, int taps) {
        int blocks = (oc + OC_BLOCK - 1) / OC_BLOCK;
        float[] p = new float[blocks * ic * taps * OC_BLOCK];
        for (int o = 0; o < oc; o++) {
            int b = o / OC_BLOCK;
            int lane = o % OC_BLOCK;
            for (int c = 0; c < ic; c++) {
                for (int t = 0; t < taps; t++) {
                    p[((b * ic + c) * taps + t) * OC_BLOCK + lane] = w[(o * ic + c) * taps + t];
                }
            }
        }
        return p;
    }

    void fuseResidual(int residual, int newOutput) {
        inputs = new int[] {inputs[0], residual};
        hasResidual = true;
        output = newOutput;
    }

    void fuseActivation(int act, float lo, float hi, int newOutput) {
        this.act = act;
        this.lo = lo;
        this.hi = hi;
        output = newOutput;
    }

    boolean direct() {
        return kh == 1 && kw == 1 && s == 1 && pt == 0 && pl == 0 && pb == 0 && pr == 0;
    }

    /** Geometry for an input of H x W. */
    static final class Geo {
        int h;
        int w;
        int ho;
        int wo;
        int hq;
        int wq;
        int plane;
        int icStride;
        int pitch;
        int wide;
        int[] tapOff;
    }

    Geo geo(int h, int w) {
        Geo g = new Geo();
        g.h = h;
        g.w = w;
        int hp = h + pt + pb;
        int wp = w + pl + pr;
        g.ho = (hp - kh) / s + 1;
        g.wo = (wp - kw) / s + 1;
        g.tapOff = new int[taps];
        if (direct()) {
            g.hq = h;
            g.wq = w;
            g.plane = h * w;
            g.icStride = h * w;
            g.pitch = w;
            g.wide = h * w;
        } else {
            g.hq = (hp + s - 1) / s;
            g.wq = (wp + s - 1) / s;
            g.plane = g.hq * g.wq;
            g.icStride = s * s * g.plane;
            g.pitch = g.wq;
            g.wide = (g.ho - 1) * g.wq + g.wo;
            for (int ky = 0; ky < kh; ky++) {
                for (int kx = 0; kx < kw; kx++) {
                    g.tapOff[ky * kw + kx] = ((ky % s) * s + kx % s) * g.plane + (ky / s) * g.wq + kx / s;
                }
            }
        }
        return g;
    }

    @Override
    int[] shape(int[][] in) {
        int[] x = Ops.expect4(label, in[0]);
        if (x[1] != ic) {
            throw Network.incompatible("model", label + ": input has " + x[1] + " channels, weight expects " + ic);
        }
        int hp = x[2] + pt + pb;
        int wp = x[3] + pl + pr;
        if (hp < kh || wp < kw) {
            throw Network.incompatible("model", label + ": input " + Arrays.toString(x) + " smaller than the kernel");
        }
        int[] out = {x[0], oc, (hp - kh) / s + 1, (wp - kw) / s + 1};
        if (hasResidual && !Arrays.equals(in[1], out)) {
            throw Network.incompatible("model", label + ": residual shape " + Arrays.toString(in[1])
                    + " differs from output " + Arrays.toString(out));
        }
        return out;
    }

    @Override
    long scratchFloats(int[][] shapes) {
        if (direct()) {
            return 0;
        }
        int[] x = shapes[inputs[0]];
        Geo g = geo(x[2], x[3]);
        long direct = (long) ic * g.icStride;
        return !winogradShape ? direct : Math.max(direct, Winograd.preparedFloats(ic, g.ho, g.wo));
    }

    @Override
    long flops(int[][] shapes) {
        int[] o = shapes[output];
        return 2L * o[0] * o[1] * o[2] * o[3] * ic * taps;
    }

    @Override
    void run(Exec ex) {
        int[] si = ex.shapes[inputs[0]];
        Geo g = geo(si[2], si[3]);
        float[] in = ex.buf[inputs[0]];
        float[] out = ex.buf[output];
        float[] res = hasResidual ? ex.buf[inputs[1]] : null;
        if (winogradShape && ex.k.winograd()) {
            Winograd.run(this, winogradWeights(), ex, si[0], g, in, out, res, ex.scratch);
            return;
        }
        int threads = ex.par.threads();
        int chunks = threads == 1 ? 1 : Math.max(1, (8 * threads + blocks - 1) / blocks);
        int step = ex.k.tilePositions();
        int chunkLen = (g.wide + chunks - 1) / chunks;
        chunkLen = Math.min(Math.max(step, MAX_CHUNK / step * step), (chunkLen + step - 1) / step * step);
        int nChunks = (g.wide + chunkLen - 1) / chunkLen;
        int cl = chunkLen;
        int outPlane = g.ho * g.wo;
        for (int n = 0; n < si[0]; n++) {
            float[] src;
            int base;
            if (direct()) {
                src = in;
                base = n * ic * g.h * g.w;
            } else {
                src = ex.scratch;
                base = 0;
                prepare(in, n * ic * g.h * g.w, src, g, ex.par, ex.k);
            }
            int outN = ex.off(output) + n * oc * outPlane; // off: a slice of a Concat's buffer (Plan)
            if (direct()) {
                // 1x1: every input vector is used once per output-channel block, so keep a small chunk of all
                // input channels in L1 and run every output-channel block over it (epilogue in registers).
                // A remainder shorter than a register tile joins the last chunk (its tail is then one overlapping
                // whole tile, not a task of its own). Where that leaves fewer than 2 chunks per thread (small
                // planes), the output-channel blocks are split among tasks as well.
                int dLen = Math.max(step, DIRECT_CHUNK / step * step);
                int dChunks = g.wide > dLen && g.wide % dLen != 0 && g.wide % dLen < step
                        ? g.wide / dLen : (g.wide + dLen - 1) / dLen;
                int groups = threads == 1 ? 1 : Math.min(blocks, Math.max(1, (2 * threads + dChunks - 1) / dChunks));
                int perGroup = (blocks + groups - 1) / groups;
                int nGroups = (blocks + perGroup - 1) / perGroup;
                ex.par.forEach(dChunks * nGroups, task -> {
                    int chunk = task / nGroups;
                    int grp = task - chunk * nGroups;
                    int p0 = chunk * dLen;
                    int p1 = chunk == dChunks - 1 ? g.wide : p0 + dLen;
                    float[] tile = tile(p1 - p0);
                    int bEnd = Math.min(blocks, (grp + 1) * perGroup);
                    for (int b = grp * perGroup; b < bEnd; b++) {
                        ex.k.convFused(src, base, g.icStride, ic, g.tapOff, taps, wPacked, b * ic * taps * OC_BLOCK,
                                Math.min(OC_BLOCK, oc - b * OC_BLOCK), out, outN + b * OC_BLOCK * outPlane, outPlane, bias, b * OC_BLOCK, res,
                                act, lo, hi, p0, p1, tile);
                    }
                });
                continue;
            }
            ex.par.forEach(blocks * nChunks, task -> {
                int chunk = task / blocks;
                int b = task - chunk * blocks;
                int p0 = chunk * cl;
                int p1 = Math.min(g.wide, p0 + cl);
                float[] tile = tile(cl);
                if (g.pitch == g.wo) { // wide positions are output positions: epilogue in registers
                    int nOut = Math.min(OC_BLOCK, oc - b * OC_BLOCK);
                    int ob = outN + b * OC_BLOCK * outPlane;
                    ex.k.convFused(src, base, g.icStride, ic, g.tapOff, taps, wPacked, b * ic * taps * OC_BLOCK, nOut, out,
                            ob, outPlane, bias, b * OC_BLOCK, res, act, lo, hi, p0, p1, tile);
                    return;
                }
                ex.k.conv(src, base, g.icStride, ic, g.tapOff, taps, wPacked, b * ic * taps * OC_BLOCK, tile, cl, p0, p1,
                        Math.min(OC_BLOCK, oc - b * OC_BLOCK));
                for (int o = 0; o < OC_BLOCK; o++) {
                    int c = b * OC_BLOCK + o;
                    if (c >= oc) {
                        break;
                    }
                    int ob = outN + c * outPlane;
                    int p = p0;
                    while (p < p1) {
                        int y = p / g.pitch;
                        int x = p - y * g.pitch;
                        if (x < g.wo) {
                            int e = Math.min(p1, y * g.pitch + g.wo);
                            int d = ob + y * g.wo + x;
                            ex.k.epilogue(tile, o * cl + p - p0, out, d, e - p, bias[c], res, d, act, lo, hi);
                        }
                        p = (y + 1) * g.pitch;
                    }
                }
            });
        }
    }

    private static float[] tile(int len) {
        float[] tile = TILE.get();
        if (tile == null || tile.length < OC_BLOCK * len) {
            tile = new float[OC_BLOCK * Math.max(len, MAX_CHUNK)];
            TILE.set(tile);
        }
        return tile;
    }

    /** Writes the zero-padded phase planes of image {@code inBase} into {@code dst}. */
    void prepare(float[] in, int inBase, float[] dst, Geo g, Parallel par, Kernels k) {
        int h = g.h;
        int w = g.w;
        Parallel.Body body = c -> {
            int cin = inBase + c * h * w;
            if (s == 2) {
                prepare2(in, cin, dst, c * g.icStride, g, k);
                return;
            }
            for (int a = 0; a < s; a++) {
                for (int bb = 0; bb < s; bb++) {
                    int sub = c * g.icStride + (a * s + bb) * g.plane;
                    for (int i = 0; i < g.hq; i++) {
                        int r = i * s + a - pt;
                        int row = sub + i * g.wq;
                        if (r < 0 || r >= h) {
                            Arrays.fill(dst, row, row + g.wq, 0f);
                            continue;
                        }
                        int src = cin + r * w;
                        if (s == 1) {
                            int left = Math.min(pl, g.wq);
                            Arrays.fill(dst, row, row + left, 0f);
                            int n = Math.min(w, g.wq - left);
                            System.arraycopy(in, src, dst, row + left, n);
                            Arrays.fill(dst, row + left + n, row + g.wq, 0f);
                        } else {
                            // columns j * s + bb - pl inside [0, w): j in [jlo, jhi); zeros around them
                            int jlo = Math.min(g.wq, Math.max(0, Math.floorDiv(pl - bb + s - 1, s)));
                            int jhi = Math.max(jlo, Math.min(g.wq, Math.floorDiv(w - 1 + pl - bb, s) + 1));
                            Arrays.fill(dst, row, row + jlo, 0f);
                            int from = src + bb - pl;
                            for (int j = jlo; j < jhi; j++) {
                                dst[row + j] = in[from + j * s];
                            }
                            Arrays.fill(dst, row + jhi, row + g.wq, 0f);
                        }
                    }
                }
            }
        };
        forChannels(par, ic, (long) ic * g.icStride, body);
    }

    /** Prepared floats from which an input preparation is split over the threads (below: one thread). */
    static final long PARALLEL_PREPARE_FLOATS = 32_768;

    /**
     * Runs {@code body} for channels {@code 0 <= c < ic}: over the threads when the preparation writes at least
     * {@link #PARALLEL_PREPARE_FLOATS} floats in all, else on the calling thread.
     */
    static void forChannels(Parallel par, int ic, long floats, Parallel.Body body) {
        if (floats >= PARALLEL_PREPARE_FLOATS) {
            par.forEach(ic, body);
        } else {
            for (int c = 0; c < ic; c++) {
                body.run(c);
            }
        }
    }

    /**
     * The four phase planes of one input channel for stride 2: each padded row {@code 2i + a} is split by column
     * parity ({@link #splitRow}) into row {@code i} of phase planes {@code (a, 0)} and {@code (a, 1)}.
     */
    private void prepare2(float[] in, int cin, float[] dst, int base, Geo g, Kernels k) {
        for (int a = 0; a < 2; a++) {
            for (int i = 0; i < g.hq; i++) {
                int row = base + 2 * a * g.plane + i * g.wq;
                splitRow(k, in, cin, g.h, g.w, 2 * i + a - pt, -pl, g.wq, dst, row, row + g.plane);
            }
        }
    }

    /** {@link Kernels#splitRow}: row {@code r} split by column parity into two zero-padded rows of {@code len}. */
    static void splitRow(Kernels k, float[] in, int cin, int h, int w, int r, int q0, int len, float[] dst,
                         int even, int odd) {
        k.splitRow(in, cin, h, w, r, q0, len, dst, even, odd);
    }
}
