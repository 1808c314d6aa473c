package io.smfd.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.smfd.BlurAssessment;
import io.smfd.Deblurrer;
import io.smfd.FaceImage;
import io.smfd.SharpFacePolicy;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** The transformer against a plain {@link Deblurrer}: same pixels, same assessment, one deblurrer per JVM. */
class FaceDeblurTransformerTest {

    @Test
    void fortyHeldOutFacesAreBitIdenticalToAPlainDeblurrer() {
        List<Row> input = SparkFaces.degradedRows(0, 40);
        Dataset<Row> faces = SparkFaces.frame(input, 4); // 4 partitions over local[2]'s two task threads
        FaceDeblurTransformer t = new FaceDeblurTransformer().setBackend("onnx").setThreadsPerExecutor(1)
                .setAssessmentCol("assessment").setMillisCol("ms");
        int openedBefore = ExecutorDeblurrers.openCount();
        boolean alreadyOpen = ExecutorDeblurrers.isOpen(t.settings());

        List<Row> out = t.transform(faces).collectAsList();

        assertThat(out).hasSize(40);
        assertThat(ExecutorDeblurrers.openCount()).isEqualTo(openedBefore + (alreadyOpen ? 0 : 1));
        Map<String, byte[]> in = new HashMap<>();
        input.forEach(r -> in.put(r.getString(0), (byte[]) r.get(1)));
        Deblurrer ref = SparkFaces.reference();
        int deblurred = 0;
        for (Row r : out) {
            String name = r.getString(r.fieldIndex("name"));
            assertThat(r.isNullAt(r.fieldIndex("deblurError"))).as(name).isTrue();
            FaceImage face = SparkFaces.decode(in.get(name));
            FaceImage expected = ref.deblur(face);
            FaceImage actual = SparkFaces.decode((byte[]) r.get(r.fieldIndex("deblurred")));
            assertThat(actual.toRgbBytes()).as(name).isEqualTo(expected.toRgbBytes());
            BlurAssessment a = ref.assess(face);
            Row ar = r.getStruct(r.fieldIndex("assessment"));
            assertThat(ar.getDouble(0)).as(name).isEqualTo(a.severity());
            assertThat(ar.getDouble(1)).as(name).isEqualTo(a.extentPixels());
            assertThat(ar.getBoolean(2)).as(name).isEqualTo(a.needsDeblurring());
            assertThat(ar.getBoolean(3)).as(name).isEqualTo(expected != face);
            assertThat(r.getDouble(r.fieldIndex("ms"))).as(name).isPositive();
            if (ar.getBoolean(3)) {
                deblurred++;
                assertThat(actual.toRgbBytes()).as(name).isNotEqualTo(face.toRgbBytes());
            } else {
                assertThat(actual.toRgbBytes()).as(name).isEqualTo(face.toRgbBytes());
            }
        }
        assertThat(deblurred).as("faces the network ran on").isGreaterThan(20);
    }

    @Test
    void deblurPolicyAndCpuBackendMatchTheirPlainDeblurrer() {
        List<Row> input = SparkFaces.degradedRows(40, 2);
        FaceDeblurTransformer t = new FaceDeblurTransformer().setBackend("cpu").setSharpFaces(SharpFacePolicy.DEBLUR)
                .setInputCol("content").setOutputCol("out").setAssessmentCol("a");
        List<Row> out = t.transform(SparkFaces.frame(input, 2)).collectAsList();
        try (Deblurrer ref = Deblurrer.builder().backend("cpu").threads(1).sharpFaces(SharpFacePolicy.DEBLUR).build()) {
            Map<String, byte[]> in = new HashMap<>();
            input.forEach(r -> in.put(r.getString(0), (byte[]) r.get(1)));
            for (Row r : out) {
                FaceImage face = SparkFaces.decode(in.get(r.getString(0)));
                FaceImage actual = SparkFaces.decode((byte[]) r.get(r.fieldIndex("out")));
                assertThat(actual.toRgbBytes()).isEqualTo(ref.deblur(face).toRgbBytes());
                assertThat(r.getStruct(r.fieldIndex("a")).getBoolean(3)).as("deblurred under DEBLUR").isTrue();
            }
        }
        assertThat(out).hasSize(2);
    }

    @Test
    void passThroughBelowZeroDeblursSharpFacesTheDefaultPassesThrough() throws IOException {
        List<Row> sharp = new java.util.ArrayList<>();
        for (int i = 60; i < 64; i++) {
            sharp.add(org.apache.spark.sql.RowFactory.create("sharp" + i,
                    java.nio.file.Files.readAllBytes(SparkFaces.evalFile(i))));
        }
        FaceDeblurTransformer byDefault = new FaceDeblurTransformer().setAssessmentCol("a");
        long passed = byDefault.transform(SparkFaces.frame(sharp, 2)).collectAsList().stream()
                .filter(r -> !r.getStruct(r.fieldIndex("a")).getBoolean(3)).count();
        assertThat(passed).as("sharp faces passed through at the default line").isGreaterThanOrEqualTo(3);
        FaceDeblurTransformer zero = new FaceDeblurTransformer().setPassThroughBelow(0).setAssessmentCol("a");
        assertThat(zero.transform(SparkFaces.frame(sharp, 2)).collectAsList()).hasSize(4).allSatisfy(r ->
                assertThat(r.getStruct(r.fieldIndex("a")).getBoolean(3)).as("deblurred below a line of 0").isTrue());
        assertThat(zero.settings()).isNotEqualTo(byDefault.settings());
        // under deblur the line has no effect, so it does not split the executors' deblurrers
        assertThat(new FaceDeblurTransformer().setSharpFaces("deblur").setPassThroughBelow(0.1).settings())
                .isEqualTo(new FaceDeblurTransformer().setSharpFaces("deblur").settings());
    }

    @Test
    void taskClosureCarriesSettingsNotTheModel() throws IOException {
        FaceDeblurTransformer t = new FaceDeblurTransformer().setModelPath("/models/smfd-unet.onnx");
        DeblurPartition fn = new DeblurPartition(t.settings(), 1, null, "png", true, true);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream o = new ObjectOutputStream(bytes)) {
            o.writeObject(fn);
        }
        // the bundled model is megabytes; the closure is a few strings and numbers
        assertThat(bytes.size()).isLessThan(2048);
    }
}
