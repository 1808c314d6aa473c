package io.smfd.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tests of {@link Niqe} against scikit-video's reference values ({@code shared/data/niqe}) and of
 * its input contract. Tests that need the reference data are skipped when it cannot be found; the
 * folder is searched upwards from the working directory ({@code <ancestor>/shared/data/niqe}), or
 * given with {@code -Dsmfd.niqe.data=/path/to/niqe}.
 */
class NiqeTest {

    private static final double GOLDEN_TOLERANCE = 1e-2;

    /** scikit-video's NIQE of a constant image (degenerate AGGD fits), any level. */
    private static final double CONSTANT_IMAGE_NIQE = 30.31327;

    private static Path dataDir;
    private static Niqe niqe;

    @BeforeAll
    static void loadModel() throws IOException {
        dataDir = findDataDir();
        if (dataDir != null) {
            niqe = Niqe.load(dataDir.resolve("niqe_pristine_params.json"));
        }
    }

    private static Path findDataDir() {
        String override = System.getProperty("smfd.niqe.data");
        if (override != null && Files.isRegularFile(Paths.get(override, "golden.csv"))) {
            return Paths.get(override);
        }
        for (Path p = Paths.get("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path candidate = p.resolve("shared").resolve("data").resolve("niqe");
            if (Files.isRegularFile(candidate.resolve("golden.csv"))
                    && Files.isRegularFile(candidate.resolve("niqe_pristine_params.json"))) {
                return candidate;
            }
        }
        return null;
    }

    private static void assumeData() {
        Assumptions.assumeTrue(dataDir != null,
                "NIQE reference data (shared/data/niqe) not found above " + Paths.get("").toAbsolutePath());
    }

    /** An identity model, enough for input validation without the reference data. */
    private static Niqe syntheticModel() {
        double[][] cov = new double[Niqe.FEATURE_COUNT][Niqe.FEATURE_COUNT];
        for (int i = 0; i < cov.length; i++) {
            cov[i][i] = 1.0;
        }
        return Niqe.of(new double[Niqe.FEATURE_COUNT], cov);
    }

    private static final class Gray {
        final int width;
        final int height;
        final double[] luma;

        Gray(int width, int height, double[] luma) {
            this.width = width;
            this.height = height;
            this.luma = luma;
        }
    }

    private static Gray readLuma(String name) throws IOException {
        BufferedImage img = ImageIO.read(dataDir.resolve(name).toFile());
        assertThat(img).as("decodable PNG %s", name).isNotNull();
        Raster r = img.getRaster();
        assertThat(r.getNumBands()).as("%s is single-channel luma", name).isEqualTo(1);
        int w = img.getWidth();
        int h = img.getHeight();
        double[] luma = new double[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                luma[y * w + x] = r.getSample(x, y, 0);
            }
        }
        return new Gray(w, h, luma);
    }

    private static Map<String, Double> golden() throws IOException {
        Map<String, Double> out = new LinkedHashMap<>();
        List<String> lines = Files.readAllLines(dataDir.resolve("golden.csv"), StandardCharsets.UTF_8);
        for (String line : lines.subList(1, lines.size())) {
            if (line.isBlank()) {
                continue;
            }
            String[] parts = line.split(",");
            out.put(parts[0].trim(), Double.parseDouble(parts[1].trim()));
        }
        return out;
    }

