# The cases of the "confident wrong number" report (issue 11), re-run on the current build:
# each with its truth, the default gmm_mi() and the reference preset.
#   Rscript bench/trust_cases.R [--seeds=3]
suppressPackageStartupMessages(library(gmmmi))
args <- commandArgs(trailingOnly = TRUE)
a <- grep("^--seeds=", args, value = TRUE)
seeds <- seq_len(if (length(a)) as.integer(sub("^--seeds=", "", a)) else 3L)

d3 <- function(n) toy_gmm(n, c(0.3, 0.45, 0.25), rbind(c(-1, 1), c(0, 2), c(-1.5, 2)),
                          list(matrix(c(1, 0, 0, 0.1), 2), matrix(c(0.5, 0.2, 0.2, 0.5), 2),
                               matrix(c(0.1, 0.05, 0.05, 0.1), 2)), dx = 1, n_mc = 1e6)
cases <- list(
  lognormal_2x2_indep = function() list(x = exp(matrix(rnorm(1e4), ncol = 2)), y = exp(matrix(rnorm(1e4), ncol = 2)), truth = 0),
  exponential_indep = function() list(x = rexp(5000), y = rexp(5000), truth = 0),
  exponential_indep_2000 = function() list(x = rexp(2000), y = rexp(2000), truth = 0),
  cauchy_indep = function() list(x = rcauchy(5000), y = rcauchy(5000), truth = 0),
  d3_1e4 = function() { g <- d3(1e4); list(x = g$x, y = g$y, truth = g$mi) },
  clusters_1e5 = function() {
    g <- toy_gmm(1e5, c(1, 1, 1) / 3, rbind(c(-3, -2), c(0, 3), c(3, -2)), list(diag(2), diag(2), diag(2)),
                 dx = 1, n_mc = 1e6)
    list(x = g$x, y = g$y, truth = g$mi)
  },
  uniform_noise_0.75 = function() { x <- runif(5000); list(x = x, y = x + runif(5000, -0.75, 0.75), truth = 1 / 3) },
  discrete_x_uniform_y = function() {
    x <- sample(0:4, 5000, TRUE)
    list(x = factor(x), y = x + runif(5000, 0, 2), truth = log(5) - 4 / 5 * log(2))
  },
  trees_cmi_raw = function() list(x = trees$Volume, y = trees$Height, z = trees$Girth, truth = NA),
  trees_cmi_log = function() list(x = log(trees$Volume), y = log(trees$Height), z = log(trees$Girth), truth = NA)
)
variants <- list(
  default = function(d) gmm_mi(d$x, d$y, z = d$z, n_threads = 2),
  reference = function(d) gmm_mi(d$x, d$y, z = d$z, preset = "reference", n_threads = 2)
)
out <- NULL
for (nm in names(cases)) for (s in seeds) {
  set.seed(s)
  d <- cases[[nm]]()
  for (v in names(variants)) {
    set.seed(100 + s)
    t0 <- proc.time()[["elapsed"]]
    r <- suppressWarnings(variants[[v]](d))
    out <- rbind(out, data.frame(case = nm, seed = s, variant = v, truth = d$truth, estimate = r$estimate,
                                 sd = r$std_error, point = r$point, K = paste(r$n_components, collapse = "/"),
                                 z = r$estimate / r$std_error, n_switched = r$diagnostics$n_switched,
                                 seconds = proc.time()[["elapsed"]] - t0))
  }
  cat(".")
}
cat("\n")
dir.create(file.path("bench", "results"), showWarnings = FALSE)
sink(file.path("bench", "results", "trust_cases.txt"), split = TRUE)
cat(sprintf("bench/trust_cases.R, %s\n", format(Sys.time(), "%Y-%m-%d")))
print(format(out, digits = 3), row.names = FALSE)
sink()
