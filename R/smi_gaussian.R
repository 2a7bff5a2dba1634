# Exact and semi-analytic sliced mutual information of Gaussian distributions (ground truth for
# mi_sliced()). Pure R: the slice average is a few vectorised matrix products.

#' Sliced mutual information of a Gaussian
#'
#' The sliced mutual information (SMI, Goldfeld & Greenewald 2021) of a Gaussian vector
#' \eqn{(X, Y)}{(X, Y)}: the average, over independent uniformly random unit vectors
#' \eqn{\theta}{theta} (in the space of `x`) and \eqn{\phi}{phi} (in the space of `y`), of the MI
#' of the one-dimensional projections, which for a Gaussian is
#' \deqn{I(\theta^\top X; \phi^\top Y) = -\frac12\log(1 - \rho(\theta, \phi)^2), \quad \rho(\theta, \phi) = \frac{\theta^\top\Sigma_{XY}\phi}{\sqrt{\theta^\top\Sigma_X\theta\;\phi^\top\Sigma_Y\phi}}.}{I(theta'X; phi'Y) = -0.5 log(1 - rho^2), rho = theta' S_XY phi / sqrt(theta' S_X theta phi' S_Y phi).}
#'
#' `smi_gaussian_isotropic()` is the exact value for \eqn{\Sigma_X = I}{S_X = I},
#' \eqn{\Sigma_Y = I}{S_Y = I} and a cross-covariance with all singular values equal to `r`
#' (e.g. \eqn{r[I_m\ 0]}{r [I_m 0]}); it depends only on \eqn{D = \max(d_X, d_Y)}{D = max(dX, dY)}:
#' \deqn{SI = \int_0^1 -\frac12\log(1 - r^2 t)\, \mathrm{Beta}(t; \tfrac12, \tfrac{D-1}2)\,dt = \frac12\sum_{n\ge1}\frac{r^{2n}}{n}\frac{(1/2)_n}{(D/2)_n}}{SI = int_0^1 -0.5 log(1 - r^2 t) Beta(t; 1/2, (D - 1)/2) dt = 0.5 sum_{n >= 1} (r^(2n) / n) (1/2)_n / (D/2)_n}
#' (\eqn{(a)_n}{(a)_n} the rising factorial; \eqn{t}{t} is the squared cosine between a uniform
#' direction and a fixed one). Closed forms: \eqn{D = 1}{D = 1}: \eqn{-\frac12\log(1 - r^2)}{-0.5 log(1 - r^2)}
#' (the MI); \eqn{D = 2}{D = 2}: \eqn{\log(2 / (1 + \sqrt{1 - r^2}))}{log(2 / (1 + sqrt(1 - r^2)))};
#' \eqn{D = 3}{D = 3}: \eqn{1 - [(1 + r)\log(1 + r) - (1 - r)\log(1 - r)] / (2r)}{1 - [(1 + r) log(1 + r) - (1 - r) log(1 - r)] / (2r)}.
#' `method = "series"` sums the series until the terms are negligible (relative 1e-17; the number
#' of terms grows like \eqn{1 / (1 - r^2)}{1 / (1 - r^2)}); `"integral"` integrates over the angle
#' \eqn{t = \sin^2 u}{t = sin^2 u}, which removes the endpoint singularities:
#' \eqn{SI = \frac{2}{B(1/2, (D-1)/2)}\int_0^{\pi/2} -\frac12\log(1 - r^2\sin^2 u)\cos^{D-2}u\,du}{SI = 2 / B(1/2, (D - 1)/2) int_0^(pi/2) -0.5 log(1 - r^2 sin^2 u) cos^(D - 2) u du}.
#'
#' `smi_gaussian()` takes any covariance. If the structure is isotropic in the sense above (after
#' scaling `x` and `y`: \eqn{\Sigma_X = a I}{S_X = a I}, \eqn{\Sigma_Y = b I}{S_Y = b I}, all
#' singular values of \eqn{\Sigma_{XY}}{S_XY} equal) or \eqn{\Sigma_{XY} = 0}{S_XY = 0}, it
#' returns the exact value; otherwise (or with `method = "monte_carlo"`) it averages the slice MI
#' over `n_slices` random slice pairs (Gaussian directions; \eqn{\rho}{rho} does not depend on their
#' length), a semi-analytic oracle that needs no data. The Monte Carlo standard error is returned
#' as the attribute `"std_error"` (0 for exact values). `sigma` may be singular (e.g. copies of one
#' variable), as long as \eqn{\Sigma_X \neq 0}{S_X != 0} and \eqn{\Sigma_Y \neq 0}{S_Y != 0}.
#'
#' SMI is 0 exactly when X and Y are independent, is at most the MI, and (unlike MI) changes under
#' general invertible maps of `x` or `y`; it is invariant to rotations and scalings of each.
#'
#' @param sigma Symmetric positive semi-definite covariance matrix (d x d) of \eqn{(X, Y)}{(X, Y)}.
#' @param dx Number of leading coordinates that form `x` (1 to d - 1); `y` is the rest.
#' @param n_slices Number of random slice pairs for the Monte Carlo average.
#' @param seed Seed of the random slices (`NULL`: use, and advance, the current random number
#'   stream). With a seed the result is reproducible and the global random number state is
#'   restored afterwards.
#' @param method For `smi_gaussian()`: `"auto"` (exact when possible, else Monte Carlo) or
#'   `"monte_carlo"`. For `smi_gaussian_isotropic()`: `"series"` or `"integral"`.
#' @param rho Cross-correlation r of the isotropic case, \eqn{|r| < 1}{|r| < 1} (a vector is allowed);
#'   named `rho` like the correlation of [mi_true_gaussian()] and [toy_gaussian()].
#' @param r Deprecated name of `rho` (with a warning of class `"gmmmi_warning_deprecated"`).
#' @param D Dimension \eqn{\max(d_X, d_Y)}{max(dX, dY)}, a whole number >= 1.
#' @param unit `"nat"` (default) or `"bit"`.
#' @return A number (a vector for `smi_gaussian_isotropic()` with a vector `r`), the sliced MI in
#'   `unit`; `smi_gaussian()` adds the attributes `"std_error"` and `"method"`.
#' @references
#' Goldfeld, Z. and Greenewald, K. (2021). Sliced mutual information: a scalable measure of
#' statistical dependence. *Advances in Neural Information Processing Systems* 34.
#' \href{https://arxiv.org/abs/2110.05279}{arXiv:2110.05279}.
#' @seealso [mi_true_mvn()] for the (unsliced) MI.
#' @examples
#' smi_gaussian_isotropic(0.8, D = 2)                  # log(2 / 1.6) = 0.2231436
#' smi_gaussian_isotropic(c(0.5, 0.8), D = 10)
#' s <- matrix(c(2, .6, .3, .6, 1, .5, .3, .5, 1.5), 3)
#' smi_gaussian(s, dx = 1, n_slices = 1e4)   # 0.0483140594
#' mi_true_mvn(s, dx = 1)                     # 0.0992254694: SMI <= MI
#' @name smi_gaussian
NULL

