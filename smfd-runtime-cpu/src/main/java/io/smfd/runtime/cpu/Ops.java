package io.smfd.runtime.cpu;

import io.smfd.ModelException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

/** Builds {@link Op}s from ONNX nodes (validating attributes) and holds the operator implementations. */
final class Ops {

    private Ops() {
    }

    static ModelException bad(String description, OnnxModel.Node n, String problem) {
        return Network.incompatible(description, n.label() + ": " + problem);
    }

    static Op build(OnnxModel.Node n, Network.Value out, Map<String, Network.Value> byName, String description) {
        String label = n.label();
        switch (n.opType) {
            case "Conv":
                return buildConv(n, out, byName, description);
            case "Relu":
                return new Unary(label, ins(n, byName, description, 1, 1, false), out.id, Kernels.ACT_RELU, 0, 0);
            case "Sigmoid":
                return new Unary(label, ins(n, byName, description, 1, 1, false), out.id, Kernels.ACT_SIGMOID, 0, 0);
            case "Clip": {
                if (n.inputs.isEmpty() || n.inputs.size() > 3) {
                    throw bad(description, n, "expects 1 to 3 inputs");
                }
                float lo = n.inputs.size() > 1 ? scalar(n, n.inputs.get(1), byName, description, Float.NEGATIVE_INFINITY)
                        : Float.NEGATIVE_INFINITY;
                float hi = n.inputs.size() > 2 ? scalar(n, n.inputs.get(2), byName, description, Float.POSITIVE_INFINITY)
                        : Float.POSITIVE_INFINITY;
                int x = ref(n, n.inputs.get(0), byName, description, false);
                return new Unary(label, new int[] {x}, out.id, Kernels.ACT_CLIP, lo, hi);
            }
            case "Add":
            case "Mul":
                checkNoAttributes(n, description);
                return new Binary(label, ins(n, byName, description, 2, 2, true), out.id, n.opType.equals("Mul"));
            case "Concat": {
                long axis = intAttr(n, "axis", Long.MIN_VALUE, description);
                if (axis != 1 && axis != -3) {
                    throw bad(description, n, "only axis 1 (channels) is supported, got " + axis);
                }
                return new Concat(label, ins(n, byName, description, 1, OnnxModel.MAX_NODE_IO, true), out.id);
            }
            case "DepthToSpace": {
                long b = intAttr(n, "blocksize", Long.MIN_VALUE, description);
                if (b < 1 || b > 16) {
                    throw bad(description, n, "blocksize must be within [1, 16], got " + b);
                }
                String mode = stringAttr(n, "mode", "DCR");
                if (!mode.equals("DCR") && !mode.equals("CRD")) {
                    throw bad(description, n, "mode must be DCR or CRD, got '" + mode + "'");
                }
                return new DepthToSpace(label, ins(n, byName, description, 1, 1, false), out.id, (int) b,
                        mode.equals("CRD"));
            }
            case "AveragePool": {
                long[] k = intsAttr(n, "kernel_shape", null, description);
                if (k == null || k.length != 2 || k[0] < 1 || k[1] < 1 || k[0] > 16 || k[1] > 16) {
                    throw bad(description, n, "kernel_shape must be 2 values within [1, 16]");
                }
                long[] s = intsAttr(n, "strides", new long[] {1, 1}, description);
                if (s.length != 2 || s[0] < 1 || s[1] < 1 || s[0] > 16 || s[1] > 16) {
                    throw bad(description, n, "strides must be 2 values within [1, 16]");
                }
                long[] pads = intsAttr(n, "pads", new long[4], description);
                if (pads.length != 4 || Arrays.stream(pads).anyMatch(p -> p != 0)) {
                    throw bad(description, n, "only zero pads are supported");
                }
                checkOnes(n, "dilations", description);
                if (intAttr(n, "ceil_mode", 0, description) != 0) {
                    throw bad(description, n, "ceil_mode=1 is not supported");
                }
                checkAutoPad(n, description);
                return new AvgPool(label, ins(n, byName, description, 1, 1, false), out.id, (int) k[0], (int) k[1],
                        (int) s[0], (int) s[1]);
            }
            case "GlobalAveragePool":
            case "GlobalMaxPool":
                checkNoAttributes(n, description);
                return new GlobalPool(label, ins(n, byName, description, 1, 1, false), out.id,
                        n.opType.equals("GlobalMaxPool"));
            case "ReduceMean":
            case "ReduceMax": {
                if (n.inputs.size() != 1) {
                    throw bad(description, n, "axes given as an input (opset 18) are not supported");
                }
                long[] axes = intsAttr(n, "axes", null, description);
                if (axes == null || axes.length != 1 || (axes[0] != 1 && axes[0] != -3)) {
                    throw bad(description, n, "only axes=[1] (channels) is supported");
                }
                if (intAttr(n, "keepdims", 1, description) != 1) {
                    throw bad(description, n, "only keepdims=1 is supported");
                }
                return new ReduceChannels(label, ins(n, byName, description, 1, 1, false), out.id,
                        n.opType.equals("ReduceMax"));
            }
            case "Softmax": {
                long axis = intAttr(n, "axis", -1, description);
                if (axis != 1 && axis != -3) {
                    throw bad(description, n, "only axis 1 (channels) is supported, got " + axis);
                }
                return new Softmax(label, ins(n, byName, description, 1, 1, false), out.id);
            }
            default:
                throw bad(description, n, "operator is not supported");
        }
    }

