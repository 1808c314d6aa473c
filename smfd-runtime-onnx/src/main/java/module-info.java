/**
 * SMFD backend {@code onnx} (priority 200): runs SMFD-UNet with ONNX Runtime on the CPU, or on an NVIDIA GPU
 * (TensorRT/CUDA) when {@code com.microsoft.onnxruntime:onnxruntime_gpu} replaces
 * {@code com.microsoft.onnxruntime:onnxruntime}. See {@link io.smfd.runtime.onnx.OnnxBackendProvider}.
 * Nothing is exported: use it through {@code io.smfd.Deblurrer} (backend name {@code "onnx"}).
 */
module io.smfd.runtime.onnx {
    requires io.smfd.api;
    requires io.smfd.model;
    requires com.microsoft.onnxruntime;
    requires com.sun.jna;
    requires org.slf4j;

    provides io.smfd.spi.DeblurBackendProvider with io.smfd.runtime.onnx.OnnxBackendProvider;
}
