package io.smfd.runtime.onnx;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Hand-encodes tiny ONNX models (protobuf wire format, no onnx dependency): a graph of Identity nodes from
 * one input to named outputs, with optional {@code metadata_props}. Used to build foreign and malformed models.
 */
final class TinyOnnx {

    static final int FLOAT = 1;
    static final int INT64 = 7;

    private String inputName = "input";
    private int inputType = FLOAT;
    private Object[] inputDims = {"N", 3L, "H", "W"};
    private final List<String> outputs = new ArrayList<>();
    private final Map<String, Object[]> outputDims = new LinkedHashMap<>();
    private final Map<String, String> metadata = new LinkedHashMap<>();

    TinyOnnx input(String name, int elemType, Object... dims) {
        this.inputName = name;
        this.inputType = elemType;
        this.inputDims = dims;
        return this;
    }

    /** An output that is Identity(input), with the input's type and shape. */
    TinyOnnx output(String name) {
        outputs.add(name);
        return this;
    }

    /** An output that is Identity(input), declared with its own dims (dynamic dims merge with the input's). */
    TinyOnnx output(String name, Object... dims) {
        outputs.add(name);
        outputDims.put(name, dims);
        return this;
    }

    TinyOnnx meta(String key, String value) {
        metadata.put(key, value);
        return this;
    }

    /** The SMFD metadata of the real model. */
    TinyOnnx smfdMetadata() {
        return meta("smfd.format", "smfd-unet/1").meta("smfd.version", "0.0.1-test")
                .meta("smfd.classes", "background,skin,brows,eyes,nose,mouth,hair,accessories")
                .meta("smfd.size_multiple", "8");
    }

    byte[] build() {
        Msg graph = new Msg();
        int i = 0;
        for (String out : outputs) {
            graph.msg(1, new Msg().str(1, inputName).str(2, out).str(3, "identity" + i++).str(4, "Identity"));
        }
        graph.str(2, "tiny");
        graph.msg(11, valueInfo(inputName));
        for (String out : outputs) {
            graph.msg(12, valueInfo(out));
        }
        Msg model = new Msg().varint(1, 8).str(2, "smfd-test").msg(7, graph)
                .msg(8, new Msg().str(1, "").varint(2, 17));
        for (Map.Entry<String, String> e : metadata.entrySet()) {
            model.msg(14, new Msg().str(1, e.getKey()).str(2, e.getValue()));
        }
        return model.bytes();
    }

    private Msg valueInfo(String name) {
        Msg shape = new Msg();
        for (Object d : outputDims.getOrDefault(name, inputDims)) {
            shape.msg(1, d instanceof String ? new Msg().str(2, (String) d) : new Msg().varint(1, (Long) d));
        }
        return new Msg().str(1, name).msg(2, new Msg().msg(1, new Msg().varint(1, inputType).msg(2, shape)));
    }

    /** A protobuf message under construction. */
    static final class Msg {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Msg varint(int field, long v) {
            tag(field, 0);
            raw(v);
            return this;
        }

        Msg str(int field, String s) {
            return bytes(field, s.getBytes(StandardCharsets.UTF_8));
        }

        Msg msg(int field, Msg m) {
            return bytes(field, m.bytes());
        }

        Msg bytes(int field, byte[] b) {
            tag(field, 2);
            raw(b.length);
            out.write(b, 0, b.length);
            return this;
        }

        byte[] bytes() {
            return out.toByteArray();
        }

        private void tag(int field, int wire) {
            raw(((long) field << 3) | wire);
        }

        private void raw(long v) {
            while ((v & ~0x7FL) != 0) {
                out.write((int) ((v & 0x7F) | 0x80));
                v >>>= 7;
            }
            out.write((int) v);
        }
    }
}
