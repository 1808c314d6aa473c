package io.smfd;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.util.Arrays;
import java.util.Objects;

/**
 * An immutable RGB face crop, the input and output of a {@link Deblurrer}.
 *
 * <p>Pixels are stored as planar float (R plane, then G, then B; row-major within a plane) with
 * values in [0, 1]. Width and height must each be within [{@value #MIN_SIZE}, {@value #MAX_SIZE}].
 * Conversions between 8-bit and float use {@code v / 255f} and {@code round(clamp(f) * 255)}, so
 * 8-bit data survives a round trip exactly. Alpha is ignored on input and opaque on output. Gray and 16-bit
 * images keep their sample values (see {@link #fromBufferedImage(BufferedImage)}).
 *
 * <p>Instances are immutable and thread-safe; every factory copies its input and every
 * {@code to...} method returns a fresh copy. Errors: {@code null} arguments throw
 * {@link NullPointerException} naming the parameter; sizes outside the range throw
 * {@link InvalidImageException} with reason {@code UNSUPPORTED_IMAGE_SIZE}; wrong array lengths and NaN, infinite or out-of-range
 * float values throw {@link InvalidImageException} naming the offending index.
 */
public final class FaceImage {

    /** Smallest supported width and height, in pixels. */
    public static final int MIN_SIZE = 16;
    /** Largest supported width and height, in pixels. */
    public static final int MAX_SIZE = 2048;

    private static final String[] CHANNELS = {"R", "G", "B"};

    private final int width;
    private final int height;
    private final float[] planar; // CHW, values in [0,1], no -0.0f
    private int hash; // cached; 0 = not computed

    private FaceImage(int width, int height, float[] planar) {
        this.width = width;
        this.height = height;
        this.planar = planar;
    }

    /**
     * Creates a face image from any {@link BufferedImage}; alpha is ignored.
     *
     * <p>Sample values are taken exactly where the image is already sRGB-encoded: 8- and 16-bit RGB in sRGB
     * (16-bit samples keep their precision, {@code v / 65535f}) and gray or gray+alpha in the JDK's default
     * {@link ColorSpace#CS_GRAY}, which ImageIO attaches to every gray PNG and JPEG without an ICC profile
     * although their samples are gamma-encoded like sRGB (a colour conversion would map gray 116 to 180);
     * gray is copied to R, G and B. Every other colour model (palette, CMYK, an embedded ICC profile,
     * premultiplied alpha) is converted to sRGB by
     * {@link BufferedImage#getRGB(int, int, int, int, int[], int, int)}.
     *
     * @param image source image, not modified
     * @return a new face image
     * @throws NullPointerException           if {@code image} is null
     * @throws InvalidImageException {@code UNSUPPORTED_IMAGE_SIZE} if the size is outside [{@value #MIN_SIZE}, {@value #MAX_SIZE}]
     */
    public static FaceImage fromBufferedImage(BufferedImage image) {
        Objects.requireNonNull(image, "image");
        int w = image.getWidth();
        int h = image.getHeight();
        checkSize(w, h);
        float[] exact = rawSamples(image);
        if (exact != null) {
            return new FaceImage(w, h, exact);
        }
        int[] argb = image.getRGB(0, 0, w, h, null, 0, w);
        return new FaceImage(w, h, argbToPlanar(argb, w * h));
    }

    /** The samples of an sRGB or default-gray component image scaled to [0, 1]; null for other colour models. */
    private static float[] rawSamples(BufferedImage image) {
        ColorModel cm = image.getColorModel();
        if (!(cm instanceof ComponentColorModel) || cm.isAlphaPremultiplied()) {
            return null;
        }
        ColorSpace cs = cm.getColorSpace();
        boolean gray = cs == ColorSpace.getInstance(ColorSpace.CS_GRAY);
        int colours = cm.getNumColorComponents();
        if (!(gray && colours == 1) && !(cs.isCS_sRGB() && colours == 3)) {
            return null;
        }
        Raster r = image.getRaster();
        int type = r.getTransferType();
        if (type != DataBuffer.TYPE_BYTE && type != DataBuffer.TYPE_USHORT) {
            return null; // int, float and double samples have other scales: leave them to the colour model
        }
        int w = image.getWidth();
        int h = image.getHeight();
        int n = w * h;
        float[] p = new float[3 * n];
        int[] row = new int[w];
        for (int c = 0; c < colours; c++) {
            int bits = cm.getComponentSize(c);
            if (bits < 1 || bits > 16) {
                return null;
            }
            float max = (1 << bits) - 1;
            for (int y = 0; y < h; y++) {
                r.getSamples(r.getMinX(), r.getMinY() + y, w, 1, c, row);
                int base = c * n + y * w;
                for (int x = 0; x < w; x++) {
                    p[base + x] = row[x] / max;
                }
            }
        }
        if (gray) {
            System.arraycopy(p, 0, p, n, n);
            System.arraycopy(p, 0, p, 2 * n, n);
        }
        return p;
    }

