#!/usr/bin/env bash
# One lent GPU run (device tool): train the GPU stage for at most MINUTES from the data pack, then put
# the checkpoint and log under $OUT so they come back.  The pack is git-ignored: pass it with the
# device tool's carry (["training/data"]).  Usage: bash training/gpu_run.sh [MINUTES]
set -euo pipefail
minutes="${1:-10}"
cfg=training/configs/v4-gpu.json
python3 -c 'import torch; print("torch", torch.__version__, "cuda", torch.cuda.is_available())'
test -f training/data/pack.npz || { echo "training/data/pack.npz missing (carry it)" >&2; exit 2; }
# the init (configs/v4-gpu.json): before the device call, here:
#   git show 0019ec6:smfd-model/src/main/resources/io/smfd/model/smfd-unet.onnx > training/data/v4-init.onnx
test -f training/data/v4-init.onnx || { echo "training/data/v4-init.onnx missing (see above; carry training/data)" >&2; exit 2; }
python3 training/train.py "$cfg" --max-minutes "$minutes" || true
mkdir -p "${OUT:-/tmp/out}"
cp training/runs/v4-gpu/latest.pt training/runs/v4-gpu/train.log training/runs/v4-gpu/config.json "${OUT:-/tmp/out}/"
