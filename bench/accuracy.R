# Ground-truth accuracy benchmark: every MI estimator of the package on every task of
# mi_tasks() (data with known MI), several seeds and sample sizes.
#
#   Rscript bench/accuracy.R                      # full run: 3 seeds at N = 5000, plus N = 500 and
#                                                 # 20000 for a subset (see `subset_tasks`)
#   Rscript bench/accuracy.R --quick              # 1 seed, N = 2000, gmm and ksg only
#   Rscript bench/accuracy.R --estimators=gmm,gmm_none --n=5000 --seeds=2 --tasks=student
#   Rscript bench/accuracy.R --out=bench/results/accuracy_variants
#   Rscript bench/accuracy.R --from-csv=bench/results/accuracy.csv   # re-summarise a stored run
#
# Writes <out>.csv (one row per task x N x seed x estimator) and <out>.txt (per-task table and a
# summary line per estimator). Scoring, per case:
#   within  |estimate - truth| <= 4 sd + 0.03 (sd: the estimator's own standard error; an
#           estimator without one is scored with sd = 0)
#   solved  truth > 0: estimate within a factor 1.5 of the truth; truth = 0: estimate < 0.03
#   signif  (truth = 0 only) estimate / sd > 1.645: "significant" at the 5% level by its own sd
suppressPackageStartupMessages(library(gmmmi))

args <- commandArgs(trailingOnly = TRUE)
opt <- function(name, default) {
  a <- grep(paste0("^--", name, "="), args, value = TRUE)
  if (length(a)) sub(paste0("^--", name, "="), "", a[1]) else default
}
quick <- "--quick" %in% args
n_threads <- as.integer(opt("threads", "2"))

# Estimators: name -> function(x, y) returning a gmmmi_estimate. Variants of gmm_mi show what
# each default contributes.
estimators <- list(
  gmm = function(x, y) gmm_mi(x, y, n_threads = n_threads),
  gmm_scores = function(x, y) gmm_mi(x, y, transform = "normal_scores", n_threads = n_threads),
  gmm_none = function(x, y) gmm_mi(x, y, transform = "none", n_threads = n_threads),
  gmm_reference = function(x, y) gmm_mi(x, y, preset = "reference", n_threads = n_threads),
  ksg = function(x, y) mi_ksg(x, y, k = 5, n_threads = n_threads),
  # a factor x uses the estimator's categorical form (?gmmmi_discrete); the Gaussian estimator
  # has none and stops
  knn_entropy = function(x, y) mi_knn_entropy(x, y, k = 5, n_threads = n_threads),
  binned = function(x, y) {
    if (NCOL(x) > 1 || NCOL(y) > 1) stop("1-D only")
    mi_binned(x, y, n_threads = n_threads)
  },
  gaussian = function(x, y) mi_gaussian(x, y, n_threads = n_threads)
)
default_est <- if (quick) "gmm,ksg" else paste(names(estimators), collapse = ",")
use <- strsplit(opt("estimators", default_est), ",")[[1]]
stopifnot(all(use %in% names(estimators)))

tasks <- mi_tasks()
pat <- opt("tasks", "")
if (nzchar(pat)) tasks <- tasks[grepl(pat, tasks$name), , drop = FALSE]
seeds <- seq_len(as.integer(opt("seeds", if (quick) "1" else "3")))
n_main <- as.integer(opt("n", if (quick) "2000" else "5000"))
# the subset run at N = 500 and 20000 (one seed each): one task per family
subset_tasks <- tasks$name[!duplicated(tasks$family)]
extra_n <- if (quick || nzchar(opt("n", ""))) integer(0) else c(500L, 20000L)

plan <- expand.grid(task = tasks$name, n = n_main, seed = seeds, stringsAsFactors = FALSE)
if (length(extra_n)) {
  plan <- rbind(plan, expand.grid(task = subset_tasks, n = extra_n, seed = 1L, stringsAsFactors = FALSE))
}
out <- opt("out", file.path("bench", "results", if (quick) "accuracy_quick" else "accuracy"))
cat(sprintf("accuracy benchmark: %d tasks, %d cases x %d estimators, %d threads\n",
            nrow(tasks), nrow(plan), length(use), n_threads))

