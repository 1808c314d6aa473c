package io.smfd.identity;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import io.smfd.FaceImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A 128-D face descriptor for measuring identity: the dlib ResNet face descriptor
 * ({@code dlib_face_recognition_resnet_model_v1}, public domain) with the weights of the npm package
 * {@code @vladmandic/face-api} 1.7.15 (MIT), converted to ONNX by {@code training/convert_face_descriptor.py}
 * and bundled as the resource {@value #MODEL_RESOURCE} (provenance and licences in {@code NOTICE.md} beside it;
 * conversion, framing and cost in {@code training/FACE_DESCRIPTOR.md}). It runs on ONNX Runtime (CPU).
 *
 * <p>Two faces are the same person when the Euclidean {@link #distance} of their descriptors is below
 * {@value #SAME_PERSON_THRESHOLD} (dlib's threshold); descriptors are not L2-normalised.
 *
 * <p><b>Framing.</b> The net wants a tight 150x150 chip (eyes to chin). {@link #chip(FaceImage)} cuts it from
 * an aligned face exactly as PIL's {@code img.crop((38, 64, 217, 243)).resize((150, 150), Image.BILINEAR)}
 * does for a 256x256 CelebA-HQ-style face (Pillow's antialiased bilinear resample, 8-bit rounding after each
 * pass; see {@link PillowResize}). For other sizes the box is scaled per axis: {@link #cropBox(int, int)}
 * rounds {@code 38 W / 256}, {@code 64 H / 256}, {@code 217 W / 256} and {@code 243 H / 256} to the nearest
 * pixel. The box suits the CelebA-HQ alignment; other alignments need their own box.
 *
 * <p><b>Cost.</b> {@value #GFLOP_PER_CHIP} GFLOP per chip (convolutions and fc), 5.6 M parameters; about
 * 8-11 ms per chip on one CPU thread. Batch the chips ({@link #describeAll}, {@link #describeChips}).
 *
 * <p>Instances are thread-safe (the ONNX Runtime session is shared; {@link #close()} waits for running
 * calls) and must be closed. This class belongs to evaluation and examples, not to the SDK's runtime.
 */
public final class FaceDescriptor implements FaceMatcher {

    /** Classpath resource of the ONNX model. */
    public static final String MODEL_RESOURCE = "/io/smfd/identity/dlib/dlib-face-descriptor.onnx";
    /** Classpath resource of the model's metadata (its {@code sha256} is checked on load). */
    public static final String METADATA_RESOURCE = "/io/smfd/identity/dlib/dlib-face-descriptor.json";
    /** Side of the chip the net reads. */
    public static final int CHIP_SIZE = 150;
    /** Length of a descriptor. */
    public static final int DIMENSION = 128;
    /** Euclidean distance below which two descriptors count as the same person (dlib). */
    public static final double SAME_PERSON_THRESHOLD = 0.6;
    /** Floating-point operations per chip, in GFLOP (convolutions + fc, from {@code FACE_DESCRIPTOR.md}). */
    public static final double GFLOP_PER_CHIP = 0.542;
    /** The PIL crop box {left, top, right, bottom} (right and bottom exclusive) for a 256x256 face. */
    static final int[] BOX_256 = {38, 64, 217, 243};

    private static final String INPUT = "chip";
    private static final String OUTPUT = "descriptor";
    private static final int CHIP_FLOATS = 3 * CHIP_SIZE * CHIP_SIZE;

    private final OrtEnvironment env;
    private final OrtSession session;
    private final OrtSession.SessionOptions options;
    private final String sha256;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private boolean closed;

    private FaceDescriptor(OrtEnvironment env, OrtSession session, OrtSession.SessionOptions options, String sha256) {
        this.env = env;
        this.session = session;
        this.options = options;
        this.sha256 = sha256;
    }

    /**
     * Loads the bundled model with one intra-op thread.
     *
     * @return a new descriptor; close it
     * @throws IllegalStateException if the resource is missing or corrupt, or ONNX Runtime cannot load it
     */
    public static FaceDescriptor create() {
        return create(1);
    }

    /**
     * Loads the bundled model.
     *
     * @param threads ONNX Runtime intra-op threads (at least 1)
     * @return a new descriptor; close it
     * @throws IllegalArgumentException if {@code threads < 1}
     * @throws IllegalStateException    if the resource is missing or corrupt (SHA-256 differs from the
     *                                  metadata), or ONNX Runtime cannot load it
     */
    public static FaceDescriptor create(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        byte[] model = resource(MODEL_RESOURCE);
        String expected = expectedSha256(new String(resource(METADATA_RESOURCE), StandardCharsets.UTF_8));
        String actual = sha256(model);
        if (!actual.equals(expected)) {
            throw new IllegalStateException("face descriptor model " + MODEL_RESOURCE + " has SHA-256 " + actual
                    + ", but " + METADATA_RESOURCE + " says " + expected + ": the resource is corrupt or mismatched");
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
            if (!session.getInputNames().contains(INPUT) || !session.getOutputNames().contains(OUTPUT)) {
                String io = session.getInputNames() + " -> " + session.getOutputNames();
                session.close();
                throw new IllegalStateException("face descriptor model has inputs/outputs " + io + ", expected ["
                        + INPUT + "] -> [" + OUTPUT + "]");
            }
            return new FaceDescriptor(env, session, options, actual);
        } catch (OrtException e) {
            options.close();
            throw new IllegalStateException("ONNX Runtime cannot load the face descriptor model " + MODEL_RESOURCE
                    + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            options.close();
            throw e;
        }
    }

    @Override
    public String name() {
        return "dlib";
    }

    @Override
    public float[][] embedAligned(List<FaceImage> alignedFaces) {
        return describeAll(alignedFaces);
    }

    /**
     * {@inheritDoc} Here: each crop is resized whole to 150x150 (Pillow bilinear). The ArcFace box (144 px of a
     * 256 px face) is tighter than dlib's own (179 px), so distances from such chips are comparable with each
     * other but not with {@link #SAME_PERSON_THRESHOLD}, which belongs to dlib's framing.
     */
    @Override
    public float[][] embedArcFaceCrops(List<FaceImage> crops) {
        Objects.requireNonNull(crops, "crops");
        if (crops.isEmpty()) {
            throw new IllegalArgumentException("crops is empty");
        }
        float[] chips = new float[crops.size() * CHIP_FLOATS];
        for (int i = 0; i < crops.size(); i++) {
            FaceImage f = Objects.requireNonNull(crops.get(i), "crops[" + i + "]");
            chipTensor(PillowResize.resizeRgb(f.toRgbBytes(), f.width(), f.height(), CHIP_SIZE, CHIP_SIZE), chips,
                    i * CHIP_FLOATS);
        }
        return run(chips, crops.size());
    }

    @Override
    public double distanceOf(float[] a, float[] b) {
        return distance(a, b);
    }

    /**
     * The SHA-256 of the loaded ONNX file.
     *
     * @return lower-case hex
     */
    public String sha256() {
        return sha256;
    }

    /**
     * The descriptor of one aligned face: {@link #chip} then the net.
     *
     * @param alignedFace an aligned face crop (256x256 CelebA-HQ style; other sizes use the scaled box)
     * @return {@value #DIMENSION} floats
     * @throws NullPointerException  if {@code alignedFace} is null
     * @throws IllegalStateException if closed, or if ONNX Runtime fails
     */
    public float[] describe(FaceImage alignedFace) {
        Objects.requireNonNull(alignedFace, "alignedFace");
        return describeAll(List.of(alignedFace))[0];
    }

    /**
     * The descriptors of several aligned faces, run as one batch.
     *
     * @param alignedFaces aligned face crops (any sizes)
     * @return one descriptor per face, in order
     * @throws NullPointerException     if the list or an element is null
     * @throws IllegalArgumentException if the list is empty
     * @throws IllegalStateException    if closed, or if ONNX Runtime fails
     */
    public float[][] describeAll(List<FaceImage> alignedFaces) {
        Objects.requireNonNull(alignedFaces, "alignedFaces");
        if (alignedFaces.isEmpty()) {
            throw new IllegalArgumentException("alignedFaces is empty");
        }
        float[] chips = new float[alignedFaces.size() * CHIP_FLOATS];
        for (int i = 0; i < alignedFaces.size(); i++) {
            FaceImage f = Objects.requireNonNull(alignedFaces.get(i), "alignedFaces[" + i + "]");
            chipTensor(chipRgb(f), chips, i * CHIP_FLOATS);
        }
        return run(chips, alignedFaces.size());
    }

    /**
     * Runs the net on ready chips (the batch method for callers that frame faces themselves).
     *
     * @param chips {@code n x 3 x 150 x 150} floats, NCHW, RGB in [0, 1] ({@code pixel / 255})
     * @param n     number of chips, at least 1
     * @return {@code n} descriptors of {@value #DIMENSION} floats
     * @throws NullPointerException     if {@code chips} is null
     * @throws IllegalArgumentException if {@code n < 1}, the length is not {@code n * 3 * 150 * 150}, or a value
     *                                  is NaN or outside [0, 1]
     * @throws IllegalStateException    if closed, or if ONNX Runtime fails
     */
    public float[][] describeChips(float[] chips, int n) {
        Objects.requireNonNull(chips, "chips");
        if (n < 1) {
            throw new IllegalArgumentException("n must be >= 1, got " + n);
        }
        if (chips.length != (long) n * CHIP_FLOATS) {
            throw new IllegalArgumentException("chips has " + chips.length + " values, expected n x 3 x " + CHIP_SIZE
                    + " x " + CHIP_SIZE + " = " + ((long) n * CHIP_FLOATS));
        }
        for (int i = 0; i < chips.length; i++) {
            float v = chips[i];
            if (!(v >= 0f && v <= 1f)) {
                int c = i / CHIP_FLOATS;
                int r = i % CHIP_FLOATS;
                throw new IllegalArgumentException("chip " + c + " channel " + (r / (CHIP_SIZE * CHIP_SIZE)) + " pixel ("
                        + (r % CHIP_SIZE) + ", " + (r / CHIP_SIZE % CHIP_SIZE) + ") is " + v + ", expected RGB in [0, 1]");
            }
        }
        return run(chips, n);
    }

    private float[][] run(float[] chips, int n) {
        lock.readLock().lock();
        try {
            if (closed) {
                throw new IllegalStateException("FaceDescriptor is closed");
            }
            long[] shape = {n, 3, CHIP_SIZE, CHIP_SIZE};
            return OnnxMatchers.embed(env, session, INPUT, OUTPUT, chips, shape, n, DIMENSION, "face descriptor",
                    "the face descriptor");
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * The PIL crop box for an aligned face of this size: {@code {left, top, right, bottom}}, right and bottom
     * exclusive; {@code {38, 64, 217, 243}} for 256x256, else each coordinate scaled by {@code W / 256} or
     * {@code H / 256} and rounded to the nearest integer (half up).
     *
     * @param width  face width in pixels (at least 1)
     * @param height face height in pixels (at least 1)
     * @return the box
     * @throws IllegalArgumentException if a side is below 1
     */
    public static int[] cropBox(int width, int height) {
        return OnnxMatchers.scaleBox(BOX_256[0], BOX_256[1], BOX_256[2], BOX_256[3], width, height);
    }

    /**
     * Frames an aligned face into the net's 150x150 chip: the face is rounded to 8 bits per channel, cut to
     * {@link #cropBox} and resized with Pillow's bilinear filter ({@link PillowResize}), as
     * {@code img.crop(box).resize((150, 150), Image.BILINEAR)} does.
     *
     * @param alignedFace the face
     * @return the 150x150 chip
     * @throws NullPointerException if {@code alignedFace} is null
     */
    public static FaceImage chip(FaceImage alignedFace) {
        Objects.requireNonNull(alignedFace, "alignedFace");
        return FaceImage.fromRgbBytes(CHIP_SIZE, CHIP_SIZE, chipRgb(alignedFace));
    }

    /** The chip as interleaved 8-bit RGB. */
    static byte[] chipRgb(FaceImage face) {
        int w = face.width();
        int h = face.height();
        int[] box = cropBox(w, h);
        int bw = box[2] - box[0];
        int bh = box[3] - box[1];
        byte[] rgb = face.toRgbBytes();
        byte[] crop = new byte[bw * bh * 3];
        for (int y = 0; y < bh; y++) {
            System.arraycopy(rgb, ((y + box[1]) * w + box[0]) * 3, crop, y * bw * 3, bw * 3);
        }
        return PillowResize.resizeRgb(crop, bw, bh, CHIP_SIZE, CHIP_SIZE);
    }

    /** Writes an interleaved 8-bit RGB chip as planar floats {@code / 255} at {@code offset}. */
    static void chipTensor(byte[] rgb, float[] out, int offset) {
        int n = CHIP_SIZE * CHIP_SIZE;
        for (int i = 0; i < n; i++) {
            out[offset + i] = (rgb[3 * i] & 0xFF) / 255f;
            out[offset + n + i] = (rgb[3 * i + 1] & 0xFF) / 255f;
            out[offset + 2 * n + i] = (rgb[3 * i + 2] & 0xFF) / 255f;
        }
    }

    /**
     * Euclidean distance of two descriptors.
     *
     * @param a a descriptor
     * @param b another, of the same length
     * @return {@code |a - b|}
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException if the lengths differ
     */
    public static double distance(float[] a, float[] b) {
        Objects.requireNonNull(a, "a");
        Objects.requireNonNull(b, "b");
        if (a.length != b.length) {
            throw new IllegalArgumentException("descriptor lengths differ: " + a.length + " vs " + b.length);
        }
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            double d = (double) a[i] - b[i];
            s += d * d;
        }
        return Math.sqrt(s);
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
                throw new IllegalStateException("closing the face descriptor session failed: " + e.getMessage(), e);
            } finally {
                options.close();
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    static byte[] resource(String name) {
        try (InputStream in = FaceDescriptor.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("resource " + name + " is not on the class path"
                        + " (it ships in smfd-identity's jar)");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read resource " + name + ": " + e.getMessage(), e);
        }
    }

    static String expectedSha256(String metadataJson) {
        return expectedSha256(metadataJson, METADATA_RESOURCE);
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
