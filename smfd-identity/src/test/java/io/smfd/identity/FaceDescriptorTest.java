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
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link FaceDescriptor} against the descriptors that {@code @vladmandic/face-api} 1.7.15's own JavaScript
 * computed ({@code shared/data/face-descriptor/golden-descriptors.json}), its framing against the chips PIL cut
 * ({@code shared/data/face-descriptor/chips}), and its input contract. Tests that need the reference data skip
 * when {@code <ancestor>/shared/data/face-descriptor} is not found above the working directory.
 */
class FaceDescriptorTest {

    /** Tolerance per component against the golden descriptors (issue 12). */
    private static final double GOLDEN_TOLERANCE = 1e-3;

    private static Path refDir;
    private static FaceDescriptor descriptor;

    @BeforeAll
    static void load() {
        refDir = find("face-descriptor", "golden-descriptors.json");
        descriptor = FaceDescriptor.create(2);
    }

    @AfterAll
    static void close() {
        if (descriptor != null) {
            descriptor.close();
        }
    }

    private static void assumeReference() {
        MatcherTests.assumeReference(refDir, "face-descriptor", "face-descriptor");
    }

    /** Parses {"4500.png": [..128 numbers..], ...}. */
    private static Map<String, float[]> golden() throws IOException {
        return MatcherTests.golden(refDir.resolve("golden-descriptors.json"), "[^\"]+");
    }

    @Test
    void reproducesTheGoldenDescriptorsOfTheTenChips() throws IOException {
        assumeReference();
        Map<String, float[]> golden = golden();
        assertThat(golden).hasSize(10);
        List<FaceImage> chips = readChips(refDir, 150);
        float[] tensor = new float[chips.size() * 3 * 150 * 150];
        for (int i = 0; i < chips.size(); i++) {
            FaceDescriptor.chipTensor(chips.get(i).toRgbBytes(), tensor, i * 3 * 150 * 150);
        }
        float[][] batch = descriptor.describeChips(tensor, chips.size());
        double max = 0;
        for (int i = 0; i < CHIPS.size(); i++) {
            float[] want = golden.get(CHIPS.get(i) + ".png");
            assertThat(batch[i]).hasSize(FaceDescriptor.DIMENSION);
            for (int k = 0; k < want.length; k++) {
                max = Math.max(max, Math.abs(batch[i][k] - want[k]));
            }
            // describe() frames its input, so a 150x150 chip is cropped again: use the batch path for chips,
            // and check batch 1 = batch 10 through describeChips on one chip
            float[][] one = descriptor.describeChips(java.util.Arrays.copyOfRange(tensor, i * 67500, (i + 1) * 67500), 1);
            for (int k = 0; k < want.length; k++) {
                assertThat((double) one[0][k]).isCloseTo(want[k], within(GOLDEN_TOLERANCE));
            }
        }
        System.out.printf("[FaceDescriptorTest] max |ORT Java - face-api golden| over 10 chips x 128 = %.3g%n", max);
        assertThat(max).isLessThan(GOLDEN_TOLERANCE);
        // the ten chips are ten different people: all pairs farther apart than the threshold
        for (int i = 0; i < batch.length; i++) {
            for (int j = i + 1; j < batch.length; j++) {
                assertThat(FaceDescriptor.distance(batch[i], batch[j])).isGreaterThan(FaceDescriptor.SAME_PERSON_THRESHOLD);
            }
        }
    }

    /**
     * Framing: PIL's crop + BILINEAR resize of the JPEG faces. The reference chips were cut from the JPEGs as
     * decoded by libjpeg (Pillow); here ImageIO decodes them, so the chips can differ where the two JPEG decoders
     * do. Measured: identical on all ten faces (max difference 0).
     */
    @Test
    void framingReproducesThePilChips() throws IOException {
        assumeReference();
        MatcherTests.Framing framing = frameHeldOutFaces(refDir, FaceDescriptor::chip);
        System.out.printf("[FaceDescriptorTest] framing: max |Java chip - PIL chip| = %d grey levels, %d values differ%n",
                framing.maxDiff(), framing.differing());
        assertThat(framing.maxDiff()).as("max grey-level difference to the PIL chips").isZero();
        // describe() = chip + net: the same descriptors as the golden ones
        assertCloseToGolden(descriptor.describeAll(framing.aligned()), golden(), GOLDEN_TOLERANCE);
    }

