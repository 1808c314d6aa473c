package io.smfd.degrade;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.smfd.FaceImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import javax.imageio.ImageIO;

/** Locates the repository and the (non-redistributable) face data at run time. */
final class TestSupport {
    private TestSupport() {
    }

    /** The repository root (the directory holding training/degrade.py), or null. */
    static Path repoRoot() {
        for (Path d = Paths.get(System.getProperty("user.dir")).toAbsolutePath(); d != null;
                d = d.getParent()) {
            if (Files.isRegularFile(d.resolve("training/degrade.py"))) {
                return d;
            }
        }
        return null;
    }

    /**
     * The celebamask-hq-mini directory: system property {@code smfd.data}, else
     * {@code shared/data/celebamask-hq-mini} found by walking up from user.dir; null if absent.
     */
    static Path dataDir() {
        String prop = System.getProperty("smfd.data");
        if (prop != null && !prop.isEmpty()) {
            Path p = Paths.get(prop);
            return Files.isDirectory(p) ? p : null;
        }
        for (Path d = Paths.get(System.getProperty("user.dir")).toAbsolutePath(); d != null;
                d = d.getParent()) {
            Path p = d.resolve("shared/data/celebamask-hq-mini");
            if (Files.isDirectory(p)) {
                return p;
            }
        }
        return null;
    }

    /** Loads eval face {@code index} (eval images are numbered 4500..); skips the test (with the reason) if the data is absent. */
    static FaceImage realFace(int index) throws IOException {
        Path dir = dataDir();
        assumeTrue(dir != null, "face data not found: set -Dsmfd.data=<celebamask-hq-mini dir> or "
                + "place it at ../shared/data/celebamask-hq-mini relative to the repository");
        Path f = dir.resolve(String.format("eval/images/%04d.jpg", index));
        assumeTrue(Files.isRegularFile(f), "face image missing: " + f);
        return FaceImage.fromBufferedImage(ImageIO.read(f.toFile()));
    }

    /** A deterministic synthetic test image with edges, gradients and texture. */
    static FaceImage synthetic(int w, int h) {
        float[] p = new float[3 * w * h];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    double v = 0.5 + 0.3 * Math.sin(x * 0.21 + c) * Math.cos(y * 0.13)
                            + ((x / 16 + y / 16) % 2 == 0 ? 0.15 : -0.15);
                    p[c * w * h + y * w + x] = (float) Math.min(1, Math.max(0, v));
                }
            }
        }
        return FaceImage.fromPlanarFloat(w, h, p);
    }

    /** Luma (Rec. 601) plane of a face, values in [0, 255]. */
    static double[] luma(FaceImage f) {
        float[] p = f.toPlanarFloat();
        int n = f.width() * f.height();
        double[] l = new double[n];
        for (int i = 0; i < n; i++) {
            l[i] = 255.0 * (0.299 * p[i] + 0.587 * p[n + i] + 0.114 * p[2 * n + i]);
        }
        return l;
    }

    /** Variance of the 4-neighbour Laplacian of the luma over interior pixels (sharpness). */
    static double laplacianVariance(FaceImage f) {
        double[] l = luma(f);
        int w = f.width();
        int h = f.height();
        double s = 0;
        double s2 = 0;
        int n = 0;
        for (int y = 1; y < h - 1; y++) {
            for (int x = 1; x < w - 1; x++) {
                int i = y * w + x;
                double v = l[i - 1] + l[i + 1] + l[i - w] + l[i + w] - 4 * l[i];
                s += v;
                s2 += v * v;
                n++;
            }
        }
        double m = s / n;
        return s2 / n - m * m;
    }

    /** A pipeline with one blur only (no scaling, noise or JPEG). */
    static DegradationPipeline.Builder blurOnly(BlurFamily fam) {
        return DegradationPipeline.builder()
                .familyWeights(fam == BlurFamily.TRAJECTORY ? 1 : 0, fam == BlurFamily.LINEAR ? 1 : 0,
                        fam == BlurFamily.GAUSSIAN ? 1 : 0, fam == BlurFamily.DEFOCUS ? 1 : 0)
                .scaleProbability(0).noiseProbability(0).jpegProbability(0);
    }
}
