package io.smfd.runtime.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import io.smfd.DeblurResult;
import io.smfd.Deblurrer;
import io.smfd.Device;
import io.smfd.FaceImage;
import io.smfd.FaceMasks;
import io.smfd.spi.BackendConfig;
import io.smfd.spi.InferenceBackend;
import io.smfd.spi.ModelOutputs;
import io.smfd.spi.ModelSource;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Deblurring real faces through the public API on the CPU: sizes, padding, batching, masks. */
class OnnxDeblurTest {

    private static final List<String> CLASSES =
            List.of("background", "skin", "brows", "eyes", "nose", "mouth", "hair", "accessories");

    private static Deblurrer deblurrer;

    @BeforeAll
    static void open() {
        deblurrer = Faces.onnxOnCpu(2);
    }

    @AfterAll
    static void close() {
        if (deblurrer != null) {
            deblurrer.close();
        }
    }

    @Test
    void deblursRealFacesAndOutputDiffersFromInput() {
        assertThat(deblurrer.backendName()).isEqualTo("onnx");
        assertThat(deblurrer.device()).isEqualTo(Device.CPU);
        for (int i = 0; i < 3; i++) {
            FaceImage face = Faces.evalFace(i);
            FaceImage out = deblurrer.deblur(face);
            assertThat(out.width()).isEqualTo(256);
            assertThat(out.height()).isEqualTo(256);
            assertThat(out).isNotEqualTo(face);
            assertThat(Faces.meanAbsDiff(out, face)).as("mean |out - in| of face %d", 4500 + i).isGreaterThan(1e-4);
            for (float v : out.toPlanarFloat()) {
                assertThat(v).isBetween(0f, 1f);
            }
        }
    }

    @Test
    void modelInfoComesFromTheModelMetadata() {
        try (InferenceBackend b = new OnnxBackendProvider()
                .create(BackendConfig.of(Device.CPU, 1, ModelSource.file(Faces.modelFile())))) {
            assertThat(b.modelInfo().classNames()).isEqualTo(CLASSES);
            assertThat(b.modelInfo().sizeMultiple()).isEqualTo(8);
            assertThat(b.modelInfo().version()).isNotBlank();
            assertThat(b.device()).isEqualTo(Device.CPU);
        }
    }

    @Test
    void oddSizesArePaddedAndCroppedBack() {
        FaceImage face = Faces.evalFace(3);
        int[][] sizes = {{97, 131}, {131, 97}, {16, 16}, {17, 255}, {255, 256}, {200, 201}};
        for (int[] s : sizes) {
            FaceImage in = Faces.crop(face, 0, 0, s[0], s[1]);
            DeblurResult r = deblurrer.deblurWithMasks(in);
            assertThat(r.image().width()).as("width of %dx%d", s[0], s[1]).isEqualTo(s[0]);
            assertThat(r.image().height()).as("height of %dx%d", s[0], s[1]).isEqualTo(s[1]);
            FaceMasks m = r.masks().orElseThrow();
            assertThat(m.width()).isEqualTo(s[0]);
            assertThat(m.height()).isEqualTo(s[1]);
            assertThat(m.classNames()).isEqualTo(CLASSES);
            assertSoftmax(m, s[0] * s[1]);
            // deterministic: the same odd-size input gives the same output
            assertThat(deblurrer.deblur(in)).isEqualTo(r.image());
        }
    }

    @Test
    void batchEqualsSingleResults() {
        List<FaceImage> faces = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            faces.add(Faces.downsample(Faces.evalFace(10 + i), 2)); // 128x128
        }
        faces.add(Faces.crop(Faces.evalFace(20), 5, 7, 97, 131)); // a different size in the same call
        List<FaceImage> batch = deblurrer.deblurAll(faces);
        assertThat(batch).hasSize(faces.size());
        double worst = 0;
        for (int i = 0; i < faces.size(); i++) {
            FaceImage single = deblurrer.deblur(faces.get(i));
            assertThat(batch.get(i).width()).isEqualTo(faces.get(i).width());
            assertThat(batch.get(i).height()).isEqualTo(faces.get(i).height());
            worst = Math.max(worst, Faces.maxAbsDiff(batch.get(i), single));
        }
        // ORT's CPU kernels may block a batch differently from a single image; allow float rounding only.
        assertThat(worst).as("max |batch - single|").isLessThan(1e-4);
    }

    @Test
    void backendRunsABatchInOneSessionRun() {
        try (InferenceBackend b = new OnnxBackendProvider()
                .create(BackendConfig.of(Device.CPU, 2, ModelSource.file(Faces.modelFile())))) {
            int n = 3;
            int h = 64;
            int w = 48;
            int plane = h * w;
            float[] input = new float[n * 3 * plane];
            for (int i = 0; i < n; i++) {
                float[] f = Faces.crop(Faces.evalFace(30 + i), 60, 80, w, h).toPlanarFloat();
                System.arraycopy(f, 0, input, i * 3 * plane, 3 * plane);
            }
            ModelOutputs all = b.infer(input, n, h, w);
            assertThat(all.batch()).isEqualTo(n);
            assertThat(all.classes()).isEqualTo(8);
            for (int i = 0; i < n; i++) {
                float[] one = new float[3 * plane];
                System.arraycopy(input, i * 3 * plane, one, 0, one.length);
                ModelOutputs single = b.infer(one, 1, h, w);
                for (int j = 0; j < 3 * plane; j++) {
                    assertThat(all.image()[i * 3 * plane + j]).isCloseTo(single.image()[j],
                            org.assertj.core.data.Offset.offset(1e-4f));
                }
            }
            assertThat(input).as("input is read-only").isEqualTo(input.clone());
        }
    }

    private static void assertSoftmax(FaceMasks m, int pixels) {
        float[][] p = new float[m.classNames().size()][];
        for (int k = 0; k < p.length; k++) {
            p[k] = m.probabilities(k);
        }
        for (int i = 0; i < pixels; i += 7) {
            float sum = 0;
            for (float[] plane : p) {
                assertThat(plane[i]).isBetween(0f, 1f);
                sum += plane[i];
            }
            assertThat(sum).isCloseTo(1f, org.assertj.core.data.Offset.offset(1e-3f));
        }
    }
}
