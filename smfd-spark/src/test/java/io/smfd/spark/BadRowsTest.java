package io.smfd.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.smfd.FaceImage;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad rows land in the error column while the rest of the job succeeds. */
class BadRowsTest {

    @Test
    void corruptRowsGetAReasonAndTheOthersSucceed() throws IOException {
        List<Row> rows = new ArrayList<>(SparkFaces.degradedRows(44, 3));
        byte[] jpeg = Files.readAllBytes(SparkFaces.evalFile(47));
        byte[] noise = new byte[5000];
        new Random(1).nextBytes(noise);
        rows.add(RowFactory.create("truncated.jpg", Arrays.copyOf(jpeg, jpeg.length / 2)));
        rows.add(RowFactory.create("noise.bin", noise));
        rows.add(RowFactory.create("text.txt", "not a face".getBytes(StandardCharsets.UTF_8)));
        rows.add(RowFactory.create("empty", new byte[0]));
        rows.add(RowFactory.create("null", null));
        rows.add(RowFactory.create("tiny.png", SparkFaces.png(new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB))));
        rows.add(RowFactory.create("huge.png", SparkFaces.png(new BufferedImage(4096, 16, BufferedImage.TYPE_BYTE_GRAY))));

        List<Row> out = new FaceDeblurTransformer().setAssessmentCol("assessment")
                .transform(SparkFaces.frame(rows, 3)).collectAsList();

        Map<String, Row> byName = new HashMap<>();
        out.forEach(r -> byName.put(r.getString(0), r));
        assertThat(byName).hasSize(rows.size());
        for (int i = 44; i < 47; i++) {
            Row ok = byName.get("face" + (4500 + i));
            assertThat(ok.isNullAt(ok.fieldIndex("deblurError"))).isTrue();
            assertThat(SparkFaces.decode((byte[]) ok.get(ok.fieldIndex("deblurred"))).width()).isEqualTo(256);
            assertThat(ok.isNullAt(ok.fieldIndex("assessment"))).isFalse();
        }
        assertError(byName.get("truncated.jpg"), "INVALID_IMAGE: corrupt or truncated JPEG data");
        assertError(byName.get("noise.bin"), "INVALID_IMAGE: not a readable image");
        assertError(byName.get("text.txt"), "INVALID_IMAGE: not a readable image");
        assertError(byName.get("empty"), "INVALID_IMAGE: empty content");
        assertError(byName.get("null"), "INVALID_IMAGE: no image (the input column is null)");
        assertError(byName.get("tiny.png"), "UNSUPPORTED_IMAGE_SIZE: Unsupported image size 8x8");
        assertError(byName.get("huge.png"), "UNSUPPORTED_IMAGE_SIZE: Unsupported image size 4096x16");
    }

    private static void assertError(Row r, String prefix) {
        assertThat(r.getString(r.fieldIndex("deblurError"))).as(r.getString(0)).startsWith(prefix);
        assertThat(r.isNullAt(r.fieldIndex("deblurred"))).as(r.getString(0)).isTrue();
        assertThat(r.isNullAt(r.fieldIndex("assessment"))).as(r.getString(0)).isTrue();
    }

    @Test
    void imageSourceStructsAreDeblurredAndUnreadableFilesReported(@TempDir Path dir) throws IOException {
        Files.copy(SparkFaces.evalFile(48), dir.resolve("a.jpg"));
        Files.copy(SparkFaces.evalFile(49), dir.resolve("b.jpg"));
        Files.write(dir.resolve("broken.jpg"), new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, 1, 2, 3});
        Dataset<Row> images = SparkFaces.spark().read().format("image").option("dropInvalid", false)
                .load(dir.toString());

        List<Row> out = new FaceDeblurTransformer().setInputCol("image").setSharpFaces("deblur")
                .transform(images).select("image.origin", "deblurred", "deblurError").collectAsList();

        assertThat(out).hasSize(3);
        for (Row r : out) {
            String origin = r.getString(0);
            if (origin.endsWith("broken.jpg")) {
                assertThat(r.getString(2)).startsWith("INVALID_IMAGE: not a readable image (Spark's image source");
                assertThat(r.isNullAt(1)).isTrue();
            } else {
                assertThat(r.isNullAt(2)).as(origin).isTrue();
                Path file = dir.resolve(origin.substring(origin.lastIndexOf('/') + 1));
                FaceImage face = FaceImage.fromBufferedImage(ImageIO.read(file.toFile()));
                // sharpFaces=deblur: compare with a DEBLUR deblurrer on the same pixels
                try (io.smfd.Deblurrer ref = io.smfd.Deblurrer.builder().backend("onnx").threads(1)
                        .sharpFaces(io.smfd.SharpFacePolicy.DEBLUR).build()) {
                    assertThat(SparkFaces.decode((byte[]) r.get(1)).toRgbBytes())
                            .isEqualTo(ref.deblur(face).toRgbBytes());
                }
            }
        }
    }
}
