package io.smfd.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smfd.BackendUnavailableException;
import io.smfd.ModelException;
import io.smfd.SmfdException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.param.Param;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Param and schema validation, fail-fast configuration errors, save and load. */
class ParamsAndPersistenceTest {

    private static final StructType FILES = new StructType().add("path", DataTypes.StringType)
            .add("content", DataTypes.BinaryType);

    @Test
    void defaultsAndOutputSchema() {
        FaceDeblurTransformer t = new FaceDeblurTransformer();
        assertThat(t.getInputCol()).isEqualTo("content");
        assertThat(t.getOutputCol()).isEqualTo("deblurred");
        assertThat(t.getErrorCol()).isEqualTo("deblurError");
        assertThat(t.getBackend()).isEqualTo("auto");
        assertThat(t.getThreadsPerExecutor()).isEqualTo(1);
        assertThat(t.getSharpFaces()).isEqualTo("pass_through");
        assertThat(t.getOutputFormat()).isEqualTo("png");
        assertThat(t.transformSchema(FILES).fieldNames()).containsExactly("path", "content", "deblurred", "deblurError");
        StructType full = t.setAssessmentCol("a").setMillisCol("ms").transformSchema(FILES);
        assertThat(full.fieldNames()).containsExactly("path", "content", "deblurred", "a", "deblurError", "ms");
        assertThat(full.apply("a").dataType()).isEqualTo(FaceDeblurTransformer.ASSESSMENT_TYPE);
        assertThat(full.apply("ms").dataType()).isEqualTo(DataTypes.DoubleType);
        // Spark ML (and PySpark wrappers) find the params by reflection
        List<String> names = Arrays.stream(t.params()).map(Param::name).collect(Collectors.toList());
        assertThat(names).containsExactlyInAnyOrder("inputCol", "outputCol", "assessmentCol", "errorCol", "millisCol",
                "backend", "threadsPerExecutor", "sharpFaces", "passThroughBelow", "outputFormat", "modelPath");
    }

