/**
 * ONNX Runtime backend (implementation pending; not exported).
 */
package io.smfd.runtime.onnx;
