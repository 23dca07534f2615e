#!/usr/bin/env bash
# The WebGPU bench (bench/webgpu.ts) on a real GPU, the device machine (one NVIDIA H200, x86-64,
# no network, no npm; Node not promised there). Two steps:
#
# 1. Here, in the repository root, right before the call (a minute; needs apt for the loader once):
#      bash bench/webgpu-device.sh --stage
#    builds tsjax (npm run build) and bench/dist/webgpu.mjs through the tsjax rollup plugin, and
#    puts what the run needs into two ignored folders (added to .git/info/exclude):
#      .wgpu-bench/  dist/webgpu.mjs (tsjax bundled in); node_modules/webgpu (index.js,
#                    package.json, linux-x64 dawn.node as dawn.node.xz, about 5 MB);
#                    node_modules/@jax-js/jax (package.json, dist/*.js); node.xz: this machine's
#                    Node (v20, 99 MB; xz'd about 24 MB; needs only glibc >= 2.28 and libstdc++)
#      .gl/          libvulkan1's .deb (the Vulkan loader; Dawn dlopens libvulkan.so.1)
#    About 35 MiB with the tree (measured 2026-12-02), under the 64 MiB that travels; it prints the sum.
#
# 2. The call (device tool `run`):
#      command:   bash bench/webgpu-device.sh
#      carry:     [".wgpu-bench", ".gl"]
#      timeout_s: 420      (the bench itself is stopped at 360 s; on an H200 it takes 1-2 minutes)
#    It writes under $OUT:
#      env.txt      nvidia-smi's GPU name and driver, which node ran, the Vulkan ICD used, and the
#                   WebGPU adapter Dawn found (vendor / architecture / device / description)
#      webgpu.log   the bench's output (tables, checks, MET/MISSED lines)
#      webgpu.json  the figures (matmul ms and GFLOP/s per size, MLP ms/step, checks, ratios)
#    It stops early (exit 3, env.txt says why) when Dawn finds no adapter or only a software one
#    (llvmpipe): a 4096² product on lavapipe takes minutes.
#
# Here, `bash bench/webgpu-device.sh --local --quick` runs step 2's path on this machine (carried
# node and dawn.node, the software adapter allowed, small sizes), to check what was staged.
set -uo pipefail
cd "$(dirname "$0")/.."
S=.wgpu-bench

