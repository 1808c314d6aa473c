"""SMFD-UNet: semantic mask generator + mask-fusion deblurring UNet (RDC blocks, CBAM,
PixelShuffle upsampling).  Input NCHW RGB in [0,1]; H and W multiples of SIZE_MULTIPLE.

Operator budget (kept small on purpose so the pure-Java runtime can execute the exported graph):
Conv, Relu, Sigmoid, Add, Mul, Concat, DepthToSpace, AveragePool, GlobalAveragePool,
GlobalMaxPool, ReduceMean, ReduceMax, Softmax, Clip.
"""
import contextlib

import torch
import torch.nn as nn
import torch.nn.functional as F

# Grouped face classes predicted by the mask generator, and how the 19 CelebAMask-HQ classes map.
CLASSES = ["background", "skin", "brows", "eyes", "nose", "mouth", "hair", "accessories"]
CELEBA_TO_GROUP = [0,  # 0 background
                   1,  # 1 skin
                   4,  # 2 nose
                   7,  # 3 eyeglasses
                   3, 3,  # 4,5 eyes
                   2, 2,  # 6,7 brows
                   1, 1,  # 8,9 ears -> skin
                   5, 5, 5,  # 10 mouth, 11 upper lip, 12 lower lip
                   6,  # 13 hair
                   7, 7, 7,  # 14 hat, 15 earring, 16 necklace
                   1,  # 17 neck -> skin
                   0]  # 18 cloth -> background
SIZE_MULTIPLE = 8
K = len(CLASSES)


