"""Convert face-api's dlib ResNet face descriptor to ONNX for the evaluation module.

    /usr/bin/python3 training/convert_face_descriptor.py \
        [--cache ~/.cache/smfd/face-api-1.7.15] [--data ../shared/data/face-descriptor] \
        [--out smfd-identity/src/main/resources/io/smfd/identity/dlib]

1. ``npm pack @vladmandic/face-api@1.7.15`` into the cache directory (never into the repository),
   extracts the model files + LICENSE, checks the .bin size (6,444,032 bytes) and the pinned SHA-256s.
2. Builds ``face_descriptor.FaceDescriptor`` from the TFJS manifest + .bin and checks it against
   ``golden-descriptors.json`` (descriptors computed by the package's own JavaScript) on the ten chips:
   max |diff| per component must be <= 1e-3.
3. Exports ONNX (opset 17, input ``chip`` N x 3 x 150 x 150 RGB in [0,1], output ``descriptor``
   N x 128, dynamic batch) and stores the weights compactly but losslessly: each tensor that the
   package ships uint8-quantised is stored as its original uint8 codes and rebuilt in the graph as
   ``DequantizeLinear(codes, scale, 0) + min`` (= codes * scale + min, the package's own rule);
   the 8 tensors the package ships as float32 stay float32.  The compressed weights are read back
   from the written file, dequantised in float32 as ONNX Runtime does, and the net is re-checked.
4. Writes ``dlib-face-descriptor.onnx``, ``dlib-face-descriptor.json`` (metadata) and ``NOTICE.md``
   (provenance, licences, SHA-256s) into --out, and prints cost figures (parameters, GFLOP, CPU time).
"""
import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import warnings

import numpy as np
import onnx
import torch
from onnx import helper, numpy_helper
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import face_descriptor as FD  # noqa: E402
from onnx_utils import drop_zero_pads  # noqa: E402

PACKAGE = "@vladmandic/face-api"
VERSION = "1.7.15"
MANIFEST = "face_recognition_model-weights_manifest.json"
BIN = "face_recognition_model.bin"
BIN_SIZE = 6_444_032
# Pinned from the first conversion (npm registry tarball of 1.7.15); a mismatch aborts.
PINNED_SHA256 = {
    MANIFEST: "cbaffa501b0b9275a12b63357a6843e7e30c054e1c9151e1a5f879b26e32986b",
    BIN: "b413e420d6840b2775fba32008db6f3cddb07d485967fb42cfcf379c16a8c589",
}
OPSET = 17
TOLERANCE = 1e-3
ONNX_NAME = "dlib-face-descriptor.onnx"
META_NAME = "dlib-face-descriptor.json"
MAX_BYTES = 12 * 1024 * 1024
DEFAULT_OUT = os.path.join(ROOT, "smfd-identity", "src", "main", "resources", "io", "smfd", "identity", "dlib")
DEFAULT_DATA = os.path.normpath(os.path.join(ROOT, "..", "shared", "data", "face-descriptor"))
DEFAULT_CACHE = os.path.join(os.path.expanduser("~"), ".cache", "smfd", f"face-api-{VERSION}")


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def fetch_package(cache):
    """npm pack the exact version into `cache`; extract model files, LICENSE and package.json."""
    os.makedirs(cache, exist_ok=True)
    tgz = os.path.join(cache, f"vladmandic-face-api-{VERSION}.tgz")
    if not os.path.exists(tgz):
        print(f"npm pack {PACKAGE}@{VERSION} -> {cache}")
        subprocess.run(["npm", "pack", "--loglevel=error", f"{PACKAGE}@{VERSION}"], cwd=cache, check=True,
                       stdout=subprocess.DEVNULL)
    pkg = os.path.join(cache, "package")
    wanted = {"package/package.json", "package/LICENSE", f"package/model/{MANIFEST}", f"package/model/{BIN}"}
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
    with open(os.path.join(pkg, "package.json")) as f:
        meta = json.load(f)
    if meta.get("name") != PACKAGE or meta.get("version") != VERSION:
        raise SystemExit(f"unexpected package {meta.get('name')}@{meta.get('version')}")
    model_dir = os.path.join(pkg, "model")
    size = os.path.getsize(os.path.join(model_dir, BIN))
    if size != BIN_SIZE:
        raise SystemExit(f"{BIN}: {size} bytes, expected {BIN_SIZE}")
    hashes = {"tarball": sha256(tgz), "LICENSE": sha256(os.path.join(pkg, "LICENSE"))}
    for name, want in PINNED_SHA256.items():
        got = sha256(os.path.join(model_dir, name))
        if got != want:
            raise SystemExit(f"{name}: SHA-256 {got} != pinned {want}")
        hashes[name] = got
    print(f"{BIN}: {size} bytes, sha256 {hashes[BIN]}")
    print(f"{MANIFEST}: sha256 {hashes[MANIFEST]}")
    print(f"tarball sha256 {hashes['tarball']}")
    return pkg, model_dir, hashes


