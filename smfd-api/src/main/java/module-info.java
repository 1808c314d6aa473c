/**
 * SMFD public API: deblur aligned face crops with SMFD-UNet.
 *
 * <p>Entry point: {@link io.smfd.Deblurrer}. Backends are plugged in through the
 * {@link io.smfd.spi.DeblurBackendProvider} service (add {@code io.smfd:smfd-runtime-onnx}
 * or {@code io.smfd:smfd-runtime-cpu}); the bundled model comes from {@code io.smfd:smfd-model} through the
 * {@link io.smfd.spi.ModelProvider} service, so this module does not require it.
 */
module io.smfd.api {
    requires transitive java.desktop; // java.awt.image.BufferedImage is part of the API
    requires org.slf4j;

    exports io.smfd;
    exports io.smfd.spi;

    uses io.smfd.spi.DeblurBackendProvider;
    uses io.smfd.spi.ModelProvider;
}
