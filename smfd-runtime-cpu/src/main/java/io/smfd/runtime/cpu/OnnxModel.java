package io.smfd.runtime.cpu;

import io.smfd.ModelException;
import io.smfd.SmfdException.Reason;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parts of an ONNX {@code ModelProto} that the CPU backend needs, parsed with {@link ProtoReader}
 * (no protobuf-java dependency). Parsing is strict: caps on counts and tensor ranks, tensor payload sizes
 * must match their dims, and every violation is a {@link ModelException} (malformed bytes) or an
 * {@link ModelException} (well-formed but unsupported, e.g. external data or a non-float weight).
 * Instances are immutable after {@link #parse(byte[])}.
 */
final class OnnxModel {

    static final int MAX_NODES = 100_000;
    static final int MAX_INITIALIZERS = 100_000;
    static final int MAX_VALUE_INFOS = 100_000;
    static final int MAX_NODE_IO = 1_024;
    static final int MAX_ATTRIBUTES = 256;
    static final int MAX_INTS = 4_096;
    static final int MAX_RANK = 8;
    static final int MAX_METADATA = 1_024;
    static final int MAX_OPSETS = 64;
    static final long MAX_ELEMENTS = 1L << 28;

    static final int DT_FLOAT = 1;
    static final int DT_INT64 = 7;

    long irVersion;
    final Map<String, Long> opsets = new LinkedHashMap<>();
    final Map<String, String> metadata = new LinkedHashMap<>();
    final List<Node> nodes = new ArrayList<>();
    final Map<String, Tensor> initializers = new LinkedHashMap<>();
    final List<ValueInfo> inputs = new ArrayList<>();
    final List<ValueInfo> outputs = new ArrayList<>();
    boolean hasGraph;

    /** A dense tensor: float or int64 data. */
    static final class Tensor {
        String name = "";
        int dataType;
        int[] dims = new int[0];
        float[] floats;
        long[] longs;

        long elementCount() {
            long n = 1;
            for (int d : dims) {
                n *= d;
            }
            return n;
        }
    }

    /** A node attribute (only the kinds SMFD-UNet uses are kept). */
    static final class Attribute {
        String name = "";
        int type;
        float f;
        long i;
        byte[] s;
        Tensor t;
        float[] floats = new float[0];
        long[] ints = new long[0];
    }

    /** A graph node. */
    static final class Node {
        String name = "";
        String opType = "";
        String domain = "";
        final List<String> inputs = new ArrayList<>();
        final List<String> outputs = new ArrayList<>();
        final Map<String, Attribute> attributes = new LinkedHashMap<>();

        String label() {
            return opType + (name.isEmpty() ? "" : " '" + name + "'");
        }
    }

    /** A graph input or output: name, element type and dims (-1 for symbolic/unknown). */
    static final class ValueInfo {
        String name = "";
        int elemType;
        int[] dims;
    }

    private OnnxModel() {
    }

    /**
     * Parses an ONNX model.
     *
     * @param bytes the whole {@code .onnx} file
     * @return the parsed model
     * @throws ModelException      if the bytes are not a well-formed ONNX model
     * @throws ModelException if the model uses unsupported storage (external data, subgraphs)
     */
    static OnnxModel parse(byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            throw ProtoReader.corrupt("model", "the file is empty");
        }
        OnnxModel m = new OnnxModel();
        ProtoReader r = new ProtoReader(bytes, 0, bytes.length, "ModelProto");
        while (r.hasMore()) {
            int tag = r.readTag();
            switch (tag >>> 3) {
                case 1:
                    expectWire(r, tag, ProtoReader.VARINT, "ir_version");
                    m.irVersion = r.readVarint();
                    break;
                case 7:
                    expectWire(r, tag, ProtoReader.LEN, "graph");
                    if (m.hasGraph) {
                        throw r.corrupt("more than one graph");
                    }
                    m.hasGraph = true;
                    m.parseGraph(r.readMessage("GraphProto"));
                    break;
                case 8: {
                    expectWire(r, tag, ProtoReader.LEN, "opset_import");
                    if (m.opsets.size() >= MAX_OPSETS) {
                        throw r.corrupt("more than " + MAX_OPSETS + " opset imports");
                    }
                    ProtoReader o = r.readMessage("OperatorSetIdProto");
                    String domain = "";
                    long version = 0;
                    while (o.hasMore()) {
                        int t = o.readTag();
                        if (t >>> 3 == 1) {
                            expectWire(o, t, ProtoReader.LEN, "domain");
                            domain = o.readString();
                        } else if (t >>> 3 == 2) {
                            expectWire(o, t, ProtoReader.VARINT, "version");
                            version = o.readVarint();
                        } else {
                            o.skip(t);
                        }
                    }
                    m.opsets.put(domain, version);
                    break;
                }
                case 14: {
                    expectWire(r, tag, ProtoReader.LEN, "metadata_props");
                    if (m.metadata.size() >= MAX_METADATA) {
                        throw r.corrupt("more than " + MAX_METADATA + " metadata entries");
                    }
                    ProtoReader e = r.readMessage("StringStringEntryProto");
                    String key = "";
                    String value = "";
                    while (e.hasMore()) {
                        int t = e.readTag();
                        if (t >>> 3 == 1) {
                            expectWire(e, t, ProtoReader.LEN, "key");
                            key = e.readString();
                        } else if (t >>> 3 == 2) {
                            expectWire(e, t, ProtoReader.LEN, "value");
                            value = e.readString();
                        } else {
                            e.skip(t);
                        }
                    }
                    m.metadata.put(key, value);
                    break;
                }
                default:
                    r.skip(tag);
            }
        }
        if (!m.hasGraph) {
            throw ProtoReader.corrupt("ModelProto", "no graph (is this an ONNX file?)");
        }
        return m;
    }

    static void expectWire(ProtoReader r, int tag, int wire, String field) {
        if ((tag & 7) != wire) {
            throw r.corrupt("field '" + field + "' has wire type " + (tag & 7) + ", expected " + wire);
        }
    }

    private void parseGraph(ProtoReader g) {
        while (g.hasMore()) {
            int tag = g.readTag();
            switch (tag >>> 3) {
                case 1:
                    expectWire(g, tag, ProtoReader.LEN, "node");
                    if (nodes.size() >= MAX_NODES) {
                        throw g.corrupt("more than " + MAX_NODES + " nodes");
                    }
                    nodes.add(parseNode(g.readMessage("NodeProto #" + nodes.size())));
                    break;
                case 5: {
                    expectWire(g, tag, ProtoReader.LEN, "initializer");
                    if (initializers.size() >= MAX_INITIALIZERS) {
                        throw g.corrupt("more than " + MAX_INITIALIZERS + " initializers");
                    }
                    Tensor t = parseTensor(g.readMessage("initializer #" + initializers.size()));
                    if (initializers.put(t.name, t) != null) {
                        throw g.corrupt("duplicate initializer '" + t.name + "'");
                    }
                    break;
                }
                case 11:
                    expectWire(g, tag, ProtoReader.LEN, "input");
                    checkCount(g, inputs.size(), "graph inputs");
                    inputs.add(parseValueInfo(g.readMessage("graph input #" + inputs.size())));
                    break;
                case 12:
                    expectWire(g, tag, ProtoReader.LEN, "output");
                    checkCount(g, outputs.size(), "graph outputs");
                    outputs.add(parseValueInfo(g.readMessage("graph output #" + outputs.size())));
                    break;
                case 15:
                    throw new ModelException(Reason.INCOMPATIBLE_MODEL, "The ONNX graph has sparse initializers, which the cpu backend"
                            + " does not support; export SMFD-UNet with dense weights");
                default:
                    g.skip(tag);
            }
        }
    }

    private static void checkCount(ProtoReader r, int size, String what) {
        if (size >= MAX_VALUE_INFOS) {
            throw r.corrupt("more than " + MAX_VALUE_INFOS + " " + what);
        }
    }

    private static Node parseNode(ProtoReader r) {
        Node n = new Node();
        while (r.hasMore()) {
            int tag = r.readTag();
            switch (tag >>> 3) {
                case 1:
                    expectWire(r, tag, ProtoReader.LEN, "input");
                    if (n.inputs.size() >= MAX_NODE_IO) {
                        throw r.corrupt("node has more than " + MAX_NODE_IO + " inputs");
                    }
                    n.inputs.add(r.readString());
                    break;
                case 2:
                    expectWire(r, tag, ProtoReader.LEN, "output");
                    if (n.outputs.size() >= MAX_NODE_IO) {
                        throw r.corrupt("node has more than " + MAX_NODE_IO + " outputs");
                    }
                    n.outputs.add(r.readString());
                    break;
                case 3:
                    expectWire(r, tag, ProtoReader.LEN, "name");
                    n.name = r.readString();
                    break;
                case 4:
                    expectWire(r, tag, ProtoReader.LEN, "op_type");
                    n.opType = r.readString();
                    break;
                case 5: {
                    expectWire(r, tag, ProtoReader.LEN, "attribute");
                    if (n.attributes.size() >= MAX_ATTRIBUTES) {
                        throw r.corrupt("node has more than " + MAX_ATTRIBUTES + " attributes");
                    }
                    Attribute a = parseAttribute(r.readMessage("AttributeProto"));
                    if (n.attributes.put(a.name, a) != null) {
                        throw r.corrupt("duplicate attribute '" + a.name + "'");
                    }
                    break;
                }
                case 7:
                    expectWire(r, tag, ProtoReader.LEN, "domain");
                    n.domain = r.readString();
                    break;
                default:
                    r.skip(tag);
            }
        }
        return n;
    }

    private static Attribute parseAttribute(ProtoReader r) {
        Attribute a = new Attribute();
        FloatList floats = new FloatList();
        LongList ints = new LongList();
        while (r.hasMore()) {
            int tag = r.readTag();
            int wire = tag & 7;
            switch (tag >>> 3) {
                case 1:
                    expectWire(r, tag, ProtoReader.LEN, "name");
                    a.name = r.readString();
                    break;
                case 20:
                    expectWire(r, tag, ProtoReader.VARINT, "type");
                    a.type = ProtoReader.checkedInt(r, r.readVarint(), 0, 64, "attribute type");
                    break;
                case 2:
                    expectWire(r, tag, ProtoReader.I32, "f");
                    a.f = Float.intBitsToFloat(r.readFixed32());
                    break;
                case 3:
                    expectWire(r, tag, ProtoReader.VARINT, "i");
                    a.i = r.readVarint();
                    break;
                case 4: {
                    expectWire(r, tag, ProtoReader.LEN, "s");
                    int[] range = r.readBytesRange();
                    a.s = Arrays.copyOfRange(r.array(), range[0], range[0] + range[1]);
                    break;
                }
                case 5:
                    expectWire(r, tag, ProtoReader.LEN, "t");
                    a.t = parseTensor(r.readMessage("attribute tensor"));
                    break;
                case 7:
                    readFloats(r, wire, floats, MAX_INTS, "floats");
                    break;
                case 8:
                    readInts(r, wire, ints, MAX_INTS, "ints");
                    break;
                default:
                    // g, graphs, sparse tensors, strings, type protos: not used by SMFD-UNet; skipped here and
                    // refused by the op validation if an operator needs them.
                    r.skip(tag);
            }
        }
        a.floats = floats.toArray();
        a.ints = ints.toArray();
        return a;
    }

    private static ValueInfo parseValueInfo(ProtoReader r) {
        ValueInfo v = new ValueInfo();
        while (r.hasMore()) {
            int tag = r.readTag();
            if (tag >>> 3 == 1) {
                expectWire(r, tag, ProtoReader.LEN, "name");
                v.name = r.readString();
            } else if (tag >>> 3 == 2) {
                expectWire(r, tag, ProtoReader.LEN, "type");
                ProtoReader type = r.readMessage("TypeProto");
                while (type.hasMore()) {
                    int t = type.readTag();
                    if (t >>> 3 == 1) {
                        expectWire(type, t, ProtoReader.LEN, "tensor_type");
                        parseTensorType(type.readMessage("TypeProto.Tensor"), v);
                    } else {
                        type.skip(t);
                    }
                }
            } else {
                r.skip(tag);
            }
        }
        return v;
    }

    private static void parseTensorType(ProtoReader r, ValueInfo v) {
        while (r.hasMore()) {
            int tag = r.readTag();
            if (tag >>> 3 == 1) {
                expectWire(r, tag, ProtoReader.VARINT, "elem_type");
                v.elemType = ProtoReader.checkedInt(r, r.readVarint(), 0, 64, "elem_type");
            } else if (tag >>> 3 == 2) {
                expectWire(r, tag, ProtoReader.LEN, "shape");
                ProtoReader shape = r.readMessage("TensorShapeProto");
                List<Integer> dims = new ArrayList<>();
                while (shape.hasMore()) {
                    int t = shape.readTag();
                    if (t >>> 3 == 1) {
                        expectWire(shape, t, ProtoReader.LEN, "dim");
                        if (dims.size() >= MAX_RANK) {
                            throw shape.corrupt("rank above " + MAX_RANK);
                        }
                        ProtoReader d = shape.readMessage("Dimension");
                        int value = -1;
                        while (d.hasMore()) {
                            int dt = d.readTag();
                            if (dt >>> 3 == 1) {
                                expectWire(d, dt, ProtoReader.VARINT, "dim_value");
                                value = ProtoReader.checkedInt(d, d.readVarint(), 0, Integer.MAX_VALUE, "dim_value");
                            } else {
                                d.skip(dt);
                            }
                        }
                        dims.add(value);
                    } else {
                        shape.skip(t);
                    }
                }
                v.dims = dims.stream().mapToInt(Integer::intValue).toArray();
            } else {
                r.skip(tag);
            }
        }
    }

    static Tensor parseTensor(ProtoReader r) {
        Tensor t = new Tensor();
        LongList dims = new LongList();
        FloatList floatData = new FloatList();
        LongList int64Data = new LongList();
        int rawOffset = -1;
        int rawLength = 0;
        boolean external = false;
        while (r.hasMore()) {
            int tag = r.readTag();
            int wire = tag & 7;
            switch (tag >>> 3) {
                case 1:
                    readInts(r, wire, dims, MAX_RANK, "dims");
                    break;
                case 2:
                    expectWire(r, tag, ProtoReader.VARINT, "data_type");
                    t.dataType = ProtoReader.checkedInt(r, r.readVarint(), 0, 64, "data_type");
                    break;
                case 4:
                    readFloats(r, wire, floatData, MAX_ELEMENTS, "float_data");
                    break;
                case 7:
                    readInts(r, wire, int64Data, MAX_ELEMENTS, "int64_data");
                    break;
                case 8:
                    expectWire(r, tag, ProtoReader.LEN, "name");
                    t.name = r.readString();
                    break;
                case 9: {
                    expectWire(r, tag, ProtoReader.LEN, "raw_data");
                    int[] range = r.readBytesRange();
                    rawOffset = range[0];
                    rawLength = range[1];
                    break;
                }
                case 13:
                    external = true;
                    r.skip(tag);
                    break;
                case 14:
                    expectWire(r, tag, ProtoReader.VARINT, "data_location");
                    if (r.readVarint() != 0) {
                        external = true;
                    }
                    break;
                case 3:
                    throw r.corrupt("segmented tensors are not supported");
                default:
                    r.skip(tag);
            }
        }
        String label = "tensor '" + t.name + "'";
        if (external) {
            throw new ModelException(Reason.INCOMPATIBLE_MODEL, "ONNX " + label + " uses external data, which the cpu backend does"
                    + " not load; export the model with weights embedded in the .onnx file");
        }
        t.dims = new int[dims.size];
        long count = 1;
        for (int i = 0; i < dims.size; i++) {
            long d = dims.data[i];
            if (d < 0 || d > Integer.MAX_VALUE) {
                throw r.corrupt(label + " has invalid dimension " + d);
            }
            t.dims[i] = (int) d;
            count *= Math.max(d, 1);
            if (count > MAX_ELEMENTS) {
                throw r.corrupt(label + " has more than " + MAX_ELEMENTS + " elements");
            }
        }
        count = t.elementCount();
        if (t.dataType == DT_FLOAT) {
            if (rawOffset >= 0) {
                if (floatData.size != 0 || rawLength != count * 4) {
                    throw r.corrupt(label + " raw_data has " + rawLength + " bytes but dims "
                            + Arrays.toString(t.dims) + " need " + count * 4);
                }
                float[] f = new float[(int) count];
                byte[] b = r.array();
                for (int i = 0, p = rawOffset; i < f.length; i++, p += 4) {
                    f[i] = Float.intBitsToFloat((b[p] & 0xFF) | (b[p + 1] & 0xFF) << 8 | (b[p + 2] & 0xFF) << 16
                            | (b[p + 3] & 0xFF) << 24);
                }
                t.floats = f;
            } else {
                if (floatData.size != count) {
                    throw r.corrupt(label + " has " + floatData.size + " float_data values but dims "
                            + Arrays.toString(t.dims) + " need " + count);
                }
                t.floats = floatData.toArray();
            }
        } else if (t.dataType == DT_INT64) {
            if (rawOffset >= 0) {
                if (int64Data.size != 0 || rawLength != count * 8) {
                    throw r.corrupt(label + " raw_data has " + rawLength + " bytes but dims "
                            + Arrays.toString(t.dims) + " need " + count * 8);
                }
                long[] l = new long[(int) count];
                byte[] b = r.array();
                for (int i = 0, p = rawOffset; i < l.length; i++, p += 8) {
                    long v = 0;
                    for (int k = 7; k >= 0; k--) {
                        v = v << 8 | (b[p + k] & 0xFF);
                    }
                    l[i] = v;
                }
                t.longs = l;
            } else {
                if (int64Data.size != count) {
                    throw r.corrupt(label + " has " + int64Data.size + " int64_data values but dims "
                            + Arrays.toString(t.dims) + " need " + count);
                }
                t.longs = int64Data.toArray();
            }
        } else {
            throw new ModelException(Reason.INCOMPATIBLE_MODEL, "ONNX " + label + " has data type " + t.dataType
                    + "; the cpu backend supports float32 (1) and int64 (7) tensors only");
        }
        return t;
    }

    private static void readFloats(ProtoReader r, int wire, FloatList out, long cap, String field) {
        if (wire == ProtoReader.LEN) {
            int len = r.readLength();
            if (len % 4 != 0) {
                throw r.corrupt("packed '" + field + "' has " + len + " bytes, not a multiple of 4");
            }
            if (out.size + len / 4L > cap) {
                throw r.corrupt("'" + field + "' has more than " + cap + " values");
            }
            out.ensure(out.size + len / 4);
            for (int i = 0; i < len / 4; i++) {
                out.add(Float.intBitsToFloat(r.readFixed32()));
            }
        } else if (wire == ProtoReader.I32) {
            if (out.size + 1L > cap) {
                throw r.corrupt("'" + field + "' has more than " + cap + " values");
            }
            out.add(Float.intBitsToFloat(r.readFixed32()));
        } else {
            throw r.corrupt("field '" + field + "' has wire type " + wire);
        }
    }

    private static void readInts(ProtoReader r, int wire, LongList out, long cap, String field) {
        if (wire == ProtoReader.LEN) {
            int len = r.readLength();
            ProtoReader packed = new ProtoReader(r.array(), r.position(), len, "packed " + field);
            while (packed.hasMore()) {
                if (out.size + 1L > cap) {
                    throw r.corrupt("'" + field + "' has more than " + cap + " values");
                }
                out.add(packed.readVarint());
            }
            r.advance(len);
        } else if (wire == ProtoReader.VARINT) {
            if (out.size + 1L > cap) {
                throw r.corrupt("'" + field + "' has more than " + cap + " values");
            }
            out.add(r.readVarint());
        } else {
            throw r.corrupt("field '" + field + "' has wire type " + wire);
        }
    }

    /** Growable float array. */
    static final class FloatList {
        float[] data = new float[0];
        int size;

        void ensure(int n) {
            if (n > data.length) {
                data = Arrays.copyOf(data, Math.max(n, data.length * 2));
            }
        }

        void add(float v) {
            if (size == data.length) {
                ensure(Math.max(8, size * 2));
            }
            data[size++] = v;
        }

        float[] toArray() {
            return Arrays.copyOf(data, size);
        }
    }

    /** Growable long array. */
    static final class LongList {
        long[] data = new long[0];
        int size;

        void add(long v) {
            if (size == data.length) {
                data = Arrays.copyOf(data, Math.max(8, size * 2));
            }
            data[size++] = v;
        }

        long[] toArray() {
            return Arrays.copyOf(data, size);
        }
    }

    List<Node> nodes() {
        return Collections.unmodifiableList(nodes);
    }
}
