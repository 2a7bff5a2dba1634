# KSG mutual information (Kraskov, Stoegbauer and Grassberger 2004; its conditional form is in
# knn_cmi.R; the Ross (2014) discrete-continuous estimator is in mixed.R). The exact neighbour
# search is in inst/include/gmmmi/knn.hpp; the helpers shared by the kNN estimators are in knn.R.

#' KSG (Kraskov-Stoegbauer-Grassberger) mutual information
#'
#' Estimates the mutual information \eqn{I(X;Y)} of continuous `x` and `y` of any dimension with
#' the k-nearest-neighbour estimators of Kraskov, Stoegbauer and Grassberger (2004), using the
#' max-norm in the joint space and in each marginal space; with `z`, the conditional mutual
#' information \eqn{I(X;Y \mid Z)}{I(X;Y|Z)} (Frenzel and Pompe 2007; see "Conditional MI"
#' below).
#' * `variant = 1` (KSG-1): \eqn{\epsilon_i} is the distance to the k-th joint neighbour,
#'   \eqn{n_x(i)} the number of other points with \eqn{\|x_j - x_i\| < \epsilon_i} (strict),
#'   \eqn{I = \psi(k) + \psi(n) - \langle \psi(n_x + 1) + \psi(n_y + 1) \rangle}.
#' * `variant = 2` (KSG-2): \eqn{\epsilon_x(i), \epsilon_y(i)} are the X and Y extents of the k
#'   nearest joint neighbours, counts use \eqn{\le},
#'   \eqn{I = \psi(k) - 1/k + \psi(n) - \langle \psi(n_x) + \psi(n_y) \rangle}.
#'
#' The neighbour search is exact (a k-d tree with max-norm pruning, and binary searches on sorted
#' copies for one-dimensional marginals) and runs in parallel over fixed blocks of points, so the
#' result does not depend on `n_threads`.
#'
#' **Discrete `x`.** When `x` (or `y`) is a factor or a character vector, `mi_ksg()` calls
#' [mi_mixed()] (the Ross 2014 estimator for a discrete and a continuous variable).
#'
#' **Conditional MI (`z` given).** With `z`, `mi_ksg()` estimates
#' \eqn{I(X;Y \mid Z)}{I(X;Y|Z)}, the information between `x` and `y` that `z` does not explain,
#' by one of three routes chosen by the rule of [gmmmi_discrete] applied to `x`, `y` and `z`
#' (the result's `conditioning` says which):
#' * `"frenzel_pompe"` (`x`, `y`, `z` continuous): the KSG-1 construction of Frenzel and Pompe
#'   (2007) with the max-norm throughout. \eqn{\epsilon_i} is the distance from point i to its
#'   k-th neighbour in the joint (x, y, z) space; \eqn{n_{xz}(i)}, \eqn{n_{yz}(i)}, \eqn{n_z(i)}
#'   are the numbers of other points strictly within \eqn{\epsilon_i} in the (x, z), (y, z) and
#'   z spaces, and
#'   \deqn{I(X;Y \mid Z) = \psi(k) - \langle \psi(n_{xz} + 1) + \psi(n_{yz} + 1) - \psi(n_z + 1) \rangle.}{I = psi(k) - < psi(n_xz + 1) + psi(n_yz + 1) - psi(n_z + 1) >.}
#'   Standardisation, duplicates (`jitter`, over the columns of x, y and z), columns with atoms
#'   (dequantised, as for `x` and `y` without `z`) and the subsampling standard error are as
#'   without `z`. Only `variant = 1` exists.
#' * `"strata"` (`z` discrete: a factor, or few distinct values): exactly
#'   \eqn{\sum_s p_s I(X;Y \mid Z = s)}{sum_s p_s I(X;Y|Z = s)} over the levels s of `z`,
#'   with \eqn{p_s} the fraction of rows in stratum s and each term the `mi_ksg()` estimate on the rows of the stratum (so a
#'   discrete or categorical pair gets its own treatment there; `x` and `y` are classified once,
#'   on all rows). A stratum where `x` or `y` takes a single value contributes exactly 0. For a
#'   pair estimated by kNN, strata with at most `k` rows are dropped with a warning and the
#'   weights renormalised. Standard error:
#'   \eqn{\mathrm{Var} = \sum_s p_s^2 \mathrm{se}_s^2 + (\sum_s p_s I_s^2 - I^2)/n}{Var = sum p_s^2 se_s^2 + (sum p_s I_s^2 - I^2) / n}
#'   (per-stratum errors plus the sampling variance of the weights); it is `NA` when a stratum
#'   has none (with subsampling, strata need at least `2 * max(50, 10 k)` rows). The
#'   per-stratum numbers are returned in `strata`.
#' * `"chain_rule"` (`z` continuous, one of `x`, `y` discrete, called X, the other W):
#'   \eqn{I(X;W \mid Z) = I(X;(W,Z)) - I(X;Z)}{I(X;W|Z) = I(X;(W,Z)) - I(X;Z)}, both terms by
#'   Ross's estimator ([mi_mixed()], max-norm) on the same rows, noise and subsamples, so the standard error is that of the
#'   difference. The two terms are returned in `terms`; the estimate is capped at the entropy of
#'   X, an upper bound of \eqn{I(X;W \mid Z)}{I(X;W|Z)}.
#'
#' Two discrete variables given a continuous `z` give an error of class
#' `"gmmmi_error_discrete"`: no estimator for that case is implemented (the terms of any chain
#' rule would mix plug-in and nearest-neighbour biases that do not cancel). Bin `z` to get the
#' stratified estimate.
#'
#' **Scaling.** KSG is not invariant to rescaling single columns, so by default
#' (`standardize = TRUE`) every column is centred and divided by its standard deviation first.
#' `standardize = FALSE` uses the raw values.
#'
#' **Ties and duplicates.** Ties are handled deterministically: the k-th neighbour distance is
#' well defined under ties, neighbours at equal distance are ordered by row index (this only
#' matters for the KSG-2 extents), and counts use exactly the strict / non-strict comparisons of
#' the definitions. Duplicate rows (points at distance zero) make the k-th neighbour distance zero
#' for some points, which biases the estimate. The neighbour search reports the points that have
#' an exact duplicate (nearest joint neighbour at distance zero). With `jitter = NULL` (default),
#' if there are any, seeded uniform noise of amplitude `1e-10` times each column's standard
#' deviation is added to every column (reproducible under [set.seed()]), the estimate is
#' recomputed, and a warning of class `"gmmmi_warning_duplicates"` reports their number. A number
#' sets the relative amplitude explicitly (always applied when > 0); `jitter = 0` never adds
#' noise (the counts then stay exactly defined, and `zero_radius` reports the points whose k-th
#' neighbour is at distance zero).
#'
#' **Standard error by subsampling.** Bootstrap resamples contain duplicated points, which bias
#' kNN estimators upward, so the standard error is obtained by subsampling instead: the rows are
#' split at random (seeded from R's RNG) into `B = n_subsamples` disjoint subsamples of size
#' `m = floor(n / B)` (B is reduced so that `m >= max(50, 10 k)`; with fewer than 2 subsamples the
#' standard error is `NA`), the estimator is applied to each, and the standard deviation of the B
#' estimates is scaled to the full sample as `sd * sqrt(m / n)`, because the variance of
#' kNN estimators with a fixed k decreases like `1/n`. This costs about one extra estimate.
#' The subsample estimates are returned in `subsamples`.
#'
#' @param x,y Numeric vectors, matrices or data frames with the same number of rows (samples).
#'   `x` may also be a factor or character vector (see [mi_mixed()]).
#' @param z `NULL` (default), or a variable to condition on (numeric vector, matrix or data
#'   frame, factor, character or logical) with the same number of rows: then the conditional
#'   MI \eqn{I(X;Y \mid Z)}{I(X;Y|Z)} is estimated (see Details).
#' @param k Number of neighbours, `1 <= k < n`.
#' @param variant `1` (KSG-1) or `2` (KSG-2; not with `z`).
#' @param standardize If `TRUE`, centre and scale every column to unit standard deviation.
#' @param jitter `NULL` (add tiny seeded noise only when duplicate points are found), or a
#'   number in \[0, 1\]: the noise amplitude relative to each column's standard deviation (noise as
#'   large as the data's spread would replace the data, so larger values are refused).
#' @param std_error `"subsample"` (default) or `"none"`.
#' @param n_subsamples Number of disjoint subsamples for the standard error.
#' @param unit `"nat"` (default) or `"bit"`.
#' @param discrete `NULL` (detect), `TRUE` / `FALSE`, or a named logical such as `c(x = TRUE)`
#'   (over the variables the function takes: `x`, `y`, and `z` where given): which variables
#'   are discrete. A discrete pair gets the plug-in estimate, a discrete variable
#'   with a continuous one the categorical form; see [gmmmi_discrete].
#' @param na.rm Drop rows with a missing value in any variable (with a warning saying how many;
#'   the default, as in [gmm_mi()]) instead of stopping.
#' @param n_threads Number of threads; see [gmmmi_threads()]. Results do not depend on it.
#' @param seed `NULL` (draw from R's random number stream, so [set.seed()] reproduces the
#'   result) or a whole number fixing the result without touching that stream.
#' @return A [`"gmmmi_estimate"`][gmmmi_estimate] with the fields `estimate`, `std_error`,
#'   `unit`, `method` (`"ksg1"` or `"ksg2"`), `quantity`, `n`, `settings`, `call`, and
#'   `duplicates` (number of points with an exact duplicate, before any jitter), `zero_radius`
#'   (points whose k-th neighbour distance is 0, after jitter) and `subsamples` (estimates on the
#'   subsamples, in `unit`).
#'
#'   With `z`: `method = "ksg_cmi"`, `quantity = "conditional mutual information"`,
#'   `conditioning` (`"frenzel_pompe"`, `"strata"` or `"chain_rule"`, also in `settings`), and
#'   for `"strata"` a data frame `strata` (one row per level of `z`: `stratum`, `n`, `weight`,
#'   `estimate`, `std_error`, `treatment`; `NA` for dropped strata), for `"chain_rule"` the
#'   named `terms` \eqn{I(X;(Y,Z))} and \eqn{I(X;Z)} (in `unit`).
#' @references Kraskov, A., Stoegbauer, H. and Grassberger, P. (2004). Estimating mutual
#'   information. Physical Review E 69, 066138.
#'
#'   Frenzel, S. and Pompe, B. (2007). Partial mutual information for coupling analysis of
#'   multivariate time series. Physical Review Letters 99, 204101.
#' @seealso [entropy_knn()], [mi_knn_entropy()], [mi_mixed()].
#' @examples
#' set.seed(1)
#' x <- rnorm(2000)
#' y <- 0.6 * x + 0.8 * rnorm(2000)
#' mi_ksg(x, y)                   # true value -0.5 * log(1 - 0.36) = 0.223 nats
#' mi_ksg(x, y, variant = 2, unit = "bit", std_error = "none")
#' # conditional MI: y depends on x only through z, so I(X;Y|Z) = 0
#' z <- x + rnorm(2000)
#' y <- z + rnorm(2000)
#' mi_ksg(x, y, z = z, std_error = "none")   # about 0 (while I(X;Y) = 0.203 nats)
#' @export
mi_ksg <- function(x, y, z = NULL, k = 3, variant = 1, standardize = TRUE, jitter = NULL,
                   std_error = c("subsample", "none"), n_subsamples = 10,
                   unit = c("nat", "bit"), discrete = NULL, na.rm = TRUE, n_threads = NULL,
                   seed = NULL) {
  call <- match.call()
  seed_argument(seed)
  unit <- check_unit(unit)
  if (missing(y)) gmmmi_abort("`y` is missing: mi_ksg() needs two variables.")
  if (!is.null(z)) {
    return(ksg_conditional(x, y, z, k = k, variant = variant, standardize = standardize,
                           jitter = jitter, std_error = std_error, n_subsamples = n_subsamples,
                           unit = unit, discrete = discrete, na.rm = na.rm, n_threads = n_threads,
                           call = call))
  }
  cp <- complete_pair(x, y, na.rm)
  x <- cp$x
  y <- cp$y
  dp <- discrete_pair(x, y, discrete, call = call)
  if (dp$pair == "discrete") return(mi_discrete_pair(dp$x, dp$y, unit, call, "ksg"))
  if (dp$pair == "categorical") {
    if (!identical(variant, 1) && !identical(variant, 1L)) {
      gmmmi_abort("`variant` applies to continuous `x` and `y` only; with a discrete variable use the default.")
    }
    res <- mi_mixed(dp$x, dp$y, k = k, standardize = standardize, jitter = jitter,
                    std_error = std_error, n_subsamples = n_subsamples, unit = unit,
                    n_threads = n_threads)
    res$call <- call
    res$swapped <- dp$swapped
    return(res)
  }
  if (dp$pair == "dequantised") {
    x <- dequantise_atoms(x)
    y <- dequantise_atoms(y)
  }
  unit <- check_unit(unit)
  std_error <- check_choice(std_error, c("subsample", "none"), "std_error")
  n_threads <- gmmmi_threads(n_threads)
  x <- knn_data(x, "x")
  y <- knn_data(y, "y")
  n <- nrow(x)
  check_same_rows(y, n, "y")
  k <- check_count(k, "k", min = 1, max = n - 1)
  variant <- check_count(variant, "variant", min = 1, max = 2)
  warn_if_dependent(x, y)
  standardize <- check_flag(standardize, "standardize")
  n_subsamples <- check_count(n_subsamples, "n_subsamples", min = 2, max = gmmmi_limits$n_subsamples)
  if (standardize) {
    x <- knn_standardise(x)
    y <- knn_standardise(y)
  }
  seed <- draw_seed()
  dx <- ncol(x)
  z <- knn_with_jitter(cbind(x, y), jitter, seed, function(xy) {
    .ksg_core(xy[, seq_len(dx), drop = FALSE], xy[, -seq_len(dx), drop = FALSE], k, variant, n_threads)
  })
  core <- z$result
  x <- z$data[, seq_len(dx), drop = FALSE]
  y <- z$data[, -seq_len(dx), drop = FALSE]
  est_fun <- function(idx) {
    .ksg_core(x[idx, , drop = FALSE], y[idx, , drop = FALSE], k, variant, n_threads)$estimate
  }
  se <- knn_subsample_se(n, k, std_error, n_subsamples, seed, est_fun)
  scale <- unit_scale(unit)
  new_mi_estimate(
    core$estimate * scale, se$std_error * scale, unit = unit, method = paste0("ksg", variant),
    n = n, settings = list(k = k, variant = variant, standardize = standardize, norm = "max",
                           jitter = z$amplitude, std_error = std_error,
                           n_subsamples = se$n_subsamples, subsample_size = se$size,
                           n_threads = n_threads),
    call = call, duplicates = z$duplicates, zero_radius = core$zero_radius,
    subsamples = se$estimates * scale, std_error_note = se$note, treatment = dp$pair
  )
}