    @Test
    void badParamValuesAreRejectedWhenSet() {
        FaceDeblurTransformer t = new FaceDeblurTransformer();
        assertThatThrownBy(() -> t.setThreadsPerExecutor(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("threadsPerExecutor");
        assertThatThrownBy(() -> t.setOutputFormat("nope")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("outputFormat");
        assertThatThrownBy(() -> t.setSharpFaces("sometimes")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sharpFaces");
        assertThatThrownBy(() -> t.setOutputCol(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> t.setBackend("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> t.setPassThroughBelow(1.5)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("passThroughBelow");
        assertThatThrownBy(() -> t.setPassThroughBelow(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
        assertThat(t.getPassThroughBelow()).isEqualTo(io.smfd.BlurAssessment.THRESHOLD);
        assertThat(t.setOutputFormat("JPEG").getOutputFormat()).isEqualTo("jpeg");
    }

    @Test
    void badSchemasAreRejectedByTransformSchema() {
        FaceDeblurTransformer t = new FaceDeblurTransformer();
        assertThatThrownBy(() -> t.transformSchema(new StructType().add("path", DataTypes.StringType)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'content'")
                .hasMessageContaining("does not exist");
        assertThatThrownBy(() -> t.transformSchema(new StructType().add("content", DataTypes.StringType)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("but is string");
        assertThatThrownBy(() -> t.transformSchema(FILES.add("deblurred", DataTypes.BinaryType)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'deblurred'")
                .hasMessageContaining("already exists");
        FaceDeblurTransformer clash = new FaceDeblurTransformer().setErrorCol("deblurred");
        assertThatThrownBy(() -> clash.transformSchema(FILES)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("errorCol");
        StructType notImage = new StructType().add("content", new StructType().add("width", DataTypes.IntegerType));
        assertThatThrownBy(() -> t.transformSchema(notImage)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void configurationErrorsFailOnTheDriverBeforeAnyTask() {
        Dataset<Row> faces = SparkFaces.spark().createDataFrame(List.of(), FILES);
        long jobsBefore = SparkFaces.spark().sparkContext().statusTracker().getJobIdsForGroup(null).length;
        assertThatThrownBy(() -> new FaceDeblurTransformer().setBackend("tensorflow").transform(faces))
                .isInstanceOf(BackendUnavailableException.class)
                .hasMessageContaining("Unknown SMFD backend 'tensorflow'").hasMessageContaining("onnx (available)");
        assertThatThrownBy(() -> new FaceDeblurTransformer().setModelPath("/no/such/model.onnx").transform(faces))
                .isInstanceOf(ModelException.class).hasMessageContaining("/no/such/model.onnx")
                .satisfies(e -> assertThat(((SmfdException) e).reason()).isEqualTo(SmfdException.Reason.MODEL_NOT_FOUND));
        assertThat(SparkFaces.spark().sparkContext().statusTracker().getJobIdsForGroup(null).length)
                .as("Spark jobs started").isEqualTo(jobsBefore);
    }

    @Test
    void pipelineWithTheTransformerRoundTripsThroughSaveAndLoad(@TempDir Path dir) throws IOException {
        FaceDeblurTransformer t = new FaceDeblurTransformer().setInputCol("content").setOutputCol("sharp")
                .setAssessmentCol("assessment").setErrorCol("why").setMillisCol("t").setBackend("onnx")
                .setThreadsPerExecutor(2).setSharpFaces("deblur").setPassThroughBelow(0.25).setOutputFormat("bmp");
        Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {t});
        pipeline.write().overwrite().save(dir.resolve("pipeline").toString());
        Pipeline loadedPipeline = Pipeline.load(dir.resolve("pipeline").toString());
        assertSameParams((FaceDeblurTransformer) loadedPipeline.getStages()[0], t);

        Dataset<Row> faces = SparkFaces.frame(SparkFaces.degradedRows(50, 2), 1);
        PipelineModel model = pipeline.fit(faces);
        model.write().overwrite().save(dir.resolve("model").toString());
        PipelineModel loaded = PipelineModel.load(dir.resolve("model").toString());
        FaceDeblurTransformer stage = (FaceDeblurTransformer) loaded.stages()[0];
        assertSameParams(stage, t);

        List<Row> a = model.transform(faces).orderBy("name").select("name", "sharp", "why").collectAsList();
        List<Row> b = loaded.transform(faces).orderBy("name").select("name", "sharp", "why").collectAsList();
        assertThat(b).hasSize(2);
        for (int i = 0; i < 2; i++) {
            assertThat(b.get(i).isNullAt(2)).isTrue();
            assertThat((byte[]) b.get(i).get(1)).startsWith('B', 'M').isEqualTo((byte[]) a.get(i).get(1));
        }

        t.save(dir.resolve("stage").toString());
        assertSameParams(FaceDeblurTransformer.load(dir.resolve("stage").toString()), t);
    }

    private static void assertSameParams(FaceDeblurTransformer loaded, FaceDeblurTransformer t) {
        assertThat(loaded.uid()).isEqualTo(t.uid());
        assertThat(loaded.getOutputCol()).isEqualTo("sharp");
        assertThat(loaded.getAssessmentCol()).isEqualTo("assessment");
        assertThat(loaded.getErrorCol()).isEqualTo("why");
        assertThat(loaded.getMillisCol()).isEqualTo("t");
        assertThat(loaded.getBackend()).isEqualTo("onnx");
        assertThat(loaded.getThreadsPerExecutor()).isEqualTo(2);
        assertThat(loaded.getSharpFaces()).isEqualTo("deblur");
        assertThat(loaded.getPassThroughBelow()).isEqualTo(0.25);
        assertThat(loaded.getOutputFormat()).isEqualTo("bmp");
        assertThat(loaded.getModelPath()).isEmpty();
        assertThat(loaded.settings()).isEqualTo(t.settings());
    }
}
