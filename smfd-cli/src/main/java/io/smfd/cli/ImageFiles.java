package io.smfd.cli;

import io.smfd.FaceImage;
import io.smfd.InvalidImageException;
import java.awt.image.BufferedImage;
import java.awt.image.RenderedImage;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
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
 * full, no permission) leaves neither a partial nor an empty file, and the message says why. A face and its masks are
 * written together or not at all ({@link #writeAll}); a target that is not a regular file is refused; files get the
 * umask's permissions and keep those of the file they replace. Writes run as {@link Interrupts#critical} steps, so
 * Ctrl-C waits for a write in progress rather than leaving its temporary file.
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

    /**
     * Expands folders; keeps explicit files; sorted per folder; the same file named twice (also through a symbolic
     * link) is taken once.
     *
     * @param inputs    files and folders from the command line
     * @param recursive whether to descend into sub-folders
     * @param skipped   receives "PATH: why" for each folder entry with an image suffix that is not a readable regular
     *                  file (a folder named {@code x.jpg} without {@code --recursive}, a broken symbolic link, a FIFO)
     * @return the image files
     * @throws IOException              if a folder cannot be listed
     * @throws IllegalArgumentException if an explicit input does not exist or is neither a file nor a folder
     */
    static List<Path> collect(List<Path> inputs, boolean recursive, List<String> skipped) throws IOException {
        Set<String> suffixes = readerSuffixes();
        List<Path> files = new ArrayList<>();
        Set<Object> seen = new HashSet<>();
        for (Path in : inputs) {
            if (Files.isDirectory(in)) {
                TreeSet<Path> found = new TreeSet<>();
                TreeSet<Path> odd = new TreeSet<>();
                if (recursive) {
                    try (Stream<Path> s = Files.walk(in)) {
                        s.filter(p -> !p.equals(in) && readable(p, suffixes)).forEach(p -> {
                            if (Files.isRegularFile(p)) {
                                found.add(p);
                            } else if (!Files.isDirectory(p)) { // folders are walked into
                                odd.add(p);
                            }
                        });
                    }
                } else {
                    try (DirectoryStream<Path> ds = Files.newDirectoryStream(in)) {
                        for (Path p : ds) {
                            if (readable(p, suffixes)) {
                                (Files.isRegularFile(p) ? found : odd).add(p);
                            }
                        }
                    }
                }
                for (Path p : odd) {
                    skipped.add(p + ": " + notAFile(p, recursive));
                }
                for (Path p : found) {
                    if (seen.add(identity(p))) {
                        files.add(p);
                    }
                }
            } else if (Files.isRegularFile(in)) {
                if (seen.add(identity(in))) {
                    files.add(in);
                }
            } else if (Files.exists(in, LinkOption.NOFOLLOW_LINKS)) {
                throw new IllegalArgumentException(in + ": " + notAFile(in, recursive));
            } else {
                throw new IllegalArgumentException("no such file or directory: " + in);
            }
        }
        return files;
    }

    /** Why a path with an image suffix is not read: "a directory, not an image file (...)", "a broken symbolic link". */
    private static String notAFile(Path p, boolean recursive) {
        try {
            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (a.isSymbolicLink() && !Files.exists(p)) {
                return "a broken symbolic link (its target " + Files.readSymbolicLink(p) + " does not exist); skipped";
            }
            if (Files.isDirectory(p)) {
                return "a directory, not an image file; skipped" + (recursive ? "" : " (--recursive looks inside)");
            }
            BasicFileAttributes target = Files.readAttributes(p, BasicFileAttributes.class);
            return kind(p, target) + ", not a regular file; skipped";
        } catch (IOException e) {
            return "cannot be inspected (" + describe(e) + "); skipped";
        }
    }

    /** The file itself (inode), whatever path names it; the normalised absolute path where there is no key. */
    static Object identity(Path p) {
        try {
            Object key = Files.readAttributes(p, BasicFileAttributes.class).fileKey();
            return key != null ? key : p.toRealPath();
        } catch (IOException e) {
            return p.toAbsolutePath().normalize();
        }
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

    /** One image to write: the picture, the ImageIO format name and the target file. */
    record Output(RenderedImage image, String format, Path target) {
    }

    /** An output that is refused before anything is written (it would replace a non-regular file or an input). */
    static final class RefusedException extends IOException {
        private static final long serialVersionUID = 1L;

        RefusedException(String message) {
            super(message);
        }
    }

    /**
     * Writes an image atomically: to a temporary file in the target's folder (created if needed), then moved
     * into place. On failure the temporary file is deleted and an existing target is left as it was. The new file
     * gets the permissions of any file the user creates (0666 less the umask); an existing target keeps its
     * permissions. A target that exists and is not a regular file (a device such as {@code /dev/full}, a FIFO, a
     * symbolic link, a folder) is refused, never replaced.
     *
     * @param img    the image
     * @param format the ImageIO format name
     * @param target the file to write
     * @throws IOException naming the target and the reason (disk full, permission denied, not a regular file, ...)
     */
    static void write(RenderedImage img, String format, Path target) throws IOException {
        write(img, format, target, FILES);
    }

    static void write(RenderedImage img, String format, Path target, Opener opener) throws IOException {
        writeAll(List.of(new Output(img, format, target)), opener);
    }

    /**
     * Writes images all or none: each is encoded into its own temporary file first; only when every one is complete
     * are they moved into place, and if a move fails the targets already moved are removed again. Used for a face
     * and its masks file, which belong together. Otherwise as {@link #write(RenderedImage, String, Path)}.
     *
     * @param outputs the images and their targets (distinct targets)
     * @param opener  opens the temporary files' streams
     * @throws IOException naming the target that failed and why
     */
    static void writeAll(List<Output> outputs, Opener opener) throws IOException {
        // Ctrl-C waits for the files to be done
        Interrupts.criticalRun("writing " + outputs.get(0).target(), () -> writeAllNow(outputs, opener));
    }

    private static void writeAllNow(List<Output> outputs, Opener opener) throws IOException {
        List<Path> tmps = new ArrayList<>();
        List<Path> moved = new ArrayList<>();
        Path current = null;
        try {
            for (Output o : outputs) {
                refuseNonRegular(o.target());
            }
            for (Output o : outputs) {
                current = o.target();
                Path dir = o.target().toAbsolutePath().getParent();
                Files.createDirectories(dir);
                Path tmp = createTemp(dir, o.target().getFileName().toString());
                tmps.add(tmp);
                encode(o, tmp, opener);
                keepPermissions(o.target(), tmp);
            }
            for (int i = 0; i < outputs.size(); i++) {
                Path target = outputs.get(i).target();
                current = target;
                refuseNonRegular(target); // again: it may have appeared while encoding
                try {
                    Files.move(tmps.get(i), target, StandardCopyOption.ATOMIC_MOVE,
                            StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmps.get(i), target, StandardCopyOption.REPLACE_EXISTING);
                }
                moved.add(target);
            }
            tmps.clear();
            moved.clear();
        } catch (RefusedException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new IOException("cannot write " + current + ": " + describe(e), e);
        } finally {
            for (Path p : tmps) {
                deleteQuietly(p);
            }
            for (Path p : moved) { // all or none
                deleteQuietly(p);
            }
        }
    }

    private static void encode(Output o, Path tmp, Opener opener) throws IOException {
        Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName(o.format());
        if (!writers.hasNext()) {
            throw new IOException("no ImageIO writer for format " + o.format());
        }
        ImageWriter writer = writers.next();
        try (OutputStream os = new BufferedOutputStream(opener.open(tmp));
             ImageOutputStream ios = new MemoryCacheImageOutputStream(os)) {
            writer.setOutput(ios);
            writer.write(null, new IIOImage(o.image(), null, null), null);
            ios.flush();
        } finally {
            writer.dispose();
        }
    }

    /**
     * Creates {@code .NAME.<random>.tmp} in {@code dir} with the default permissions (0666 less the umask), unlike
     * {@link Files#createTempFile}, which makes it 0600 for everyone's later reading of the moved file.
     */
    private static Path createTemp(Path dir, String name) throws IOException {
        for (int attempt = 0; ; attempt++) {
            String random = Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36);
            Path tmp = dir.resolve("." + name + "." + random + ".tmp");
            try {
                return Files.createFile(tmp);
            } catch (FileAlreadyExistsException e) {
                if (attempt > 100) {
                    throw e;
                }
            }
        }
    }

    /** Gives the new file the permissions of the regular file it replaces (a rerun keeps a chmod 664). */
    private static void keepPermissions(Path target, Path tmp) throws IOException {
        try {
            Set<PosixFilePermission> old = Files.getPosixFilePermissions(target, LinkOption.NOFOLLOW_LINKS);
            Files.setPosixFilePermissions(tmp, old);
        } catch (NoSuchFileException | UnsupportedOperationException e) {
            // new file, or a file system without POSIX permissions: the defaults stay
        }
    }

    /**
     * Refuses a target that exists and is not a regular file: moving over it would replace a device node, a FIFO, a
     * symbolic link (to {@code /proc/self/fd/1}, say) or a folder with a regular file.
     *
     * @param target the output file
     * @throws RefusedException if it exists and is not a regular file
     */
    static void refuseNonRegular(Path target) throws RefusedException {
        String kind;
        try {
            BasicFileAttributes a = Files.readAttributes(target, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (a.isRegularFile()) {
                return;
            }
            kind = kind(target, a);
        } catch (IOException e) {
            return; // does not exist (or cannot be inspected: the write itself reports it)
        }
        throw new RefusedException("cannot write " + target + ": it is " + kind
                + ", not a regular file; not replacing it (choose another output)");
    }

    /** "a symbolic link", "a directory", "a FIFO", "a character device", ... */
    static String kind(Path p, BasicFileAttributes a) {
        if (a.isSymbolicLink()) {
            return "a symbolic link";
        }
        if (a.isDirectory()) {
            return "a directory";
        }
        if (a.isRegularFile()) {
            return "a regular file";
        }
        try {
            int type = ((Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS)) & 0170000;
            switch (type) {
                case 0010000:
                    return "a FIFO (named pipe)";
                case 0020000:
                    return "a character device";
                case 0060000:
                    return "a block device";
                case 0140000:
                    return "a socket";
                default:
                    break;
            }
        } catch (IOException | RuntimeException e) {
            // no unix view: fall through
        }
        return "a special file";
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // best effort; the original failure is what the user needs to see
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
