package io.smfd.spark;

import io.smfd.BackendUnavailableException;
import io.smfd.ModelException;
import io.smfd.SharpFacePolicy;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import scala.Function1;

/**
 * A Spark ML {@link Transformer} that deblurs aligned face crops with SMFD.
 *
 * <pre>{@code
 * Dataset<Row> faces = spark.read().format("binaryFile").load("/data/faces/*.jpg");
 * Dataset<Row> out = new FaceDeblurTransformer()
 *         .setInputCol("content").setOutputCol("deblurred").setAssessmentCol("assessment")
 *         .transform(faces);     // + deblurred (PNG bytes), assessment, deblurError
 * }</pre>
 *
 * <p><b>Columns.</b> {@code inputCol} (default {@code content}) holds encoded image bytes, as from the
 * {@code binaryFile} source (any format an ImageIO reader on the class path decodes), or an image struct of
 * the {@code image} source. Added: {@code outputCol} (default {@code deblurred}, binary: the result encoded in
 * {@code outputFormat}, PNG by default), {@code assessmentCol} if set (struct {@code severity}, {@code extentPixels},
 * {@code needsDeblurring}, {@code deblurred}: see {@link io.smfd.BlurAssessment}), {@code errorCol} (default
 * {@code deblurError}, string) and {@code millisCol} if set (double: milliseconds spent on the row).
 *
 * <p><b>Bad rows do not fail the job.</b> A null, unreadable, corrupt, truncated or wrongly sized image gives a
 * null output (and assessment) and the reason in {@code errorCol}, starting with the SMFD reason code, e.g.
 * {@code "UNSUPPORTED_IMAGE_SIZE: Unsupported image size 8x8: ..."}; {@code errorCol} is null on success.
 * Configuration errors fail fast on the driver, in {@link #transform(Dataset)}, before any task runs: an unknown
 * or unusable {@code backend} ({@link BackendUnavailableException}), a missing {@code modelPath}
 * ({@link ModelException}); bad param values are rejected when set, bad columns by {@link #transformSchema}.
 *
 * <p><b>Executors.</b> Each executor JVM opens one {@link io.smfd.Deblurrer} per distinct setting of
 * {@code backend}, {@code threadsPerExecutor}, {@code sharpFaces}, {@code passThroughBelow} and {@code modelPath},
 * lazily at its first
 * row, shares it between its tasks and closes it when the JVM exits. Task closures carry those settings only,
 * never model bytes. The backend is whichever SMFD runtime jar the job ships ({@code smfd-runtime-onnx} or
 * {@code smfd-runtime-cpu}), chosen as by {@link io.smfd.Deblurrer#create()} unless {@code backend} names one.
 * Rows are deblurred one by one with {@link io.smfd.Deblurrer#deblur}: outputs are bit-identical to a plain
 * deblurrer's with the same settings.
 *
 * <p><b>Persistence.</b> Saves and loads with a {@link org.apache.spark.ml.Pipeline} ({@code DefaultParamsWritable},
 * {@link #read()}, {@link #load(String)}); from PySpark it is reachable by class name
 * {@code io.smfd.spark.FaceDeblurTransformer} (a {@code JavaTransformer} wrapper with the same param names).
 *
 * <p>A transformer instance is a mutable holder of params like every Spark ML stage; transforming is safe from
 * any thread once configured.
 */
public final class FaceDeblurTransformer extends Transformer implements DefaultParamsWritable {

    private static final long serialVersionUID = 1L;

    private static final List<String> POLICIES = Arrays.asList("pass_through", "deblur");

    private final String uid;
    private final Param<String> inputCol;
    private final Param<String> outputCol;
    private final Param<String> assessmentCol;
    private final Param<String> errorCol;
    private final Param<String> millisCol;
    private final Param<String> backend;
    private final IntParam threadsPerExecutor;
    private final Param<String> sharpFaces;
    private final DoubleParam passThroughBelow;
    private final Param<String> outputFormat;
    private final Param<String> modelPath;

