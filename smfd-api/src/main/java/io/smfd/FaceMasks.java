package io.smfd;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Semantic face masks predicted by the model: one probability plane per named class
 * (e.g. {@code background, skin, brows, eyes, nose, mouth, hair, accessories}; the names and their
 * order come from the model). At every pixel the probabilities of all classes sum to about 1.
 *
 * <p>Immutable and thread-safe; accessors return copies. Planes are row-major,
 * {@code width * height} values each, in [0, 1].
 */
public final class FaceMasks {

    private static final int[] PALETTE = {
        0x000000, 0xF2B880, 0x8C564B, 0x1F77B4, 0x2CA02C, 0xD62728, 0x9467BD, 0xFFD700,
        0x17BECF, 0xE377C2, 0xBCBD22, 0x7F7F7F, 0xFF7F0E, 0x98DF8A, 0xAEC7E8, 0xC49C94,
    };
    private static final float OVERLAY_ALPHA = 0.5f;

    private final List<String> classNames;
    private final int width;
    private final int height;
    private final float[] probabilities; // K planes of H*W

    private FaceMasks(List<String> classNames, int width, int height, float[] probabilities) {
        this.classNames = classNames;
        this.width = width;
        this.height = height;
        this.probabilities = probabilities;
    }

    /**
     * Creates masks from {@code K = classNames.size()} probability planes laid out one after the
     * other (the layout of one image of the model's {@code masks} output). Values are clamped to
     * [0, 1]. Mainly for backends, tests and tools; applications receive masks from
     * {@link Deblurrer#deblurWithMasks(FaceImage)}.
     *
     * @param classNames    distinct, non-blank class names in plane order (copied)
     * @param width         width in pixels
     * @param height        height in pixels
     * @param probabilities {@code K * width * height} finite values (copied)
     * @return new masks
     * @throws NullPointerException          if an argument or a class name is null
     * @throws IllegalArgumentException      if {@code classNames} is empty, has blanks or duplicates
     * @throws InvalidImageException {@code UNSUPPORTED_IMAGE_SIZE} if the size is outside the {@link FaceImage} range;
     *                               {@code INVALID_IMAGE} if the array length is wrong or a value is NaN or infinite
     */
    public static FaceMasks of(List<String> classNames, int width, int height, float[] probabilities) {
        Objects.requireNonNull(classNames, "classNames");
        Objects.requireNonNull(probabilities, "probabilities");
        List<String> names = List.copyOf(classNames);
        if (names.isEmpty()) {
            throw new IllegalArgumentException("classNames must not be empty");
        }
        Set<String> seen = new HashSet<>();
        for (String name : names) {
            if (name.isBlank() || !seen.add(name)) {
                throw new IllegalArgumentException("class names must be distinct and non-blank: " + names);
            }
        }
        FaceImage.checkSize(width, height);
        long expected = (long) names.size() * width * height;
        if (probabilities.length != expected) {
            throw new InvalidImageException("probabilities has length " + probabilities.length + " but "
                    + names.size() + " classes of " + width + "x" + height + " need " + expected);
        }
        float[] p = new float[probabilities.length];
        for (int i = 0; i < p.length; i++) {
            float v = probabilities[i];
            if (!Float.isFinite(v)) {
                throw new InvalidImageException("probabilities[" + i + "] is " + v + "; values must be finite");
            }
            p[i] = v < 0f ? 0f : (v > 1f ? 1f : v + 0.0f);
        }
        return new FaceMasks(names, width, height, p);
    }

    /**
     * Returns the class names in plane order.
     *
     * @return an unmodifiable list of class names, as declared by the model
     */
    public List<String> classNames() {
        return classNames;
    }

    /**
     * Returns the width.
     *
     * @return width in pixels (same as the image)
     */
    public int width() {
        return width;
    }

    /**
     * Returns the height.
     *
     * @return height in pixels (same as the image)
     */
    public int height() {
        return height;
    }

