#!/usr/bin/env bash
# All of tsjax's benchmarks in one command, from anywhere:
#
#   bash bench/run.sh            # full runs (about 4-5 minutes on a 2-core machine)
#   bash bench/run.sh --quick    # fewer samples, for a smoke test
#
# Installs what is missing (the root toolchain, and bench/'s own dependencies: the peers
# @jax-js/jax and TensorFlow.js, kept out of the root install), builds tsjax (dist/), builds the
# grad, loops, forward, kernels and mlp benches through the tsjax rollup plugin (bench/dist/), compiles
# elementwise/matmul with tsc as their headers say, runs elementwise, matmul, grad, loops and
# build-cost, and prints a summary.
# Full outputs are kept in bench/dist/results/.
set -euo pipefail
cd "$(dirname "$0")/.."

QUICK=""
if [[ "${1:-}" == "--quick" ]]; then QUICK="--quick"; fi
OUT=bench/dist/results

[[ -d node_modules ]] || npm ci --no-audit --no-fund
# bench/'s own install; redone when bench/package-lock.json is newer than the installed tree.
if [[ ! -f bench/node_modules/.package-lock.json || bench/package-lock.json -nt bench/node_modules/.package-lock.json ]]; then
  npm ci --prefix bench --no-audit --no-fund
fi

echo "== build"
# tsc emits even with type errors; in a tree under edit, go on with what it emitted.
npm run build --silent > "${TMPDIR:-/tmp}/tsjax-bench-build.log" 2>&1 || {
  echo "warning: \`npm run build\` reported errors (first lines below); benchmarking what tsc emitted"
  head -5 "${TMPDIR:-/tmp}/tsjax-bench-build.log"
}
node node_modules/rollup/dist/bin/rollup -c bench/rollup.config.mjs --silent
TSC_OUT=$(mktemp -d)
trap 'rm -rf "$TSC_OUT"' EXIT
# tsc emits even when files outside the benches have type errors, so its status is not checked.
node node_modules/typescript/bin/tsc -p tsconfig.json --outDir "$TSC_OUT" > /dev/null || true
echo '{ "type": "module" }' > "$TSC_OUT/package.json"
mkdir -p "$OUT"

{
  echo "date:    $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(free -g | awk '/Mem:/ {print $2}') GiB"
  echo "node:    $(node --version)"
  echo "load:    $(cut -d' ' -f1-3 /proc/loadavg) (1/5/15-min load average at start)"
} | tee "$OUT/machine.txt"

run() {
  local name=$1
  shift
  echo
  echo "== $name"
  "$@" 2>&1 | grep -v -e '^=\+$' -e 'Hi, looks like you are running TensorFlow.js in Node.js' | tee "$OUT/$name.txt"
}
run elementwise node "$TSC_OUT/bench/elementwise.js"
run matmul node "$TSC_OUT/bench/matmul.js"
run grad node bench/dist/grad.mjs $QUICK --json "$OUT/grad.json"
# --stack-size (KB, under the 8 MB main-thread stack): @jax-js/jax's grad of a 1000-step loop
# recurses deeper than V8's default ~1 MB stack allows (see the header of bench/loops.ts).
run loops node --stack-size=4000 bench/dist/loops.mjs $QUICK --json "$OUT/loops.json"
run forward node bench/dist/forward.mjs $QUICK --json "$OUT/forward.json"
run kernels node bench/dist/kernels.mjs $QUICK --json "$OUT/kernels.json"
run mlp node bench/dist/mlp.mjs $QUICK --json "$OUT/mlp.json"
# (d) and (e) again with each library (each (e) case) in a process of its own: in one process, the
# other cases' garbage and V8's GC threads land in whichever case runs next
run kernels-isolated node bench/dist/kernels.mjs --isolated $QUICK
run mlp-isolated node bench/dist/mlp.mjs --isolated $QUICK
run logreg node bench/dist/logreg.mjs $QUICK --json "$OUT/logreg.json"
# MNIST training epochs against the peers (5 timed epochs each, then each library alone for its memory; about 4 minutes)
run mnist node bench/dist/mnist.mjs $QUICK --json "$OUT/mnist.json"
# (memory over a long run: 50 000 steps here, about 4 minutes; the 200 000 of RESULTS.md: --steps 200000)
run mlp-memory node bench/dist/mlp-memory.mjs --steps "$([ -n "$QUICK" ] && echo 2000 || echo 50000)" --json "$OUT/mlp-memory.json"
run build-cost node bench/build-cost.mjs $QUICK --json "$OUT/build-cost.json"
run build-cost-project node bench/build-cost-project.mjs $QUICK --json "$OUT/build-cost-project.json"
run faithful node bench/faithful.mjs --json "$OUT/faithful.json"
echo "load:    $(cut -d' ' -f1-3 /proc/loadavg) (at end)" | tee -a "$OUT/machine.txt"

echo
echo "== summary"
awk 'NR > 2 && NF >= 4 { r = $NF; v = (r <= 1.5) ? "MET   " : "MISSED"; printf "  %s elementwise %-26s %s x hand-written loop (target <= 1.5)\n", v, substr($0, 1, 26), r }' "$OUT/elementwise.txt"
awk '/GFLOP\/s/ { g = $(NF-1); v = (g >= 3) ? "MET   " : "MISSED"; printf "  %s matmul: %s GFLOP/s (target >= 3)\n", v, g }' "$OUT/matmul.txt"
grep -h -e '^  MET' -e '^  MISSED' "$OUT/grad.txt" "$OUT/loops.txt" "$OUT/forward.txt" "$OUT/kernels.txt" "$OUT/kernels-isolated.txt" "$OUT/mlp.txt" "$OUT/mlp-isolated.txt" "$OUT/logreg.txt" "$OUT/mlp-memory.txt" "$OUT/build-cost.txt" "$OUT/build-cost-project.txt" "$OUT/faithful.txt"
