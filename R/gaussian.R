# The Gaussian MI of the sample covariance (mi_gaussian()), and the Gaussian formulas the rest of
# the package shares: one log-determinant and one MI-from-squared-correlation, so that the
# estimators, the sliced-MI slices and the ground truths (mi_true_mvn(), mi_true_gaussian(),
# smi_gaussian()) compute them with the same arithmetic. Pure R.

#' Mutual information of the Gaussian with the sample covariance
#'
#' Fits a Gaussian to the joint sample of `x` and `y` (any dimensions) and returns its MI,
#' \deqn{\hat I = \frac12\left(\log\det\hat\Sigma_X + \log\det\hat\Sigma_Y - \log\det\hat\Sigma\right) = -\frac12\sum_k \log(1 - \hat\rho_k^2),}{I = 0.5 (log det S_X + log det S_Y - log det S) = -0.5 sum_k log(1 - r_k^2),}
#' with \eqn{\hat\rho_k}{r_k} the sample canonical correlations. It is consistent for Gaussian
#' data. For other data it is the MI of the Gaussian with the same covariance: it sees only linear
#' dependence (it is 0 for uncorrelated but dependent variables) and is neither a lower nor an
#' upper bound on the MI in general. It is invariant to invertible affine maps of `x` and of `y`.
#'
#' `std_error` is the delta-method standard deviation for Gaussian data,
#' \eqn{\sqrt{\sum_k \hat\rho_k^2 / n}}{sqrt(sum_k r_k^2 / n)} (for one-dimensional `x` and `y`,
#' \eqn{|\hat\rho| / \sqrt n}{|r| / sqrt(n)}): the gradient of \eqn{I}{I} with respect to
#' \eqn{\Sigma}{Sigma} is \eqn{G/2}{G / 2} with \eqn{G = \mathrm{diag}(\Sigma_X^{-1}, \Sigma_Y^{-1}) - \Sigma^{-1}}{G = blockdiag(S_X^-1, S_Y^-1) - S^-1},
#' and \eqn{\mathrm{var}(\mathrm{tr}(A\hat\Sigma)) \approx 2\,\mathrm{tr}(A\Sigma A\Sigma)/n}{var(tr(A S)) = 2 tr(A S A S) / n}
#' for Gaussian data, which gives \eqn{\mathrm{tr}((G\Sigma)^2)/(2n) = \sum_k\rho_k^2/n}{tr((G S)^2) / (2n) = sum_k r_k^2 / n}.
#' It ignores the upward bias (about \eqn{d_X d_Y / (2n)}{dX dY / (2n)}) and is too small near
#' independence.
#'
#' Columns that are constant, or linearly dependent within `x` or within `y`, are an error. If
#' `x` and `y` are exactly linearly related the MI is infinite: `Inf` is returned with a warning.
#'
#' @param x,y Numeric vectors, matrices or data frames with the same number of rows (samples),
#'   without missing values.
#' @inheritParams mi_binned
#' @return A [`"gmmmi_estimate"`][gmmmi_estimate] with `method = "gaussian"`; also
#'   `canonical_correlations`.
#' @seealso [mi_true_mvn()] for the MI of a known covariance; [mi_binned()].
#' @examples
#' set.seed(1)
#' d <- toy_mvn(1000, matrix(c(2, .6, .3, .6, 1, .5, .3, .5, 1.5), 3), dx = 1)
#' mi_gaussian(d$x, d$y)          # truth: 0.0992 nats
#' mi_gaussian(d$x, d$y, unit = "bit")
#' @export
mi_gaussian <- function(x, y, unit = c("nat", "bit"), discrete = NULL, na.rm = TRUE, n_threads = NULL) {
  call <- match.call()
  unit <- check_unit(unit)
  cp <- complete_pair(x, y, na.rm)
  x <- cp$x
  y <- cp$y
  dp <- discrete_pair(x, y, discrete, call = call)
  if (dp$pair == "discrete") return(mi_discrete_pair(dp$x, dp$y, unit, call, "gaussian"))
  if (dp$pair == "categorical") {
    gmmmi_abort(sprintf(paste0("`%s` is discrete (?gmmmi_discrete) and the Gaussian estimator has no form ",
                               "for a discrete variable with a continuous one: use method \"gmm\", ",
                               "\"ksg\" or \"binned\", or declare it continuous with `discrete = c(%s = FALSE)`."),
                        if (dp$swapped) "y" else "x", if (dp$swapped) "y" else "x"),
                class = c("gmmmi_error_discrete", "gmmmi_error_input"), call = call)
  }
  x <- as_data_matrix(x, "x", allow_na = FALSE)
  y <- as_data_matrix(y, "y", allow_na = FALSE)
  if (nrow(x) != nrow(y)) {
    gmmmi_abort(sprintf("`x` and `y` must have the same number of rows (%d and %d).", nrow(x), nrow(y)))
  }
  unit <- check_unit(unit)
  gmmmi_threads(n_threads)
  n <- nrow(x)
  dx <- ncol(x)
  dy <- ncol(y)
  if (n < dx + dy + 1L) {
    gmmmi_abort(sprintf("`x` and `y` need more rows (%d) than columns in total (%d) for a covariance.",
                        n, dx + dy))
  }
  check_not_constant(x, "x")
  check_not_constant(y, "y")
  # work with the correlation matrix (MI is invariant to column scaling; better conditioned)
  s <- stats::cor(rescale_extreme(cbind(x, y)))
  ix <- seq_len(dx)
  lx <- logdet_checked(s[ix, ix, drop = FALSE])
  ly <- logdet_checked(s[-ix, -ix, drop = FALSE])
  if (is.na(lx)) gmmmi_abort("`x` has linearly dependent columns: its covariance is singular.")
  if (is.na(ly)) gmmmi_abort("`y` has linearly dependent columns: its covariance is singular.")
  # canonical correlations: singular values of Lx^-T Sxy Ly^-1
  rx <- chol(s[ix, ix, drop = FALSE])
  ry <- chol(s[-ix, -ix, drop = FALSE])
  m <- backsolve(rx, s[ix, -ix, drop = FALSE], transpose = TRUE)
  m <- t(backsolve(ry, t(m), transpose = TRUE))
  cc <- pmin(svd(m, nu = 0L, nv = 0L)$d, 1)
  if (any(cc >= 1 - 1e-12)) {
    degenerate_warn("`x` and `y` are exactly linearly related: the Gaussian MI is infinite.", call = NULL)
    est <- Inf
  } else {
    est <- gaussian_mi_r2(cc^2, total = TRUE)
  }
  se <- sqrt(sum(cc^2) / n)
  sc <- unit_scale(unit)
  new_mi_estimate(est * sc, se * sc, unit = unit, method = "gaussian", n = n,
                  settings = list(dx = dx, dy = dy), call = call, canonical_correlations = cc,
                  treatment = dp$pair)
}

