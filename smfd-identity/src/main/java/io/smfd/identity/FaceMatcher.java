package io.smfd.identity;

import io.smfd.FaceImage;
import java.util.List;

/**
 * A face-recognition embedding used to measure identity: turns aligned faces into vectors and compares two
 * vectors by a distance (lower = more alike). Implementations: {@link FaceDescriptor} (dlib ResNet, 128-D,
 * Euclidean) and {@link MobileFace} (ArcFace family, 256-D, cosine).
 *
 * <p>Two framings are supported, so the same faces can be compared at the geometries integrators use:
 * {@link #embedAligned} takes whole aligned faces (CelebA-HQ alignment, any size) and cuts the matcher's own
 * box; {@link #embedArcFaceCrops} takes faces already cut to the ArcFace-style box
 * {@link MobileFace#BOX_256} (x 56..200, y 80..224 of a 256x256 face, e.g. 112x112 crops) and resizes them
 * whole. Implementations are thread-safe and must be closed.
 */
public interface FaceMatcher extends AutoCloseable {

    /**
     * A short name for reports.
     *
     * @return e.g. {@code "dlib"} or {@code "mobileface"}
     */
    String name();

    /**
     * Embeddings of whole aligned faces, framed with the matcher's own box, run as one batch.
     *
     * @param alignedFaces aligned faces (any sizes)
     * @return one embedding per face, in order
     * @throws NullPointerException     if the list or an element is null
     * @throws IllegalArgumentException if the list is empty
     * @throws IllegalStateException    if closed, or if ONNX Runtime fails
     */
    float[][] embedAligned(List<FaceImage> alignedFaces);

    /**
     * Embeddings of faces already cut to the ArcFace-style box ({@link MobileFace#BOX_256}), each resized
     * whole to the matcher's input size, run as one batch.
     *
     * @param crops the crops (any sizes)
     * @return one embedding per crop, in order
     * @throws NullPointerException     if the list or an element is null
     * @throws IllegalArgumentException if the list is empty
     * @throws IllegalStateException    if closed, or if ONNX Runtime fails
     */
    float[][] embedArcFaceCrops(List<FaceImage> crops);

    /**
     * The matcher's distance between two embeddings.
     *
     * @param a an embedding
     * @param b another, of the same length
     * @return the distance, lower = more alike
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException if the lengths differ
     */
    double distanceOf(float[] a, float[] b);

    /** Releases the native session; idempotent. */
    @Override
    void close();
}
