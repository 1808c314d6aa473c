/**
 * The trained SMFD-UNet model bundled as a resource; see {@link io.smfd.model.BundledModel}.
 * Has no dependencies. smfd-api calls {@code BundledModel} reflectively.
 */
module io.smfd.model {
    exports io.smfd.model;
}