# ---- shared Gaussian formulas ------------------------------------------------------------

# log det of a symmetric positive-definite matrix, from its Cholesky factor r (upper, r'r = s).
logdet_chol <- function(r) 2 * sum(log(diag(r)))

# log det of a symmetric positive-definite matrix (chol() fails if it is not).
logdet <- function(s) logdet_chol(chol(s))

# The same, or NA when s is not numerically positive definite (Cholesky fails, or its smallest
# diagonal entry is below 1e-7 of its largest).
logdet_checked <- function(s) {
  r <- tryCatch(chol(s), error = function(e) NULL)
  if (is.null(r) || min(diag(r)) < 1e-7 * max(diag(r))) return(NA_real_)
  logdet_chol(r)
}

# log |det s| by LU decomposition (determinant()). Only the sliced Gaussian slices use it, for the
# projected blocks: it has always been computed this way there, and the Cholesky formula above
# differs from it in the last bits, so it stays to keep mi_sliced(base = "gaussian") results
# bitwise identical.
logdet_lu <- function(s) {
  as.numeric(determinant(s, logarithm = TRUE)$modulus)
}

# MI of a Gaussian pair from its squared (canonical) correlation(s) r2 < 1: -log(1 - r2) / 2,
# elementwise; `total = TRUE` sums over the canonical correlations, -sum(log(1 - r2)) / 2.
gaussian_mi_r2 <- function(r2, total = FALSE) {
  if (total) -0.5 * sum(log1p(-r2)) else -0.5 * log1p(-r2)
}

# n draws of N(0, sigma) from R's normal generator (rows = draws): the sampler of toy_mvn() and
# of the Gaussian tasks (mi_task()).
rmvn_zero <- function(n, sigma) matrix(stats::rnorm(n * ncol(sigma)), n, ncol(sigma)) %*% chol(sigma)

# MI of a Gaussian from the log determinants of the x block, the y block and the joint covariance.
gaussian_mi_logdets <- function(lx, ly, lxy) 0.5 * (lx + ly - lxy)
