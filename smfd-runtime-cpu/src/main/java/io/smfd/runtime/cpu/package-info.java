/**
 * Pure-Java CPU backend ({@code "cpu"}): a bounds-checked ONNX reader ({@code OnnxModel}),
 * a graph compiler with operator fusion and per-shape memory plans ({@code Network}, {@code Plan}),
 * and scalar or {@code jdk.incubator.vector} kernels ({@code Kernels}). Not exported.
 */
package io.smfd.runtime.cpu;