    @Test
    void pillowBilinearCoefficientsMatchPillowsRules() {
        // 179 -> 150: support 179/150 = 1.1933, ksize 5; every row sums to 1 in 22-bit fixed point (+- rounding)
        PillowResize.Coefficients c = PillowResize.coefficients(179, 150);
        assertThat(c.ksize()).isEqualTo(5);
        for (int xx = 0; xx < 150; xx++) {
            long sum = 0;
            for (int k = 0; k < c.ksize(); k++) {
                sum += c.weights()[xx * c.ksize() + k];
            }
            assertThat(sum).isBetween((1L << 22) - 3, (1L << 22) + 3);
            assertThat(c.bounds()[2 * xx]).isBetween(0, 178);
            assertThat(c.bounds()[2 * xx] + c.bounds()[2 * xx + 1]).isLessThanOrEqualTo(179);
        }
        // upscaling 2 -> 4: plain bilinear, weights 1/4 3/4 at the inner positions, clamped at the borders
        PillowResize.Coefficients up = PillowResize.coefficients(2, 4);
        assertThat(up.ksize()).isEqualTo(3);
        byte[] row = {0, 0, 0, (byte) 200, (byte) 200, (byte) 200};
        byte[] out = PillowResize.resizeRgb(row, 2, 1, 4, 1);
        // centres 0.25, 0.75, 1.25, 1.75 (input pixel centres 0.5, 1.5): 0, 50, 150, 200
        assertThat(new int[] {out[0] & 0xFF, out[3] & 0xFF, out[6] & 0xFF, out[9] & 0xFF}).containsExactly(0, 50, 150, 200);
        // a constant image stays constant through both passes
        byte[] grey = new byte[179 * 179 * 3];
        java.util.Arrays.fill(grey, (byte) 137);
        byte[] r = PillowResize.resizeRgb(grey, 179, 179, 150, 150);
        for (byte b : r) {
            assertThat(b & 0xFF).isEqualTo(137);
        }
    }

    @Test
    void cropBoxIsThePilBoxScaledToTheFaceSize() {
        assertThat(FaceDescriptor.cropBox(256, 256)).containsExactly(38, 64, 217, 243);
        assertThat(FaceDescriptor.cropBox(512, 512)).containsExactly(76, 128, 434, 486);
        assertThat(FaceDescriptor.cropBox(128, 128)).containsExactly(19, 32, 109, 122); // 108.5 -> 109, 121.5 -> 122
        assertThatIllegalArgumentException().isThrownBy(() -> FaceDescriptor.cropBox(0, 256)).withMessageContaining("0x256");
    }

    @Test
    void rejectsBadInput() {
        assertThatNullPointerException().isThrownBy(() -> descriptor.describe(null)).withMessageContaining("alignedFace");
        assertThatNullPointerException().isThrownBy(() -> descriptor.describeChips(null, 1)).withMessageContaining("chips");
        assertThatIllegalArgumentException().isThrownBy(() -> descriptor.describeAll(List.of())).withMessageContaining("empty");
        assertThatIllegalArgumentException().isThrownBy(() -> descriptor.describeChips(new float[67500], 0))
                .withMessageContaining("n must be >= 1");
        assertThatIllegalArgumentException().isThrownBy(() -> descriptor.describeChips(new float[100], 1))
                .withMessageContaining("expected n x 3 x 150 x 150 = 67500");
        float[] bad = new float[67500];
        bad[150 * 3 + 7] = 255f; // 8-bit values instead of [0, 1]
        assertThatIllegalArgumentException().isThrownBy(() -> descriptor.describeChips(bad, 1))
                .withMessageContaining("pixel (7, 3) is 255.0, expected RGB in [0, 1]");
        bad[150 * 3 + 7] = Float.NaN;
        assertThatIllegalArgumentException().isThrownBy(() -> descriptor.describeChips(bad, 1)).withMessageContaining("NaN");
        assertThatIllegalArgumentException().isThrownBy(() -> FaceDescriptor.distance(new float[128], new float[127]))
                .withMessageContaining("128 vs 127");
        assertThatIllegalArgumentException().isThrownBy(() -> FaceDescriptor.create(0)).withMessageContaining("threads");
        assertThat(FaceDescriptor.expectedSha256("{\"name\": \"x\", \"sha256\": \"" + "ab".repeat(32) + "\"}"))
                .isEqualTo("ab".repeat(32));
        assertThatThrownBy(() -> FaceDescriptor.expectedSha256("{}")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("sha256");
    }

    @Test
    void threadSafeDeterministicAndClosable() throws Exception {
        FaceImage face = synthetic(256, 256);
        float[] once;
        try (FaceDescriptor d = FaceDescriptor.create()) {
            assertThat(d.sha256()).hasSize(64);
            once = d.describe(face);
            assertThat(FaceDescriptor.distance(once, once)).isZero();
            assertSameOnThreads(() -> d.describe(face), once, FaceDescriptor::distance, 1e-5);
            d.close();
            d.close(); // idempotent
            assertThatThrownBy(() -> d.describe(face)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("closed");
        }
        // other sizes are framed with the scaled box
        assertThat(FaceDescriptor.chip(synthetic(64, 80)).width()).isEqualTo(150);
    }

}
