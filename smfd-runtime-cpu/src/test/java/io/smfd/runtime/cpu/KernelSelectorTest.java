package io.smfd.runtime.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import io.smfd.spi.BackendConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The Lucene-style checks of {@link KernelSelector}, and that probing the backend neither selects nor logs. */
class KernelSelectorTest {

    @Test
    void hotSpotOptionsAreReadAndC2IsOnInTheTestJvm() {
        assertThat(KernelSelector.vmOption("TieredCompilation")).hasValueSatisfying(v -> assertThat(v).isIn("true", "false"));
        assertThat(KernelSelector.vmOption("UseFMA")).isPresent();
        assertThat(KernelSelector.vmOption("NoSuchOptionAnywhere")).isEmpty();
        assertThat(KernelSelector.c2Problem()).isNull();
    }

    @Test
    void vectorKernelsAreChosenWithTheModuleAndSayWhy() {
        // surefire runs this class with --add-modules jdk.incubator.vector and without -Dsmfd.cpu.vector=false
        KernelSelector.Decision d = KernelSelector.decide();
        assertThat(d.vector()).isTrue();
        assertThat(d.reason()).contains("jdk.incubator.vector").contains("C2 enabled").contains("FMA");
        assertThat(d.fma()).isEqualTo(KernelSelector.fastFma());
        assertThat(KernelSelector.preview()).isEqualTo("vector kernels (jdk.incubator.vector)");
        assertThat(KernelSelector.vector()).hasValueSatisfying(k -> assertThat(k.description())
                .matches("vector \\(\\d+-bit, \\d+ float lanes, (FMA|mul\\+add)\\)"));
    }

    @Test
    void probingLogsNothingAndCreatingLogsTheChoiceOnce() throws Exception {
        // A fresh JVM without the vector module: the selection would WARN about scalar kernels.
        Run probe = java(ProbeMain.class, "probe");
        assertThat(probe.out()).contains("pure Java, scalar kernels (jdk.incubator.vector not enabled");
        assertThat(probe.err()).doesNotContain("SMFD cpu backend");

        Run select = java(ProbeMain.class, "select");
        assertThat(select.err()).containsOnlyOnce("WARN io.smfd.runtime.cpu.KernelSelector - SMFD cpu backend: scalar"
                + " kernels (jdk.incubator.vector not enabled");

        Run c1 = java(ProbeMain.class, "select", "-XX:TieredStopAtLevel=1", "--add-modules=jdk.incubator.vector");
        assertThat(c1.err()).containsOnlyOnce("SMFD cpu backend: scalar kernels (C2 compiler disabled"
                + " (-XX:TieredStopAtLevel=1)");
    }

    /** Entry point of the child JVMs. */
    static final class ProbeMain {
        public static void main(String[] args) {
            if (args[0].equals("probe")) {
                System.out.println(new CpuBackendProvider().probe(BackendConfig.defaults()).reason());
            } else {
                System.out.println(KernelSelector.get().description());
                System.out.println(KernelSelector.get().description());
            }
        }
    }

    record Run(String out, String err) {
    }

    private static Run java(Class<?> main, String mode, String... jvmArgs) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java));
        cmd.addAll(List.of(jvmArgs));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName(), mode));
        Process p = new ProcessBuilder(cmd).start();
        byte[] out = p.getInputStream().readAllBytes();
        byte[] err = p.getErrorStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        Run r = new Run(new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
        assertThat(p.exitValue()).as("%s", r).isZero();
        return r;
    }
}
