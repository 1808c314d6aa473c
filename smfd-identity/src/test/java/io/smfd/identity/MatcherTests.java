package io.smfd.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.smfd.FaceImage;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.ToDoubleBiFunction;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;

/**
 * What the matcher tests ({@link FaceDescriptorTest}, {@link MobileFaceTest}) share: finding the reference data
 * above the working directory, reading golden vectors and images, framing the held-out faces against the chips PIL
 * cut, and the concurrency check.
 */
final class MatcherTests {

    /** The ten held-out faces (eval/images/4500..4509) that every matcher's reference data covers. */
    static final List<String> CHIPS = List.of("4500", "4501", "4502", "4503", "4504", "4505", "4506", "4507", "4508",
            "4509");

    private MatcherTests() {
    }

    /** {@code <ancestor>/shared/data/<dir>} of the first ancestor of the working directory that has {@code marker}. */
    static Path find(String dir, String marker) {
        for (Path p = Paths.get("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path candidate = p.resolve("shared").resolve("data").resolve(dir);
            if (Files.isRegularFile(candidate.resolve(marker))) {
                return candidate;
            }
        }
        return null;
    }

    /** Skips the test, with the reason, when {@code refDir} was not found. */
    static void assumeReference(Path refDir, String what, String dir) {
        Assumptions.assumeTrue(refDir != null, what + " reference data (shared/data/" + dir + ") not"
                + " found above " + Paths.get("").toAbsolutePath());
    }

    /** Parses {@code {"<key>": [..numbers..], ...}} for the keys that {@code keyRegex} matches. */
    static Map<String, float[]> golden(Path json, String keyRegex) throws IOException {
        String text = Files.readString(json, StandardCharsets.UTF_8);
        Map<String, float[]> out = new LinkedHashMap<>();
        Matcher m = Pattern.compile("\"(" + keyRegex + ")\"\\s*:\\s*\\[([^\\]]*)\\]").matcher(text);
        while (m.find()) {
            String[] parts = m.group(2).split(",");
            float[] v = new float[parts.length];
            for (int i = 0; i < parts.length; i++) {
                v[i] = Float.parseFloat(parts[i].trim());
            }
            out.put(m.group(1), v);
        }
        return out;
    }

    static FaceImage read(Path p) throws IOException {
        BufferedImage img = ImageIO.read(p.toFile());
        assertThat(img).as("decodable: %s", p).isNotNull();
        return FaceImage.fromBufferedImage(img);
    }

    /** The reference chips {@code refDir/chips/<id>.png}, each checked to be {@code size} wide. */
    static List<FaceImage> readChips(Path refDir, int size) throws IOException {
        List<FaceImage> chips = new ArrayList<>();
        for (String id : CHIPS) {
            FaceImage chip = read(refDir.resolve("chips").resolve(id + ".png"));
            assertThat(chip.width()).isEqualTo(size);
            chips.add(chip);
        }
        return chips;
    }

    /**
     * How a matcher's framing compares with the chips PIL cut.
     *
     * @param maxDiff   largest grey-level difference
     * @param differing how many values differ
     * @param aligned   the held-out faces that were framed, in {@link #CHIPS} order
     */
    record Framing(int maxDiff, long differing, List<FaceImage> aligned) {
    }

    /**
     * Frames the ten held-out faces with {@code chip} and compares the results with {@code refDir/chips}; skips when
     * the CelebAMask-HQ mini faces are not found.
     */
    static Framing frameHeldOutFaces(Path refDir, UnaryOperator<FaceImage> chip) throws IOException {
        Path faces = find("celebamask-hq-mini", "eval/images/4500.jpg");
        Assumptions.assumeTrue(faces != null, "CelebAMask-HQ mini (shared/data/celebamask-hq-mini) not found");
        int maxDiff = 0;
        long differing = 0;
        List<FaceImage> aligned = new ArrayList<>();
        for (String id : CHIPS) {
            FaceImage face = read(faces.resolve("eval/images/" + id + ".jpg"));
            aligned.add(face);
            byte[] got = chip.apply(face).toRgbBytes();
            byte[] want = read(refDir.resolve("chips").resolve(id + ".png")).toRgbBytes();
            assertThat(got).hasSameSizeAs(want);
            for (int i = 0; i < got.length; i++) {
                int d = Math.abs((got[i] & 0xFF) - (want[i] & 0xFF));
                maxDiff = Math.max(maxDiff, d);
                differing += d == 0 ? 0 : 1;
            }
        }
        return new Framing(maxDiff, differing, aligned);
    }

    /** Each face's vector (in {@link #CHIPS} order) is within {@code tolerance} of its golden one, per component. */
    static void assertCloseToGolden(float[][] got, Map<String, float[]> golden, double tolerance) {
        for (int i = 0; i < CHIPS.size(); i++) {
            float[] want = golden.get(CHIPS.get(i) + ".png");
            for (int k = 0; k < want.length; k++) {
                assertThat((double) got[i][k]).isCloseTo(want[k], within(tolerance));
            }
        }
    }

    /** Eight calls on four threads at once each give {@code once}, within {@code tolerance} of {@code distance}. */
    static void assertSameOnThreads(Callable<float[]> call, float[] once, ToDoubleBiFunction<float[], float[]> distance,
            double tolerance) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<float[]>> fs = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                fs.add(pool.submit(call));
            }
            for (Future<float[]> f : fs) {
                assertThat(distance.applyAsDouble(f.get(), once)).isLessThan(tolerance);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** A smooth 8-bit test pattern (no data set needed). */
    static FaceImage synthetic(int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, ((x * 255 / w) << 16) | ((y * 255 / h) << 8) | ((x + y) % 256));
            }
        }
        return FaceImage.fromBufferedImage(img);
    }
}