rows <- list()
t_start <- Sys.time()
from_csv <- opt("from-csv", "")   # re-summarise a stored run instead of running
if (nzchar(from_csv)) plan <- plan[0, ]
for (i in seq_len(nrow(plan))) {
  p <- plan[i, ]
  set.seed(1000L * p$seed + p$n %% 997L)
  d <- mi_task(p$task, p$n)
  for (e in use) {
    set.seed(p$seed)
    t0 <- proc.time()[["elapsed"]]
    r <- tryCatch(suppressWarnings(estimators[[e]](d$x, d$y)), error = function(err) err)
    el <- proc.time()[["elapsed"]] - t0
    if (inherits(r, "error")) {
      rows[[length(rows) + 1L]] <- data.frame(task = p$task, n = p$n, seed = p$seed, estimator = e,
                                              truth = d$mi, estimate = NA_real_, sd = NA_real_,
                                              K = NA_character_, seconds = el,
                                              error = conditionMessage(r), stringsAsFactors = FALSE)
      next
    }
    K <- if (!is.null(r$n_components)) paste(r$n_components, collapse = "/") else NA_character_
    rows[[length(rows) + 1L]] <- data.frame(task = p$task, n = p$n, seed = p$seed, estimator = e,
                                            truth = d$mi, estimate = r$estimate, sd = r$std_error,
                                            K = K, seconds = el, error = NA_character_,
                                            stringsAsFactors = FALSE)
  }
  if (i %% 10L == 0L) {
    cat(sprintf("  %d / %d cases, %.0f s\n", i, nrow(plan), as.numeric(Sys.time() - t_start, units = "secs")))
  }
}
res <- if (nzchar(from_csv)) {
  r <- utils::read.csv(from_csv, stringsAsFactors = FALSE)
  use <- intersect(use, unique(r$estimator))
  r[r$estimator %in% use, setdiff(names(r), c("within", "solved", "signif", "signif196"))]
} else do.call(rbind, rows)
sd0 <- ifelse(is.finite(res$sd), res$sd, 0)
res$within <- abs(res$estimate - res$truth) <= 4 * sd0 + 0.03
res$solved <- ifelse(res$truth > 0, res$estimate >= res$truth / 1.5 & res$estimate <= res$truth * 1.5,
                     res$estimate < 0.03)
res$signif <- ifelse(res$truth == 0, is.finite(res$sd) & res$sd > 0 & res$estimate / res$sd > 1.645, NA)
res$signif196 <- ifelse(res$truth == 0, is.finite(res$sd) & res$sd > 0 & res$estimate / res$sd > 1.96, NA)
dir.create(dirname(out), showWarnings = FALSE, recursive = TRUE)
utils::write.csv(res, paste0(out, ".csv"), row.names = FALSE)

fmt <- function(v, d = 3) ifelse(is.na(v), "NA", formatC(v, digits = d, format = "f"))
sink(paste0(out, ".txt"), split = TRUE)
cat(sprintf("gmmmi accuracy benchmark (bench/accuracy.R), %s, %d threads, gmmmi %s\n",
            format(Sys.time(), "%Y-%m-%d"), n_threads, as.character(utils::packageVersion("gmmmi"))))
