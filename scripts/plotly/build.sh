#!/usr/bin/env bash
# Reproducible partial plotly.js bundle (bar + scatter).
# Usage: scripts/plotly/build.sh [OUTDIR]   (default: static/vendor, where the app serves it from)
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
OUT="$(realpath -m "${1:-$HERE/../../static/vendor}")"
cd "$HERE"

# Exact versions from package-lock.json; install scripts are not needed
# (esbuild finds its platform binary from the @esbuild/* optional package).
npm ci --ignore-scripts --no-audit --no-fund

mkdir -p "$OUT"
node build.mjs "$OUT/plotly-partial.min.js"
gzip -9 -n -c "$OUT/plotly-partial.min.js" > "$OUT/plotly-partial.min.js.gz"
cp node_modules/plotly.js/LICENSE "$OUT/LICENSE"
(cd "$OUT" && sha256sum plotly-partial.min.js plotly-partial.min.js.gz > SHA256SUMS)

echo "plotly.js $(node -p "require('plotly.js/package.json').version") partial bundle -> $OUT"
(cd "$OUT" && wc -c plotly-partial.min.js plotly-partial.min.js.gz && cat SHA256SUMS)
