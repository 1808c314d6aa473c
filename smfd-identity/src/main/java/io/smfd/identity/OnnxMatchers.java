package io.smfd.identity;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import io.smfd.FaceImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What both ONNX matchers ({@link FaceDescriptor}, {@link MobileFace}) do the same way: load a bundled model
 * checked against its metadata's SHA-256, check and pack chips, run the model on them under a read lock, and close
 * it once running calls have finished. Thread-safe.
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
     * How a matcher's model is found and named, and the chips it reads.
     *
     * @param modelResource    classpath resource of the ONNX model
     * @param metadataResource classpath resource of its metadata (top-level {@code sha256})
     * @param input            the model's input name
     * @param output           the model's output name
     * @param dimension        embedding length
     * @param model            the model's name in messages ("face descriptor", "mobileface")
     * @param runName          the model's name after "failed to run" ("the face descriptor", "mobileface")
     * @param owner            the matcher class's simple name ("is closed" messages)
     * @param chipSize         side of the square RGB chip the net reads
     * @param planar           {@code true}: NCHW chips, RGB in [0, 1] ({@code pixel / 255}); {@code false}: NHWC
     *                         chips, RGB in [0, 255]
     */
    record Names(String modelResource, String metadataResource, String input, String output, int dimension,
            String model, String runName, String owner, int chipSize, boolean planar) {

        /** Floats per chip. */
        int chipFloats() {
            return 3 * chipSize * chipSize;
        }

        /** The input tensor's shape for {@code n} chips. */
        long[] shape(int n) {
            return planar ? new long[] {n, 3, chipSize, chipSize} : new long[] {n, chipSize, chipSize, 3};
        }

        /** Writes an interleaved 8-bit RGB chip as the net's floats (planar {@code / 255}, or as is) at offset. */
        void chipTensor(byte[] rgb, float[] out, int offset) {
            if (planar) {
                int n = chipSize * chipSize;
                for (int i = 0; i < n; i++) {
                    out[offset + i] = (rgb[3 * i] & 0xFF) / 255f;
                    out[offset + n + i] = (rgb[3 * i + 1] & 0xFF) / 255f;
                    out[offset + 2 * n + i] = (rgb[3 * i + 2] & 0xFF) / 255f;
                }
            } else {
                int n = chipFloats();
                for (int k = 0; k < n; k++) {
                    out[offset + k] = rgb[k] & 0xFF;
                }
            }
        }

        /**
         * Checks ready chips: {@code n >= 1}, {@code n} chips' worth of floats, every value in range.
         *
         * @throws NullPointerException     if {@code chips} is null
         * @throws IllegalArgumentException naming the count, or the chip, pixel and channel of the first bad value
         */
        void checkChips(float[] chips, int n) {
            Objects.requireNonNull(chips, "chips");
            if (n < 1) {
                throw new IllegalArgumentException("n must be >= 1, got " + n);
            }
            int per = chipFloats();
            if (chips.length != (long) n * per) {
                String layout = planar ? "3 x " + chipSize + " x " + chipSize : chipSize + " x " + chipSize + " x 3";
                throw new IllegalArgumentException("chips has " + chips.length + " values, expected n x " + layout
                        + " = " + ((long) n * per));
            }
            float max = planar ? 1f : 255f;
            for (int i = 0; i < chips.length; i++) {
                float v = chips[i];
                if (!(v >= 0f && v <= max)) {
                    int c = i / per;
                    int r = i % per;
                    throw new IllegalArgumentException(planar
                            ? "chip " + c + " channel " + (r / (chipSize * chipSize)) + " pixel (" + (r % chipSize)
                                    + ", " + (r / chipSize % chipSize) + ") is " + v + ", expected RGB in [0, 1]"
                            : "chip " + c + " pixel (" + (r / 3 % chipSize) + ", " + (r / 3 / chipSize) + ") channel "
                                    + (r % 3) + " is " + v + ", expected RGB in [0, 255]");
                }
            }
        }
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
     * Frames each face into a chip and runs the net on them as one batch.
     *
     * @param faces the faces
     * @param what  the argument's name in messages ("alignedFaces", "crops")
     * @param chip  a face's chip as interleaved 8-bit RGB, {@code chipSize x chipSize}
     * @return one embedding per face, in order
     * @throws NullPointerException     if the list or an element is null
     * @throws IllegalArgumentException if the list is empty
     * @throws IllegalStateException    if closed, or if ONNX Runtime fails
     */
    float[][] embedFaces(List<FaceImage> faces, String what, Function<FaceImage, byte[]> chip) {
        Objects.requireNonNull(faces, what);
        if (faces.isEmpty()) {
            throw new IllegalArgumentException(what + " is empty");
        }
        int per = names.chipFloats();
        float[] chips = new float[faces.size() * per];
        for (int i = 0; i < faces.size(); i++) {
            FaceImage f = Objects.requireNonNull(faces.get(i), what + "[" + i + "]");
            names.chipTensor(chip.apply(f), chips, i * per);
        }
        return embed(chips, faces.size());
    }

    /**
     * Checks ready chips ({@link Names#checkChips}) and runs the net on them.
     *
     * @throws NullPointerException     if {@code chips} is null
     * @throws IllegalArgumentException if {@code n < 1}, the length is not {@code n} chips, or a value is out of range
     * @throws IllegalStateException    if closed, or if ONNX Runtime fails
     */
    float[][] embedChips(float[] chips, int n) {
        names.checkChips(chips, n);
        return embed(chips, n);
    }

    /**
     * Runs the session on {@code n} packed chips and reads its {@code [n, dimension]} output.
     *
     * @return one embedding per chip
     * @throws IllegalStateException if closed, if ONNX Runtime fails, or the output is missing or of another shape
     */
    private float[][] embed(float[] chips, int n) {
        lock.readLock().lock();
        try {
            if (closed) {
                throw new IllegalStateException(names.owner() + " is closed");
            }
            return run(chips, names.shape(n), n);
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

    /**
     * Cuts {@code box} ({@code {left, top, right, bottom}}, right and bottom exclusive) out of a face rounded to 8 bits
     * and resizes it to {@code size x size} with Pillow's bilinear filter ({@link PillowResize}).
     *
     * @return interleaved 8-bit RGB
     */
    static byte[] cropResize(FaceImage face, int[] box, int size) {
        int w = face.width();
        int bw = box[2] - box[0];
        int bh = box[3] - box[1];
        byte[] rgb = face.toRgbBytes();
        byte[] crop = new byte[bw * bh * 3];
        for (int y = 0; y < bh; y++) {
            System.arraycopy(rgb, ((y + box[1]) * w + box[0]) * 3, crop, y * bw * 3, bw * 3);
        }
        return PillowResize.resizeRgb(crop, bw, bh, size, size);
    }

    /**
     * Checks two vectors before a distance.
     *
     * @param kind what they are in messages ("descriptor", "embedding")
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException if the lengths differ
     */
    static void checkPair(float[] a, float[] b, String kind) {
        Objects.requireNonNull(a, "a");
        Objects.requireNonNull(b, "b");
        if (a.length != b.length) {
            throw new IllegalArgumentException(kind + " lengths differ: " + a.length + " vs " + b.length);
        }
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