    // ---- attribute and input helpers ----

    private static void checkNoAttributes(OnnxModel.Node n, String description) {
        if (!n.attributes.isEmpty()) {
            throw bad(description, n, "unexpected attribute(s) " + n.attributes.keySet());
        }
    }

    private static long intAttr(OnnxModel.Node n, String name, long def, String description) {
        OnnxModel.Attribute a = n.attributes.get(name);
        if (a == null) {
            if (def == Long.MIN_VALUE) {
                throw bad(description, n, "attribute '" + name + "' is required");
            }
            return def;
        }
        if (a.type != 0 && a.type != 2) {
            throw bad(description, n, "attribute '" + name + "' must be an int");
        }
        return a.i;
    }

    private static long[] intsAttr(OnnxModel.Node n, String name, long[] def, String description) {
        OnnxModel.Attribute a = n.attributes.get(name);
        if (a == null) {
            return def;
        }
        if (a.type != 0 && a.type != 7) {
            throw bad(description, n, "attribute '" + name + "' must be a list of ints");
        }
        return a.ints;
    }

    private static String stringAttr(OnnxModel.Node n, String name, String def) {
        OnnxModel.Attribute a = n.attributes.get(name);
        return a == null || a.s == null ? def : new String(a.s, StandardCharsets.UTF_8);
    }

    private static void checkOnes(OnnxModel.Node n, String name, String description) {
        long[] d = intsAttr(n, name, null, description);
        if (d != null && Arrays.stream(d).anyMatch(x -> x != 1)) {
            throw bad(description, n, name + " other than 1 are not supported, got " + Arrays.toString(d));
        }
    }

    private static void checkAutoPad(OnnxModel.Node n, String description) {
        String ap = stringAttr(n, "auto_pad", "NOTSET");
        if (!ap.equals("NOTSET")) {
            throw bad(description, n, "auto_pad=" + ap + " is not supported (use explicit pads)");
        }
    }

    private static int ref(OnnxModel.Node n, String name, Map<String, Network.Value> byName, String description,
                           boolean constAllowed) {
        Network.Value v = byName.get(name);
        if (v == null) {
            throw bad(description, n, "input '" + name + "' is not defined");
        }
        if (v.isConst() && !constAllowed) {
            throw bad(description, n, "constant input '" + name + "' is not supported here");
        }
        return v.id;
    }

    private static int[] ins(OnnxModel.Node n, Map<String, Network.Value> byName, String description, int min,
                             int max, boolean constAllowed) {
        if (n.inputs.size() < min || n.inputs.size() > max) {
            throw bad(description, n, "expects " + (min == max ? "" + min : min + " to " + max) + " inputs, has "
                    + n.inputs.size());
        }
        int[] ids = new int[n.inputs.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = ref(n, n.inputs.get(i), byName, description, constAllowed);
        }
        return ids;
    }

    private static float scalar(OnnxModel.Node n, String name, Map<String, Network.Value> byName,
                                String description, float def) {
        if (name.isEmpty()) {
            return def;
        }
        Network.Value v = byName.get(name);
        if (v == null || !v.isConst() || v.constData.length != 1) {
            throw bad(description, n, "input '" + name + "' must be a constant scalar");
        }
        return v.constData[0];
    }

