/**
 * SMFD degradation pipeline: randomized, seed-reproducible blur, scaling, noise and JPEG applied to
 * {@link io.smfd.FaceImage}s (spec v1, identical to {@code training/degrade.py}).
 * Entry point: {@link io.smfd.degrade.DegradationPipeline}. Depends only on the JDK and smfd-api.
 */
module io.smfd.degrade {
    requires transitive io.smfd.api;

    exports io.smfd.degrade;
}
