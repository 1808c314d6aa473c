package io.smfd.cli;

import static io.smfd.cli.DeblurCommandTest.writeFace;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 28: Ctrl-C (SIGINT) at several points of {@code smfd deblur --masks}, each in a fresh JVM: while the model
 * loads (in ONNX Runtime's createSession, where the JVM used to crash with an hs_err file), while the first batch
 * runs, and after the first faces are written. Each run must exit with 130 after one "interrupted" line on a line of
 * its own, leave no hs_err_pid*.log and no temporary file, and every face it wrote must have its masks.
 * smfd-cli/src/test/sh/sigint-sweep.sh does the same at 50 random times.
 */
@EnabledOnOs(OS.LINUX)
class InterruptTest {

    @TempDir
    static Path shared;
    static Path faces;

    @TempDir
    Path tmp;

    @BeforeAll
    static void faces() throws Exception {
        faces = shared.resolve("faces");
        for (int i = 0; i < 8; i++) {
            writeFace(faces.resolve("f" + i + ".png"), 256, 256, "png");
        }
    }

    /** A finished run: its exit code, standard error, and what the folders hold. */
    record Interrupted(int code, String err, List<String> out, List<String> work) {
    }

    /**
     * Starts {@code smfd deblur} in a JVM of its own, sends SIGINT once {@code when} accepts a line of its standard
     * error (or, with a null line, once an output file exists), and waits for the exit.
     */
    private Interrupted interrupt(Predicate<String> when, boolean onFirstOutput) throws Exception {
        Path work = Files.createDirectories(tmp.resolve("work")); // where a crash would leave hs_err_pid*.log
        Path out = tmp.resolve("out");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // A JVM started from a process that ignores SIGINT (a background job) ignores it too: reset it to the
        // default, as a terminal's foreground job has it.
        List<String> cmd = new ArrayList<>(List.of("env", "--default-signal=INT", java, "-cp",
                System.getProperty("java.class.path"), "io.smfd.cli.Cli", "deblur", faces.toString(), "--out",
                out.toString(), "--masks", "--deblur-sharp", "--threads", "1", "--batch", "2", "--debug"));
        Process p = new ProcessBuilder(cmd).directory(work.toFile())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        StringBuilder err = new StringBuilder();
        CountDownLatch trigger = new CountDownLatch(1);
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getErrorStream(),
                    StandardCharsets.UTF_8))) {
                StringBuilder line = new StringBuilder();
                int c;
                while ((c = r.read()) >= 0) {
                    synchronized (err) {
                        err.append((char) c);
                    }
                    if (c == '\n' || c == '\r') {
                        if (when != null && when.test(line.toString())) {
                            trigger.countDown();
                        }
                        line.setLength(0);
                    } else {
                        line.append((char) c);
                    }
                }
            } catch (IOException e) {
                // the process ended
            }
        });
        reader.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        boolean fired = false;
        while (System.nanoTime() < deadline && p.isAlive()) {
            if (onFirstOutput ? Files.isDirectory(out) && !listing(out).isEmpty()
                    : trigger.await(5, TimeUnit.MILLISECONDS)) {
                fired = true;
                break;
            }
            if (onFirstOutput) {
                Thread.sleep(5);
            }
        }
        assertThat(fired).as("trigger seen before the run ended; stderr: " + err).isTrue();
        Process kill = new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("exits after SIGINT").isTrue();
        reader.join(10_000);
        String text;
        synchronized (err) {
            text = err.toString();
        }
        return new Interrupted(p.exitValue(), text, Files.isDirectory(out) ? listing(out) : List.of(), listing(work));
    }

    private static List<String> listing(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            List<String> names = new ArrayList<>();
            s.forEach(p -> names.add(p.getFileName().toString()));
            names.sort(null);
            return names;
        }
    }

    private void assertClean(Interrupted r) throws IOException {
        assertThat(r.code()).as(r.err()).isEqualTo(130);
        assertThat(r.work()).as("no hs_err_pid*.log").isEmpty();
        assertThat(r.err()).doesNotContain("hs_err").doesNotContain("SIGSEGV").doesNotContain("\tat ");
        // one "interrupted" line, starting a line of its own (the progress bar's line is finished first)
        assertThat(r.err().lines().filter(l -> l.contains("interrupted"))).hasSize(1)
                .allMatch(l -> l.startsWith("smfd: interrupted"));
        assertThat(r.out()).as("no temporary file").noneMatch(n -> n.startsWith(".") || n.endsWith(".tmp"));
        for (String n : r.out()) { // pairs, and each a complete image
            String pair = n.endsWith(".masks.png") ? n.replace(".masks.png", ".png") : n.replace(".png", ".masks.png");
            assertThat(r.out()).as("pair of " + n).contains(pair);
            assertThat(ImageIO.read(tmp.resolve("out").resolve(n).toFile())).as(n).isNotNull();
        }
    }

    @Test
    void duringModelLoad() throws Exception {
        assumeTrue(hasEnvDefaultSignal(), "needs GNU env --default-signal (coreutils 8.31+)");
        Interrupted r = interrupt(l -> l.contains("smfd deblur: loading the model"), false);
        assertClean(r);
        assertThat(r.err()).contains("smfd: interrupted while loading the model");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void duringTheFirstBatch() throws Exception {
        assumeTrue(hasEnvDefaultSignal(), "needs GNU env --default-signal (coreutils 8.31+)");
        Interrupted r = interrupt(l -> l.contains("0/8"), false); // the bar is drawn once the model is loaded
        assertClean(r);
        assertThat(r.err()).contains("0/8").contains("\nsmfd: interrupted");
    }

    @Test
    void afterTheFirstFacesAreWritten() throws Exception {
        assumeTrue(hasEnvDefaultSignal(), "needs GNU env --default-signal (coreutils 8.31+)");
        Interrupted r = interrupt(null, true);
        assertThat(r.out()).isNotEmpty();
        assertClean(r);
        assertThat(r.out().size()).as("stopped before the end").isLessThan(16);
    }

    private static boolean hasEnvDefaultSignal() {
        try {
            Process p = new ProcessBuilder("env", "--default-signal=INT", "true").start();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }
}
