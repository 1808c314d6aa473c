package io.smfd.internal;

import io.smfd.ModelInfo;
import io.smfd.spi.ModelMetadata;
import io.smfd.spi.ModelSource;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Builds the public {@link ModelInfo} from what a backend loaded and where it came from. */
final class ModelInfos {

    /** Name used when the model card has none (every {@code smfd-unet/1} model is an SMFD-UNet). */
    static final String DEFAULT_NAME = "SMFD-UNet";

    private ModelInfos() {
    }

    /**
     * Describes a loaded model. For the bundled model the checksum is the SHA-256 that smfd-model verified the
     * model against as the backend read it; a model file is read once more and hashed, so the checksum is that of
     * the model the backend loaded.
     *
     * @param metadata what the backend parsed from the model
     * @param source   where the backend read it from
     * @return the public description
     * @throws io.smfd.ModelException if the model can no longer be read
     */
    static ModelInfo describe(ModelMetadata metadata, ModelSource source) {
        return describe(metadata, source, BlurCalibration.FALLBACK);
    }

    /**
     * Loads the blur-assessment calibration that travels with a model (see {@link BlurCalibration}).
     *
     * @param source where the model comes from
     * @return its calibration, or {@link BlurCalibration#FALLBACK} if it brings none
     * @throws io.smfd.ModelException if a calibration is present but malformed or incompatible
     */
    static BlurCalibration calibration(ModelSource source) {
        return source.path().map(BlurCalibration::forModelFile)
                .orElseGet(() -> BlurCalibration.forBundled(BundledModelAccess.assessmentCalibrationJson()));
    }

    /**
     * As {@link #describe(ModelMetadata, ModelSource)}, naming the calibration in use.
     *
     * @param metadata    what the backend parsed from the model
     * @param source      where the backend read it from
     * @param calibration the blur-assessment calibration in use
     * @return the public description
     */
    static ModelInfo describe(ModelMetadata metadata, ModelSource source, BlurCalibration calibration) {
        String sha256 = source.isBundled() ? BundledModelAccess.sha256(source.model()) : sha256(source.readBytes());
        String card = metadata.modelCard();
        if (source.isBundled()) {
            card = BundledModelAccess.modelCardJson(source.model()).map(String::trim).orElse(card);
        }
        String name = source.model() == io.smfd.DeblurModel.SMFD ? cardName(card) : source.model().displayName();
        return new ModelInfo(name, metadata.version(), sha256, source.description(),
                metadata.classNames(), metadata.sizeMultiple(), card, calibration.source());
    }

    /**
     * Returns the top-level {@code "name"} of a model card (members of nested objects, such as the card's
     * {@code input.name}, are skipped), or {@value #DEFAULT_NAME}.
     */
    static String cardName(String card) {
        Object name;
        try {
            name = Json.get(Json.parse(card), "name");
        } catch (IllegalArgumentException e) {
            name = null;
        }
        return name instanceof String && !((String) name).isBlank() ? (String) name : DEFAULT_NAME;
    }

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not supported by this JVM", e);
        }
    }
}
