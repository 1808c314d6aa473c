package io.smfd.eval;

import io.smfd.FaceImage;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * Reads one split of the CelebAMask-HQ mini data set ({@code <root>/<split>/images/NNNN.jpg} and
 * {@code <root>/<split>/masks/NNNN.png}) at run time. The faces are under a non-commercial licence:
 * nothing read here, nor any image derived from it, may be committed.
 *
 * <p>Masks are palette PNGs with one CelebAMask-HQ class index (0..18) per pixel; indices are read
 * from the raster of the {@link IndexColorModel} image ({@code getRaster().getSample}), never via RGB,
 * and mapped to the model's 8 groups with {@link #CELEBA_TO_GROUP} (same table as
 * {@code training/model.py}).
 */
public final class FaceDataset {

    /** Conventional directory name of the data set under {@code shared/data}. */
    public static final String DATASET_DIR = "celebamask-hq-mini";

    /** The model's grouped classes, in output order. */
    public static final List<String> GROUP_NAMES =
            List.of("background", "skin", "brows", "eyes", "nose", "mouth", "hair", "accessories");

    /** Group index of the eyes class. */
    public static final int GROUP_EYES = 3;
    /** Group index of the mouth class. */
    public static final int GROUP_MOUTH = 5;

    /**
     * CelebAMask-HQ class index (0..18) to group index (0..7): background(0, 18), skin(1, 8, 9, 17),
     * brows(6, 7), eyes(4, 5), nose(2), mouth(10, 11, 12), hair(13), accessories(3, 14, 15, 16).
     */
    static final int[] CELEBA_TO_GROUP = {0, 1, 4, 7, 3, 3, 2, 2, 1, 1, 5, 5, 5, 6, 7, 7, 7, 1, 0};

    private final Path splitDir;

    /**
     * Opens a split.
     *
     * @param root  the data set root (containing {@code train/} and {@code eval/})
     * @param split {@code "eval"} or {@code "train"}
     */
    public FaceDataset(Path root, String split) {
        this.splitDir = root.resolve(split);
    }

    /**
     * Returns the split directory.
     *
     * @return {@code <root>/<split>}
     */
    public Path splitDir() {
        return splitDir;
    }

    /**
     * Lists the numeric image ids present in {@code images/}, ascending.
     *
     * @return the ids
     * @throws IOException if the directory cannot be listed
     */
    public List<Integer> ids() throws IOException {
        List<Integer> ids = new ArrayList<>();
        try (Stream<Path> s = Files.list(splitDir.resolve("images"))) {
            s.forEach(p -> {
                String name = p.getFileName().toString();
                if (name.matches("\\d+\\.jpg")) {
                    ids.add(Integer.parseInt(name.substring(0, name.length() - 4)));
                }
            });
        }
        ids.sort(null);
        return ids;
    }

    /**
     * Reads a face.
     *
     * @param id image id
     * @return the sharp face
     * @throws IOException if it cannot be read
     */
    public FaceImage image(int id) throws IOException {
        Path p = splitDir.resolve("images").resolve(fileName(id, "jpg"));
        BufferedImage img = ImageIO.read(p.toFile());
        if (img == null) {
            throw new IOException("not a readable image: " + p);
        }
        return FaceImage.fromBufferedImage(img);
    }

    /**
     * Reads the grouped ground-truth mask of a face.
     *
     * @param id image id
     * @return row-major group indices (0..7), or empty if the mask file is absent
     * @throws IOException if it exists but cannot be read or is not a palette image
     */
    public Optional<int[]> groupMask(int id) throws IOException {
        Path p = splitDir.resolve("masks").resolve(fileName(id, "png"));
        if (!Files.isRegularFile(p)) {
            return Optional.empty();
        }
        BufferedImage img = ImageIO.read(p.toFile());
        if (img == null) {
            throw new IOException("not a readable image: " + p);
        }
        return Optional.of(groupIndices(img, p.toString()));
    }

    /**
     * Maps the class indices of a palette image to group indices.
     *
     * @param img  a palette (IndexColorModel) or single-band grey image of CelebAMask-HQ indices
     * @param name name for error messages
     * @return row-major group indices
     * @throws IOException if the image is not single-band or holds an index above 18
     */
    static int[] groupIndices(BufferedImage img, String name) throws IOException {
        Raster r = img.getRaster();
        if (r.getNumBands() != 1) {
            throw new IOException(name + ": expected a palette (indexed) PNG with one band, got "
                    + r.getNumBands() + " bands (" + img.getColorModel().getClass().getSimpleName() + ")");
        }
        int w = img.getWidth();
        int h = img.getHeight();
        int[] out = new int[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int c = r.getSample(x, y, 0);
                if (c < 0 || c >= CELEBA_TO_GROUP.length) {
                    throw new IOException(name + ": class index " + c + " at (" + x + "," + y + ") is not 0..18");
                }
                out[y * w + x] = CELEBA_TO_GROUP[c];
            }
        }
        return out;
    }

    private static String fileName(int id, String ext) {
        return String.format("%04d.%s", id, ext);
    }

    /**
     * Finds the data set from the working directory: for the working directory and each of its
     * ancestors {@code d}, tries {@code d/../shared/data/celebamask-hq-mini} and
     * {@code d/shared/data/celebamask-hq-mini}; the system property {@code smfd.data} or the
     * environment variable {@code SMFD_DATA}, when set, take precedence.
     *
     * @return the data set root, if found
     */
    public static Optional<Path> locate() {
        for (String v : new String[] {System.getProperty("smfd.data"), System.getenv("SMFD_DATA")}) {
            if (v != null && !v.isBlank()) {
                Path p = Path.of(v);
                return Files.isDirectory(p) ? Optional.of(p.toAbsolutePath().normalize()) : Optional.empty();
            }
        }
        Path d = Path.of("").toAbsolutePath();
        while (d != null) {
            List<Path> candidates = new ArrayList<>();
            if (d.getParent() != null) {
                candidates.add(d.getParent().resolve("shared").resolve("data").resolve(DATASET_DIR));
            }
            candidates.add(d.resolve("shared").resolve("data").resolve(DATASET_DIR));
            for (Path c : candidates) {
                if (Files.isDirectory(c.resolve("eval").resolve("images"))) {
                    return Optional.of(c.normalize());
                }
            }
            d = d.getParent();
        }
        return Optional.empty();
    }
}
