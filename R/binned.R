# Classical plug-in estimator: binned (histogram) MI for 1-D x and y. Pure R: a single pass over
# the data. (The Gaussian MI of the sample covariance is in gaussian.R.)

#' Mutual information from a two-dimensional histogram
#'
#' Bins `x` and `y` (each one-dimensional), counts the joint histogram \eqn{n_{ij}}{n_ij} and
#' returns the plug-in estimate
#' \deqn{\hat I = \hat H(X) + \hat H(Y) - \hat H(X, Y), \quad \hat H = -\sum_b \frac{n_b}{n}\log\frac{n_b}{n},}{I = H(X) + H(Y) - H(X, Y), H = -sum_b (n_b / n) log(n_b / n),}
#' optionally with the Miller-Madow correction.
#'
#' **Bins.** `"equal_width"` splits the range of each variable into `bins` intervals of equal
#' length; `"equal_frequency"` (the default) cuts at the sample quantiles so that each bin holds
#' about \eqn{n / B}{n / B} points (tied values always share a bin, so heavy ties give fewer bins;
#' the numbers used are in `settings`). Equal-frequency binning depends only on the ranks, so the
#' estimate is invariant to strictly increasing maps of `x` or `y`, as MI is.
#' The default `bins` is \eqn{B = \max(2, \lfloor\sqrt{n/5}\rfloor)}{B = max(2, floor(sqrt(n / 5)))}
#' per variable, so that the \eqn{B^2}{B^2} joint cells hold about 5 points each on average (the
#' rule of thumb of Cellucci, Albano and Rapp, 2005, for equiprobable bins).
#'
#' **Miller-Madow correction.** The plug-in entropy of a distribution with \eqn{m}{m} non-empty
#' cells is biased low by about \eqn{(m - 1) / (2n)}{(m - 1) / (2n)}; applying the correction
#' \eqn{H_{MM} = \hat H + (m - 1)/(2n)}{H_MM = H + (m - 1) / (2n)} to each of the three entropies
#' gives \deqn{\hat I_{MM} = \hat I + \frac{m_X + m_Y - m_{XY} - 1}{2n},}{I_MM = I + (m_X + m_Y - m_XY - 1) / (2n),}
#' with \eqn{m_X, m_Y, m_{XY}}{m_X, m_Y, m_XY} the numbers of non-empty bins of the two marginal
#' histograms and of the joint one. The correction is usually negative (it removes part of the
#' upward bias of plug-in MI), so the corrected estimate can fall below 0 for independent data.
#'
#' **Standard error.** `std_error` is the delta-method (multinomial) standard deviation of the
#' plug-in estimate for the given bins,
#' \eqn{\sqrt{(\sum_{ij} \hat p_{ij} g_{ij}^2 - \hat I^2)/n}}{sqrt((sum_ij p_ij g_ij^2 - I^2) / n)}
#' with \eqn{g_{ij} = \log(\hat p_{ij} / (\hat p_i \hat p_j))}{g_ij = log(p_ij / (p_i p_j))}
#' (Moddemeijer, 1989). It covers sampling noise only, not the discretisation bias, and it is
#' too small near independence, where the estimate's spread is of order \eqn{1/n}{1/n}.
#'
#' Binning is simple and fast but biased (the bias depends on the bins) and limited to low
#' dimensions; see [mi_gaussian()] and the package's other estimators.
#'
#' @param x,y Numeric vectors of the same length (or one-column matrices / data frames), without
#'   missing values; a constant `x` or `y` is an error.
#' @param bins Number of bins per variable: one whole number for both, or two (for `x` and `y`);
#'   at least 2. `NULL` (default) uses \eqn{\max(2, \lfloor\sqrt{n/5}\rfloor)}{max(2, floor(sqrt(n / 5)))}.
#' @param binning `"equal_frequency"` (default) or `"equal_width"`. Formerly `method`, which
#'   now names the estimator everywhere (as in `mi(x, y, method = "binned", binning = "equal_width")`).
#' @param method Deprecated name of `binning` (with a warning of class `"gmmmi_warning_deprecated"`).
#' @param correction `"miller_madow"` (default) or `"none"` (the plug-in estimate).
#' @param unit `"nat"` (default) or `"bit"`: the unit of `estimate` and `std_error`.
#' @param discrete `NULL` (detect), `TRUE` / `FALSE`, or a named logical such as `c(x = TRUE)`;
#'   see [gmmmi_discrete]. A discrete pair gets the plug-in estimate of its contingency table,
#'   a discrete variable with a continuous one uses its values as the bins.
#' @param na.rm Drop rows with a missing value in `x` or `y` (with a warning saying how many;
#'   the default, as in [gmm_mi()]) instead of stopping.
#' @param n_threads Accepted for a uniform interface and validated; the computation is serial.
#' @return A [`"gmmmi_estimate"`][gmmmi_estimate] with `method = "binned"`; `settings` holds the
#'   numbers of bins used, the binning method and the correction; `table` holds the joint counts.
#' @references
#' Miller, G. A. (1955). Note on the bias of information estimates. In *Information Theory in
#' Psychology*, 95--100.
#'
#' Moddemeijer, R. (1989). On estimation of entropy and mutual information of continuous
#' distributions. *Signal Processing* 16(3), 233--248.
#'
#' Cellucci, C. J., Albano, A. M. and Rapp, P. E. (2005). Statistical validation of mutual
#' information calculations. *Physical Review E* 71, 066208.
#' @seealso [mi_gaussian()], [gmmmi_estimate].
#' @examples
#' set.seed(1)
#' d <- toy_gaussian(2000, rho = 0.6)
#' mi_binned(d$x, d$y)            # truth: 0.2231 nats
#' mi_binned(d$x, d$y, bins = 10, binning = "equal_width", correction = "none")
#' @export
mi_binned <- function(x, y, bins = NULL, binning = c("equal_frequency", "equal_width"),
                      correction = c("miller_madow", "none"), unit = c("nat", "bit"),
                      discrete = NULL, na.rm = TRUE, n_threads = NULL, method = NULL) {
  call <- match.call()
  binning <- deprecated_arg(method, binning, "method", "binning", "mi_binned")
  unit <- check_unit(unit)
  cp <- complete_pair(x, y, na.rm)
  x <- cp$x
  y <- cp$y
  dp <- discrete_pair(x, y, discrete, call = call)
  if (dp$pair == "discrete") {
    if (identical(correction, "none")) {
      res <- mi_discrete_pair(dp$x, dp$y, unit, call, "binned")
      res$estimate <- res$plugin
      res$settings$correction <- "none"
      return(res)
    }
    return(mi_discrete_pair(dp$x, dp$y, unit, call, "binned"))
  }
  cls <- NULL
  if (dp$pair == "categorical") {
    cls <- dp$x
    x <- as.integer(cls)
    y <- dp$y
  }
  x <- binned_as_vector(x, "x")
  y <- binned_as_vector(y, "y")
  if (length(x) != length(y)) {
    gmmmi_abort(sprintf("`x` and `y` must have the same number of samples (%d and %d).",
                        length(x), length(y)))
  }
  n <- length(x)
  if (n < 2L) gmmmi_abort("`x` and `y` must have at least 2 samples.")
  check_not_constant(matrix(x), "x")
  check_not_constant(matrix(y), "y")
  method <- check_choice(binning, c("equal_frequency", "equal_width"), "binning")
  correction <- check_choice(correction, c("miller_madow", "none"), "correction")
  unit <- check_unit(unit)
  gmmmi_threads(n_threads)
  if (is.null(bins)) {
    bins <- rep(max(2L, floor(sqrt(n / 5))), 2L)
  } else {
    if (!is.numeric(bins) || !(length(bins) %in% 1:2)) {
      gmmmi_abort(sprintf("`bins` must be one or two whole numbers >= 2, not %s.", describe(bins)))
    }
    bins <- vapply(bins, function(b) check_count(b, "bins", min = 2, max = gmmmi_limits$bins), integer(1))
    bins <- rep_len(bins, 2L)
    if (prod(as.double(bins)) > gmmmi_limits$bins_cells) {
      gmmmi_abort(sprintf("`bins` (%d x %d) asks for more than %s cells in the joint table (the documented upper limit, see ?gmmmi).",
                          bins[1], bins[2], fmt_num(gmmmi_limits$bins_cells)))
    }
  }
  if (!is.null(cls)) bins[1] <- nlevels(cls)  # the classes are the bins of the discrete variable
  bx <- if (is.null(cls)) binned_index(x, bins[1], method) else x
  by <- binned_index(y, bins[2], method)
  tab <- table(factor(bx, levels = seq_len(bins[1])), factor(by, levels = seq_len(bins[2])),
               dnn = c("x", "y"))
  res <- binned_mi_table(unclass(tab))
  est <- res$plugin
  if (correction == "miller_madow") {
    est <- est + (res$m_x + res$m_y - res$m_xy - 1) / (2 * n)
  }
  sc <- unit_scale(unit)
  new_mi_estimate(est * sc, res$std_error * sc, unit = unit, method = "binned", n = n,
                  settings = list(bins_x = bins[1], bins_y = bins[2],
                                  bins_used_x = res$m_x, bins_used_y = res$m_y,
                                  binning = method, correction = correction),
                  call = call, table = tab, plugin = res$plugin * sc,
                  treatment = if (is.null(cls)) "continuous" else "categorical", swapped = dp$swapped)
}

