package io.smfd.runtime.cpu;

import io.smfd.testkit.DeblurAllContract;

/** {@code deblurAll} on the cpu backend: the shared {@link DeblurAllContract}. */
class CpuDeblurAllTest extends DeblurAllContract {

    @Override
    protected String backend() {
        return "cpu";
    }
}
