# Degenerate data: the MI of a continuous variable with itself (or with an exact affine function
# of itself) is infinite, and the differential entropy of a variable confined to a subspace (or
# with repeated values) is -Inf. Estimators return finite numbers for such data; these helpers
# say so with a warning of class "gmmmi_warning_degenerate" (see ?gmmmi).

# Orthonormal basis of the centred column space of x (NULL if it is {0}).
centred_basis <- function(x) {
  x <- rescale_extreme(x)
  x <- x - rep(colMeans(x), each = nrow(x))
  q <- qr(x, tol = 1e-9)
  if (q$rank == 0L) return(NULL)
  qr.Q(q)[, seq_len(q$rank), drop = FALSE]
}

# Largest canonical correlation between the columns of x and of y (NA if undefined).
max_canonical_cor <- function(x, y) {
  if (nrow(x) < 3L) return(NA_real_)
  qx <- centred_basis(x)
  qy <- centred_basis(y)
  if (is.null(qx) || is.null(qy)) return(NA_real_)
  max(svd(crossprod(qx, qy), nu = 0L, nv = 0L)$d)
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
  q <- centred_basis(x)
  if (!is.null(q) && ncol(q) == ncol(x)) return(invisible(FALSE))
  degenerate_warn(sprintf(paste0("`%s` has linearly dependent columns: its distribution lives on a ",
                                 "subspace, its differential entropy is -Inf, and entropy-based ",
                                 "estimates are not meaningful."), arg), call)
  invisible(TRUE)
}
