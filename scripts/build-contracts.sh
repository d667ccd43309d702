#!/usr/bin/env bash
# Compiles contracts/anchor_registry into the artifacts the LRS deploys (committed, so the LRS
# needs no Cairo toolchain at run time): Sierra with starknet-compile 2.16.0, CASM with
# starknet-sierra-compile 2.17.0 (what starknet-devnet 0.8.1 checks). With --check, compiles into
# a temporary directory and fails if the committed artifacts differ from the source.
# The tools come from scripts/install-starknet-tools.sh.
set -euo pipefail
cd "$(dirname "$0")/../contracts/anchor_registry"

TOOLS_DIR="${KEIKO_TOOLS_DIR:-$HOME/.cache/keiko-lrs}/starknet"
STARKNET_COMPILE="$TOOLS_DIR/cairo-2.16.0/bin/starknet-compile"
SIERRA_COMPILE="$TOOLS_DIR/cairo-2.17.0/bin/starknet-sierra-compile"
NAME=anchor_registry_AnchorRegistry

out=target
if [ "${1:-}" = "--check" ]; then out=$(mktemp -d); trap 'rm -rf "$out"' EXIT; fi
mkdir -p "$out"

"$STARKNET_COMPILE" . "$out/$NAME.contract_class.json" --contract-path anchor_registry::registry::AnchorRegistry
"$SIERRA_COMPILE" "$out/$NAME.contract_class.json" "$out/$NAME.compiled_contract_class.json"

if [ "$out" != target ]; then
  for file in "$NAME.contract_class.json" "$NAME.compiled_contract_class.json"; do
    if ! cmp -s "$out/$file" "target/$file"; then
      echo "build-contracts: target/$file is out of date with the source; run scripts/build-contracts.sh" >&2
      exit 1
    fi
  done
  echo "build-contracts: committed artifacts match the source"
fi