    /** Separable Gaussian blur with replicated borders. */
    private static double[] gaussianBlur(double[] src, int w, int h, double sigma) {
        int r = (int) Math.ceil(3 * sigma);
        double[] k = new double[2 * r + 1];
        double sum = 0;
        for (int i = -r; i <= r; i++) {
            k[i + r] = Math.exp(-i * i / (2 * sigma * sigma));
            sum += k[i + r];
        }
        for (int i = 0; i < k.length; i++) {
            k[i] /= sum;
        }
        double[] tmp = new double[w * h];
        double[] out = new double[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double v = 0;
                for (int i = -r; i <= r; i++) {
                    v += k[i + r] * src[y * w + Math.min(w - 1, Math.max(0, x + i))];
                }
                tmp[y * w + x] = v;
            }
        }
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double v = 0;
                for (int i = -r; i <= r; i++) {
                    v += k[i + r] * tmp[Math.min(h - 1, Math.max(0, y + i)) * w + x];
                }
                out[y * w + x] = v;
            }
        }
        return out;
    }

    // ---------------------------------------------------------------------------------------
    // Reference values
    // ---------------------------------------------------------------------------------------

    @Test
    void matchesScikitVideoGoldenValues() throws IOException {
        assumeData();
        Map<String, Double> golden = golden();
        assertThat(golden).hasSize(8);
        // Every image is scored before asserting, so a failure reports all of them.
        StringBuilder report = new StringBuilder();
        double maxDiff = 0;
        for (Map.Entry<String, Double> e : golden.entrySet()) {
            Gray g = readLuma(e.getKey());
            double score = niqe.score(g.luma, g.width, g.height);
            double diff = Math.abs(score - e.getValue());
            maxDiff = Math.max(maxDiff, Double.isNaN(diff) ? Double.POSITIVE_INFINITY : diff);
            report.append(String.format("%n  %s: expected %.5f, got %.6f (|diff| %.2e)",
                    e.getKey(), e.getValue(), score, diff));
        }
        assertThat(maxDiff).as("max |NIQE - golden| over:%s", report).isLessThanOrEqualTo(GOLDEN_TOLERANCE);
    }

    @Test
    void byteAndRgbOverloadsAgreeWithDoubleInput() throws IOException {
        assumeData();
        Gray g = readLuma("luma-4500.png");
        byte[] bytes = new byte[g.luma.length];
        int[] rgb = new int[g.luma.length];
        for (int i = 0; i < bytes.length; i++) {
            int v = (int) g.luma[i];
            bytes[i] = (byte) v;
            rgb[i] = 0xFF000000 | v << 16 | v << 8 | v;
        }
        double expected = niqe.score(g.luma, g.width, g.height);
        assertThat(niqe.score(bytes, g.width, g.height)).isEqualTo(expected);
        assertThat(niqe.scoreRgb(rgb, g.width, g.height)).isEqualTo(expected);
    }

    // ---------------------------------------------------------------------------------------
    // Properties
    // ---------------------------------------------------------------------------------------

    @Test
    void gaussianBlurRaisesNiqeOnEveryFace() throws IOException {
        assumeData();
        for (String name : golden().keySet()) {
            Gray g = readLuma(name);
            double sharp = niqe.score(g.luma, g.width, g.height);
            double blur1 = niqe.score(gaussianBlur(g.luma, g.width, g.height, 1.0), g.width, g.height);
            double blur2 = niqe.score(gaussianBlur(g.luma, g.width, g.height, 2.0), g.width, g.height);
            assertThat(blur1).as("%s blurred with sigma 1 vs sharp", name).isGreaterThan(sharp + 0.5);
            assertThat(blur2).as("%s blurred with sigma 2 vs sigma 1", name).isGreaterThan(blur1);
        }
    }

    @Test
    void constantImageGetsTheReferenceDegenerateScore() throws IOException {
        assumeData();
        double worstFace = 0;
        for (String name : golden().keySet()) {
            Gray g = readLuma(name);
            worstFace = Math.max(worstFace, niqe.score(g.luma, g.width, g.height));
        }
        for (double level : new double[] {0, 128, 255}) {
            double[] flat = new double[256 * 256];
            Arrays.fill(flat, level);
            double score = niqe.score(flat, 256, 256);
            assertThat(score).as("constant %s", level).isFinite()
                    .isCloseTo(CONSTANT_IMAGE_NIQE, within(1e-3))
                    .isGreaterThan(worstFace);
        }
    }

    @Test
    void pixelsOutsideTheCropAreIgnored() throws IOException {
        assumeData();
        Gray g = readLuma("luma-4501.png");
        double full = niqe.score(g.luma, g.width, g.height);
        // Top-left 192x192 is what NIQE keeps of a 256x256 image.
        double[] crop = new double[192 * 192];
        for (int y = 0; y < 192; y++) {
            System.arraycopy(g.luma, y * g.width, crop, y * 192, 192);
        }
        assertThat(niqe.score(crop, 192, 192)).isEqualTo(full);
        double[] changed = g.luma.clone();
        changed[(g.height - 1) * g.width + g.width - 1] = 0;
        changed[200] = 255;
        assertThat(niqe.score(changed, g.width, g.height)).isEqualTo(full);
        // ... but a pixel inside it counts.
        changed[100 * g.width + 100] = 255 - changed[100 * g.width + 100];
        assertThat(niqe.score(changed, g.width, g.height)).isNotEqualTo(full);
    }

    @Test
    void sharedInstanceGivesIdenticalResultsAcrossThreads() throws Exception {
        assumeData();
        List<Gray> images = new ArrayList<>();
        List<Double> expected = new ArrayList<>();
        for (String name : golden().keySet()) {
            Gray g = readLuma(name);
            images.add(g);
            expected.add(niqe.score(g.luma, g.width, g.height));
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Double>> futures = new ArrayList<>();
            for (int round = 0; round < 3; round++) {
                for (Gray g : images) {
                    futures.add(pool.submit(() -> niqe.score(g.luma, g.width, g.height)));
                }
            }
            for (int i = 0; i < futures.size(); i++) {
                assertThat(futures.get(i).get()).isEqualTo(expected.get(i % images.size()));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    // ---------------------------------------------------------------------------------------
    // Input contract (no reference data needed)
    // ---------------------------------------------------------------------------------------

    @Test
    void rejectsImagesSmallerThan192() {
        Niqe model = syntheticModel();
        assertThatIllegalArgumentException().isThrownBy(() -> model.score(new double[191 * 256], 191, 256))
                .withMessageContaining("at least 192x192");
        assertThatIllegalArgumentException().isThrownBy(() -> model.score(new double[256 * 191], 256, 191))
                .withMessageContaining("at least 192x192");
        assertThatIllegalArgumentException().isThrownBy(() -> model.score(new byte[96 * 96], 96, 96));
        assertThatIllegalArgumentException().isThrownBy(() -> model.score(new double[0], 0, 0));
        assertThatIllegalArgumentException().isThrownBy(() -> model.score(new double[4], -2, -2));
        assertThat(model.score(new double[192 * 192], 192, 192)).isFinite();
    }

    @Test
    void rejectsWrongArrayLengths() {
        Niqe model = syntheticModel();
        assertThatIllegalArgumentException().isThrownBy(() -> model.score(new double[256 * 256 - 1], 256, 256))
                .withMessageContaining("expected 65536");
        assertThatIllegalArgumentException().isThrownBy(() -> model.score(new byte[256 * 256 + 1], 256, 256));
        assertThatIllegalArgumentException().isThrownBy(() -> model.scoreRgb(new int[10], 256, 256));
        assertThatThrownBy(() -> model.score((double[]) null, 256, 256)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void rejectsNonFiniteValuesAnywhere() {
        Niqe model = syntheticModel();
        double[] img = new double[256 * 256];
        img[5] = Double.NaN;
        assertThatIllegalArgumentException().isThrownBy(() -> model.score(img, 256, 256))
                .withMessageContaining("not finite");
        img[5] = 0;
        img[img.length - 1] = Double.POSITIVE_INFINITY; // outside the crop, still rejected
        assertThatIllegalArgumentException().isThrownBy(() -> model.score(img, 256, 256))
                .withMessageContaining("not finite");
    }

    @Test
    void lumaFromRgbMatchesPilConvertL() {
        for (int v = 0; v < 256; v++) {
            assertThat(Niqe.luma(v, v, v)).as("gray %s", v).isEqualTo(v);
        }
        // Values of PIL's Image.convert("L") (16-bit fixed point, rounded).
        assertThat(Niqe.luma(255, 0, 0)).isEqualTo(76);
        assertThat(Niqe.luma(0, 255, 0)).isEqualTo(150);
        assertThat(Niqe.luma(0, 0, 255)).isEqualTo(29);
        assertThat(Niqe.luma(1, 2, 3)).isEqualTo(2);
        assertThat(Niqe.luma(200, 100, 50)).isEqualTo(124);
        byte[] l = Niqe.lumaFromRgb(new int[] {0xFFFF0000, 0x0000FF00, 0x800000FF, 0xFFFFFFFF}, 2, 2);
        assertThat(l).containsExactly((byte) 76, (byte) 150, (byte) 29, (byte) 255);
        assertThatIllegalArgumentException().isThrownBy(() -> Niqe.luma(256, 0, 0));
        assertThatIllegalArgumentException().isThrownBy(() -> Niqe.luma(0, -1, 0));
        assertThatIllegalArgumentException().isThrownBy(() -> Niqe.lumaFromRgb(new int[3], 2, 2));
    }

    @Test
    void rejectsMalformedModels(@TempDir Path tmp) throws IOException {
        Path broken = tmp.resolve("broken.json");
        Files.writeString(broken, "{\"pop_mu\": [1, 2,", StandardCharsets.UTF_8);
        assertThatIllegalArgumentException().isThrownBy(() -> Niqe.load(broken)).withMessageContaining("JSON");

        Path shortMu = tmp.resolve("short.json");
        Files.writeString(shortMu, "{\"pop_mu\": [1, 2, 3], \"pop_cov\": [[1]]}", StandardCharsets.UTF_8);
        assertThatIllegalArgumentException().isThrownBy(() -> Niqe.load(shortMu)).withMessageContaining("36");

        Path missing = tmp.resolve("missing.json");
        Files.writeString(missing, "{\"mu\": []}", StandardCharsets.UTF_8);
        assertThatIllegalArgumentException().isThrownBy(() -> Niqe.load(missing)).withMessageContaining("pop_cov");

        double[][] asym = new double[Niqe.FEATURE_COUNT][Niqe.FEATURE_COUNT];
        for (int i = 0; i < asym.length; i++) {
            asym[i][i] = 1;
        }
        asym[0][1] = 0.5;
        assertThatIllegalArgumentException().isThrownBy(() -> Niqe.of(new double[Niqe.FEATURE_COUNT], asym))
                .withMessageContaining("symmetric");
        double[] nanMu = new double[Niqe.FEATURE_COUNT];
        nanMu[3] = Double.NaN;
        asym[0][1] = 0;
        assertThatIllegalArgumentException().isThrownBy(() -> Niqe.of(nanMu, asym)).withMessageContaining("finite");
    }

    @Test
    void modelLoadedFromJsonEqualsTheOneBuiltFromArrays(@TempDir Path tmp) throws IOException {
        StringBuilder json = new StringBuilder("{\"note\": \"x\\\"y\", \"pop_mu\": [[");
        double[] mu = new double[Niqe.FEATURE_COUNT];
        double[][] cov = new double[Niqe.FEATURE_COUNT][Niqe.FEATURE_COUNT];
        for (int i = 0; i < mu.length; i++) {
            mu[i] = 0.01 * i - 0.1;
            json.append(i == 0 ? "" : ", ").append(mu[i]);
        }
        json.append("]], \"pop_cov\": [");
        for (int i = 0; i < cov.length; i++) {
            json.append(i == 0 ? "[" : ", [");
            for (int j = 0; j < cov.length; j++) {
                cov[i][j] = i == j ? 1.0 + i : 1e-3 / (1 + i + j);
                json.append(j == 0 ? "" : ",").append(cov[i][j]);
            }
            json.append(']');
        }
        json.append("], \"flag\": true, \"nothing\": null}\n");
        Path file = tmp.resolve("model.json");
        Files.writeString(file, json.toString(), StandardCharsets.UTF_8);

        double[] img = new double[200 * 220];
        java.util.Random rnd = new java.util.Random(42);
        for (int i = 0; i < img.length; i++) {
            img[i] = rnd.nextInt(256);
        }
        assertThat(Niqe.load(file).score(img, 220, 200)).isEqualTo(Niqe.of(mu, cov).score(img, 220, 200));
    }
}