    /**
     * Creates a face image from packed {@code 0xAARRGGBB} pixels in row-major order
     * (the layout of {@link BufferedImage#getRGB(int, int, int, int, int[], int, int)}); alpha is ignored.
     *
     * @param width  width in pixels
     * @param height height in pixels
     * @param argb   {@code width * height} packed pixels, not modified
     * @return a new face image
     * @throws NullPointerException          if {@code argb} is null
     * @throws InvalidImageException {@code UNSUPPORTED_IMAGE_SIZE} if the size is outside [{@value #MIN_SIZE}, {@value #MAX_SIZE}];
     *                               {@code INVALID_IMAGE} if {@code argb.length != width * height}
     */
    public static FaceImage fromArgb(int width, int height, int[] argb) {
        Objects.requireNonNull(argb, "argb");
        checkSize(width, height);
        checkLength("argb", argb.length, width, height, 1);
        return new FaceImage(width, height, argbToPlanar(argb, width * height));
    }

    /**
     * Creates a face image from interleaved 8-bit RGB bytes ({@code R,G,B,R,G,B,...}, row-major;
     * bytes are unsigned, 0..255).
     *
     * @param width          width in pixels
     * @param height         height in pixels
     * @param rgbInterleaved {@code width * height * 3} bytes, not modified
     * @return a new face image
     * @throws NullPointerException          if {@code rgbInterleaved} is null
     * @throws InvalidImageException {@code UNSUPPORTED_IMAGE_SIZE} if the size is outside [{@value #MIN_SIZE}, {@value #MAX_SIZE}];
     *                               {@code INVALID_IMAGE} if {@code rgbInterleaved.length != width * height * 3}
     */
    public static FaceImage fromRgbBytes(int width, int height, byte[] rgbInterleaved) {
        Objects.requireNonNull(rgbInterleaved, "rgbInterleaved");
        checkSize(width, height);
        checkLength("rgbInterleaved", rgbInterleaved.length, width, height, 3);
        int n = width * height;
        float[] p = new float[3 * n];
        for (int i = 0; i < n; i++) {
            p[i] = (rgbInterleaved[3 * i] & 0xFF) / 255f;
            p[n + i] = (rgbInterleaved[3 * i + 1] & 0xFF) / 255f;
            p[2 * n + i] = (rgbInterleaved[3 * i + 2] & 0xFF) / 255f;
        }
        return new FaceImage(width, height, p);
    }

    /**
     * Creates a face image from planar float RGB: the R plane, then G, then B, each
     * {@code height} rows of {@code width} values, every value in [0, 1]. This is the layout of
     * one image of the model's NCHW input.
     *
     * @param width     width in pixels
     * @param height    height in pixels
     * @param planarRgb {@code 3 * width * height} values in [0, 1], not modified
     * @return a new face image
     * @throws NullPointerException          if {@code planarRgb} is null
     * @throws InvalidImageException {@code UNSUPPORTED_IMAGE_SIZE} if the size is outside [{@value #MIN_SIZE}, {@value #MAX_SIZE}];
     *                               {@code INVALID_IMAGE} if the length is not {@code 3 * width * height}, or a value
     *                                       is NaN, infinite or outside [0, 1] (the message names its index)
     */
    public static FaceImage fromPlanarFloat(int width, int height, float[] planarRgb) {
        Objects.requireNonNull(planarRgb, "planarRgb");
        checkSize(width, height);
        checkLength("planarRgb", planarRgb.length, width, height, 3);
        int n = width * height;
        float[] p = new float[planarRgb.length];
        for (int i = 0; i < p.length; i++) {
            float v = planarRgb[i];
            if (!(v >= 0f && v <= 1f)) { // also rejects NaN
                int plane = i / n;
                int pix = i % n;
                throw new InvalidImageException("planarRgb[" + i + "] = " + v + " (channel " + CHANNELS[plane]
                        + ", x=" + (pix % width) + ", y=" + (pix / width) + ") is "
                        + (Float.isNaN(v) ? "NaN" : Float.isInfinite(v) ? "infinite" : "out of range")
                        + "; every value must be finite and within [0, 1]");
            }
            p[i] = v + 0.0f; // normalises -0.0f to 0.0f
        }
        return new FaceImage(width, height, p);
    }

