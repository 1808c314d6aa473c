package io.smfd.spi;

import io.smfd.Device;

/**
 * A loaded model ready to run, created by {@link DeblurBackendProvider#create(BackendConfig)}.
 *
 * <p>Implementations must be thread-safe: {@link #infer} is called concurrently from many threads.
 * smfd-api never calls {@link #infer} after, or concurrently with, {@link #close()}, and calls
 * {@code close()} at most once.
 */
public interface InferenceBackend extends AutoCloseable {

    /**
     * Returns what the loaded model declares.
     *
     * @return class names, size multiple and version of the loaded model
     */
    ModelMetadata modelInfo();

    /**
     * Returns the device actually used (never {@link Device#AUTO}). The default returns {@link Device#CPU};
     * GPU backends override it.
     *
     * @return {@link Device#CPU} or {@link Device#GPU}
     */
    default Device device() {
        return Device.CPU;
    }

    /**
     * Runs the network on a batch.
     *
     * @param nchwInput {@code batch * 3 * height * width} RGB values in [0, 1], NCHW; read-only
     * @param batch     N, at least 1
     * @param height    H, a multiple of {@link ModelMetadata#sizeMultiple()}
     * @param width     W, a multiple of {@link ModelMetadata#sizeMultiple()}
     * @return outputs with the same N, H, W and {@code K = modelInfo().classNames().size()}
     * @throws io.smfd.SmfdException if the runtime fails
     */
    ModelOutputs infer(float[] nchwInput, int batch, int height, int width);

    /**
     * Releases native and other resources.
     */
    @Override
    void close();
}
