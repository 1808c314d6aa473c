/**
 * ONNX Runtime backend {@code "onnx"} (priority 200). Not exported; registered as an
 * {@link io.smfd.spi.DeblurBackendProvider} service and used through {@code io.smfd.Deblurrer}.
 *
 * <ul>
 *   <li>{@link io.smfd.runtime.onnx.OnnxBackendProvider}: probe (ONNX Runtime, GPU) and session creation,
 *       device policy (CPU / GPU without silent CPU fallback / AUTO with one log line).</li>
 *   <li>{@code ModelValidator}: checks {@code smfd.*} metadata, the model card and the tensor signature
 *       ({@code input} float [N,3,H,W] to {@code image} [N,3,H,W] and {@code masks} [N,K,H,W]).</li>
 *   <li>{@code OnnxInferenceBackend}: thread-safe session runs with per-thread reusable direct input buffers;
 *       every tensor and result is closed.</li>
 *   <li>{@code GpuProbe}: ORT providers plus a JNA check of the CUDA driver ({@code libcuda.so.1}).</li>
 * </ul>
 *
 * <p>GPU: exclude {@code com.microsoft.onnxruntime:onnxruntime} from {@code io.smfd:smfd-runtime-onnx} and add
 * {@code com.microsoft.onnxruntime:onnxruntime_gpu} (same version, pinned by {@code io.smfd:smfd-bom}); see
 * {@code docs/backends.md}.
 */
package io.smfd.runtime.onnx;
