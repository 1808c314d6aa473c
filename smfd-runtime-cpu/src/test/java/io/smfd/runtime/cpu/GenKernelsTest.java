package io.smfd.runtime.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/**
 * The register-tile kernels in {@code PanamaKernels.java} are what {@link GenKernels} generates: a hand edit of
 * the generated section, or a template change that was not regenerated, fails the build. With
 * {@code -Dsmfd.kernels.regenerate=true} the section is rewritten first (see {@link GenKernels}).
 */
class GenKernelsTest {

    @Test
    void generatedSectionIsUpToDate() throws IOException {
        if (Boolean.getBoolean("smfd.kernels.regenerate")) {
            GenKernels.regenerate(GenKernels.TARGET);
        }
        String source = Files.readString(GenKernels.TARGET, StandardCharsets.UTF_8);
        int begin = source.indexOf(GenKernels.BEGIN);
        int end = source.indexOf(GenKernels.END);
        assertThat(begin).as("generated section start in %s", GenKernels.TARGET).isPositive();
        assertThat(end).as("generated section end").isGreaterThan(begin);
        assertThat(source.substring(begin, end + GenKernels.END.length()))
                .as("%s is stale or was edited by hand: regenerate it (see GenKernels)", GenKernels.TARGET)
                .isEqualTo(GenKernels.generate());
    }

    @Test
    void templateCoversEveryTileVariant() {
        String generated = GenKernels.generate();
        // 16 accumulators in the 8 x 2 kernels, 24 in the 8 x 3 one, 8 in the 4 x 2 one; 9 unrolled taps x 8 channels in acc8x2t9
        assertThat(generated).contains("private static void acc8x2(", "private static void acc8x2t9(",
                "private static void acc8x2d(", "private static void acc8x3d(", "private static void acc4x2(", "FloatVector a72 = FloatVector.zero(S);", "FloatVector a71 = FloatVector.zero(S);",
                "v = FloatVector.broadcast(S, w[wc + 71]);", "a31.intoArray(d, o + VL);");
        assertThat(generated.split("FloatVector.zero\\(S\\)", -1)).hasSize(3 * 16 + 24 + 8 + 1);
        assertThat(generated.split("\\.fma\\(v, ", -1)).hasSize(9 * 8 * 2 + 1);
    }
}
