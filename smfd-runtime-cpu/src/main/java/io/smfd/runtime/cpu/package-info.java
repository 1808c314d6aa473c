/**
 * Pure-Java CPU backend ({@code "cpu"}): a bounds-checked ONNX reader ({@link io.smfd.runtime.cpu.OnnxModel}),
 * a graph compiler with operator fusion and per-shape memory plans ({@link io.smfd.runtime.cpu.Network}),
 * and scalar or {@code jdk.incubator.vector} kernels ({@link io.smfd.runtime.cpu.Kernels}). Not exported.
 */
package io.smfd.runtime.cpu;
