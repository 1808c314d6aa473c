package io.smfd.benchmarks;

import io.smfd.Deblurrer;
import io.smfd.Device;
import io.smfd.FaceImage;
import io.smfd.SharpFacePolicy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

/**
 * Throughput of {@link Deblurrer#deblurAll(List)} (faces per second) on a gallery of {@code faces} distinct
 * synthetic faces of {@code size} pixels, for every configuration in {@code configs} under the <em>same</em> machine
 * load: every invocation (one JMH single shot) deblurs the whole gallery once with each configuration, rotating the
 * order between invocations, so a shared or throttled machine slows all of them alike. A configuration is
 * {@code BACKEND-THREADS} ({@code cpu-1}, {@code cpu-2}, {@code onnx-1}, {@code onnx-2}: {@code
 * Deblurrer.builder().backend(BACKEND).threads(THREADS)}, sharp faces deblurred too, one {@code deblurAll} call),
 * or {@code BACKEND-THREADSxCALLERS} (e.g. {@code cpu-2x2}): CALLERS threads share that one Deblurrer and call
 * {@code deblur} face by face on every CALLERS-th face (concurrent single-face calls). The JMH score is the time of
 * one round (all configurations); at the end of each trial the median faces/s of each configuration, its spread
 * (min-max over the measured rounds), the median process CPU time per face (all threads: how efficiently a
 * configuration used the cores it got, whatever else ran on the machine) and the medians of the per-round ratios
 * are printed, e.g. {@code [throughput] size=112 ... cpu-2 / cpu-1 1.93x ... cpu-2 / onnx-2 1.12}.
 *
 * <p>Run: {@code java -jar smfd-benchmarks/target/benchmarks.jar ThroughputBenchmark -p size=112,160,256}; with
 * {@code -jvmArgsAppend -Dsmfd.bench.records=DIR} each trial's medians also go to {@code DIR/throughput.jsonl}
 * ({@link SpeedReport}; {@code smfd-benchmarks/run-speed.sh} does this).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--add-modules=jdk.incubator.vector"})
@Warmup(iterations = 1)
@Measurement(iterations = 5)
public class ThroughputBenchmark {

    @Param({"112", "160", "256"})
    public int size;

    /** Faces per {@code deblurAll} call. */
    @Param({"64"})
    public int faces;

    /** Configurations, {@code BACKEND-THREADS} joined by {@code +} (JMH splits parameter values at commas). */
    @Param({"cpu-1+cpu-2+onnx-1+onnx-2"})
    public String configs;

    /** ONNX Runtime spin-waiting ({@code smfd.onnx.spinning}): {@code default} or {@code false}. */
    @Param({"default"})
    public String onnxSpinning;

    private final Map<String, Deblurrer> deblurrers = new LinkedHashMap<>();
    private final Map<String, Integer> callers = new LinkedHashMap<>();
    private ExecutorService callerPool;
    private final Map<String, List<Double>> facesPerSecond = new LinkedHashMap<>();
    /** Process CPU time per face (ms), all threads: separates a configuration's efficiency from the cores it got. */
    private final Map<String, List<Double>> cpuMsPerFace = new LinkedHashMap<>();
    private final com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    private List<FaceImage> gallery;
    private int round;
    private int maxCallers;
    private boolean measuring;

    @Setup(Level.Trial)
    public void setUp() {
        DeblurBenchmark.applyOnnxSpinning(onnxSpinning);
        gallery = new ArrayList<>();
        for (int i = 0; i < faces; i++) {
            gallery.add(DeblurBenchmark.syntheticFace(size, 1000 + i));
        }
        for (String c : configs.split("\\+")) {
            String name = c.trim();
            int dash = name.lastIndexOf('-');
            String[] tc = name.substring(dash + 1).split("x");
            int nc = tc.length > 1 ? Integer.parseInt(tc[1]) : 1;
            Deblurrer d = Deblurrer.builder().backend(name.substring(0, dash)).device(Device.CPU)
                    .threads(Integer.parseInt(tc[0])).sharpFaces(SharpFacePolicy.DEBLUR).build();
            callers.put(name, nc);
            if (nc > 1 && (callerPool == null || nc > maxCallers)) {
                if (callerPool != null) {
                    callerPool.shutdown();
                }
                maxCallers = nc;
                callerPool = Executors.newFixedThreadPool(nc - 1, r -> {
                    Thread t = new Thread(r, "benchmark-caller");
                    t.setDaemon(true);
                    return t;
                });
            }
            d.deblurAll(gallery.subList(0, Math.min(4, faces))); // first call: plans, buffers
            deblurrers.put(name, d);
            facesPerSecond.put(name, new ArrayList<>());
            cpuMsPerFace.put(name, new ArrayList<>());
        }
        round = 0;
    }

    @Setup(Level.Iteration)
    public void startIteration(IterationParams params) {
        measuring = params.getType() == IterationType.MEASUREMENT;
    }

    @Benchmark
    public Object deblurAllRound() {
        List<String> names = new ArrayList<>(deblurrers.keySet());
        int n = names.size();
        Object last = null;
        for (int j = 0; j < n; j++) {
            String name = names.get((j + round) % n);
            long c0 = os.getProcessCpuTime();
            long t0 = System.nanoTime();
            int nc = callers.get(name);
            last = nc == 1 ? deblurrers.get(name).deblurAll(gallery) : concurrentDeblur(deblurrers.get(name), nc);
            long t = System.nanoTime() - t0;
            long cpu = os.getProcessCpuTime() - c0;
            if (measuring) {
                facesPerSecond.get(name).add(faces / (t / 1e9));
                cpuMsPerFace.get(name).add(cpu / 1e6 / faces);
            }
        }
        round++;
        return last;
    }

    /** {@code c} threads (this one and {@code c - 1} of the pool) call {@code deblur} on faces k, k + c, ... */
    private Object concurrentDeblur(Deblurrer d, int c) {
        List<Future<?>> others = new ArrayList<>();
        for (int k = 1; k < c; k++) {
            int first = k;
            others.add(callerPool.submit(() -> {
                for (int i = first; i < faces; i += c) {
                    d.deblur(gallery.get(i));
                }
            }));
        }
        Object last = null;
        for (int i = 0; i < faces; i += c) {
            last = d.deblur(gallery.get(i));
        }
        try {
            for (Future<?> f : others) {
                f.get();
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return last;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%n[throughput] size=%d faces=%d onnxSpinning=%s vector=%d-bit rounds=%d:",
                size, faces, onnxSpinning, FloatVector.SPECIES_PREFERRED.vectorBitSize(),
                facesPerSecond.values().iterator().next().size()));
        for (Map.Entry<String, List<Double>> e : facesPerSecond.entrySet()) {
            double[] v = sorted(e.getValue());
            if (v.length > 0) {
                double[] cpu = sorted(cpuMsPerFace.get(e.getKey()));
                sb.append(String.format(Locale.ROOT, " %s %.1f faces/s (%.1f-%.1f), %.1f CPU-ms/face;", e.getKey(),
                        median(v), v[0], v[v.length - 1], median(cpu)));
            }
        }
        ratio(sb, "cpu-2", "cpu-1", "x");
        ratio(sb, "onnx-2", "onnx-1", "x");
        ratio(sb, "cpu-1", "onnx-1", "");
        ratio(sb, "cpu-2", "onnx-2", "");
        ratio(sb, "cpu-2x2", "cpu-1", "x");
        ratio(sb, "onnx-2x2", "onnx-1", "x");
        System.out.println(sb);
        record();
        for (Deblurrer d : deblurrers.values()) {
            d.close();
        }
        deblurrers.clear();
        if (callerPool != null) {
            callerPool.shutdown();
            callerPool = null;
        }
        facesPerSecond.clear();
        cpuMsPerFace.clear();
    }

    /** This trial's medians for {@link SpeedReport} (when the JVM runs with {@code -Dsmfd.bench.records=DIR}). */
    private void record() {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("size", size);
        r.put("faces", faces);
        r.put("onnxSpinning", onnxSpinning);
        r.put("rounds", facesPerSecond.values().iterator().next().size());
        Map<String, Object> cfg = new LinkedHashMap<>();
        for (Map.Entry<String, List<Double>> e : facesPerSecond.entrySet()) {
            double[] v = sorted(e.getValue());
            if (v.length == 0) {
                continue;
            }
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("facesPerSecond", SpeedReport.round(median(v), 2));
            c.put("min", SpeedReport.round(v[0], 2));
            c.put("max", SpeedReport.round(v[v.length - 1], 2));
            c.put("cpuMsPerFace", SpeedReport.round(median(sorted(cpuMsPerFace.get(e.getKey()))), 2));
            cfg.put(e.getKey(), c);
        }
        r.put("configs", cfg);
        Map<String, Object> ratios = new LinkedHashMap<>();
        for (String[] ab : new String[][] {{"cpu-2", "cpu-1"}, {"onnx-2", "onnx-1"}, {"cpu-1", "onnx-1"},
                {"cpu-2", "onnx-2"}}) {
            double m = medianRatio(ab[0], ab[1]);
            if (!Double.isNaN(m)) {
                ratios.put(ab[0] + " / " + ab[1], SpeedReport.round(m, 3));
            }
        }
        r.put("ratios", ratios);
        SpeedReport.append("throughput", r);
    }

    /** The median of the per-round ratios a / b, or NaN when they were not both measured. */
    private double medianRatio(String a, String b) {
        List<Double> x = facesPerSecond.get(a);
        List<Double> y = facesPerSecond.get(b);
        if (x == null || y == null || x.isEmpty() || x.size() != y.size()) {
            return Double.NaN;
        }
        double[] r = new double[x.size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = x.get(i) / y.get(i);
        }
        Arrays.sort(r);
        return median(r);
    }

    /** Appends the median of the per-round ratios a / b, when both were measured. */
    private void ratio(StringBuilder sb, String a, String b, String unit) {
        List<Double> x = facesPerSecond.get(a);
        List<Double> y = facesPerSecond.get(b);
        if (x == null || y == null || x.isEmpty() || x.size() != y.size()) {
            return;
        }
        double[] r = new double[x.size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = x.get(i) / y.get(i);
        }
        Arrays.sort(r);
        sb.append(String.format(Locale.ROOT, " %s / %s %.2f%s (%.2f-%.2f);", a, b, median(r), unit, r[0],
                r[r.length - 1]));
    }

    private static double[] sorted(List<Double> v) {
        double[] a = v.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(a);
        return a;
    }

    private static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