    /** Creates a transformer with a random uid and the default params. */
    public FaceDeblurTransformer() {
        this(Identifiable$.MODULE$.randomUID("faceDeblur"));
    }

    /**
     * Creates a transformer with the given uid and the default params (used when loading a saved pipeline).
     *
     * @param uid the uid
     */
    public FaceDeblurTransformer(String uid) {
        this.uid = uid;
        inputCol = new Param<>(this, "inputCol",
                "input column: encoded image bytes (binaryFile's content) or an image struct (image source)",
                columnName());
        outputCol = new Param<>(this, "outputCol", "output column: the deblurred face, encoded in outputFormat",
                columnName());
        assessmentCol = new Param<>(this, "assessmentCol",
                "optional output column: struct of severity, extentPixels, needsDeblurring, deblurred", optionalName());
        errorCol = new Param<>(this, "errorCol", "output column: why a row failed (null on success)", columnName());
        millisCol = new Param<>(this, "millisCol",
                "optional output column: milliseconds spent on the row (decode, deblur, encode)", optionalName());
        backend = new Param<>(this, "backend",
                "SMFD backend: 'auto' (as Deblurrer.create(): -Dsmfd.backend, else the best available), 'onnx', 'cpu', ...",
                nonBlank());
        threadsPerExecutor = new IntParam(this, "threadsPerExecutor",
                "intra-op threads of the one deblurrer each executor shares between its tasks (>= 1)",
                ParamValidators.gtEq(1));
        sharpFaces = new Param<>(this, "sharpFaces",
                "what to do with faces the assessment finds sharp: pass_through (unchanged, bit-exact) or deblur",
                policyName());
        passThroughBelow = new DoubleParam(this, "passThroughBelow",
                "with sharpFaces=pass_through: the blur severity below which a face is returned unchanged, in [0, 1]"
                        + " (default 0.5; lower deblurs more mildly blurred faces and more sharp ones, see"
                        + " Deblurrer.Builder.passThroughBelow)", ParamValidators.inRange(0, 1));
        outputFormat = new Param<>(this, "outputFormat",
                "ImageIO format of outputCol that stores RGB: png (default), jpeg, bmp, ...", rgbFormat());
        modelPath = new Param<>(this, "modelPath",
                "optional SMFD-UNet .onnx file replacing the bundled model: a path on every node, or the name of a"
                        + " file shipped with --files / SparkContext.addFile", (Function1<String, Object> & Serializable) v -> v != null);
        setDefault(inputCol, "content");
        setDefault(outputCol, "deblurred");
        setDefault(assessmentCol, "");
        setDefault(errorCol, "deblurError");
        setDefault(millisCol, "");
        setDefault(backend, DeblurSettings.AUTO);
        setDefault(threadsPerExecutor, 1);
        setDefault(sharpFaces, "pass_through");
        setDefault(passThroughBelow, io.smfd.BlurAssessment.THRESHOLD);
        setDefault(outputFormat, "png");
        setDefault(modelPath, "");
    }

    private static Function1<String, Object> columnName() {
        return (Function1<String, Object> & Serializable) v -> v != null && !v.isBlank();
    }

    private static Function1<String, Object> optionalName() {
        return (Function1<String, Object> & Serializable) v -> v != null;
    }

    private static Function1<String, Object> nonBlank() {
        return (Function1<String, Object> & Serializable) v -> v != null && !v.isBlank();
    }

    private static Function1<String, Object> policyName() {
        return (Function1<String, Object> & Serializable) v -> v != null && POLICIES.contains(v.toLowerCase(Locale.ROOT));
    }

    private static Function1<String, Object> rgbFormat() {
        return (Function1<String, Object> & Serializable) v -> v != null && !v.isBlank() && ImageCodec.writesRgb(v);
    }

    @Override
    public String uid() {
        return uid;
    }

