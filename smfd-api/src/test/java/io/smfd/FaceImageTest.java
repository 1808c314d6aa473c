package io.smfd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smfd.SmfdException.Reason;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.WritableRaster;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class FaceImageTest {

    private static final int W = 19;
    private static final int H = 23;

    private static int[] randomArgb(int n, long seed) {
        Random r = new Random(seed);
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = 0xFF000000 | r.nextInt(1 << 24);
        }
        return a;
    }

    private static byte[] randomBytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    // ---------- round trips ----------

    @Test
    void argbRoundTripIsExact() {
        int[] argb = randomArgb(W * H, 1);
        assertThat(FaceImage.fromArgb(W, H, argb).toArgb()).containsExactly(argb);
    }

    @Test
    void argbInputAlphaIsIgnoredAndOutputIsOpaque() {
        int[] argb = randomArgb(W * H, 2);
        int[] translucent = argb.clone();
        for (int i = 0; i < translucent.length; i++) {
            translucent[i] &= 0x33FFFFFF;
        }
        assertThat(FaceImage.fromArgb(W, H, translucent)).isEqualTo(FaceImage.fromArgb(W, H, argb));
        assertThat(FaceImage.fromArgb(W, H, translucent).toArgb()).containsExactly(argb);
    }

    @Test
    void rgbBytesRoundTripIsExact() {
        byte[] rgb = randomBytes(W * H * 3, 3);
        assertThat(FaceImage.fromRgbBytes(W, H, rgb).toRgbBytes()).containsExactly(rgb);
    }

    @Test
    void planarFloatRoundTripIsExact() {
        Random r = new Random(4);
        float[] p = new float[3 * W * H];
        for (int i = 0; i < p.length; i++) {
            p[i] = r.nextFloat();
        }
        p[0] = 0f;
        p[1] = 1f;
        assertThat(FaceImage.fromPlanarFloat(W, H, p).toPlanarFloat()).containsExactly(p);
    }

    @ParameterizedTest
    @ValueSource(ints = {BufferedImage.TYPE_INT_RGB, BufferedImage.TYPE_INT_ARGB, BufferedImage.TYPE_3BYTE_BGR,
            BufferedImage.TYPE_4BYTE_ABGR, BufferedImage.TYPE_INT_BGR})
    void bufferedImageRoundTripIsExact(int type) {
        int[] argb = randomArgb(W * H, 5);
        BufferedImage src = new BufferedImage(W, H, type);
        src.setRGB(0, 0, W, H, argb, 0, W);
        BufferedImage back = FaceImage.fromBufferedImage(src).toBufferedImage();
        assertThat(back.getType()).isEqualTo(BufferedImage.TYPE_INT_RGB);
        assertThat(back.getWidth()).isEqualTo(W);
        assertThat(back.getHeight()).isEqualTo(H);
        assertThat(back.getRGB(0, 0, W, H, null, 0, W)).containsExactly(argb);
    }

    @Test
    void formatsAgreeWithEachOther() {
        byte[] rgb = randomBytes(W * H * 3, 6);
        FaceImage fromBytes = FaceImage.fromRgbBytes(W, H, rgb);
        FaceImage fromArgb = FaceImage.fromArgb(W, H, fromBytes.toArgb());
        FaceImage fromFloat = FaceImage.fromPlanarFloat(W, H, fromBytes.toPlanarFloat());
        FaceImage fromImage = FaceImage.fromBufferedImage(fromBytes.toBufferedImage());
        assertThat(fromArgb).isEqualTo(fromBytes).hasSameHashCodeAs(fromBytes);
        assertThat(fromFloat).isEqualTo(fromBytes);
        assertThat(fromImage).isEqualTo(fromBytes);
        // pixel (1,0): bytes 3..5 -> argb -> planar layout
        int px = fromBytes.toArgb()[1];
        assertThat((px >>> 16) & 0xFF).isEqualTo(rgb[3] & 0xFF);
        assertThat((px >>> 8) & 0xFF).isEqualTo(rgb[4] & 0xFF);
        assertThat(px & 0xFF).isEqualTo(rgb[5] & 0xFF);
        float[] planar = fromBytes.toPlanarFloat();
        assertThat(planar[1]).isEqualTo((rgb[3] & 0xFF) / 255f);
        assertThat(planar[W * H + 1]).isEqualTo((rgb[4] & 0xFF) / 255f);
        assertThat(planar[2 * W * H + 1]).isEqualTo((rgb[5] & 0xFF) / 255f);
    }

    @Test
    void floatToByteRoundsToNearest() {
        float[] p = new float[3 * 16 * 16];
        p[0] = 0.5f;            // 127.5 -> 128
        p[1] = 0.499f;          // 127.245 -> 127
        p[2] = 1f / 255f * 0.49f; // -> 0
        byte[] b = FaceImage.fromPlanarFloat(16, 16, p).toRgbBytes();
        assertThat(b[0] & 0xFF).isEqualTo(128);
        assertThat(b[3] & 0xFF).isEqualTo(127);
        assertThat(b[6] & 0xFF).isEqualTo(0);
    }

    @Test
    void isImmutable() {
        int[] argb = randomArgb(16 * 16, 7);
        FaceImage img = FaceImage.fromArgb(16, 16, argb);
        FaceImage copy = FaceImage.fromArgb(16, 16, argb.clone());
        argb[0] = 0;
        img.toPlanarFloat()[0] = 0.123f;
        img.toArgb()[1] = 0;
        assertThat(img).isEqualTo(copy);
    }

    @Test
    void sizeLimitsAreInclusive() {
        assertThat(FaceImage.fromArgb(16, 16, new int[256]).width()).isEqualTo(16);
        FaceImage big = FaceImage.fromRgbBytes(2048, 16, new byte[2048 * 16 * 3]);
        assertThat(big.width()).isEqualTo(2048);
        assertThat(big.height()).isEqualTo(16);
        assertThat(big.toString()).isEqualTo("FaceImage[2048x16]");
    }

    @Test
    void negativeZeroEqualsZero() {
        float[] a = new float[3 * 16 * 16];
        float[] b = a.clone();
        b[5] = -0.0f;
        assertThat(FaceImage.fromPlanarFloat(16, 16, b)).isEqualTo(FaceImage.fromPlanarFloat(16, 16, a));
    }

    // ---------- bad inputs ----------

    @Test
    void nullArgumentsThrowNpeNamingTheParameter() {
        assertThatThrownBy(() -> FaceImage.fromBufferedImage(null)).isInstanceOf(NullPointerException.class).hasMessage("image");
        assertThatThrownBy(() -> FaceImage.fromArgb(16, 16, null)).isInstanceOf(NullPointerException.class).hasMessage("argb");
        assertThatThrownBy(() -> FaceImage.fromRgbBytes(16, 16, null)).isInstanceOf(NullPointerException.class)
                .hasMessage("rgbInterleaved");
        assertThatThrownBy(() -> FaceImage.fromPlanarFloat(16, 16, null)).isInstanceOf(NullPointerException.class)
                .hasMessage("planarRgb");
    }

    static Stream<Arguments> badSizes() {
        return Stream.of(Arguments.of(0, 0), Arguments.of(0, 32), Arguments.of(32, 0), Arguments.of(-1, 32),
                Arguments.of(15, 32), Arguments.of(32, 15), Arguments.of(2049, 32), Arguments.of(32, 2049),
                Arguments.of(4096, 4096));
    }

    @ParameterizedTest
    @MethodSource("badSizes")
    void unsupportedSizesAreRejectedByEveryFactory(int w, int h) {
        int n = Math.max(0, w) * Math.max(0, h);
        for (Runnable r : new Runnable[] {
            () -> FaceImage.fromArgb(w, h, new int[n]),
            () -> FaceImage.fromRgbBytes(w, h, new byte[3 * n]),
            () -> FaceImage.fromPlanarFloat(w, h, new float[3 * n]),
        }) {
            assertThatThrownBy(r::run).isInstanceOfSatisfying(InvalidImageException.class, e -> {
                assertThat(e.reason()).isEqualTo(Reason.UNSUPPORTED_IMAGE_SIZE);
                assertThat(e.width()).hasValue(w);
                assertThat(e.height()).hasValue(h);
                assertThat(e).hasMessageContaining(w + "x" + h).hasMessageContaining("between 16 and 2048");
            });
        }
    }

    @Test
    void unsupportedBufferedImageSizes() {
        assertThatThrownBy(() -> FaceImage.fromBufferedImage(new BufferedImage(15, 64, BufferedImage.TYPE_INT_RGB)))
                .isInstanceOf(InvalidImageException.class).hasFieldOrPropertyWithValue("reason", Reason.UNSUPPORTED_IMAGE_SIZE).hasMessageContaining("15x64");
        assertThatThrownBy(() -> FaceImage.fromBufferedImage(new BufferedImage(2049, 16, BufferedImage.TYPE_BYTE_GRAY)))
                .isInstanceOf(InvalidImageException.class).hasFieldOrPropertyWithValue("reason", Reason.UNSUPPORTED_IMAGE_SIZE).hasMessageContaining("2049x16");
    }

    @Test
    void wrongArrayLengthsAreInvalidImagesButNotSizeErrors() {
        assertThatThrownBy(() -> FaceImage.fromArgb(16, 16, new int[255]))
                .isExactlyInstanceOf(InvalidImageException.class)
                .hasMessageContaining("argb has length 255").hasMessageContaining("needs 256");
        assertThatThrownBy(() -> FaceImage.fromRgbBytes(16, 16, new byte[256]))
                .isExactlyInstanceOf(InvalidImageException.class)
                .hasMessageContaining("rgbInterleaved has length 256").hasMessageContaining("needs 768");
        assertThatThrownBy(() -> FaceImage.fromPlanarFloat(16, 16, new float[769]))
                .isExactlyInstanceOf(InvalidImageException.class)
                .hasMessageContaining("planarRgb has length 769").hasMessageContaining("needs 768");
    }

    @ParameterizedTest
    @ValueSource(floats = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -0.001f, 1.001f})
    void nonFiniteOrOutOfRangeFloatsNameTheIndex(float bad) {
        float[] p = new float[3 * 16 * 16];
        int index = 256 + 16 * 2 + 5; // G plane, x=5, y=2
        p[index] = bad;
        assertThatThrownBy(() -> FaceImage.fromPlanarFloat(16, 16, p))
                .isExactlyInstanceOf(InvalidImageException.class)
                .hasMessageContaining("planarRgb[" + index + "]")
                .hasMessageContaining("channel G, x=5, y=2")
                .hasMessageContaining(Float.isNaN(bad) ? "NaN" : Float.isInfinite(bad) ? "infinite" : "out of range");
    }

    // ---------- colour models: exact sample values (issue 15) ----------

    private static BufferedImage component(ColorSpace cs, boolean alpha, int dataType, int w, int h) {
        ComponentColorModel cm = new ComponentColorModel(cs, alpha, false,
                alpha ? Transparency.TRANSLUCENT : Transparency.OPAQUE, dataType);
        WritableRaster r = cm.createCompatibleWritableRaster(w, h);
        return new BufferedImage(cm, r, false, null);
    }

    @Test
    void eightBitGrayKeepsItsSampleValues() {
        // A gray PNG/JPEG is decoded by ImageIO as TYPE_BYTE_GRAY in the JDK's linear CS_GRAY; its samples are
        // gamma-encoded gray like sRGB, so 116 must stay 116 (a colour-space conversion makes it 180).
        BufferedImage g = new BufferedImage(16, 16, BufferedImage.TYPE_BYTE_GRAY);
        for (int i = 0; i < 256; i++) {
            g.getRaster().setSample(i % 16, i / 16, 0, i);
        }
        int[] argb = FaceImage.fromBufferedImage(g).toArgb();
        for (int i = 0; i < 256; i++) {
            assertThat(argb[i]).as("gray %d", i).isEqualTo(0xFF000000 | i << 16 | i << 8 | i);
        }
    }

    @Test
    void grayWithAlphaKeepsItsGrayValues() {
        BufferedImage g = component(ColorSpace.getInstance(ColorSpace.CS_GRAY), true, DataBuffer.TYPE_BYTE, 16, 16);
        for (int i = 0; i < 256; i++) {
            g.getRaster().setSample(i % 16, i / 16, 0, i);
            g.getRaster().setSample(i % 16, i / 16, 1, 255 - i); // alpha is ignored
        }
        int[] argb = FaceImage.fromBufferedImage(g).toArgb();
        for (int i = 0; i < 256; i++) {
            assertThat(argb[i] & 0xFFFFFF).as("gray %d", i).isEqualTo(i << 16 | i << 8 | i);
        }
    }

    @Test
    void sixteenBitGrayKeepsFullPrecision() {
        BufferedImage g = new BufferedImage(16, 16, BufferedImage.TYPE_USHORT_GRAY);
        g.getRaster().setSample(0, 0, 0, 116 * 257);  // exactly 116/255
        g.getRaster().setSample(1, 0, 0, 30000);
        g.getRaster().setSample(2, 0, 0, 65535);
        float[] p = FaceImage.fromBufferedImage(g).toPlanarFloat();
        int n = 256;
        for (int c = 0; c < 3; c++) {
            assertThat(p[c * n]).isEqualTo(116 / 255f);
            assertThat(p[c * n + 1]).isEqualTo(30000 / 65535f);
            assertThat(p[c * n + 2]).isEqualTo(1f);
        }
    }

    @Test
    void sixteenBitRgbKeepsFullPrecision() {
        BufferedImage img = component(ColorSpace.getInstance(ColorSpace.CS_sRGB), false, DataBuffer.TYPE_USHORT, 16, 16);
        img.getRaster().setPixel(3, 2, new int[] {30000, 1, 65535});
        float[] p = FaceImage.fromBufferedImage(img).toPlanarFloat();
        int i = 2 * 16 + 3;
        assertThat(p[i]).isEqualTo(30000 / 65535f);
        assertThat(p[256 + i]).isEqualTo(1 / 65535f);
        assertThat(p[512 + i]).isEqualTo(1f);
    }

    @Test
    void paletteImagesUseTheirPaletteColours() {
        byte[] r = {(byte) 138, 0, (byte) 255};
        byte[] g = {(byte) 113, 0, (byte) 255};
        byte[] b = {(byte) 96, 0, (byte) 255};
        BufferedImage img = new BufferedImage(16, 16, BufferedImage.TYPE_BYTE_INDEXED, new IndexColorModel(2, 3, r, g, b));
        img.getRaster().setSample(1, 0, 0, 1);
        int[] argb = FaceImage.fromBufferedImage(img).toArgb();
        assertThat(argb[0]).isEqualTo(0xFF8A7160);
        assertThat(argb[1]).isEqualTo(0xFF000000);
    }

    @Test
    void grayInAnEmbeddedProfileIsColourManaged() {
        // Not the JDK's default CS_GRAY: a gray profile that came with the file is honoured (converted to sRGB).
        ColorSpace linearGray = new java.awt.color.ICC_ColorSpace(
                java.awt.color.ICC_Profile.getInstance(java.awt.color.ICC_Profile.getInstance(ColorSpace.CS_GRAY).getData()));
        BufferedImage g = component(linearGray, false, DataBuffer.TYPE_BYTE, 16, 16);
        g.getRaster().setSample(0, 0, 0, 116);
        int v = FaceImage.fromBufferedImage(g).toArgb()[0] & 0xFF;
        assertThat(v).isEqualTo(g.getRGB(0, 0) & 0xFF).isGreaterThan(150);
    }
}
