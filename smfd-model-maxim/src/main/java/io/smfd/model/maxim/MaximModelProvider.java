package io.smfd.model.maxim;

import io.smfd.DeblurModel;
import io.smfd.spi.ModelProvider;
import java.util.Optional;

/**
 * The {@link ModelProvider} of this artifact: serves {@link MaximModel} to smfd-api as {@link DeblurModel#MAXIM}
 * (registered in {@code module-info.java} and {@code META-INF/services/io.smfd.spi.ModelProvider}), so that
 * {@code Deblurrer.builder().modelChoice(ModelChoice.MAXIM or AUTO)} finds it without naming a class. Applications
 * do not call it. Stateless and thread-safe.
 */
public final class MaximModelProvider implements ModelProvider {

    /** Creates the provider (used by {@link java.util.ServiceLoader}). */
    public MaximModelProvider() {
    }

    @Override
    public DeblurModel model() {
        return DeblurModel.MAXIM;
    }

    @Override
    public boolean isAvailable() {
        return MaximModel.isAvailable();
    }

    @Override
    public byte[] onnxBytes() {
        return MaximModel.onnxBytes();
    }

    @Override
    public String sha256() {
        return MaximModel.sha256();
    }

    @Override
    public Optional<String> modelCardJson() {
        return MaximModel.class.getResource(MaximModel.MODEL_CARD_RESOURCE) == null
                ? Optional.empty() : Optional.of(MaximModel.modelCardJson());
    }
}
