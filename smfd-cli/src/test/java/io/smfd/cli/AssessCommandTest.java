package io.smfd.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.smfd.cli.CliTest.Run;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code smfd assess} and the pass-through count of {@code smfd deblur}, on synthetic images. */
class AssessCommandTest {

    @TempDir
    Path tmp;

    /**
     * A face-like test card: an oval face, dark eyes and mouth over a multi-scale texture (octaves of smoothed
     * noise, roughly 1/f like photographs), then {@code blur} passes of a 3x3 mean (about sigma 0.8 each).
     */
    static Path writeCard(Path file, int size, long seed, int blur) throws Exception {
        Random r = new Random(seed);
        int n = size * size;
        double[] v = new double[n];
        for (int octave = 0; octave < 5; octave++) {
            double[] noise = new double[n];
            for (int i = 0; i < n; i++) {
                noise[i] = r.nextGaussian();
            }
            noise = boxBlur(noise, size, octave * octave + 1);
            double sd = Math.sqrt(java.util.Arrays.stream(noise).map(x -> x * x).average().orElse(1));
            for (int i = 0; i < n; i++) {
                v[i] += (6 + 5 * octave) * noise[i] / sd;
            }
        }
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                double dx = (x - size / 2.0) / (0.32 * size);
                double dy = (y - size * 0.55) / (0.42 * size);
                double base = dx * dx + dy * dy < 1 ? 160 : 90;
                double ex = Math.min(Math.abs(x - 0.38 * size), Math.abs(x - 0.62 * size)) / (0.07 * size);
                double ey = (y - 0.47 * size) / (0.03 * size);
                if (ex * ex + ey * ey < 1) {
                    base = 40;
                }
                double mx = (x - 0.5 * size) / (0.12 * size);
                double my = (y - 0.75 * size) / (0.025 * size);
                if (mx * mx + my * my < 1) {
                    base = 80;
                }
                v[y * size + x] += base;
            }
        }
        v = boxBlur(v, size, blur);
        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        for (int i = 0; i < n; i++) {
            int g = (int) Math.round(Math.max(0, Math.min(255, v[i])));
            img.setRGB(i % size, i / size, (g << 16) | (Math.max(0, g - 20) << 8) | Math.max(0, g - 40));
        }
        Files.createDirectories(file.getParent());
        assertThat(ImageIO.write(img, "png", file.toFile())).isTrue();
        return file;
    }

    private static double[] boxBlur(double[] v, int size, int passes) {
        for (int pass = 0; pass < passes; pass++) {
            double[] o = new double[v.length];
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    double s = 0;
                    for (int j = -1; j <= 1; j++) {
                        for (int i = -1; i <= 1; i++) {
                            s += v[Math.min(size - 1, Math.max(0, y + j)) * size + Math.min(size - 1, Math.max(0, x + i))];
                        }
                    }
                    o[y * size + x] = s / 9;
                }
            }
            v = o;
        }
        return v;
    }

    @Test
    void csvHasOneRowPerFaceWithValuesInRange() throws Exception {
        Path dir = tmp.resolve("faces");
        writeCard(dir.resolve("a.png"), 128, 1, 0);
        writeCard(dir.resolve("b.png"), 128, 1, 6);
        writeCard(dir.resolve("c.png"), 64, 3, 1);
        Run r = CliTest.cli("assess", dir.toString(), "--csv");
        assertThat(r.code()).as(r.err()).isZero();
        String[] lines = r.out().strip().split("\\R");
        assertThat(lines[0]).isEqualTo(AssessCommand.CSV_HEADER);
        assertThat(lines).hasSize(4);
        double extentSharp = Double.NaN;
        double extentBlurred = Double.NaN;
        for (int i = 1; i < lines.length; i++) {
            String[] f = lines[i].split(",");
            assertThat(f).hasSize(10);
            assertThat(f[7]).isIn("ISOTROPIC", "DIRECTIONAL", "UNMEASURABLE");
            assertThat(Double.parseDouble(f[8])).isGreaterThanOrEqualTo(0.0);
            assertThat(Double.parseDouble(f[9])).isGreaterThanOrEqualTo(0.0);
            double severity = Double.parseDouble(f[3]);
            double extent = Double.parseDouble(f[4]);
            assertThat(severity).isBetween(0.0, 1.0);
            assertThat(extent).isGreaterThanOrEqualTo(0.0);
            assertThat(Boolean.parseBoolean(f[5])).isEqualTo(severity >= 0.5);
            if (f[0].endsWith("a.png")) {
                extentSharp = extent;
            } else if (f[0].endsWith("b.png")) {
                extentBlurred = extent;
            }
        }
        assertThat(extentBlurred).isGreaterThan(extentSharp);
    }

    @Test
    void textOutputEndsWithASummary() throws Exception {
        Path a = writeCard(tmp.resolve("x/a.png"), 80, 4, 0);
        Run r = CliTest.cli("assess", a.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("a.png  80x80  severity ").contains("face(s) need deblurring").contains("ms per face");
    }

    @Test
    void badInputIsReportedAndSkipped() throws Exception {
        Path dir = tmp.resolve("mixed");
        writeCard(dir.resolve("good.png"), 64, 5, 0);
        Files.writeString(dir.resolve("bad.png"), "not an image");
        Run r = CliTest.cli("assess", dir.toString(), "--csv");
        assertThat(r.code()).isEqualTo(Cli.EXIT_FAILURE);
        assertThat(r.err()).contains("bad.png").contains("1 of 2 file(s) failed");
        assertThat(r.out().strip().split("\\R")).hasSize(2);
    }

    @Test
    void usageErrors() {
        assertThat(CliTest.cli("assess").code()).isEqualTo(Cli.EXIT_USAGE);
        assertThat(CliTest.cli("assess", "x.png", "--bogus").code()).isEqualTo(Cli.EXIT_USAGE);
        Run help = CliTest.cli("assess", "--help");
        assertThat(help.code()).isZero();
        assertThat(help.out()).contains("severity").contains("--csv");
        assertThat(CliTest.cli("assess", tmp.resolve("missing.png").toString()).code()).isEqualTo(Cli.EXIT_FAILURE);
    }

    @Test
    void deblurPassesThroughExactlyTheFacesAssessedSharpAndCountsThem() throws Exception {
        Path dir = tmp.resolve("in");
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            files.add(writeCard(dir.resolve("f" + i + ".png"), 64, 10 + i, i % 2 == 0 ? 0 : 6));
        }
        Run assess = CliTest.cli("assess", dir.toString(), "--csv");
        assertThat(assess.code()).as(assess.err()).isZero();
        List<String> sharp = new ArrayList<>();
        for (String line : assess.out().strip().split("\\R")) {
            String[] f = line.split(",");
            if (f.length == 10 && f[5].equals("false")) {
                sharp.add(Path.of(line.substring(0, line.indexOf(','))).getFileName().toString());
            }
        }
        assertThat(sharp).as("the cards cover both decisions").isNotEmpty().hasSizeLessThan(4);
        Path out = tmp.resolve("out");
        Run deblur = CliTest.cli("deblur", dir.toString(), "--out", out.toString(), "--threads", "1");
        assertThat(deblur.code()).as(deblur.err()).isZero();
        assertThat(deblur.out()).contains("passed through " + sharp.size() + " of 4 face(s) unchanged")
                .contains("deblurred " + (4 - sharp.size()) + " of 4 face(s)");
        for (Path f : files) {
            BufferedImage in = ImageIO.read(f.toFile());
            BufferedImage res = ImageIO.read(out.resolve(f.getFileName()).toFile());
            boolean same = java.util.Arrays.equals(in.getRGB(0, 0, 64, 64, null, 0, 64), res.getRGB(0, 0, 64, 64, null, 0, 64));
            assertThat(same).as(f.getFileName() + " unchanged").isEqualTo(sharp.contains(f.getFileName().toString()));
        }
        Run all = CliTest.cli("deblur", dir.toString(), "--out", tmp.resolve("out2").toString(), "--threads", "1",
                "--deblur-sharp");
        assertThat(all.code()).as(all.err()).isZero();
        assertThat(all.out()).doesNotContain("passed through").contains("deblurred 4 of 4 face(s)");
    }
}
