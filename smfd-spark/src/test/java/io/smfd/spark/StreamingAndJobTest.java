package io.smfd.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.smfd.Deblurrer;
import io.smfd.FaceImage;
import io.smfd.model.BundledModel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryException;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Structured Streaming over a file source, a model file shipped with the job, and SparkDeblurJob. */
class StreamingAndJobTest {

    /** The binaryFile source's schema (a streaming file source needs it up front). */
    private static final StructType BINARY_FILE = new StructType().add("path", DataTypes.StringType)
            .add("modificationTime", DataTypes.TimestampType).add("length", DataTypes.LongType)
            .add("content", DataTypes.BinaryType);

    @Test
    void streamingQueryDeblursNewlyArrivingFaces(@TempDir Path tmp) throws IOException, TimeoutException,
            StreamingQueryException {
        Path inbox = Files.createDirectories(tmp.resolve("inbox"));
        SparkSession spark = SparkFaces.spark();
        Dataset<Row> stream = spark.readStream().schema(BINARY_FILE).format("binaryFile").load(inbox.toString());
        Dataset<Row> deblurred = new FaceDeblurTransformer().setAssessmentCol("assessment").transform(stream)
                .select("path", "deblurred", "assessment", "deblurError");
        StreamingQuery query = deblurred.writeStream().format("memory").queryName("smfd_stream")
                .outputMode("append").option("checkpointLocation", tmp.resolve("checkpoint").toString()).start();
        try {
            arrive(tmp, inbox, "a.png", SparkFaces.degradedPng(52));
            query.processAllAvailable();
            assertThat(spark.sql("SELECT * FROM smfd_stream").collectAsList()).hasSize(1);

            arrive(tmp, inbox, "b.png", SparkFaces.degradedPng(53));
            arrive(tmp, inbox, "c.png", "not an image".getBytes(StandardCharsets.UTF_8));
            query.processAllAvailable();

            List<Row> rows = spark.sql("SELECT * FROM smfd_stream").collectAsList();
            assertThat(rows).hasSize(3);
            Deblurrer ref = SparkFaces.reference();
            for (Row r : rows) {
                String name = r.getString(0).substring(r.getString(0).lastIndexOf('/') + 1);
                if (name.equals("c.png")) {
                    assertThat(r.getString(3)).startsWith("INVALID_IMAGE: not a readable image");
                    assertThat(r.isNullAt(1)).isTrue();
                } else {
                    assertThat(r.isNullAt(3)).as(name).isTrue();
                    FaceImage face = SparkFaces.decode(SparkFaces.degradedPng(name.equals("a.png") ? 52 : 53));
                    assertThat(SparkFaces.decode((byte[]) r.get(1)).toRgbBytes()).as(name)
                            .isEqualTo(ref.deblur(face).toRgbBytes());
                }
            }
            assertThat(query.exception().isEmpty()).isTrue();
        } finally {
            query.stop();
        }
    }

    /** Writes a file next to the inbox, then moves it in (as a producer should: the source may list it at once). */
    private static void arrive(Path tmp, Path inbox, String name, byte[] bytes) throws IOException {
        Path staged = Files.write(tmp.resolve(name), bytes);
        Files.move(staged, inbox.resolve(name), StandardCopyOption.ATOMIC_MOVE);
    }

    @Test
    void modelFileShippedWithTheJobReplacesTheBundledModel(@TempDir Path tmp) throws IOException {
        Path model = Files.write(tmp.resolve("shipped-model.onnx"), BundledModel.onnxBytes());
        SparkFaces.spark().sparkContext().addFile(model.toString());
        // the file name alone: resolved through SparkFiles on each executor (spark-submit --files)
        FaceDeblurTransformer t = new FaceDeblurTransformer().setModelPath("shipped-model.onnx").setBackend("onnx");
        assertThat(t.settings().open().modelInfo().source()).contains("shipped-model.onnx");
        List<Row> out = t.transform(SparkFaces.frame(SparkFaces.degradedRows(54, 2), 1)).collectAsList();
        try (Deblurrer ref = Deblurrer.builder().backend("onnx").threads(1).model(model).build()) {
            for (Row r : out) {
                FaceImage face = SparkFaces.decode(SparkFaces.degradedPng(Integer.parseInt(r.getString(0).substring(4)) - 4500));
                assertThat(SparkFaces.decode((byte[]) r.get(r.fieldIndex("deblurred"))).toRgbBytes())
                        .isEqualTo(ref.deblur(face).toRgbBytes());
            }
        }
        assertThat(out).hasSize(2);
    }