    private static Op buildConv(OnnxModel.Node n, Network.Value out, Map<String, Network.Value> byName,
                                String description) {
        if (n.inputs.size() < 2 || n.inputs.size() > 3) {
            throw bad(description, n, "expects 2 or 3 inputs");
        }
        int x = ref(n, n.inputs.get(0), byName, description, false);
        Network.Value wv = byName.get(n.inputs.get(1));
        if (wv == null || !wv.isConst() || wv.rawDims.length != 4) {
            throw bad(description, n, "weight must be a constant [OC, IC, KH, KW] tensor");
        }
        int oc = wv.rawDims[0];
        int ic = wv.rawDims[1];
        int kh = wv.rawDims[2];
        int kw = wv.rawDims[3];
        if (oc < 1 || ic < 1 || kh < 1 || kw < 1 || kh > 15 || kw > 15 || oc > 65536 || ic > 65536) {
            throw bad(description, n, "unsupported weight shape " + Arrays.toString(wv.rawDims));
        }
        float[] bias = new float[oc];
        if (n.inputs.size() == 3 && !n.inputs.get(2).isEmpty()) {
            Network.Value bv = byName.get(n.inputs.get(2));
            if (bv == null || !bv.isConst() || bv.rawDims.length != 1 || bv.rawDims[0] != oc) {
                throw bad(description, n, "bias must be a constant [" + oc + "] tensor");
            }
            bias = bv.constData.clone();
        }
        if (intAttr(n, "group", 1, description) != 1) {
            throw bad(description, n, "grouped convolution is not supported");
        }
        checkOnes(n, "dilations", description);
        checkAutoPad(n, description);
        long[] ks = intsAttr(n, "kernel_shape", null, description);
        if (ks != null && (ks.length != 2 || ks[0] != kh || ks[1] != kw)) {
            throw bad(description, n, "kernel_shape " + Arrays.toString(ks) + " does not match the weight");
        }
        long[] st = intsAttr(n, "strides", new long[] {1, 1}, description);
        if (st.length != 2 || st[0] != st[1] || st[0] < 1 || st[0] > 4) {
            throw bad(description, n, "strides must be equal and within [1, 4], got " + Arrays.toString(st));
        }
        long[] pads = intsAttr(n, "pads", new long[4], description);
        if (pads.length != 4) {
            throw bad(description, n, "pads must have 4 values");
        }
        for (long p : pads) {
            if (p < 0 || p > 15) {
                throw bad(description, n, "pads must be within [0, 15], got " + Arrays.toString(pads));
            }
        }
        return new Conv(n.label(), x, out.id, oc, ic, kh, kw, (int) st[0], (int) pads[0], (int) pads[1],
                (int) pads[2], (int) pads[3], wv.constData, bias);
    }

    static int[] broadcast(String label, int[] a, int[] b) {
        int[] o = new int[4];
        for (int i = 0; i < 4; i++) {
            if (a[i] == b[i] || b[i] == 1) {
                o[i] = a[i];
            } else if (a[i] == 1) {
                o[i] = b[i];
            } else {
                throw Network.incompatible("model", label + ": shapes " + Arrays.toString(a) + " and "
                        + Arrays.toString(b) + " cannot be broadcast");
            }
        }
        return o;
    }

    static int[] expect4(String label, int[] s) {
        if (s.length != 4) {
            throw Network.incompatible("model", label + ": expected a rank-4 input");
        }
        return s;
    }

    static long size(int[] s) {
        return (long) s[0] * s[1] * s[2] * s[3];
    }

    // ---- operators ----

    /** Relu, Sigmoid or Clip. */
    static final class Unary extends Op {
        final int act;
        final float lo;
        final float hi;

        Unary(String label, int[] inputs, int output, int act, float lo, float hi) {
            super(label, inputs, output);
            this.act = act;
            this.lo = lo;
            this.hi = hi;
        }

        @Override
        int[] shape(int[][] in) {
            return in[0].clone();
        }

        @Override
        void run(Exec ex) {
            float[] x = ex.buf[inputs[0]];
            float[] y = ex.buf[output];
            int n = (int) size(ex.shapes[output]);
            ex.k.epilogue(x, 0, y, 0, n, 0f, null, 0, act, lo, hi);
        }
    }

