package io.smfd.model.maxim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The converted model, run by ONNX Runtime, against the npm package's own TF.js outputs
 * ({@code ../shared/data/maxim-golden}, computed with @tensorflow/tfjs 4.22.0; see its README).
 */
class MaximGoldenTest {

    /** Tolerance of the issue: max abs difference on the [0, 1] scale. */
    private static final double TOLERANCE = 1e-3;

    private static Path golden;
    private static byte[] model;

    @BeforeAll
    static void load() {
        golden = findGolden();
        assumeTrue(golden != null, "MAXIM goldens not found: place them at ../shared/data/maxim-golden");
        model = MaximModel.onnxBytes();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"4500_256, 256", "4501_128, 128", "4502_128, 128"})
    void matchesTheTfjsOutput(String face, int size) throws Exception {
        float[] input = rgb(ImageIO.read(golden.resolve(face + ".png").toFile()), size);
        float[] expected = f32(golden.resolve(face + ".out.f32"));
        float[] actual = run(input, size);
        assertThat(actual).hasSameSizeAs(expected);
        double maxAbs = 0;
        double moved = 0;
        for (int i = 0; i < actual.length; i++) {
            maxAbs = Math.max(maxAbs, Math.abs(actual[i] - expected[i]));
            moved = Math.max(moved, Math.abs(actual[i] - input[i]));
        }
        assertThat(maxAbs).as("max |ONNX - TF.js| for %s", face).isLessThan(TOLERANCE);
        assertThat(moved).as("the model changes the blurry input").isGreaterThan(0.05);
    }

    @Test
    void deblursTheHeldOutFaceByMoreThanFiveDecibels() throws Exception {
        // 4500_256 is eval/images/4500.jpg (256 px, not resized) with 11 px linear motion.
        Path sharpFile = golden.resolve("../celebamask-hq-mini/eval/images/4500.jpg").normalize();
        assumeTrue(Files.isRegularFile(sharpFile), "held-out face not found: " + sharpFile);
        float[] sharp = rgb(ImageIO.read(sharpFile.toFile()), 256);
        float[] blurry = rgb(ImageIO.read(golden.resolve("4500_256.png").toFile()), 256);
        double before = psnr8(blurry, sharp);
        double after = psnr8(run(blurry, 256), sharp);
        // TF.js output of the package: 28.91 dB from 23.25 dB (PIL decoding of the JPEG)
        assertThat(after).as("PSNR after (before %.2f dB)", before).isGreaterThan(before + 5).isGreaterThan(28.5);
    }

    /** PSNR of the output clipped and rounded to 8 bits, as an application would save it. */
    private static double psnr8(float[] image, float[] reference) {
        double se = 0;
        for (int i = 0; i < image.length; i++) {
            double a = Math.round(Math.min(1f, Math.max(0f, image[i])) * 255f);
            double d = a - Math.round(reference[i] * 255f);
            se += d * d;
        }
        return 10 * Math.log10(255.0 * 255.0 / (se / image.length));
    }

    private static float[] run(float[] input, int size) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            options.setSymbolicDimensionValue(MaximModel.DIM_BATCH, 1);
            options.setSymbolicDimensionValue(MaximModel.DIM_HEIGHT, size);
            options.setSymbolicDimensionValue(MaximModel.DIM_WIDTH, size);
            try (OrtSession session = env.createSession(model, options);
                 OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(input), new long[] {1, size, size, 3});
                 OrtSession.Result result = session.run(Map.of(MaximModel.INPUT, x))) {
                FloatBuffer out = ((OnnxTensor) result.get(MaximModel.OUTPUT).orElseThrow()).getFloatBuffer();
                float[] values = new float[out.remaining()];
                out.get(values);
                return values;
            }
        }
    }

    /** NHWC RGB / 255, exactly as the goldens' README describes. */
    private static float[] rgb(BufferedImage image, int size) {
        assertThat(image.getWidth()).isEqualTo(size);
        assertThat(image.getHeight()).isEqualTo(size);
        float[] v = new float[size * size * 3];
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                int p = image.getRGB(x, y);
                int i = (y * size + x) * 3;
                v[i] = ((p >> 16) & 0xff) / 255f;
                v[i + 1] = ((p >> 8) & 0xff) / 255f;
                v[i + 2] = (p & 0xff) / 255f;
            }
        }
        return v;
    }

    private static float[] f32(Path file) throws IOException {
        FloatBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        float[] v = new float[b.remaining()];
        b.get(v);
        return v;
    }

    /** {@code shared/data/maxim-golden} found by walking up from user.dir; null if absent. */
    private static Path findGolden() {
        for (Path d = Path.of(System.getProperty("user.dir")).toAbsolutePath(); d != null; d = d.getParent()) {
            Path p = d.resolve("shared/data/maxim-golden");
            if (Files.isRegularFile(p.resolve("golden.json"))) {
                return p;
            }
        }
        return null;
    }
}