def conv(cin, cout, k=3, stride=1):
    return nn.Conv2d(cin, cout, k, stride=stride, padding=k // 2)


class RDC(nn.Module):
    """Residual dense convolution block: 3 densely connected 3x3 convs + 1x1 fusion + skip."""

    def __init__(self, c, g):
        super().__init__()
        self.c1 = conv(c, g)
        self.c2 = conv(c + g, g)
        self.c3 = conv(c + 2 * g, g)
        self.fuse = conv(c + 3 * g, c, 1)

    def forward(self, x):
        a = F.relu(self.c1(x))
        b = F.relu(self.c2(torch.cat([x, a], 1)))
        c = F.relu(self.c3(torch.cat([x, a, b], 1)))
        return x + self.fuse(torch.cat([x, a, b, c], 1))


class Strip(nn.Module):
    """Long, cheap receptive field for motion blur: depthwise 1xk and kx1 convolutions and their composition
    (a kxk box), fused by a 1x1 projection into a residual. The projection starts at zero, so a new block is the
    identity and a network given one computes what it computed without it."""

    def __init__(self, c, k):
        super().__init__()
        self.h = nn.Conv2d(c, c, (1, k), padding=(0, k // 2), groups=c)
        self.v = nn.Conv2d(c, c, (k, 1), padding=(k // 2, 0), groups=c)
        self.hv = nn.Conv2d(c, c, (k, 1), padding=(k // 2, 0), groups=c)
        self.proj = nn.Conv2d(3 * c, c, 1)
        nn.init.zeros_(self.proj.weight)
        nn.init.zeros_(self.proj.bias)

    def forward(self, x):
        h = self.h(x)
        return x + self.proj(F.relu(torch.cat([h, self.v(x), self.hv(h)], 1)))


class CBAM(nn.Module):
    """Convolutional block attention: channel (avg+max pooled shared MLP) then spatial (7x7)."""

    def __init__(self, c, r=8):
        super().__init__()
        self.fc1 = nn.Conv2d(c, max(c // r, 4), 1)
        self.fc2 = nn.Conv2d(max(c // r, 4), c, 1)
        self.spatial = nn.Conv2d(2, 1, 7, padding=3)

    def forward(self, x):
        avg = F.adaptive_avg_pool2d(x, 1)
        mx = F.adaptive_max_pool2d(x, 1)
        ca = torch.sigmoid(self.fc2(F.relu(self.fc1(avg))) + self.fc2(F.relu(self.fc1(mx))))
        x = x * ca
        s = torch.cat([torch.mean(x, 1, keepdim=True), torch.amax(x, 1, keepdim=True)], 1)
        return x * torch.sigmoid(self.spatial(s))


class Up(nn.Module):
    """PixelShuffle (x2) upsampling: 1x1 conv to 4*cout channels then DepthToSpace."""

    def __init__(self, cin, cout):
        super().__init__()
        self.proj = nn.Conv2d(cin, 4 * cout, 1)

    def forward(self, x):
        return F.pixel_shuffle(self.proj(x), 2)


class MaskGenerator(nn.Module):
    def __init__(self, k=K):
        super().__init__()
        self.e0 = conv(3, 16)
        self.d1 = conv(16, 32, stride=2)
        self.e1 = conv(32, 32)
        self.d2 = conv(32, 64, stride=2)
        self.e2 = conv(64, 64)
        self.d3 = conv(64, 64, stride=2)
        self.e3 = conv(64, 64)
        self.u2 = Up(64, 64)
        self.f2 = conv(128, 64)
        self.u1 = Up(64, 32)
        self.f1 = conv(64, 32)
        self.u0 = Up(32, 16)
        self.f0 = conv(32, 16)
        self.head = nn.Conv2d(16, k, 1)

    def forward(self, x):
        a0 = F.relu(self.e0(x))
        a1 = F.relu(self.e1(F.relu(self.d1(a0))))
        a2 = F.relu(self.e2(F.relu(self.d2(a1))))
        a3 = F.relu(self.e3(F.relu(self.d3(a2))))
        b2 = F.relu(self.f2(torch.cat([self.u2(a3), a2], 1)))
        b1 = F.relu(self.f1(torch.cat([self.u1(b2), a1], 1)))
        b0 = F.relu(self.f0(torch.cat([self.u0(b1), a0], 1)))
        return self.head(b0)  # logits


def zero_fuse(b):
    """Zero an RDC block's fusion conv: the block becomes the identity, so adding it to a trained network changes
    nothing until training grows it (function-preserving deepening, as in Net2DeeperNet / zero-init residuals)."""
    nn.init.zeros_(b.fuse.weight)
    nn.init.zeros_(b.fuse.bias)
    return b


def zero_rdc(c, g):
    """An RDC block that starts as the identity (see :func:`zero_fuse`)."""
    return zero_fuse(RDC(c, g))


class Deblurrer(nn.Module):
    """UNet with mask fusion at every encoder and decoder stage; predicts a residual.

    ``extra_rdc2`` / ``extra_rdc3`` / ``extra_drdc2``: additional RDC blocks (32 growth channels) after the
    encoder's 1/4-resolution block, the 1/8-resolution pair and the decoder's 1/4-resolution block.  The
    defaults (0) are the v1/v2 network with unchanged parameter names; extra blocks start as the identity.
    ``strip2`` / ``strip3``: :class:`Strip` blocks (kernel length ``strip_k``) after the encoder's 1/4 and 1/8
    levels (issue 26's receptive-field experiment); they also start as the identity.
    """

    def __init__(self, k=K, c=(24, 48, 80, 112), extra_rdc2=0, extra_rdc3=0, extra_drdc2=0, strip2=0, strip3=0,
                 strip_k=15):
        super().__init__()
        c0, c1, c2, c3 = c
        self.in0 = conv(3 + k, c0)
        self.down1 = conv(c0, c1, stride=2)
        self.fuse1 = conv(c1 + k, c1, 1)
        self.rdc1 = RDC(c1, c1 // 2)
        self.down2 = conv(c1, c2, stride=2)
        self.fuse2 = conv(c2 + k, c2, 1)
        self.rdc2 = RDC(c2, 32)
        self.down3 = conv(c2, c3, stride=2)
        self.fuse3 = conv(c3 + k, c3, 1)
        self.rdc3a = RDC(c3, 32)
        self.rdc3b = RDC(c3, 32)
        self.att3 = CBAM(c3)
        self.up2 = Up(c3, c2)
        self.dfuse2 = conv(2 * c2 + k, c2, 1)
        self.drdc2 = RDC(c2, 32)
        self.att2 = CBAM(c2)
        self.up1 = Up(c2, c1)
        self.dfuse1 = conv(2 * c1 + k, c1, 1)
        self.drdc1 = RDC(c1, c1 // 2)
        self.up0 = Up(c1, c0)
        self.dfuse0 = conv(2 * c0 + k, c0)
        self.out = conv(c0, 3)
        self.xrdc2 = nn.ModuleList([zero_rdc(c2, 32) for _ in range(extra_rdc2)])
        self.xrdc3 = nn.ModuleList([zero_rdc(c3, 32) for _ in range(extra_rdc3)])
        self.xdrdc2 = nn.ModuleList([zero_rdc(c2, 32) for _ in range(extra_drdc2)])
        self.xstrip2 = nn.ModuleList([Strip(c2, strip_k) for _ in range(strip2)])
        self.xstrip3 = nn.ModuleList([Strip(c3, strip_k) for _ in range(strip3)])

    def forward(self, x, m):
        m1 = F.avg_pool2d(m, 2)
        m2 = F.avg_pool2d(m1, 2)
        m3 = F.avg_pool2d(m2, 2)
        f0 = F.relu(self.in0(torch.cat([x, m], 1)))
        f1 = F.relu(self.down1(f0))
        f1 = self.rdc1(F.relu(self.fuse1(torch.cat([f1, m1], 1))))
        f2 = F.relu(self.down2(f1))
        f2 = self.rdc2(F.relu(self.fuse2(torch.cat([f2, m2], 1))))
        for b in self.xrdc2:
            f2 = b(f2)
        for b in self.xstrip2:
            f2 = b(f2)
        f3 = F.relu(self.down3(f2))
        f3 = F.relu(self.fuse3(torch.cat([f3, m3], 1)))
        f3 = self.rdc3b(self.rdc3a(f3))
        for b in self.xrdc3:
            f3 = b(f3)
        for b in self.xstrip3:
            f3 = b(f3)
        f3 = self.att3(f3)
        d2 = F.relu(self.dfuse2(torch.cat([self.up2(f3), f2, m2], 1)))
        d2 = self.drdc2(d2)
        for b in self.xdrdc2:
            d2 = b(d2)
        d2 = self.att2(d2)
        d1 = F.relu(self.dfuse1(torch.cat([self.up1(d2), f1, m1], 1)))
        d1 = self.drdc1(d1)
        d0 = F.relu(self.dfuse0(torch.cat([self.up0(d1), f0, m], 1)))
        return x + self.out(d0)


LOW_PATH = ("down2", "fuse2", "rdc2", "xrdc2", "down3", "fuse3", "rdc3a", "rdc3b", "xrdc3", "att3", "up2",
            "dfuse2", "drdc2", "xdrdc2", "att2")


def revive_low_path(deblur):
    """Re-initialise the deblurrer's 1/4 and 1/8 levels (``LOW_PATH``) and zero ``up1``'s projection weights.

    In the v1/v2 weights these levels are dead: their activations grew to ~1e4, the CBAM spatial gates of
    ``att3``/``att2`` saturated at exactly 0, so the path adds a constant (``up1``'s bias) and gets no gradient.
    With ``up1.proj.weight`` zeroed the network computes what it computed before (exactly, where the gates were
    0), and the fresh levels start to learn as soon as that projection grows.
    """
    for name in LOW_PATH:
        for m in deblur.get_submodule(name).modules():
            if isinstance(m, nn.Conv2d):
                m.reset_parameters()
    for b in list(deblur.xrdc2) + list(deblur.xrdc3) + list(deblur.xdrdc2):
        zero_fuse(b)
    nn.init.zeros_(deblur.up1.proj.weight)


@contextlib.contextmanager
def gate_saturation(deblur):
    """Within the block, records for the deblurrer's forward passes the fraction of the CBAM spatial gates of
    att3 / att2 that are exactly 0 (a dead low-resolution path); yields the dict it fills (last pass wins)."""
    out = {}
    hooks = [getattr(deblur, a).spatial.register_forward_hook(
        lambda _m, _i, o, a=a: out.__setitem__(a, float((torch.sigmoid(o) == 0).float().mean())))
        for a in ("att3", "att2")]
    try:
        yield out
    finally:
        for h in hooks:
            h.remove()


class SMFDUNet(nn.Module):
    """``arch``: keyword arguments of :class:`Deblurrer` beyond the defaults (a config's ``"arch"`` object);
    empty = the v1/v2 network."""

    def __init__(self, **arch):
        super().__init__()
        self.masks = MaskGenerator()
        self.deblur = Deblurrer(**arch)

    def forward(self, x):
        logits = self.masks(x)
        probs = torch.softmax(logits, 1)
        y = self.deblur(x, probs)
        return y, logits


class Exported(nn.Module):
    """The graph that ships: outputs the clamped sharp image and mask probabilities."""

    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, x):
        y, logits = self.net(x)
        return torch.clamp(y, 0.0, 1.0), torch.softmax(logits, 1)