    /** Add or Mul with numpy broadcasting over rank 4. */
    static final class Binary extends Op {
        final boolean mul;

        Binary(String label, int[] inputs, int output, boolean mul) {
            super(label, inputs, output);
            this.mul = mul;
        }

        @Override
        int[] shape(int[][] in) {
            return broadcast(label, in[0], in[1]);
        }

        @Override
        void run(Exec ex) {
            float[] a = ex.buf[inputs[0]];
            float[] b = ex.buf[inputs[1]];
            float[] y = ex.buf[output];
            int[] sa = ex.shapes[inputs[0]];
            int[] sb = ex.shapes[inputs[1]];
            int[] so = ex.shapes[output];
            if (Arrays.equals(sa, so) && Arrays.equals(sb, so)) {
                int n = (int) size(so);
                int piece = Concat.COPY_PIECE;
                ex.par.forEach((n + piece - 1) / piece, task -> {
                    int i0 = task * piece;
                    int i1 = Math.min(n, i0 + piece);
                    if (mul) {
                        for (int i = i0; i < i1; i++) {
                            y[i] = Kernels.flush(a[i] * b[i]);
                        }
                    } else {
                        for (int i = i0; i < i1; i++) {
                            y[i] = a[i] + b[i];
                        }
                    }
                });
                return;
            }
            int[] ta = strides(sa);
            int[] tb = strides(sb);
            int planes = so[0] * so[1];
            int h = so[2];
            int w = so[3];
            ex.par.forEach(planes, pl -> {
                int n0 = pl / so[1];
                int c = pl % so[1];
                int o = pl * h * w;
                for (int yy = 0; yy < h; yy++) {
                    int ia = (sa[0] == 1 ? 0 : n0 * ta[0]) + (sa[1] == 1 ? 0 : c * ta[1]) + (sa[2] == 1 ? 0 : yy * ta[2]);
                    int ib = (sb[0] == 1 ? 0 : n0 * tb[0]) + (sb[1] == 1 ? 0 : c * tb[1]) + (sb[2] == 1 ? 0 : yy * tb[2]);
                    int da = sa[3] == 1 ? 0 : 1;
                    int db = sb[3] == 1 ? 0 : 1;
                    int oo = o + yy * w;
                    if (mul) {
                        for (int xx = 0; xx < w; xx++) {
                            y[oo + xx] = Kernels.flush(a[ia + xx * da] * b[ib + xx * db]);
                        }
                    } else {
                        for (int xx = 0; xx < w; xx++) {
                            y[oo + xx] = a[ia + xx * da] + b[ib + xx * db];
                        }
                    }
                }
            });
        }

        private static int[] strides(int[] s) {
            return new int[] {s[1] * s[2] * s[3], s[2] * s[3], s[3], 1};
        }
    }

    /** Concat along channels. */
    static final class Concat extends Op {
        Concat(String label, int[] inputs, int output) {
            super(label, inputs, output);
        }

        @Override
        int[] shape(int[][] in) {
            int[] o = expect4(label, in[0]).clone();
            o[1] = 0;
            for (int[] s : in) {
                expect4(label, s);
                if (s[0] != o[0] || s[2] != o[2] || s[3] != o[3]) {
                    throw Network.incompatible("model", label + ": inputs differ in batch or spatial size");
                }
                o[1] += s[1];
            }
            return o;
        }

