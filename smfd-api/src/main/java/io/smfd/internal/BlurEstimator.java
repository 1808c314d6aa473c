package io.smfd.internal;

import io.smfd.BlurAssessment;
import io.smfd.FaceImage;
import java.util.Objects;

/**
 * The classical blur estimator behind {@link io.smfd.Deblurrer#assess(FaceImage)}: gradient statistics of the
 * luminance inside the central face area of an aligned crop ({@link BlurFeatures}), mapped by two fitted models
 * to a calibrated severity and a blur extent. No network, no FFT: a few passes over about 20,000 pixels for a
 * 256x256 crop.
 *
 * <p><b>Models.</b> Extent (radius of gyration of the blur kernel, px) is
 * {@code min(16, max(0, exp(w . f) - 1))} with {@code w} fitted by least squares on {@code ln(1 + r_g)}; severity
 * is the logistic {@code 1 / (1 + exp(-(v . f + o(width) + g(f))))}: {@code v} fitted by ridge logistic
 * regression (the bundled calibration: "degraded" against "sharp"; the fallback: "the model gains at least
 * 0.5 dB"), {@code o} the calibration's size offset ({@link BlurCalibration#severityOffset}) and {@code g} its
 * noise gate ({@link BlurCalibration#gateLogit}). All are fitted on training faces only by
 * {@code io.smfd.eval.AssessmentCalibration} (command, data and measured accuracy in {@code docs/assessment.md})
 * on the features of {@link BlurFeatures} (smfd-eval's build copies that class), which writes them to the model's
 * calibration file ({@link BlurCalibration}); the constants below are the built-in fallback for models without one.
 *
 * <p><b>Beyond the features.</b> Crops smaller than {@link BlurAssessment#MIN_MEASURABLE_SIZE}, featureless
 * ones (structure function at 8 px below {@link BlurAssessment#FEATURELESS_LEVEL}) and those whose structure
 * does not exceed {@code (1 + }{@value #NOISE_MARGIN}{@code ) 2 sigma^2} of their own noise are
 * {@link BlurAssessment.Kind#UNMEASURABLE}; the anisotropy ({@link BlurFeatures#anisotropy}) and the noise sigma
 * (the MAD estimate) are reported with every assessment.
 *
 * <p>Stateless and thread-safe; allocates a luma and two chroma buffers of the region per call.
 */
final class BlurEstimator {

    /** The 25 base features and 10 key features of the layout that {@link #EXTENT_WEIGHTS} were fitted in. */
    static final int LEGACY_BASE_FEATURES = 25;
    static final int[] LEGACY_KEY = {1, 5, 8, 11, 14, 17, 20, 21, 23, 24};

    /**
     * Maps weights of the legacy 80-feature layout (25 base features, products of {@link #LEGACY_KEY}) onto the
     * current layout, with weight 0 for the features added since (anisotropy, crop size and their products), so
     * that the fallback computes exactly what it was fitted to compute.
     */
    static double[] fromLegacyLayout(double[] legacy) {
        if (legacy.length != LEGACY_BASE_FEATURES + LEGACY_KEY.length * (LEGACY_KEY.length + 1) / 2) {
            throw new IllegalArgumentException("expected legacy weights, got " + legacy.length);
        }
        double[] w = new double[BlurFeatures.FEATURES];
        System.arraycopy(legacy, 0, w, 0, LEGACY_BASE_FEATURES);
        int k = LEGACY_BASE_FEATURES;
        for (int i = 0; i < LEGACY_KEY.length; i++) {
            for (int j = i; j < LEGACY_KEY.length; j++) {
                int pi = indexOf(BlurFeatures.KEY, LEGACY_KEY[i]);
                int pj = indexOf(BlurFeatures.KEY, LEGACY_KEY[j]);
                w[productIndex(pi, pj)] = legacy[k++];
            }
        }
        return w;
    }

    private static int indexOf(int[] a, int v) {
        for (int i = 0; i < a.length; i++) {
            if (a[i] == v) {
                return i;
            }
        }
        throw new IllegalArgumentException(v + " is not a key feature");
    }

    /** Position of the product of key features {@code KEY[i] * KEY[j]} ({@code i <= j}) in the vector. */
    static int productIndex(int i, int j) {
        int k = BlurFeatures.BASE_FEATURES;
        for (int r = 0; r < i; r++) {
            k += BlurFeatures.KEY.length - r;
        }
        return k + (j - i);
    }

