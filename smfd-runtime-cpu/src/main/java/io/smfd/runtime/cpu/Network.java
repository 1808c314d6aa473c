package io.smfd.runtime.cpu;

import io.smfd.ModelException;
import io.smfd.SmfdException.Reason;
import io.smfd.spi.ModelMetadata;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * An SMFD-UNet ONNX graph compiled for the CPU backend: validated (metadata, inputs/outputs, operators and their
 * attributes, weight shapes, topology), topologically ordered, with Conv+Add+activation fused, and checked by a
 * dry-run shape inference. Immutable and thread-safe; per-shape execution state lives in {@link Plan}.
 */
final class Network {

    static final String INPUT = "input";
    static final String OUTPUT_IMAGE = "image";
    static final String OUTPUT_MASKS = "masks";
    static final long MIN_OPSET = 13;
    static final long MAX_OPSET = 17;

    /** Operators the CPU backend executes (default ONNX domain). */
    static final Set<String> SUPPORTED_OPS = Set.of("Conv", "Relu", "Sigmoid", "Add", "Mul", "Concat",
            "DepthToSpace", "AveragePool", "GlobalAveragePool", "GlobalMaxPool", "ReduceMean", "ReduceMax",
            "Softmax", "Clip", "Constant");

    /** A tensor value: activation (computed) or constant. */
    static final class Value {
        final int id;
        final String name;
        float[] constData;
        int[] constShape; // rank 4, right-aligned
        int[] rawDims; // the constant's own dims

        Value(int id, String name) {
            this.id = id;
            this.name = name;
        }

        boolean isConst() {
            return constData != null;
        }
    }

    final ModelMetadata info;
    final String description;
    final List<Value> values = new ArrayList<>();
    final List<Op> ops;
    final int inputId;
    final int imageId;
    final int masksId;

    private Network(ModelMetadata info, String description, List<Op> ops, List<Value> values, int inputId, int imageId,
                    int masksId) {
        this.info = info;
        this.description = description;
        this.ops = ops;
        this.values.addAll(values);
        this.inputId = inputId;
        this.imageId = imageId;
        this.masksId = masksId;
    }

    /**
     * Parses, validates and compiles a model.
     *
     * @param bytes       the ONNX file
     * @param description model description for messages
     * @return the compiled network
     * @throws io.smfd.ModelException      if the bytes are not a well-formed ONNX model
     * @throws ModelException if the model is not an SMFD-UNet export this backend can run
     */
    static Network load(byte[] bytes, String description) {
        return compile(OnnxModel.parse(bytes), description);
    }

    static ModelException incompatible(String description, String problem) {
        return new ModelException(Reason.INCOMPATIBLE_MODEL, "The " + description + " is not a usable SMFD-UNet model for the cpu"
                + " backend: " + problem + ". Use the bundled model (io.smfd:smfd-model) or an ONNX file exported by"
                + " training/export.py.");
    }

