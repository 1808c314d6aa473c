package io.smfd.benchmarks;

import io.smfd.FaceImage;
import io.smfd.runtime.cpu.KernelBench;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;
import jdk.incubator.vector.FloatVector;

/**
 * The speed tables' source data (issue 27 item 3, issue 30): the benchmarks append one JSON object per JMH trial
 * ({@link #append}) to {@code RECORDS/KIND.jsonl} when the benchmark JVM runs with {@code -Dsmfd.bench.records=RECORDS};
 * {@link #main} then joins them, with the machine they ran on, into {@code docs/data/latency.json} and
 * {@code docs/data/throughput.json}, from which {@code DocTables} (smfd-eval) renders docs/speed.md's
 * {@code SPEED-TABLE} and README's {@code THROUGHPUT-TABLE}. {@code smfd-benchmarks/run-speed.sh} runs all of it.
 *
 * <pre>
 * SpeedReport faces DIR COUNT SIZE          writes COUNT synthetic SIZE px faces as PNGs (the CLI's input)
 * SpeedReport cli RECORDS BACKEND THREADS FACES START_NS END_NS   appends one CLI faces/s record (epoch ns)
 * SpeedReport write RECORDS OUT_DIR KEY=VALUE...          writes OUT_DIR/latency.json and OUT_DIR/throughput.json
 * </pre>
 * The KEY=VALUE pairs (e.g. {@code command=...}, {@code commit=...}, {@code loadAverageBefore=0.12},
 * {@code started=...}) are copied into the {@code run} member of both files (keys starting with {@code load} as
 * numbers).
 */
public final class SpeedReport {

    /** The system property naming the records directory. */
    static final String RECORDS_PROPERTY = "smfd.bench.records";

    private SpeedReport() {
    }

    /**
     * Appends one record (a flat or nested map of strings, numbers and maps) to {@code RECORDS/KIND.jsonl}, with
     * the system load average at the end of the trial; does nothing without {@value #RECORDS_PROPERTY}.
     *
     * @param kind   {@code latency}, {@code throughput} or {@code cli}
     * @param record the record
     */
    static void append(String kind, Map<String, Object> record) {
        String dir = System.getProperty(RECORDS_PROPERTY);
        if (dir == null || dir.isBlank()) {
            return;
        }
        Map<String, Object> r = new LinkedHashMap<>(record);
        r.put("loadAverageAfter", round(ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), 2));
        r.put("finished", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        try {
            Path d = Path.of(dir);
            Files.createDirectories(d);
            Files.writeString(d.resolve(kind + ".jsonl"), json(r) + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new IllegalStateException("cannot append to " + dir + "/" + kind + ".jsonl: " + e.getMessage(), e);
        }
    }

    /** {@code v} rounded to {@code digits} decimals (the records keep what the tables can show, and a little more). */
    static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }

