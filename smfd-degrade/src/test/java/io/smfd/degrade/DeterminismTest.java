package io.smfd.degrade;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.smfd.FaceImage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The same seed gives a bit-identical image across runs and threads. */
class DeterminismTest {
    private static final int SEEDS = 24;

    @Test
    void eightThreadsMatchSingleThreadedRunBitForBit() throws Exception {
        FaceImage face = TestSupport.synthetic(96, 96);
        DegradationPipeline pipe = DegradationPipeline.defaults();
        float[][] reference = new float[SEEDS][];
        for (int s = 0; s < SEEDS; s++) {
            reference[s] = pipe.apply(face, 1000 + s).toPlanarFloat();
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<float[][]>> futures = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                final int offset = t;
                futures.add(pool.submit(() -> {
                    float[][] out = new float[SEEDS][];
                    for (int i = 0; i < SEEDS; i++) {
                        int s = (i + offset * 3) % SEEDS; // different orders per thread
                        out[s] = pipe.apply(face, 1000 + s).toPlanarFloat();
                    }
                    return out;
                }));
            }
            for (Future<float[][]> f : futures) {
                float[][] got = f.get();
                for (int s = 0; s < SEEDS; s++) {
                    assertArrayEquals(reference[s], got[s], "seed " + (1000 + s));
                }
            }
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void repeatedRunsAndSampleThenApplyAgree() {
        FaceImage face = TestSupport.synthetic(64, 80);
        DegradationPipeline pipe = DegradationPipeline.defaults();
        for (long seed = 0; seed < 40; seed++) {
            FaceImage a = pipe.apply(face, seed);
            FaceImage b = pipe.sample(seed).applyTo(face);
            assertEquals(64, a.width());
            assertEquals(80, a.height());
            assertEquals(a, b, "seed " + seed);
        }
    }
}
