package io.smfd.internal;

import io.smfd.BlurAssessment;
import io.smfd.DeblurModel;
import io.smfd.ModelChoice;
import java.util.Objects;

/**
 * Which model deblurs a face, if any: the severity below which a face is passed through (under
 * {@link io.smfd.SharpFacePolicy#PASS_THROUGH}), the builder's {@link ModelChoice} and, for {@link ModelChoice#AUTO},
 * the motion threshold. Immutable.
 *
 * @param choice          the choice
 * @param motionThreshold anisotropy from which AUTO sends a face to MAXIM (finite or +infinity, {@code >= 0})
 * @param passThreshold   severity from which a face is deblurred, in [0, 1] ({@link BlurAssessment#THRESHOLD} by
 *                        default)
 */
public record Routing(ModelChoice choice, double motionThreshold, double passThreshold) {

    /** SMFD only, the default. */
    public static final Routing SMFD = new Routing(ModelChoice.SMFD, ModelChoice.DEFAULT_MOTION_THRESHOLD);

    /**
     * Validates.
     *
     * @throws NullPointerException     if {@code choice} is null
     * @throws IllegalArgumentException if {@code motionThreshold} is NaN or negative, or {@code passThreshold} is
     *                                  not in [0, 1]
     */
    public Routing {
        Objects.requireNonNull(choice, "choice");
        if (Double.isNaN(motionThreshold) || motionThreshold < 0) {
            throw new IllegalArgumentException("motion threshold must be >= 0 (or +infinity), got " + motionThreshold);
        }
        if (!(passThreshold >= 0 && passThreshold <= 1)) {
            throw new IllegalArgumentException("pass-through threshold must be in [0, 1], got " + passThreshold);
        }
    }

    /**
     * A routing with the default pass-through threshold {@link BlurAssessment#THRESHOLD}.
     *
     * @param choice          the choice
     * @param motionThreshold anisotropy from which AUTO sends a face to MAXIM
     */
    public Routing(ModelChoice choice, double motionThreshold) {
        this(choice, motionThreshold, BlurAssessment.THRESHOLD);
    }

    /**
     * Whether a face with this assessment is deblurred under {@link io.smfd.SharpFacePolicy#PASS_THROUGH}.
     *
     * @param a the face's assessment
     * @return {@code a.severity() >= passThreshold()}
     */
    public boolean deblurs(BlurAssessment a) {
        return a.severity() >= passThreshold;
    }

    /**
     * Returns the model for a face that is to be deblurred.
     *
     * @param a    the face's assessment
     * @param side the face's shorter side, pixels
     * @return the model
     */
    public DeblurModel modelFor(BlurAssessment a, int side) {
        switch (choice) {
            case SMFD:
                return DeblurModel.SMFD;
            case MAXIM:
                return DeblurModel.MAXIM;
            default:
                return a.kind() != BlurAssessment.Kind.UNMEASURABLE && a.anisotropy() >= threshold(side)
                        && a.noiseSigma() <= ModelChoice.MAX_NOISE_SIGMA ? DeblurModel.MAXIM : DeblurModel.SMFD;
        }
    }

    /**
     * The anisotropy from which AUTO sends a face of this size to MAXIM: the motion threshold scaled by
     * {@code min(1, side / 256)}, but not below {@code min(threshold, }{@value ModelChoice#MIN_MOTION_THRESHOLD}{@code )}.
     *
     * @param side the face's shorter side, pixels
     * @return the threshold
     */
    public double threshold(int side) {
        double scaled = motionThreshold * Math.min(1.0, side / 256.0);
        return Math.max(Math.min(ModelChoice.MIN_MOTION_THRESHOLD, motionThreshold), scaled);
    }
}
