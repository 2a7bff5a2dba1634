# Helpers shared by the classical k-nearest-neighbour estimators: KSG and the Ross estimator
# (ksg.R), its conditional form (knn_cmi.R), Kozachenko-Leonenko entropy and MI from entropies
# (knn_entropy.R): data checks, standardisation, the jitter rule for duplicates and the
# subsampling standard error. The exact neighbour search is in inst/include/gmmmi/knn.hpp.

is_discrete <- function(x) is.factor(x) || is.character(x)

# Numeric data matrix without NA/Inf and without constant columns.
knn_data <- function(x, arg, call = sys.call(-1)) {
  if (is_discrete(x)) {
    gmmmi_abort(sprintf("`%s` must be numeric, not %s.", arg, describe(x)), call = call)
  }
  x <- as_data_matrix(x, arg, allow_na = FALSE, call = call)
  check_not_constant(x, arg, call = call)  # scale-robust column statistics in C++
  attributes(x) <- list(dim = dim(x))
  x
}

# 2 x d matrix of column minima and maxima.
range_cols <- function(x) {
  if (ncol(x) == 1L) return(matrix(range(x), ncol = 1L))
  rbind(apply(x, 2L, min), apply(x, 2L, max))
}

# Centre and scale columns to unit sd (vectorised; same result as scale()).
# Each column is first divided by a power of two near its largest |value| (exact, so ordinary
# data give bitwise the same result), so that squares neither overflow (|x| >= 1e154) nor
# underflow (|x| <= 1e-154).
knn_standardise <- function(x) {
  n <- nrow(x)
  x <- x * rep(pow2_inv_scale(x), each = n)
  center <- colMeans(x)
  xc <- x - rep(center, each = n)
  sds <- sqrt(colSums(xc * xc) / (n - 1))
  xc / rep(sds, each = n)
}

check_same_rows <- function(y, n, arg, call = sys.call(-1)) {
  if (nrow(y) != n) {
    gmmmi_abort(sprintf("`%s` must have the same number of rows as `x` (%d), not %d.", arg, n,
                        nrow(y)), call = call)
  }
  invisible(y)
}

# Run `run(data)` with the duplicate policy of ?mi_ksg. `run` returns a list with a field
# `duplicates` (points with an exact copy, found by the neighbour search itself: nearest
# neighbour at distance 0). jitter = NULL: run once; if duplicates were found, add seeded noise
# of 1e-10 x each column's sd, warn, and run again. jitter > 0: add that noise first.
knn_with_jitter <- function(data, jitter, seed, run, entropy = FALSE, call = sys.call(-1)) {
  attributes(data) <- list(dim = dim(data))
  add_noise <- function(d, rel) {
    sds <- .col_stats(d)$sd  # scale-robust
    sds[!is.finite(sds) | sds == 0] <- 1
    .jitter_columns(d, rel * sds, seed)
  }
  if (!is.null(jitter)) {
    rel <- check_number(jitter, "jitter", lower = 0, upper = 1, call = call)
    if (rel > 0) data <- add_noise(data, rel)
    res <- run(data)
    return(list(data = data, result = res, amplitude = rel, duplicates = as.integer(res$duplicates)))
  }
  res <- run(data)
  dups <- as.integer(res$duplicates)
  rel <- 0
  if (dups > 0L && entropy) {
    # entropies of tied data: the reason matters more than the remedy
    gmmmi_warn(sprintf(paste0("%d point(s) have an exact duplicate (zero distance): the data are ",
                              "(partly) discrete or rounded, and the differential entropy of such data ",
                              "is -Inf. Seeded noise of 1e-10 x each column's sd was added, so the ",
                              "entropy estimates reflect that noise amplitude and are not meaningful ",
                              "(set `jitter` to the measurement resolution, or use a discrete estimator)."),
                       dups),
               class = c("gmmmi_warning_degenerate", "gmmmi_warning_duplicates", "gmmmi_warning"), call = call)
  } else if (dups > 0L) {
    gmmmi_warn(sprintf(paste0("%d point(s) have an exact duplicate (zero distance); added seeded ",
                              "noise of 1e-10 x each column's sd (set `jitter` to control this)."), dups),
               class = c("gmmmi_warning_duplicates", "gmmmi_warning"), call = call)
  }
  if (dups > 0L) {
    rel <- 1e-10
    data <- add_noise(data, rel)
    res <- run(data)
  }
  list(data = data, result = res, amplitude = rel, duplicates = dups)
}

# Standard error by disjoint subsamples (see ?mi_ksg).
knn_subsample_se <- function(n, k, std_error, n_subsamples, seed, fun) {
  none <- list(std_error = NA_real_, estimates = numeric(0), size = NA_integer_, n_subsamples = 0L,
               note = "not requested (std_error = \"none\")")
  if (identical(std_error, "none")) return(none)
  min_size <- max(50L, 10L * k)
  B <- min(n_subsamples, floor(n / min_size))
  if (B < 2L) {
    none$note <- sprintf("n = %d is too small for 2 disjoint subsamples of at least %d rows (max(50, 10 k))",
                         n, min_size)
    return(none)
  }
  m <- floor(n / B)
  perm <- .seeded_permutation(n, seed)
  est <- vapply(seq_len(B), function(b) fun(sort(perm[(b - 1L) * m + seq_len(m)])), numeric(1))
  list(std_error = stats::sd(est, na.rm = TRUE) * sqrt(m / n), estimates = est,
       size = as.integer(m), n_subsamples = as.integer(B))
}
