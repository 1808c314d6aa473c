package io.smfd.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smfd.DeblurResult;
import io.smfd.FaceImage;
import io.smfd.ModelInfo;
import io.smfd.SmfdException.Reason;
import io.smfd.SmfdException;
import io.smfd.fakes.FakeBackend;
import io.smfd.spi.InferenceBackend;
import io.smfd.spi.ModelMetadata;
import io.smfd.spi.ModelOutputs;
import io.smfd.spi.ModelSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class DefaultDeblurrerTest {

    /** Stand-in model file: the fake backend ignores it, the deblurrer hashes it for {@code modelInfo()}. */
    static final ModelSource MODEL;

    static {
        try {
            Path f = Files.createTempFile("smfd-fake", ".onnx");
            Files.write(f, "abc".getBytes(StandardCharsets.US_ASCII));
            f.toFile().deleteOnExit();
            MODEL = ModelSource.file(f);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static FaceImage random(int w, int h, long seed) {
        Random r = new Random(seed);
        float[] p = new float[3 * w * h];
        for (int i = 0; i < p.length; i++) {
            p[i] = r.nextInt(256) / 255f;
        }
        return FaceImage.fromPlanarFloat(w, h, p);
    }

    @Test
    void oddSizeIsReflectPaddedToTheMultipleAndCroppedBack() {
        FakeBackend backend = new FakeBackend();
        FaceImage in = random(97, 131, 1);
        try (DefaultDeblurrer d = new DefaultDeblurrer("fake", backend, MODEL)) {
            FaceImage out = d.deblur(in);
            assertThat(out).isEqualTo(in);
        }
        assertThat(backend.calls).hasSize(1);
        FakeBackend.Call call = backend.calls.get(0);
        assertThat(call.batch()).isEqualTo(1);
        assertThat(call.width()).isEqualTo(104);
        assertThat(call.height()).isEqualTo(136);
        float[] src = in.toPlanarFloat();
        float[] padded = call.input();
        int pw = 104;
        int ph = 136;
        // reflect without repeating the edge: x=97 -> 95, x=103 -> 89; y=131 -> 129, y=135 -> 125
        for (int c = 0; c < 3; c++) {
            int s = c * 97 * 131;
            int p = c * pw * ph;
            assertThat(padded[p + 10 * pw + 97]).isEqualTo(src[s + 10 * 97 + 95]);
            assertThat(padded[p + 10 * pw + 103]).isEqualTo(src[s + 10 * 97 + 89]);
            assertThat(padded[p + 131 * pw + 5]).isEqualTo(src[s + 129 * 97 + 5]);
            assertThat(padded[p + 135 * pw + 100]).isEqualTo(src[s + 125 * 97 + 92]);
            assertThat(padded[p + 42 * pw + 42]).isEqualTo(src[s + 42 * 97 + 42]);
        }
    }

    @Test
    void masksAreCroppedAndNamed() {
        FaceImage in = random(97, 131, 2);
        try (DefaultDeblurrer d = new DefaultDeblurrer("fake", new FakeBackend(), MODEL)) {
            DeblurResult r = d.deblurWithMasks(in);
            assertThat(r.image()).isEqualTo(in);
            assertThat(r.masks().orElseThrow().classNames()).isEqualTo(FakeBackend.CLASSES);
            assertThat(r.masks().orElseThrow().width()).isEqualTo(97);
            assertThat(r.masks().orElseThrow().height()).isEqualTo(131);
            float[] planes = in.toPlanarFloat();
            int n = 97 * 131;
            assertThat(r.masks().orElseThrow().probabilities("skin")).containsExactly(Arrays.copyOfRange(planes, n, 2 * n));
            assertThat(r.masks().orElseThrow().probabilities(2)).containsExactly(Arrays.copyOfRange(planes, 2 * n, 3 * n));
        }
    }

    @Test
    void deblurAllBatchesBySizeAndKeepsOrder() {
        FakeBackend backend = new FakeBackend();
        List<FaceImage> in = List.of(random(32, 32, 1), random(97, 131, 2), random(32, 32, 3),
                random(97, 131, 4), random(40, 24, 5));
        try (DefaultDeblurrer d = new DefaultDeblurrer("fake", backend, MODEL)) {
            assertThat(d.deblurAll(in)).containsExactlyElementsOf(in);
            assertThat(d.deblurAll(List.of())).isEmpty();
        }
        assertThat(backend.calls).extracting(c -> c.batch() + "x" + c.height() + "x" + c.width())
                .containsExactly("2x32x32", "2x136x104", "1x24x40");
    }

    @Test
    void largeGroupsAreSplitIntoBoundedBatches() {
        assertThat(DefaultDeblurrer.batchSize(2048, 2048)).isEqualTo(1);
        assertThat(DefaultDeblurrer.batchSize(512, 512)).isEqualTo(16);
        assertThat(DefaultDeblurrer.batchSize(1024, 1024)).isEqualTo(4);
        FakeBackend backend = new FakeBackend();
        List<FaceImage> in = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            in.add(random(16, 16, i));
        }
        try (DefaultDeblurrer d = new DefaultDeblurrer("fake", backend, MODEL)) {
            assertThat(d.deblurAll(in)).containsExactlyElementsOf(in);
        }
        assertThat(backend.calls).extracting(FakeBackend.Call::batch).containsExactly(16, 4);
    }

    @Test
    void outputIsClampedToUnitRange() {
        FakeBackend backend = new FakeBackend(8, x -> {
            for (int i = 0; i < x.length; i++) {
                x[i] = i % 2 == 0 ? 1.5f : -0.5f;
            }
            return x;
        });
        try (DefaultDeblurrer d = new DefaultDeblurrer("fake", backend, MODEL)) {
            float[] out = d.deblur(random(20, 18, 3)).toPlanarFloat();
            assertThat(out).containsOnly(0f, 1f).contains(0f, 1f);
        }
    }

    @Test
    void nanOutputIsAnInferenceException() {
        FakeBackend backend = new FakeBackend(8, x -> {
            x[0] = Float.NaN;
            return x;
        });
        try (DefaultDeblurrer d = new DefaultDeblurrer("fake", backend, MODEL)) {
            assertThatThrownBy(() -> d.deblur(random(16, 16, 1)))
                    .isInstanceOf(SmfdException.class).hasFieldOrPropertyWithValue("reason", Reason.INFERENCE_FAILED).hasMessageContaining("NaN");
        }
    }

    @Test
    void backendFailuresAndWrongShapesBecomeInferenceExceptions() {
        InferenceBackend failing = new FakeBackend(8, x -> {
            throw new IllegalStateException("device lost");
        });
        try (DefaultDeblurrer d = new DefaultDeblurrer("fake", failing, MODEL)) {
            assertThatThrownBy(() -> d.deblur(random(16, 16, 1)))
                    .isInstanceOf(SmfdException.class).hasFieldOrPropertyWithValue("reason", Reason.INFERENCE_FAILED).hasMessageContaining("device lost")
                    .hasCauseInstanceOf(IllegalStateException.class);
        }
        InferenceBackend wrongShape = new InferenceBackend() {
            @Override
            public ModelMetadata modelInfo() {
                return ModelMetadata.of("x", List.of("a", "b"), 8);
            }

            @Override
            public ModelOutputs infer(float[] in, int batch, int h, int w) {
                return new ModelOutputs(new float[3 * 8 * 8], new float[2 * 8 * 8], 1, 2, 8, 8);
            }

            @Override
            public void close() {
            }
        };
        try (DefaultDeblurrer d = new DefaultDeblurrer("fake", wrongShape, MODEL)) {
            assertThatThrownBy(() -> d.deblur(random(16, 16, 1)))
                    .isInstanceOf(SmfdException.class).hasFieldOrPropertyWithValue("reason", Reason.INFERENCE_FAILED).hasMessageContaining("H=16");
        }
    }

    @Test
    void closeIsIdempotentAndUseAfterCloseFails() {
        FakeBackend backend = new FakeBackend();
        DefaultDeblurrer d = new DefaultDeblurrer("fake", backend, MODEL);
        d.close();
        d.close();
        assertThat(backend.closeCount.get()).isEqualTo(1);
        assertThat(d.backendName()).isEqualTo("fake");
        FaceImage img = random(16, 16, 1);
        assertThat(d.modelInfo().version()).isEqualTo("fake-1");
        assertThatThrownBy(() -> d.deblur(img)).isExactlyInstanceOf(SmfdException.class)
                .hasFieldOrPropertyWithValue("reason", Reason.CLOSED).hasMessage("This Deblurrer (backend 'fake') is closed");
        assertThatThrownBy(() -> d.deblurAll(List.of(img))).isExactlyInstanceOf(SmfdException.class)
                .hasFieldOrPropertyWithValue("reason", Reason.CLOSED);
        assertThatThrownBy(() -> d.deblurWithMasks(img)).isExactlyInstanceOf(SmfdException.class)
                .hasFieldOrPropertyWithValue("reason", Reason.CLOSED);
    }

    @Test
    void modelInfoNamesTheModelItsChecksumAndSource() {
        try (DefaultDeblurrer d = new DefaultDeblurrer("fake", new FakeBackend(), MODEL)) {
            ModelInfo info = d.modelInfo();
            assertThat(info.name()).isEqualTo("SMFD-UNet");
            assertThat(info.version()).isEqualTo("fake-1");
            // SHA-256 of "abc", the bytes of the stand-in model file
            assertThat(info.sha256()).isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
            assertThat(info.source()).startsWith("model file ").endsWith(".onnx");
            assertThat(info.classNames()).isEqualTo(FakeBackend.CLASSES);
            assertThat(info.sizeMultiple()).isEqualTo(8);
            assertThat(info.modelCard()).isEmpty();
            assertThat(info.summary()).isEqualTo("SMFD-UNet fake-1, sha256 ba7816bf8f01, 3 classes, " + info.source());
            assertThat(d.toString()).contains("model=SMFD-UNet fake-1");
        }
    }

    @Test
    void modelCardNameIsTheTopLevelOne() {
        assertThat(ModelInfos.cardName("{\"input\": {\"name\": \"input\"}, \"name\": \"My \\\"Net\\\"\", \"v\": [1]}"))
                .isEqualTo("My \"Net\"");
        assertThat(ModelInfos.cardName("{\"input\": {\"name\": \"input\"}}")).isEqualTo("SMFD-UNet");
        assertThat(ModelInfos.cardName("")).isEqualTo("SMFD-UNet");
        assertThat(ModelInfos.cardName("{\"classes\": [\"a\"], \"name\": \"X\"}")).isEqualTo("X");
    }

    @Test
    void modelInfoRejectsABadChecksum() {
        assertThatThrownBy(() -> new ModelInfo("n", "v", "xyz", "s", List.of("a"), 8, ""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sha256");
    }

    @Test
    void nullArgumentsNameTheParameter() {
        try (DefaultDeblurrer d = new DefaultDeblurrer("fake", new FakeBackend(), MODEL)) {
            assertThatThrownBy(() -> d.deblur(null)).isInstanceOf(NullPointerException.class).hasMessage("image");
            assertThatThrownBy(() -> d.deblurWithMasks(null)).isInstanceOf(NullPointerException.class).hasMessage("image");
            assertThatThrownBy(() -> d.deblurAll(null)).isInstanceOf(NullPointerException.class).hasMessage("images");
            assertThatThrownBy(() -> d.deblurAll(Arrays.asList(random(16, 16, 1), null)))
                    .isInstanceOf(NullPointerException.class).hasMessage("images[1]");
        }
    }

    @Test
    void concurrentCallsAreSafe() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try (DefaultDeblurrer d = new DefaultDeblurrer("fake", new FakeBackend(), MODEL)) {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                FaceImage img = random(17 + i, 33, i);
                results.add(pool.submit(() -> d.deblur(img).equals(img)));
            }
            for (Future<Boolean> f : results) {
                assertThat(f.get()).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void reflectMapsLikeNumpyReflect() {
        assertThat(new int[] {DefaultDeblurrer.reflect(0, 4), DefaultDeblurrer.reflect(3, 4),
                DefaultDeblurrer.reflect(4, 4), DefaultDeblurrer.reflect(5, 4), DefaultDeblurrer.reflect(6, 4),
                DefaultDeblurrer.reflect(7, 4)}).containsExactly(0, 3, 2, 1, 0, 1);
    }
}
