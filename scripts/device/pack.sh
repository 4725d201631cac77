#!/usr/bin/env bash
# Packs what the `device` machine (a GPU, no Node, no network) needs to run the Node WebGPU
# bench (scripts/bench-gpu-node.ts) into .device/ (git-ignored; `carry` it in the device call):
#   node.xz          this machine's Node binary (x86-64), compressed
#   bench.mjs        the bench bundled with the engine, the fused kernels and tfjs (esbuild)
#   webgpu.tar.xz    Dawn for Node (npm package `webgpu`, its linux-x64 build only)
#   deb/             the Vulkan loader (libvulkan1), which that machine lacks
# About 35 MB in all (the device tool carries at most 64 MiB). Then, with the device tool:
#   run  command: bash scripts/device/gpu-bench.sh --seconds 10 --check   carry: [".device"]
set -euo pipefail
cd "$(dirname "$0")/../.."
WEBGPU_VERSION=0.6.2

rm -rf .device
mkdir -p .device/deb
python3 - "$(readlink -f "$(command -v node)")" .device/node.xz <<'PY'
import lzma, shutil, sys
with open(sys.argv[1], 'rb') as src, lzma.open(sys.argv[2], 'wb', preset=6) as dst:
    shutil.copyfileobj(src, dst)
PY

# One ES module; `webgpu` stays outside (the bench loads it from WEBGPU_MODULE at run time).
npx esbuild scripts/bench-gpu-node.ts --bundle --platform=node --format=esm --target=node20 \
  --log-level=error --outfile=.device/bench.mjs --external:webgpu \
  --banner:js="import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack "webgpu@$WEBGPU_VERSION" --silent >/dev/null)
tar -xzf "$tmp"/webgpu-*.tgz -C "$tmp"
mkdir -p "$tmp/webgpu/dist"
cp "$tmp/package/index.js" "$tmp/package/package.json" "$tmp/webgpu/"
cp -r "$tmp/package/dist/linux-x64" "$tmp/webgpu/dist/"
tar -cJf .device/webgpu.tar.xz -C "$tmp" webgpu

if ! (cd .device/deb && apt-get download libvulkan1 >/dev/null 2>&1); then
  apt-get update -qq && (cd .device/deb && apt-get download libvulkan1 >/dev/null)
fi
grep -qxF '/.device/' .git/info/exclude 2>/dev/null || echo '/.device/' >> .git/info/exclude
du -sh .device
