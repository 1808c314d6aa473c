package io.smfd.spark;

import io.smfd.FaceImage;
import io.smfd.InvalidImageException;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.apache.spark.sql.Row;

/**
 * Decoding and encoding of face images for the Spark integration, with the strictness of the {@code smfd}
 * CLI: the size is checked from the header before any pixel is decoded, and a read warning (truncated or
 * corrupt data, which ImageIO's JPEG reader otherwise pads with grey) or a decoding exception is an error,
 * never a partly decoded picture. Every failure is an {@link InvalidImageException} whose message says why.
 * Stateless and thread-safe.
 */
final class ImageCodec {

    /** Read warnings that do not mean damaged data (TwelveMonkeys: CMYK without an embedded ICC profile). */
    private static final List<String> BENIGN_WARNINGS = List.of("icc color profile", "icc profile");

    /** OpenCV type codes of Spark's image source ({@code ImageSchema.ocvTypes}): 8-bit, 1, 3 and 4 channels. */
    private static final int CV_8UC1 = 0;
    private static final int CV_8UC3 = 16;
    private static final int CV_8UC4 = 24;

    private ImageCodec() {
    }

    /**
     * Decodes encoded image bytes (any format an ImageIO reader on the class path recognises).
     *
     * @param bytes the file content
     * @return the face
     * @throws InvalidImageException {@code UNSUPPORTED_IMAGE_SIZE} if the header's size is outside 16..2048,
     *                               {@code INVALID_IMAGE} if it is not an image or its data is corrupt or truncated
     */
    static FaceImage decode(byte[] bytes) {
        if (bytes.length == 0) {
            throw new InvalidImageException("empty content (0 bytes): not an image");
        }
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new InvalidImageException("not a readable image (no ImageIO reader recognises its content;"
                        + " readable: " + String.join(", ", readerFormats()) + ")");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, false);
                List<String> warnings = new ArrayList<>();
                reader.addIIOReadWarningListener((source, message) -> warnings.add(message));
                String format = reader.getFormatName().toUpperCase(Locale.ROOT);
                int w;
                int h;
                try {
                    w = reader.getWidth(0);
                    h = reader.getHeight(0);
                } catch (IOException | RuntimeException e) {
                    throw invalid("corrupt " + format + " header (" + describe(e) + ")", e);
                }
                if (w < FaceImage.MIN_SIZE || w > FaceImage.MAX_SIZE || h < FaceImage.MIN_SIZE
                        || h > FaceImage.MAX_SIZE) {
                    throw InvalidImageException.unsupportedSize(w, h); // before decoding any pixel
                }
                BufferedImage img;
                try {
                    img = reader.read(0);
                } catch (IOException | RuntimeException e) {
                    throw invalid("corrupt or truncated " + format + " data (" + describe(e) + ")", e);
                }
                List<String> damage = new ArrayList<>();
                for (String warning : warnings) {
                    if (!benign(warning)) {
                        damage.add(warning);
                    }
                }
                if (!damage.isEmpty()) {
                    throw new InvalidImageException("corrupt or truncated " + format + " data ("
                            + String.join("; ", damage) + "); not using a partly decoded picture");
                }
                return FaceImage.fromBufferedImage(img);
            } finally {
                reader.dispose();
            }
        } catch (IOException e) {
            throw invalid("cannot read the image bytes (" + describe(e) + ")", e);
        }
    }

    /**
     * Converts a row of Spark's {@code image} data source ({@code origin, height, width, nChannels, mode, data};
     * {@code data} is 8-bit BGR, BGRA or gray, row-major) into a face.
     *
     * @param image  the struct
     * @param fields indexes of {@code height, width, nChannels, mode, data} in it (from the schema, on the driver:
     *               rows handed from one operator to the next need not carry their schema)
     * @return the face
     * @throws InvalidImageException if the image source could not decode the file (it then stores an empty
     *                               image), the mode is not 8-bit, or the data length does not match
     */
    static FaceImage fromImageRow(Row image, int[] fields) {
        if (image.isNullAt(fields[0]) || image.isNullAt(fields[1]) || image.isNullAt(fields[2])
                || image.isNullAt(fields[3])) {
            throw new InvalidImageException("not a readable image (the image struct has null fields)");
        }
        int h = image.getInt(fields[0]);
        int w = image.getInt(fields[1]);
        int channels = image.getInt(fields[2]);
        int mode = image.getInt(fields[3]);
        byte[] data = (byte[]) image.get(fields[4]);
        if (h <= 0 || w <= 0 || data == null || data.length == 0) {
            throw new InvalidImageException("not a readable image (Spark's image source could not decode it)");
        }
        if (w < FaceImage.MIN_SIZE || w > FaceImage.MAX_SIZE || h < FaceImage.MIN_SIZE || h > FaceImage.MAX_SIZE) {
            throw InvalidImageException.unsupportedSize(w, h);
        }
        int expectedMode = channels == 1 ? CV_8UC1 : channels == 3 ? CV_8UC3 : channels == 4 ? CV_8UC4 : -1;
        if (expectedMode < 0 || mode != expectedMode) {
            throw new InvalidImageException("unsupported image struct: mode " + mode + " with " + channels
                    + " channel(s); supported are 8-bit gray (mode 0), BGR (16) and BGRA (24)");
        }
        long expected = (long) w * h * channels;
        if (data.length != expected) {
            throw new InvalidImageException("image struct data has " + data.length + " bytes but " + w + "x" + h
                    + "x" + channels + " needs " + expected);
        }
        int n = w * h;
        int[] argb = new int[n];
        for (int i = 0; i < n; i++) {
            int o = i * channels;
            if (channels == 1) {
                int g = data[o] & 0xFF;
                argb[i] = (g << 16) | (g << 8) | g;
            } else {
                argb[i] = ((data[o + 2] & 0xFF) << 16) | ((data[o + 1] & 0xFF) << 8) | (data[o] & 0xFF);
            }
        }
        return FaceImage.fromArgb(w, h, argb);
    }

    /**
     * Encodes a face (8-bit RGB) in an ImageIO format.
     *
     * @param face   the face
     * @param format a format {@link #writesRgb} accepts
     * @return the encoded bytes
     * @throws IOException if the writer fails
     */
    static byte[] encode(FaceImage face, String format) throws IOException {
        ImageWriter writer = rgbWriter(format);
        if (writer == null) {
            throw new IOException("no ImageIO writer for format " + format + " that stores RGB");
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(face.width() * face.height() * 2);
        try (ImageOutputStream ios = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(ios);
            writer.write(null, new IIOImage(face.toBufferedImage(), null, null), null);
            ios.flush();
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    /**
     * Returns whether ImageIO has a writer for {@code format} that can encode an RGB image.
     *
     * @param format format name (case-insensitive)
     * @return whether RGB output can be written in it
     */
    static boolean writesRgb(String format) {
        ImageWriter w = rgbWriter(format);
        if (w == null) {
            return false;
        }
        w.dispose();
        return true;
    }

    /** Names of the formats {@link #writesRgb} accepts, lower case, sorted. */
    static Set<String> rgbWriterFormats() {
        Set<String> names = new TreeSet<>();
        for (String n : ImageIO.getWriterFormatNames()) {
            String f = n.toLowerCase(Locale.ROOT);
            if (writesRgb(f)) {
                names.add(f);
            }
        }
        return names;
    }

    private static ImageWriter rgbWriter(String format) {
        ImageTypeSpecifier rgb = ImageTypeSpecifier.createFromBufferedImageType(BufferedImage.TYPE_INT_RGB);
        for (Iterator<ImageWriter> it = ImageIO.getImageWritersByFormatName(format.toLowerCase(Locale.ROOT));
                it.hasNext(); ) {
            ImageWriter w = it.next();
            if (w.getOriginatingProvider() == null || w.getOriginatingProvider().canEncodeImage(rgb)) {
                return w;
            }
            w.dispose();
        }
        return null;
    }

    private static Set<String> readerFormats() {
        Set<String> s = new TreeSet<>();
        for (String x : ImageIO.getReaderFileSuffixes()) {
            s.add(x.toLowerCase(Locale.ROOT));
        }
        return s;
    }

    private static boolean benign(String warning) {
        String w = warning.toLowerCase(Locale.ROOT);
        for (String b : BENIGN_WARNINGS) {
            if (w.contains(b)) {
                return true;
            }
        }
        return false;
    }

    /** The message carries the cause's description (InvalidImageException has no cause constructor). */
    private static InvalidImageException invalid(String message, Throwable cause) {
        return new InvalidImageException(message);
    }

    /** The messages along a cause chain, without repeats. */
    static String describe(Throwable e) {
        List<String> parts = new ArrayList<>();
        for (Throwable t = e; t != null && parts.size() < 4; t = t.getCause()) {
            String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
            if (parts.stream().noneMatch(p -> p.contains(m))) {
                parts.add(m);
            }
        }
        return String.join(": ", parts);
    }
}
