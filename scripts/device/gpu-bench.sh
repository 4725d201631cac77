#!/usr/bin/env bash
# Runs on the `device` machine (carry [".device"], made by scripts/device/pack.sh): unpacks Node,
# Dawn and the Vulkan loader, points Vulkan at the NVIDIA driver, and runs the Node WebGPU bench
# with the given flags. Results: $OUT/gpu-bench.json and $OUT/gpu-bench.log. Here (no GPU) the
# same script runs on Chromium's SwiftShader Vulkan when VK_ICD_FILENAMES names it.
set -euo pipefail
cd "$(dirname "$0")/../.."
out="${OUT:-/tmp/gpu-bench}"
mkdir -p "$out" /tmp/gpu-bench-run

if [[ -z "${VK_ICD_FILENAMES:-}" ]]; then
  for f in .device/deb/*.deb; do dpkg -x "$f" /; done
  ldconfig
  nvidia=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
  [[ -f "$nvidia" ]] && export VK_DRIVER_FILES="$nvidia"
  egl=/usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json
  [[ -f "$egl" ]] && export __EGL_VENDOR_LIBRARY_FILENAMES="$egl"
fi
python3 - <<'PY'
import lzma, os, shutil, tarfile
with lzma.open('.device/node.xz') as src, open('/tmp/gpu-bench-run/node', 'wb') as dst:
    shutil.copyfileobj(src, dst)
os.chmod('/tmp/gpu-bench-run/node', 0o755)
with tarfile.open('.device/webgpu.tar.xz') as tar:
    tar.extractall('/tmp/gpu-bench-run')
PY
export WEBGPU_MODULE=/tmp/gpu-bench-run/webgpu XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-/tmp}"
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version --format=csv,noheader | tee "$out/gpu.txt"
/tmp/gpu-bench-run/node .device/bench.mjs "$@" --out "$out/gpu-bench.json" 2>&1 | tee "$out/gpu-bench.log"
