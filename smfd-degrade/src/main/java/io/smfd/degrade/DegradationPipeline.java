package io.smfd.degrade;

import io.smfd.FaceImage;
import java.math.BigInteger;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A randomized, seed-reproducible face degradation pipeline: one blur (camera-shake trajectory,
 * linear motion, Gaussian or defocus), then down-up scaling and additive noise in random order,
 * then JPEG re-compression, each with a configurable probability and parameter ranges.
 *
 * <p>{@link #defaults()} is <b>spec v1</b>, the distribution SMFD-UNet is trained on. It is a
 * port of the reference {@code training/degrade.py}: for the same seed both draw the same
 * parameters from the same SplitMix64 stream in the same order and render the same kernel (a
 * cross-language test checks 1e-9 agreement). Draw order for a seed:
 * <ol>
 *   <li>family: one uniform {@code u}; trajectory if {@code u < w_T}, linear if
 *       {@code u < w_T + w_L}, gaussian if {@code u < w_T + w_L + w_G}, else defocus (weights
 *       normalised; defaults 0.35 / 0.20 / 0.25 / 0.20);</li>
 *   <li>the family's parameters in {@link Parameter} order (gaussian: first
 *       {@code bernoulli(isotropic)}, then one sigma, or two sigmas and a theta), then for the
 *       trajectory its random path (two normals per step, plus jerk draws);</li>
 *   <li>{@code bernoulli(scale)} then the scale factor; {@code bernoulli(noiseFirst)};
 *       {@code bernoulli(noise)} then {@code bernoulli(gaussianNoise)} and its level;
 *       {@code bernoulli(jpeg)} then the quality; finally one 64-bit noise seed.</li>
 * </ol>
 *
 * <p>Defaults: family weights 0.35/0.20/0.25/0.20, isotropic Gaussian probability 0.5, scale
 * probability 0.2, noise-first probability 0.5, noise probability 0.7 (Gaussian share 0.6), JPEG
 * probability 0.6, and the ranges of {@link Parameter#defaultRange()}.
 *
 * <p>The number of distinct discrete choices, {@link #scenarioCount()}, is about 1.2e15 for the
 * defaults (see {@code docs/degradation.md}), above the 1.74e12 scenarios quoted for SMFD-UNet.
 *
 * <p>Instances are immutable and thread-safe: {@link #sample(long)} and
 * {@link #apply(FaceImage, long)} may be called concurrently and are pure functions of their
 * arguments.
 */
public final class DegradationPipeline {
    private static final DegradationPipeline DEFAULTS = builder().build();

    private final double[] familyWeights; // T, L, G, D (as given)
    private final double c1;
    private final double c2;
    private final double c3;
    private final EnumMap<Parameter, Range> ranges;
    private final double isotropicProbability;
    private final double scaleProbability;
    private final double noiseFirstProbability;
    private final double noiseProbability;
    private final double gaussianNoiseProbability;
    private final double jpegProbability;

    private DegradationPipeline(Builder b) {
        this.familyWeights = b.familyWeights.clone();
        double total = familyWeights[0] + familyWeights[1] + familyWeights[2] + familyWeights[3];
        this.c1 = familyWeights[0] / total;
        this.c2 = (familyWeights[0] + familyWeights[1]) / total;
        this.c3 = (familyWeights[0] + familyWeights[1] + familyWeights[2]) / total;
        this.ranges = new EnumMap<>(b.ranges);
        this.isotropicProbability = b.isotropicProbability;
        this.scaleProbability = b.scaleProbability;
        this.noiseFirstProbability = b.noiseFirstProbability;
        this.noiseProbability = b.noiseProbability;
        this.gaussianNoiseProbability = b.gaussianNoiseProbability;
        this.jpegProbability = b.jpegProbability;
    }

    /**
     * The spec-v1 pipeline: the training distribution of SMFD-UNet (same as
     * {@code builder().build()}).
     *
     * @return the shared default pipeline
     */
    public static DegradationPipeline defaults() {
        return DEFAULTS;
    }

    /** @return a new builder initialised with the spec-v1 defaults */
    public static Builder builder() {
        return new Builder();
    }

    /** @return a new builder initialised with this pipeline's settings */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.familyWeights = familyWeights.clone();
        b.ranges.putAll(ranges);
        b.isotropicProbability = isotropicProbability;
        b.scaleProbability = scaleProbability;
        b.noiseFirstProbability = noiseFirstProbability;
        b.noiseProbability = noiseProbability;
        b.gaussianNoiseProbability = gaussianNoiseProbability;
        b.jpegProbability = jpegProbability;
        return b;
    }

    /**
     * @param p a parameter
     * @return its configured range
     */
    public Range range(Parameter p) {
        return ranges.get(Objects.requireNonNull(p, "p"));
    }

    /**
     * Draws the degradation for a seed (parameters and kernel; no image work).
     *
     * @param seed any 64-bit seed
     * @return the degradation; equal seeds give equal degradations
     */
    public Degradation sample(long seed) {
        SplitMix64 rng = new SplitMix64(seed);
        double u = rng.uniform();
        Map<String, Double> p = new LinkedHashMap<>();
        BlurFamily fam;
        double[] ker;
        int k;
        if (u < c1) {
            fam = BlurFamily.TRAJECTORY;
            k = (int) draw(rng, Parameter.TRAJECTORY_SIZE, p);
            double length = draw(rng, Parameter.TRAJECTORY_LENGTH, p);
            double angle = draw(rng, Parameter.TRAJECTORY_ANGLE, p);
            double anxiety = draw(rng, Parameter.TRAJECTORY_ANXIETY, p);
            double impulse = draw(rng, Parameter.TRAJECTORY_IMPULSE, p);
            double shake = draw(rng, Parameter.TRAJECTORY_SHAKE, p);
            double centripetal = draw(rng, Parameter.TRAJECTORY_CENTRIPETAL, p);
            double exposure = draw(rng, Parameter.TRAJECTORY_EXPOSURE, p);
            ker = Kernels.trajectory(rng, k, length, angle, anxiety, impulse, shake, centripetal,
                    exposure);
        } else if (u < c2) {
            fam = BlurFamily.LINEAR;
            double length = draw(rng, Parameter.LINEAR_LENGTH, p);
            double angle = draw(rng, Parameter.LINEAR_ANGLE, p);
            ker = Kernels.linear(length, angle);
            k = Kernels.linearSize(length);
        } else if (u < c3) {
            fam = BlurFamily.GAUSSIAN;
            Range sig = ranges.get(Parameter.GAUSSIAN_SIGMA);
            double s1;
            double s2;
            double theta;
            if (rng.bernoulli(isotropicProbability)) {
                s1 = sig.draw(rng);
                s2 = s1;
                theta = 0.0;
            } else {
                s1 = sig.draw(rng);
                s2 = sig.draw(rng);
                theta = ranges.get(Parameter.GAUSSIAN_THETA).draw(rng);
            }
            p.put("sigma1", s1);
            p.put("sigma2", s2);
            p.put("theta", theta);
            ker = Kernels.gaussian(s1, s2, theta);
            k = Kernels.gaussianSize(s1, s2);
        } else {
            fam = BlurFamily.DEFOCUS;
            double radius = draw(rng, Parameter.DEFOCUS_RADIUS, p);
            ker = Kernels.defocus(radius);
            k = Kernels.defocusSize(radius);
        }
        double scale = rng.bernoulli(scaleProbability)
                ? ranges.get(Parameter.SCALE_FACTOR).draw(rng) : Double.NaN;
        boolean noiseFirst = rng.bernoulli(noiseFirstProbability);
        NoiseType noise = null;
        double level = 0.0;
        if (rng.bernoulli(noiseProbability)) {
            if (rng.bernoulli(gaussianNoiseProbability)) {
                noise = NoiseType.GAUSSIAN;
                level = ranges.get(Parameter.GAUSSIAN_NOISE_SIGMA).draw(rng);
            } else {
                noise = NoiseType.POISSON;
                level = ranges.get(Parameter.POISSON_NOISE_PEAK).draw(rng);
            }
        }
        int jpeg = rng.bernoulli(jpegProbability)
                ? (int) ranges.get(Parameter.JPEG_QUALITY).draw(rng) : 0;
        long subseed = rng.next();
        return new Degradation(seed, fam, ker, k, p, scale, noiseFirst, noise, level, jpeg,
                subseed);
    }

    private double draw(SplitMix64 rng, Parameter param, Map<String, Double> out) {
        double v = ranges.get(param).draw(rng);
        out.put(param.key(), v);
        return v;
    }

    /**
     * Degrades a face: {@code sample(seed).applyTo(face)}.
     *
     * @param face the sharp face, not modified
     * @param seed any 64-bit seed
     * @return a new degraded face, bit-identical for equal arguments on every run and thread
     * @throws NullPointerException if {@code face} is null
     */
    public FaceImage apply(FaceImage face, long seed) {
        Objects.requireNonNull(face, "face");
        return sample(seed).applyTo(face);
    }

    /**
     * The number of distinct degradation scenarios selectable by the discrete draws of this
     * pipeline (a lower bound on its variety: the trajectory's random path, drawn from a
     * continuum, counts as one, and the noise realisation is not counted):
     * <pre>
     * blur  = [T] size*length*angle*anxiety*impulse*shake*centripetal*exposure
     *       + [L] length*angle
     *       + [G] ([iso] sigma + [aniso] sigma*sigma*theta)
     *       + [D] radius
     * noise = [noNoise] 1 + [noise] ([gauss] gaussLevels + [poisson] poissonLevels)
     * post  = [noScale] (1 + noiseLevels) + [scale] scaleLevels*(1 + noiseLevels*orders)
     * jpeg  = [noJpeg] 1 + [jpeg] qualityLevels
     * count = blur * post * jpeg
     * </pre>
     * where {@code [x]} is 1 when that outcome has non-zero probability (family weight or
     * probability) and 0 otherwise, {@code noiseLevels} the bracketed noise sum, and
     * {@code orders} the number of possible noise/scale orders (1 or 2). For the defaults this is
     * 32,774,787,605 * 656 * 57 = 1,225,514,858,126,160 (about 1.2e15).
     *
     * @return the exact count
     */
    public BigInteger scenarioCount() {
        BigInteger blur = BigInteger.ZERO;
        if (familyWeights[0] > 0) {
            blur = blur.add(levels(Parameter.TRAJECTORY_SIZE, Parameter.TRAJECTORY_LENGTH,
                    Parameter.TRAJECTORY_ANGLE, Parameter.TRAJECTORY_ANXIETY,
                    Parameter.TRAJECTORY_IMPULSE, Parameter.TRAJECTORY_SHAKE,
                    Parameter.TRAJECTORY_CENTRIPETAL, Parameter.TRAJECTORY_EXPOSURE));
        }
        if (familyWeights[1] > 0) {
            blur = blur.add(levels(Parameter.LINEAR_LENGTH, Parameter.LINEAR_ANGLE));
        }
        if (familyWeights[2] > 0) {
            if (isotropicProbability > 0) {
                blur = blur.add(levels(Parameter.GAUSSIAN_SIGMA));
            }
            if (isotropicProbability < 1) {
                blur = blur.add(levels(Parameter.GAUSSIAN_SIGMA, Parameter.GAUSSIAN_SIGMA,
                        Parameter.GAUSSIAN_THETA));
            }
        }
        if (familyWeights[3] > 0) {
            blur = blur.add(levels(Parameter.DEFOCUS_RADIUS));
        }
        BigInteger noiseLevels = BigInteger.ZERO;
        if (noiseProbability > 0) {
            if (gaussianNoiseProbability > 0) {
                noiseLevels = noiseLevels.add(levels(Parameter.GAUSSIAN_NOISE_SIGMA));
            }
            if (gaussianNoiseProbability < 1) {
                noiseLevels = noiseLevels.add(levels(Parameter.POISSON_NOISE_PEAK));
            }
        }
        BigInteger noNoise = noiseProbability < 1 ? BigInteger.ONE : BigInteger.ZERO;
        long orders = (noiseFirstProbability > 0 ? 1 : 0) + (noiseFirstProbability < 1 ? 1 : 0);
        BigInteger post = BigInteger.ZERO;
        if (scaleProbability < 1) {
            post = post.add(noNoise.add(noiseLevels));
        }
        if (scaleProbability > 0) {
            post = post.add(levels(Parameter.SCALE_FACTOR)
                    .multiply(noNoise.add(noiseLevels.multiply(BigInteger.valueOf(orders)))));
        }
        BigInteger jpeg = BigInteger.ZERO;
        if (jpegProbability < 1) {
            jpeg = jpeg.add(BigInteger.ONE);
        }
        if (jpegProbability > 0) {
            jpeg = jpeg.add(levels(Parameter.JPEG_QUALITY));
        }
        return blur.multiply(post).multiply(jpeg);
    }

    private BigInteger levels(Parameter... ps) {
        BigInteger r = BigInteger.ONE;
        for (Parameter p : ps) {
            r = r.multiply(BigInteger.valueOf(ranges.get(p).levels()));
        }
        return r;
    }

    @Override
    public String toString() {
        return "DegradationPipeline[weights T/L/G/D=" + familyWeights[0] + "/" + familyWeights[1]
                + "/" + familyWeights[2] + "/" + familyWeights[3] + ", iso=" + isotropicProbability
                + ", scale=" + scaleProbability + ", noiseFirst=" + noiseFirstProbability
                + ", noise=" + noiseProbability + ", gaussianNoise=" + gaussianNoiseProbability
                + ", jpeg=" + jpegProbability + ", ranges=" + ranges + "]";
    }

    /**
     * Mutable builder of a {@link DegradationPipeline}, initialised with the spec-v1 defaults.
     * Setters store their arguments; {@link #build()} validates them. Not thread-safe.
     */
    public static final class Builder {
        private double[] familyWeights = {0.35, 0.20, 0.25, 0.20};
        private final EnumMap<Parameter, Range> ranges = new EnumMap<>(Parameter.class);
        private double isotropicProbability = 0.5;
        private double scaleProbability = 0.2;
        private double noiseFirstProbability = 0.5;
        private double noiseProbability = 0.7;
        private double gaussianNoiseProbability = 0.6;
        private double jpegProbability = 0.6;

        private Builder() {
            for (Parameter p : Parameter.values()) {
                ranges.put(p, p.defaultRange());
            }
        }

        /**
         * Relative weights of the blur families (normalised by their sum). Default
         * 0.35 / 0.20 / 0.25 / 0.20.
         *
         * @param trajectory camera-shake trajectory weight
         * @param linear     linear motion weight
         * @param gaussian   Gaussian weight
         * @param defocus    defocus weight
         * @return this builder
         */
        public Builder familyWeights(double trajectory, double linear, double gaussian,
                                     double defocus) {
            this.familyWeights = new double[] {trajectory, linear, gaussian, defocus};
            return this;
        }

        /**
         * Sets the range of one parameter.
         *
         * @param parameter the parameter
         * @param range     its range; must lie within the parameter's allowed bounds
         * @return this builder
         * @throws NullPointerException if an argument is null
         */
        public Builder range(Parameter parameter, Range range) {
            ranges.put(Objects.requireNonNull(parameter, "parameter"),
                    Objects.requireNonNull(range, "range"));
            return this;
        }

        /**
         * @param p probability that a Gaussian blur is isotropic (default 0.5)
         * @return this builder
         */
        public Builder isotropicGaussianProbability(double p) {
            this.isotropicProbability = p;
            return this;
        }

        /**
         * @param p probability of down-up scaling (default 0.2)
         * @return this builder
         */
        public Builder scaleProbability(double p) {
            this.scaleProbability = p;
            return this;
        }

        /**
         * @param p probability that noise is added before scaling (default 0.5)
         * @return this builder
         */
        public Builder noiseFirstProbability(double p) {
            this.noiseFirstProbability = p;
            return this;
        }

        /**
         * @param p probability of adding noise (default 0.7)
         * @return this builder
         */
        public Builder noiseProbability(double p) {
            this.noiseProbability = p;
            return this;
        }

        /**
         * @param p probability that added noise is Gaussian rather than Poisson (default 0.6)
         * @return this builder
         */
        public Builder gaussianNoiseProbability(double p) {
            this.gaussianNoiseProbability = p;
            return this;
        }

        /**
         * @param p probability of JPEG re-compression (default 0.6)
         * @return this builder
         */
        public Builder jpegProbability(double p) {
            this.jpegProbability = p;
            return this;
        }

        /**
         * Validates the settings and builds the pipeline.
         *
         * @return a new immutable pipeline
         * @throws IllegalArgumentException if a weight is negative or not finite, all weights are
         *                                  zero, a probability is outside [0, 1], or a range lies
         *                                  outside its parameter's allowed bounds (the message
         *                                  names the offending setting)
         */
        public DegradationPipeline build() {
            double sum = 0.0;
            String[] names = {"trajectory", "linear", "gaussian", "defocus"};
            for (int i = 0; i < 4; i++) {
                double w = familyWeights[i];
                if (!Double.isFinite(w) || w < 0.0) {
                    throw new IllegalArgumentException(
                            names[i] + " family weight must be finite and >= 0, got " + w);
                }
                sum += w;
            }
            if (!(sum > 0.0) || !Double.isFinite(sum)) {
                throw new IllegalArgumentException(
                        "family weights must have a positive finite sum, got " + sum);
            }
            checkProbability("isotropicGaussianProbability", isotropicProbability);
            checkProbability("scaleProbability", scaleProbability);
            checkProbability("noiseFirstProbability", noiseFirstProbability);
            checkProbability("noiseProbability", noiseProbability);
            checkProbability("gaussianNoiseProbability", gaussianNoiseProbability);
            checkProbability("jpegProbability", jpegProbability);
            for (Map.Entry<Parameter, Range> e : ranges.entrySet()) {
                e.getKey().validate(e.getValue());
            }
            return new DegradationPipeline(this);
        }

        private static void checkProbability(String name, double p) {
            if (!(p >= 0.0 && p <= 1.0)) {
                throw new IllegalArgumentException(name + " must be in [0, 1], got " + p);
            }
        }
    }
}
