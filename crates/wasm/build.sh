#!/usr/bin/env sh
# Builds the WASM package: pkg/ (web target, the npm package liberation-gates-wasm) and
# pkg-node/ (nodejs target, for the Node test suite). Needs the wasm32 target, the
# wasm-bindgen CLI at the crate's exact version (WASM_BINDGEN, or .tools/ as scripts/test
# installs it) and `npm ci` in this folder (binaryen's wasm-opt). Writes the sizes to
# target/wasm-size.txt.
set -eu
cd "$(dirname "$0")"
ROOT=$(cd ../.. && pwd)
VERSION=$(sed -n 's/^wasm-bindgen = "=\(.*\)"/\1/p' Cargo.toml)
WASM_BINDGEN=${WASM_BINDGEN:-$ROOT/.tools/wasm-bindgen-$VERSION/bin/wasm-bindgen}

# Everything the build needs, checked before the long compile, each with how to get it.
missing() { echo "build.sh: $1" >&2; exit 2; }
command -v cargo >/dev/null || missing "cargo is missing: install Rust with rustup (https://rustup.rs)"
if command -v rustup >/dev/null && ! rustup target list --installed | grep -q '^wasm32-unknown-unknown$'; then
  missing "the wasm32 target is missing: rustup target add wasm32-unknown-unknown"
fi
[ -x "$WASM_BINDGEN" ] || missing "the wasm-bindgen CLI $VERSION is missing at $WASM_BINDGEN:
  cargo install wasm-bindgen-cli --version $VERSION --root $ROOT/.tools/wasm-bindgen-$VERSION
  (or set WASM_BINDGEN to one you have; scripts/test installs it)"
"$WASM_BINDGEN" --version | grep -q " $VERSION\$" || missing "$WASM_BINDGEN is not version $VERSION, which this crate pins: install that version"
[ -x node_modules/.bin/wasm-opt ] || missing "binaryen's wasm-opt is missing: run npm ci in crates/wasm"

cargo build --quiet -p liberation-gates-wasm --target wasm32-unknown-unknown --profile wasm-release
RAW="$ROOT/target/wasm32-unknown-unknown/wasm-release/liberation_gates_wasm.wasm"
for target in web nodejs; do
  out=pkg; [ "$target" = nodejs ] && out=pkg-node
  rm -rf "$out"
  "$WASM_BINDGEN" "$RAW" --target "$target" --remove-name-section --remove-producers-section --out-dir "$out" --out-name liberation_gates_wasm
  node_modules/.bin/wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals \
    "$out/liberation_gates_wasm_bg.wasm" -o "$out/liberation_gates_wasm_bg.wasm"
done
cp pkg.package.json pkg/package.json
cp README.md LICENSE-MIT LICENSE-APACHE pkg/
printf '{"type": "commonjs"}\n' > pkg-node/package.json
raw=$(wc -c < pkg/liberation_gates_wasm_bg.wasm)
gz=$(gzip -9 -c pkg/liberation_gates_wasm_bg.wasm | wc -c)
mkdir -p "$ROOT/target"
echo "liberation_gates_wasm_bg.wasm: $raw bytes raw, $gz bytes gzipped (gzip -9)" | tee "$ROOT/target/wasm-size.txt"
