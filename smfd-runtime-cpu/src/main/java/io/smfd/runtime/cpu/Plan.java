package io.smfd.runtime.cpu;

import io.smfd.SmfdException.Reason;
import java.util.ArrayList;
import java.util.List;

/**
 * Memory plan for one input shape {@code [n, 3, h, w]}: every intermediate value gets a buffer, reused between
 * values whose lifetimes do not overlap (liveness over the op order, best-fit reuse), plus one scratch buffer
 * for convolution input preparation. The graph outputs are allocated per call (they are handed to the caller).
 * A plan serves one call at a time; {@link CpuBackend} pools them per shape.
 */
final class Plan {

    final int n;
    final int h;
    final int w;
    final int[][] shapes;
    final float[][] buffers;
    final float[] scratch;
    final long bytes;
    final long flops;

    Plan(Network net, int n, int h, int w) {
        this.n = n;
        this.h = h;
        this.w = w;
        this.shapes = net.shapes(n, h, w);
        int count = net.values.size();
        int[] lastUse = new int[count];
        java.util.Arrays.fill(lastUse, -1);
        List<Op> ops = net.ops;
        for (int i = 0; i < ops.size(); i++) {
            for (int in : ops.get(i).inputs) {
                lastUse[in] = i;
            }
        }
        buffers = new float[count][];
        List<float[]> free = new ArrayList<>();
        long total = 0;
        long scratchNeed = 0;
        long fl = 0;
        for (int i = 0; i < ops.size(); i++) {
            Op op = ops.get(i);
            scratchNeed = Math.max(scratchNeed, op.scratchFloats(shapes));
            fl += op.flops(shapes);
            int out = op.output;
            if (out != net.imageId && out != net.masksId) {
                int size = (int) Ops.size(shapes[out]);
                float[] best = null;
                for (float[] b : free) {
                    if (b.length >= size && (best == null || b.length < best.length)) {
                        best = b;
                    }
                }
                if (best != null) {
                    free.remove(best);
                } else {
                    best = new float[size];
                    total += size;
                }
                buffers[out] = best;
                if (lastUse[out] < i) { // never read
                    free.add(best);
                }
            }
            for (int in : op.inputs) {
                if (lastUse[in] == i && buffers[in] != null && !free.contains(buffers[in])) {
                    free.add(buffers[in]);
                }
            }
        }
        if (scratchNeed > Integer.MAX_VALUE - 64) {
            throw new io.smfd.SmfdException(Reason.INFERENCE_FAILED, "Input [" + n + ",3," + h + "," + w + "] is too large for the cpu"
                    + " backend; use smaller images or batches");
        }
        scratch = new float[(int) scratchNeed];
        this.bytes = 4 * (total + scratchNeed);
        this.flops = fl;
    }
}
