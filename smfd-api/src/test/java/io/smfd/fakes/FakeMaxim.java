package io.smfd.fakes;

import io.smfd.DeblurModel;
import io.smfd.spi.Availability;
import io.smfd.spi.BackendConfig;
import io.smfd.spi.DeblurBackendProvider;
import io.smfd.spi.InferenceBackend;
import io.smfd.spi.ModelMetadata;
import io.smfd.spi.ModelOutputs;
import io.smfd.spi.ModelProvider;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** Test stand-ins for the MAXIM artifact and an image-only backend. */
public final class FakeMaxim {

    /** What the fake MAXIM "network" adds to every value, so its output is recognisable. */
    public static final float OFFSET = 0.25f;

    private FakeMaxim() {
    }

    /** The MAXIM model provider, registered in src/test/resources/META-INF/services/io.smfd.spi.ModelProvider. */
    public static final class Model implements ModelProvider {
        static final byte[] BYTES = "fake maxim".getBytes(StandardCharsets.US_ASCII);

        @Override
        public DeblurModel model() {
            return DeblurModel.MAXIM;
        }

        @Override
        public boolean isAvailable() {
            return true;
        }

        @Override
        public byte[] onnxBytes() {
            return BYTES.clone();
        }

        @Override
        public String sha256() {
            try {
                return HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(BYTES));
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public Optional<String> modelCardJson() {
            return Optional.of("{\"name\": \"MAXIM-3S fake\"}");
        }
    }

    /** Image-only backend: output = input + {@link #OFFSET}; insists on sides that are multiples of 64. */
    public static final class Backend implements InferenceBackend {
        public final List<FakeBackend.Call> calls = new CopyOnWriteArrayList<>();
        public final AtomicInteger closeCount = new AtomicInteger();

        @Override
        public ModelMetadata modelInfo() {
            return ModelMetadata.imageOnly("fake-maxim-1", 64);
        }

        @Override
        public ModelOutputs infer(float[] nchwInput, int batch, int height, int width) {
            if (height % 64 != 0 || width % 64 != 0) {
                throw new AssertionError("not padded to a multiple of 64: " + height + "x" + width);
            }
            calls.add(new FakeBackend.Call(batch, height, width, nchwInput.clone()));
            float[] out = nchwInput.clone();
            for (int i = 0; i < out.length; i++) {
                out[i] += OFFSET;
            }
            return new ModelOutputs(out, new float[0], batch, 0, height, width);
        }

        @Override
        public void close() {
            closeCount.incrementAndGet();
        }
    }

    /** A backend provider that runs both models (like onnx); priority 150. */
    public static final class Runner implements DeblurBackendProvider {
        @Override
        public String name() {
            return "fake-maxim";
        }

        @Override
        public int priority() {
            return 150;
        }

        @Override
        public boolean runs(DeblurModel model) {
            return true;
        }

        @Override
        public Availability probe(BackendConfig config) {
            return Availability.available("runs MAXIM too");
        }

        @Override
        public InferenceBackend create(BackendConfig config) {
            return config.model().model() == DeblurModel.MAXIM ? new Backend() : new FakeBackend();
        }
    }
}
