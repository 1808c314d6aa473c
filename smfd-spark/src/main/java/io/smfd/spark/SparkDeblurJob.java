package io.smfd.spark;

import io.smfd.SmfdException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.Iterator;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Example Spark job: deblurs a folder (or glob) of aligned face crops and writes the results next to a Parquet
 * report.
 *
 * <pre>
 * spark-submit --class io.smfd.spark.SparkDeblurJob smfd-spark-job.jar &lt;folder-or-glob&gt; --out DIR
 *     [--backend NAME] [--threads N] [--format png] [--deblur-sharp | --pass-below S] [--model FILE.onnx] [--recursive]
 *     [--partitions N]
 * </pre>
 *
 * <p>Writes {@code DIR/images/REL.png} for each input {@code ROOT/REL.ext} (ROOT: the folder, or the part of the
 * glob before its first wildcard; sub-folders are kept, so equal names in different folders do not collide) and
 * {@code DIR/report.parquet} with one row per input: {@code path, output, severity, extent_px, deblurred, error,
 * ms}. A folder contributes the files whose extension an ImageIO reader accepts, with {@code --recursive} also
 * those in its sub-folders (a glob: every match). Faces that
 * fail (unreadable, corrupt, wrong size, unwritable output) get {@code output} null and the reason in
 * {@code error}; the job still succeeds. Images are written by the executors through the Hadoop file system of
 * {@code DIR} (local, HDFS, S3A, ...), each to a temporary name then renamed. Exit codes: 0 done (some faces may
 * have failed: see the report), 1 configuration error (backend, model, existing report), 2 usage error.
 */
public final class SparkDeblurJob {

    static final StructType REPORT_SCHEMA = new StructType(new StructField[] {
        new StructField("path", DataTypes.StringType, false, Metadata.empty()),
        new StructField("output", DataTypes.StringType, true, Metadata.empty()),
        new StructField("severity", DataTypes.DoubleType, true, Metadata.empty()),
        new StructField("extent_px", DataTypes.DoubleType, true, Metadata.empty()),
        new StructField("deblurred", DataTypes.BooleanType, true, Metadata.empty()),
        new StructField("error", DataTypes.StringType, true, Metadata.empty()),
        new StructField("ms", DataTypes.DoubleType, true, Metadata.empty()),
    });

    private static final String SYNOPSIS = "SparkDeblurJob <folder-or-glob> --out DIR [--backend NAME] [--threads N]"
            + " [--format png] [--deblur-sharp | --pass-below S] [--model FILE.onnx] [--recursive] [--partitions N]";

    private SparkDeblurJob() {
    }

    /**
     * Runs the job in the session {@code spark-submit} configures and exits with the job's exit code.
     *
     * @param args see the class description
     */
    public static void main(String[] args) {
        try {
            parse(args); // usage errors before a session starts
        } catch (IllegalArgumentException e) {
            System.err.println("SparkDeblurJob: " + e.getMessage());
            System.err.println("Usage: " + SYNOPSIS);
            System.exit(2);
        }
        int code;
        SparkSession spark = SparkSession.builder().appName("SMFD deblur").getOrCreate();
        try {
            code = run(spark, args, System.out, System.err);
        } finally {
            spark.stop();
        }
        System.exit(code);
    }

    /** Parsed arguments. */
    static final class Options {
        String input;
        String out;
        String backend = DeblurSettings.AUTO;
        int threads = 1;
        String format = "png";
        boolean deblurSharp;
        Double passBelow; // null = the default line
        String model = "";
        boolean recursive;
        int partitions;
    }

