#!/bin/sh
# Build gmmmi at -O0 with AddressSanitizer and UndefinedBehaviorSanitizer into a separate library
# and run the test suite (which includes the fuzz corpus, tests/testthat/test-fuzz.R) under it.
# Fails (exit status 1) on any sanitizer report or test failure. Run by .ci/run after R CMD check.
#
#   tools/sanitize.sh                 # whole suite
#   tools/sanitize.sh test-fuzz.R     # selected test files (names under tests/testthat)
#
# -O0 also catches odr-used constants that lack a definition (the package then fails to load).
# The interrupt tests are skipped (their time limits do not hold at -O0 with sanitizers).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/gmmmi-san.XXXXXX")
# GMMMI_SAN_KEEP=1 keeps the build (library, logs) and prints where it is.
if [ "${GMMMI_SAN_KEEP:-}" = 1 ]; then trap 'echo "== kept $work"' EXIT; else trap 'rm -rf "$work"' EXIT; fi
start=$(date +%s)

libasan=$(gcc -print-file-name=libasan.so)
libubsan=$(gcc -print-file-name=libubsan.so)
if [ ! -e "$libasan" ]; then echo "sanitize.sh: libasan.so not found (gcc -print-file-name)" >&2; exit 2; fi

# A private Makevars (R_MAKEVARS_USER), so ~/.R/Makevars and the source tree stay untouched.
san="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
cat > "$work/Makevars" <<MK
CXXFLAGS = -O0 -g $san
CXX14FLAGS = -O0 -g $san
CXX17FLAGS = -O0 -g $san
CFLAGS = -O0 -g $san
LDFLAGS = $san
MK

# Build from a copy of the tree (the build leaves -O0 objects in src/).
mkdir -p "$work/src" "$work/lib"
(cd "$root" && tar --exclude=.git --exclude='src/*.o' --exclude='src/*.so' -cf - .) | (cd "$work/src" && tar -xf -)
echo "== building with sanitizers"
R_MAKEVARS_USER="$work/Makevars" R CMD INSTALL --preclean --no-multiarch --no-test-load \
  -l "$work/lib" "$work/src" > "$work/install.log" 2>&1 || { tail -50 "$work/install.log"; exit 1; }
built=$(date +%s)
echo "== built in $((built - start)) s"
# the shared object must be instrumented (it references the ASan and UBSan runtimes)
so="$work/lib/gmmmi/libs/gmmmi.so"
if ! nm -D "$so" | grep -q "__asan_report" || ! nm -D "$so" | grep -q "__ubsan_handle"; then
  echo "sanitize.sh: $so is not instrumented" >&2
  exit 1
fi

files="${*:-}"
cat > "$work/run.R" <<'RS'
args <- commandArgs(TRUE)
suppressPackageStartupMessages({ library(testthat); library(gmmmi, lib.loc = args[1]) })
options(gmmmi.progress = FALSE)
dir <- file.path(args[2], "tests", "testthat")
files <- args[-(1:2)]
res <- if (length(files) == 0L) {
  test_dir(dir, package = "gmmmi", load_package = "installed", stop_on_failure = FALSE,
           reporter = SummaryReporter$new(show_praise = FALSE, max_reports = Inf))
} else {
  do.call(rbind, lapply(files, function(f) as.data.frame(test_file(file.path(dir, f), package = "gmmmi",
      load_package = "installed", reporter = SummaryReporter$new(show_praise = FALSE, max_reports = Inf)))))
}
df <- as.data.frame(res)
failed <- sum(df$failed) + sum(df$error)
cat(sprintf("\n%d passed, %d failed, %d skipped\n", sum(df$passed), failed, sum(df$skipped)))
quit(status = if (failed > 0) 1L else 0L)
RS

echo "== running tests under ASan/UBSan"
status=0
LD_PRELOAD="$libasan $libubsan" \
ASAN_OPTIONS="detect_leaks=0:abort_on_error=1:handle_segv=0:handle_abort=1" \
UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1" \
GMMMI_SKIP_INTERRUPT_TESTS=1 R_LIBS="$work/lib" \
  GMMMI_NO_VIGNETTES=true Rscript --vanilla "$work/run.R" "$work/lib" "$work/src" $files > "$work/test.log" 2>&1 || status=$?
end=$(date +%s)
tail -30 "$work/test.log"
if grep -E -q "ERROR: AddressSanitizer|runtime error:|ERROR: LeakSanitizer|SUMMARY: (Address|UndefinedBehavior)Sanitizer" "$work/test.log"; then
  echo "== sanitizer report(s):"
  grep -E -A30 "ERROR: AddressSanitizer|runtime error:" "$work/test.log" | head -120
  status=1
fi
echo "== build $((built - start)) s, tests $((end - built)) s, total $((end - start)) s; status $status"
exit $status
