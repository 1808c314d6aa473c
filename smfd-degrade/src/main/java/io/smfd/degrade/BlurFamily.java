package io.smfd.degrade;

/** The blur families of the degradation pipeline. */
public enum BlurFamily {
    /**
     * Camera-shake motion blur: a random trajectory after Boracchi and Foi (2012), "Modeling the
     * performance of image restoration from motion blur" (inertia, Gaussian shakes, centripetal
     * pull, impulsive jerks, exposure fraction), rendered with subpixel bilinear splatting.
     */
    TRAJECTORY,
    /** Straight linear motion of a given length (pixels) at a given angle (degrees). */
    LINEAR,
    /** Gaussian blur, isotropic or anisotropic with a rotated covariance; truncated at 3 sigma. */
    GAUSSIAN,
    /** Defocus: a uniform disk of a given radius, anti-aliased by 8x8 supersampling. */
    DEFOCUS
}