#' @rdname smi_gaussian
#' @export
smi_gaussian <- function(sigma, dx, n_slices = 1e5, seed = 1L, method = c("auto", "monte_carlo"),
                         unit = "nat") {
  sigma <- smi_check_psd(sigma, "sigma")
  d <- ncol(sigma)
  dx <- check_count(dx, "dx", min = 1, max = d - 1)
  n_slices <- check_count(n_slices, "n_slices", min = 2, max = gmmmi_limits$n_slices)
  seed <- check_seed(seed, negative = TRUE)
  method <- check_choice(method, c("auto", "monte_carlo"), "method")
  unit <- check_unit(unit)
  sc <- unit_scale(unit)
  ix <- seq_len(dx)
  sx <- sigma[ix, ix, drop = FALSE]
  sy <- sigma[-ix, -ix, drop = FALSE]
  sxy <- sigma[ix, -ix, drop = FALSE]
  if (all(diag(sx) <= 0)) gmmmi_abort("`sigma`: the x block is zero, so x has no variance.")
  if (all(diag(sy) <= 0)) gmmmi_abort("`sigma`: the y block is zero, so y has no variance.")
  dy <- d - dx
  if (method == "auto") {
    if (all(sxy == 0)) return(structure(0, std_error = 0, method = "exact"))
    iso <- smi_isotropic_r(sx, sy, sxy)
    if (!is.na(iso)) {
      val <- smi_gaussian_isotropic(min(iso, 1 - 1e-15), max(dx, dy))
      return(structure(val * sc, std_error = 0, method = "exact"))
    }
  }
  local_seed(seed)
  chunk <- 100000L
  s1 <- 0
  s2 <- 0
  done <- 0L
  while (done < n_slices) {
    m <- min(chunk, n_slices - done)
    th <- matrix(stats::rnorm(m * dx), m, dx)
    ph <- matrix(stats::rnorm(m * dy), m, dy)
    num <- rowSums((th %*% sxy) * ph)
    den <- rowSums((th %*% sx) * th) * rowSums((ph %*% sy) * ph)
    rho2 <- pmin(num^2 / den, 1)
    rho2[!is.finite(rho2)] <- 0   # a zero-variance projection (probability 0) carries no information
    v <- gaussian_mi_r2(rho2)
    s1 <- s1 + sum(v)
    s2 <- s2 + sum(v^2)
    done <- done + m
  }
  mean_v <- s1 / n_slices
  se <- if (is.finite(mean_v)) sqrt(max(0, (s2 - n_slices * mean_v^2) / (n_slices - 1)) / n_slices) else NaN
  structure(mean_v * sc, std_error = se * sc, method = "monte_carlo")
}

