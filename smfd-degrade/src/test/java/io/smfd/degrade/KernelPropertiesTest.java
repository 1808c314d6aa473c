package io.smfd.degrade;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Kernels sum to 1, are non-negative, odd-sized and centred; sampling is deterministic. */
class KernelPropertiesTest {

    @Test
    void kernelsSumToOneAreNonNegativeAndCentred() {
        DegradationPipeline pipe = DegradationPipeline.defaults();
        Map<BlurFamily, Integer> counts = new EnumMap<>(BlurFamily.class);
        int maxTrajectory = 0;
        for (long seed = 0; seed < 2000; seed++) {
            Degradation d = pipe.sample(seed);
            counts.merge(d.family(), 1, Integer::sum);
            assertKernelValid(d);
            if (d.family() == BlurFamily.TRAJECTORY) {
                maxTrajectory = Math.max(maxTrajectory, d.kernelSize());
                assertTrue(d.kernelSize() >= 9 && d.kernelSize() <= 31, d.describe());
            }
        }
        assertEquals(31, maxTrajectory, "trajectory kernels reach 31x31");
        for (BlurFamily f : BlurFamily.values()) {
            assertTrue(counts.getOrDefault(f, 0) > 200, "family " + f + " drawn: " + counts);
        }
    }

    @Test
    void largeTrajectoryKernelsAreSupported() {
        DegradationPipeline pipe = TestSupport.blurOnly(BlurFamily.TRAJECTORY)
                .range(Parameter.TRAJECTORY_SIZE, Range.of(33, 63, 2)).build();
        for (long seed = 0; seed < 50; seed++) {
            Degradation d = pipe.sample(seed);
            assertTrue(d.kernelSize() >= 33 && d.kernelSize() <= 63);
            assertKernelValid(d);
        }
    }

    @Test
    void trajectoryIsRenderedWithSubpixelWeights() {
        Degradation d = TestSupport.blurOnly(BlurFamily.TRAJECTORY).build().sample(7);
        double[] k = d.kernel();
        double max = 0;
        int nonZero = 0;
        for (double v : k) {
            max = Math.max(max, v);
            nonZero += v > 0 ? 1 : 0;
        }
        // bilinear splatting spreads each point over 4 pixels: many distinct fractional weights
        assertTrue(nonZero >= 8, "path covers several pixels: " + nonZero);
        assertTrue(max < 0.5, "no single pixel holds the whole path");
    }

    @Test
    void linearKernelFollowsItsAngleAndLength() {
        DegradationPipeline pipe = TestSupport.blurOnly(BlurFamily.LINEAR)
                .range(Parameter.LINEAR_LENGTH, Range.fixed(10))
                .range(Parameter.LINEAR_ANGLE, Range.fixed(0)).build();
        Degradation d = pipe.sample(1);
        int k = d.kernelSize();
        assertEquals(13, k);
        double[] ker = d.kernel();
        int c = k / 2;
        double row = 0;
        for (int x = 0; x < k; x++) {
            row += ker[c * k + x];
        }
        assertEquals(1.0, row, 1e-12, "horizontal motion lies on the centre row");
        assertTrue(ker[c * k + c - 5] > 0 && ker[c * k + c + 5] > 0, "spans 10 pixels");
        assertEquals(0.0, ker[c * k + c - 6], 0.0);
    }

    @Test
    void sameSeedGivesIdenticalDegradation() {
        DegradationPipeline a = DegradationPipeline.defaults();
        DegradationPipeline b = DegradationPipeline.builder().build();
        for (long seed = -50; seed < 50; seed++) {
            Degradation x = a.sample(seed);
            Degradation y = b.sample(seed);
            assertArrayEquals(x.kernel(), y.kernel());
            assertEquals(x.parameters(), y.parameters());
            assertEquals(x.describe(), y.describe());
            assertEquals(x.noiseSeed(), y.noiseSeed());
        }
    }

    @Test
    void kernelAccessorReturnsACopy() {
        Degradation d = DegradationPipeline.defaults().sample(3);
        double[] k = d.kernel();
        k[0] = 42;
        assertTrue(d.kernel()[0] != 42);
    }

    static void assertKernelValid(Degradation d) {
        int k = d.kernelSize();
        double[] ker = d.kernel();
        assertEquals(1, k % 2, "odd size: " + d.describe());
        assertEquals(k * k, ker.length);
        double sum = 0;
        double cx = 0;
        double cy = 0;
        for (int y = 0; y < k; y++) {
            for (int x = 0; x < k; x++) {
                double v = ker[y * k + x];
                assertTrue(v >= 0 && Double.isFinite(v), "non-negative: " + d.describe());
                sum += v;
                cx += v * x;
                cy += v * y;
            }
        }
        assertEquals(1.0, sum, 1e-12, "sum: " + d.describe());
        double c = (k - 1) / 2.0;
        assertEquals(c, cx, 1e-9, "centroid x: " + d.describe());
        assertEquals(c, cy, 1e-9, "centroid y: " + d.describe());
    }
}