def load_chips(data):
    with open(os.path.join(data, "golden-descriptors.json")) as f:
        golden = json.load(f)
    names = sorted(golden)
    chips = []
    for n in names:
        a = np.asarray(Image.open(os.path.join(data, "chips", n)).convert("RGB"), dtype=np.float32) / 255.0
        if a.shape != (FD.CHIP_SIZE, FD.CHIP_SIZE, 3):
            raise SystemExit(f"{n}: shape {a.shape}")
        chips.append(torch.from_numpy(a).permute(2, 0, 1))
    return names, torch.stack(chips), np.array([golden[n] for n in names], dtype=np.float64)


def report(label, desc, ref, names=None):
    diff = np.abs(np.asarray(desc, np.float64) - ref)
    if names is not None:
        for n, d, e in zip(names, diff.max(axis=1), np.linalg.norm(np.asarray(desc, np.float64) - ref, axis=1)):
            print(f"  {n}: max |diff| {d:.3e}  L2 {e:.3e}")
    print(f"{label}: max |diff| per component {diff.max():.3e} (mean {diff.mean():.3e})")
    return float(diff.max())


# --- ONNX ---------------------------------------------------------------------------------------

def _static_constant_pad(g, x, pad, value):
    """Symbolic for aten::constant_pad_nd with a constant pad list: one ONNX Pad with constant pads.
    (torch 1.13's own symbolic computes the pads with Slice/Transpose/Reshape/Cast nodes that its
    constant folding leaves in the graph.)"""
    from torch.onnx import symbolic_helper as sh
    pads = sh._get_const(pad, "is", "pad")
    rank = sh._get_tensor_rank(x) or 4
    begin, end = [0] * rank, [0] * rank
    for i in range(len(pads) // 2):  # torch: last dim first, (before, after) pairs
        begin[rank - 1 - i], end[rank - 1 - i] = pads[2 * i], pads[2 * i + 1]
    value = sh._maybe_get_scalar(value)
    value = float(value) if not isinstance(value, torch._C.Value) else 0.0
    return g.op("Pad", x, g.op("Constant", value_t=torch.tensor(begin + end, dtype=torch.int64)),
                g.op("Constant", value_t=torch.tensor(value, dtype=torch.float32)), mode_s="constant")


def _static_pad(g, x, pad, mode, value):
    """Symbolic for aten::pad (what F.pad records in torch 1.13), constant mode only."""
    from torch.onnx import symbolic_helper as sh
    if sh._maybe_get_const(mode, "s") != "constant":
        raise RuntimeError("only constant padding is used by the face descriptor")
    return _static_constant_pad(g, x, pad, value)


def export_fp32(net, path):
    torch.onnx.register_custom_op_symbolic("::constant_pad_nd", _static_constant_pad, OPSET)
    torch.onnx.register_custom_op_symbolic("::pad", _static_pad, OPSET)
    dummy = torch.zeros(1, 3, FD.CHIP_SIZE, FD.CHIP_SIZE)
    # The two shape tests in ResidualDown are constants for the fixed 150x150 input: silence the tracer.
    warnings.filterwarnings("ignore", category=torch.jit.TracerWarning)
    torch.onnx.export(net, dummy, path, opset_version=OPSET, input_names=["chip"],
                      output_names=["descriptor"], do_constant_folding=True,
                      dynamic_axes={"chip": {0: "N"}, "descriptor": {0: "N"}})


def compress(model, weights):
    """Replace each fp32 initializer that the package shipped uint8-quantised by its uint8 codes +
    DequantizeLinear(codes, scale, zero_point=0) + Add(min).  Lossless w.r.t. the package's weights
    up to float32 rounding of q*scale+min.  Returns the number of tensors replaced."""
    by_torch = {t: (tf, fn) for tf, (t, fn) in FD.tfjs_to_torch_names().items()}
    g = model.graph
    inits = {i.name: i for i in g.initializer}
    found = set(by_torch) & set(inits)
    if found != set(by_torch):
        raise SystemExit(f"initializers not found in the exported graph: {sorted(set(by_torch) - found)}")
    new_nodes, replaced = [], 0
    for tname in sorted(by_torch):
        tfname, fn = by_torch[tname]
        w = weights[tfname]
        if w.codes is None:
            continue  # shipped as float32: keep
        if w.codes.dtype != np.uint8:
            raise SystemExit(f"{tfname}: {w.codes.dtype} codes not supported")
        codes = np.ascontiguousarray(fn(w.codes))
        old = numpy_helper.to_array(inits[tname])
        if old.shape != codes.shape:
            raise SystemExit(f"{tname}: shape {old.shape} != {codes.shape}")
        g.initializer.remove(inits[tname])
        g.initializer.extend([
            numpy_helper.from_array(codes, tname + "_q"),
            numpy_helper.from_array(np.array(w.scale, np.float32), tname + "_scale"),
            numpy_helper.from_array(np.array(0, np.uint8), tname + "_zero"),
            numpy_helper.from_array(np.array(w.min, np.float32), tname + "_min"),
        ])
        new_nodes.append(helper.make_node("DequantizeLinear", [tname + "_q", tname + "_scale", tname + "_zero"],
                                          [tname + "_deq"], name=tname + "/dequantize"))
        new_nodes.append(helper.make_node("Add", [tname + "_deq", tname + "_min"], [tname],
                                          name=tname + "/add_min"))
        replaced += 1
    nodes = list(g.node)
    del g.node[:]
    g.node.extend(new_nodes + nodes)
    return replaced


def cpu_time_per_chip(net, chips, batch, repeats=5):
    x = chips[:batch] if batch <= len(chips) else chips.repeat((batch + len(chips) - 1) // len(chips), 1, 1, 1)[:batch]
    with torch.no_grad():
        net(x)
        best = float("inf")
        for _ in range(repeats):
            t0 = time.perf_counter()
            net(x)
            best = min(best, time.perf_counter() - t0)
    return best / batch


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cache", default=DEFAULT_CACHE, help="where npm pack puts/extracts the package")
    ap.add_argument("--data", default=DEFAULT_DATA, help="face-descriptor reference data (chips, goldens)")
    ap.add_argument("--out", default=DEFAULT_OUT, help="output directory for ONNX + metadata + NOTICE")
    ap.add_argument("--threads", type=int, default=1)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)

    pkg, model_dir, hashes = fetch_package(a.cache)
    weights = FD.read_tfjs_weights(os.path.join(model_dir, MANIFEST))
    net = FD.FaceDescriptor().load_tfjs(weights).eval()
    n_params = sum(p.numel() for p in net.parameters())
    n_quant = sum(w.codes is not None for w in weights.values())
    print(f"{len(weights)} tensors ({n_quant} uint8-quantised), {n_params:,} parameters")
    assert n_params == FD.N_PARAMS, n_params

    names, chips, golden = load_chips(a.data)
    with torch.no_grad():
        d32 = net(chips).numpy()
    err_fp32 = report("fp32 torch vs golden", d32, golden, names)
    if err_fp32 > TOLERANCE:
        raise SystemExit(f"fp32 net does not reproduce the goldens ({err_fp32:.3e} > {TOLERANCE})")
    dist = np.linalg.norm(golden[:, None] - golden[None], axis=2)[np.triu_indices(len(names), 1)]
    print(f"golden: distances between the ten people {dist.min():.3f} .. {dist.max():.3f}")

    with tempfile.TemporaryDirectory() as tmp:
        fp32_path = os.path.join(tmp, "fp32.onnx")
        export_fp32(net, fp32_path)
        fp32_bytes = os.path.getsize(fp32_path)
        model = onnx.load(fp32_path)
    dropped = drop_zero_pads(model)
    replaced = compress(model, weights)
    model.producer_name = "smfd training/convert_face_descriptor.py"
    model.doc_string = ("dlib ResNet face descriptor (dlib_face_recognition_resnet_model_v1, Davis King, public "
                        f"domain) with the weights of the npm package {PACKAGE}@{VERSION} (MIT). Input 'chip' "
                        "N x 3 x 150 x 150 RGB in [0,1]; output 'descriptor' N x 128, Euclidean distance < 0.6 = "
                        "same person. See NOTICE.md.")
    for k, v in {"source": f"npm:{PACKAGE}@{VERSION} model/{BIN}", "source_sha256": hashes[BIN],
                 "input": "chip: float32 N x 3 x 150 x 150, RGB in [0,1]; inside: (255*x - [122.782,117.001,104.298])/255",
                 "output": "descriptor: float32 N x 128, not L2-normalised", "threshold": "0.6"}.items():
        helper.set_model_props(model, {**{p.key: p.value for p in model.metadata_props}, k: v})
    onnx.checker.check_model(model, full_check=True)
    os.makedirs(a.out, exist_ok=True)
    onnx_path = os.path.join(a.out, ONNX_NAME)
    onnx.save(model, onnx_path)
    size = os.path.getsize(onnx_path)
    onnx_sha = sha256(onnx_path)
    ops = sorted({n.op_type for n in model.graph.node})
    print(f"ONNX: {onnx_path}: {size:,} bytes (fp32 export {fp32_bytes:,}); {replaced} tensors uint8 + "
          f"DequantizeLinear, {len(weights) - replaced} float32; {dropped} zero Pads dropped; ops {ops}; sha256 {onnx_sha}")
    if size > MAX_BYTES:
        raise SystemExit(f"ONNX too large: {size} > {MAX_BYTES}")

    # Re-check the compressed weights as stored in the file (float32 dequantisation as in ORT).
    netq = FD.FaceDescriptor().eval()
    netq = FD.FaceDescriptor.from_onnx(onnx_path)
    with torch.no_grad():
        dq = netq(chips).numpy()
    err_q_fp32 = report("compressed weights vs fp32 net", dq, d32.astype(np.float64))
    err_q_golden = report("compressed weights vs golden", dq, golden)
    if err_q_golden > TOLERANCE:
        raise SystemExit("compressed model is off the goldens")

    macs = FD.count_flops(net)
    t1 = cpu_time_per_chip(net, chips, 1)
    t10 = cpu_time_per_chip(net, chips, 10)
    print(f"cost: {n_params:,} parameters, {macs / 1e9:.3f} GMAC = {2 * macs / 1e9:.3f} GFLOP per chip; "
          f"torch {torch.__version__} CPU, {a.threads} thread(s): {t1 * 1e3:.1f} ms/chip at batch 1, "
          f"{t10 * 1e3:.1f} ms/chip at batch 10")

    command = "/usr/bin/python3 training/convert_face_descriptor.py"
    meta = {
        "name": "dlib-face-descriptor",
        "file": ONNX_NAME,
        "sha256": onnx_sha,
        "bytes": size,
        "description": "dlib ResNet-29 face descriptor (dlib_face_recognition_resnet_model_v1), weights of "
                       f"{PACKAGE}@{VERSION}",
        "source": {"package": f"{PACKAGE}@{VERSION}", "files": {MANIFEST: hashes[MANIFEST], BIN: hashes[BIN]},
                   "tarball_sha256": hashes["tarball"]},
        "input": {"name": "chip", "type": "float32", "shape": ["N", 3, 150, 150], "layout": "NCHW",
                  "color": "RGB", "range": [0.0, 1.0],
                  "preprocessing_inside": "(255*chip - [122.782, 117.001, 104.298]) / 255 (face-api)"},
        "output": {"name": "descriptor", "type": "float32", "shape": ["N", 128], "l2_normalised": False},
        "distance": "euclidean",
        "threshold": FD.THRESHOLD,
        "framing": {"image": "256x256 CelebA-HQ-style aligned face",
                    "crop_box": {"left": 38, "top": 64, "right": 217, "bottom": 243,
                                 "note": "PIL box, exclusive right/bottom: columns 38..216, rows 64..242, 179x179"},
                    "resize": "150x150, Pillow BILINEAR (antialiased): PIL crop(box).resize((150, 150), BILINEAR)"},
        "opset": OPSET,
        "weights": f"{replaced} tensors uint8 + DequantizeLinear(scale, 0) + min (the package's own "
                   f"quantisation, lossless); {len(weights) - replaced} float32",
        "parameters": n_params,
        "gflop_per_chip": round(2 * macs / 1e9, 3),
        "verification": {"chips": len(names), "fp32_vs_golden_max_abs": err_fp32,
                         "compressed_vs_fp32_max_abs": err_q_fp32, "compressed_vs_golden_max_abs": err_q_golden,
                         "tolerance": TOLERANCE},
        "converted_with": {"command": command, "torch": torch.__version__, "onnx": onnx.__version__},
    }
    with open(os.path.join(a.out, META_NAME), "w") as f:
        json.dump(meta, f, indent=2)
        f.write("\n")
    write_notice(os.path.join(a.out, "NOTICE.md"), pkg, hashes, onnx_sha, size, command)
    print(f"wrote {a.out}/{{{ONNX_NAME}, {META_NAME}, NOTICE.md}}")


def write_notice(path, pkg, hashes, onnx_sha, size, command):
    with open(os.path.join(pkg, "LICENSE")) as f:
        licence = f.read().strip()
    text = f"""# dlib-face-descriptor.onnx: provenance and licences

`{ONNX_NAME}` ({size:,} bytes, SHA-256 `{onnx_sha}`) is the dlib ResNet face descriptor
(`dlib_face_recognition_resnet_model_v1`, a 29-convolution ResNet giving a 128-D descriptor; 99.38% on LFW),
converted to ONNX for SMFD's evaluation and examples. It is not part of the SMFD runtime artifacts.

## Origin

* **Model and weights:** Davis E. King, dlib (http://dlib.net), `dlib_face_recognition_resnet_model_v1.dat`.
  Its author released the dlib models into the public domain; the README of
  https://github.com/davisking/dlib-models says: "As far as I am concerned, anyone can do whatever they want
  with these model files as I've released them into the public domain." (That README also describes the
  training data: about 3 million faces from FaceScrub, VGG and images collected from the internet.)
* **Packaging used here:** the npm package `{PACKAGE}` version **{VERSION}** (Vladimir Mandic, MIT licence,
  text below; an update of the original face-api.js, https://github.com/justadudewhohacks/face-api.js),
  which ships the weights as a TensorFlow.js weights manifest with 8-bit-quantised tensors.
  Files taken from the package tarball (`npm pack {PACKAGE}@{VERSION}`):

| file | SHA-256 |
| --- | --- |
| npm tarball `vladmandic-face-api-{VERSION}.tgz` | `{hashes['tarball']}` |
| `model/{MANIFEST}` | `{hashes[MANIFEST]}` |
| `model/{BIN}` ({BIN_SIZE:,} bytes) | `{hashes[BIN]}` |
| `LICENSE` | `{hashes['LICENSE']}` |

## Conversion

`{command}` (from the repository root; needs npm, PyTorch and onnx) fetches that exact package version,
rebuilds the network in PyTorch (`training/face_descriptor.py`, the graph face-api hard-codes in
`src/faceRecognitionNet/`), checks it against descriptors computed by the package's own JavaScript on ten
chips, and exports ONNX opset {OPSET}. The uint8 tensors are stored as the package's own uint8 codes and
dequantised in the graph (`DequantizeLinear(q, scale, 0) + min`), so no precision is lost beyond the
package's quantisation; the 8 tensors the package ships as float32 stay float32. Details and measured errors:
`training/FACE_DESCRIPTOR.md`.

Descriptors from this file reproduce `@vladmandic/face-api` {VERSION}; they differ slightly from dlib's own
(un-quantised weights, and dlib divides pixel values by 256 where face-api divides by 255).

## Licence of @vladmandic/face-api {VERSION} (MIT)

```
{licence}
```
"""
    with open(path, "w") as f:
        f.write(text)


if __name__ == "__main__":
    main()