if (nzchar(from_csv)) cat(sprintf("(re-summarised from %s)\n", from_csv))
cat("within: |est - truth| <= 4 sd + 0.03; solved: within a factor 1.5 (truth 0: est < 0.03);\n")
cat("signif: truth 0 and est / sd > 1.645 (one-sided 5%); also reported with 1.96 (two-sided 5%).\n")
cat("Each cell: mean estimate over seeds (mean sd) [within/solved counts].\n\n")
for (nn in sort(unique(res$n))) {
  r <- res[res$n == nn, ]
  cat(sprintf("== N = %d ==\n", nn))
  tab <- NULL
  for (tk in unique(r$task)) {
    rt <- r[r$task == tk, ]
    line <- data.frame(task = tk, truth = fmt(rt$truth[1]))
    for (e in use) {
      re <- rt[rt$estimator == e, ]
      line[[e]] <- if (all(is.na(re$estimate))) "error" else
        sprintf("%s (%s) [%d/%d]", fmt(mean(re$estimate, na.rm = TRUE)), fmt(mean(re$sd, na.rm = TRUE)),
                sum(re$within, na.rm = TRUE), sum(re$solved, na.rm = TRUE))
    }
    tab <- rbind(tab, line)
  }
  print(tab, row.names = FALSE, right = FALSE)
  cat("\n")
}
cat("== Summary per estimator (all cases that ran) ==\n")
for (e in use) {
  r <- res[res$estimator == e & !is.na(res$estimate), ]
  z <- r[r$truth == 0, ]
  nz <- r[r$truth > 0, ]
  tasks_solved <- sum(tapply(r$solved[r$n == n_main], r$task[r$n == n_main], function(v) mean(v) >= 0.5))
  cat(sprintf("%-14s cases %3d (errors %d): within %5.1f%%, solved %5.1f%%; tasks solved (N = %d, majority of seeds) %d / %d; truth-0 significant %d / %d (%.1f%%; at 1.96: %d); median time %.2f s\n",
              e, nrow(r), sum(res$estimator == e & is.na(res$estimate)),
              100 * mean(r$within), 100 * mean(r$solved), n_main, tasks_solved,
              length(unique(r$task[r$n == n_main])), sum(z$signif), nrow(z),
              100 * mean(z$signif), sum(z$signif196), stats::median(r$seconds)))
}
if (!nzchar(from_csv)) cat(sprintf("\nTotal time %.0f s\n", as.numeric(Sys.time() - t_start, units = "secs")))
# invariance: each transformed task against its base task, same seed (the data are the same
# sample mapped injectively, so the MI estimates should agree)
base_of <- c("halfcube-mvn-1x1-rho0.75" = "mvn-1x1-rho0.75", "halfcube-mvn-2pair-2x2" = "mvn-2pair-2x2",
             "asinh-student-t-dof1-1x1" = "student-t-dof1-1x1", "normalcdf-mvn-1x1-rho0.75" = "mvn-1x1-rho0.75",
             "normalcdf-mvn-dense-3x3" = "mvn-dense-3x3", "wiggly-mvn-1x1-rho0.75" = "mvn-1x1-rho0.75",
             "spiral-mvn-dense-3x3" = "mvn-dense-3x3", "swissroll-mvn-1x1-rho0.75" = "mvn-1x1-rho0.75")
inv <- NULL
for (e in intersect(use, c("gmm", "gmm_scores", "gmm_none", "gmm_reference", "ksg"))) {
  r <- res[res$estimator == e & res$n == n_main, ]
  for (tk in intersect(names(base_of), r$task)) for (sd_ in seeds) {
    a <- r[r$task == tk & r$seed == sd_, ]
    b <- r[r$task == base_of[[tk]] & r$seed == sd_, ]
    if (nrow(a) == 1L && nrow(b) == 1L) {
      inv <- rbind(inv, data.frame(estimator = e, task = tk, seed = sd_, diff = a$estimate - b$estimate,
                                   comb_sd = sqrt(a$sd^2 + b$sd^2), identical = a$estimate == b$estimate))
    }
  }
}
if (!is.null(inv)) {
  cat("\n== Invariance: transformed task vs its base task (same seed), N =", n_main, "==\n")
  cat("per-column increasing maps: half-cube, asinh, normal CDF, wiggly; spiral and swiss roll are multivariate maps\n")
  for (e in unique(inv$estimator)) {
    v <- inv[inv$estimator == e, ]
    pc <- !grepl("spiral|swissroll", v$task)
    cat(sprintf("%-14s per-column maps: %d / %d identical, %d / %d within one combined sd; spiral / swiss roll: %d / %d within one combined sd\n",
                e, sum(v$identical[pc]), sum(pc), sum(abs(v$diff[pc]) <= v$comb_sd[pc]), sum(pc),
                sum(abs(v$diff[!pc]) <= v$comb_sd[!pc]), sum(!pc)))
  }
}
# failures of each estimator (cases not within 4 sd + 0.03, or significant with truth 0)
cat("\n== Cases not within 4 sd + 0.03, or truth 0 and significant (est / sd > 1.645) ==\n")
for (e in use) {
  r <- res[res$estimator == e & !is.na(res$estimate), ]
  bad <- r[!r$within | (r$truth == 0 & r$signif), ]
  if (nrow(bad)) cat(sprintf("%-14s %s\n", e, paste(sprintf("%s N=%d s%d: %.3f (%.3f) vs %.3f", bad$task, bad$n,
                                                          bad$seed, bad$estimate, bad$sd, bad$truth), collapse = "; ")))
}
sink()
