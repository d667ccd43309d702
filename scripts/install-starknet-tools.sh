#!/usr/bin/env bash
# Installs the pinned Starknet toolchain used by contracts/ and the anchoring tests, once per
# machine, skipping every tool whose right version is already present:
#   starknet-devnet 0.8.1            local chain (0.9.x needs a newer Rust than these machines have)
#   starknet-compile, cairo-test     Cairo 2.16.0 (Sierra <= 1.8.0, what devnet 0.8.1 accepts)
#   starknet-sierra-compile          2.17.0 (the CASM devnet 0.8.1 computes the class hash of)
# Debian build dependencies: build-essential pkg-config libssl-dev perl cmake.
# Builds are long on 2 cores (devnet compiles ~850 crates); run this in the background.
set -euo pipefail

TOOLS_DIR="${KEIKO_TOOLS_DIR:-$HOME/.cache/keiko-lrs}/starknet"
mkdir -p "$TOOLS_DIR"
# One target directory for all installs, so the Cairo crates they share are compiled once.
export CARGO_TARGET_DIR="$TOOLS_DIR/target"

has_version() { # binary, expected version text
  [ -x "$1" ] && "$1" --version 2>/dev/null | grep -qF "$2"
}

install_crate() { # root, crate, version, binary, [extra cargo args]
  local root="$TOOLS_DIR/$1" crate="$2" version="$3" binary="$4"
  shift 4
  if has_version "$root/bin/$binary" "$version"; then
    echo "install-starknet-tools: $binary $version already installed"
    return
  fi
  echo "install-starknet-tools: building $binary from $crate $version (long)"
  cargo install "$crate" --version "=$version" --locked --root "$root" --bin "$binary" "$@"
}

install_crate devnet-0.8.1 starknet-devnet 0.8.1 starknet-devnet
install_crate cairo-2.16.0 starknet-compile 2.16.0 starknet-compile
install_crate cairo-2.16.0 cairo-test 2.16.0 cairo-test
install_crate cairo-2.17.0 starknet-sierra-compile 2.17.0 starknet-sierra-compile

# The Cairo core library ships inside cairo-native 0.9.0-rc.2 (corelib 2.16.0). The compilers look
# for a `corelib` directory beside their bin/ directory.
CORELIB="$TOOLS_DIR/cairo-2.16.0/corelib"
if [ ! -f "$CORELIB/cairo_project.toml" ] && [ ! -f "$CORELIB/Scarb.toml" ]; then
  tmp=$(mktemp -d)
  (cd "$tmp" && cargo new -q fetch-corelib && cd fetch-corelib && cargo add -q cairo-native@=0.9.0-rc.2 --no-default-features && cargo fetch -q) || true
  src=$(ls -d "$HOME"/.cargo/registry/src/*/cairo-native-0.9.0-rc.2/corelib 2>/dev/null | head -n 1)
  if [ -z "$src" ]; then echo "install-starknet-tools: corelib not found in cairo-native 0.9.0-rc.2" >&2; exit 1; fi
  rm -rf "$CORELIB" && cp -r "$src" "$CORELIB"
  rm -rf "$tmp"
fi
echo "install-starknet-tools: corelib at $CORELIB"
echo "install-starknet-tools: tools under $TOOLS_DIR"
