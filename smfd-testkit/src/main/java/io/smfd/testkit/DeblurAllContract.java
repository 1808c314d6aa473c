package io.smfd.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.smfd.Deblurrer;
import io.smfd.Device;
import io.smfd.FaceImage;
import io.smfd.SharpFacePolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Contract of {@code deblurAll} that every backend runs (a subclass per backend names it in {@link #backend()}):
 * every face's output is bit-for-bit what {@code deblur} gives that face alone, in its own position, with two
 * sizes interleaved (two batches) and an odd count per size (whole faces per thread plus a remainder); all
 * outputs differ, so faces mixed up or results reordered fail. Concurrent {@code deblurAll} and {@code deblur}
 * calls on the same Deblurrer give the same bits.
 *
 * <p>Lives in smfd-testkit (test scope of each runtime module), not in a test-jar: see that module's pom.
 */
public abstract class DeblurAllContract {

    /** The backend under test, as passed to {@code Deblurrer.Builder.backend}. */
    protected abstract String backend();

    /** Distinct smooth faces with seeded noise (no data set needed). */
    protected static FaceImage face(int w, int h, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] px = new float[3 * w * h];
        double fx = 0.05 + 0.2 * r.nextDouble();
        double fy = 0.05 + 0.2 * r.nextDouble();
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    double v = 0.5 + 0.3 * Math.sin(x * fx + c) * Math.cos(y * fy) + 0.1 * (r.nextDouble() - 0.5);
                    px[c * w * h + y * w + x] = (float) Math.max(0, Math.min(1, v));
                }
            }
        }
        return FaceImage.fromPlanarFloat(w, h, px);
    }

    @ParameterizedTest(name = "threads={0}")
    @ValueSource(ints = {1, 2})
    public void deblurAllIsDeblurPerFaceBitForBitInOrder(int threads) throws Exception {
        List<FaceImage> faces = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            // 3 + 5, interleaved; at 112 px the vector kernels' results depend on how a layer is split over threads
            faces.add(i % 3 == 0 ? face(112, 112, 700 + i) : face(40, 32, 700 + i));
        }
        try (Deblurrer d = Deblurrer.builder().backend(backend()).device(Device.CPU).threads(threads)
                .sharpFaces(SharpFacePolicy.DEBLUR).build()) {
            assertThat(d.backendName()).as("backend in use").isEqualTo(backend());
            List<float[]> alone = new ArrayList<>();
            for (FaceImage f : faces) {
                alone.add(d.deblur(f).toPlanarFloat());
            }
            for (int i = 0; i < alone.size(); i++) {
                for (int j = 0; j < i; j++) {
                    assertThat(alone.get(i)).as("outputs of faces %d and %d differ", j, i).isNotEqualTo(alone.get(j));
                }
            }
            List<FaceImage> all = d.deblurAll(faces);
            assertThat(all).hasSameSizeAs(faces);
            for (int i = 0; i < faces.size(); i++) {
                assertThat(all.get(i).width()).isEqualTo(faces.get(i).width());
                assertThat(all.get(i).toPlanarFloat()).as("face %d", i).containsExactly(alone.get(i));
            }
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                List<Future<?>> fs = new ArrayList<>();
                for (int t = 0; t < 2; t++) {
                    int k = t;
                    fs.add(pool.submit(() -> {
                        List<FaceImage> got = d.deblurAll(faces);
                        for (int i = 0; i < faces.size(); i++) {
                            assertThat(got.get(i).toPlanarFloat()).as("concurrent deblurAll, face %d", i)
                                    .containsExactly(alone.get(i));
                        }
                        int i = 3 * k; // a 112 px face
                        assertThat(d.deblur(faces.get(i)).toPlanarFloat()).as("concurrent deblur, face %d", i)
                                .containsExactly(alone.get(i));
                        return null;
                    }));
                }
                for (Future<?> f : fs) {
                    f.get();
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }
}