#' @rdname smi_gaussian
#' @export
smi_gaussian_isotropic <- function(rho, D, method = c("series", "integral"), unit = "nat", r = NULL) {
  if (missing(rho) && !is.null(r)) rho <- NULL
  r <- deprecated_arg(r, rho, "r", "rho", "smi_gaussian_isotropic")
  if (!is.numeric(r) || length(r) < 1L || anyNA(r) || any(abs(r) >= 1)) {
    gmmmi_abort(sprintf("`rho` must be number(s) with |rho| < 1, not %s.", describe(r)))
  }
  D <- check_count(D, "D", min = 1, max = gmmmi_limits$dimension)
  method <- check_choice(method, c("series", "integral"), "method")
  unit <- check_unit(unit)
  r2 <- as.double(r)^2
  out <- vapply(r2, function(q) {
    if (q == 0) return(0)
    if (D == 1L) return(gaussian_mi_r2(q))
    if (method == "series") smi_series(q, D) else smi_integral(q, D)
  }, numeric(1))
  out * unit_scale(unit)
}

# 0.5 sum_n (q^n / n) (1/2)_n / (D/2)_n, with q = r^2 < 1, summed in blocks until negligible.
smi_series <- function(q, D) {
  total <- 0
  log_c <- 0     # log of (1/2)_n / (D/2)_n for the last term of the previous block
  start <- 1
  block <- 4096
  repeat {
    n <- seq(start, length.out = block)
    lc <- log_c + cumsum(log((n - 0.5) / (n - 1 + D / 2)))
    terms <- exp(n * log(q) + lc) / n
    total <- total + sum(terms)
    last <- terms[block]
    # remaining terms are bounded by a geometric series with ratio q
    if (last * q / (1 - q) <= 1e-17 * total || start > 1e8) break
    log_c <- lc[block]
    start <- start + block
  }
  0.5 * total
}

smi_integral <- function(q, D) {
  f <- function(u) gaussian_mi_r2(q * sin(u)^2) * cos(u)^(D - 2)
  2 * stats::integrate(f, 0, pi / 2, rel.tol = 1e-13, abs.tol = 0, subdivisions = 1000L)$value /
    beta(0.5, (D - 1) / 2)
}

# r if sx = a I, sy = b I and all singular values of sxy / sqrt(a b) equal r (else NA)
smi_isotropic_r <- function(sx, sy, sxy) {
  tol <- 1e-12
  a <- sx[1, 1]
  b <- sy[1, 1]
  if (a <= 0 || b <= 0) return(NA_real_)
  if (max(abs(sx - a * diag(nrow(sx)))) > tol * a || max(abs(sy - b * diag(nrow(sy)))) > tol * b) {
    return(NA_real_)
  }
  sv <- svd(sxy / sqrt(a * b), nu = 0L, nv = 0L)$d
  if (max(sv) - min(sv) > 1e-12) return(NA_real_)
  mean(sv)
}

smi_check_psd <- function(s, arg, call = sys.call(-1)) {
  if (!is.matrix(s) || !is.numeric(s) || nrow(s) != ncol(s) || any(!is.finite(s))) {
    gmmmi_abort(sprintf("`%s` must be a finite square numeric matrix, not %s.", arg, describe(s)), call = call)
  }
  if (ncol(s) < 2L) gmmmi_abort(sprintf("`%s` must be at least 2 x 2.", arg), call = call)
  storage.mode(s) <- "double"
  if (max(abs(s - t(s))) > 1e-10 * max(1, max(abs(s)))) {
    gmmmi_abort(sprintf("`%s` must be symmetric.", arg), call = call)
  }
  s <- (s + t(s)) / 2
  ev <- eigen(s, symmetric = TRUE, only.values = TRUE)$values
  if (min(ev) < -1e-10 * max(abs(ev))) {
    gmmmi_abort(sprintf("`%s` must be positive semi-definite (smallest eigenvalue %s).", arg,
                        format(signif(min(ev), 3))), call = call)
  }
  dimnames(s) <- NULL
  s
}
