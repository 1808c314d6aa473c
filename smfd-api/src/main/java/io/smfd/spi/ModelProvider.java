package io.smfd.spi;

import io.smfd.DeblurModel;
import java.util.Optional;

/**
 * Supplies the bundled model: an artifact that ships an SMFD-UNet ONNX model (such as {@code io.smfd:smfd-model})
 * describes itself through this service, so that {@code Deblurrer.create()} finds the model without naming a
 * class. Found with {@link java.util.ServiceLoader}; register it with
 * {@code provides io.smfd.spi.ModelProvider with your.Provider;} in {@code module-info.java} and in
 * {@code META-INF/services/io.smfd.spi.ModelProvider}. Each provider serves one {@link #model()}; smfd-api uses
 * exactly one provider per model: none gives {@code ModelException(MODEL_NOT_FOUND)}, several give
 * {@code ModelException(INCOMPATIBLE_MODEL)}. The optional MAXIM model ({@code io.smfd:smfd-model-maxim}) is found
 * the same way, with {@link #model()} {@link DeblurModel#MAXIM}: an image-only ONNX model, NHWC
 * {@code [batch, height, width, 3]} RGB in [0, 1] in and out, sides multiples of 64 (see {@code docs/maxim.md}).
 *
 * <p>Implementations need a public no-argument constructor, must be thread-safe and cheap to create (read the
 * model only when {@link #onnxBytes()} is called). An exception thrown by a method other than
 * {@link io.smfd.ModelException} is reported to the caller as {@code ModelException(CORRUPT_MODEL)} with its
 * message.
 */
public interface ModelProvider {

    /**
     * Returns which model this provider serves. The default is {@link DeblurModel#SMFD} (an SMFD-UNet
     * {@code smfd-unet/1} export); {@code io.smfd:smfd-model-maxim} returns {@link DeblurModel#MAXIM}.
     *
     * @return the model
     */
    default DeblurModel model() {
        return DeblurModel.SMFD;
    }

    /**
     * Returns whether the artifact actually contains its model (a repackaged jar may have lost it).
     *
     * @return {@code true} if {@link #onnxBytes()} can find the model
     */
    boolean isAvailable();

    /**
     * Reads the model, verified against {@link #sha256()}.
     *
     * @return the ONNX bytes (a new array)
     */
    byte[] onnxBytes();

    /**
     * Returns the SHA-256 that {@link #onnxBytes()} is verified against, without reading or hashing the model.
     *
     * @return the lower-case hex SHA-256 (64 characters)
     */
    String sha256();

    /**
     * Returns the model card shipped beside the model.
     *
     * @return the card (JSON text), or empty if the artifact has none
     */
    Optional<String> modelCardJson();

    /**
     * Returns the blur-assessment calibration shipped beside the model ({@code smfd-assess/1} JSON, written by
     * {@code io.smfd.eval.AssessmentCalibration --write}), which {@code Deblurrer.assess} then uses for this model.
     * The default returns empty: the built-in fallback constants are used and {@code ModelInfo} says so.
     *
     * @return the calibration JSON text, or empty if the artifact has none
     */
    default Optional<String> assessmentCalibrationJson() {
        return Optional.empty();
    }
}