    // ---- params (a public no-argument method per param: Spark ML finds params by reflection) ----

    /** @return the input column param */
    public Param<String> inputCol() {
        return inputCol;
    }

    /** @return the output column param */
    public Param<String> outputCol() {
        return outputCol;
    }

    /** @return the assessment column param (empty = no such column) */
    public Param<String> assessmentCol() {
        return assessmentCol;
    }

    /** @return the error column param */
    public Param<String> errorCol() {
        return errorCol;
    }

    /** @return the milliseconds column param (empty = no such column) */
    public Param<String> millisCol() {
        return millisCol;
    }

    /** @return the backend param */
    public Param<String> backend() {
        return backend;
    }

    /** @return the threads-per-executor param */
    public IntParam threadsPerExecutor() {
        return threadsPerExecutor;
    }

    /** @return the sharp-faces policy param */
    public Param<String> sharpFaces() {
        return sharpFaces;
    }

    /** @return the pass-through line param */
    public DoubleParam passThroughBelow() {
        return passThroughBelow;
    }

    /** @return the output format param */
    public Param<String> outputFormat() {
        return outputFormat;
    }

    /** @return the model path param (empty = bundled model) */
    public Param<String> modelPath() {
        return modelPath;
    }

    /**
     * @param v column of encoded image bytes or image structs (default {@code content})
     * @return this
     */
    public FaceDeblurTransformer setInputCol(String v) {
        set(inputCol, v);
        return this;
    }

    /**
     * @param v column for the encoded result (default {@code deblurred})
     * @return this
     */
    public FaceDeblurTransformer setOutputCol(String v) {
        set(outputCol, v);
        return this;
    }

    /**
     * @param v column for the assessment struct; empty (the default) for none
     * @return this
     */
    public FaceDeblurTransformer setAssessmentCol(String v) {
        set(assessmentCol, v);
        return this;
    }

    /**
     * @param v column for the failure reason (default {@code deblurError})
     * @return this
     */
    public FaceDeblurTransformer setErrorCol(String v) {
        set(errorCol, v);
        return this;
    }

    /**
     * @param v column for the milliseconds spent per row; empty (the default) for none
     * @return this
     */
    public FaceDeblurTransformer setMillisCol(String v) {
        set(millisCol, v);
        return this;
    }

    /**
     * @param v backend name: {@code auto} (default), {@code onnx}, {@code cpu}, ...
     * @return this
     */
    public FaceDeblurTransformer setBackend(String v) {
        set(backend, v);
        return this;
    }

    /**
     * @param v intra-op threads of each executor's deblurrer, at least 1 (default 1: Spark already runs one
     *          task per core)
     * @return this
     */
    public FaceDeblurTransformer setThreadsPerExecutor(int v) {
        set(threadsPerExecutor, v);
        return this;
    }

    /**
     * @param v {@code pass_through} (default) or {@code deblur}, case-insensitive
     * @return this
     */
    public FaceDeblurTransformer setSharpFaces(String v) {
        set(sharpFaces, v);
        return this;
    }

    /**
     * @param policy the sharp-faces policy
     * @return this
     */
    public FaceDeblurTransformer setSharpFaces(SharpFacePolicy policy) {
        return setSharpFaces(policy.name().toLowerCase(Locale.ROOT));
    }

    /**
     * @param v with {@code sharpFaces=pass_through}, the severity below which a face is returned unchanged, in
     *          [0, 1] (default {@value io.smfd.BlurAssessment#THRESHOLD}; see
     *          {@link io.smfd.Deblurrer.Builder#passThroughBelow(double)}); no effect with {@code deblur}
     * @return this
     */
    public FaceDeblurTransformer setPassThroughBelow(double v) {
        set(passThroughBelow, v);
        return this;
    }

    /**
     * @param v ImageIO format name that stores RGB (default {@code png})
     * @return this
     */
    public FaceDeblurTransformer setOutputFormat(String v) {
        set(outputFormat, v);
        return this;
    }