    static Network compile(OnnxModel m, String description) {
        // 1. metadata and model card, as the onnx backend checks them (in ModelMetadata.fromMetadata)
        ModelMetadata info;
        try {
            info = ModelMetadata.fromMetadata(m.metadata);
        } catch (ModelException e) {
            throw new ModelException(Reason.INCOMPATIBLE_MODEL, "The " + description + " is not a usable SMFD-UNet model: "
                    + e.getMessage(), e);
        }

        // 2. opset and operators
        Long opset = m.opsets.containsKey("") ? m.opsets.get("") : m.opsets.get("ai.onnx");
        if (opset == null || opset < MIN_OPSET || opset > MAX_OPSET) {
            throw incompatible(description, "it imports ONNX opset " + opset + " but the cpu backend runs opsets "
                    + MIN_OPSET + " to " + MAX_OPSET);
        }
        Set<String> unsupported = new TreeSet<>();
        for (OnnxModel.Node n : m.nodes) {
            boolean defaultDomain = n.domain.isEmpty() || n.domain.equals("ai.onnx");
            if (!defaultDomain || !SUPPORTED_OPS.contains(n.opType)) {
                unsupported.add(defaultDomain ? n.opType : n.domain + ":" + n.opType);
            }
        }
        if (!unsupported.isEmpty()) {
            throw incompatible(description, "it uses operator(s) " + unsupported + " that the cpu backend does not"
                    + " implement (supported: " + new TreeSet<>(SUPPORTED_OPS) + ")");
        }

        // 3. values: initializers, graph input, node outputs (SSA)
        Map<String, Value> byName = new LinkedHashMap<>();
        List<Value> values = new ArrayList<>();
        for (OnnxModel.Tensor t : m.initializers.values()) {
            Value v = newValue(values, byName, t.name, description);
            setConst(v, t, description);
        }
        List<OnnxModel.ValueInfo> realInputs = new ArrayList<>();
        for (OnnxModel.ValueInfo vi : m.inputs) {
            if (!m.initializers.containsKey(vi.name)) {
                realInputs.add(vi);
            }
        }
        if (realInputs.size() != 1 || !realInputs.get(0).name.equals(INPUT)) {
            List<String> names = new ArrayList<>();
            realInputs.forEach(v -> names.add(v.name));
            throw incompatible(description, "it must have exactly one input named '" + INPUT + "' (float [N,3,H,W])"
                    + " but has " + names);
        }
        checkIo(description, "input", realInputs.get(0), 3);
        Value input = newValue(values, byName, INPUT, description);

        Set<String> outputNames = new HashSet<>();
        for (OnnxModel.ValueInfo vi : m.outputs) {
            outputNames.add(vi.name);
        }
        int k = info.classNames().size();
        for (String name : new String[] {OUTPUT_IMAGE, OUTPUT_MASKS}) {
            if (!outputNames.contains(name)) {
                throw incompatible(description, "it has no output named '" + name + "'; expected outputs '"
                        + OUTPUT_IMAGE + "' float [N,3,H,W] and '" + OUTPUT_MASKS + "' float [N,K,H,W], found "
                        + outputNames);
            }
        }
        for (OnnxModel.ValueInfo vi : m.outputs) {
            if (vi.name.equals(OUTPUT_IMAGE)) {
                checkIo(description, "output", vi, 3);
            } else if (vi.name.equals(OUTPUT_MASKS)) {
                checkIo(description, "output", vi, k);
            }
        }

        // 4. topological order (Kahn), constants folded
        List<OnnxModel.Node> order = topoSort(m.nodes, byName.keySet(), description);
        Map<String, Integer> consumers = new HashMap<>();
        for (OnnxModel.Node n : order) {
            for (String in : n.inputs) {
                consumers.merge(in, 1, Integer::sum);
            }
        }
        for (String out : outputNames) {
            consumers.merge(out, 1, Integer::sum);
        }
        List<Op> ops = new ArrayList<>();
        for (OnnxModel.Node n : order) {
            if (n.outputs.size() != 1 || n.outputs.get(0).isEmpty()) {
                throw incompatible(description, n.label() + " must have exactly one output");
            }
            Value out = newValue(values, byName, n.outputs.get(0), description);
            if (n.opType.equals("Constant")) {
                foldConstant(n, out, description);
                continue;
            }
            ops.add(Ops.build(n, out, byName, description));
        }
        Value image = byName.get(OUTPUT_IMAGE);
        Value masks = byName.get(OUTPUT_MASKS);
        if (image == null || masks == null || image.isConst() || masks.isConst() || image == input
                || masks == input || image == masks) {
            throw incompatible(description, "outputs '" + OUTPUT_IMAGE + "' and '" + OUTPUT_MASKS
                    + "' must be computed by the graph");
        }

        // 5. dry-run shapes, fusion, dry-run again
        int m2 = 2 * info.sizeMultiple();
        int[][] shapes = inferShapes(ops, values, input.id, 1, m2, m2, description);
        ops = Fusion.fuse(ops, values, shapes, consumers, outputNames);
        Network net = new Network(info, description, ops, values, input.id, image.id, masks.id);
        shapes = net.shapes(1, m2, m2);
        if (shapes[image.id][1] != 3) {
            throw incompatible(description, "output '" + OUTPUT_IMAGE + "' has " + shapes[image.id][1]
                    + " channels, expected 3");
        }
        if (shapes[masks.id][1] != k) {
            throw incompatible(description, "output '" + OUTPUT_MASKS + "' has " + shapes[masks.id][1]
                    + " channels but " + ModelMetadata.KEY_CLASSES + " lists " + k + " classes");
        }
        for (int[] s : new int[][] {shapes[image.id], shapes[masks.id]}) {
            if (s[0] != 1 || s[2] != m2 || s[3] != m2) {
                throw incompatible(description, "outputs must have the input's batch, height and width, got "
                        + Arrays.toString(s) + " for input [1,3," + m2 + "," + m2 + "]");
            }
        }
        return net;
    }

    private static Value newValue(List<Value> values, Map<String, Value> byName, String name, String description) {
        if (name.isEmpty()) {
            throw incompatible(description, "a tensor has an empty name");
        }
        if (byName.containsKey(name)) {
            throw incompatible(description, "tensor '" + name + "' is defined more than once");
        }
        Value v = new Value(values.size(), name);
        values.add(v);
        byName.put(name, v);
        return v;
    }

    static void setConst(Value v, OnnxModel.Tensor t, String description) {
        if (t.dims.length > 4) {
            throw incompatible(description, "constant '" + t.name + "' has rank " + t.dims.length + " (max 4)");
        }
        float[] data;
        if (t.floats != null) {
            data = t.floats;
        } else {
            data = new float[t.longs.length];
            for (int i = 0; i < data.length; i++) {
                data[i] = t.longs[i];
            }
        }
        int[] shape = {1, 1, 1, 1};
        for (int i = 0; i < t.dims.length; i++) {
            shape[4 - t.dims.length + i] = t.dims[i];
        }
        v.constShape = shape;
        v.constData = data;
        v.rawDims = t.dims.clone();
    }

