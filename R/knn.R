# Classical k-nearest-neighbour estimators: KSG mutual information (its conditional form is in
# knn_cmi.R), Kozachenko-Leonenko entropy (plain and weighted), MI from entropies, and the Ross
# (2014) discrete-continuous estimator.
# The exact neighbour search is in inst/include/gmmmi/knn.hpp.

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

#' Mutual information between a discrete and a continuous variable (Ross 2014)
#'
#' Estimates \eqn{I(X;Y)} for a discrete `x` (factor, character, logical or integer codes) and a
#' continuous `y` of any dimension with the nearest-neighbour estimator of Ross (2014): for each
#' point i, \eqn{d_i} is the distance to its \eqn{k_i}-th nearest neighbour among the points of
#' the same class (\eqn{k_i = \min(k, n_c - 1)}), \eqn{m_i} the number of other points of any class
#' within \eqn{d_i} (\eqn{\le}), and
#' \eqn{I = \psi(n) - \langle \psi(n_{x_i}) \rangle + \langle \psi(k_i) \rangle - \langle \psi(m_i) \rangle}.
#' Points of classes with a single member have no neighbour: they are dropped with a warning.
#' [mi_ksg()] calls this function when `x` or `y` is a factor or character vector.
#'
#' Scaling, duplicates (`jitter`, applied to `y`) and the subsampling standard error are as in
#' [mi_ksg()].
#'
#' @inheritParams mi_ksg
#' @param x A discrete variable: factor, character, logical or whole-number vector.
#' @param y Continuous numeric vector, matrix or data frame with `length(x)` rows.
#' @param norm Distance in the space of `y`: `"max"` (default) or `"euclidean"`.
#' @return A [`"gmmmi_estimate"`][gmmmi_estimate] with `method = "ross"`, plus `n_dropped`
#'   (points of singleton classes), `duplicates` and `subsamples`.
#' @references Ross, B. C. (2014). Mutual information between discrete and continuous data sets.
#'   PLoS ONE 9(2), e87357.
#' @examples
#' set.seed(1)
#' u <- runif(2000)
#' mi_mixed(factor(floor(4 * u)), u)   # close to log(4) = 1.386 nats
#' @export
mi_mixed <- function(x, y, k = 3, norm = c("max", "euclidean"), standardize = TRUE,
                     jitter = NULL, std_error = c("subsample", "none"), n_subsamples = 10,
                     unit = c("nat", "bit"), na.rm = TRUE, n_threads = NULL,
                     seed = NULL) {
  call <- match.call()
  seed_argument(seed)
  unit <- check_unit(unit)
  cp <- complete_pair(x, y, na.rm)
  x <- cp$x
  y <- cp$y
  norm <- check_choice(norm, c("max", "euclidean"), "norm")
  std_error <- check_choice(std_error, c("subsample", "none"), "std_error")
  n_threads <- gmmmi_threads(n_threads)
  cls <- discrete_codes(x, "x")
  y <- knn_data(y, "y")
  n <- nrow(y)
  if (length(cls) != n) {
    gmmmi_abort(sprintf("`y` must have %d rows (the length of `x`), not %d.", length(cls), n))
  }
  k <- check_count(k, "k", min = 1, max = n - 1)
  standardize <- check_flag(standardize, "standardize")
  n_subsamples <- check_count(n_subsamples, "n_subsamples", min = 2, max = gmmmi_limits$n_subsamples)
  sizes <- tabulate(cls, attr(cls, "n_levels"))
  if (sum(sizes >= 2L) < 1L) {
    gmmmi_abort("`x` has no class with at least 2 members.")
  }
  if (standardize) y <- knn_standardise(y)
  seed <- draw_seed()
  n_levels <- attr(cls, "n_levels")
  cls_i <- as.integer(cls)
  z <- knn_with_jitter(y, jitter, seed, function(yy) .mixed_core(yy, cls_i, n_levels, k, norm, n_threads))
  core <- z$result
  y <- z$data
  if (core$n_dropped > 0) {
    gmmmi_warn(sprintf("%d point(s) in classes of `x` with a single member were dropped.",
                       as.integer(core$n_dropped)))
  }
  est_fun <- function(idx) {
    cs <- cls_i[idx]
    if (max(tabulate(cs, n_levels)) < 2L) return(NA_real_)
    .mixed_core(y[idx, , drop = FALSE], cs, n_levels, k, norm, n_threads)$estimate
  }
  se <- knn_subsample_se(n, k, std_error, n_subsamples, seed, est_fun)
  scale <- unit_scale(unit)
  new_mi_estimate(
    core$estimate * scale, se$std_error * scale, unit = unit, method = "ross", n = n,
    settings = list(k = k, norm = norm, standardize = standardize, jitter = z$amplitude,
                    n_classes = sum(sizes > 0L), std_error = std_error,
                    n_subsamples = se$n_subsamples, subsample_size = se$size,
                    n_threads = n_threads),
    call = call, n_dropped = as.integer(core$n_dropped), duplicates = z$duplicates,
    zero_radius = core$zero_radius, subsamples = se$estimates * scale, std_error_note = se$note, treatment = "categorical"
  ) |> discrete_cap(factor(cls), unit)
}