    /**
     * @param v SMFD-UNet {@code .onnx} file (a path on every node, or a file name shipped with the job); empty
     *          (the default) for the bundled model
     * @return this
     */
    public FaceDeblurTransformer setModelPath(String v) {
        set(modelPath, v);
        return this;
    }

    /** @return the input column */
    public String getInputCol() {
        return getOrDefault(inputCol);
    }

    /** @return the output column */
    public String getOutputCol() {
        return getOrDefault(outputCol);
    }

    /** @return the assessment column, empty for none */
    public String getAssessmentCol() {
        return getOrDefault(assessmentCol);
    }

    /** @return the error column */
    public String getErrorCol() {
        return getOrDefault(errorCol);
    }

    /** @return the milliseconds column, empty for none */
    public String getMillisCol() {
        return getOrDefault(millisCol);
    }

    /** @return the backend name */
    public String getBackend() {
        return getOrDefault(backend);
    }

    /** @return the intra-op threads of each executor's deblurrer */
    public int getThreadsPerExecutor() {
        return (Integer) getOrDefault(threadsPerExecutor);
    }

    /** @return the sharp-faces policy name, lower case */
    public String getSharpFaces() {
        return getOrDefault(sharpFaces).toLowerCase(Locale.ROOT);
    }

    /** @return the pass-through line */
    public double getPassThroughBelow() {
        return (Double) getOrDefault(passThroughBelow);
    }

    /** @return the output format */
    public String getOutputFormat() {
        return getOrDefault(outputFormat).toLowerCase(Locale.ROOT);
    }

    /** @return the model path, empty for the bundled model */
    public String getModelPath() {
        return getOrDefault(modelPath);
    }

    // ---- schema and transform ----

    /** The assessment struct's type. */
    static final StructType ASSESSMENT_TYPE = new StructType(new StructField[] {
        new StructField("severity", DataTypes.DoubleType, false, Metadata.empty()),
        new StructField("extentPixels", DataTypes.DoubleType, false, Metadata.empty()),
        new StructField("needsDeblurring", DataTypes.BooleanType, false, Metadata.empty()),
        new StructField("deblurred", DataTypes.BooleanType, false, Metadata.empty()),
    });

    /**
     * Checks the params and the input column and returns the output schema (the input's columns, then
     * {@code outputCol}, {@code assessmentCol} if set, {@code errorCol}, {@code millisCol} if set).
     *
     * @param schema the input schema
     * @return the output schema
     * @throws IllegalArgumentException if the input column is missing or of another type, an output column
     *                                  already exists or two output columns share a name, or a param is invalid
     */
    @Override
    public StructType transformSchema(StructType schema) {
        String in = getInputCol();
        if (!Arrays.asList(schema.fieldNames()).contains(in)) {
            throw new IllegalArgumentException("Input column '" + in + "' (param inputCol) does not exist; columns: "
                    + String.join(", ", schema.fieldNames()));
        }
        DataType type = schema.apply(in).dataType();
        if (!type.equals(DataTypes.BinaryType) && !isImageStruct(type)) {
            throw new IllegalArgumentException("Input column '" + in + "' must hold encoded image bytes (binary, as"
                    + " from the binaryFile source) or an image struct (the image source), but is "
                    + type.simpleString());
        }
        if (!ImageCodec.writesRgb(getOutputFormat())) {
            throw new IllegalArgumentException("outputFormat '" + getOutputFormat() + "' has no ImageIO writer that"
                    + " stores RGB; available: " + String.join(", ", ImageCodec.rgbWriterFormats()));
        }
        if (!POLICIES.contains(getSharpFaces())) {
            throw new IllegalArgumentException("sharpFaces must be pass_through or deblur, got " + getSharpFaces());
        }
        List<StructField> fields = new ArrayList<>(Arrays.asList(schema.fields()));
        Set<String> names = new HashSet<>(Arrays.asList(schema.fieldNames()));
        add(fields, names, "outputCol", getOutputCol(), DataTypes.BinaryType);
        if (!getAssessmentCol().isEmpty()) {
            add(fields, names, "assessmentCol", getAssessmentCol(), ASSESSMENT_TYPE);
        }
        add(fields, names, "errorCol", getErrorCol(), DataTypes.StringType);
        if (!getMillisCol().isEmpty()) {
            add(fields, names, "millisCol", getMillisCol(), DataTypes.DoubleType);
        }
        return new StructType(fields.toArray(new StructField[0]));
    }

