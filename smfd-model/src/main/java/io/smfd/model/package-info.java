/**
 * The bundled SMFD-UNet ONNX model ({@link io.smfd.model.BundledModel}).
 */
package io.smfd.model;
