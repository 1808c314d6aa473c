/**
 * Service provider interface for inference backends.
 *
 * <p>A backend is a {@link io.smfd.spi.DeblurBackendProvider} registered for
 * {@link java.util.ServiceLoader}: {@code provides io.smfd.spi.DeblurBackendProvider with ...} in its
 * {@code module-info.java} <em>and</em> a {@code META-INF/services/io.smfd.spi.DeblurBackendProvider}
 * file (for class-path users). It only runs the network ({@link io.smfd.spi.InferenceBackend#infer});
 * validation, padding to {@link io.smfd.spi.ModelMetadata#sizeMultiple()}, batching, clamping and building
 * {@link io.smfd.FaceImage}/{@link io.smfd.FaceMasks} are done by smfd-api.
 *
 * <p>Model contract (ONNX): input {@code "input"} float {@code [N,3,H,W]} RGB in [0,1]; outputs
 * {@code "image"} {@code [N,3,H,W]} and {@code "masks"} {@code [N,K,H,W]} softmax probabilities;
 * metadata keys described in {@link io.smfd.spi.ModelMetadata}.
 */
package io.smfd.spi;
