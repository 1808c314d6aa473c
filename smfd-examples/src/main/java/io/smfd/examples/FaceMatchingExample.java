package io.smfd.examples;

import io.smfd.Deblurrer;
import io.smfd.FaceImage;
import io.smfd.SmfdException;
import io.smfd.degrade.Degradation;
import io.smfd.degrade.DegradationPipeline;
import io.smfd.identity.FaceDescriptor;
import io.smfd.identity.MobileFace;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import javax.imageio.ImageIO;

/**
 * Where SMFD sits in a face-matching pipeline: <em>detect and align</em> (done by the caller; SMFD
 * takes aligned crops) &rarr; <b>deblur</b> &rarr; <em>embed</em> &rarr; <em>compare</em>.
 *
 * <p>The example enrols a sharp aligned face (the gallery image), degrades a copy of it with the spec-v1
 * pipeline and a seed as a stand-in for a blurry probe (e.g. a CCTV frame), deblurs the probe, and prints the
 * face-descriptor distance of the gallery to the blurry probe and to the deblurred probe, plus, for scale, to a
 * different person, each with the matcher's decision at the same-person threshold 0.6. The matcher is
 * {@link FaceDescriptor} (the dlib ResNet face descriptor, 128-D, Euclidean distance, from {@code smfd-identity});
 * the same distances are also printed for {@link MobileFace}, an ArcFace-family embedding (256-D, cosine
 * distance, no published threshold) as most integrators use. In production use your own face-recognition model,
 * the rest stays the same:
 *
 * <pre>{@code
 * try (Deblurrer deblurrer = Deblurrer.create()) {          // once per application, thread-safe
 *     FaceImage probe = FaceImage.fromBufferedImage(alignedCrop);
 *     float[] e = yourModel.embed(deblurrer.deblur(probe));  // deblur right before embedding
 *     boolean same = distance(e, galleryEmbedding) < yourThreshold;
 * }
 * }</pre>
 *
 * Run: {@code java -jar smfd-examples/target/smfd-examples.jar
 * [--gallery FACE] [--other FACE] [--seed N] [--backend NAME]} (add
 * {@code --enable-native-access=ALL-UNNAMED} on JDK 22+); the defaults are held-out faces 4500 and
 * 4501 of {@code ../shared/data/celebamask-hq-mini/eval/images}.
 */
public final class FaceMatchingExample {

    /** Default seed of the probe degradation. */
    public static final long DEFAULT_SEED = 3;

    private FaceMatchingExample() {
    }

    /**
     * Descriptor distances measured by {@link #compare} (Euclidean; same person below
     * {@link FaceDescriptor#SAME_PERSON_THRESHOLD}).
     *
     * @param backend     the SMFD backend that deblurred the probe
     * @param degradation description of the degradation applied to make the probe
     * @param blurry      distance of gallery and blurry probe
     * @param deblurred   distance of gallery and deblurred probe
     * @param other       distance of gallery and a different person's face, or NaN if none was given
     * @param deblurMillis time of the deblur call
     * @param arcFace     the same three distances with {@link MobileFace} (cosine), or NaNs when not measured
     */
    public record Result(String backend, String degradation, double blurry, double deblurred, double other,
            double deblurMillis, double[] arcFace) {
    }

    /**
     * The matcher's decision for a distance.
     *
     * @param distance a descriptor distance
     * @return {@code "same person"} below {@link FaceDescriptor#SAME_PERSON_THRESHOLD}, else {@code "different person"}
     */
    public static String decision(double distance) {
        return distance < FaceDescriptor.SAME_PERSON_THRESHOLD ? "same person" : "different person";
    }

    /**
     * Degrades the gallery face with {@code seed} into a probe, deblurs it and compares.
     *
     * @param deblurrer  the deblurrer to use
     * @param descriptor the face matcher's descriptor
     * @param gallery    a sharp aligned face crop
     * @param other      optionally, another person's aligned face crop (may be null)
     * @param seed       seed of the spec-v1 degradation
     * @return the distances
     */
    public static Result compare(Deblurrer deblurrer, FaceDescriptor descriptor, FaceImage gallery, FaceImage other,
                                 long seed) {
        return compare(deblurrer, descriptor, null, gallery, other, seed);
    }

    /**
     * As {@link #compare(Deblurrer, FaceDescriptor, FaceImage, FaceImage, long)}, also measuring the distances
     * with an ArcFace-family matcher.
     *
     * @param deblurrer  the deblurrer to use
     * @param descriptor the dlib face descriptor
     * @param arcFace    the ArcFace-family matcher, or null to skip it
     * @param gallery    a sharp aligned face crop
     * @param other      optionally, another person's aligned face crop (may be null)
     * @param seed       seed of the spec-v1 degradation
     * @return the distances
     */
    public static Result compare(Deblurrer deblurrer, FaceDescriptor descriptor, MobileFace arcFace, FaceImage gallery,
                                 FaceImage other, long seed) {
        Objects.requireNonNull(deblurrer, "deblurrer");
        Objects.requireNonNull(descriptor, "descriptor");
        Objects.requireNonNull(gallery, "gallery");
        Degradation d = DegradationPipeline.defaults().sample(seed);
        FaceImage probe = d.applyTo(gallery);

        long t0 = System.nanoTime();
        FaceImage restored = deblurrer.deblur(probe); // <- SMFD: between alignment and embedding
        double ms = (System.nanoTime() - t0) / 1e6;

        float[][] e = descriptor.describeAll(other == null ? List.of(gallery, probe, restored)
                : List.of(gallery, probe, restored, other)); // enrol + embed, one batch
        double blurry = FaceDescriptor.distance(e[0], e[1]);
        double deblurred = FaceDescriptor.distance(e[0], e[2]);
        double otherDistance = other == null ? Double.NaN : FaceDescriptor.distance(e[0], e[3]);
        double[] arc = {Double.NaN, Double.NaN, Double.NaN};
        if (arcFace != null) {
            float[][] a = arcFace.embedAligned(other == null ? List.of(gallery, probe, restored)
                    : List.of(gallery, probe, restored, other));
            arc[0] = MobileFace.cosineDistance(a[0], a[1]);
            arc[1] = MobileFace.cosineDistance(a[0], a[2]);
            arc[2] = other == null ? Double.NaN : MobileFace.cosineDistance(a[0], a[3]);
        }
        return new Result(deblurrer.backendName(), d.describe(), blurry, deblurred, otherDistance, ms, arc);
    }