#' Kozachenko-Leonenko k-nearest-neighbour entropy
#'
#' Estimates the differential entropy \eqn{h(X)} of continuous data `x` (rows = samples) from
#' nearest-neighbour distances:
#' \deqn{H_j = \log(n - 1) - \psi(j) + \log V_d + \frac{d}{n}\sum_i \log \rho_{j,i},}
#' with \eqn{\rho_{j,i}} the distance from point i to its j-th nearest neighbour and \eqn{V_d} the
#' volume of the unit ball of the norm. `form = "psi"` uses \eqn{\psi(n)} instead of
#' \eqn{\log(n-1)} (the two differ by O(1/n); `"psi"` matches `FNN::entropy()`).
#'
#' * `weighted = FALSE`: the plain estimator \eqn{H_k} with the k-th neighbour.
#' * `weighted = TRUE`: the weighted estimator of Berrett, Samworth and Yuan (2019),
#'   \eqn{\sum_j w_j H_j}, with the minimum-norm weights that satisfy
#'   \eqn{\sum_j w_j = 1} and \eqn{\sum_j w_j \Gamma(j + 2l/d)/\Gamma(j) = 0} for
#'   \eqn{l = 1, \dots, \lfloor d/4 \rfloor}, supported on
#'   \eqn{j \in \{\lfloor k/d \rfloor, \lfloor 2k/d \rfloor, \dots, k\}}. For `d <= 3` no
#'   constraint applies and the plain k-th neighbour estimator is used. A warning is given when
#'   `k < d` (weights become large); an error when no solution exists
#'   (`k` below `floor(d/4) + 1` support points). Practical up to about `d = 10`.
#' * `whiten = TRUE`: the data are whitened by the Cholesky factor of the sample covariance and
#'   \eqn{\frac12 \log\det\hat\Sigma} is added back, which makes the Euclidean estimator exactly
#'   affine equivariant: \eqn{H(AX + b) = H(X) + \log|\det A|}.
#'
#' Duplicate rows give zero distances (\eqn{\log 0}); they are handled with `jitter` as in
#' [mi_ksg()] (`jitter = 0` keeps them and gives `-Inf` with a warning). The standard error is by
#' subsampling as in [mi_ksg()].
#'
#' @inheritParams mi_ksg
#' @param x Numeric vector, matrix or data frame (rows = samples).
#' @param weighted Use the weighted estimator of Berrett, Samworth and Yuan (2019)?
#' @param whiten Whiten with the sample covariance (adding back its log-determinant)?
#' @param norm `"euclidean"` (default) or `"max"`.
#' @param form `"log"` (default, \eqn{\log(n-1)}) or `"psi"` (\eqn{\psi(n)}, as `FNN::entropy`).
#' @return A [`"gmmmi_estimate"`][gmmmi_estimate] with `quantity = "entropy"`, `method`
#'   `"kl"` or `"kl_weighted"`, plus `entropies` (the plain \eqn{H_1, \dots, H_k} in `unit`),
#'   `weights` (length k; `NULL` unless weighted with d >= 4), `log_det` (whitening), `duplicates`
#'   and `subsamples`.
#' @references Kozachenko, L. F. and Leonenko, N. N. (1987). Sample estimate of the entropy of a
#'   random vector. Problems of Information Transmission 23, 95-101.
#'   Berrett, T. B., Samworth, R. J. and Yuan, M. (2019). Efficient multivariate entropy
#'   estimation via k-nearest neighbour distances. Annals of Statistics 47(1), 288-318.
#' @examples
#' set.seed(1)
#' entropy_knn(rnorm(2000))                      # true 0.5 * log(2 * pi * e) = 1.419
#' entropy_knn(matrix(rnorm(6000), ncol = 6), k = 6, weighted = TRUE, std_error = "none")
#' @export
entropy_knn <- function(x, k = 3, weighted = FALSE, whiten = FALSE,
                        norm = c("euclidean", "max"), form = c("log", "psi"), jitter = NULL,
                        std_error = c("subsample", "none"), n_subsamples = 10,
                        unit = c("nat", "bit"), n_threads = NULL,
                        seed = NULL) {
  call <- match.call()
  seed_argument(seed)
  unit <- check_unit(unit)
  norm <- check_choice(norm, c("euclidean", "max"), "norm")
  form <- check_choice(form, c("log", "psi"), "form")
  std_error <- check_choice(std_error, c("subsample", "none"), "std_error")
  n_threads <- gmmmi_threads(n_threads)
  x <- knn_data(x, "x")
  n <- nrow(x)
  d <- ncol(x)
  k <- check_count(k, "k", min = 1, max = n - 1)
  if (!isTRUE(whiten)) warn_if_rank_deficient(x, "x")  # whitening refuses such data itself
  weighted <- check_flag(weighted, "weighted")
  whiten <- check_flag(whiten, "whiten")
  n_subsamples <- check_count(n_subsamples, "n_subsamples", min = 2, max = gmmmi_limits$n_subsamples)
  weights <- if (weighted && d >= 4L) kl_weights(d, k) else NULL
  log_det <- 0
  if (whiten) {
    w <- whiten_data(x, "x")
    x <- w$data
    log_det <- w$log_det
  }
  seed <- draw_seed()
  z <- knn_with_jitter(x, jitter, seed, function(xx) kl_estimate(xx, k, weights, norm, form, n_threads),
                       entropy = TRUE)
  fit <- z$result
  x <- z$data
  if (!is.finite(fit$estimate)) {
    gmmmi_warn("zero nearest-neighbour distances (duplicate rows) give an entropy of -Inf; use `jitter`.")
  }
  est_fun <- function(idx) kl_estimate(x[idx, , drop = FALSE], k, weights, norm, form, n_threads)$estimate
  se <- knn_subsample_se(n, k, std_error, n_subsamples, seed, est_fun)
  scale <- unit_scale(unit)
  new_mi_estimate(
    (fit$estimate + 0.5 * log_det) * scale, se$std_error * scale, unit = unit,
    method = if (is.null(weights)) "kl" else "kl_weighted", n = n, quantity = "entropy",
    settings = list(k = k, weighted = weighted, whiten = whiten, norm = norm, form = form,
                    jitter = z$amplitude, std_error = std_error,
                    n_subsamples = se$n_subsamples, subsample_size = se$size,
                    n_threads = n_threads),
    call = call, entropies = (fit$entropies + 0.5 * log_det) * scale, weights = weights,
    log_det = log_det, duplicates = z$duplicates, subsamples = (se$estimates + 0.5 * log_det) * scale
  )
}

