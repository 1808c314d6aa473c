package io.smfd.model.maxim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The converter (run as the build runs it) is deterministic and refuses packages other than the pinned one.
 * The build passes the interpreter, the script and the downloaded tarball as system properties.
 */
class ConverterTest {

    private static final String PYTHON = System.getProperty("maxim.python");
    private static final String SCRIPT = System.getProperty("maxim.converter");
    private static final String TARBALL = System.getProperty("maxim.tarball");

    @Test
    void reRunningTheConverterGivesTheSameBytesAsThePackagedModel(@TempDir Path tmp) throws Exception {
        assumeTrue(PYTHON != null && TARBALL != null && Files.isRegularFile(Path.of(TARBALL)),
                "run by Maven (needs maxim.python, maxim.converter, maxim.tarball)");
        Path out = tmp.resolve("again.onnx");
        Result r = convert(TARBALL, out);
        assertThat(r.exit).as(r.output).isZero();
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(out)));
        assertThat(sha).isEqualTo(MaximModel.sha256());
    }

    @Test
    void aTarballOtherThanThePinnedOneIsRefusedWithoutOutput(@TempDir Path tmp) throws Exception {
        assumeTrue(PYTHON != null && SCRIPT != null, "run by Maven (needs maxim.python, maxim.converter)");
        Path fake = tmp.resolve("fake.tgz");
        Files.write(fake, "not the MAXIM package".getBytes(StandardCharsets.US_ASCII));
        Path out = tmp.resolve("out.onnx");
        Result r = convert(fake.toString(), out);
        assertThat(r.exit).isEqualTo(2);
        assertThat(r.output).contains("SHA-256").contains("expected 081a260dc1ca0827");
        assertThat(out).doesNotExist();
    }

    private record Result(int exit, String output) {
    }

    private static Result convert(String tarball, Path out) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(PYTHON, SCRIPT, "--tarball", tarball, "--out", out.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] output = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).as("converter finished").isTrue();
        return new Result(p.exitValue(), new String(output, StandardCharsets.UTF_8));
    }
}
