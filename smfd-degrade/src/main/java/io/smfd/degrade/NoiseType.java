package io.smfd.degrade;

/** The additive noise models of the degradation pipeline. */
public enum NoiseType {
    /** Additive white Gaussian noise; level = standard deviation in units of 1/255. */
    GAUSSIAN,
    /** Poisson (shot) noise {@code y = Poisson(x * peak) / peak}; level = peak photon count. */
    POISSON
}
