package io.smfd.runtime.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.smfd.BlurAssessment;
import io.smfd.DeblurModel;
import io.smfd.DeblurResult;
import io.smfd.Deblurrer;
import io.smfd.Device;
import io.smfd.FaceImage;
import io.smfd.ModelChoice;
import io.smfd.ModelException;
import io.smfd.ModelInfo;
import io.smfd.SharpFacePolicy;
import io.smfd.degrade.DegradationPipeline;
import io.smfd.degrade.Parameter;
import io.smfd.degrade.Range;
import io.smfd.spi.BackendConfig;
import io.smfd.spi.InferenceBackend;
import io.smfd.spi.ModelOutputs;
import io.smfd.spi.ModelSource;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * MAXIM on the {@code onnx} backend with the real {@code io.smfd:smfd-model-maxim} (on the test class path through
 * the root profile {@code maxim}, active whenever tests run): {@link Deblurrer}'s output against a direct ONNX
 * Runtime run and against the npm package's own TF.js output, padding, session caching, and AUTO on real faces.
 */
class MaximOnnxTest {

    private static byte[] maximBytes;
    private static Path golden;

    @BeforeAll
    static void load() {
        try {
            maximBytes = ModelSource.bundled(DeblurModel.MAXIM).readBytes();
        } catch (ModelException e) {
            assumeTrue(false, "io.smfd:smfd-model-maxim is not on the test class path (built with -P '!maxim'?): "
                    + e.getMessage());
        }
        for (Path d = Path.of(System.getProperty("user.dir")).toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isRegularFile(d.resolve("shared/data/maxim-golden/golden.json"))) {
                golden = d.resolve("shared/data/maxim-golden");
                break;
            }
        }
    }

    private static Deblurrer maxim(int threads) {
        return Deblurrer.builder().backend("onnx").device(Device.CPU).threads(threads)
                .sharpFaces(SharpFacePolicy.DEBLUR).modelChoice(ModelChoice.MAXIM).build();
    }

    /** MAXIM run directly with ONNX Runtime on an NHWC input of {@code h x w}, clipped to [0, 1]. */
    private static float[] direct(float[] nhwc, int h, int w) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            options.setSymbolicDimensionValue("batch", 1);
            options.setSymbolicDimensionValue("height", h);
            options.setSymbolicDimensionValue("width", w);
            try (OrtSession session = env.createSession(maximBytes, options);
                 OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(nhwc), new long[] {1, h, w, 3});
                 OrtSession.Result result = session.run(Map.of("input", x))) {
                FloatBuffer out = ((OnnxTensor) result.get("output").orElseThrow()).getFloatBuffer();
                float[] v = new float[out.remaining()];
                out.get(v);
                for (int i = 0; i < v.length; i++) {
                    v[i] = Math.min(1f, Math.max(0f, v[i]));
                }
                return v;
            }
        }
    }

    private static float[] nhwc(FaceImage img) {
        float[] p = img.toPlanarFloat();
        int plane = img.width() * img.height();
        float[] out = new float[p.length];
        for (int i = 0; i < plane; i++) {
            for (int c = 0; c < 3; c++) {
                out[3 * i + c] = p[c * plane + i];
            }
        }
        return out;
    }

    private static double maxAbs(float[] a, float[] b) {
        assertThat(a).hasSameSizeAs(b);
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }

    private static FaceImage goldenInput(String name) throws IOException {
        assumeTrue(golden != null, "MAXIM goldens not found: place them at ../shared/data/maxim-golden");
        BufferedImage img = ImageIO.read(golden.resolve(name + ".png").toFile());
        return FaceImage.fromBufferedImage(img);
    }

    @Test
    void deblurrerOutputMatchesADirectOrtRunAndTheTfjsGolden() throws Exception {
        FaceImage in = goldenInput("4501_128");
        float[] out;
        try (Deblurrer d = maxim(2)) {
            DeblurResult r = d.deblurAllWithResults(List.of(in)).get(0);
            assertThat(r.model()).contains(DeblurModel.MAXIM);
            out = nhwc(r.image());
            List<ModelInfo> models = d.models();
            assertThat(models).hasSize(2);
            assertThat(models.get(1).name()).isEqualTo("MAXIM-3S");
            assertThat(models.get(1).sha256()).isEqualTo(java.util.HexFormat.of().formatHex(
                    java.security.MessageDigest.getInstance("SHA-256").digest(maximBytes)));
            assertThat(models.get(1).source()).contains("io.smfd:smfd-model-maxim");
        }
        assertThat(maxAbs(out, direct(nhwc(in), 128, 128))).as("vs a direct ONNX Runtime run").isLessThan(1e-5);
        FloatBuffer tfjs = ByteBuffer.wrap(Files.readAllBytes(golden.resolve("4501_128.out.f32")))
                .order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        float[] expected = new float[tfjs.remaining()];
        tfjs.get(expected);
        for (int i = 0; i < expected.length; i++) {
            expected[i] = Math.min(1f, Math.max(0f, expected[i]));
        }
        assertThat(maxAbs(out, expected)).as("vs the npm package's TF.js output").isLessThan(1e-3);
        assertThat(maxAbs(out, nhwc(in))).as("MAXIM changes the face").isGreaterThan(0.05);
    }

    @Test
    void oddSizesAreReflectPaddedTo64AndCroppedBack() throws Exception {
        FaceImage face = goldenInput("4500_256");
        int w = 100;
        int h = 70;
        float[] src = face.toPlanarFloat();
        float[] crop = new float[3 * w * h];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < h; y++) {
                System.arraycopy(src, c * 256 * 256 + (y + 90) * 256 + 70, crop, c * w * h + y * w, w);
            }
        }
        FaceImage in = FaceImage.fromPlanarFloat(w, h, crop);
        FaceImage out;
        try (Deblurrer d = maxim(1)) {
            out = d.deblur(in);
        }
        assertThat(out.width()).isEqualTo(w);
        assertThat(out.height()).isEqualTo(h);
        // the same by hand: numpy-style reflect padding to 128 x 128, a direct run, the top-left crop
        int p = 128;
        float[] padded = new float[3 * p * p];
        for (int y = 0; y < p; y++) {
            for (int x = 0; x < p; x++) {
                int sy = reflect(y, h);
                int sx = reflect(x, w);
                for (int c = 0; c < 3; c++) {
                    padded[3 * (y * p + x) + c] = crop[c * w * h + sy * w + sx];
                }
            }
        }
        float[] full = direct(padded, p, p);
        float[] expected = new float[3 * w * h];
        for (int y = 0; y < h; y++) {
            System.arraycopy(full, 3 * y * p, expected, 3 * y * w, 3 * w);
        }
        assertThat(maxAbs(nhwc(out), expected)).isLessThan(1e-5);
    }

    private static int reflect(int i, int n) {
        int period = 2 * (n - 1);
        int r = i % period;
        return r < n ? r : period - r;
    }

    @Test
    void oneSessionPerPaddedSizeCreatedOnceUnderConcurrency() throws Exception {
        InferenceBackend b = new OnnxBackendProvider().create(BackendConfig.of(Device.CPU, 1,
                ModelSource.bundled(DeblurModel.MAXIM)));
        assertThat(b).isInstanceOf(MaximOnnxBackend.class);
        MaximOnnxBackend m = (MaximOnnxBackend) b;
        try {
            assertThat(m.modelInfo().classNames()).isEmpty();
            assertThat(m.modelInfo().sizeMultiple()).isEqualTo(64);
            assertThat(m.sessionCount()).as("sessions are created lazily").isZero();
            float[] in = new float[3 * 64 * 64];
            Random r = new Random(1);
            for (int i = 0; i < in.length; i++) {
                in[i] = r.nextFloat();
            }
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                List<Future<ModelOutputs>> fs = List.of(pool.submit(() -> m.infer(in, 1, 64, 64)),
                        pool.submit(() -> m.infer(in, 1, 64, 64)));
                ModelOutputs a = fs.get(0).get();
                ModelOutputs c = fs.get(1).get();
                assertThat(a.image()).containsExactly(c.image());
                assertThat(a.classes()).isZero();
            } finally {
                pool.shutdownNow();
            }
            assertThat(m.sessionCount()).isEqualTo(1);
            m.infer(new float[3 * 64 * 128], 1, 64, 128);
            assertThat(m.sessionCount()).isEqualTo(2);
            assertThatThrownBy(() -> m.infer(new float[3 * 64 * 96], 1, 64, 96))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("multiples of 64");
        } finally {
            m.close();
        }
        assertThat(m.sessionCount()).as("close releases every session").isZero();
        assertThatThrownBy(() -> m.infer(new float[3 * 64 * 64], 1, 64, 64)).isInstanceOf(IllegalStateException.class);
    }

    private static FaceImage degrade(FaceImage face, java.util.function.UnaryOperator<DegradationPipeline.Builder> k,
                                     boolean noisy) {
        DegradationPipeline.Builder b = k.apply(DegradationPipeline.builder()).scaleProbability(0);
        // visible sensor noise (no JPEG: JPEG 75 smooths 5/255 noise below what noiseSigma() sees, see docs/maxim.md)
        b = noisy ? b.noiseProbability(1).gaussianNoiseProbability(1).range(Parameter.GAUSSIAN_NOISE_SIGMA, Range.fixed(8))
                .jpegProbability(0)
                : b.noiseProbability(0).jpegProbability(0);
        return b.build().sample(7).applyTo(face);
    }

    @Test
    void autoSendsCleanMotionToMaximAndNoiseOrGaussianBlurToSmfd() {
        FaceImage sharp = Faces.evalFace(3);
        FaceImage motion = degrade(sharp, b -> b.familyWeights(0, 1, 0, 0)
                .range(Parameter.LINEAR_LENGTH, Range.fixed(13)), false);
        FaceImage noisyMotion = degrade(sharp, b -> b.familyWeights(0, 1, 0, 0)
                .range(Parameter.LINEAR_LENGTH, Range.fixed(13)), true);
        FaceImage gaussian = degrade(sharp, b -> b.familyWeights(0, 0, 1, 0).isotropicGaussianProbability(1)
                .range(Parameter.GAUSSIAN_SIGMA, Range.fixed(2)), false);
        try (Deblurrer auto = Deblurrer.builder().threads(2).modelChoice(ModelChoice.AUTO).build();
             Deblurrer smfd = Deblurrer.builder().backend("onnx").threads(2).build()) {
            assertThat(auto.backendName()).as("automatic selection picks a backend that runs MAXIM").isEqualTo("onnx");
            BlurAssessment a = auto.assess(motion);
            assertThat(auto.modelFor(motion)).as("clean motion: %s", a).contains(DeblurModel.MAXIM);
            assertThat(auto.modelFor(noisyMotion)).as("noisy motion: %s", auto.assess(noisyMotion))
                    .contains(DeblurModel.SMFD);
            assertThat(auto.modelFor(gaussian)).as("gaussian: %s", auto.assess(gaussian)).contains(DeblurModel.SMFD);
            assertThat(auto.modelFor(sharp)).as("sharp: %s", auto.assess(sharp)).isEmpty();
            List<DeblurResult> r = auto.deblurAllWithResults(List.of(sharp, motion, gaussian));
            assertThat(r).extracting(DeblurResult::model).containsExactly(Optional.empty(),
                    Optional.of(DeblurModel.MAXIM), Optional.of(DeblurModel.SMFD));
            assertThat(r.get(0).image()).isSameAs(sharp);
            assertThat(r.get(2).image()).as("SMFD faces come out as SMFD alone makes them")
                    .isEqualTo(smfd.deblur(gaussian));
            assertThat(r.get(1).image()).isNotEqualTo(smfd.deblur(motion)).isNotEqualTo(motion);
        }
    }
}
