# Sourced by the scripts: puts the project's tools on PATH. cargo-leptos looks for wasm-bindgen
# and wasm-opt on PATH first and only tries to download them (from outside the package
# registries, which fails offline) when they are missing.
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$root/end2end/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
step() { printf '\n==> %s\n' "$*"; }