    /**
     * Returns the probability plane of a class, by name.
     *
     * @param className one of {@link #classNames()}
     * @return a copy of {@code width * height} probabilities, row-major
     * @throws NullPointerException     if {@code className} is null
     * @throws IllegalArgumentException if the model has no such class (the message lists the classes)
     */
    public float[] probabilities(String className) {
        Objects.requireNonNull(className, "className");
        int idx = classNames.indexOf(className);
        if (idx < 0) {
            throw new IllegalArgumentException("No mask class '" + className + "'; classes are " + classNames);
        }
        return probabilities(idx);
    }

    /**
     * Returns the probability plane of a class, by index.
     *
     * @param classIndex index into {@link #classNames()}
     * @return a copy of {@code width * height} probabilities, row-major
     * @throws IndexOutOfBoundsException if the index is not a valid class index
     */
    public float[] probabilities(int classIndex) {
        Objects.checkIndex(classIndex, classNames.size());
        int n = width * height;
        return Arrays.copyOfRange(probabilities, classIndex * n, (classIndex + 1) * n);
    }

    /**
     * Returns the most probable class at every pixel (ties go to the lower index).
     *
     * @return a new label map of {@code width * height} class indices, row-major
     */
    public int[] argmax() {
        int n = width * height;
        int k = classNames.size();
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            int best = 0;
            float bestP = probabilities[i];
            for (int c = 1; c < k; c++) {
                float v = probabilities[c * n + i];
                if (v > bestP) {
                    bestP = v;
                    best = c;
                }
            }
            labels[i] = best;
        }
        return labels;
    }

    /**
     * Renders the label map over {@code base} for people to look at: every non-background pixel is
     * blended 50/50 with a fixed colour of its most probable class; pixels of a class named
     * {@code background} are left as they are.
     *
     * @param base image to draw on, of the same size as these masks
     * @return a new {@link BufferedImage#TYPE_INT_RGB} image
     * @throws NullPointerException     if {@code base} is null
     * @throws IllegalArgumentException if {@code base} has a different size
     */
    public BufferedImage toOverlay(FaceImage base) {
        Objects.requireNonNull(base, "base");
        if (base.width() != width || base.height() != height) {
            throw new IllegalArgumentException("base is " + base.width() + "x" + base.height()
                    + " but the masks are " + width + "x" + height);
        }
        int background = -1;
        for (int c = 0; c < classNames.size(); c++) {
            if (classNames.get(c).equalsIgnoreCase("background")) {
                background = c;
            }
        }
        int[] labels = argmax();
        int[] px = base.toArgb();
        for (int i = 0; i < px.length; i++) {
            int label = labels[i];
            if (label == background) {
                continue;
            }
            int colour = PALETTE[1 + (label % (PALETTE.length - 1))];
            px[i] = 0xFF000000
                    | blend((px[i] >>> 16) & 0xFF, (colour >>> 16) & 0xFF) << 16
                    | blend((px[i] >>> 8) & 0xFF, (colour >>> 8) & 0xFF) << 8
                    | blend(px[i] & 0xFF, colour & 0xFF);
        }
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        img.setRGB(0, 0, width, height, px, 0, width);
        return img;
    }

    private static int blend(int a, int b) {
        return Math.round(a * (1f - OVERLAY_ALPHA) + b * OVERLAY_ALPHA);
    }

    /**
     * Masks are equal when they have the same classes, size and probabilities.
     *
     * @param o the object to compare with
     * @return whether {@code o} is equal masks
     */
    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof FaceMasks)) {
            return false;
        }
        FaceMasks other = (FaceMasks) o;
        return width == other.width && height == other.height && classNames.equals(other.classNames)
                && Arrays.equals(probabilities, other.probabilities);
    }

    @Override
    public int hashCode() {
        return Objects.hash(classNames, width, height) * 31 + Arrays.hashCode(probabilities);
    }

    /**
     * Returns a short description such as {@code FaceMasks[256x256, classes=[background, skin, ...]]}.
     *
     * @return a short description
     */
    @Override
    public String toString() {
        return "FaceMasks[" + width + "x" + height + ", classes=" + new ArrayList<>(classNames) + "]";
    }
}