#' Mutual information from kNN entropies
#'
#' Estimates \eqn{I(X;Y) = H(X) + H(Y) - H(X,Y)} with three [entropy_knn()] estimates using the
#' same `k`, norm and options. The biases of the three entropies only partly cancel; [mi_ksg()]
#' is usually less biased. Columns are standardised first by default; with `whiten = TRUE` each
#' of the three blocks is whitened (and its log-determinant added back). Duplicates and the
#' subsampling standard error are handled as in [mi_ksg()].
#'
#' @inheritParams entropy_knn
#' @inheritParams mi_ksg
#' @param x,y Numeric vectors, matrices or data frames with the same number of rows.
#' @return A [`"gmmmi_estimate"`][gmmmi_estimate] with `method = "knn_entropy"` and the field
#'   `entropies` (`H(X)`, `H(Y)`, `H(X,Y)` in `unit`).
#' @examples
#' set.seed(1)
#' x <- rnorm(2000)
#' y <- 0.6 * x + 0.8 * rnorm(2000)
#' mi_knn_entropy(x, y, std_error = "none")   # true value 0.223 nats
#' @export
mi_knn_entropy <- function(x, y, k = 3, weighted = FALSE, whiten = FALSE,
                           norm = c("euclidean", "max"), form = c("log", "psi"),
                           standardize = TRUE, jitter = NULL,
                           std_error = c("subsample", "none"), n_subsamples = 10,
                           unit = c("nat", "bit"), discrete = NULL, na.rm = TRUE, n_threads = NULL,
                           seed = NULL) {
  call <- match.call()
  seed_argument(seed)
  unit <- check_unit(unit)
  if (missing(y)) gmmmi_abort("`y` is missing: mi_knn_entropy() needs two variables.")
  cp <- complete_pair(x, y, na.rm)
  x <- cp$x
  y <- cp$y
  norm <- check_choice(norm, c("euclidean", "max"), "norm")
  form <- check_choice(form, c("log", "psi"), "form")
  std_error <- check_choice(std_error, c("subsample", "none"), "std_error")
  n_threads <- gmmmi_threads(n_threads)
  dp <- discrete_pair(x, y, discrete, call = call)
  if (dp$pair == "discrete") return(mi_discrete_pair(dp$x, dp$y, unit, call, "knn_entropy"))
  if (dp$pair == "categorical") {
    res <- knn_entropy_categorical(dp$x, dp$y, k, weighted, norm, form, standardize, jitter,
                                   std_error, n_subsamples, unit, n_threads, call)
    res$swapped <- dp$swapped
    return(discrete_cap(res, dp$x, unit))
  }
  if (dp$pair == "dequantised") {
    # atoms make the kNN entropies -Inf, and with a jitter their divergences do not cancel in
    # H(X) + H(Y) - H(X,Y) (independent counts gave -1.6 nats); dequantising by normal scores
    # leaves the MI unchanged but biases the 1-D entropies (a grid) by about 0.3 nats each
    gmmmi_abort(sprintf(paste0("`%s` has atoms (over 10%% of the rows on one value; ?gmmmi_discrete), whose ",
                               "kNN entropies are -Inf and do not cancel: use method \"ksg\" or \"gmm\", ",
                               "which dequantise such data."), if (dp$kx == "atoms") "x" else "y"),
                class = c("gmmmi_error_discrete", "gmmmi_error_input"), call = call)
  }
  x <- knn_data(x, "x")
  y <- knn_data(y, "y")
  n <- nrow(x)
  check_same_rows(y, n, "y")
  k <- check_count(k, "k", min = 1, max = n - 1)
  weighted <- check_flag(weighted, "weighted")
  whiten <- check_flag(whiten, "whiten")
  standardize <- check_flag(standardize, "standardize")
  n_subsamples <- check_count(n_subsamples, "n_subsamples", min = 2, max = gmmmi_limits$n_subsamples)
  if (whiten || (!warn_if_rank_deficient(x, "x") && !warn_if_rank_deficient(y, "y"))) warn_if_dependent(x, y)
  if (standardize) {
    x <- knn_standardise(x)
    y <- knn_standardise(y)
  }
  dx <- ncol(x)
  dy <- ncol(y)
  here <- sys.call()
  what <- c("x", "y", "the joint of x and y")
  wts <- lapply(1:3, function(j) {
    d <- c(dx, dy, dx + dy)[j]
    if (weighted && d >= 4L) kl_weights(d, k, call = here, what = what[j]) else NULL
  })
  seed <- draw_seed()
  three <- function(b) {
    blocks <- list(b[, seq_len(dx), drop = FALSE], b[, dx + seq_len(dy), drop = FALSE], b)
    fits <- lapply(1:3, function(j) {
      m <- blocks[[j]]
      ld <- 0
      if (whiten) {
        w <- whiten_data(m, c("x", "y", "cbind(x, y)")[j])
        m <- w$data
        ld <- w$log_det
      }
      f <- kl_estimate(m, k, wts[[j]], norm, form, n_threads)
      f$estimate <- f$estimate + 0.5 * ld
      f
    })
    # duplicates in either margin give zero distances there
    list(h = vapply(fits, function(f) f$estimate, numeric(1)),
         duplicates = sum(vapply(fits, function(f) f$duplicates, numeric(1))))
  }
  z <- knn_with_jitter(cbind(x, y), jitter, seed, three, entropy = TRUE)
  xy <- z$data
  h <- z$result$h
  if (!all(is.finite(h))) {
    gmmmi_warn("zero nearest-neighbour distances (duplicate rows) give infinite entropies; use `jitter`.")
  }
  est_fun <- function(idx) {
    hh <- three(xy[idx, , drop = FALSE])$h
    hh[1] + hh[2] - hh[3]
  }
  se <- knn_subsample_se(n, k, std_error, n_subsamples, seed, est_fun)
  scale <- unit_scale(unit)
  new_mi_estimate(
    (h[1] + h[2] - h[3]) * scale, se$std_error * scale, unit = unit, method = "knn_entropy",
    n = n, settings = list(k = k, weighted = weighted, whiten = whiten, norm = norm, form = form,
                           standardize = standardize, jitter = z$amplitude,
                           std_error = std_error, n_subsamples = se$n_subsamples,
                           subsample_size = se$size, n_threads = n_threads),
    call = call, entropies = stats::setNames(h * scale, c("H(X)", "H(Y)", "H(X,Y)")),
    duplicates = z$duplicates, subsamples = se$estimates * scale, std_error_note = se$note, treatment = dp$pair
  )
}

