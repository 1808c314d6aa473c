package io.smfd.runtime.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Concats that extend the same leading input (the dense blocks) share one buffer with it for batch 1, copying only
 * the inputs the buffer does not hold yet ({@link Plan#concatSkip}); batches of 2+ copy everything. Both must give
 * the same bits.
 */
class ConcatPlanTest {

    @Test
    void denseBlockConcatsShareABufferAndGiveTheSameBits() {
        Network net = CpuBackendProvider.load(TestModels.modelBytes(), "bundled model");
        Plan one = new Plan(net, 1, 64, 64);
        int skipped = 0;
        for (int v = 0; v < one.concatSkip.length; v++) {
            skipped += one.concatSkip[v];
        }
        assertThat(skipped).as("concat inputs already in place").isGreaterThan(10);
        int placed = 0;
        for (int v = 0; v < one.offset.length; v++) {
            int value = v;
            if (one.offset[v] != 0) {
                placed++;
                Op producer = net.ops.stream().filter(op -> op.output == value).findFirst().orElseThrow();
                assertThat(producer).isInstanceOf(Conv.class);
            }
        }
        // c1, c2, c3 of each of the 6 dense blocks are computed in place
        assertThat(placed).as("convolution outputs written straight into their concat slice").isEqualTo(18);
        Plan two = new Plan(net, 2, 64, 64);
        for (int s : two.concatSkip) {
            assertThat(s).isZero();
        }
        float[] in = TestModels.random(11, 3 * 64 * 64);
        float[] both = new float[2 * in.length];
        System.arraycopy(in, 0, both, 0, in.length);
        System.arraycopy(in, 0, both, in.length, in.length);
        for (int threads : new int[] {1, 2}) {
            try (CpuBackend b = new CpuBackend(net, KernelSelector.get(), threads)) {
                float[] single = b.infer(in, 1, 64, 64).image();
                float[] batch = b.infer(both, 2, 64, 64).image();
                float[] first = java.util.Arrays.copyOf(batch, single.length);
                float[] second = java.util.Arrays.copyOfRange(batch, single.length, 2 * single.length);
                assertThat(single).containsExactly(first);
                assertThat(single).containsExactly(second);
            }
        }
    }
}