        @Override
        void run(Exec ex) {
            int[] so = ex.shapes[output];
            float[] y = ex.buf[output];
            int plane = so[2] * so[3];
            // one task per (image, input, piece of at most COPY_PIECE floats), so both threads copy
            int k = inputs.length;
            // leading inputs the plan already placed in this buffer (the output shares the first input's buffer)
            int skip = ex.concatSkip == null || ex.buf[inputs[0]] != y || so[0] != 1 ? 0 : ex.concatSkip[output];
            int[] pieces = new int[k];
            int[] first = new int[k + 1];
            int ch = 0;
            for (int j = 0; j < k; j++) {
                long len = (long) ex.shapes[inputs[j]][1] * plane;
                // an input whose producer wrote it straight into its slice of this buffer (Plan) is in place too
                boolean inPlace = j < skip || so[0] == 1 && ex.buf[inputs[j]] == y && ex.off(inputs[j]) == ch * plane;
                pieces[j] = inPlace ? 0 : (int) Math.max(1, (len + COPY_PIECE - 1) / COPY_PIECE);
                first[j + 1] = first[j] + pieces[j];
                ch += ex.shapes[inputs[j]][1];
            }
            int perImage = first[k];
            ex.par.forEach(so[0] * perImage, task -> {
                int n = task / perImage;
                int r = task - n * perImage;
                int j = 0;
                while (first[j + 1] <= r) {
                    j++;
                }
                int c0 = 0;
                for (int q = 0; q < j; q++) {
                    c0 += ex.shapes[inputs[q]][1];
                }
                int ci = ex.shapes[inputs[j]][1];
                int len = ci * plane;
                int from = (r - first[j]) * COPY_PIECE;
                int count = Math.min(COPY_PIECE, len - from);
                System.arraycopy(ex.buf[inputs[j]], ex.off(inputs[j]) + n * len + from, y, (n * so[1] + c0) * plane + from,
                        count);
            });
        }

        /** Floats per copy task. */
        static final int COPY_PIECE = 1 << 16;
    }

    /** DepthToSpace, DCR or CRD. */
    static final class DepthToSpace extends Op {
        final int b;
        final boolean crd;

        DepthToSpace(String label, int[] inputs, int output, int b, boolean crd) {
            super(label, inputs, output);
            this.b = b;
            this.crd = crd;
        }

        @Override
        int[] shape(int[][] in) {
            int[] s = in[0];
            if (s[1] % (b * b) != 0) {
                throw Network.incompatible("model", label + ": " + s[1] + " channels not divisible by blocksize^2");
            }
            return new int[] {s[0], s[1] / (b * b), s[2] * b, s[3] * b};
        }

        /** Input channel of output channel {@code c} at block offset {@code (i, j)} (CRD or DCR order). */
        private int inputChannel(int c, int i, int j, int co) {
            return crd ? c * b * b + i * b + j : (i * b + j) * co + c;
        }

        @Override
        void run(Exec ex) {
            int[] si = ex.shapes[inputs[0]];
            int[] so = ex.shapes[output];
            float[] x = ex.buf[inputs[0]];
            float[] y = ex.buf[output];
            int h = si[2];
            int w = si[3];
            int co = so[1];
            int wo = so[3];
            ex.par.forEach(so[0] * co, pl -> {
                int n = pl / co;
                int c = pl % co;
                if (b == 2) { // each output row once, contiguously: the two input rows of its phase interleaved
                    int dst = pl * so[2] * wo;
                    for (int i = 0; i < 2; i++) {
                        int s0 = (n * si[1] + inputChannel(c, i, 0, co)) * h * w;
                        int s1 = (n * si[1] + inputChannel(c, i, 1, co)) * h * w;
                        for (int yy = 0; yy < h; yy++) {
                            ex.k.interleave(x, s0 + yy * w, x, s1 + yy * w, w, y, dst + (yy * 2 + i) * wo);
                        }
                    }
                    return;
                }
                for (int i = 0; i < b; i++) {
                    for (int j = 0; j < b; j++) {
                        int src = (n * si[1] + inputChannel(c, i, j, co)) * h * w;
                        int dst = pl * so[2] * wo;
                        for (int yy = 0; yy < h; yy++) {
                            int d = dst + (yy * b + i) * wo + j;
                            int s0 = src + yy * w;
                            for (int xx = 0; xx < w; xx++) {
                                y[d + xx * b] = x[s0 + xx];
                            }
                        }
                    }
                }
            });
        }
    }

    /** AveragePool without padding. */
    static final class AvgPool extends Op {
        final int kh;
        final int kw;
        final int sh;
        final int sw;

        AvgPool(String label, int[] inputs, int output, int kh, int kw, int sh, int sw) {
            super(label, inputs, output);
            this.kh = kh;
            this.kw = kw;
            this.sh = sh;
            this.sw = sw;
        }

        @Override
        int[] shape(int[][] in) {
            int[] s = in[0];
            return new int[] {s[0], s[1], (s[2] - kh) / sh + 1, (s[3] - kw) / sw + 1};
        }