# ---- internal helpers --------------------------------------------------------------------------


# I(X; Y) = H(Y) - sum_c p_c H(Y | X = c) for a discrete x (factor) by Kozachenko-Leonenko
# entropies: each class uses k_c = min(k, n_c - 1) neighbours; classes with one row are dropped
# (with a warning). Duplicates in y are broken by the jitter rule of mi_ksg().
knn_entropy_categorical <- function(cls, y, k, weighted, norm, form, standardize, jitter, std_error,
                                    n_subsamples, unit, n_threads, call) {
  y <- knn_data(y, "y", call = call)
  n <- nrow(y)
  if (length(cls) != n) {
    gmmmi_abort(sprintf("`x` and `y` must have the same number of rows (%d and %d).", length(cls), n),
                call = call)
  }
  k <- check_count(k, "k", min = 1, max = n - 1, call = call)
  weighted <- check_flag(weighted, "weighted", call = call)
  standardize <- check_flag(standardize, "standardize", call = call)
  n_subsamples <- check_count(n_subsamples, "n_subsamples", min = 2, max = gmmmi_limits$n_subsamples,
                              call = call)
  codes <- as.integer(cls)
  L <- nlevels(cls)
  single <- tabulate(codes, L) == 1L
  if (any(single)) {
    gmmmi_warn(sprintf("%d row(s) in classes of the discrete variable with a single member were dropped.",
                       sum(single[codes])), call = call)
    keep <- !single[codes]
    y <- y[keep, , drop = FALSE]
    codes <- codes[keep]
    n <- nrow(y)
  }
  if (length(unique(codes)) < 2L) gmmmi_abort("The discrete variable needs at least two classes with 2 or more rows.", call = call)
  if (standardize) y <- knn_standardise(y)
  d <- ncol(y)
  w_all <- if (weighted && d >= 4L) kl_weights(d, k, call = call, what = "y") else NULL
  ent <- function(m, kk) {
    w <- if (!is.null(w_all) && kk == k) w_all else NULL
    kl_estimate(m, kk, w, norm, form, n_threads)
  }
  est_of <- function(yy, cc) {
    fy <- ent(yy, min(k, nrow(yy) - 1L))
    hc <- 0
    dups <- fy$duplicates
    for (c in unique(cc)) {
      m <- yy[cc == c, , drop = FALSE]
      if (nrow(m) < 2L) next
      f <- ent(m, min(k, nrow(m) - 1L))
      hc <- hc + nrow(m) / nrow(yy) * f$estimate
      dups <- dups + f$duplicates
    }
    list(estimate = fy$estimate - hc, duplicates = dups)
  }
  seed <- draw_seed()
  z <- knn_with_jitter(y, jitter, seed, function(yy) est_of(yy, codes), call = call)
  y <- z$data
  est_fun <- function(idx) est_of(y[idx, , drop = FALSE], codes[idx])$estimate
  se <- knn_subsample_se(n, k, std_error, n_subsamples, seed, est_fun)
  scale <- unit_scale(unit)
  new_mi_estimate(
    z$result$estimate * scale, se$std_error * scale, unit = unit, method = "knn_entropy", n = n,
    settings = list(k = k, weighted = weighted, norm = norm, form = form, standardize = standardize,
                    jitter = z$amplitude, std_error = std_error, n_subsamples = se$n_subsamples,
                    subsample_size = se$size, n_threads = n_threads),
    call = call, duplicates = z$duplicates, subsamples = se$estimates * scale, std_error_note = se$note,
    treatment = "categorical")
}

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

