package io.smfd.cli;

import static io.smfd.cli.DeblurCommandTest.writeFace;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.smfd.cli.CliTest.Run;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 28: outputs never replace an input (also reached through a symbolic or hard link) or a non-regular file
 * (device node, FIFO, symbolic link, folder); a face and its masks are written as a pair; written files honour the
 * umask and keep the mode of the file they replace; lossy formats are not called "unchanged"; renamed outputs,
 * skipped folder entries and an unwritable output folder are reported.
 */
@EnabledOnOs(OS.LINUX)
class FileSafetyTest {

    @TempDir
    Path tmp;

    private static List<String> listing(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            List<String> names = new ArrayList<>();
            s.forEach(p -> names.add(p.getFileName().toString()));
            names.sort(null);
            return names;
        }
    }

    private static BufferedImage image() {
        BufferedImage img = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
        for (int i = 0; i < 32 * 32; i++) {
            img.setRGB(i % 32, i / 32, i * 7919);
        }
        return img;
    }

    private static void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", cmd) + ": " + out).isZero();
    }

    // ---------- (a) inputs compared as files, not as path text ----------

    @Test
    void inputReachedThroughASymlinkedFolderIsNotOverwritten() throws Exception {
        Path real = tmp.resolve("real");
        Path in = writeFace(real.resolve("a.png"), 32, 32, "png");
        Path alias = Files.createSymbolicLink(tmp.resolve("alias"), real);
        byte[] before = Files.readAllBytes(in);
        Run r = CliTest.cli("deblur", alias.resolve("a.png").toString(), "--out", real.toString(), "--threads", "1");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(Files.readAllBytes(in)).isEqualTo(before);
        assertThat(real.resolve("a.deblurred.png")).exists();
        assertThat(r.out()).contains("a.png -> " + real.resolve("a.deblurred.png"));
    }

    @Test
    void hardLinkedInputIsNotOverwritten() throws Exception {
        Path in = writeFace(tmp.resolve("in/a.png"), 32, 32, "png");
        Path out = Files.createDirectories(tmp.resolve("out"));
        Files.createLink(out.resolve("a.png"), in); // the same file under the output's name
        byte[] before = Files.readAllBytes(in);
        Run r = CliTest.cli("deblur", in.toString(), "--out", out.toString(), "--threads", "1");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(Files.readAllBytes(in)).isEqualTo(before);
        assertThat(out.resolve("a.deblurred.png")).exists();
    }

    /** x.jpg's output x.png is another input of the same run: it must not be replaced. */
    @Test
    void anotherInputIsNotOverwritten() throws Exception {
        Path dir = tmp.resolve("faces");
        writeFace(dir.resolve("x.jpg"), 32, 32, "jpg");
        Path png = writeFace(dir.resolve("x.png"), 40, 32, "png");
        byte[] before = Files.readAllBytes(png);
        Run r = CliTest.cli("deblur", dir.toString(), "--out", dir.toString(), "--threads", "1");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(Files.readAllBytes(png)).isEqualTo(before);
        assertThat(listing(dir)).containsExactly("x.deblurred-2.png", "x.deblurred.png", "x.jpg", "x.png");
    }

    @Test
    void degradeRefusesToOverwriteItsInputThroughALink() throws Exception {
        Path in = writeFace(tmp.resolve("real/a.png"), 32, 32, "png");
        Path alias = Files.createSymbolicLink(tmp.resolve("alias"), tmp.resolve("real"));
        byte[] before = Files.readAllBytes(in);
        Run r = CliTest.cli("degrade", "--input", in.toString(), "--out", alias.resolve("a.png").toString());
        assertThat(r.code()).isEqualTo(Cli.EXIT_FAILURE);
        assertThat(r.err()).contains("is the input file").contains("not overwriting");
        assertThat(Files.readAllBytes(in)).isEqualTo(before);
    }

    // ---------- (b) non-regular files are never replaced ----------

    /** A character device of our own (/dev/full's numbers), so that a failing old build cannot replace /dev/full. */
    @Test
    void deviceNodeIsRefusedAndStaysADevice() throws Exception {
        Path dev = tmp.resolve("full");
        Process p = new ProcessBuilder("mknod", dev.toString(), "c", "1", "7").redirectErrorStream(true).start();
        String why = new String(p.getInputStream().readAllBytes());
        assumeTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, "mknod not permitted here: " + why);
        Path in = writeFace(tmp.resolve("a.png"), 32, 32, "png");
        Run r = CliTest.cli("degrade", "--input", in.toString(), "--out", dev.toString());
        assertThat(r.code()).isEqualTo(Cli.EXIT_FAILURE);
        assertThat(r.err().strip().lines()).containsExactly("degrade: cannot write " + dev
                + ": it is a character device, not a regular file; not replacing it (choose another output)");
        assertThat(r.out()).doesNotContain("wrote");
        assertThat(Files.getAttribute(dev, "unix:mode", LinkOption.NOFOLLOW_LINKS)).matches(
                m -> ((Integer) m & 0170000) == 0020000, "still a character device");
        assertThat(listing(tmp)).containsExactly("a.png", "full"); // no temporary file either
    }

    /** The real /dev/full, through the library call that refuses before creating anything. */
    @Test
    void devFullIsRefusedBeforeAnythingIsCreated() {
        assertThatThrownBy(() -> ImageFiles.refuseNonRegular(Path.of("/dev/full")))
                .isInstanceOf(ImageFiles.RefusedException.class).hasMessageContaining("character device");
    }

    @Test
    void fifoIsRefusedAndStaysAFifo() throws Exception {
        Path fifo = tmp.resolve("pipe.png");
        run("mkfifo", fifo.toString());
        Path in = writeFace(tmp.resolve("a.png"), 32, 32, "png");
        Run r = CliTest.cli("degrade", "--input", in.toString(), "--out", fifo.toString());
        assertThat(r.code()).isEqualTo(Cli.EXIT_FAILURE);
        assertThat(r.err()).contains("it is a FIFO (named pipe), not a regular file; not replacing it");
        assertThat(Files.isRegularFile(fifo, LinkOption.NOFOLLOW_LINKS)).isFalse();
        assertThat(Files.exists(fifo, LinkOption.NOFOLLOW_LINKS)).isTrue();
    }

    /** deblur: a FIFO and a link to /proc/self/fd/1 where outputs go; the other face is still written. */
    @Test
    void deblurRefusesFifoAndSymlinkTargetsPerFace() throws Exception {
        Path dir = tmp.resolve("faces");
        writeFace(dir.resolve("a.png"), 32, 32, "png");
        writeFace(dir.resolve("b.png"), 32, 32, "png");
        writeFace(dir.resolve("c.png"), 32, 32, "png");
        Path out = Files.createDirectories(tmp.resolve("out"));
        run("mkfifo", out.resolve("a.png").toString());
        Files.createSymbolicLink(out.resolve("b.png"), Path.of("/proc/self/fd/1"));
        Run r = CliTest.cli("deblur", dir.toString(), "--out", out.toString(), "--threads", "1");
        assertThat(r.code()).isEqualTo(Cli.EXIT_FAILURE);
        assertThat(r.err()).contains(out.resolve("a.png") + ": it is a FIFO")
                .contains(out.resolve("b.png") + ": it is a symbolic link").contains("2 of 3 file(s) failed");
        assertThat(Files.isSymbolicLink(out.resolve("b.png"))).isTrue();
        assertThat(Files.isRegularFile(out.resolve("a.png"), LinkOption.NOFOLLOW_LINKS)).isFalse();
        assertThat(ImageIO.read(out.resolve("c.png").toFile())).isNotNull();
        assertThat(listing(out)).containsExactly("a.png", "b.png", "c.png");
    }

    // ---------- (d) a face and its masks: both or neither ----------

    /** The masks target cannot be written (a folder is in its place): the face must not be written alone. */
    @Test
    void faceIsNotWrittenWithoutItsMasks() throws Exception {
        Path in = writeFace(tmp.resolve("in/b4502.png"), 32, 32, "png");
        Path out = Files.createDirectories(tmp.resolve("out"));
        Files.createDirectories(out.resolve("b4502.masks.png"));
        Run r = CliTest.cli("deblur", in.toString(), "--out", out.toString(), "--masks", "--threads", "1");
        assertThat(r.code()).isEqualTo(Cli.EXIT_FAILURE);
        assertThat(r.err()).contains("b4502.masks.png: it is a directory");
        assertThat(listing(out)).containsExactly("b4502.masks.png");
    }

    /** Disk full while encoding the masks (after the face was encoded): neither file, the old pair intact. */
    @Test
    void pairWriteFailingOnTheSecondFileLeavesTheOldPair() throws Exception {
        Path out = Files.createDirectories(tmp.resolve("out"));
        Path face = Files.writeString(out.resolve("f.png"), "old face");
        Path masks = Files.writeString(out.resolve("f.masks.png"), "old masks");
        ImageFiles.Opener fullOnMasks = t -> t.getFileName().toString().startsWith(".f.masks.png.")
                ? Files.newOutputStream(Path.of("/dev/full")) : Files.newOutputStream(t);
        assertThatThrownBy(() -> ImageFiles.writeAll(List.of(new ImageFiles.Output(image(), "png", face),
                new ImageFiles.Output(image(), "png", masks)), fullOnMasks))
                .isInstanceOf(IOException.class).hasMessageContaining("cannot write " + masks)
                .hasMessageContaining("No space left on device");
        assertThat(Files.readString(face)).isEqualTo("old face");
        assertThat(Files.readString(masks)).isEqualTo("old masks");
        assertThat(listing(out)).containsExactly("f.masks.png", "f.png");
        ImageFiles.writeAll(List.of(new ImageFiles.Output(image(), "png", face),
                new ImageFiles.Output(image(), "png", masks)), ImageFiles.FILES);
        assertThat(ImageIO.read(face.toFile()).getRGB(5, 5)).isEqualTo(image().getRGB(5, 5));
        assertThat(ImageIO.read(masks.toFile()).getRGB(5, 5)).isEqualTo(image().getRGB(5, 5));
    }

    // ---------- (e) permissions ----------

    /** The mode any file the user creates gets here (0666 less this JVM's umask). */
    private Set<PosixFilePermission> userDefault() throws IOException {
        Path ref = Files.createFile(tmp.resolve("reference"));
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(ref);
        Files.delete(ref);
        return perms;
    }

    @Test
    void newOutputsHonourTheUmask() throws Exception {
        Set<PosixFilePermission> expected = userDefault();
        assumeTrue(!expected.equals(PosixFilePermissions.fromString("rw-------")),
                "umask 077: the default mode equals Files.createTempFile's, nothing to tell apart");
        Path target = tmp.resolve("out/face.png");
        ImageFiles.write(image(), "png", target);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target)))
                .isEqualTo(PosixFilePermissions.toString(expected));
        Path in = writeFace(tmp.resolve("in/x.png"), 32, 32, "png");
        Run r = CliTest.cli("deblur", in.toString(), "--out", tmp.resolve("o").toString(), "--masks", "--threads", "1");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(Files.getPosixFilePermissions(tmp.resolve("o/x.png"))).isEqualTo(expected);
        assertThat(Files.getPosixFilePermissions(tmp.resolve("o/x.masks.png"))).isEqualTo(expected);
    }

    @Test
    void overwriteKeepsTheExistingMode() throws Exception {
        Path target = tmp.resolve("face.png");
        for (String mode : List.of("rw-rw-r--", "rw-r-----", "rw-rw-rw-")) {
            ImageFiles.write(image(), "png", target);
            Files.setPosixFilePermissions(target, PosixFilePermissions.fromString(mode));
            ImageFiles.write(image(), "png", target); // a rerun
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target))).isEqualTo(mode);
        }
    }

    // ---------- (f) lossy formats are not "unchanged" ----------

    @Test
    void passedThroughFacesInALossyFormatAreReportedAsReEncoded() throws Exception {
        Path in = writeFace(tmp.resolve("in/sharp.png"), 64, 64, "png"); // synthetic faces assess as sharp
        Run jpg = CliTest.cli("deblur", in.toString(), "--out", tmp.resolve("jpg").toString(), "--format", "jpg",
                "--threads", "1");
        assertThat(jpg.code()).as(jpg.err()).isZero();
        assertThat(jpg.out()).contains("passed through 1 of 1").contains("re-encoded as lossy JPG")
                .doesNotContain("unchanged:");
        Run gif = CliTest.cli("deblur", in.toString(), "--out", tmp.resolve("gif").toString(), "--format", "gif",
                "--threads", "1");
        assertThat(gif.out()).contains("re-encoded as lossy GIF").doesNotContain("unchanged:");
        Run png = CliTest.cli("deblur", in.toString(), "--out", tmp.resolve("png").toString(), "--threads", "1");
        assertThat(png.out()).contains("passed through 1 of 1 face(s) unchanged").doesNotContain("lossy");
    }

    // ---------- (g) smaller items ----------

    @Test
    void renamedOutputsArePrinted() throws Exception {
        Path dir = tmp.resolve("faces");
        writeFace(dir.resolve("face.bmp"), 32, 32, "bmp");
        writeFace(dir.resolve("face.gif"), 32, 32, "gif");
        Path out = tmp.resolve("out");
        Run r = CliTest.cli("deblur", dir.toString(), "--out", out.toString(), "--threads", "1");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains(dir.resolve("face.gif") + " -> " + out.resolve("face-2.png"))
                .doesNotContain(dir.resolve("face.bmp") + " ->");
    }

    @Test
    void folderNamedLikeAnImageAndBrokenLinksAreReported() throws Exception {
        Path dir = tmp.resolve("faces");
        writeFace(dir.resolve("a.png"), 32, 32, "png");
        Files.createDirectories(dir.resolve("x.jpg"));
        Files.createSymbolicLink(dir.resolve("gone.png"), tmp.resolve("nowhere.png"));
        Run r = CliTest.cli("deblur", dir.toString(), "--out", tmp.resolve("out").toString(), "--threads", "1");
        assertThat(r.code()).isEqualTo(Cli.EXIT_FAILURE);
        assertThat(r.err()).contains(dir.resolve("x.jpg") + ": a directory, not an image file")
                .contains(dir.resolve("gone.png") + ": a broken symbolic link").contains("2 of 3 file(s) failed");
        assertThat(tmp.resolve("out/a.png")).exists();
        Run assess = CliTest.cli("assess", dir.toString());
        assertThat(assess.err()).contains("x.jpg: a directory").contains("gone.png: a broken symbolic link");
    }

    /** Checked before the model loads: one line, no progress bar, no per-face errors (root included). */
    @Test
    void unwritableOutputFolderIsReportedBeforeAnyFace() throws Exception {
        Path dir = tmp.resolve("faces");
        for (String n : List.of("a", "b", "c")) {
            writeFace(dir.resolve(n + ".png"), 32, 32, "png");
        }
        Path blocker = Files.writeString(tmp.resolve("blocker"), "a file where a folder should be");
        Run r = CliTest.cli("deblur", dir.toString(), "--out", blocker.resolve("sub").toString(), "--threads", "1");
        assertThat(r.code()).isEqualTo(Cli.EXIT_FAILURE);
        assertThat(r.err().strip().lines()).containsExactly("smfd deblur: cannot write to " + blocker.resolve("sub")
                + ": " + blocker + " is not a folder");
    }

    /** A read-only folder (permission bits; root ignores them, so this runs for other users only). */
    @Test
    void readOnlyOutputFolderIsReportedBeforeAnyFace() throws Exception {
        Path dir = tmp.resolve("faces");
        writeFace(dir.resolve("a.png"), 32, 32, "png");
        writeFace(dir.resolve("b.png"), 32, 32, "png");
        Path out = Files.createDirectories(tmp.resolve("ro"));
        Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            assumeTrue(!Files.isWritable(out), "running as root: permission bits do not stop writes");
            Run r = CliTest.cli("deblur", dir.toString(), "--out", out.toString(), "--threads", "1");
            assertThat(r.code()).isEqualTo(Cli.EXIT_FAILURE);
            assertThat(r.err().strip().lines()).containsExactly("smfd deblur: cannot write to " + out
                    + ": the folder is not writable (read-only file system or no write permission)");
        } finally {
            Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    @Test
    void unwritableReasonSeesThroughMissingFolders() throws Exception {
        assertThat(DeblurCommand.unwritableReason(tmp.resolve("a/b/c"))).isNull();
        Path f = Files.writeString(tmp.resolve("f"), "x");
        assertThat(DeblurCommand.unwritableReason(f.resolve("d"))).isEqualTo(f + " is not a folder");
    }
}
