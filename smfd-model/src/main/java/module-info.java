/**
 * The trained SMFD-UNet model bundled as a resource; see {@link io.smfd.model.BundledModel}.
 * Registers {@link io.smfd.model.BundledModelProvider} as the {@code io.smfd.spi.ModelProvider} through which
 * smfd-api finds it.
 */
module io.smfd.model {
    requires io.smfd.api;

    exports io.smfd.model;

    provides io.smfd.spi.ModelProvider with io.smfd.model.BundledModelProvider;
}