# Integer class codes 1..L for a discrete variable (attribute n_levels = L).
discrete_codes <- function(x, arg, call = sys.call(-1)) {
  if (is.data.frame(x) && ncol(x) == 1L) x <- x[[1L]]
  if (is.matrix(x) && ncol(x) == 1L) x <- x[, 1L]
  ok <- is.factor(x) || is.character(x) || is.logical(x) ||
    (is.numeric(x) && is.null(dim(x)) && all(is.na(x) | x == round(x)))
  if (!ok || !is.null(dim(x))) {
    gmmmi_abort(sprintf("`%s` must be a discrete vector (factor, character, logical or whole numbers), not %s.",
                        arg, describe(x)), call = call)
  }
  if (anyNA(x)) {
    gmmmi_abort(sprintf("`%s` contains missing values (%d).", arg, sum(is.na(x))), call = call)
  }
  f <- factor(x)
  codes <- as.integer(f)
  attr(codes, "n_levels") <- nlevels(f)
  codes
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

# Log volume of the unit ball.
log_unit_ball <- function(d, norm) {
  if (norm == "max") d * log(2) else (d / 2) * log(pi) - lgamma(d / 2 + 1)
}

# Plain H_1..H_k and the (weighted) estimate, in nats, for a data matrix.
kl_estimate <- function(x, k, weights, norm, form, n_threads) {
  n <- nrow(x)
  d <- ncol(x)
  s <- .kl_sums(x, k, norm, n_threads)
  lead <- if (form == "log") log(n - 1) else digamma(n)
  h <- lead - digamma(seq_len(k)) + log_unit_ball(d, norm) + (d / n) * s$sum_log
  est <- if (is.null(weights)) h[k] else sum(weights[weights != 0] * h[weights != 0])
  list(estimate = est, entropies = h, duplicates = s$zeros[1])
}

# Minimum-norm weights of Berrett, Samworth & Yuan (2019) for dimension d and k neighbours.
kl_weights <- function(d, k, call = sys.call(-1), what = NULL) {
  where <- if (is.null(what)) sprintf("d = %d", d) else sprintf("d = %d (%s)", d, what)
  support <- unique(floor(seq_len(d) * k / d))
  support <- support[support >= 1L]
  n_con <- floor(d / 4)
  A <- matrix(1, nrow = 1L, ncol = length(support))
  if (n_con > 0) {
    A <- rbind(A, t(vapply(seq_len(n_con), function(l) exp(lgamma(support + 2 * l / d) - lgamma(support)),
                           numeric(length(support)))))
  }
  b <- c(1, rep(0, n_con))
  if (length(support) < nrow(A)) {
    gmmmi_abort(sprintf(paste0("`k` = %d is too small for the weighted estimator in %s: ",
                               "at least %d neighbours are needed, and k >= %d is recommended ",
                               "(or use `weighted = FALSE`)."),
                        k, where, n_con + 1L, d), call = call)
  }
  if (k < d) {
    gmmmi_warn(sprintf("`k` = %d is smaller than %s: the weights may be large and the estimate unstable.",
                       k, where), call = call)
  }
  ws <- drop(crossprod(A, solve(tcrossprod(A), b)))
  w <- numeric(k)
  w[support] <- ws
  w
}

# Whitening by the Cholesky factor of the sample covariance; returns the data and log det Sigma.
whiten_data <- function(x, arg, call = sys.call(-1)) {
  S <- stats::cov(x)
  R <- tryCatch(chol(S), error = function(e) NULL)
  if (is.null(R)) {
    gmmmi_abort(sprintf("`%s` has linearly dependent columns; cannot whiten.", arg), call = call)
  }
  z <- sweep(x, 2L, colMeans(x), "-") %*% backsolve(R, diag(ncol(x)))
  list(data = unname(z), log_det = logdet_chol(R))
}
