package io.smfd.model;

import io.smfd.spi.ModelProvider;
import java.util.Optional;

/**
 * The {@link ModelProvider} of this artifact: serves {@link BundledModel} to smfd-api, which finds it with
 * {@link java.util.ServiceLoader} (registered in {@code module-info.java} and
 * {@code META-INF/services/io.smfd.spi.ModelProvider}). Applications do not call it. Stateless and thread-safe.
 */
public final class BundledModelProvider implements ModelProvider {

    /** Creates the provider (used by {@link java.util.ServiceLoader}). */
    public BundledModelProvider() {
    }

    @Override
    public boolean isAvailable() {
        return BundledModel.isAvailable();
    }

    @Override
    public byte[] onnxBytes() {
        return BundledModel.onnxBytes();
    }

    @Override
    public String sha256() {
        return BundledModel.sha256();
    }

    @Override
    public Optional<String> modelCardJson() {
        return BundledModel.class.getResource(BundledModel.MODEL_CARD_RESOURCE) == null
                ? Optional.empty() : Optional.of(BundledModel.modelCardJson());
    }

    @Override
    public Optional<String> assessmentCalibrationJson() {
        return Optional.ofNullable(BundledModel.assessmentCalibrationJson());
    }
}
