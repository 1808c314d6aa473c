package io.smfd.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.smfd.cli.CliTest.Run;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code smfd deblur} end to end on synthetic images (no licensed data needed) with the default backend and
 * the bundled model.
 */
class DeblurCommandTest {

    @TempDir
    Path tmp;

    /** Writes a smooth synthetic "face" (gradients and a disc) of the given size and format. */
    static Path writeFace(Path file, int w, int h, String format) throws Exception {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double dx = (x - w / 2.0) / w;
                double dy = (y - h / 2.0) / h;
                int skin = dx * dx + dy * dy < 0.1 ? 200 : 60;
                img.setRGB(x, y, (skin << 16) | ((x * 255 / w) << 8) | (y * 255 / h));
            }
        }
        Files.createDirectories(file.getParent());
        assertThat(ImageIO.write(img, format, file.toFile())).isTrue();
        return file;
    }

    @Test
    void singleFileWithMasks() throws Exception {
        Path in = writeFace(tmp.resolve("in/face.jpg"), 61, 47, "jpg");
        Path out = tmp.resolve("out");
        Run r = CliTest.cli("deblur", in.toString(), "--out", out.toString(), "--masks", "--threads", "1",
                "--deblur-sharp"); // synthetic faces look sharp: run the network as this test is about writing
        assertThat(r.code()).as(r.err()).isZero();
        BufferedImage result = ImageIO.read(out.resolve("face.png").toFile());
        BufferedImage masks = ImageIO.read(out.resolve("face.masks.png").toFile());
        assertThat(result.getWidth()).isEqualTo(61);
        assertThat(result.getHeight()).isEqualTo(47);
        assertThat(masks.getWidth()).isEqualTo(61);
        assertThat(masks.getHeight()).isEqualTo(47);
        assertThat(r.out()).contains("wrote ").contains("deblurred 1 of 1 face(s)");
        assertThat(r.err()).doesNotContain("faces/s"); // no progress bar for one file
    }

    @Test
    void folderWithACorruptFileContinuesAndExitsWithOne() throws Exception {
        Path dir = tmp.resolve("faces");
        writeFace(dir.resolve("a.png"), 32, 32, "png");
        writeFace(dir.resolve("b.jpg"), 40, 32, "jpg");
        writeFace(dir.resolve("c.bmp"), 32, 40, "bmp");
        writeFace(dir.resolve("sub/d.png"), 32, 32, "png");
        Files.writeString(dir.resolve("broken.png"), "this is not a PNG");
        Files.writeString(dir.resolve("notes.txt"), "ignored: not an image suffix");
        Path out = tmp.resolve("out");

        Run r = CliTest.cli("deblur", dir.toString(), "--out", out.toString(), "--batch", "2", "--deblur-sharp");
        assertThat(r.code()).isEqualTo(Cli.EXIT_FAILURE);
        assertThat(out.resolve("a.png")).exists();
        assertThat(out.resolve("b.png")).exists();
        assertThat(out.resolve("c.png")).exists();
        assertThat(out.resolve("d.png")).doesNotExist(); // not recursive
        assertThat(out.resolve("a.masks.png")).doesNotExist();
        assertThat(r.err()).contains("broken.png: ").contains("faces/s").contains("1 of 4 file(s) failed")
                .doesNotContain("\tat ");
        assertThat(r.out()).contains("deblurred 3 of 4 face(s)").doesNotContain("passed through");

        Run rec = CliTest.cli("deblur", dir.resolve("sub").toString(), dir.resolve("a.png").toString(),
                "--out", out.toString(), "--recursive", "--format", "bmp");
        assertThat(rec.code()).as(rec.err()).isZero();
        assertThat(out.resolve("d.bmp")).exists();
        assertThat(out.resolve("a.bmp")).exists();
    }

    @Test
    void neverOverwritesItsInput() throws Exception {
        Path in = writeFace(tmp.resolve("x.png"), 32, 32, "png");
        byte[] before = Files.readAllBytes(in);
        Run r = CliTest.cli("deblur", in.toString(), "--out", tmp.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(Files.readAllBytes(in)).isEqualTo(before);
        assertThat(tmp.resolve("x.deblurred.png")).exists();
    }

    @Test
    void usageErrorsExitWithTwo() throws Exception {
        Path in = writeFace(tmp.resolve("x.png"), 32, 32, "png");
        String f = in.toString();
        assertThat(CliTest.cli("deblur", f).code()).isEqualTo(Cli.EXIT_USAGE);                       // no --out
        assertThat(CliTest.cli("deblur", "--out", "o").code()).isEqualTo(Cli.EXIT_USAGE);             // no input
        assertThat(CliTest.cli("deblur", f, "--out", "o", "--threads", "0").code()).isEqualTo(Cli.EXIT_USAGE);
        assertThat(CliTest.cli("deblur", f, "--out", "o", "--device", "tpu").code()).isEqualTo(Cli.EXIT_USAGE);
        assertThat(CliTest.cli("deblur", f, "--out", "o", "--format", "nope").code()).isEqualTo(Cli.EXIT_USAGE);
        assertThat(CliTest.cli("deblur", f, "--out", "o", "--colour").code()).isEqualTo(Cli.EXIT_USAGE);
        assertThat(CliTest.cli("deblur", f, "--out", f).code()).isEqualTo(Cli.EXIT_USAGE);           // file
        Run r = CliTest.cli("deblur", f, "--out");
        assertThat(r.code()).isEqualTo(Cli.EXIT_USAGE);
        assertThat(r.err()).startsWith("smfd deblur: --out needs a value");
        Run badSeverity = CliTest.cli("deblur", f, "--out", "o", "--pass-below", "1.5");
        assertThat(badSeverity.code()).isEqualTo(Cli.EXIT_USAGE);
        assertThat(badSeverity.err()).contains("--pass-below needs a severity between 0 and 1, got '1.5'");
        assertThat(CliTest.cli("deblur", f, "--out", "o", "--pass-below", "x").code()).isEqualTo(Cli.EXIT_USAGE);
        assertThat(CliTest.cli("deblur", f, "--out", "o", "--pass-below", "0.2", "--deblur-sharp").err())
                .contains("exclude each other");
    }

    @Test
    void passBelowZeroDeblursAFaceTheDefaultPassesThrough() throws Exception {
        Path in = writeFace(tmp.resolve("sharp.png"), 64, 64, "png"); // synthetic faces look sharp
        Run byDefault = CliTest.cli("deblur", in.toString(), "--out", tmp.resolve("a").toString());
        assertThat(byDefault.code()).isZero();
        assertThat(byDefault.out()).contains("deblurred 0 of 1").contains("passed through 1 of 1");
        Run zero = CliTest.cli("deblur", in.toString(), "--out", tmp.resolve("b").toString(),
                "--pass-below", "0");
        assertThat(zero.code()).isZero();
        assertThat(zero.out()).contains("deblurred 1 of 1").doesNotContain("passed through");
    }

    @Test
    void missingInputIsOneLineFailure() {
        Run r = CliTest.cli("deblur", tmp.resolve("nope.png").toString(), "--out", tmp.toString());
        assertThat(r.code()).isEqualTo(Cli.EXIT_FAILURE);
        assertThat(r.err().strip().lines()).hasSize(1);
        assertThat(r.err()).contains("no such file or directory").contains("nope.png");
    }

    @Test
    void outputNamesAreUnique() {
        Path out = Path.of("out");
        Map<Path, Path> t = DeblurCommand.targets(List.of(Path.of("a/x.jpg"), Path.of("a/x.png"),
                Path.of("b/x.bmp"), Path.of("out/y.png")), out, "png");
        assertThat(t.values()).containsExactly(out.resolve("x.png"), out.resolve("x-2.png"),
                out.resolve("x-3.png"), out.resolve("y.deblurred.png"));
        assertThat(DeblurCommand.masksPath(out.resolve("x-2.png"), "png")).isEqualTo(out.resolve("x-2.masks.png"));
    }

    @Test
    void progressLineShowsCountRateAndEta() {
        DeblurCommand.Progress p = new DeblurCommand.Progress(new java.io.PrintStream(
                java.io.OutputStream.nullOutputStream()), 50);
        String line = p.line(10, 5.0);
        assertThat(line).contains("10/50").contains("2.0 faces/s").contains("ETA 0:20").startsWith("[######");
        assertThat(p.line(50, 25.0)).contains("50/50").contains("done in 0:25");
    }

    @Test
    void modelMaximRunsMaximAndCropsBackToTheInputSize() throws Exception {
        Path in = writeFace(tmp.resolve("in/face.png"), 40, 33, "png");
        Path out = tmp.resolve("out");
        Run r = CliTest.cli("deblur", in.toString(), "--out", out.toString(), "--model", "maxim", "--threads", "1",
                "--deblur-sharp");
        assertThat(r.code()).as(r.err()).isZero();
        BufferedImage result = ImageIO.read(out.resolve("face.png").toFile());
        assertThat(result.getWidth()).isEqualTo(40);
        assertThat(result.getHeight()).isEqualTo(33);
        assertThat(r.out()).contains("backend onnx").contains("models maxim");
    }

    @Test
    void modelAutoOnTheCpuBackendIsAOneLineErrorAndWritesNothing() throws Exception {
        Path in = writeFace(tmp.resolve("in/face.png"), 32, 32, "png");
        Path out = tmp.resolve("out");
        for (String m : List.of("auto", "MAXIM")) {
            Run r = CliTest.cli("deblur", in.toString(), "--out", out.toString(), "--model", m, "--backend", "cpu");
            assertThat(r.code()).isEqualTo(1);
            assertThat(r.err().strip()).startsWith("smfd: ").contains("cannot run MAXIM").contains("onnx")
                    .doesNotContain("\n");
            assertThat(out.resolve("face.png")).doesNotExist();
        }
    }

    @Test
    void modelSmfdIsTheDefaultAndAFileIsStillAModel() throws Exception {
        Path in = writeFace(tmp.resolve("in/face.png"), 32, 32, "png");
        Run smfd = CliTest.cli("deblur", in.toString(), "--out", tmp.resolve("a").toString(), "--model", "smfd",
                "--deblur-sharp");
        Run byDefault = CliTest.cli("deblur", in.toString(), "--out", tmp.resolve("b").toString(), "--deblur-sharp");
        assertThat(smfd.code()).as(smfd.err()).isZero();
        assertThat(byDefault.code()).as(byDefault.err()).isZero();
        assertThat(smfd.out()).doesNotContain("models ");
        assertThat(Files.readAllBytes(tmp.resolve("a/face.png"))).isEqualTo(Files.readAllBytes(tmp.resolve("b/face.png")));
        Run missing = CliTest.cli("deblur", in.toString(), "--out", tmp.resolve("c").toString(), "--model",
                tmp.resolve("nope.onnx").toString());
        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.err()).contains("nope.onnx");
    }
}
