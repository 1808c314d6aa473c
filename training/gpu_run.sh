#!/usr/bin/env bash
# One lent GPU run (device tool): train the GPU stage for at most MINUTES from the data pack, then put
# the checkpoint and log under $OUT so they come back.  The pack is git-ignored: pass it with the
# device tool's carry (["training/data/pack.npz"]).  Usage: bash training/gpu_run.sh [MINUTES]
set -euo pipefail
minutes="${1:-10}"
cfg=training/configs/v3-gpu.json
python3 -c 'import torch; print("torch", torch.__version__, "cuda", torch.cuda.is_available())'
test -f training/data/pack.npz || { echo "training/data/pack.npz missing (carry it)" >&2; exit 2; }
python3 training/train.py "$cfg" --max-minutes "$minutes" || true
mkdir -p "${OUT:-/tmp/out}"
cp training/runs/v3-gpu/latest.pt training/runs/v3-gpu/train.log training/runs/v3-gpu/config.json "${OUT:-/tmp/out}/"