    /**
     * Entry point.
     *
     * @param args {@code [--gallery FACE] [--other FACE] [--seed N] [--backend NAME]}
     */
    public static void main(String[] args) {
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        try {
            System.exit(run(args));
        } catch (IllegalArgumentException e) {
            System.err.println("face-matching: " + e.getMessage());
            System.err.println("Usage: FaceMatchingExample [--gallery FACE] [--other FACE] [--seed N] [--backend NAME]");
            System.exit(2);
        } catch (IOException | SmfdException e) {
            System.err.println("face-matching: " + e.getMessage());
            System.exit(1);
        }
    }

    static int run(String[] args) throws IOException {
        Path gallery = null;
        Path other = null;
        long seed = DEFAULT_SEED;
        String backend = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("unknown option or missing value: " + a);
            }
            switch (a) {
                case "--gallery" -> gallery = Path.of(args[++i]);
                case "--other" -> other = Path.of(args[++i]);
                case "--seed" -> seed = Long.parseLong(args[++i]);
                case "--backend" -> backend = args[++i];
                default -> throw new IllegalArgumentException("unknown option " + a);
            }
        }
        if (gallery == null) {
            Path eval = defaultEvalImages();
            if (eval == null) {
                throw new IllegalArgumentException("no --gallery given and ../shared/data/celebamask-hq-mini/"
                        + "eval/images not found from " + Path.of("").toAbsolutePath());
            }
            gallery = eval.resolve("4500.jpg");
            if (other == null) {
                other = eval.resolve("4501.jpg");
            }
        }
        FaceImage galleryFace = read(gallery); // fail on bad paths before loading the model
        FaceImage otherFace = other == null ? null : read(other);
        Deblurrer.Builder b = Deblurrer.builder();
        if (backend != null) {
            b.backend(backend);
        }
        Result r;
        try (Deblurrer d = b.build(); FaceDescriptor fd = FaceDescriptor.create(); MobileFace mf = MobileFace.create()) {
            r = compare(d, fd, mf, galleryFace, otherFace, seed);
        }
        System.out.println("Gallery:  " + gallery + " (sharp, aligned; enrolled)");
        System.out.println("Probe:    the same face degraded with seed " + seed + ": " + r.degradation());
        System.out.printf(Locale.ROOT, "Distance = Euclidean distance of dlib face descriptors (0 = identical; same person"
                + " below %.1f):%n", FaceDescriptor.SAME_PERSON_THRESHOLD);
        System.out.printf(Locale.ROOT, "  gallery vs blurry probe      %.4f   -> %s%n", r.blurry(), decision(r.blurry()));
        System.out.printf(Locale.ROOT, "  gallery vs deblurred probe   %.4f   -> %s   (SMFD backend %s, %.0f ms)%n",
                r.deblurred(), decision(r.deblurred()), r.backend(), r.deblurMillis());
        if (!Double.isNaN(r.other())) {
            System.out.printf(Locale.ROOT, "  gallery vs other person      %.4f   -> %s   (%s, an impostor)%n", r.other(),
                    decision(r.other()), other);
        }
        System.out.println("ArcFace-family matcher (mobileface, cosine distance; no published threshold, different people"
                + " are typically 0.3-0.9 apart):");
        System.out.printf(Locale.ROOT, "  gallery vs blurry probe      %.4f%n", r.arcFace()[0]);
        System.out.printf(Locale.ROOT, "  gallery vs deblurred probe   %.4f%n", r.arcFace()[1]);
        if (!Double.isNaN(r.arcFace()[2])) {
            System.out.printf(Locale.ROOT, "  gallery vs other person      %.4f%n", r.arcFace()[2]);
        }
        return 0;
    }

    private static FaceImage read(Path p) throws IOException {
        if (!Files.isRegularFile(p)) {
            throw new IOException("no such file: " + p);
        }
        BufferedImage img = ImageIO.read(p.toFile());
        if (img == null) {
            throw new IOException("not a readable image: " + p);
        }
        return FaceImage.fromBufferedImage(img);
    }

    /**
     * Finds {@code shared/data/celebamask-hq-mini/eval/images} beside or above the working directory.
     *
     * @return the folder, or null if not found
     */
    static Path defaultEvalImages() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            for (Path base : new Path[] {d.resolve("shared"), d.resolveSibling("shared")}) {
                if (base == null) {
                    continue;
                }
                Path p = base.resolve("data").resolve("celebamask-hq-mini").resolve("eval").resolve("images");
                if (Files.isDirectory(p)) {
                    return p;
                }
            }
        }
        return null;
    }
}
