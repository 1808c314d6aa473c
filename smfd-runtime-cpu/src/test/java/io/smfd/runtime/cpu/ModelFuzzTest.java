package io.smfd.runtime.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.smfd.ModelException;
import io.smfd.SmfdException.Reason;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Feeds 1,000 mutated copies of the shipped model (bit flips, truncations, random byte overwrites, inflated
 * length fields, from a fixed seed) to the parser and graph compiler. Each must load or fail with a
 * {@link ModelException}: no other exception, no hang (per-model timeout), no out-of-memory. The network is not
 * executed. {@link Network#load} is called directly so that a parser bug is not masked by the provider's
 * defensive wrapping.
 */
class ModelFuzzTest {

    static final int MUTATIONS = 1_000;

    @Test
    void mutatedModelsLoadOrThrowModelExceptionOnly() {
        byte[] original = TestModels.modelBytes();
        int structureEnd = Math.min(original.length, 64 * 1024);
        Random r = new Random(20250601L);
        int loaded = 0;
        int corrupt = 0;
        int incompatible = 0;
        long start = System.nanoTime();
        for (int i = 0; i < MUTATIONS; i++) {
            byte[] m;
            int kind = i % 4;
            switch (kind) {
                case 0: { // bit flips
                    m = original.clone();
                    int flips = 1 + r.nextInt(8);
                    for (int f = 0; f < flips; f++) {
                        int p = position(r, m.length, structureEnd);
                        m[p] ^= (byte) (1 << r.nextInt(8));
                    }
                    break;
                }
                case 1: // truncation
                    m = Arrays.copyOf(original, r.nextBoolean() ? r.nextInt(structureEnd) : r.nextInt(original.length));
                    break;
                case 2: { // random byte overwrites
                    m = original.clone();
                    int p = position(r, m.length, structureEnd);
                    int len = 1 + r.nextInt(16);
                    for (int j = p; j < Math.min(m.length, p + len); j++) {
                        m[j] = (byte) r.nextInt(256);
                    }
                    break;
                }
                default: { // length-field inflation: overwrite with a large varint
                    m = original.clone();
                    int p = position(r, m.length - 6, structureEnd);
                    long big = r.nextBoolean() ? (1L << (20 + r.nextInt(43))) : (m.length - p + r.nextInt(64));
                    while (big >= 0x80 && p < m.length - 1) {
                        m[p++] = (byte) ((big & 0x7F) | 0x80);
                        big >>>= 7;
                    }
                    m[p] = (byte) big;
                    break;
                }
            }
            byte[] model = m;
            int index = i;
            String outcome = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
                try {
                    Network.load(model, "fuzz #" + index);
                    return "loaded";
                } catch (ModelException e) {
                    assertThat(e.getMessage()).isNotBlank();
                    assertThat(e.reason()).isIn(Reason.CORRUPT_MODEL, Reason.INCOMPATIBLE_MODEL);
                    return e.reason() == Reason.CORRUPT_MODEL ? "corrupt" : "incompatible";
                } catch (Throwable t) {
                    throw new AssertionError("mutation #" + index + " (kind " + kind + ") threw " + t, t);
                }
            }, () -> "mutation #" + index + " hung");
            if (outcome.equals("loaded")) {
                loaded++;
            } else if (outcome.equals("corrupt")) {
                corrupt++;
            } else {
                incompatible++;
            }
        }
        System.out.printf("fuzz: %d mutations in %.1f s: %d loaded, %d corrupt, %d incompatible%n",
                MUTATIONS, (System.nanoTime() - start) / 1e9, loaded, corrupt, incompatible);
        assertThat(loaded + corrupt + incompatible).isEqualTo(MUTATIONS);
        assertThat(corrupt).isPositive();
        assertThat(incompatible).isPositive();
    }

    private static int position(Random r, int length, int structureEnd) {
        switch (r.nextInt(3)) {
            case 0:
                return r.nextInt(Math.min(length, structureEnd));
            case 1:
                return Math.max(0, length - 1 - r.nextInt(Math.min(length, 8192)));
            default:
                return r.nextInt(length);
        }
    }
}
