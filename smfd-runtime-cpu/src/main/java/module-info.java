/**
 * SMFD backend {@code cpu} (priority 100): pure-Java inference of the SMFD-UNet ONNX model, no native code.
 *
 * <p>Runs everywhere Java 17 runs (scalar kernels). On Java 21+ it uses kernels written with
 * {@code jdk.incubator.vector} when that module is resolved ({@code --add-modules jdk.incubator.vector});
 * {@code -Dsmfd.cpu.vector=false} forces the scalar kernels. The model is parsed by a small bounds-checked
 * protobuf reader of its own, so this module does not depend on protobuf-java.
 * Nothing is exported: use it through {@code io.smfd.Deblurrer} (backend name {@code "cpu"}).
 */
module io.smfd.runtime.cpu {
    requires io.smfd.api;
    requires io.smfd.model;
    requires org.slf4j;

    provides io.smfd.spi.DeblurBackendProvider with io.smfd.runtime.cpu.CpuBackendProvider;
}
