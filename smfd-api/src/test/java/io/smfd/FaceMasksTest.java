package io.smfd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.util.List;
import org.junit.jupiter.api.Test;

class FaceMasksTest {

    private static final List<String> CLASSES = List.of("background", "skin", "hair");

    /** 16x16: left half background, right half skin, last row hair. */
    private static FaceMasks masks() {
        int n = 256;
        float[] p = new float[3 * n];
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 16; x++) {
                int i = y * 16 + x;
                int c = y == 15 ? 2 : (x < 8 ? 0 : 1);
                p[c * n + i] = 0.8f;
                p[((c + 1) % 3) * n + i] = 0.2f;
            }
        }
        return FaceMasks.of(CLASSES, 16, 16, p);
    }

    @Test
    void argmaxAndPlanes() {
        FaceMasks m = masks();
        int[] labels = m.argmax();
        assertThat(labels[0]).isEqualTo(0);
        assertThat(labels[8]).isEqualTo(1);
        assertThat(labels[15 * 16]).isEqualTo(2);
        assertThat(m.probabilities("skin")[8]).isEqualTo(0.8f);
        assertThat(m.probabilities(1)).containsExactly(m.probabilities("skin"));
        assertThat(m.classNames()).isEqualTo(CLASSES);
    }

    @Test
    void unknownClassAndBadIndexAreRejected() {
        assertThatThrownBy(() -> masks().probabilities("teeth")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("teeth").hasMessageContaining("[background, skin, hair]");
        assertThatThrownBy(() -> masks().probabilities(3)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void overlayKeepsBackgroundAndTintsOtherClasses() {
        int[] grey = new int[256];
        java.util.Arrays.fill(grey, 0xFF808080);
        FaceImage base = FaceImage.fromArgb(16, 16, grey);
        BufferedImage overlay = masks().toOverlay(base);
        assertThat(overlay.getRGB(0, 0) & 0xFFFFFF).isEqualTo(0x808080);
        assertThat(overlay.getRGB(8, 0) & 0xFFFFFF).isNotEqualTo(0x808080);
        assertThat(overlay.getRGB(8, 0)).isNotEqualTo(overlay.getRGB(8, 15));
        assertThatThrownBy(() -> masks().toOverlay(FaceImage.fromArgb(17, 16, new int[272])))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("17x16");
    }

    @Test
    void validation() {
        assertThatThrownBy(() -> FaceMasks.of(CLASSES, 16, 16, new float[10])).isInstanceOf(InvalidImageException.class);
        float[] nan = new float[3 * 256];
        nan[7] = Float.NaN;
        assertThatThrownBy(() -> FaceMasks.of(CLASSES, 16, 16, nan)).isInstanceOf(InvalidImageException.class)
                .hasMessageContaining("probabilities[7]");
        assertThatThrownBy(() -> FaceMasks.of(List.of("a", "a"), 16, 16, new float[512]))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(masks()).isEqualTo(masks()).hasSameHashCodeAs(masks());
    }
}