    /**
     * The machine the benchmarks ran on: CPU model, logical processors, the cpu backend's vector width and kernels,
     * JDK, OS.
     *
     * @return the description
     */
    static Map<String, Object> machine() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cpuModel", cpuModel());
        m.put("logicalProcessors", Runtime.getRuntime().availableProcessors());
        m.put("vectorBits", FloatVector.SPECIES_PREFERRED.vectorBitSize());
        m.put("floatLanes", FloatVector.SPECIES_PREFERRED.length());
        m.put("cpuKernels", KernelBench.selectedKernels());
        m.put("jdk", Runtime.version().toString());
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch"));
        return m;
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"), StandardCharsets.UTF_8)) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).strip();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: fall through
        }
        return System.getProperty("os.arch") + " (model not available)";
    }

    public static void main(String[] args) throws IOException {
        if (args.length == 4 && args[0].equals("faces")) {
            Path dir = Path.of(args[1]);
            int count = Integer.parseInt(args[2]);
            int size = Integer.parseInt(args[3]);
            Files.createDirectories(dir);
            for (int i = 0; i < count; i++) {
                FaceImage f = DeblurBenchmark.syntheticFace(size, 1000 + i);
                ImageIO.write(f.toBufferedImage(), "png", dir.resolve(String.format(Locale.ROOT, "face%03d.png", i))
                        .toFile());
            }
        } else if (args.length == 7 && args[0].equals("cli")) {
            int faces = Integer.parseInt(args[4]);
            double seconds = (Long.parseLong(args[6]) - Long.parseLong(args[5])) / 1e9;
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("backend", args[2]);
            r.put("threads", Integer.parseInt(args[3]));
            r.put("faces", faces);
            r.put("seconds", round(seconds, 2));
            r.put("facesPerSecond", round(faces / seconds, 2));
            System.setProperty(RECORDS_PROPERTY, args[1]);
            append("cli", r);
        } else if (args.length >= 3 && args[0].equals("write")) {
            Path records = Path.of(args[1]);
            Path out = Path.of(args[2]);
            Map<String, Object> run = new LinkedHashMap<>();
            for (int i = 3; i < args.length; i++) {
                int eq = args[i].indexOf('=');
                if (eq <= 0) {
                    throw usage();
                }
                String v = args[i].substring(eq + 1);
                String key = args[i].substring(0, eq);
                run.put(key, key.startsWith("load") ? (Object) Double.parseDouble(v) : v);
            }
            run.put("written", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
            Files.createDirectories(out);
            write(out.resolve("latency.json"), run, Map.of("rows", lines(records.resolve("latency.jsonl"))));
            Map<String, List<String>> t = new LinkedHashMap<>();
            t.put("rows", lines(records.resolve("throughput.jsonl")));
            t.put("cli", lines(records.resolve("cli.jsonl")));
            write(out.resolve("throughput.json"), run, t);
        } else {
            throw usage();
        }
    }

    private static IllegalArgumentException usage() {
        return new IllegalArgumentException("usage: SpeedReport faces DIR COUNT SIZE | cli RECORDS BACKEND THREADS FACES"
                + " START_NS END_NS | write RECORDS OUT_DIR [KEY=VALUE...]");
    }

    private static List<String> lines(Path file) throws IOException {
        if (!Files.exists(file)) {
            throw new IllegalArgumentException(file + " is missing: run the benchmarks with -D" + RECORDS_PROPERTY
                    + "=" + file.getParent() + " first (smfd-benchmarks/run-speed.sh)");
        }
        List<String> out = new ArrayList<>();
        for (String l : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (!l.isBlank()) {
                out.add(l.strip());
            }
        }
        return out;
    }

    private static void write(Path file, Map<String, Object> run, Map<String, List<String>> arrays) throws IOException {
        StringBuilder sb = new StringBuilder("{\n  \"run\": ").append(json(run)).append(",\n  \"machine\": ")
                .append(json(machine()));
        for (Map.Entry<String, List<String>> e : arrays.entrySet()) {
            sb.append(",\n  ").append(quote(e.getKey())).append(": [");
            List<String> rows = e.getValue();
            for (int i = 0; i < rows.size(); i++) {
                sb.append(i == 0 ? "\n    " : ",\n    ").append(rows.get(i));
            }
            sb.append(rows.isEmpty() ? "]" : "\n  ]");
        }
        sb.append("\n}\n");
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, sb.toString(), StandardCharsets.UTF_8);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /** One-line JSON of maps, lists, strings, numbers and booleans. */
    static String json(Object v) {
        if (v instanceof Map<?, ?> m) {
            StringBuilder sb = new StringBuilder("{");
            for (Map.Entry<?, ?> e : m.entrySet()) {
                sb.append(sb.length() > 1 ? ", " : "").append(quote(String.valueOf(e.getKey()))).append(": ")
                        .append(json(e.getValue()));
            }
            return sb.append('}').toString();
        }
        if (v instanceof List<?> l) {
            StringBuilder sb = new StringBuilder("[");
            for (Object o : l) {
                sb.append(sb.length() > 1 ? ", " : "").append(json(o));
            }
            return sb.append(']').toString();
        }
        if (v instanceof Double d) {
            if (d.isNaN() || d.isInfinite()) {
                return "null";
            }
            return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString(d.longValue()) : d.toString();
        }
        if (v instanceof Number || v instanceof Boolean) {
            return v.toString();
        }
        return v == null ? "null" : quote(v.toString());
    }

    private static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}
