package io.smfd.degrade;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The Java pipeline and the reference {@code training/degrade.py} (which the training recipe
 * calls) must produce the same kernel for the same seed: same family, same size, every value
 * within 1e-9.
 */
class CrossLanguageKernelTest {
    private static final double TOL = 1e-9;

    @Test
    void kernelsMatchPythonReferenceForSameSeeds() throws Exception {
        Path root = TestSupport.repoRoot();
        assumeTrue(root != null, "training/degrade.py not found above user.dir "
                + System.getProperty("user.dir") + "; cannot run the cross-language check");
        assumeTrue(pythonWithNumpy(root), "python3 with numpy is not available; "
                + "skipping the cross-language kernel check against training/degrade.py");

        List<Long> seeds = new ArrayList<>();
        for (long s = 0; s < 290; s++) {
            seeds.add(s);
        }
        long[] special = {-1L, Long.MIN_VALUE, Long.MAX_VALUE, 0x9E3779B97F4A7C15L, 123456789L,
            987654321987654321L, -42L, 1L << 40, 31337L, 20240601L};
        for (long s : special) {
            seeds.add(s);
        }
        List<String> cmd = new ArrayList<>(List.of("python3", "training/degrade.py", "kernels"));
        for (long s : seeds) {
            cmd.add(Long.toString(s));
        }
        List<String> lines = run(root, cmd);
        assertEquals(seeds.size(), lines.size(), "one output line per seed");

        DegradationPipeline pipe = DegradationPipeline.defaults();
        Set<BlurFamily> seen = EnumSet.noneOf(BlurFamily.class);
        double worst = 0;
        for (int i = 0; i < seeds.size(); i++) {
            String[] tok = lines.get(i).trim().split("\\s+");
            long seed = seeds.get(i);
            assertEquals(Long.toString(seed), tok[0], "seed echo");
            Degradation d = pipe.sample(seed);
            seen.add(d.family());
            assertEquals(tok[1], d.family().name().toLowerCase(Locale.ROOT), "family, seed " + seed);
            int k = Integer.parseInt(tok[2]);
            assertEquals(k, d.kernelSize(), "kernel size, seed " + seed);
            assertEquals(3 + k * k, tok.length, "value count, seed " + seed);
            double[] ker = d.kernel();
            for (int j = 0; j < k * k; j++) {
                double py = Double.parseDouble(tok[3 + j]);
                double diff = Math.abs(py - ker[j]);
                worst = Math.max(worst, diff);
                assertTrue(diff <= TOL, "seed " + seed + " (" + d.family() + ") kernel[" + j
                        + "]: python " + py + " java " + ker[j]);
            }
        }
        assertEquals(EnumSet.allOf(BlurFamily.class), seen, "all families exercised");
        System.out.printf(Locale.ROOT,
                "cross-language: %d seeds, families %s, max |python - java| = %.3g%n",
                seeds.size(), seen, worst);
    }

    private static boolean pythonWithNumpy(Path root) {
        try {
            Process p = new ProcessBuilder("python3", "-c", "import numpy")
                    .directory(root.toFile()).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static List<String> run(Path root, List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).directory(root.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        List<String> lines = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(
                new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (!line.isBlank()) {
                    lines.add(line);
                }
            }
        }
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "degrade.py timed out");
        assertEquals(0, p.exitValue(), "degrade.py exit code");
        return lines;
    }
}
