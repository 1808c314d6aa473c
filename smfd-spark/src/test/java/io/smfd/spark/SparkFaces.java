package io.smfd.spark;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.smfd.Deblurrer;
import io.smfd.FaceImage;
import io.smfd.SharpFacePolicy;
import io.smfd.degrade.DegradationPipeline;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** Test support: one local[2] session for all tests of the JVM, held-out faces, reference deblurrers. */
final class SparkFaces {

    static final StructType FACES = new StructType().add("name", DataTypes.StringType)
            .add("content", DataTypes.BinaryType);

    private static SparkSession spark;
    private static Deblurrer onnx;

    private SparkFaces() {
    }

    /** The shared session (local[2], no UI); stopped when the JVM exits. */
    static synchronized SparkSession spark() {
        if (spark == null) {
            spark = SparkSession.builder().master("local[2]").appName("smfd-spark-tests")
                    .config("spark.ui.enabled", "false")
                    .config("spark.driver.host", "127.0.0.1")
                    .config("spark.driver.bindAddress", "127.0.0.1")
                    .config("spark.sql.shuffle.partitions", "2")
                    .getOrCreate();
        }
        return spark;
    }

    /** The reference: a plain deblurrer, onnx backend, one thread, pass-through (what the transformer defaults to). */
    static synchronized Deblurrer reference() {
        if (onnx == null) {
            onnx = Deblurrer.builder().backend("onnx").threads(1).sharpFaces(SharpFacePolicy.PASS_THROUGH).build();
        }
        return onnx;
    }

    /** {@code shared/data/celebamask-hq-mini} found by walking up from user.dir; null if absent. */
    static Path dataDir() {
        for (Path d = Paths.get(System.getProperty("user.dir")).toAbsolutePath(); d != null; d = d.getParent()) {
            Path p = d.resolve("shared/data/celebamask-hq-mini");
            if (Files.isDirectory(p.resolve("eval/images"))) {
                return p;
            }
        }
        return null;
    }

    /** Held-out face file {@code 4500 + i}; skips the test with a reason when the data is absent. */
    static Path evalFile(int i) {
        Path dir = dataDir();
        assumeTrue(dir != null, "CelebAMask-HQ mini not found: place it at ../shared/data/celebamask-hq-mini"
                + " relative to the repository root");
        return dir.resolve("eval/images/" + (4500 + i) + ".jpg");
    }

    /** Held-out face {@code 4500 + i} degraded with the spec-v1 pipeline and seed {@code 7000 + i}, as PNG bytes. */
    static byte[] degradedPng(int i) {
        try {
            FaceImage sharp = FaceImage.fromBufferedImage(ImageIO.read(evalFile(i).toFile()));
            return png(DegradationPipeline.defaults().apply(sharp, 7000L + i));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] png(FaceImage face) {
        return png(face.toBufferedImage());
    }

    static byte[] png(BufferedImage img) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(img, "png", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Decodes with plain ImageIO (independently of the code under test). */
    static FaceImage decode(byte[] bytes) {
        try {
            BufferedImage img = ImageIO.read(new ByteArrayInputStream(bytes));
            if (img == null) {
                throw new IOException("not an image");
            }
            return FaceImage.fromBufferedImage(img);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Rows (name, content) of the degraded held-out faces {@code from .. from + count - 1}. */
    static List<Row> degradedRows(int from, int count) {
        List<Row> rows = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            rows.add(RowFactory.create("face" + (4500 + i), degradedPng(i)));
        }
        return rows;
    }

    static Dataset<Row> frame(List<Row> rows, int partitions) {
        return spark().createDataFrame(rows, FACES).repartition(partitions);
    }
}
