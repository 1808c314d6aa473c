package io.smfd.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smfd.FaceImage;
import io.smfd.InvalidImageException;
import io.smfd.SmfdException.Reason;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.color.ICC_Profile;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.RenderedImage;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A corpus of odd and bad image files, generated here (no committed binaries), read the way {@code smfd deblur}
 * reads its inputs. Every case asserts the exact outcome: the decoded pixel values, or the specific error.
 */
class ImageCorpusTest {

    private static final int W = 40;
    private static final int H = 32;
    /** RGB (138, 113, 96) as naive CMYK (0, 46, 78, 117): what the CMYK probe showed as (184, 168, 156). */
    private static final int[] CMYK = {0, 46, 78, 117};
    private static final int[] CMYK_AS_RGB = {138, 113, 96};

    @TempDir
    Path tmp;

    private Path file(String name, byte[] bytes) throws IOException {
        Path p = tmp.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    private static byte[] encode(RenderedImage img, String format) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        assertThat(ImageIO.write(img, format, bos)).as("writer for " + format).isTrue();
        return bos.toByteArray();
    }

    /** A JPEG of a raster (4 channels: written as-is, no colour transform) or an image, quality 1.0. */
    private static byte[] jpeg(Raster raster, BufferedImage image) throws IOException {
        ImageWriter w = ImageIO.getImageWritersByFormatName("jpeg").next();
        ImageWriteParam p = w.getDefaultWriteParam();
        p.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        p.setCompressionQuality(1f);
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (ImageOutputStream ios = ImageIO.createImageOutputStream(bos)) {
            w.setOutput(ios);
            w.write(null, image != null ? new IIOImage(image, null, null) : new IIOImage(raster, null, null), p);
        } finally {
            w.dispose();
        }
        return bos.toByteArray();
    }

    /** Inserts a JPEG marker segment right after SOI (and after a JFIF APP0 if there is one). */
    private static byte[] insertSegment(byte[] jpeg, int marker, byte[] payload) {
        int at = 2;
        if ((jpeg[2] & 0xFF) == 0xFF && (jpeg[3] & 0xFF) == 0xE0) {
            at = 4 + (((jpeg[4] & 0xFF) << 8) | (jpeg[5] & 0xFF));
        }
        int len = payload.length + 2;
        byte[] out = new byte[jpeg.length + 2 + len];
        System.arraycopy(jpeg, 0, out, 0, at);
        out[at] = (byte) 0xFF;
        out[at + 1] = (byte) marker;
        out[at + 2] = (byte) (len >> 8);
        out[at + 3] = (byte) len;
        System.arraycopy(payload, 0, out, at + 4, payload.length);
        System.arraycopy(jpeg, at, out, at + 4 + payload.length, jpeg.length - at);
        return out;
    }

    /** Adobe APP14 segment: transform 0 = CMYK (stored inverted), 2 = YCCK. */
    private static byte[] adobe(byte[] jpeg, int transform) {
        byte[] p = {'A', 'd', 'o', 'b', 'e', 0, 100, 0, 0, 0, 0, (byte) transform};
        return insertSegment(jpeg, 0xEE, p);
    }

    private static int[] rgb(FaceImage f, int i) {
        int c = f.toArgb()[i];
        return new int[] {(c >> 16) & 0xFF, (c >> 8) & 0xFF, c & 0xFF};
    }

    private static void assertFlat(FaceImage f, int[] expected, int tolerance) {
        int[] argb = f.toArgb();
        for (int i = 0; i < argb.length; i += 7) {
            assertThat(rgb(f, i)).as("pixel %d", i).satisfies(px -> {
                for (int c = 0; c < 3; c++) {
                    assertThat(px[c]).isBetween(expected[c] - tolerance, expected[c] + tolerance);
                }
            });
        }
    }