    private static void foldConstant(OnnxModel.Node n, Value out, String description) {
        if (!n.inputs.isEmpty() || n.attributes.size() != 1) {
            throw incompatible(description, n.label() + " must have no inputs and exactly one attribute");
        }
        OnnxModel.Attribute a = n.attributes.values().iterator().next();
        OnnxModel.Tensor t = new OnnxModel.Tensor();
        t.name = out.name;
        switch (a.name) {
            case "value":
                if (a.t == null) {
                    throw incompatible(description, n.label() + " attribute 'value' has no tensor");
                }
                t = a.t;
                break;
            case "value_float":
                t.floats = new float[] {a.f};
                break;
            case "value_floats":
                t.floats = a.floats.clone();
                t.dims = new int[] {a.floats.length};
                break;
            default:
                throw incompatible(description, n.label() + " attribute '" + a.name + "' is not supported");
        }
        setConst(out, t, description);
    }

    private static List<OnnxModel.Node> topoSort(List<OnnxModel.Node> nodes, Set<String> available,
                                                 String description) {
        Map<String, Integer> producer = new HashMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            for (String o : nodes.get(i).outputs) {
                if (available.contains(o) || producer.put(o, i) != null) {
                    throw incompatible(description, "tensor '" + o + "' is produced more than once");
                }
            }
        }
        int[] pending = new int[nodes.size()];
        Map<String, List<Integer>> users = new HashMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            for (String in : nodes.get(i).inputs) {
                if (in.isEmpty() || available.contains(in)) {
                    continue;
                }
                if (!producer.containsKey(in)) {
                    throw incompatible(description, nodes.get(i).label() + " reads tensor '" + in
                            + "' that nothing defines");
                }
                pending[i]++;
                users.computeIfAbsent(in, x -> new ArrayList<>()).add(i);
            }
        }
        ArrayList<Integer> ready = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            if (pending[i] == 0) {
                ready.add(i);
            }
        }
        List<OnnxModel.Node> order = new ArrayList<>();
        // process in file order where possible (stable): ready is kept sorted ascending
        java.util.PriorityQueue<Integer> queue = new java.util.PriorityQueue<>(ready);
        while (!queue.isEmpty()) {
            int i = queue.poll();
            order.add(nodes.get(i));
            for (String o : nodes.get(i).outputs) {
                for (int u : users.getOrDefault(o, List.of())) {
                    if (--pending[u] == 0) {
                        queue.add(u);
                    }
                }
            }
        }
        if (order.size() != nodes.size()) {
            throw incompatible(description, "the graph has a cycle");
        }
        return order;
    }

    private static void checkIo(String description, String kind, OnnxModel.ValueInfo v, int channels) {
        if (v.elemType != OnnxModel.DT_FLOAT) {
            throw incompatible(description, kind + " '" + v.name + "' must be float32 but has element type "
                    + v.elemType);
        }
        if (v.dims != null) {
            if (v.dims.length != 4) {
                throw incompatible(description, kind + " '" + v.name + "' must have rank 4 (NCHW) but has shape "
                        + Arrays.toString(v.dims));
            }
            if (v.dims[1] >= 0 && v.dims[1] != channels) {
                throw incompatible(description, kind + " '" + v.name + "' must have " + channels
                        + " channels (dimension 1) but has shape " + Arrays.toString(v.dims));
            }
        }
    }

    /** Shapes of every value for an input of [n, 3, h, w]; constants get their own shape. */
    int[][] shapes(int n, int h, int w) {
        return inferShapes(ops, values, inputId, n, h, w, description);
    }

    static int[][] inferShapes(List<Op> ops, List<Value> values, int inputId, int n, int h, int w,
                               String description) {
        int[][] shapes = new int[values.size()][];
        for (Value v : values) {
            if (v.isConst()) {
                shapes[v.id] = v.constShape;
            }
        }
        shapes[inputId] = new int[] {n, 3, h, w};
        for (Op op : ops) {
            int[][] in = new int[op.inputs.length][];
            for (int i = 0; i < in.length; i++) {
                in[i] = shapes[op.inputs[i]];
                if (in[i] == null) {
                    throw incompatible(description, op.label + " reads a tensor before it is computed");
                }
            }
            int[] out = op.shape(in);
            long elements = (long) out[0] * out[1] * out[2] * out[3];
            for (int d : out) {
                if (d < 1) {
                    throw incompatible(description, op.label + " would produce shape " + Arrays.toString(out)
                            + " for input [" + n + ",3," + h + "," + w + "]");
                }
            }
            if (elements > Integer.MAX_VALUE - 1024) {
                throw new io.smfd.SmfdException(Reason.INFERENCE_FAILED, "Input [" + n + ",3," + h + "," + w + "] is too large for the cpu"
                        + " backend: " + op.label + " would produce " + elements + " values; use smaller batches");
            }
            shapes[op.output] = out;
        }
        return shapes;
    }
}
