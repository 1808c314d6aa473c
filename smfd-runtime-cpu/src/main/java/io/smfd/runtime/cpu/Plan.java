package io.smfd.runtime.cpu;

import io.smfd.SmfdException.Reason;
import java.util.ArrayList;
import java.util.List;

/**
 * Memory plan for one input shape {@code [n, 3, h, w]}: every intermediate value gets a buffer, reused between
 * values whose lifetimes do not overlap (liveness over the op order, best-fit reuse), plus one scratch buffer
 * for convolution input preparation. The graph outputs are allocated per call (they are handed to the caller).
 * The constructor only lays the buffers out ({@link #bytes} is then known); {@link #allocate()} creates them, so
 * {@link CpuBackend} can reserve the memory against its budget first. A plan serves one call at a time;
 * {@link CpuBackend} pools them per shape.
 */
final class Plan {

    final int n;
    final int h;
    final int w;
    final int[][] shapes;
    final float[][] buffers;
    float[] scratch;
    /** Buffer slot of each value, or -1 (constants, the input, the graph outputs). */
    private final int[] slotOf;
    /** Floats per buffer slot. */
    private final int[] slotSize;
    private final int scratchFloats;
    private boolean allocated;
    /** Working memory of one call: every buffer slot plus the scratch, in bytes. */
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
        slotOf = new int[count];
        java.util.Arrays.fill(slotOf, -1);
        List<Integer> sizes = new ArrayList<>();
        List<Integer> free = new ArrayList<>(); // slot ids
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
                Integer best = null;
                for (Integer b : free) {
                    if (sizes.get(b) >= size && (best == null || sizes.get(b) < sizes.get(best))) {
                        best = b;
                    }
                }
                if (best != null) {
                    free.remove(best);
                } else {
                    best = sizes.size();
                    sizes.add(size);
                    total += size;
                }
                slotOf[out] = best;
                if (lastUse[out] < i) { // never read
                    free.add(best);
                }
            }
            for (int in : op.inputs) {
                if (lastUse[in] == i && slotOf[in] >= 0 && !free.contains(slotOf[in])) {
                    free.add(slotOf[in]);
                }
            }
        }
        slotSize = new int[sizes.size()];
        for (int i = 0; i < slotSize.length; i++) {
            slotSize[i] = sizes.get(i);
        }
        if (scratchNeed > Integer.MAX_VALUE - 64) {
            throw new io.smfd.SmfdException(Reason.INFERENCE_FAILED, "Input [" + n + ",3," + h + "," + w + "] is too large for the cpu"
                    + " backend; use smaller images or batches");
        }
        this.scratchFloats = (int) scratchNeed;
        this.bytes = 4 * (total + scratchNeed);
        this.flops = fl;
    }

    /**
     * Creates the buffers (once).
     *
     * @return this plan
     * @throws OutOfMemoryError if the heap cannot hold them
     */
    Plan allocate() {
        if (!allocated) {
            float[][] slots = new float[slotSize.length][];
            for (int i = 0; i < slots.length; i++) {
                slots[i] = new float[slotSize[i]];
            }
            for (int v = 0; v < slotOf.length; v++) {
                if (slotOf[v] >= 0) {
                    buffers[v] = slots[slotOf[v]];
                }
            }
            scratch = new float[scratchFloats];
            allocated = true;
        }
        return this;
    }
}