    /**
     * Runs the job in a given session.
     *
     * @param spark the session
     * @param args  the arguments
     * @param out   summary
     * @param err   errors
     * @return the exit code (0 done, 1 configuration error, 2 usage error)
     */
    static int run(SparkSession spark, String[] args, PrintStream out, PrintStream err) {
        Options o;
        try {
            o = parse(args);
        } catch (IllegalArgumentException e) {
            err.println("SparkDeblurJob: " + e.getMessage());
            err.println("Usage: " + SYNOPSIS);
            return 2;
        }
        FaceDeblurTransformer transformer;
        try {
            transformer = new FaceDeblurTransformer().setInputCol("content").setOutputCol("image")
                    .setAssessmentCol("assessment").setErrorCol("error").setMillisCol("ms")
                    .setBackend(o.backend).setThreadsPerExecutor(o.threads)
                    .setSharpFaces(o.deblurSharp ? "deblur" : "pass_through").setOutputFormat(o.format)
                    .setModelPath(o.model);
            if (o.passBelow != null) {
                transformer.setPassThroughBelow(o.passBelow);
            }
        } catch (IllegalArgumentException e) {
            err.println("SparkDeblurJob: invalid option: " + e.getMessage());
            err.println("Usage: " + SYNOPSIS);
            return 2;
        }
        try {
            Configuration conf = spark.sparkContext().hadoopConfiguration();
            Path in = new Path(o.input);
            FileSystem inFs = in.getFileSystem(conf);
            boolean glob = hasGlob(o.input);
            if (!glob && !inFs.exists(in)) {
                err.println("SparkDeblurJob: no such file or folder: " + o.input);
                return 1;
            }
            boolean folder = !glob && inFs.getFileStatus(in).isDirectory();
            String root = inFs.makeQualified(glob ? globRoot(in) : folder ? in : in.getParent()).toString();
            Path outDir = new Path(o.out);
            FileSystem outFs = outDir.getFileSystem(conf);
            Path report = new Path(outDir, "report.parquet");
            if (outFs.exists(report)) {
                err.println("SparkDeblurJob: " + outFs.makeQualified(report) + " exists; choose another --out");
                return 1;
            }
            String images = outFs.makeQualified(new Path(outDir, "images")).toString();

            // recursiveFileLookup for folders: no partition discovery (key=value folders, mixed levels)
            Dataset<Row> files = spark.read().format("binaryFile")
                    .option("recursiveFileLookup", String.valueOf(folder || o.recursive)).load(o.input);
            if (folder) {
                files = files.filter(imageSuffix(functions.col("path")));
                if (!o.recursive) {
                    files = files.filter(functions.col("path").rlike("^" + Pattern.quote(root) + "/[^/]+$"));
                }
            }
            files = files.select("path", "content");
            if (o.partitions > 0) {
                files = files.repartition(o.partitions);
            }
            long start = System.nanoTime();
            Dataset<Row> deblurred = transformer.transform(files); // backend and model checked here, on the driver
            StructType ds = deblurred.schema();
            int[] columns = {ds.fieldIndex("path"), ds.fieldIndex("image"), ds.fieldIndex("assessment"),
                ds.fieldIndex("error"), ds.fieldIndex("ms")};
            Dataset<Row> rows = deblurred.mapPartitions(new WriteImages(root, images, o.format, columns),
                    Encoders.row(REPORT_SCHEMA));
            rows.write().parquet(report.toString());
            double secs = (System.nanoTime() - start) / 1e9;
            Row s = spark.read().parquet(report.toString()).agg(functions.count(functions.lit(1)),
                    functions.count(functions.col("error")),
                    functions.sum(functions.when(functions.col("deblurred"), 1).otherwise(0))).first();
            long total = s.getLong(0);
            long failed = s.getLong(1);
            long deblurredCount = s.isNullAt(2) ? 0 : s.getLong(2);
            out.printf(Locale.ROOT, "SMFD on Spark: %d face(s) in %.1f s (%.2f faces/s): %d deblurred, %d passed"
                    + " through unchanged, %d failed (see error in the report) -> %s, %s%n", total, secs,
                    total / secs, deblurredCount, total - failed - deblurredCount, failed, images,
                    outFs.makeQualified(report));
            return 0;
        } catch (SmfdException e) {
            err.println("SparkDeblurJob: " + e.getMessage());
            return 1;
        } catch (IOException e) {
            err.println("SparkDeblurJob: " + ImageCodec.describe(e));
            return 1;
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) { // Spark throws its checked AnalysisException undeclared
            if (e instanceof AnalysisException) { // e.g. a glob that matches nothing
                err.println("SparkDeblurJob: " + e.getMessage());
                return 1;
            }
            throw new IllegalStateException(e);
        }
    }

