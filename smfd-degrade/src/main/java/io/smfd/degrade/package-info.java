/**
 * Randomized, seed-reproducible face degradations (blur, scaling, noise, JPEG): the training
 * distribution of SMFD-UNet, and a tool for integrators to test how recognition holds up under
 * blur.
 *
 * <p>Entry point: {@link io.smfd.degrade.DegradationPipeline#defaults()} (spec v1, identical to
 * {@code training/degrade.py}); {@link io.smfd.degrade.DegradationPipeline#builder()} configures
 * family weights, parameter ranges ({@link io.smfd.degrade.Parameter},
 * {@link io.smfd.degrade.Range}) and step probabilities.
 * {@link io.smfd.degrade.DegradationPipeline#sample(long)} returns a
 * {@link io.smfd.degrade.Degradation} (kernel and parameters);
 * {@link io.smfd.degrade.DegradationPipeline#apply(io.smfd.FaceImage, long)} degrades a face.
 * See {@code docs/degradation.md}.
 */
package io.smfd.degrade;
