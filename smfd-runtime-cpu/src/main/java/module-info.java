/**
 * SMFD backend {@code cpu} (priority 100): pure-Java inference, no native code.
 * Registers its {@code io.smfd.spi.DeblurBackendProvider} with {@code provides} (added with the implementation).
 */
module io.smfd.runtime.cpu {
    requires io.smfd.api;
    requires io.smfd.model;
    requires org.slf4j;
}
