package io.smfd.runtime.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import io.smfd.spi.ModelOutputs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Parity with ONNX Runtime on the same model bytes and the same (already padded) inputs: real faces and random
 * inputs at odd padded sizes, batch 1 and 2. Runs with the kernels this JVM selects: the default surefire
 * execution uses the vector kernels, the {@code scalar-kernels} execution {@code -Dsmfd.cpu.vector=false}.
 */
class OrtParityTest {

    static final float TOLERANCE = 1e-4f;

    private static OrtEnvironment env;
    private static OrtSession session;
    private static CpuBackend cpu;

    @BeforeAll
    static void setUp() throws Exception {
        byte[] bytes = TestModels.modelBytes();
        env = OrtEnvironment.getEnvironment();
        OrtSession.SessionOptions opts = new OrtSession.SessionOptions();
        opts.setIntraOpNumThreads(2);
        session = env.createSession(bytes, opts);
        cpu = new CpuBackend(CpuBackendProvider.load(bytes, "test model"), KernelSelector.get(), 2);
        System.out.println("OrtParityTest kernels: " + cpu.kernels().description());
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (session != null) {
            session.close();
        }
        if (cpu != null) {
            cpu.close();
        }
    }

    static float[][] ort(float[] x, int n, int h, int w) throws Exception {
        try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), new long[] {n, 3, h, w});
             OrtSession.Result r = session.run(Map.of("input", t))) {
            float[] image = flat((OnnxTensor) r.get("image").get());
            float[] masks = flat((OnnxTensor) r.get("masks").get());
            return new float[][] {image, masks};
        }
    }

    private static float[] flat(OnnxTensor t) {
        FloatBuffer b = t.getFloatBuffer();
        float[] a = new float[b.remaining()];
        b.get(a);
        return a;
    }

    private static float[] check(String what, float[] x, int n, int h, int w) throws Exception {
        float[][] ref = ort(x, n, h, w);
        ModelOutputs out = cpu.infer(x, n, h, w);
        float ei = TestModels.maxAbs(ref[0], out.image());
        float em = TestModels.maxAbs(ref[1], out.masks());
        System.out.printf("parity[%s] %s [%d,3,%d,%d]: max|image| %.3g, max|masks| %.3g%n",
                cpu.kernels().description(), what, n, h, w, ei, em);
        assertThat(ei).as("image max abs error " + what).isLessThanOrEqualTo(TOLERANCE);
        assertThat(em).as("masks max abs error " + what).isLessThanOrEqualTo(TOLERANCE);
        return new float[] {ei, em};
    }

    @Test
    void realFaces() throws Exception {
        List<Path> faces = TestModels.faces(3);
        int[][] sizes = {{128, 128}, {112, 112}, {256, 256}};
        for (int i = 0; i < faces.size(); i++) {
            int h = sizes[i % sizes.length][0];
            int w = sizes[i % sizes.length][1];
            check(faces.get(i).getFileName().toString(), TestModels.face(faces.get(i), h, w), 1, h, w);
        }
        // odd (padded) size from a real face, batch of two faces
        List<Path> two = TestModels.faces(2);
        float[] a = TestModels.face(two.get(0), 104, 136);
        float[] b = TestModels.face(two.get(two.size() - 1), 104, 136);
        float[] batch = new float[a.length * 2];
        System.arraycopy(a, 0, batch, 0, a.length);
        System.arraycopy(b, 0, batch, a.length, b.length);
        check("faces batch", batch, 2, 104, 136);
    }

    @Test
    void randomOddSizes() throws Exception {
        int[][] sizes = {{104, 136}, {8, 8}, {24, 40}, {72, 56}};
        long seed = 1;
        for (int[] s : sizes) {
            check("random", TestModels.random(seed++, 3 * s[0] * s[1]), 1, s[0], s[1]);
        }
        check("random batch", TestModels.random(seed, 3 * 3 * 40 * 48), 3, 40, 48);
    }
}
