# Degenerate data: the MI of a continuous variable with itself (or with an exact affine function
# of itself) is infinite, and the differential entropy of a variable confined to a subspace (or
# with repeated values) is -Inf. Estimators return finite numbers for such data; these helpers
# say so with a warning of class "gmmmi_warning_degenerate" (see ?gmmmi).

# Inverse square root of a correlation matrix on its range (eigenvalues below 1e-10 of the
# largest are treated as zero), and that rank.
cor_inv_sqrt <- function(m) {
  e <- eigen(m, symmetric = TRUE)
  keep <- e$values > 1e-10 * max(e$values)
  v <- e$vectors[, keep, drop = FALSE]
  list(w = v %*% (t(v) / sqrt(e$values[keep])), rank = sum(keep))
}

# Largest canonical correlation between the columns of x and of y (NA if undefined), from the
# correlation matrix (one pass over the data; extreme scales are rescaled exactly first).
max_canonical_cor <- function(x, y) {
  if (nrow(x) < 3L) return(NA_real_)
  s <- suppressWarnings(stats::cor(rescale_extreme(cbind(x, y))))
  if (anyNA(s)) return(NA_real_)
  ix <- seq_len(ncol(x))
  if (ncol(s) == 2L) return(abs(s[1L, 2L]))
  m <- cor_inv_sqrt(s[ix, ix, drop = FALSE])$w %*% s[ix, -ix, drop = FALSE] %*%
    cor_inv_sqrt(s[-ix, -ix, drop = FALSE])$w
  max(svd(m, nu = 0L, nv = 0L)$d)
}

# Rank of the centred columns of x (NA if a column is constant or missing).
centred_rank <- function(x) {
  s <- suppressWarnings(stats::cor(rescale_extreme(x)))
  if (anyNA(s)) return(NA_integer_)
  cor_inv_sqrt(s)$rank
}

degenerate_warn <- function(message, call) {
  gmmmi_warn(message, class = c("gmmmi_warning_degenerate", "gmmmi_warning"), call = call)
}

# Warn when x and y (numeric matrices, rows = samples) are exactly affinely dependent: some linear
# combination of y's columns is an affine function of x's columns (e.g. y = x, y = 2x + 1).
# Returns TRUE if it warned.
warn_if_dependent <- function(x, y, call = sys.call(-1)) {
  rho <- max_canonical_cor(x, y)
  if (is.na(rho) || rho < 1 - 1e-12) return(invisible(FALSE))
  degenerate_warn(paste0("`x` and `y` are exactly (affinely) dependent (canonical correlation 1, ",
                         "e.g. y = a x + b): for continuous data their MI is infinite, so the ",
                         "returned number is not meaningful."), call)
  invisible(TRUE)
}

# Warn when the columns of x are linearly dependent (its density lives on a subspace, so its
# differential entropy is -Inf). Returns TRUE if it warned.
warn_if_rank_deficient <- function(x, arg, call = sys.call(-1)) {
  if (ncol(x) < 2L || nrow(x) <= ncol(x)) return(invisible(FALSE))
  r <- centred_rank(x)
  if (is.na(r) || r == ncol(x)) return(invisible(FALSE))
  degenerate_warn(sprintf(paste0("`%s` has linearly dependent columns: its distribution lives on a ",
                                 "subspace, its differential entropy is -Inf, and entropy-based ",
                                 "estimates are not meaningful."), arg), call)
  invisible(TRUE)
}
