package io.smfd.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.smfd.BackendStatus;
import io.smfd.Deblurrer;
import io.smfd.FaceMasks;
import io.smfd.ModelInfo;
import io.smfd.degrade.BlurFamily;
import io.smfd.degrade.DegradationPipeline;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvaluationTest {

    @Test
    void radiusOfGyrationOfSimpleKernels() {
        double[] delta = new double[9];
        delta[4] = 1;
        assertThat(Evaluation.radiusOfGyration(delta, 3)).isEqualTo(0.0);
        // horizontal box of length L: sqrt((L^2 - 1) / 12)
        int k = 7;
        double[] line = new double[k * k];
        for (int x = 0; x < k; x++) {
            line[3 * k + x] = 1.0 / k;
        }
        assertThat(Evaluation.radiusOfGyration(line, k)).isCloseTo(Math.sqrt((49 - 1) / 12.0), within(1e-12));
        // off-centre mass: centroid, not the kernel centre, is the reference
        double[] two = new double[25];
        two[0] = 0.5;
        two[2] = 0.5;
        assertThat(Evaluation.radiusOfGyration(two, 5)).isCloseTo(1.0, within(1e-12));
    }

    @Test
    void bucketsAreHalfOpen() {
        assertThat(Evaluation.bucket(0.3)).isEqualTo(0);
        assertThat(Evaluation.bucket(1.5)).isEqualTo(1);
        assertThat(Evaluation.bucket(2.99)).isEqualTo(1);
        assertThat(Evaluation.bucket(3.0)).isEqualTo(2);
        assertThat(Evaluation.bucket(5.0)).isEqualTo(3);
        assertThat(Evaluation.bucket(40)).isEqualTo(3);
    }

    @Test
    void conditionGroupsFollowTheDrawnPostBlurSteps() {
        DegradationPipeline p = DegradationPipeline.defaults();
        List<Evaluation.FaceResult> faces = new java.util.ArrayList<>();
        int blurOnly = 0;
        int noisy = 0;
        int jpeg = 0;
        int rescaled = 0;
        for (long seed = 0; seed < 200; seed++) {
            io.smfd.degrade.Degradation d = p.sample(seed);
            Evaluation.FaceResult r = new Evaluation.FaceResult();
            r.recordPostBlurSteps(d);
            faces.add(r);
            boolean n = d.noiseType().isPresent();
            boolean j = d.jpegQuality().isPresent();
            boolean s = d.scale().isPresent();
            blurOnly += !n && !j && !s ? 1 : 0;
            noisy += n ? 1 : 0;
            jpeg += j ? 1 : 0;
            rescaled += s ? 1 : 0;
        }
        List<Report.Group> g = Report.conditionGroups(faces);
        assertThat(g).extracting(Report.Group::name)
                .containsExactly("blur only", "with noise", "with JPEG", "with rescaling");
        assertThat(g).extracting(x -> x.faces().size()).containsExactly(blurOnly, noisy, jpeg, rescaled);
        // the default pipeline draws each step for some but not all faces, so every group is a proper subset
        assertThat(List.of(blurOnly, noisy, jpeg, rescaled)).allSatisfy(n -> assertThat(n).isBetween(1, 199));
        assertThat(g.get(0).faces()).doesNotContainAnyElementsOf(g.get(2).faces());
    }

    @Test
    void iouSkipsClassesAbsentFromBoth() {
        int w = 16;
        int h = 16;
        int n = w * h;
        int[] gt = new int[n];
        float[] p = new float[8 * n];
        for (int i = 0; i < n; i++) {
            gt[i] = i < n / 2 ? 0 : 1; // top half background, bottom half skin
            int pred = i < n / 4 ? 0 : 1; // predicts background only in the top quarter
            p[pred * n + i] = 1f;
        }
        Evaluation.FaceResult r = new Evaluation.FaceResult();
        Evaluation.iou(r, FaceMasks.of(FaceDataset.GROUP_NAMES, w, h, p), gt);
        assertThat(r.iou[0]).isCloseTo(0.5, within(1e-12)); // 64 / 128
        assertThat(r.iou[1]).isCloseTo(128.0 / 192, within(1e-12));
        for (int c = 2; c < 8; c++) {
            assertThat(r.iou[c]).isNaN();
        }
    }

    @Test
    void paletteMaskIndicesAreReadFromTheRasterAndGrouped() throws IOException {
        byte[] red = new byte[19];
        byte[] green = new byte[19];
        byte[] blue = new byte[19];
        for (int i = 0; i < 19; i++) {
            red[i] = (byte) (255 - 10 * i); // colours unrelated to the indices
            green[i] = (byte) (7 * i);
            blue[i] = (byte) 128;
        }
        IndexColorModel cm = new IndexColorModel(8, 19, red, green, blue);
        BufferedImage img = new BufferedImage(19, 1, BufferedImage.TYPE_BYTE_INDEXED, cm);
        for (int x = 0; x < 19; x++) {
            img.getRaster().setSample(x, 0, 0, x);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ImageIO.write(img, "png", bytes);
        BufferedImage back = ImageIO.read(new java.io.ByteArrayInputStream(bytes.toByteArray()));
        int[] groups = FaceDataset.groupIndices(back, "test");
        assertThat(groups).containsExactly(0, 1, 4, 7, 3, 3, 2, 2, 1, 1, 5, 5, 5, 6, 7, 7, 7, 1, 0);
    }

    @Test
    void gridFacesCoverEveryFamilyFirst() {
        List<Integer> ids = java.util.stream.IntStream.range(4500, 4600).boxed().toList();
        Set<Integer> chosen = Evaluation.chooseGridIds(ids, DegradationPipeline.defaults(), 6);
        assertThat(chosen).hasSize(6);
        Set<BlurFamily> fams = new java.util.HashSet<>();
        for (int id : chosen) {
            fams.add(DegradationPipeline.defaults().sample(Evaluation.SEED_BASE + id).family());
        }
        assertThat(fams).containsExactlyInAnyOrder(BlurFamily.values());
    }

    @Test
    void modelCardFieldsAreParsed() {
        String card = "{\"input\": {\"name\": \"input\"}, \"name\": \"SMFD-UNet\", \"training\": {\"trained\": false},"
                + " \"version\": \"0.1.0\"}";
        assertThat(ModelDescription.field(card, "version", "?")).isEqualTo("0.1.0");
        assertThat(ModelDescription.field(card, "trained", "?")).isEqualTo("false");
        assertThat(ModelDescription.field(card, "name", "?")).isEqualTo("SMFD-UNet");
        assertThat(ModelDescription.field(card, "absent", "?")).isEqualTo("?");
        ModelInfo info = new ModelInfo("SMFD-UNet", "0.1.0", "ab".repeat(32), "model file x.onnx", List.of("a"), 8, card);
        String d = ModelDescription.describe(info);
        assertThat(d).isEqualTo("SMFD-UNet 0.1.0, sha256 abababababab, 1 classes, model file x.onnx, model card: trained=false");
        assertThat(ModelDescription.untrained(d)).isTrue();
        assertThat(ModelDescription.untrained(ModelDescription.describe(new ModelInfo("SMFD-UNet", "0.1.0",
                "ab".repeat(32), "bundled model (io.smfd:smfd-model)", List.of("a"), 8, "")))).isFalse();
    }

    @Test
    void reportPathsAreNeutral() {
        Path cwd = Path.of("/home/someone/work/smfd");
        assertThat(ModelDescription.neutralPath(Path.of("/home/someone/work/shared/data/celebamask-hq-mini"), cwd))
                .isEqualTo("../shared/data/celebamask-hq-mini");
        assertThat(ModelDescription.neutralPath(Path.of("/mnt/data/celebamask-hq-mini"), cwd))
                .isEqualTo(".../celebamask-hq-mini");
        assertThat(ModelDescription.neutralPath(cwd.resolve("data"), cwd)).isEqualTo("data");
    }

    /**
     * End to end on 4 held-out faces with the real bundled model; needs the data set and an available backend.
     */
    @Test
    void smokeRunOnFourFacesWritesCompleteReport(@TempDir Path out) throws IOException {
        Optional<Path> data = FaceDataset.locate();
        assumeTrue(data.isPresent(), "CelebAMask-HQ mini not found (../shared/data/celebamask-hq-mini, or set"
                + " SMFD_DATA / -Dsmfd.data): skipping the end-to-end evaluation; the faces are never committed");
        assumeTrue(Deblurrer.backends().stream().anyMatch(BackendStatus::available),
                "no SMFD runtime backend is available here (" + Deblurrer.backends() + "): skipping the end-to-end"
                        + " evaluation with the bundled model");
        ByteArrayOutputStream se = new ByteArrayOutputStream();
        EvaluationResult result = Evaluation.run(new Evaluation.Options(data.get(), 4, "auto", 2, out, null, 4,
                "smfd eval --data " + data.get() + " --limit 4", new PrintStream(se, true, StandardCharsets.UTF_8)));
        assertThat(result.reportMarkdown()).as("stderr: %s", se.toString(StandardCharsets.UTF_8))
                .isEqualTo(out.resolve("report.md"));
        assertThat(result.reportJson()).isEqualTo(out.resolve("report.json"));
        assertThat(result.faces()).isEqualTo(4);
        assertThat(result.skipped()).isEmpty();
        assertThat(result.matrix()).isEmpty();
        // the typed result carries the figures report.json renders (6 significant digits there)
        Object rep = Json.parse(Files.readString(out.resolve("report.json")));
        for (Evaluation.Method me : Evaluation.Method.values()) {
            String key = me == Evaluation.Method.BEST_CLASSICAL ? "bestClassical" : me.name().toLowerCase(java.util.Locale.ROOT);
            assertThat(result.mean(me, Evaluation.Metric.PSNR_RGB)).as(key)
                    .isCloseTo(jsonNumber(rep, "overall", key, "psnrRgb"), org.assertj.core.data.Percentage.withPercentage(1e-3));
            assertThat(result.mean(me, Evaluation.Metric.SSIM_Y)).as(key)
                    .isCloseTo(jsonNumber(rep, "overall", key, "ssimY"), org.assertj.core.data.Percentage.withPercentage(1e-3));
        }
        EvaluationResult.Identity smfdId = result.identity().get(Evaluation.Method.SMFD);
        assertThat(smfdId.n()).isEqualTo(4);
        assertThat(smfdId.meanDistance()).isCloseTo(jsonNumber(rep, "identity", "overall", "smfd", "mean"),
                org.assertj.core.data.Percentage.withPercentage(1e-3));
        assertThat(smfdId.tarAtFar1e3()).isEqualTo(jsonNumber(rep, "verification", "smfd", "tarAtFar1e-3"));
        assertThat(result.doNoHarm()).containsOnlyKeys("sharp", "mild");
        assertThat(result.doNoHarm().get("sharp").outputVsInputPsnrRgb()).isCloseTo(
                jsonNumber(rep, "doNoHarm", "sharp", "outputVsInputPsnrRgb"), org.assertj.core.data.Percentage.withPercentage(1e-3));
        assertThat(result.model()).isEqualTo(Json.get(rep, "model"));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> result.overall().clear())
                .isInstanceOf(UnsupportedOperationException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> result.overall().get(Evaluation.Method.SMFD).clear())
                .isInstanceOf(UnsupportedOperationException.class);
        String md = Files.readString(out.resolve("report.md"));
        assertThat(md).contains("# SMFD evaluation report", "held-out", "## Summary (all faces)", "## By blur family",
                "## By blur strength", "## By post-blur degradation", "## Region PSNR (eyes, mouth)", "## Mask generator IoU", "## Classical baselines",
                "| SMFD |", "| Best classical |", "| Wiener (blind) |", "| Unsharp mask |", "| Blurry input |",
                "smfd eval --data", "mIoU", "Backend", "Model", "20260000", "SMFD-UNet ", "sha256 ");
        assertThat(md).doesNotContain(data.get().toAbsolutePath().toString() + "/eval");
        assertThat(md).doesNotContain("NaN", "Infinity");
        // every row of the summary table has finite numbers in all metric columns
        Matcher m = Pattern.compile("(?m)^\\| (Blurry input|Unsharp mask|Wiener \\(blind\\)|Best classical|SMFD) \\| 4 \\|(.*)\\|$")
                .matcher(md.substring(md.indexOf("## Summary"), md.indexOf("## By blur family")));
        int rows = 0;
        while (m.find()) {
            rows++;
            String[] cells = m.group(2).split("\\|");
            assertThat(cells).hasSize(6);
            for (String c : cells) {
                assertThat(Double.parseDouble(c.trim())).isFinite();
            }
        }
        assertThat(rows).isEqualTo(5);
        assertThat(md).contains("## Identity (face descriptor)", "### Identity by blur family", "### Identity by blur strength",
                "## Verification (TAR at fixed FAR)", "## Do no harm (sharp and mildly blurred inputs)",
                "## NIQE (no-reference quality)", "| Face descriptor | dlib ResNet face descriptor", "0.542 GFLOP");
        // identity rows: 4 faces, finite distances, share within 0.6 as a percentage
        Matcher id = Pattern.compile("(?m)^\\| (Blurry input|Best classical|SMFD) \\| 4 \\| ([0-9.]+) \\| ([0-9.]+) \\| ([0-9.]+)"
                + " \\| ([0-9.]+)% \\|$").matcher(md.substring(md.indexOf("## Identity"), md.indexOf("### Identity by")));
        int idRows = 0;
        while (id.find()) {
            idRows++;
            assertThat(Double.parseDouble(id.group(2))).isBetween(0.0, 2.0);
        }
        assertThat(idRows).isEqualTo(3);
        // do no harm: both sets with 4 faces
        assertThat(md).containsPattern("(?m)^\\| sharp \\| 4 \\| [0-9.]+ \\| 0\\.[0-9]{4} \\| 0\\.[0-9]{3} \\|")
                .containsPattern("(?m)^\\| mild \\| 4 \\| [0-9.]+ \\| 0\\.[0-9]{4} \\| 0\\.[0-9]{3} \\|");
        String json = Files.readString(out.resolve("report.json"));
        assertThat(json).contains("\"overall\"", "\"byFamily\"", "\"byStrength\"", "\"byCondition\"", "\"maskIoU\"", "\"smfd\"",
                "\"identity\"", "\"verification\"", "\"tarAtFar1e-3\"", "\"doNoHarm\"", "\"identityDrift\"", "\"niqe\"",
                "\"msPerFace\"");
        assertThat(Files.readAllLines(out.resolve("per_image.csv"))).hasSize(5);
        assertThat(Files.readAllLines(out.resolve("do_no_harm.csv"))).hasSize(9);
        BufferedImage grid = ImageIO.read(out.resolve("grid.png").toFile());
        assertThat(grid.getWidth()).isGreaterThan(6 * 256);
        assertThat(grid.getHeight()).isGreaterThan(4 * 256);
        assertThat(se.toString(StandardCharsets.UTF_8)).contains("[eval] 4/4 faces");
    }

    @Test
    void baselinesOnlyRunWorksWithoutABackend(@TempDir Path out) throws IOException {
        Optional<Path> data = FaceDataset.locate();
        assumeTrue(data.isPresent(), "CelebAMask-HQ mini not found: skipping (faces are never committed)");
        ByteArrayOutputStream se = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(se, true, StandardCharsets.UTF_8);
        EvaluationResult result = Evaluation.run(new Evaluation.Options(data.get(), 2, "none", 2, out, null, 1,
                "smfd eval --backend none", ps));
        assertThat(result.overall()).doesNotContainKey(Evaluation.Method.SMFD).containsKey(Evaluation.Method.WIENER);
        assertThat(result.mean(Evaluation.Method.SMFD, Evaluation.Metric.PSNR_RGB)).isNaN();
        assertThat(result.doNoHarm()).isEmpty();
        assertThat(result.identity()).containsOnlyKeys(Evaluation.Method.BLURRY, Evaluation.Method.BEST_CLASSICAL);
        String md = Files.readString(out.resolve("report.md"));
        assertThat(md).contains("| Wiener (blind) | 2 |", "Not measured: SMFD was skipped").doesNotContainPattern("(?m)^\\| SMFD \\|");
        // identity of the blurry input and the classical baselines does not need SMFD
        assertThat(md).contains("## Identity (face descriptor)").containsPattern("(?m)^\\| Blurry input \\| 2 \\| [0-9.]+ \\|");
    }

    private static double jsonNumber(Object json, String... path) {
        return ((Number) Json.get(json, path)).doubleValue();
    }
}
