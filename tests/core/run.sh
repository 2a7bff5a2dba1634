#!/usr/bin/env bash
# Compiles and runs tests/core/test_core.cpp: the C++ core alone (no R headers or libraries;
# Eigen's headers are taken from the installed RcppEigen). Prints "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/../.."
eigen=$(Rscript -e 'cat(system.file("include", package = "RcppEigen"))')
out=$(mktemp -d)
g++ -std=gnu++14 -O2 -DNDEBUG -Iinst/include -I"$eigen" -Wno-ignored-attributes \
  tests/core/test_core.cpp -o "$out/test_core" -lpthread
"$out/test_core"