    /**
     * Built-in fallback weights of the extent model on {@code ln(1 + r_g)}: fitted by AssessmentCalibration to
     * SMFD-UNet 0.2's gains, in the legacy 80-feature layout ({@link #fromLegacyLayout}); used when a model brings
     * no calibration ({@link BlurCalibration#FALLBACK}).
     */
    static final double[] EXTENT_WEIGHTS = {
        1.91504, -7.77918, 6.15654, -4.27985, 2.28620, -5.59319, 0.348837, 2.12117, 1.77331, -2.51864, 2.31348,
        -2.70050, -0.00592039, 0.495863, -2.07393, -0.397337, -0.0136347, -1.88885, -0.00292635, 0.354033, -1.19524,
        0.626560, 0.185081, -0.366044, 4.93552, 2.72633, -1.26992, -0.585997, -3.63759, -1.44022, -0.328737,
        0.981933, 2.19738, -0.0220872, -4.89375, 0.0901020, 0.693507, -0.167571, -0.176348, 0.226850, -1.29795,
        -0.00875323, 0.204631, 2.00884, -0.197144, -0.367810, 0.276519, 0.179221, 0.918708, 0.644349, -0.0349892,
        -0.480688, -2.37297, -0.999294, 0.386240, -0.635876, 1.37368, 0.495768, -0.135507, -0.678902, -0.0798918,
        -0.666152, 0.320393, 0.0381082, 1.12817, 0.877885, -0.671126, -0.466115, 0.238954, 0.0990218, -0.630988,
        -0.0302802, -0.00962441, 1.02916, -1.05328, -0.457656, 1.26367, 0.0950794, 0.486423, 0.492722
    };
    /** Built-in fallback weights of the severity model (logit of P(gain >= 0.5 dB)), as {@link #EXTENT_WEIGHTS}. */
    static final double[] SEVERITY_WEIGHTS = {
        0.749537, -0.232797, 0.0744855, 0.151493, -0.0925311, -0.331226, -1.25537, -0.219871, 0.726350, -0.423616,
        -0.697430, -0.151005, -0.143262, -0.172348, -0.0850622, -0.0658664, -0.138717, -0.0324018, 0.909420,
        -0.870047, 0.524869, 0.0659423, 0.0526604, 0.880656, 0.827964, 0.453508, 0.338579, 0.0822923, -0.0466249,
        0.250867, 0.701679, -0.154778, 0.297492, 0.0170021, -0.299427, 1.30910, 1.00773, -0.225422, 0.421213,
        0.692244, 0.169998, 0.646635, 0.333000, 0.0917360, 0.0612052, 0.280302, 0.141520, 0.546391, 0.223183,
        -0.138781, 1.05265, -1.28042, 0.202700, 0.221053, 0.0558857, 0.394479, 0.0183534, -0.534727, -0.442321,
        0.208204, 0.0249117, -0.0795385, -0.0128492, -0.860980, -1.01930, 0.0145114, -0.389545, -0.0309740,
        -0.766347, -0.554290, 0.599091, -0.474017, -0.216016, -0.680292, -0.0312026, -0.326252, -0.576979, 1.05348,
        3.88696, 0.218703
    };

    private BlurEstimator() {
    }

    /**
     * Assesses a face with the built-in fallback constants ({@link BlurCalibration#FALLBACK}).
     *
     * @param image the face
     * @return the assessment
     */
    static BlurAssessment assess(FaceImage image) {
        return assess(image, BlurCalibration.FALLBACK);
    }

    /**
     * Assesses a face with a model's calibration. Crops without measurable structure (see
     * {@link BlurAssessment.Kind#UNMEASURABLE}) get severity 0 and extent 0 whatever the calibration says.
     *
     * @param image       the face
     * @param calibration the fitted constants
     * @return the assessment
     */
    static BlurAssessment assess(FaceImage image, BlurCalibration calibration) {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(calibration, "calibration");
        if (image.width() < BlurAssessment.MIN_MEASURABLE_SIZE || image.height() < BlurAssessment.MIN_MEASURABLE_SIZE) {
            return BlurAssessment.of(0, 0, BlurAssessment.Kind.UNMEASURABLE, 0, 0);
        }
        BlurFeatures.Measurement m = BlurFeatures.measure(image, calibration.region());
        if (!measurable(m)) {
            return BlurAssessment.of(0, 0, BlurAssessment.Kind.UNMEASURABLE, 0, m.noiseSigma());
        }
        BlurAssessment a = BlurFeatures.assess(m.features(), calibration.extentWeights(), calibration.severityWeights(),
                calibration.severityOffset(image.width()) + calibration.gateLogit(m.features()));
        BlurAssessment.Kind kind = m.anisotropy() >= BlurAssessment.DIRECTIONAL_ANISOTROPY
                ? BlurAssessment.Kind.DIRECTIONAL : BlurAssessment.Kind.ISOTROPIC;
        return BlurAssessment.of(a.severity(), a.extentPixels(), kind, m.anisotropy(), m.noiseSigma());
    }

    /** Share of pure noise's structure function that real structure must exceed to be measurable. */
    static final double NOISE_MARGIN = 0.25;

    /** Structure above {@link BlurAssessment#FEATURELESS_LEVEL} and clearly above pure noise's {@code 2 sigma^2}. */
    private static boolean measurable(BlurFeatures.Measurement m) {
        double structure = m.d8() - 2 * m.noiseSigma() * m.noiseSigma();
        return m.d8() >= BlurAssessment.FEATURELESS_LEVEL && structure >= Math.max(BlurAssessment.FEATURELESS_LEVEL,
                NOISE_MARGIN * 2 * m.noiseSigma() * m.noiseSigma());
    }
}