    static Options parse(String[] args) {
        Options o = new Options();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--out":
                    o.out = value(args, ++i, a);
                    break;
                case "--backend":
                    o.backend = value(args, ++i, a);
                    break;
                case "--threads":
                    o.threads = positive(value(args, ++i, a), a);
                    break;
                case "--format":
                    o.format = value(args, ++i, a).toLowerCase(Locale.ROOT);
                    break;
                case "--model":
                    o.model = value(args, ++i, a);
                    break;
                case "--partitions":
                    o.partitions = positive(value(args, ++i, a), a);
                    break;
                case "--deblur-sharp":
                    o.deblurSharp = true;
                    break;
                case "--pass-below":
                    String v = value(args, ++i, a);
                    try {
                        o.passBelow = Double.parseDouble(v);
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException(a + " needs a severity between 0 and 1, got '" + v + "'");
                    }
                    break;
                case "--recursive":
                    o.recursive = true;
                    break;
                default:
                    if (a.startsWith("--")) {
                        throw new IllegalArgumentException("unknown option " + a);
                    }
                    if (o.input != null) {
                        throw new IllegalArgumentException("one input folder or glob only (got " + o.input
                                + " and " + a + "); use a glob such as '/data/{a,b}/*.jpg'");
                    }
                    o.input = a;
            }
        }
        if (o.input == null) {
            throw new IllegalArgumentException("missing input folder or glob");
        }
        if (o.out == null) {
            throw new IllegalArgumentException("missing --out DIR");
        }
        if (o.deblurSharp && o.passBelow != null) {
            throw new IllegalArgumentException("--pass-below and --deblur-sharp exclude each other");
        }
        return o;
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    private static int positive(String v, String option) {
        try {
            int n = Integer.parseInt(v);
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(option + " must be a positive integer, got " + v);
    }

    static boolean hasGlob(String p) {
        return p.chars().anyMatch(c -> c == '*' || c == '?' || c == '[' || c == '{');
    }

    /** The folder part of a glob: the path up to the component before the first one with a wildcard. */
    static Path globRoot(Path glob) {
        Path p = glob;
        Path root = glob.getParent();
        while (p != null) {
            if (hasGlob(p.getName())) {
                root = p.getParent();
            }
            p = p.getParent();
        }
        return root;
    }

    /** {@code path} ends with an extension some ImageIO reader accepts (case-insensitive). */
    static Column imageSuffix(Column path) {
        Set<String> suffixes = new TreeSet<>();
        for (String s : ImageIO.getReaderFileSuffixes()) {
            if (!s.isEmpty()) {
                suffixes.add(s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", ""));
            }
        }
        return functions.lower(path).rlike("\\.(" + suffixes.stream().collect(Collectors.joining("|")) + ")$");
    }

    /**
     * Output location of {@code path} below {@code images}: its path relative to {@code root}, with the
     * extension replaced by {@code format}.
     */
    static String target(String root, String images, String path, String format) {
        String rel = path.startsWith(root + "/") ? path.substring(root.length() + 1) : new Path(path).getName();
        int slash = rel.lastIndexOf('/');
        int dot = rel.lastIndexOf('.');
        if (dot > slash + 1) {
            rel = rel.substring(0, dot);
        }
        return images + "/" + rel + "." + format;
    }

    /** Executor side: writes each deblurred image and emits its report row. */
    static final class WriteImages implements MapPartitionsFunction<Row, Row> {
        private static final long serialVersionUID = 1L;
        private final String root;
        private final String images;
        private final String format;
        private final int[] columns; // path, image, assessment, error, ms (rows passed on need not carry a schema)

        WriteImages(String root, String images, String format, int[] columns) {
            this.root = root;
            this.images = images;
            this.format = format;
            this.columns = columns.clone();
        }

        @Override
        public Iterator<Row> call(Iterator<Row> rows) {
            Configuration conf = new Configuration(); // the executor's Hadoop configuration (core-site.xml)
            return new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return rows.hasNext();
                }

                @Override
                public Row next() {
                    return write(rows.next(), conf);
                }
            };
        }

        private Row write(Row r, Configuration conf) {
            String path = r.getString(columns[0]);
            byte[] image = (byte[]) r.get(columns[1]);
            Row a = r.getStruct(columns[2]);
            String error = r.getString(columns[3]);
            double ms = r.getDouble(columns[4]);
            String output = null;
            if (image != null) {
                long t0 = System.nanoTime();
                String target = target(root, images, path, format);
                try {
                    writeAtomically(new Path(target), image, conf);
                    output = target;
                } catch (IOException | RuntimeException e) {
                    error = "WRITE_FAILED: cannot write " + target + ": " + ImageCodec.describe(e);
                }
                ms += (System.nanoTime() - t0) / 1e6;
            }
            return RowFactory.create(path, output, a == null ? null : a.getDouble(0), a == null ? null : a.getDouble(1),
                    a == null ? null : a.getBoolean(3), error, ms);
        }

        private static void writeAtomically(Path target, byte[] bytes, Configuration conf) throws IOException {
            FileSystem fs = target.getFileSystem(conf);
            if (fs instanceof LocalFileSystem) {
                fs = ((LocalFileSystem) fs).getRawFileSystem(); // no .crc files beside the images
            }
            Path tmp = new Path(target.getParent(), "." + target.getName() + "." + java.util.UUID.randomUUID() + ".tmp");
            boolean moved = false;
            try {
                try (OutputStream os = fs.create(tmp, true)) {
                    os.write(bytes);
                }
                fs.delete(target, false); // rename does not replace on every file system
                if (!fs.rename(tmp, target)) {
                    throw new IOException("rename of " + tmp + " failed");
                }
                moved = true;
            } finally {
                if (!moved) {
                    fs.delete(tmp, false);
                }
            }
        }
    }
}
