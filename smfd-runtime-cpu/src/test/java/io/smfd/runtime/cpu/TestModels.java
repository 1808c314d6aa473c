package io.smfd.runtime.cpu;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.smfd.spi.ModelSource;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;

/** Shared test fixtures: the bundled model bytes, real faces, random inputs. */
final class TestModels {

    private static byte[] model;

    private TestModels() {
    }

    static synchronized byte[] modelBytes() {
        if (model == null) {
            model = ModelSource.bundled().readBytes();
        }
        return model.clone();
    }

    /** The eval faces of celebamask-hq-mini (shared/ beside the repo), or skips the test with the reason. */
    static List<Path> faces(int max) throws IOException {
        String prop = System.getProperty("smfd.faces.dir");
        Path dir = null;
        if (prop != null) {
            dir = Paths.get(prop);
        } else {
            for (Path p = Paths.get("").toAbsolutePath(); p != null; p = p.getParent()) {
                Path c = p.resolve("shared/data/celebamask-hq-mini/eval/images");
                if (Files.isDirectory(c)) {
                    dir = c;
                    break;
                }
            }
        }
        assumeTrue(dir != null && Files.isDirectory(dir), "real faces not found: shared/data/celebamask-hq-mini/"
                + "eval/images is not beside the repository (set -Dsmfd.faces.dir to run this test)");
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.jpg")) {
            for (Path p : ds) {
                out.add(p);
            }
        }
        out.sort(null);
        assumeTrue(!out.isEmpty(), "no *.jpg faces in " + dir);
        return out.subList(0, Math.min(max, out.size()));
    }

    /** Loads a face, resizes it to w x h and returns NCHW RGB in [0, 1]. */
    static float[] face(Path file, int h, int w) throws IOException {
        BufferedImage src = ImageIO.read(file.toFile());
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(src, 0, 0, w, h, null);
        g.dispose();
        float[] x = new float[3 * h * w];
        for (int y = 0; y < h; y++) {
            for (int xx = 0; xx < w; xx++) {
                int rgb = img.getRGB(xx, y);
                x[y * w + xx] = ((rgb >> 16) & 255) / 255f;
                x[h * w + y * w + xx] = ((rgb >> 8) & 255) / 255f;
                x[2 * h * w + y * w + xx] = (rgb & 255) / 255f;
            }
        }
        return x;
    }

    static float[] random(long seed, int n) {
        Random r = new Random(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = r.nextFloat();
        }
        return x;
    }

    static float maxAbs(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new AssertionError("length " + a.length + " != " + b.length);
        }
        float m = 0;
        for (int i = 0; i < a.length; i++) {
            float d = Math.abs(a[i] - b[i]);
            if (!(d <= m)) {
                m = Float.isNaN(d) ? Float.NaN : d;
                if (Float.isNaN(d)) {
                    return d;
                }
            }
        }
        return m;
    }
}
