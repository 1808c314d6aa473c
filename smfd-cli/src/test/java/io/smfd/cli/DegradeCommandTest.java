package io.smfd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code smfd degrade} on a synthetic face (no licensed data needed). */
class DegradeCommandTest {
    @TempDir
    Path tmp;

    private File syntheticFace() throws Exception {
        BufferedImage img = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                int v = ((x / 8 + y / 8) % 2 == 0) ? 220 : 30;
                img.setRGB(x, y, (v << 16) | ((x * 4) << 8) | (y * 4));
            }
        }
        File f = tmp.resolve("face.png").toFile();
        ImageIO.write(img, "png", f);
        return f;
    }

    private static int run(ByteArrayOutputStream out, ByteArrayOutputStream err, String... args) {
        return Cli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void writesOneDegradedImage() throws Exception {
        File in = syntheticFace();
        File outFile = tmp.resolve("out.png").toFile();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(0, run(out, err, "degrade", "--input", in.getPath(), "--seed", "42",
                "--out", outFile.getPath()), err.toString(StandardCharsets.UTF_8));
        BufferedImage img = ImageIO.read(outFile);
        assertEquals(64, img.getWidth());
        assertEquals(64, img.getHeight());
        assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("seed 42: "));
    }

    @Test
    void writesContactSheetOf16() throws Exception {
        File in = syntheticFace();
        File outFile = tmp.resolve("sheet.png").toFile();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(0, run(out, err, "degrade", "--input", in.getPath(), "--seed", "7",
                "--out", outFile.getPath(), "--contact-sheet"), err.toString(StandardCharsets.UTF_8));
        BufferedImage img = ImageIO.read(outFile);
        assertTrue(img.getWidth() >= 4 * 64 && img.getHeight() >= 4 * 64);
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("seed 7: ") && text.contains("seed 22: "), text);
    }

    @Test
    void usageErrorsReturnTwo() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(2, run(out, err, "degrade", "--seed", "x", "--input", "a", "--out", "b"));
        assertEquals(2, run(out, err, "degrade", "--input", "a.png"));
        assertEquals(2, run(out, err, "degrade", "--bogus"));
        assertEquals(1, run(out, err, "degrade", "--input", tmp.resolve("missing.png").toString(),
                "--out", tmp.resolve("o.png").toString()));
    }
}
