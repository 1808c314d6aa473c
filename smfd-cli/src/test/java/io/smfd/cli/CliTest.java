package io.smfd.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Command dispatch, help, exit codes and one-line errors of {@link Cli}. */
class CliTest {

    /** Output of one CLI run. */
    record Run(int code, String out, String err) {
    }

    static Run cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Cli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void noArgumentsIsAUsageError() {
        Run r = cli();
        assertThat(r.code()).isEqualTo(Cli.EXIT_USAGE);
        assertThat(r.err()).contains("Usage: smfd <command>").contains("deblur").contains("degrade")
                .contains("eval").contains("info");
    }

    @Test
    void unknownCommandIsAUsageError() {
        Run r = cli("sharpen", "x.png");
        assertThat(r.code()).isEqualTo(Cli.EXIT_USAGE);
        assertThat(r.err()).startsWith("smfd: unknown command 'sharpen'");
    }

    @Test
    void helpListsAllCommands() {
        Run r = cli("--help");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("deblur").contains("degrade").contains("eval").contains("info");
    }

    @ParameterizedTest
    @ValueSource(strings = {"info", "deblur", "degrade", "eval"})
    void everyCommandHasHelp(String command) {
        Run r = cli(command, "--help");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("Usage: smfd " + command);
    }

    @Test
    void infoListsBackendsWithReasonsAndTheModelCard() {
        Run r = cli("info");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("Backends (best first):").contains("onnx (priority 200)").contains("cpu (priority 100)")
                .contains("Default backend: ")
                .containsPattern("Model: SMFD-UNet \\S+, sha256 [0-9a-f]{12}, 8 classes, bundled model \\(io.smfd:smfd-model\\)"
                        + " \\(loaded and checked by backend '(onnx|cpu)'\\)")
                .containsPattern("Model SHA-256: [0-9a-f]{64}").contains("Model card:")
                .containsPattern("Optional model MAXIM-3S \\(--model maxim\\|auto\\): present \\(io.smfd:smfd-model-maxim,"
                        + " sha256 [0-9a-f]{12}\\)")
                .contains("name: SMFD-UNet").contains("classes: 8 (background, skin, brows, eyes, nose, mouth,"
                        + " hair, accessories)")
                .contains("size multiple: 8").contains("metrics: ").contains("licence: ");
    }

    @Test
    void infoRejectsUnknownOptions() {
        assertThat(cli("info", "--verbose").code()).isEqualTo(Cli.EXIT_USAGE);
    }

    @Test
    void unknownBackendIsOneLineWithoutStackTrace() throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("smfd-cli");
        java.nio.file.Path img = DeblurCommandTest.writeFace(dir.resolve("a.png"), 32, 32, "png");
        Run r = cli("deblur", img.toString(), "--out", dir.resolve("out").toString(), "--backend", "tpu");
        assertThat(r.code()).isEqualTo(Cli.EXIT_FAILURE);
        assertThat(r.err()).startsWith("smfd: ").contains("tpu").doesNotContain("\tat ");
        assertThat(r.err().strip().lines()).hasSize(1);

        Run debug = cli("--debug", "deblur", img.toString(), "--out", dir.resolve("out").toString(),
                "--backend", "tpu");
        assertThat(debug.code()).isEqualTo(Cli.EXIT_FAILURE);
        assertThat(debug.err()).startsWith("smfd: ").contains("\tat ");
    }
}