# ---- internal helpers --------------------------------------------------------------------

binned_as_vector <- function(v, arg, call = sys.call(-1)) {
  if (is.factor(v)) {
    gmmmi_abort(sprintf("`%s` must be numeric, not a factor.", arg), call = call)
  }
  m <- as_data_matrix(v, arg, allow_na = FALSE, call = call)
  if (ncol(m) != 1L) {
    gmmmi_abort(sprintf("`%s` must be one-dimensional (a vector or one column), not %d columns.",
                        arg, ncol(m)), call = call)
  }
  m[, 1L]
}

# Bin indices 1..B (B = requested bins; with ties, equal-frequency bins may stay empty).
binned_index <- function(v, b, method) {
  lo <- min(v)
  hi <- max(v)
  if (hi == lo) return(rep(1L, length(v)))
  if (method == "equal_width") {
    i <- floor((v - lo) / (hi - lo) * b) + 1
    as.integer(pmin(i, b))
  } else {
    br <- unique(stats::quantile(v, probs = seq(0, 1, length.out = b + 1L), type = 7, names = FALSE))
    findInterval(v, br, rightmost.closed = TRUE, all.inside = TRUE)
  }
}

# Plug-in MI from a contingency table, with the non-empty cell counts and the delta-method se.
binned_mi_table <- function(tab) {
  n <- sum(tab)
  p <- tab / n
  px <- rowSums(p)
  py <- colSums(p)
  nz <- p > 0
  g <- log(p[nz]) - log(outer(px, py)[nz])
  mi <- sum(p[nz] * g)
  v <- max(0, sum(p[nz] * g^2) - mi^2)
  list(plugin = mi,
       m_x = sum(px > 0), m_y = sum(py > 0), m_xy = sum(nz), std_error = sqrt(v / n))
}