    private static void add(List<StructField> fields, Set<String> names, String param, String name, DataType type) {
        if (!names.add(name)) {
            throw new IllegalArgumentException("Output column '" + name + "' (param " + param
                    + ") already exists or is used by another output param; choose another name");
        }
        fields.add(new StructField(name, type, true, Metadata.empty()));
    }

    /** Whether {@code type} is (a superset of) the {@code image} source's struct. */
    static boolean isImageStruct(DataType type) {
        if (!(type instanceof StructType)) {
            return false;
        }
        StructType s = (StructType) type;
        List<String> f = Arrays.asList(s.fieldNames());
        return f.containsAll(List.of("height", "width", "nChannels", "mode", "data"))
                && s.apply("height").dataType().equals(DataTypes.IntegerType)
                && s.apply("width").dataType().equals(DataTypes.IntegerType)
                && s.apply("nChannels").dataType().equals(DataTypes.IntegerType)
                && s.apply("mode").dataType().equals(DataTypes.IntegerType)
                && s.apply("data").dataType().equals(DataTypes.BinaryType);
    }

    /** The executor settings these params describe. */
    DeblurSettings settings() {
        return new DeblurSettings(getBackend(), getThreadsPerExecutor(),
                SharpFacePolicy.valueOf(getSharpFaces().toUpperCase(Locale.ROOT)), getPassThroughBelow(), getModelPath());
    }

    /**
     * Adds the output columns (lazily, like every transformation). Checks on the driver first, before any task:
     * the schema and params ({@link #transformSchema}), that the backend is on the class path and can run, and
     * that the model file exists.
     *
     * @param dataset the input (batch or streaming)
     * @return the input's rows with the added columns
     * @throws IllegalArgumentException    see {@link #transformSchema}
     * @throws BackendUnavailableException if {@code backend} is unknown or cannot run (or, for {@code auto}, no
     *                                     SMFD runtime is on the class path)
     * @throws ModelException              {@code MODEL_NOT_FOUND} if {@code modelPath} names no file
     */
    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        StructType in = dataset.schema();
        StructType out = transformSchema(in);
        DeblurSettings settings = settings();
        settings.checkOnDriver();
        int index = in.fieldIndex(getInputCol());
        DataType type = in.apply(index).dataType();
        int[] imageFields = null;
        if (isImageStruct(type)) {
            StructType s = (StructType) type;
            imageFields = new int[] {s.fieldIndex("height"), s.fieldIndex("width"), s.fieldIndex("nChannels"),
                s.fieldIndex("mode"), s.fieldIndex("data")};
        }
        DeblurPartition fn = new DeblurPartition(settings, index, imageFields, getOutputFormat(),
                !getAssessmentCol().isEmpty(), !getMillisCol().isEmpty());
        return dataset.toDF().mapPartitions(fn, Encoders.row(out));
    }

    @Override
    public FaceDeblurTransformer copy(ParamMap extra) {
        return defaultCopy(extra);
    }

    /**
     * Returns the reader that loads a saved transformer.
     *
     * @return a reader
     */
    public static MLReader<FaceDeblurTransformer> read() {
        return new DefaultParamsReader<>();
    }

    /**
     * Loads a transformer saved with {@code save(path)}.
     *
     * @param path the directory
     * @return the transformer
     */
    public static FaceDeblurTransformer load(String path) {
        return read().load(path);
    }
}
