package io.smfd.runtime.cpu;

/** Per-call execution state: value buffers and shapes of one {@link Plan}, the kernels and the thread pool. */
final class Exec {
    final float[][] buf;
    final int[][] shapes;
    final Kernels k;
    final Parallel par;
    final float[] scratch;
    /** {@link Plan#concatSkip}, or null (every Concat copies all its inputs). */
    final int[] concatSkip;
    /** {@link Plan#offset}: where each value starts in its buffer, or null (every value at 0). */
    final int[] offset;

    Exec(float[][] buf, int[][] shapes, Kernels k, Parallel par, float[] scratch) {
        this(buf, shapes, k, par, scratch, null);
    }

    Exec(float[][] buf, int[][] shapes, Kernels k, Parallel par, float[] scratch, int[] concatSkip) {
        this(buf, shapes, k, par, scratch, concatSkip, null);
    }

    Exec(float[][] buf, int[][] shapes, Kernels k, Parallel par, float[] scratch, int[] concatSkip, int[] offset) {
        this.offset = offset;
        this.buf = buf;
        this.shapes = shapes;
        this.k = k;
        this.par = par;
        this.scratch = scratch;
        this.concatSkip = concatSkip;
    }

    /** Index of value {@code v}'s first float in {@code buf[v]}. */
    int off(int v) {
        return offset == null ? 0 : offset[v];
    }
}
