package io.smfd.benchmarks;

import io.smfd.runtime.cpu.NetworkProfile;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Where the cpu backend's time goes: a profile by layer and by op type of the bundled model, with the machine's
 * FMA peak measured in the same run (issue 16). Not a JMH benchmark (JMH cannot time the ops inside one call):
 * a plain program over the test-jar hook {@code NetworkProfile}, which runs the compiled network's ops one by one
 * as the backend does and times each.
 *
 * <p>For each size and thread count: warm-up runs, then repeats; per op the median over the repeats, its FLOPs
 * (convolutions: 2 * Cin * Cout * k * k * Hout * Wout, group 1), its GFLOP/s, its share of the summed medians and
 * its minimum memory traffic (inputs + output) in GB/s. The peak is a pure FMA loop over
 * {@code FloatVector.SPECIES_PREFERRED} with {@value #ACCS} independent accumulators per thread, on 1 and 2
 * threads; the whole-model GFLOP/s is the model's FLOPs over the median uninstrumented run.
 *
 * <p>Run (Markdown on stdout):
 * <pre>
 * java --add-modules jdk.incubator.vector -cp smfd-benchmarks/target/benchmarks.jar io.smfd.benchmarks.CpuProfile \
 *     [sizes=256,128] [threads=1,2] [warmup=5] [repeats=15] [top=15] [clock=wall|cpu]
 * </pre>
 * {@code clock=cpu} times with the calling thread's CPU time instead of the wall clock (threads=1 only): on a
 * machine shared with other processes the wall-clock medians of the longer ops include the time the thread waited
 * for a core (a 2.5 ms layer measured 2.4 or 6.3 ms by run at a load average of 7 on 2 cores), its CPU time not.
 */
public final class CpuProfile {

    /** Independent FMA accumulators per thread (enough to hide a 4-cycle FMA latency on 2 pipes). */
    static final int ACCS = 12;

    /** The clock of the timings: wall time, or (clock=cpu) the calling thread's CPU time. */
    private static java.util.function.LongSupplier clock = System::nanoTime;
    private static boolean isCpu;

    private CpuProfile() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = new LinkedHashMap<>();
        opt.put("sizes", "256,128");
        opt.put("threads", "1,2");
        opt.put("warmup", "5");
        opt.put("repeats", "15");
        opt.put("top", "15");
        opt.put("clock", "wall");
        for (String a : args) {
            int eq = a.indexOf('=');
            if (eq < 0 || !opt.containsKey(a.substring(0, eq))) {
                throw new IllegalArgumentException("unknown argument " + a + "; expected one of " + opt.keySet());
            }
            opt.put(a.substring(0, eq), a.substring(eq + 1));
        }
        int[] sizes = ints(opt.get("sizes"));
        int[] threads = ints(opt.get("threads"));
        int warmup = Integer.parseInt(opt.get("warmup"));
        int repeats = Integer.parseInt(opt.get("repeats"));
        int top = Integer.parseInt(opt.get("top"));
        boolean cpuClock = switch (opt.get("clock")) {
            case "wall" -> false;
            case "cpu" -> true;
            default -> throw new IllegalArgumentException("clock must be wall or cpu, not " + opt.get("clock"));
        };
        if (cpuClock && Arrays.stream(threads).anyMatch(t -> t != 1)) {
            throw new IllegalArgumentException("clock=cpu measures the calling thread only: use it with threads=1");
        }
        isCpu = cpuClock;
        clock = cpuClock ? java.lang.management.ManagementFactory.getThreadMXBean()::getCurrentThreadCpuTime
                : System::nanoTime;

        VectorSpecies<Float> sp = FloatVector.SPECIES_PREFERRED;
        System.out.printf(Locale.ROOT, "# cpu backend profile%n%n");
        System.out.printf(Locale.ROOT, "JVM %s, %d available processors, preferred vector species %d-bit (%d float"
                        + " lanes), cpu kernels: %s%n%n", Runtime.version(), Runtime.getRuntime().availableProcessors(),
                sp.vectorBitSize(), sp.length(), kernelsDescription());

        Map<Integer, Double> peak = new LinkedHashMap<>();
        for (int t : threads) {
            peak.put(t, fmaPeak(t));
        }
        System.out.printf(Locale.ROOT, "## FMA peak (pure FloatVector.fma loop, %d-bit, %d accumulators/thread)%n%n",
                sp.vectorBitSize(), ACCS);
        System.out.printf(Locale.ROOT, "| threads | GFLOP/s |%n|---:|---:|%n");
        for (Map.Entry<Integer, Double> e : peak.entrySet()) {
            System.out.printf(Locale.ROOT, "| %d | %.1f |%n", e.getKey(), e.getValue());
        }
        System.out.println();

        for (int size : sizes) {
            for (int t : threads) {
                // the peak again just before each profile: the machine's clock (shared or turbo) may drift
                double now = fmaPeak(t);
                System.out.printf(Locale.ROOT, "FMA peak re-measured just before: %.1f GFLOP/s (%d thread(s));"
                        + " the shares of peak below use the higher of this and the first measurement.%n%n", now, t);
                profile(size, t, warmup, repeats, top, Math.max(now, peak.get(t)));
            }
        }
        // peak again at the end: shows whether the machine's clock changed during the run
        System.out.printf(Locale.ROOT, "FMA peak re-measured at the end:");
        for (int t : threads) {
            System.out.printf(Locale.ROOT, " %d thread(s) %.1f GFLOP/s;", t, fmaPeak(t));
        }
        System.out.println();
    }

    private static String kernelsDescription() {
        try (NetworkProfile p = NetworkProfile.of(16, 16, 1, true)) {
            return p.kernels();
        }
    }

    private static int[] ints(String s) {
        return Arrays.stream(s.split(",")).mapToInt(Integer::parseInt).toArray();
    }

    private static void profile(int size, int threads, int warmup, int repeats, int top, double peak) {
        try (NetworkProfile p = NetworkProfile.of(size, size, threads, true)) {
            List<NetworkProfile.Layer> layers = p.layers();
            int n = layers.size();
            for (int i = 0; i < warmup; i++) {
                p.run();
            }
            long[] whole = new long[repeats];
            long[][] per = new long[n][repeats];
            long[] nanos = new long[n];
            long[] timedTotal = new long[repeats];
            for (int r = 0; r < repeats; r++) {
                long t0 = clock.getAsLong();
                p.run();
                whole[r] = clock.getAsLong() - t0;
                timedTotal[r] = p.runTimed(nanos, clock);
                for (int i = 0; i < n; i++) {
                    per[i][r] = nanos[i];
                }
            }
            double[] med = new double[n];
            double sum = 0;
            long flops = 0;
            for (int i = 0; i < n; i++) {
                med[i] = median(per[i]);
                sum += med[i];
                flops += layers.get(i).flops;
            }
            double wholeMed = median(whole);
            double modelGflops = flops / wholeMed;
            System.out.printf(Locale.ROOT, "## %dx%d, %d thread(s), %s%n%n", size, size, threads,
                    isCpu ? "thread CPU time" : "wall clock");
            System.out.printf(Locale.ROOT, "%d ops, %.2f GFLOP per face; whole model (median of %d uninstrumented"
                            + " runs after %d warm-up): **%.1f ms, %.1f GFLOP/s = %.0f%% of the %d-thread FMA peak"
                            + " (%.1f GFLOP/s)**; per-op timed run %.1f ms (median), sum of per-op medians %.1f ms.%n%n",
                    n, flops / 1e9, repeats, warmup, wholeMed / 1e6, modelGflops, 100 * modelGflops / peak, threads,
                    peak, median(timedTotal) / 1e6, sum / 1e6);

            // per op type
            Map<String, double[]> byType = new LinkedHashMap<>(); // ms, flops, count, bytes
            for (int i = 0; i < n; i++) {
                NetworkProfile.Layer l = layers.get(i);
                double[] a = byType.computeIfAbsent(l.type, k -> new double[4]);
                a[0] += med[i];
                a[1] += l.flops;
                a[2]++;
                a[3] += l.bytes;
            }
            List<Map.Entry<String, double[]>> types = new ArrayList<>(byType.entrySet());
            types.sort(Comparator.comparingDouble((Map.Entry<String, double[]> e) -> -e.getValue()[0]));
            System.out.printf(Locale.ROOT, "By op type:%n%n| op type | ops | ms | share | GFLOP | GFLOP/s | %% of"
                    + " peak | GB/s (min traffic) |%n|---|---:|---:|---:|---:|---:|---:|---:|%n");
            for (Map.Entry<String, double[]> e : types) {
                double[] a = e.getValue();
                System.out.printf(Locale.ROOT, "| %s | %d | %.2f | %.1f%% | %.3f | %s | %s | %.1f |%n", e.getKey(),
                        (int) a[2], a[0] / 1e6, 100 * a[0] / sum, a[1] / 1e9, a[1] > 0
                                ? String.format(Locale.ROOT, "%.1f", a[1] / a[0]) : "-",
                        a[1] > 0 ? String.format(Locale.ROOT, "%.0f%%", 100 * a[1] / a[0] / peak) : "-",
                        a[3] / a[0]);
            }
            System.out.println();

            // top layers
            Integer[] order = new Integer[n];
            for (int i = 0; i < n; i++) {
                order[i] = i;
            }
            Arrays.sort(order, Comparator.comparingDouble(i -> -med[i]));
            System.out.printf(Locale.ROOT, "Top %d layers by time:%n%n| # | layer | type | fused | shapes (CxHxW) |"
                    + " ms | share | MFLOP | GFLOP/s | %% of peak | GB/s |%n"
                    + "|---:|---|---|---|---|---:|---:|---:|---:|---:|---:|%n", Math.min(top, n));
            for (int j = 0; j < Math.min(top, n); j++) {
                int i = order[j];
                NetworkProfile.Layer l = layers.get(i);
                System.out.printf(Locale.ROOT, "| %d | %s | %s | %s | %s | %.3f | %.1f%% | %.1f | %s | %s | %.1f |%n",
                        l.index, l.label, l.type, l.fused, l.shapes, med[i] / 1e6, 100 * med[i] / sum, l.flops / 1e6,
                        l.flops > 0 ? String.format(Locale.ROOT, "%.1f", l.flops / med[i]) : "-",
                        l.flops > 0 ? String.format(Locale.ROOT, "%.0f%%", 100 * l.flops / med[i] / peak) : "-",
                        l.bytes / med[i]);
            }
            System.out.println();
        }
    }

    private static double median(long[] v) {
        long[] s = v.clone();
        Arrays.sort(s);
        int m = s.length / 2;
        return s.length % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2.0;
    }

    /** GFLOP/s of {@code threads} threads each running the FMA loop; the best of 5 rounds. */
    static double fmaPeak(int threads) throws InterruptedException {
        final long iters = 20_000_000L;
        VectorSpecies<Float> sp = FloatVector.SPECIES_PREFERRED;
        double best = 0;
        for (int round = 0; round < 5; round++) {
            CountDownLatch start = new CountDownLatch(1);
            float[] sink = new float[threads];
            Thread[] ts = new Thread[threads];
            for (int t = 0; t < threads; t++) {
                int id = t;
                long n = round == 0 ? iters / 10 : iters;
                ts[t] = new Thread(() -> {
                    try {
                        start.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                    sink[id] = fmaLoop(n);
                });
                ts[t].start();
            }
            long t0 = System.nanoTime();
            start.countDown();
            for (Thread t : ts) {
                t.join();
            }
            long dt = System.nanoTime() - t0;
            if (round > 0) { // round 0 compiles the loop
                best = Math.max(best, 2.0 * sp.length() * ACCS * iters * threads / dt);
            }
            if (Float.isNaN(sink[0])) {
                System.out.print("");
            }
        }
        return best;
    }

    /** {@code iters} x {@value #ACCS} independent vector FMAs; returns a value that depends on all of them. */
    static float fmaLoop(long iters) {
        VectorSpecies<Float> sp = FloatVector.SPECIES_PREFERRED;
        FloatVector a = FloatVector.broadcast(sp, 0.999999f);
        FloatVector b = FloatVector.broadcast(sp, 1e-7f);
        FloatVector c0 = FloatVector.broadcast(sp, 1f);
        FloatVector c1 = FloatVector.broadcast(sp, 2f);
        FloatVector c2 = FloatVector.broadcast(sp, 3f);
        FloatVector c3 = FloatVector.broadcast(sp, 4f);
        FloatVector c4 = FloatVector.broadcast(sp, 5f);
        FloatVector c5 = FloatVector.broadcast(sp, 6f);
        FloatVector c6 = FloatVector.broadcast(sp, 7f);
        FloatVector c7 = FloatVector.broadcast(sp, 8f);
        FloatVector c8 = FloatVector.broadcast(sp, 9f);
        FloatVector c9 = FloatVector.broadcast(sp, 10f);
        FloatVector c10 = FloatVector.broadcast(sp, 11f);
        FloatVector c11 = FloatVector.broadcast(sp, 12f);
        for (long i = 0; i < iters; i++) {
            c0 = c0.fma(a, b);
            c1 = c1.fma(a, b);
            c2 = c2.fma(a, b);
            c3 = c3.fma(a, b);
            c4 = c4.fma(a, b);
            c5 = c5.fma(a, b);
            c6 = c6.fma(a, b);
            c7 = c7.fma(a, b);
            c8 = c8.fma(a, b);
            c9 = c9.fma(a, b);
            c10 = c10.fma(a, b);
            c11 = c11.fma(a, b);
        }
        return c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7).add(c8).add(c9).add(c10).add(c11)
                .reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
    }
}
