package io.smfd.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Option parsing of {@link EvalCommand}; the evaluation itself is tested in smfd-eval. */
class EvalCommandTest {

    @Test
    void usageErrorsExitWith2() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(err, true, StandardCharsets.UTF_8);
        assertThat(EvalCommand.run(new String[] {"--limit", "0"}, ps, ps)).isEqualTo(2);
        assertThat(EvalCommand.run(new String[] {"--bogus"}, ps, ps)).isEqualTo(2);
        assertThat(EvalCommand.run(new String[] {"--threads"}, ps, ps)).isEqualTo(2);
        assertThat(EvalCommand.run(new String[] {"--matrix-faces", "0"}, ps, ps)).isEqualTo(2);
        assertThat(EvalCommand.run(new String[] {"--matrix-faces"}, ps, ps)).isEqualTo(2);
        assertThat(EvalCommand.run(new String[] {"--models", "smfd,foo"}, ps, ps)).isEqualTo(2);
        assertThat(EvalCommand.run(new String[] {"--models", "auto,AUTO"}, ps, ps)).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--models takes a comma-separated list")
                .contains("--models lists AUTO twice");
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("Usage: smfd eval", "--matrix-faces must be >= 1");
    }

    @Test
    void helpListsTheMatrixOptions() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
        assertThat(EvalCommand.run(new String[] {"--help"}, ps, ps)).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("--matrix ", "--no-matrix", "--matrix-faces N",
                "deployment matrix", "hard verification");
    }
}
