/**
 * SMFD backend {@code onnx} (priority 200): ONNX Runtime on CPU or CUDA.
 * Registers its {@code io.smfd.spi.DeblurBackendProvider} with {@code provides} (added with the implementation).
 */
module io.smfd.runtime.onnx {
    requires io.smfd.api;
    requires io.smfd.model;
    requires com.microsoft.onnxruntime;
    requires com.sun.jna;
    requires org.slf4j;
}
