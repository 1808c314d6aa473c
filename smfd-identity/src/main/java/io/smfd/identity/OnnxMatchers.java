package io.smfd.identity;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.io.InputStream;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What both ONNX matchers ({@link FaceDescriptor}, {@link MobileFace}) do the same way: load a bundled model
 * checked against its metadata's SHA-256, run it on packed chips under a read lock, and close it once running calls
 * have finished. Thread-safe.
 */
final class OnnxMatchers implements AutoCloseable {

    private final OrtEnvironment env;
    private final OrtSession session;
    private final OrtSession.SessionOptions options;
    private final String sha256;
    private final Names names;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private boolean closed;

    /**
     * How a matcher's model is found and named.
     *
     * @param modelResource    classpath resource of the ONNX model
     * @param metadataResource classpath resource of its metadata (top-level {@code sha256})
     * @param input            the model's input name
     * @param output           the model's output name
     * @param dimension        embedding length
     * @param model            the model's name in messages ("face descriptor", "mobileface")
     * @param runName          the model's name after "failed to run" ("the face descriptor", "mobileface")
     * @param owner            the matcher class's simple name ("is closed" messages)
     */
    record Names(String modelResource, String metadataResource, String input, String output, int dimension,
            String model, String runName, String owner) {
    }

    private OnnxMatchers(OrtEnvironment env, OrtSession session, OrtSession.SessionOptions options, String sha256,
            Names names) {
        this.env = env;
        this.session = session;
        this.options = options;
        this.sha256 = sha256;
        this.names = names;
    }

    /**
     * Loads a bundled matcher model.
     *
     * @param threads ONNX Runtime intra-op threads (at least 1)
     * @return the loaded session; close it
     * @throws IllegalArgumentException if {@code threads < 1}
     * @throws IllegalStateException    if the resource is missing or corrupt (SHA-256 differs from the metadata),
     *                                  lacks the expected input/output, or ONNX Runtime cannot load it
     */
    static OnnxMatchers load(Names names, int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        byte[] model = resource(names.modelResource());
        String expected = expectedSha256(
                new String(resource(names.metadataResource()), StandardCharsets.UTF_8),
                names.metadataResource());
        String actual = sha256(model);
        if (!actual.equals(expected)) {
            throw new IllegalStateException(names.model() + " model " + names.modelResource() + " has SHA-256 "
                    + actual + ", but " + names.metadataResource() + " says " + expected
                    + ": the resource is corrupt or mismatched");
        }
        // the same logging level and name as smfd-runtime-onnx, so whichever creates the process-wide
        // environment first, the other gets it without ORT's "tried to change ... name" warning
        OrtEnvironment env = OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR, "smfd");
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        try {
            options.setIntraOpNumThreads(threads);
            options.setInterOpNumThreads(1);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            // evaluation shares the CPU with the deblurrer: no busy-waiting between ops
            options.addConfigEntry("session.intra_op.allow_spinning", "0");
            OrtSession session = env.createSession(model, options);
            if (!session.getInputNames().contains(names.input()) || !session.getOutputNames().contains(names.output())) {
                String io = session.getInputNames() + " -> " + session.getOutputNames();
                session.close();
                throw new IllegalStateException(names.model() + " model has inputs/outputs " + io + ", expected ["
                        + names.input() + "] -> [" + names.output() + "]");
            }
            return new OnnxMatchers(env, session, options, actual, names);
        } catch (OrtException e) {
            options.close();
            throw new IllegalStateException("ONNX Runtime cannot load the " + names.model() + " model "
                    + names.modelResource() + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            options.close();
            throw e;
        }
    }

    /** The SHA-256 of the loaded ONNX file, lower-case hex. */
    String sha256() {
        return sha256;
    }

    /**
     * Runs the session on {@code n} packed chips and reads its {@code [n, dimension]} output.
     *
     * @param shape the input tensor's shape
     * @return one embedding per chip
     * @throws IllegalStateException if closed, if ONNX Runtime fails, or the output is missing or of another shape
     */
    float[][] embed(float[] chips, long[] shape, int n) {
        lock.readLock().lock();
        try {
            if (closed) {
                throw new IllegalStateException(names.owner() + " is closed");
            }
            return run(chips, shape, n);
        } finally {
            lock.readLock().unlock();
        }
    }

    private float[][] run(float[] chips, long[] shape, int n) {
        String model = names.model();
        String outputName = names.output();
        int dimension = names.dimension();
        try (OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(chips), shape);
             OrtSession.Result result = session.run(Map.of(names.input(), input))) {
            Optional<OnnxValue> value = result.get(outputName);
            if (value.isEmpty() || !(value.get() instanceof OnnxTensor t)) {
                throw new IllegalStateException(model + " model returned no tensor '" + outputName + "'");
            }
            long[] got = t.getInfo().getShape();
            if (!Arrays.equals(got, new long[] {n, dimension})) {
                throw new IllegalStateException(model + " model returned shape " + Arrays.toString(got)
                        + ", expected [" + n + ", " + dimension + "]");
            }
            FloatBuffer fb = t.getFloatBuffer();
            float[][] out = new float[n][dimension];
            for (int i = 0; i < n; i++) {
                fb.get(out[i]);
            }
            return out;
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed to run " + names.runName() + " on " + n + " chips: "
                    + e.getMessage(), e);
        }
    }

    /** Closes the ONNX Runtime session, after running calls finish. Idempotent. */
    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            try {
                session.close();
            } catch (OrtException e) {
                throw new IllegalStateException("closing the " + names.model() + " session failed: " + e.getMessage(),
                        e);
            } finally {
                options.close();
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    /**
     * A crop box {@code {left, top, right, bottom}} given for a 256x256 face, scaled to a face of this size: each coordinate times {@code W / 256}
     * or {@code H / 256}, rounded to the nearest integer (half up).
     *
     * @throws IllegalArgumentException if a side is below 1
     */
    static int[] scaleBox(int left, int top, int right, int bottom, int width, int height) {
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("face size must be positive, got " + width + "x" + height);
        }
        return new int[] {
            (int) Math.floor(left * (double) width / 256 + 0.5),
            (int) Math.floor(top * (double) height / 256 + 0.5),
            (int) Math.floor(right * (double) width / 256 + 0.5),
            (int) Math.floor(bottom * (double) height / 256 + 0.5)};
    }

    static byte[] resource(String name) {
        try (InputStream in = OnnxMatchers.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("resource " + name + " is not on the class path"
                        + " (it ships in smfd-identity's jar)");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read resource " + name + ": " + e.getMessage(), e);
        }
    }

    static String expectedSha256(String metadataJson, String resourceName) {
        Matcher m = Pattern.compile("\"sha256\"\\s*:\\s*\"([0-9a-f]{64})\"").matcher(metadataJson);
        if (!m.find()) {
            throw new IllegalStateException(resourceName + " has no top-level \"sha256\"");
        }
        return m.group(1);
    }

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }
}
