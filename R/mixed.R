# The Ross (2014) nearest-neighbour estimator of the MI between a discrete and a continuous
# variable (its core is inst/include/gmmmi/mixed.hpp, its glue src/mixed.cpp); mi_ksg() calls it
# for a discrete x or y. The helpers shared by the kNN estimators are in knn.R.

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