if [[ "${1:-}" == "--stage" ]]; then
  set -e
  mkdir -p .git/info
  for d in /.gl/ /.wgpu-bench/; do grep -qxF "$d" .git/info/exclude 2>/dev/null || echo "$d" >> .git/info/exclude; done
  echo "== npm run build"
  # (tsc emits even with type errors: in a tree under edit, go on with what it emitted, as run.sh does)
  npm run build --silent > /tmp/tsjax-wgpu-build.log 2>&1 || { echo "warning: npm run build reported errors (first lines below); staging what tsc emitted"; head -5 /tmp/tsjax-wgpu-build.log; }
  echo "== rollup: bench/dist/webgpu.mjs"
  node --input-type=module -e '
    import { rollup } from "rollup";
    const cfgs = (await import(process.cwd() + "/bench/rollup.config.mjs")).default;
    const c = cfgs.find((c) => c.output.file.endsWith("/webgpu.mjs"));
    const b = await rollup(c); await b.write(c.output); await b.close();'
  # (dawn.node travels xz'd: a --local run leaves it unpacked here)
  rm -rf "$S/dist" "$S/node_modules/@jax-js" "$S/node_modules/webgpu/dist"
  mkdir -p "$S/dist" "$S/node_modules/webgpu" "$S/node_modules/@jax-js/jax/dist"
  cp bench/dist/webgpu.mjs "$S/dist/"
  cp node_modules/webgpu/index.js node_modules/webgpu/package.json "$S/node_modules/webgpu/"
  [[ "$S/dawn.node.xz" -nt node_modules/webgpu/dist/linux-x64/dawn.node ]] || xz -T2 -6 -c node_modules/webgpu/dist/linux-x64/dawn.node > "$S/dawn.node.xz"
  cp bench/node_modules/@jax-js/jax/package.json "$S/node_modules/@jax-js/jax/"
  cp bench/node_modules/@jax-js/jax/dist/*.js "$S/node_modules/@jax-js/jax/dist/"
  NODE_BIN=$(readlink -f "$(command -v node)")
  [[ "$S/node.xz" -nt "$NODE_BIN" ]] || { echo "== xz $NODE_BIN ($(node --version))"; xz -T2 -6 -c "$NODE_BIN" > "$S/node.xz"; }
  if ! ls .gl/libvulkan1_*.deb > /dev/null 2>&1; then
    echo "== the Vulkan loader's .deb into .gl/"
    mkdir -p .gl /tmp/amd64/partial
    o='-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=/tmp/amd64'
    apt-get $o update > /dev/null
    (cd .gl && apt-get $o download libvulkan1)
  fi
  du -sh "$S" .gl
  echo "travels: $(( ( $(git ls-files -z | xargs -0 cat | wc -c) + $(git ls-files --others --exclude-standard -z | xargs -0 cat 2>/dev/null | wc -c) + $(du -sb "$S" .gl | awk '{s += $1} END {print s}') ) / 1048576 )) MiB of 64"
  exit 0
fi

LOCAL=""; ARGS=()
for a in "$@"; do if [[ "$a" == "--local" ]]; then LOCAL=1; else ARGS+=("$a"); fi; done
OUT=${OUT:-/tmp/wgpu-bench-out}
mkdir -p "$OUT"
ENV="$OUT/env.txt"
: > "$ENV"
say() { echo "$*" | tee -a "$ENV"; }
[[ -f "$S/dist/webgpu.mjs" && -f "$S/dawn.node.xz" ]] || { say "missing $S: run 'bash bench/webgpu-device.sh --stage' here first, and carry $S and .gl"; exit 2; }

unxz_to() { # file.xz dest (xz, or Python's lzma where xz-utils is not installed)
  if command -v xz > /dev/null; then xz -dc "$1" > "$2"; else python3 -c 'import lzma, shutil, sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2], "wb"))' "$1" "$2"; fi
}

command -v nvidia-smi > /dev/null && say "gpu: $(nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>&1)"
# the Vulkan loader (Dawn dlopens libvulkan.so.1): the carried one where the machine has none
if ! ldconfig -p | grep -q 'libvulkan\.so\.1 '; then
  if [[ -n "$LOCAL" ]]; then say "no libvulkan.so.1 here"; exit 3; fi
  for f in .gl/*.deb; do dpkg -x "$f" /; done
  ldconfig
  say "vulkan loader: unpacked from .gl ($(ls .gl))"
fi
# the NVIDIA ICD: where the driver's mount has it and the standard folders do not
if ! grep -lsq nvidia /usr/share/vulkan/icd.d/*.json /etc/vulkan/icd.d/*.json && [[ -f /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json ]]; then
  export VK_DRIVER_FILES=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json VK_ICD_FILENAMES=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
  say "VK_DRIVER_FILES=$VK_DRIVER_FILES"
fi

# Node: the carried one (the version of the CPU benches), else the machine's
if [[ -f "$S/node.xz" ]]; then
  unxz_to "$S/node.xz" /tmp/tsjax-node && chmod +x /tmp/tsjax-node && NODE=/tmp/tsjax-node
else
  NODE=$(command -v node || true)
fi
[[ -n "${NODE:-}" ]] && "$NODE" --version > /dev/null 2>&1 || { say "no node to run: none carried ($S/node.xz) and none on the PATH ($(command -v node || echo none))"; exit 2; }
say "node: $NODE $("$NODE" --version) (on the PATH: $(command -v node > /dev/null && node --version || echo none))"
DAWN="$S/node_modules/webgpu/dist/linux-x64/dawn.node"
mkdir -p "$(dirname "$DAWN")"
[[ "$DAWN" -nt "$S/dawn.node.xz" ]] || unxz_to "$S/dawn.node.xz" "$DAWN"

# which adapter Dawn finds (stop here unless it is a hardware one)
ADAPTER=$(cd "$S" && "$NODE" --input-type=module -e '
  const { create } = await import("webgpu");
  const a = await create([]).requestAdapter({ powerPreference: "high-performance" });
  const i = a?.info ?? {};
  console.log(a ? [i.vendor, i.architecture, i.device, i.description].join(" / ") : "none");
  process.exit(0);' 2>&1 | grep -v '^Warning: ' | tail -3)
say "adapter: $ADAPTER"
if [[ -z "$LOCAL" ]] && { [[ "$ADAPTER" == none* || -z "$ADAPTER" ]] || grep -qiE 'llvmpipe|lavapipe|swiftshader|error' <<< "$ADAPTER"; }; then
  say "no hardware WebGPU adapter: not running the bench"; ls /usr/share/vulkan/icd.d /etc/vulkan/icd.d /usr/local/nvidia/share/vulkan/icd.d 2>&1 | tee -a "$ENV"
  exit 3
fi

timeout 360 "$NODE" "$S/dist/webgpu.mjs" --json "$OUT/webgpu.json" "${ARGS[@]}" 2>&1 | tee "$OUT/webgpu.log"
rc=${PIPESTATUS[0]}
[[ -n "$LOCAL" ]] && rm -f "$DAWN" # (here it would travel unpacked in the next call)
say "bench exit status: $rc"
exit "$rc"