        @Override
        void run(Exec ex) {
            int[] si = ex.shapes[inputs[0]];
            int[] so = ex.shapes[output];
            float[] x = ex.buf[inputs[0]];
            float[] y = ex.buf[output];
            float inv = 1f / (kh * kw);
            int planes = so[0] * so[1];
            ex.par.forEach(planes, pl -> {
                int src = pl * si[2] * si[3];
                int dst = pl * so[2] * so[3];
                for (int yy = 0; yy < so[2]; yy++) {
                    for (int xx = 0; xx < so[3]; xx++) {
                        float s = 0f;
                        for (int i = 0; i < kh; i++) {
                            int r = src + (yy * sh + i) * si[3] + xx * sw;
                            for (int j = 0; j < kw; j++) {
                                s += x[r + j];
                            }
                        }
                        y[dst + yy * so[3] + xx] = s * inv;
                    }
                }
            });
        }
    }

    /** GlobalAveragePool / GlobalMaxPool. */
    static final class GlobalPool extends Op {
        final boolean max;

        GlobalPool(String label, int[] inputs, int output, boolean max) {
            super(label, inputs, output);
            this.max = max;
        }

        @Override
        int[] shape(int[][] in) {
            return new int[] {in[0][0], in[0][1], 1, 1};
        }

        @Override
        void run(Exec ex) {
            int[] si = ex.shapes[inputs[0]];
            float[] x = ex.buf[inputs[0]];
            float[] y = ex.buf[output];
            int plane = si[2] * si[3];
            for (int pl = 0; pl < si[0] * si[1]; pl++) {
                int o = pl * plane;
                if (max) {
                    float m = Float.NEGATIVE_INFINITY;
                    for (int i = 0; i < plane; i++) {
                        m = Math.max(m, x[o + i]);
                    }
                    y[pl] = m;
                } else {
                    double s = 0;
                    for (int i = 0; i < plane; i++) {
                        s += x[o + i];
                    }
                    y[pl] = (float) (s / plane);
                }
            }
        }
    }

    /** ReduceMean / ReduceMax over channels, keepdims. */
    static final class ReduceChannels extends Op {
        final boolean max;

        ReduceChannels(String label, int[] inputs, int output, boolean max) {
            super(label, inputs, output);
            this.max = max;
        }

        @Override
        int[] shape(int[][] in) {
            return new int[] {in[0][0], 1, in[0][2], in[0][3]};
        }

        @Override
        void run(Exec ex) {
            int[] si = ex.shapes[inputs[0]];
            float[] x = ex.buf[inputs[0]];
            float[] y = ex.buf[output];
            int plane = si[2] * si[3];
            int c = si[1];
            for (int n = 0; n < si[0]; n++) {
                int o = n * plane;
                int base = n * c * plane;
                System.arraycopy(x, base, y, o, plane);
                for (int ch = 1; ch < c; ch++) {
                    int b = base + ch * plane;
                    if (max) {
                        for (int i = 0; i < plane; i++) {
                            y[o + i] = Math.max(y[o + i], x[b + i]);
                        }
                    } else {
                        for (int i = 0; i < plane; i++) {
                            y[o + i] += x[b + i];
                        }
                    }
                }
                if (!max) {
                    float inv = 1f / c;
                    for (int i = 0; i < plane; i++) {
                        y[o + i] *= inv;
                    }
                }
            }
        }
    }

    /** Softmax over channels. */
    static final class Softmax extends Op {
        Softmax(String label, int[] inputs, int output) {
            super(label, inputs, output);
        }

        @Override
        int[] shape(int[][] in) {
            return in[0].clone();
        }

        @Override
        void run(Exec ex) {
            int[] s = ex.shapes[inputs[0]];
            float[] x = ex.buf[inputs[0]];
            float[] y = ex.buf[output];
            int plane = s[2] * s[3];
            int c = s[1];
            int chunks = (plane + SOFTMAX_CHUNK - 1) / SOFTMAX_CHUNK;
            ex.par.forEach(s[0] * chunks, task -> {
                int n = task / chunks;
                int i0 = (task - n * chunks) * SOFTMAX_CHUNK;
                ex.k.softmax(x, y, n * c * plane, c, plane, i0, Math.min(plane, i0 + SOFTMAX_CHUNK));
            });
        }

        /** Positions per task. */
        static final int SOFTMAX_CHUNK = 4096;
    }
}
