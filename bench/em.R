# Benchmark: time per EM iteration of gmm_fit() against mclust::me (model VVV), same data and
# same start (the same responsibilities), d = 2, K = 8, N = 1e5, gmm_fit with 1 and 2 threads.
# Run from the package root with the package installed:
#   Rscript bench/em.R            (writes bench/results/em.txt)
# The time per iteration is the marginal cost: (time for n_hi iterations - time for n_lo
# iterations) / (n_hi - n_lo), so set-up costs (R-side checks, the first M-step, copies) cancel.
# Each configuration is timed `reps` times and the fastest is kept (the machine is shared).
suppressPackageStartupMessages(library(gmmmi))
if (!requireNamespace("mclust", quietly = TRUE)) stop("bench/em.R needs mclust")

N <- 1e5
d <- 2
K <- 8
n_lo <- 5
n_hi <- 25
reps <- 5

set.seed(2024)
centres <- matrix(stats::runif(K * d, -6, 6), K, d)
lab <- sample.int(K, N, replace = TRUE)
x <- centres[lab, ] + matrix(stats::rnorm(N * d), N, d) %*% matrix(c(1, 0.3, 0, 0.8), 2)
z <- matrix(stats::runif(N * K), N, K)
z <- z / rowSums(z)

# fastest of `reps` runs: c(elapsed, cpu) where cpu is user + system time of all threads
time_min <- function(f) {
  t <- vapply(seq_len(reps), function(i) {
    gc(FALSE)
    st <- system.time(f())
    c(st[["elapsed"]], st[["user.self"]] + st[["sys.self"]])
  }, numeric(2))
  t[, which.min(t[1, ])]
}

ours <- function(iters, threads) {
  function() {
    suppressWarnings(gmm_fit(x, init = list(responsibilities = z), tol = 0, max_iter = iters,
                             reg_covar = 0, n_threads = threads))
  }
}
theirs <- function(iters) {
  function() {
    mclust::meVVV(x, z = z, control = mclust::emControl(tol = c(0, 0), itmax = c(iters, iters)))
  }
}

per_iter <- function(make) (time_min(make(n_hi)) - time_min(make(n_lo))) / (n_hi - n_lo)

c_mclust <- per_iter(function(it) theirs(it))
c_1 <- per_iter(function(it) ours(it, 1L))
c_2 <- per_iter(function(it) ours(it, 2L))
t_mclust <- c_mclust[1]
t_1 <- c_1[1]
t_2 <- c_2[1]

# the same number of EM steps from the same start: check they agree
a <- ours(n_hi - 1, 1L)()  # our count excludes the first M-step from z
b <- theirs(n_hi)()
rel_ll <- abs(a$loglik - b$loglik) / abs(b$loglik)

ns <- function(t) 1e9 * t / (N * K)
lines <- c(
  sprintf("EM per-iteration benchmark, d = %d, K = %d, N = %g (%s)", d, K, N, format(Sys.time(), tz = "UTC", usetz = TRUE)),
  sprintf("machine: %s, %d cores, R %s, load average %s", Sys.info()[["machine"]],
          parallel::detectCores(), getRversion(),
          tryCatch(paste(strsplit(readLines("/proc/loadavg"), " ")[[1]][1:3], collapse = " "),
                   error = function(e) "NA")),
  sprintf("marginal time per iteration over %d..%d iterations, best of %d runs", n_lo, n_hi, reps),
  "",
  "wall-clock time per iteration (ns/(pt*comp) = time / (N K)); cpu = user + system time of all threads",
  sprintf("%-28s %10s %14s %10s %16s", "method", "ms/iter", "ns/(pt*comp)", "speed-up", "cpu ns/(pt*comp)"),
  sprintf("%-28s %10.2f %14.2f %10s %16.2f", "mclust::me VVV (1 thread)", 1e3 * t_mclust, ns(t_mclust),
          "1.00", ns(c_mclust[2])),
  sprintf("%-28s %10.2f %14.2f %10.2f %16.2f", "gmm_fit, 1 thread", 1e3 * t_1, ns(t_1), t_mclust / t_1,
          ns(c_1[2])),
  sprintf("%-28s %10.2f %14.2f %10.2f %16.2f", "gmm_fit, 2 threads", 1e3 * t_2, ns(t_2), t_mclust / t_2,
          ns(c_2[2])),
  "",
  sprintf("2 threads vs 1 thread (wall clock): %.2fx", t_1 / t_2),
  "(on a shared machine whose load average is above its number of cores, a second thread gains little wall-clock time)",
  sprintf("after %d iterations from the same start: loglik gmm_fit %.10g, mclust %.10g (relative difference %.1e)",
          n_hi, a$loglik, b$loglik, rel_ll)
)
writeLines(lines)
dir.create(file.path("bench", "results"), showWarnings = FALSE, recursive = TRUE)
writeLines(lines, file.path("bench", "results", "em.txt"))