    /**
     * Returns the width.
     *
     * @return width in pixels, within [{@value #MIN_SIZE}, {@value #MAX_SIZE}]
     */
    public int width() {
        return width;
    }

    /**
     * Returns the height.
     *
     * @return height in pixels, within [{@value #MIN_SIZE}, {@value #MAX_SIZE}]
     */
    public int height() {
        return height;
    }

    /**
     * Converts to a new {@link BufferedImage#TYPE_INT_RGB} image.
     *
     * @return a new image the caller owns
     */
    public BufferedImage toBufferedImage() {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        img.setRGB(0, 0, width, height, toArgb(), 0, width);
        return img;
    }

    /**
     * Converts to packed {@code 0xFFRRGGBB} pixels, row-major (alpha always opaque).
     *
     * @return a new array of {@code width * height} pixels
     */
    public int[] toArgb() {
        int n = width * height;
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = 0xFF000000 | (toByte(planar[i]) << 16) | (toByte(planar[n + i]) << 8) | toByte(planar[2 * n + i]);
        }
        return out;
    }

    /**
     * Converts to interleaved 8-bit RGB bytes ({@code R,G,B,...}, row-major).
     *
     * @return a new array of {@code width * height * 3} bytes
     */
    public byte[] toRgbBytes() {
        int n = width * height;
        byte[] out = new byte[3 * n];
        for (int i = 0; i < n; i++) {
            out[3 * i] = (byte) toByte(planar[i]);
            out[3 * i + 1] = (byte) toByte(planar[n + i]);
            out[3 * i + 2] = (byte) toByte(planar[2 * n + i]);
        }
        return out;
    }

    /**
     * Returns the pixels as planar float RGB (R plane, G plane, B plane; values in [0, 1]).
     *
     * @return a defensive copy of {@code 3 * width * height} values
     */
    public float[] toPlanarFloat() {
        return planar.clone();
    }

    /**
     * Two face images are equal when they have the same size and identical float pixels.
     *
     * @param o the object to compare with
     * @return whether {@code o} is an equal face image
     */
    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof FaceImage)) {
            return false;
        }
        FaceImage other = (FaceImage) o;
        return width == other.width && height == other.height && Arrays.equals(planar, other.planar);
    }

    @Override
    public int hashCode() {
        int h = hash;
        if (h == 0) {
            h = 31 * (31 * width + height) + Arrays.hashCode(planar);
            hash = h;
        }
        return h;
    }

    /**
     * Returns a short description such as {@code FaceImage[256x256]} (pixels are not printed).
     *
     * @return a short description
     */
    @Override
    public String toString() {
        return "FaceImage[" + width + "x" + height + "]";
    }

    static void checkSize(int width, int height) {
        if (width < MIN_SIZE || width > MAX_SIZE || height < MIN_SIZE || height > MAX_SIZE) {
            throw InvalidImageException.unsupportedSize(width, height);
        }
    }

    private static void checkLength(String param, int actual, int width, int height, int perPixel) {
        long expected = (long) width * height * perPixel;
        if (actual != expected) {
            throw new InvalidImageException(param + " has length " + actual + " but a " + width + "x" + height
                    + " image needs " + expected + (perPixel == 1 ? " (one value per pixel)"
                    : " (" + perPixel + " values per pixel)"));
        }
    }

    private static float[] argbToPlanar(int[] argb, int n) {
        float[] p = new float[3 * n];
        for (int i = 0; i < n; i++) {
            int c = argb[i];
            p[i] = ((c >>> 16) & 0xFF) / 255f;
            p[n + i] = ((c >>> 8) & 0xFF) / 255f;
            p[2 * n + i] = (c & 0xFF) / 255f;
        }
        return p;
    }

    private static int toByte(float v) {
        float c = v < 0f ? 0f : (v > 1f ? 1f : v);
        return Math.round(c * 255f);
    }
}
