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
    /**
     * Per value id: for a Concat's output, how many of its leading inputs its buffer already holds (see the
     * constructor); 0 otherwise.
     */
    final int[] concatSkip;
    /**
     * Per value id: the index of its first float in its buffer. Non-zero only for a convolution output written
     * straight into its channel slice of a dense block's shared concat buffer (see the constructor).
     */
    final int[] offset;
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
        // Concats that extend the same leading input in place (batch 1 only): the dense blocks compute
        // cat1 = [x, c1], cat2 = [x, c1, c2], cat3 = [x, c1, c2, c3]; x and every such concat share one buffer of
        // the largest one's size, each concat copies only the inputs the buffer does not hold yet, x is never copied.
        int[] groupOf = new int[count];
        java.util.Arrays.fill(groupOf, -1);
        concatSkip = new int[count];
        offset = new int[count];
        if (n == 1) {
            java.util.Map<Integer, List<Op>> byFirst = new java.util.LinkedHashMap<>();
            for (Op op : ops) {
                if (op instanceof Ops.Concat) {
                    byFirst.computeIfAbsent(op.inputs[0], k -> new ArrayList<>()).add(op);
                }
            }
            for (java.util.Map.Entry<Integer, List<Op>> e : byFirst.entrySet()) {
                int x = e.getKey();
                List<Op> cats = e.getValue();
                if (!groupable(net, x) || groupOf[x] >= 0) {
                    continue;
                }
                boolean ok = true;
                for (Op c : cats) {
                    ok &= groupable(net, c.output) && groupOf[c.output] < 0;
                    for (int j = 1; j < c.inputs.length; j++) {
                        ok &= c.inputs[j] != x && groupOf[c.inputs[j]] < 0;
                    }
                    for (Op d : cats) {
                        int common = Math.min(c.inputs.length, d.inputs.length);
                        for (int j = 0; j < common; j++) {
                            ok &= c.inputs[j] == d.inputs[j];
                        }
                    }
                }
                if (!ok) {
                    continue;
                }
                groupOf[x] = x;
                int inPlace = 1; // leading inputs the shared buffer holds, in execution order
                for (Op c : cats) {
                    groupOf[c.output] = x;
                    concatSkip[c.output] = Math.min(inPlace, c.inputs.length);
                    inPlace = Math.max(inPlace, c.inputs.length);
                }
                // the new inputs (c1, c2, c3 of a dense block): a convolution without a fused residual (whose
                // index would be shifted too) whose output only these concats read, at the same channel offset
                // in each, writes straight into its slice of the shared buffer, and no concat copies it
                for (Op c : cats) {
                    int ch = shapes[c.inputs[0]][1];
                    for (int j = 1; j < c.inputs.length; j++) {
                        int v = c.inputs[j];
                        if (groupOf[v] < 0 && placeable(net, v, ch, cats)) {
                            groupOf[v] = x;
                            offset[v] = ch * shapes[v][2] * shapes[v][3];
                        }
                        ch += shapes[v][1];
                    }
                }
            }
        }
        int[] groupLast = new int[count];
        int[] groupSize = new int[count];
        int[] groupSlot = new int[count];
        java.util.Arrays.fill(groupSlot, -1);
        for (int v = 0; v < count; v++) {
            if (groupOf[v] >= 0) {
                groupLast[groupOf[v]] = Math.max(groupLast[groupOf[v]], lastUse[v]);
                groupSize[groupOf[v]] = Math.max(groupSize[groupOf[v]], (int) Ops.size(shapes[v]));
            }
        }
        int[] last = new int[count];
        for (int v = 0; v < count; v++) {
            last[v] = groupOf[v] >= 0 ? groupLast[groupOf[v]] : lastUse[v];
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
                int g = groupOf[out];
                Integer best = null;
                if (g >= 0 && groupSlot[g] >= 0) {
                    best = groupSlot[g]; // a later member of a group: the group's buffer
                } else {
                    int size = g >= 0 ? groupSize[g] : (int) Ops.size(shapes[out]);
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
                    if (g >= 0) {
                        groupSlot[g] = best;
                    }
                }
                slotOf[out] = best;
                if (last[out] < i && !free.contains(best)) { // never read
                    free.add(best);
                }
            }
            for (int in : op.inputs) {
                if (last[in] == i && slotOf[in] >= 0 && !free.contains(slotOf[in])) {
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
     * Whether value {@code v} can be computed in place at channel {@code ch} of a dense block's shared buffer: the
     * output of a {@link Conv} without a fused residual, read only by the group's concats, at channel {@code ch} in
     * each of them.
     */
    private boolean placeable(Network net, int v, int ch, List<Op> cats) {
        if (!groupable(net, v)) {
            return false;
        }
        for (Op op : net.ops) {
            if (op.output == v && !(op instanceof Conv conv && !conv.hasResidual)) {
                return false;
            }
            for (int j = 0; j < op.inputs.length; j++) {
                if (op.inputs[j] != v) {
                    continue;
                }
                if (!cats.contains(op)) {
                    return false;
                }
                int at = 0;
                for (int q = 0; q < j; q++) {
                    at += shapes[op.inputs[q]][1];
                }
                if (at != ch) {
                    return false;
                }
            }
        }
        return true;
    }

    /** A value that can share a buffer with a concat: computed, not the graph input or an output. */
    private static boolean groupable(Network net, int v) {
        return v != net.inputId && v != net.imageId && v != net.masksId && !net.values.get(v).isConst();
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
