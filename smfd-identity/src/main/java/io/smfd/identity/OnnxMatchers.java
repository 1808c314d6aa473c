package io.smfd.identity;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;

/** What both ONNX matchers ({@link FaceDescriptor}, {@link MobileFace}) do the same way. Stateless. */
final class OnnxMatchers {

    private OnnxMatchers() {
    }

    /**
     * Runs a matcher's session on {@code n} packed chips and reads its {@code [n, dimension]} output.
     *
     * @param model     the model's name in messages ("face descriptor", "mobileface")
     * @param runName   the model's name after "failed to run" ("the face descriptor", "mobileface")
     * @return one embedding per chip
     * @throws IllegalStateException if ONNX Runtime fails or the output is missing or of another shape
     */
    static float[][] embed(OrtEnvironment env, OrtSession session, String inputName, String outputName,
            float[] chips, long[] shape, int n, int dimension, String model, String runName) {
        try (OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(chips), shape);
             OrtSession.Result result = session.run(Map.of(inputName, input))) {
            Optional<OnnxValue> value = result.get(outputName);
            if (value.isEmpty() || !(value.get() instanceof OnnxTensor t)) {
                throw new IllegalStateException(model + " model returned no tensor '" + outputName + "'");
            }
            long[] got = t.getInfo().getShape();
            if (!Arrays.equals(got, new long[] {n, dimension})) {
                throw new IllegalStateException(model + " model returned shape " + Arrays.toString(got)
                        + ", expected [" + n + ", " + dimension + "]");
            }
            FloatBuffer fb = t.getFloatBuffer();
            float[][] out = new float[n][dimension];
            for (int i = 0; i < n; i++) {
                fb.get(out[i]);
            }
            return out;
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed to run " + runName + " on " + n + " chips: "
                    + e.getMessage(), e);
        }
    }

    /**
     * A crop box {@code {left, top, right, bottom}} given for a 256x256 face, scaled to a face of this size: each coordinate times {@code W / 256}
     * or {@code H / 256}, rounded to the nearest integer (half up).
     *
     * @throws IllegalArgumentException if a side is below 1
     */
    static int[] scaleBox(int left, int top, int right, int bottom, int width, int height) {
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("face size must be positive, got " + width + "x" + height);
        }
        return new int[] {
            (int) Math.floor(left * (double) width / 256 + 0.5),
            (int) Math.floor(top * (double) height / 256 + 0.5),
            (int) Math.floor(right * (double) width / 256 + 0.5),
            (int) Math.floor(bottom * (double) height / 256 + 0.5)};
    }
}