    private static BufferedImage randomRgb(long seed) {
        BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        Random r = new Random(seed);
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                img.setRGB(x, y, r.nextInt(1 << 24));
            }
        }
        return img;
    }

    private static BufferedImage grayRamp(int type, int scale) {
        BufferedImage g = new BufferedImage(W, H, type);
        for (int i = 0; i < W * H; i++) {
            g.getRaster().setSample(i % W, i / W, 0, (i % 256) * scale);
        }
        return g;
    }

    private static void assertGrayRamp(FaceImage f) {
        int[] argb = f.toArgb();
        for (int i = 0; i < argb.length; i++) {
            int v = i % 256;
            assertThat(argb[i]).as("pixel %d", i).isEqualTo(0xFF000000 | v << 16 | v << 8 | v);
        }
    }

    // ---------- decoded exactly ----------

    @Test
    void rgbFormatsDecodeExactly() throws Exception {
        BufferedImage src = randomRgb(1);
        int[] expected = src.getRGB(0, 0, W, H, null, 0, W);
        for (String format : new String[] {"png", "bmp"}) {
            FaceImage f = DeblurCommand.read(file("rgb." + format, encode(src, format)));
            assertThat(f.toArgb()).as(format).containsExactly(expected);
        }
        BufferedImage rgba = new BufferedImage(W, H, BufferedImage.TYPE_INT_ARGB);
        for (int i = 0; i < W * H; i++) {
            rgba.setRGB(i % W, i / W, (i % 251) << 24 | (expected[i] & 0xFFFFFF));
        }
        assertThat(DeblurCommand.read(file("rgba.png", encode(rgba, "png"))).toArgb()).as("alpha ignored")
                .containsExactly(expected);
    }

    @Test
    void grayPngKeepsItsValues() throws Exception { // issue 15: 116 became 180
        assertGrayRamp(DeblurCommand.read(file("gray.png", encode(grayRamp(BufferedImage.TYPE_BYTE_GRAY, 1), "png"))));
    }

    @Test
    void sixteenBitGrayPngKeepsItsValues() throws Exception {
        FaceImage f = DeblurCommand.read(file("gray16.png",
                encode(grayRamp(BufferedImage.TYPE_USHORT_GRAY, 257), "png")));
        assertGrayRamp(f);
    }

    @Test
    void grayAlphaPngKeepsItsValues() throws Exception {
        ComponentColorModel cm = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_GRAY), true, false,
                Transparency.TRANSLUCENT, DataBuffer.TYPE_BYTE);
        WritableRaster r = cm.createCompatibleWritableRaster(W, H);
        for (int i = 0; i < W * H; i++) {
            r.setSample(i % W, i / W, 0, i % 256);
            r.setSample(i % W, i / W, 1, 255 - i % 256);
        }
        byte[] png = encode(new BufferedImage(cm, r, false, null), "png");
        assertThat(png[25]).as("PNG colour type gray+alpha").isEqualTo((byte) 4);
        assertGrayRamp(DeblurCommand.read(file("gray-alpha.png", png)));
    }

    @Test
    void sixteenBitRgbPngKeepsFullPrecision() throws Exception {
        ComponentColorModel cm = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_sRGB), false, false,
                Transparency.OPAQUE, DataBuffer.TYPE_USHORT);
        WritableRaster r = cm.createCompatibleWritableRaster(W, H);
        Random rnd = new Random(2);
        int[] samples = new int[3 * W * H];
        for (int i = 0; i < samples.length; i++) {
            samples[i] = rnd.nextInt(65536);
        }
        r.setPixels(0, 0, W, H, samples);
        byte[] png = encode(new BufferedImage(cm, r, false, null), "png");
        assertThat(png[24]).as("PNG bit depth").isEqualTo((byte) 16);
        float[] p = DeblurCommand.read(file("rgb16.png", png)).toPlanarFloat();
        int n = W * H;
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < 3; c++) {
                assertThat(p[c * n + i]).isEqualTo(samples[3 * i + c] / 65535f);
            }
        }
    }

    @Test
    void paletteImagesDecodeToTheirColours() throws Exception {
        byte[] rs = new byte[16];
        byte[] gs = new byte[16];
        byte[] bs = new byte[16];
        for (int i = 0; i < 16; i++) {
            rs[i] = (byte) (i * 17);
            gs[i] = (byte) (255 - i * 13);
            bs[i] = (byte) (i * 7);
        }
        for (int transparent : new int[] {-1, 3}) {
            IndexColorModel icm = transparent < 0 ? new IndexColorModel(4, 16, rs, gs, bs)
                    : new IndexColorModel(4, 16, rs, gs, bs, transparent);
            BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_BYTE_BINARY, icm);
            for (int i = 0; i < W * H; i++) {
                img.getRaster().setSample(i % W, i / W, 0, i % 16);
            }
            for (String format : new String[] {"png", "gif", "bmp"}) {
                if (transparent >= 0 && format.equals("bmp")) {
                    continue;
                }
                int[] argb = DeblurCommand.read(file("palette" + transparent + "." + format, encode(img, format)))
                        .toArgb();
                for (int i = 0; i < W * H; i++) {
                    int k = i % 16;
                    assertThat(argb[i]).as("%s pixel %d", format, i)
                            .isEqualTo(0xFF000000 | (rs[k] & 0xFF) << 16 | (gs[k] & 0xFF) << 8 | (bs[k] & 0xFF));
                }
            }
        }
        BufferedImage bw = new BufferedImage(W, H, BufferedImage.TYPE_BYTE_BINARY);
        bw.getRaster().setSample(1, 0, 0, 1);
        int[] argb = DeblurCommand.read(file("bilevel.png", encode(bw, "png"))).toArgb();
        assertThat(argb[0]).isEqualTo(0xFF000000);
        assertThat(argb[1]).isEqualTo(0xFFFFFFFF);
    }

    @Test
    void grayJpegKeepsItsValue() throws Exception {
        BufferedImage g = new BufferedImage(W, H, BufferedImage.TYPE_BYTE_GRAY);
        for (int i = 0; i < W * H; i++) {
            g.getRaster().setSample(i % W, i / W, 0, 116);
        }
        assertFlat(DeblurCommand.read(file("gray.jpg", jpeg(null, g))), new int[] {116, 116, 116}, 0);
    }

    @Test
    void cmykJpegDecodesToItsColour() throws Exception { // issue 15: (184, 168, 156) instead of (138, 113, 96)
        WritableRaster r = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, W, H, 4, null);
        for (int i = 0; i < W * H; i++) {
            for (int b = 0; b < 4; b++) {
                r.setSample(i % W, i / W, b, 255 - CMYK[b]); // Adobe CMYK is stored inverted
            }
        }
        assertFlat(DeblurCommand.read(file("cmyk.jpg", adobe(jpeg(r, null), 0))), CMYK_AS_RGB, 2);
    }

    @Test
    void ycckJpegDecodesToItsColour() throws Exception {
        double c = CMYK[0];
        double m = CMYK[1];
        double y = CMYK[2];
        int[] ycck = {(int) Math.round(0.299 * c + 0.587 * m + 0.114 * y),
            (int) Math.round(128 - 0.168736 * c - 0.331264 * m + 0.5 * y),
            (int) Math.round(128 + 0.5 * c - 0.418688 * m - 0.081312 * y), 255 - CMYK[3]};
        WritableRaster r = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, W, H, 4, null);
        for (int i = 0; i < W * H; i++) {
            for (int b = 0; b < 4; b++) {
                r.setSample(i % W, i / W, b, ycck[b]);
            }
        }
        assertFlat(DeblurCommand.read(file("ycck.jpg", adobe(jpeg(r, null), 2))), CMYK_AS_RGB, 2);
    }

    @Test
    void jpegWithAnEmbeddedSrgbProfileDecodesLikeWithout() throws Exception {
        BufferedImage g = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        for (int i = 0; i < W * H; i++) {
            g.setRGB(i % W, i / W, 0x8A7160);
        }
        byte[] plain = jpeg(null, g);
        byte[] icc = ICC_Profile.getInstance(ColorSpace.CS_sRGB).getData();
        byte[] app2 = new byte[14 + icc.length];
        System.arraycopy("ICC_PROFILE".getBytes(StandardCharsets.US_ASCII), 0, app2, 0, 11);
        app2[12] = 1; // chunk 1
        app2[13] = 1; // of 1
        System.arraycopy(icc, 0, app2, 14, icc.length);
        FaceImage withProfile = DeblurCommand.read(file("srgb-icc.jpg", insertSegment(plain, 0xE2, app2)));
        FaceImage without = DeblurCommand.read(file("plain.jpg", plain));
        assertFlat(withProfile, rgb(without, 0), 1);
        assertFlat(without, CMYK_AS_RGB, 2);
    }

    // ---------- rejected with a specific error ----------

    @Test
    void truncatedJpegIsAnError() throws Exception { // issue 15: exit 0, lower two thirds flat grey
        byte[] full = jpeg(null, randomRgb(3));
        Path p = file("truncated.jpg", Arrays.copyOf(full, full.length * 3 / 10));
        assertThatThrownBy(() -> DeblurCommand.read(p)).isInstanceOf(IOException.class)
                .hasMessageContaining("corrupt or truncated JPEG data").hasMessageContaining("Truncated File");
    }

    @Test
    void truncatedOrCorruptPngGifBmpAreErrors() throws Exception {
        for (String format : new String[] {"png", "gif", "bmp"}) {
            byte[] full = encode(randomRgb(4), format);
            Path cut = file("truncated." + format, Arrays.copyOf(full, full.length / 2));
            assertThatThrownBy(() -> DeblurCommand.read(cut)).as(format).isInstanceOf(IOException.class)
                    .hasMessageContaining("corrupt or truncated " + format.toUpperCase(java.util.Locale.ROOT));
        }
        byte[] png = encode(randomRgb(5), "png");
        png[png.length / 2] ^= 0x55; // inside IDAT: CRC mismatch
        Path bad = file("flipped.png", png);
        assertThatThrownBy(() -> DeblurCommand.read(bad)).isInstanceOf(IOException.class)
                .hasMessageContaining("corrupt or truncated PNG");
    }

    @Test
    void notAnImageIsAnError() throws Exception {
        for (byte[] bytes : new byte[][] {new byte[0], "hello, not an image\n".getBytes(StandardCharsets.UTF_8)}) {
            Path p = file("x" + bytes.length + ".png", bytes);
            assertThatThrownBy(() -> DeblurCommand.read(p)).isInstanceOf(IOException.class)
                    .hasMessageContaining("not a readable image");
        }
    }

    @Test
    void tooSmallIsASizeError() throws Exception {
        Path p = file("tiny.png", encode(new BufferedImage(8, 12, BufferedImage.TYPE_INT_RGB), "png"));
        assertThatThrownBy(() -> DeblurCommand.read(p)).isInstanceOfSatisfying(InvalidImageException.class, e -> {
            assertThat(e.reason()).isEqualTo(Reason.UNSUPPORTED_IMAGE_SIZE);
            assertThat(e.getMessage()).contains("8x12");
        });
    }

    /** A PNG whose header says 20000x20000 and whose data is only the first rows: size must come from the header. */
    @Test
    void hugeImageIsRejectedFromItsHeaderBeforeDecoding() throws Exception {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bos);
        out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        ByteArrayOutputStream ihdr = new ByteArrayOutputStream();
        DataOutputStream ih = new DataOutputStream(ihdr);
        ih.writeInt(20000);
        ih.writeInt(20000);
        ih.write(new byte[] {8, 0, 0, 0, 0}); // 8-bit gray
        chunk(out, "IHDR", ihdr.toByteArray());
        Deflater d = new Deflater();
        d.setInput(new byte[20001 * 4]); // 4 rows of a 400 MB image
        byte[] z = new byte[4096];
        d.deflate(z, 0, z.length, Deflater.SYNC_FLUSH);
        chunk(out, "IDAT", Arrays.copyOf(z, 64));
        d.end();
        Path p = file("huge.png", bos.toByteArray());
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> DeblurCommand.read(p)).isInstanceOfSatisfying(InvalidImageException.class, e -> {
            assertThat(e.reason()).isEqualTo(Reason.UNSUPPORTED_IMAGE_SIZE);
            assertThat(e.width()).hasValue(20000);
            assertThat(e.getMessage()).contains("20000x20000");
        });
        assertThat((System.nanoTime() - t0) / 1e9).as("seconds").isLessThan(5);
    }

    private static void chunk(DataOutputStream out, String type, byte[] data) throws IOException {
        out.writeInt(data.length);
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        out.write(t);
        out.write(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        out.writeInt((int) crc.getValue());
    }
}
