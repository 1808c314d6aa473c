/**
 * The optional MAXIM motion-deblurring ONNX model ({@link io.smfd.model.maxim.MaximModel}).
 */
package io.smfd.model.maxim;
