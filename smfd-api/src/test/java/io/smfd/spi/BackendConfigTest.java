package io.smfd.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smfd.Device;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class BackendConfigTest {

    private static final ModelSource MODEL = ModelSource.file(Path.of("model.onnx"));

    @Test
    void threadsAreCappedAtTheAvailableProcessors() { // issue 15: --threads 1000 made onnx 100x slower
        int cpus = Runtime.getRuntime().availableProcessors();
        assertThat(BackendConfig.of(Device.AUTO, 1000, MODEL).threads()).isEqualTo(cpus);
        assertThat(BackendConfig.of(Device.AUTO, Integer.MAX_VALUE, MODEL).threads()).isEqualTo(cpus);
        assertThat(BackendConfig.of(Device.AUTO, cpus, MODEL).threads()).isEqualTo(cpus);
        assertThat(BackendConfig.of(Device.AUTO, 1, MODEL).threads()).isEqualTo(1);
    }

    @Test
    void threadsBelowOneAreRejected() {
        assertThatThrownBy(() -> BackendConfig.of(Device.AUTO, 0, MODEL))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(">= 1");
    }
}
