package io.smfd.runtime.cpu;

/** One executable step of a compiled {@link Network}: reads value ids {@link #inputs}, writes {@link #output}. */
abstract class Op {

    final String label;
    int[] inputs;
    int output;

    Op(String label, int[] inputs, int output) {
        this.label = label;
        this.inputs = inputs;
        this.output = output;
    }

    /**
     * Infers and validates the output shape (rank 4, NCHW) from the input shapes.
     *
     * @throws io.smfd.ModelException if the shapes do not fit the operator
     */
    abstract int[] shape(int[][] in);

    /** Runs the step; buffers and shapes come from {@code ex}. */
    abstract void run(Exec ex);

    /** Floats of per-call scratch this step needs (shared by all steps of a plan). */
    long scratchFloats(int[][] shapes) {
        return 0;
    }

    /** Multiply-adds times two (for reporting). */
    long flops(int[][] shapes) {
        return 0;
    }

    @Override
    public String toString() {
        return label;
    }
}
