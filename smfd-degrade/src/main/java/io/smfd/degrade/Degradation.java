package io.smfd.degrade;

import io.smfd.FaceImage;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * One sampled degradation: the blur kernel and parameters drawn from a seed by
 * {@link DegradationPipeline#sample(long)}, plus the post-blur settings (down-up scaling, noise,
 * JPEG). {@link #applyTo(FaceImage)} applies it to a face.
 *
 * <p>Steps of {@link #applyTo(FaceImage)}, in order:
 * <ol>
 *   <li>true 2-D convolution of each channel with {@link #kernel()}, mirror ("reflect", no edge
 *       repeat) borders;</li>
 *   <li>down-up scaling and noise, in the order given by {@link #noiseFirst()}: scaling is
 *       bilinear ({@code align_corners=False}, no antialias) to {@code round(w*s) x round(h*s)} and
 *       back; noise is realised from a SplitMix64 stream seeded with {@link #noiseSeed()}
 *       (Gaussian by Box-Muller; Poisson exactly, {@code Poisson(x*peak)/peak}), then clamped to
 *       [0, 1];</li>
 *   <li>quantisation to 8 bits per channel, then JPEG re-compression through ImageIO at
 *       {@link #jpegQuality()} (in memory) when present.</li>
 * </ol>
 * The result is therefore always 8-bit quantised, as in the training recipe.
 *
 * <p>Instances are immutable and thread-safe; {@link #applyTo(FaceImage)} is a pure function and
 * gives bit-identical results on every run and thread (for the same JDK).
 */
public final class Degradation {
    private final long seed;
    private final BlurFamily family;
    private final double[] kernel;
    private final int kernelSize;
    private final Map<String, Double> parameters;
    private final double scale; // NaN = none
    private final boolean noiseFirst;
    private final NoiseType noiseType; // null = none
    private final double noiseLevel;
    private final int jpegQuality; // 0 = none
    private final long noiseSeed;

    Degradation(long seed, BlurFamily family, double[] kernel, int kernelSize,
                Map<String, Double> parameters, double scale, boolean noiseFirst,
                NoiseType noiseType, double noiseLevel, int jpegQuality, long noiseSeed) {
        this.seed = seed;
        this.family = family;
        this.kernel = kernel;
        this.kernelSize = kernelSize;
        this.parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
        this.scale = scale;
        this.noiseFirst = noiseFirst;
        this.noiseType = noiseType;
        this.noiseLevel = noiseLevel;
        this.jpegQuality = jpegQuality;
        this.noiseSeed = noiseSeed;
    }

    /** @return the seed this degradation was drawn from */
    public long seed() {
        return seed;
    }

    /** @return the blur family */
    public BlurFamily family() {
        return family;
    }

    /** @return the side length of the square kernel (odd) */
    public int kernelSize() {
        return kernelSize;
    }

    /**
     * The blur kernel, row-major {@code kernelSize() x kernelSize()}: non-negative, summing to 1,
     * centred on the middle pixel. Identical (to within 1e-9) to the kernel of
     * {@code training/degrade.py} for the same seed under the default pipeline.
     *
     * @return a new copy of the kernel
     */
    public double[] kernel() {
        return kernel.clone();
    }

    /**
     * The blur parameters in draw order, keyed as in {@code training/degrade.py}: trajectory
     * {@code size, length, angle, anxiety, impulse, shake, centripetal, exposure}; linear
     * {@code length, angle}; gaussian {@code sigma1, sigma2, theta}; defocus {@code radius}.
     * Angles are in degrees, lengths and radii in pixels (trajectory length as a fraction of
     * {@code size - 1}).
     *
     * @return an unmodifiable map
     */
    public Map<String, Double> parameters() {
        return parameters;
    }

    /** @return the down-up scale factor, or empty when no scaling is applied */
    public OptionalDouble scale() {
        return Double.isNaN(scale) ? OptionalDouble.empty() : OptionalDouble.of(scale);
    }

    /**
     * @return whether noise is added before the down-up scaling (only matters when both are
     *         present)
     */
    public boolean noiseFirst() {
        return noiseFirst;
    }

    /** @return the noise model, or empty when no noise is added */
    public Optional<NoiseType> noiseType() {
        return Optional.ofNullable(noiseType);
    }

    /**
     * @return the noise level: for {@link NoiseType#GAUSSIAN} the standard deviation in units of
     *         1/255, for {@link NoiseType#POISSON} the peak; empty when no noise is added
     */
    public OptionalDouble noiseLevel() {
        return noiseType == null ? OptionalDouble.empty() : OptionalDouble.of(noiseLevel);
    }

    /** @return the JPEG quality (1..100), or empty when no JPEG re-compression is applied */
    public OptionalInt jpegQuality() {
        return jpegQuality == 0 ? OptionalInt.empty() : OptionalInt.of(jpegQuality);
    }

    /** @return the 64-bit seed of the noise realisation (drawn last from the seed's stream) */
    public long noiseSeed() {
        return noiseSeed;
    }

    /**
     * Applies this degradation to a face (see the class documentation for the steps).
     *
     * @param face the sharp face, not modified
     * @return a new degraded face of the same size
     * @throws NullPointerException if {@code face} is null
     */
    public FaceImage applyTo(FaceImage face) {
        Objects.requireNonNull(face, "face");
        int w = face.width();
        int h = face.height();
        float[] p = ImageOps.convolve(face.toPlanarFloat(), w, h, kernel, kernelSize);
        ImageOps.clamp01(p);
        if (noiseFirst) {
            addNoise(p);
            p = downUp(p, w, h);
        } else {
            p = downUp(p, w, h);
            addNoise(p);
        }
        ImageOps.clamp01(p);
        ImageOps.quantise8(p);
        if (jpegQuality != 0) {
            p = ImageOps.jpeg(p, w, h, jpegQuality);
        }
        return FaceImage.fromPlanarFloat(w, h, p);
    }

    private float[] downUp(float[] p, int w, int h) {
        return Double.isNaN(scale) ? p : ImageOps.downUp(p, w, h, scale);
    }

    private void addNoise(float[] p) {
        if (noiseType == NoiseType.GAUSSIAN) {
            ImageOps.gaussianNoise(p, noiseLevel / 255.0, new SplitMix64(noiseSeed));
        } else if (noiseType == NoiseType.POISSON) {
            ImageOps.poissonNoise(p, noiseLevel, new SplitMix64(noiseSeed));
        }
    }

    /**
     * A short human-readable summary, e.g.
     * {@code "linear length=12.5 angle=30 k=15 | scale 0.70 | gauss 5/255 | jpeg 60"}.
     *
     * @return the description
     */
    public String describe() {
        StringBuilder sb = new StringBuilder(family.name().toLowerCase(Locale.ROOT));
        for (Map.Entry<String, Double> e : parameters.entrySet()) {
            sb.append(' ').append(e.getKey()).append('=').append(num(e.getValue()));
        }
        sb.append(" k=").append(kernelSize);
        String sc = Double.isNaN(scale) ? null : "scale " + num(scale);
        String nz = null;
        if (noiseType == NoiseType.GAUSSIAN) {
            nz = "gauss " + num(noiseLevel) + "/255";
        } else if (noiseType == NoiseType.POISSON) {
            nz = "poisson peak " + num(noiseLevel);
        }
        if (noiseFirst) {
            appendStep(sb, nz);
            appendStep(sb, sc);
        } else {
            appendStep(sb, sc);
            appendStep(sb, nz);
        }
        if (jpegQuality != 0) {
            appendStep(sb, "jpeg " + jpegQuality);
        }
        return sb.toString();
    }

    private static void appendStep(StringBuilder sb, String s) {
        if (s != null) {
            sb.append(" | ").append(s);
        }
    }

    private static String num(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e9) {
            return Long.toString((long) v);
        }
        String s = String.format(Locale.ROOT, "%.3f", v);
        s = s.replaceAll("0+$", "");
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }

    @Override
    public String toString() {
        return "Degradation[seed=" + seed + ", " + describe() + "]";
    }
}
