package io.smfd.runtime.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import ai.onnxruntime.ValueInfo;
import io.smfd.ModelException;
import io.smfd.SmfdException.Reason;
import io.smfd.spi.ModelMetadata;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Checks that a loaded ONNX session is an SMFD-UNet model this version can run: {@code smfd.*} metadata
 * and the model card's consistency with it (via {@link ModelMetadata#fromMetadata}), and the input/output names,
 * element types, ranks and fixed dimensions.
 */
final class ModelValidator {

    static final String INPUT = "input";
    static final String OUTPUT_IMAGE = "image";
    static final String OUTPUT_MASKS = "masks";

    private ModelValidator() {
    }

    /**
     * Validates the session.
     *
     * @param session     the loaded session
     * @param description model description for messages, e.g. {@code "model file /x.onnx"}
     * @return the model info
     * @throws ModelException if the model is not a compatible SMFD-UNet export
     * @throws OrtException               if ONNX Runtime cannot describe the session
     */
    static ModelMetadata validate(OrtSession session, String description) throws OrtException {
        Map<String, String> metadata = session.getMetadata().getCustomMetadata();
        ModelMetadata info;
        try {
            info = ModelMetadata.fromMetadata(metadata);
        } catch (ModelException e) {
            throw new ModelException(Reason.INCOMPATIBLE_MODEL, "The " + description + " is not a usable SMFD-UNet model: "
                    + e.getMessage(), e);
        }
        int k = info.classNames().size();

        Map<String, NodeInfo> inputs = session.getInputInfo();
        if (inputs.size() != 1 || !inputs.containsKey(INPUT)) {
            throw incompatible(description, "it must have exactly one input named '" + INPUT
                    + "' (float [N,3,H,W]) but has " + describe(inputs));
        }
        checkTensor(description, "input", INPUT, inputs.get(INPUT), 3);

        Map<String, NodeInfo> outputs = session.getOutputInfo();
        for (String name : new String[] {OUTPUT_IMAGE, OUTPUT_MASKS}) {
            if (!outputs.containsKey(name)) {
                throw incompatible(description, "it has no output named '" + name + "'; expected outputs '"
                        + OUTPUT_IMAGE + "' float [N,3,H,W] and '" + OUTPUT_MASKS + "' float [N,K,H,W], found "
                        + describe(outputs));
            }
        }
        checkTensor(description, "output", OUTPUT_IMAGE, outputs.get(OUTPUT_IMAGE), 3);
        checkTensor(description, "output", OUTPUT_MASKS, outputs.get(OUTPUT_MASKS), k);
        return info;
    }

    private static void checkTensor(String description, String kind, String name, NodeInfo node, int channels) {
        ValueInfo v = node.getInfo();
        if (!(v instanceof TensorInfo)) {
            throw incompatible(description, kind + " '" + name + "' must be a tensor but is " + v);
        }
        TensorInfo t = (TensorInfo) v;
        if (t.type != OnnxJavaType.FLOAT) {
            throw incompatible(description, kind + " '" + name + "' must be float32 but is " + t.onnxType);
        }
        long[] shape = t.getShape();
        if (shape.length != 4) {
            throw incompatible(description, kind + " '" + name + "' must have rank 4 (NCHW) but has shape "
                    + Arrays.toString(shape));
        }
        if (shape[1] >= 0 && shape[1] != channels) {
            throw incompatible(description, kind + " '" + name + "' must have " + channels
                    + " channels (dimension 1) but has shape " + Arrays.toString(shape)
                    + (channels == 3 ? "" : "; the number of mask channels must equal the " + channels
                    + " classes listed in " + ModelMetadata.KEY_CLASSES));
        }
    }

    private static String describe(Map<String, NodeInfo> nodes) {
        List<String> out = new ArrayList<>();
        for (NodeInfo n : nodes.values()) {
            out.add(n.getName() + " " + n.getInfo());
        }
        return out.toString();
    }

    private static ModelException incompatible(String description, String problem) {
        return new ModelException(Reason.INCOMPATIBLE_MODEL, "The " + description + " is not a usable SMFD-UNet model: " + problem
                + ". Use the bundled model (io.smfd:smfd-model) or an ONNX file exported by training/export.py.");
    }
}
