# Timing of mi_sliced() with 1000 projections (KSG base, slice_dim = 1) at n = 2000 and n = 2e4, with 1 and
# 2 threads. Target: under 1 s for n = 2000 on 2 cores. Run: Rscript bench/sliced.R
suppressPackageStartupMessages(library(gmmmi))
out <- file.path("bench", "results", "sliced.txt")
# Median elapsed time of `reps` evaluations of a function (each call re-runs the work).
time_it <- function(f, reps = 3) {
  median(vapply(seq_len(reps), function(i) system.time(f())[["elapsed"]], numeric(1)))
}
rows <- list()
for (n in c(2000, 20000)) {
  set.seed(1)
  D <- 10
  x <- matrix(rnorm(n * D), n)
  y <- 0.8 * x + 0.6 * matrix(rnorm(n * D), n)
  for (th in 1:2) {
    set.seed(2)
    t <- time_it(function() s <<- mi_sliced(x, y, n_slices = 1000, n_threads = th),
                 reps = if (n > 5000) 1 else 3)
    rows[[length(rows) + 1]] <- data.frame(n = n, d = D, slices = 1000, threads = th, seconds = t,
                                           estimate = s$estimate, std_error = s$std_error)
  }
}
res <- do.call(rbind, rows)
res$speedup_2_threads <- ave(res$seconds, res$n, FUN = function(s) s[1] / s)
lines <- c(
  sprintf("# bench/sliced.R  %s  R %s  cores %d", format(Sys.time(), "%Y-%m-%d %H:%M"),
          getRversion(), parallel::detectCores()),
  "# mi_sliced(x, y, n_slices = 1000), KSG base (slice_dim = 3), Gaussian x, y of dimension 10, r = 0.8",
  sprintf("# load average at start: %s", paste(readLines("/proc/loadavg", warn = FALSE), collapse = " ")),
  "# exact SMI (D = 10, r = 0.8) = 0.03506226; target: n = 2000 under 1 s on 2 threads",
  utils::capture.output(print(res, row.names = FALSE, digits = 4))
)
writeLines(lines)
dir.create(dirname(out), showWarnings = FALSE, recursive = TRUE)
writeLines(lines, out)
