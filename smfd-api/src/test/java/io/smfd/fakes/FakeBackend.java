package io.smfd.fakes;

import io.smfd.spi.InferenceBackend;
import io.smfd.spi.ModelMetadata;
import io.smfd.spi.ModelOutputs;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * Fake network: image output = {@code transform(input)} (identity by default); mask class c of
 * image b = input channel c of image b (so cropping of masks can be checked exactly).
 */
public final class FakeBackend implements InferenceBackend {

    /** Classes of the fake model: one per input channel. */
    public static final List<String> CLASSES = List.of("background", "skin", "hair");

    /** One recorded infer call. */
    public record Call(int batch, int height, int width, float[] input) {
    }

    private final ModelMetadata info;
    private final UnaryOperator<float[]> transform;
    public final List<Call> calls = new CopyOnWriteArrayList<>();
    public final AtomicInteger closeCount = new AtomicInteger();

    public FakeBackend(int sizeMultiple, UnaryOperator<float[]> transform) {
        this.info = ModelMetadata.of("fake-1", CLASSES, sizeMultiple);
        this.transform = transform;
    }

    public FakeBackend() {
        this(8, float[]::clone);
    }

    @Override
    public ModelMetadata modelInfo() {
        return info;
    }

    @Override
    public ModelOutputs infer(float[] nchwInput, int batch, int height, int width) {
        if (height % info.sizeMultiple() != 0 || width % info.sizeMultiple() != 0) {
            throw new AssertionError("not padded to a multiple of " + info.sizeMultiple() + ": " + height + "x" + width);
        }
        calls.add(new Call(batch, height, width, nchwInput.clone()));
        return new ModelOutputs(transform.apply(nchwInput.clone()), nchwInput.clone(), batch, 3, height, width);
    }

    @Override
    public void close() {
        closeCount.incrementAndGet();
    }
}
