package io.smfd;

/**
 * Where a backend runs the network.
 */
public enum Device {
    /** Let the backend choose: GPU when it has a usable one, otherwise CPU. The default. */
    AUTO,
    /** Run on the CPU. */
    CPU,
    /** Run on a GPU (e.g. CUDA with the ONNX Runtime backend); unavailable if no usable GPU is found. */
    GPU
}
