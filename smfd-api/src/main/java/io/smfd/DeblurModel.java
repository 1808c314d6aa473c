package io.smfd;

/**
 * A deblurring network a {@link Deblurrer} can run. {@link DeblurResult#model()} says which one produced a face;
 * {@link ModelChoice} says which ones a deblurrer may use.
 */
public enum DeblurModel {
    /**
     * SMFD-UNet, the bundled model of {@code io.smfd:smfd-model}: a mask generator plus a mask-fusion deblurrer,
     * trained on faces for every blur family, noise and JPEG; runs on every backend and gives the masks.
     */
    SMFD("SMFD-UNet", "io.smfd:smfd-model"),
    /**
     * MAXIM-3S (Tu et al., CVPR 2022) with its GoPro motion-deblurring weights, the optional model of
     * {@code io.smfd:smfd-model-maxim}: far better than SMFD on clean motion blur, worse on Gaussian or defocus
     * blur and on noisy or compressed faces (it amplifies noise), about 30x SMFD's cost; image only (no masks);
     * runs on the {@code onnx} backend only. See {@code docs/maxim.md}.
     */
    MAXIM("MAXIM-3S", "io.smfd:smfd-model-maxim");

    private final String displayName;
    private final String artifact;

    DeblurModel(String displayName, String artifact) {
        this.displayName = displayName;
        this.artifact = artifact;
    }

    /**
     * Returns the model's name for logs and reports.
     *
     * @return e.g. {@code "SMFD-UNet"} or {@code "MAXIM-3S"}
     */
    public String displayName() {
        return displayName;
    }

    /**
     * Returns the Maven artifact that ships the model.
     *
     * @return {@code groupId:artifactId}, e.g. {@code "io.smfd:smfd-model-maxim"}
     */
    public String artifact() {
        return artifact;
    }
}
