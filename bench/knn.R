# Benchmark: mi_ksg() against FNN::mutinfo() (KSG-1, k = 3) in the same run, and scaling.
# Run from the package root with the package installed:
#   R_LIBS=<lib> Rscript bench/knn.R
# Writes bench/results/knn.txt. Wall times are medians of a few repetitions (noisy on a shared
# machine: compare the ratios measured in one run).
suppressPackageStartupMessages(library(gmmmi))
has_fnn <- requireNamespace("FNN", quietly = TRUE)
out_file <- file.path("bench", "results", "knn.txt")
lines <- character()
say <- function(...) {
  s <- sprintf(...)
  cat(s, "\n", sep = "")
  lines <<- c(lines, s)
}
# Median elapsed time, and the median process CPU time (all threads; less sensitive to other
# load on a shared machine than wall time).
timeit <- function(f, reps) {
  val <- NULL
  ts <- vapply(seq_len(reps), function(i) {
    t0 <- proc.time()
    val <<- f()
    d <- proc.time() - t0
    c(d[["elapsed"]], d[["user.self"]] + d[["sys.self"]])
  }, numeric(2))
  list(time = stats::median(ts[1, ]), cpu = stats::median(ts[2, ]), value = val)
}
make_data <- function(n, d) {
  x <- matrix(rnorm(n * d), ncol = d)
  y <- 0.6 * x + 0.8 * matrix(rnorm(n * d), ncol = d)
  list(x = x, y = y)
}
n_threads <- gmmmi_threads(2)
say("kNN MI benchmark  %s  (R %s, %d thread(s) for gmmmi, FNN %s)", format(Sys.time(), "%Y-%m-%d %H:%M"),
    getRversion(), n_threads, if (has_fnn) as.character(utils::packageVersion("FNN")) else "absent")
load <- tryCatch(readLines("/proc/loadavg", n = 1L), error = function(e) "unknown")
say("Load average at start (shared 2-core machine): %s", load)
say("KSG-1, k = 3; gmmmi: mi_ksg(std_error = 'none') incl. validation and standardisation;")
say("gmmmi+se: default subsampling standard error; FNN: FNN::mutinfo on the standardised data.")
say("")
say("%-10s %8s %10s %10s %10s %10s %9s %12s", "case", "n", "gmmmi_s", "gmmmi_cpu", "gmmmi+se_s", "FNN_s",
    "FNN/gmmmi", "|diff|")
set.seed(2026)
for (d in c(1, 5)) {
  for (n in c(1e3, 5e3, 2e4)) {
    dat <- make_data(n, d)
    reps <- if (n <= 5e3) 5 else 3
    a <- timeit(function() mi_ksg(dat$x, dat$y, k = 3, std_error = "none", n_threads = n_threads), reps)
    b <- timeit(function() mi_ksg(dat$x, dat$y, k = 3, n_threads = n_threads), reps)
    fnn_t <- NA_real_
    diff <- NA_real_
    if (has_fnn) {
      xs <- scale(dat$x)
      ys <- scale(dat$y)
      f <- timeit(function() FNN::mutinfo(xs, ys, k = 3), if (n <= 5e3) 3 else 1)
      fnn_t <- f$time
      diff <- abs(f$value - a$value$estimate)
    }
    say("%-10s %8d %10.4f %10.4f %10.4f %10.4f %9.1f %12.2e", sprintf("%dD x %dD", d, d), as.integer(n),
        a$time, a$cpu, b$time, fnn_t, fnn_t / a$time, diff)
  }
}
say("")
say("Scaling (gmmmi only)")
say("%-10s %8s %10s %10s %10s %10s", "case", "n", "1 thread", "1thr_cpu", "2 threads", "2thr+se")
for (cfg in list(c(1, 1e5), c(1, 1e6), c(5, 1e4), c(5, 1e5))) {
  d <- cfg[1]
  n <- cfg[2]
  dat <- make_data(n, d)
  reps <- if (n * d <= 1e5) 3 else 1
  big <- d == 5 && n >= 1e5  # about 15-30 s per run: once, 2 threads, no standard error
  r1 <- if (!big) timeit(function() mi_ksg(dat$x, dat$y, std_error = "none", n_threads = 1), reps) else list(time = NA_real_, cpu = NA_real_)
  t2 <- timeit(function() mi_ksg(dat$x, dat$y, std_error = "none", n_threads = n_threads), reps)$time
  t3 <- if (!big) timeit(function() mi_ksg(dat$x, dat$y, n_threads = n_threads), 1)$time else NA_real_
  say("%-10s %8d %10.3f %10.3f %10.3f %10.3f", sprintf("%dD x %dD", d, d), as.integer(n), r1$time, r1$cpu, t2, t3)
}
say("")
say("Load average at end: %s", tryCatch(readLines("/proc/loadavg", n = 1L), error = function(e) "unknown"))
say("Targets: faster than FNN at every n; 1-D x 1-D n = 1e5 < 0.15 s; 5-D x 5-D n = 1e4 < 0.3 s (2 threads).")
dir.create(dirname(out_file), showWarnings = FALSE, recursive = TRUE)
writeLines(lines, out_file)
