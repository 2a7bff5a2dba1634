# Benchmark of gmm_mi() on the cases of tools/design/anchors.md (published Python GMM-MI
# times, package defaults, one seed each). Default settings, 2 threads.
# Run from the package root after installing:  Rscript bench/gmm_mi.R
suppressPackageStartupMessages(library(gmmmi))
options(gmmmi.progress = FALSE)
out <- file.path("bench", "results", "gmm_mi.txt")

gauss <- function(n) { x <- rnorm(n); cbind(x, 0.6 * x + 0.8 * rnorm(n)) }
gamma_exp <- function(n) { x <- rgamma(n, 1); log(cbind(x, rexp(n, x))) }
weinman <- function(n) { x <- rexp(n, 2); log(cbind(x, x + rexp(n, 1))) }
t_gauss <- -0.5 * log(1 - 0.36)
t_gexp <- digamma(2)
t_wein <- log(1 / 2) + digamma(2) - digamma(1)

cases <- list(
  list("Gaussian rho = 0.6", 200, gauss, t_gauss, 0.85),
  list("Gaussian rho = 0.6", 1000, gauss, t_gauss, 0.89),
  list("Gaussian rho = 0.6", 10000, gauss, t_gauss, 0.88),
  list("Gaussian rho = 0.6", 50000, gauss, t_gauss, 1.51),
  list("gamma-exponential alpha = 1 (logs)", 1000, gamma_exp, t_gexp, 5.77),
  list("gamma-exponential alpha = 1 (logs)", 10000, gamma_exp, t_gexp, 47.0),
  list("Weinman alpha = 1 (logs)", 1000, weinman, t_wein, 4.75),
  list("Weinman alpha = 1 (logs)", 10000, weinman, t_wein, 109)
)

# Wall times on a shared machine vary by tens of percent from run to run, so every case runs
# `reps` times on the same data and seed (identical results) and the median time is reported.
reps <- as.integer(Sys.getenv("GMMMI_BENCH_REPS", "5"))
# GMMMI_BENCH_ARGS: extra gmm_mi() arguments as R code, e.g. "list(n_bootstrap = 50)" (the
# reference's number of replicates, the same work as the Python times) or
# "list(preset = 'reference')".
extra <- eval(parse(text = Sys.getenv("GMMMI_BENCH_ARGS", "list()")))
if (length(extra)) out <- sub("\\.txt$", paste0("_", gsub("[^A-Za-z0-9]+", "_", Sys.getenv("GMMMI_BENCH_ARGS")), ".txt"), out)
rows <- lapply(cases, function(cs) {
  set.seed(1)
  xy <- cs[[3]](cs[[2]])
  seed_state <- .Random.seed
  runs <- lapply(seq_len(reps), function(r) {
    assign(".Random.seed", seed_state, envir = globalenv())
    st <- system.time(fit <- do.call(gmm_mi, c(list(xy, n_threads = 2), extra)))
    list(fit = fit, wall = st[["elapsed"]], cpu = st[["user.self"]] + st[["sys.self"]])
  })
  walls <- vapply(runs, `[[`, numeric(1), "wall")
  pick <- order(walls)[(reps + 1L) %/% 2L]  # the median run
  fit <- runs[[pick]]$fit
  stopifnot(all(vapply(runs, function(r) identical(r$fit$bootstrap, fit$bootstrap), logical(1))))
  wall <- walls[pick]
  cpu <- runs[[pick]]$cpu
  data.frame(data = cs[[1]], N = cs[[2]], K = paste(fit$n_components, collapse = ","),
             estimate = round(fit$estimate, 4), sd = round(fit$std_error, 4), true = round(cs[[4]], 4),
             z = round((fit$estimate - cs[[4]]) / fit$std_error, 2),
             select_s = round(fit$timing[["selection"]], 3), fit_s = round(fit$timing[["full_fit"]], 3),
             boot_s = round(fit$timing[["bootstrap"]], 3), total_s = round(wall, 3), cpu_s = round(cpu, 3),
             min_s = round(min(walls), 3), max_s = round(max(walls), 3),
             python_s = cs[[5]], speedup = round(cs[[5]] / wall, 1), stringsAsFactors = FALSE)
})
res <- do.call(rbind, rows)
hdr <- c(sprintf("# gmm_mi() benchmark, %s, R %s, gmmmi %s, 2 threads, default settings%s, set.seed(1)",
                 format(Sys.time(), "%Y-%m-%d %H:%M UTC", tz = "UTC"), getRversion(), utils::packageVersion("gmmmi"),
                 if (length(extra)) paste0(" + ", Sys.getenv("GMMMI_BENCH_ARGS")) else ""),
         sprintf("# machine: %s; load average at start: %s", Sys.info()[["machine"]],
                 tryCatch(paste(readLines("/proc/loadavg", warn = FALSE), collapse = " "), error = function(e) "?")),
         "# python_s: published GMM-MI (Python) total seconds from anchors.md; speedup = python_s / total_s",
         "# cpu_s: CPU seconds of both threads (less sensitive to other load on the machine than wall time)",
         sprintf("# each case run %d times on the same data and seed (identical results): total_s, the phase times and cpu_s are those of the median run; min_s / max_s the fastest and slowest", reps))
writeLines(hdr, out)
suppressWarnings(utils::write.table(res, out, append = TRUE, sep = "\t", row.names = FALSE, quote = FALSE))
print(res, row.names = FALSE)