    @Test
    void exampleJobWritesImagesAndAParquetReport(@TempDir Path tmp) throws IOException {
        Path in = Files.createDirectories(tmp.resolve("faces"));
        Path sub = Files.createDirectories(in.resolve("cam2"));
        Files.write(in.resolve("a.png"), SparkFaces.degradedPng(56));
        Files.write(sub.resolve("a.png"), SparkFaces.degradedPng(57)); // same name, other folder
        Files.copy(SparkFaces.evalFile(58), in.resolve("sharp.jpg"));
        Files.write(in.resolve("broken.jpg"), new byte[] {(byte) 0xFF, (byte) 0xD8, 0, 0});
        Files.write(in.resolve("notes.txt"), "ignored: not an image suffix".getBytes(StandardCharsets.UTF_8));
        Path out = tmp.resolve("out");
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();

        int code = SparkDeblurJob.run(SparkFaces.spark(), new String[] {in.toString(), "--out", out.toString(),
            "--recursive", "--backend", "onnx"}, new PrintStream(stdout, true, StandardCharsets.UTF_8),
                new PrintStream(stderr, true, StandardCharsets.UTF_8));

        assertThat(code).as(stderr.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(stdout.toString(StandardCharsets.UTF_8)).contains("4 face(s)").contains("1 failed");
        Map<String, Row> report = new HashMap<>();
        for (Row r : SparkFaces.spark().read().parquet(out.resolve("report.parquet").toString()).collectAsList()) {
            report.put(r.getString(r.fieldIndex("path")).replaceFirst("^.*/faces/", ""), r);
        }
        assertThat(report.keySet()).containsExactlyInAnyOrder("a.png", "cam2/a.png", "sharp.jpg", "broken.jpg");
        assertThat(report.get("broken.jpg").getString(report.get("broken.jpg").fieldIndex("error")))
                .startsWith("INVALID_IMAGE");
        assertThat(report.get("broken.jpg").isNullAt(report.get("broken.jpg").fieldIndex("output"))).isTrue();
        Deblurrer ref = SparkFaces.reference();
        for (String name : List.of("a.png", "cam2/a.png", "sharp.jpg")) {
            Row r = report.get(name);
            assertThat(r.isNullAt(r.fieldIndex("error"))).as(name).isTrue();
            assertThat(r.getDouble(r.fieldIndex("ms"))).as(name).isPositive();
            Path written = out.resolve("images").resolve(name.replaceFirst("\\.[a-z]+$", ".png"));
            assertThat(r.getString(r.fieldIndex("output"))).as(name).endsWith(written.toString());
            FaceImage face = SparkFaces.decode(Files.readAllBytes(in.resolve(name)));
            FaceImage expected = ref.deblur(face);
            assertThat(SparkFaces.decode(Files.readAllBytes(written)).toRgbBytes()).as(name)
                    .isEqualTo(expected.toRgbBytes());
            assertThat(r.getBoolean(r.fieldIndex("deblurred"))).as(name).isEqualTo(expected != face);
            assertThat(r.getDouble(r.fieldIndex("severity"))).as(name).isEqualTo(ref.assess(face).severity());
        }
        try (var files = Files.walk(out.resolve("images"))) {
            assertThat(files.filter(Files::isRegularFile).map(p -> out.resolve("images").relativize(p).toString()))
                    .as("no temporary or checksum files").containsExactlyInAnyOrder("a.png", "cam2/a.png", "sharp.png");
        }

        // without --recursive only the folder's own files
        Path flat = tmp.resolve("flat");
        assertThat(SparkDeblurJob.run(SparkFaces.spark(), new String[] {in.toString(), "--out", flat.toString()},
                System.out, System.err)).isZero();
        assertThat(SparkFaces.spark().read().parquet(flat.resolve("report.parquet").toString()).select("path")
                .as(org.apache.spark.sql.Encoders.STRING()).collectAsList())
                .map(p -> p.replaceFirst("^.*/faces/", "")).containsExactlyInAnyOrder("a.png", "sharp.jpg", "broken.jpg");

        // a second run into the same folder refuses to overwrite the report; bad options are usage errors
        ByteArrayOutputStream err2 = new ByteArrayOutputStream();
        assertThat(SparkDeblurJob.run(SparkFaces.spark(), new String[] {in.toString(), "--out", out.toString()},
                System.out, new PrintStream(err2, true, StandardCharsets.UTF_8))).isEqualTo(1);
        assertThat(err2.toString(StandardCharsets.UTF_8)).contains("report.parquet exists");
        assertThat(SparkDeblurJob.run(SparkFaces.spark(), new String[] {in.toString()}, System.out,
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))).isEqualTo(2);
        assertThat(SparkDeblurJob.run(SparkFaces.spark(), new String[] {in.toString(), "--out", tmp.resolve("o2")
            .toString(), "--backend", "nosuch"}, System.out, new PrintStream(err2, true, StandardCharsets.UTF_8)))
                .isEqualTo(1);
        assertThat(err2.toString(StandardCharsets.UTF_8)).contains("Unknown SMFD backend 'nosuch'");
        assertThat(tmp.resolve("o2")).doesNotExist();
        ByteArrayOutputStream err3 = new ByteArrayOutputStream();
        assertThat(SparkDeblurJob.run(SparkFaces.spark(), new String[] {tmp.resolve("nowhere/*.jpg").toString(),
            "--out", tmp.resolve("o3").toString()}, System.out, new PrintStream(err3, true, StandardCharsets.UTF_8)))
                .isEqualTo(1);
        assertThat(err3.toString(StandardCharsets.UTF_8)).contains("nowhere");
        for (String[] bad : new String[][] {{"--pass-below", "2"}, {"--pass-below", "x"},
            {"--pass-below", "0.2", "--deblur-sharp"}}) {
            ByteArrayOutputStream e = new ByteArrayOutputStream();
            String[] args = new String[3 + bad.length];
            args[0] = in.toString();
            args[1] = "--out";
            args[2] = tmp.resolve("o4").toString();
            System.arraycopy(bad, 0, args, 3, bad.length);
            assertThat(SparkDeblurJob.run(SparkFaces.spark(), args, System.out,
                    new PrintStream(e, true, StandardCharsets.UTF_8))).as(String.join(" ", bad)).isEqualTo(2);
            assertThat(e.toString(StandardCharsets.UTF_8)).contains("pass");
        }
        assertThat(tmp.resolve("o4")).doesNotExist();
    }
}
