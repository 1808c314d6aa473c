package io.smfd.runtime.onnx;

import io.smfd.testkit.DeblurAllContract;

/** {@code deblurAll} on the onnx backend: the shared {@link DeblurAllContract}. */
class OnnxDeblurAllTest extends DeblurAllContract {

    @Override
    protected String backend() {
        return "onnx";
    }
}
