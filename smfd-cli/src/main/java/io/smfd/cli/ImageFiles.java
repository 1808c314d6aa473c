package io.smfd.cli;

import io.smfd.FaceImage;
import io.smfd.InvalidImageException;
import java.awt.image.BufferedImage;
import java.awt.image.RenderedImage;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Reading and writing image files for the CLI, strictly.
 *
 * <p>Reading: the size is checked from the header ({@link ImageReader#getWidth}) before any pixel is decoded, so
 * a 20000x20000 file is rejected at once without allocating it; a read warning (truncated or corrupt data, which
 * ImageIO's JPEG reader otherwise pads with grey) or a decoding exception is an error, never a partly decoded
 * picture. CMYK and YCCK JPEGs are decoded by the TwelveMonkeys JPEG plugin on the class path; sample values of
 * gray and 16-bit images are kept exactly by {@link FaceImage#fromBufferedImage}.
 *
 * <p>Writing: into a temporary file in the target folder, then moved into place atomically, so a failure (disk
 * full, no permission) leaves neither a partial nor an empty file, and the message says why.
 */
final class ImageFiles {

    /** Read warnings that do not mean damaged data (TwelveMonkeys: CMYK without an embedded ICC profile). */
    private static final List<String> BENIGN_WARNINGS = List.of("icc color profile", "icc profile");

    /** Opens the stream an image is encoded into (tests inject failures here). */
    interface Opener {
        OutputStream open(Path tmp) throws IOException;
    }

    static final Opener FILES = Files::newOutputStream;

    private ImageFiles() {
    }

    /**
     * Reads an image file into a face image.
     *
     * @param f the file
     * @return the face
     * @throws IOException           if it is not an image, or its data is truncated or corrupt (the message says which)
     * @throws InvalidImageException {@code UNSUPPORTED_IMAGE_SIZE} if the header's size is outside 16..2048
     */
    static FaceImage read(Path f) throws IOException {
        try (ImageInputStream in = ImageIO.createImageInputStream(f.toFile())) {
            if (in == null) {
                throw new IOException("cannot open " + f);
            }
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new IOException("not a readable image (no ImageIO reader recognises its content; readable: "
                        + String.join(", ", readerSuffixes()) + ")");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, false);
                List<String> warnings = new ArrayList<>();
                reader.addIIOReadWarningListener((source, message) -> warnings.add(message));
                int w;
                int h;
                try {
                    w = reader.getWidth(0);
                    h = reader.getHeight(0);
                } catch (IOException | RuntimeException e) {
                    throw new IOException("corrupt image header (" + describe(e) + ")", e);
                }
                if (w < FaceImage.MIN_SIZE || w > FaceImage.MAX_SIZE || h < FaceImage.MIN_SIZE
                        || h > FaceImage.MAX_SIZE) {
                    throw InvalidImageException.unsupportedSize(w, h); // before decoding any pixel
                }
                BufferedImage img;
                try {
                    img = reader.read(0);
                } catch (IOException | RuntimeException e) {
                    throw new IOException("corrupt or truncated " + reader.getFormatName().toUpperCase(Locale.ROOT)
                            + " data (" + describe(e) + ")", e);
                }
                List<String> damage = new ArrayList<>();
                for (String warning : warnings) {
                    if (!benign(warning)) {
                        damage.add(warning);
                    }
                }
                if (!damage.isEmpty()) {
                    throw new IOException("corrupt or truncated " + reader.getFormatName().toUpperCase(Locale.ROOT)
                            + " data (" + String.join("; ", damage) + "); not using a partly decoded picture");
                }
                return FaceImage.fromBufferedImage(img);
            } finally {
                reader.dispose();
            }
        }
    }

    /** Expands folders; keeps explicit files; sorted per folder, duplicates removed. */
    static List<Path> collect(List<Path> inputs, boolean recursive) throws IOException {
        Set<String> suffixes = readerSuffixes();
        List<Path> files = new ArrayList<>();
        Set<Path> seen = new HashSet<>();
        for (Path in : inputs) {
            if (Files.isDirectory(in)) {
                TreeSet<Path> found = new TreeSet<>();
                if (recursive) {
                    try (Stream<Path> s = Files.walk(in)) {
                        s.filter(Files::isRegularFile).filter(p -> readable(p, suffixes)).forEach(found::add);
                    }
                } else {
                    try (DirectoryStream<Path> ds = Files.newDirectoryStream(in)) {
                        for (Path p : ds) {
                            if (Files.isRegularFile(p) && readable(p, suffixes)) {
                                found.add(p);
                            }
                        }
                    }
                }
                for (Path p : found) {
                    if (seen.add(p.toAbsolutePath().normalize())) {
                        files.add(p);
                    }
                }
            } else if (Files.isRegularFile(in)) {
                if (seen.add(in.toAbsolutePath().normalize())) {
                    files.add(in);
                }
            } else {
                throw new IllegalArgumentException("no such file or directory: " + in);
            }
        }
        return files;
    }

    static boolean readable(Path p, Set<String> suffixes) {
        String name = p.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return !name.startsWith(".") && dot > 0
                && suffixes.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT))
                && !name.toLowerCase(Locale.ROOT).contains(".masks.");
    }

    static Set<String> readerSuffixes() {
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

    /**
     * Returns whether ImageIO has a writer for {@code format} that can encode an RGB image.
     *
     * @param format format name, lower case
     * @return whether RGB output can be written in it
     */
    static boolean writesRgb(String format) {
        ImageTypeSpecifier rgb = ImageTypeSpecifier.createFromBufferedImageType(BufferedImage.TYPE_INT_RGB);
        for (Iterator<ImageWriter> it = ImageIO.getImageWritersByFormatName(format); it.hasNext(); ) {
            ImageWriter w = it.next();
            try {
                if (w.getOriginatingProvider() == null || w.getOriginatingProvider().canEncodeImage(rgb)) {
                    return true;
                }
            } finally {
                w.dispose();
            }
        }
        return false;
    }

    /**
     * Names of the formats {@link #writesRgb} accepts.
     *
     * @return lower-case format names, sorted
     */
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

    /**
     * Writes an image atomically: to a temporary file in the target's folder (created if needed), then moved
     * into place. On failure the temporary file is deleted and an existing target is left as it was.
     *
     * @param img    the image
     * @param format the ImageIO format name
     * @param target the file to write
     * @throws IOException naming the target and the reason (disk full, permission denied, ...)
     */
    static void write(RenderedImage img, String format, Path target) throws IOException {
        write(img, format, target, FILES);
    }

    static void write(RenderedImage img, String format, Path target, Opener opener) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
            Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName(format);
            if (!writers.hasNext()) {
                throw new IOException("no ImageIO writer for format " + format);
            }
            ImageWriter writer = writers.next();
            try (OutputStream os = new BufferedOutputStream(opener.open(tmp));
                 ImageOutputStream ios = new MemoryCacheImageOutputStream(os)) {
                writer.setOutput(ios);
                writer.write(null, new IIOImage(img, null, null), null);
                ios.flush();
            } finally {
                writer.dispose();
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            tmp = null;
        } catch (IOException | RuntimeException e) {
            throw new IOException("cannot write " + target + ": " + describe(e), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort; the original failure is what the user needs to see
                }
            }
        }
    }

    /** The reasons along a cause chain, e.g. "I/O error writing PNG file!: No space left on device". */
    static String describe(Throwable e) {
        Set<String> parts = new LinkedHashSet<>();
        for (Throwable t = e; t != null && parts.size() < 4; t = t.getCause()) {
            String m;
            if (t instanceof AccessDeniedException) {
                m = "permission denied: " + ((AccessDeniedException) t).getFile();
            } else if (t instanceof NoSuchFileException) {
                m = "no such file or directory: " + ((NoSuchFileException) t).getFile();
            } else if (t instanceof FileSystemException && ((FileSystemException) t).getReason() != null) {
                FileSystemException fse = (FileSystemException) t;
                m = fse.getReason() + (fse.getFile() == null ? "" : ": " + fse.getFile());
            } else {
                m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
            }
            if (parts.stream().noneMatch(p -> p.contains(m))) {
                parts.add(m);
            }
        }
        return String.join(": ", parts);
    }
}
