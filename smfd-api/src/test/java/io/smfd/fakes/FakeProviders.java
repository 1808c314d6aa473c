package io.smfd.fakes;

import io.smfd.spi.Availability;
import io.smfd.spi.BackendConfig;
import io.smfd.spi.DeblurBackendProvider;
import io.smfd.spi.InferenceBackend;

/** Test providers registered in src/test/resources/META-INF/services. */
public final class FakeProviders {

    private FakeProviders() {
    }

    abstract static class Base implements DeblurBackendProvider {
        @Override
        public Availability probe(BackendConfig config) {
            return Availability.available(name() + " ready");
        }

        @Override
        public InferenceBackend create(BackendConfig config) {
            return new FakeBackend();
        }
    }

    /** Available, priority 200. */
    public static final class High extends Base {
        @Override
        public String name() {
            return "fake-high";
        }

        @Override
        public int priority() {
            return 200;
        }
    }

    /** Available, priority 100. */
    public static final class Low extends Base {
        @Override
        public String name() {
            return "fake-low";
        }

        @Override
        public int priority() {
            return 100;
        }
    }

    /** Highest priority but unavailable. */
    public static final class Unavailable extends Base {
        @Override
        public String name() {
            return "fake-gpu";
        }

        @Override
        public int priority() {
            return 300;
        }

        @Override
        public Availability probe(BackendConfig config) {
            return Availability.unavailable("CUDA driver not found");
        }
    }

    /** Probe throws: must be reported unavailable, not break selection. */
    public static final class ThrowingProbe extends Base {
        @Override
        public String name() {
            return "fake-throwing";
        }

        @Override
        public int priority() {
            return 250;
        }

        @Override
        public Availability probe(BackendConfig config) {
            throw new IllegalStateException("probe exploded");
        }
    }

    /** Cannot even be instantiated: ServiceLoader reports a ServiceConfigurationError. */
    public static final class BrokenConstructor extends Base {
        public BrokenConstructor() {
            throw new IllegalStateException("native library not found");
        }

        @Override
        public String name() {
            return "fake-broken";
        }

        @Override
        public int priority() {
            return 1000;
        }
    }
}
