#' Mutual information: one front door to every estimator
#'
#' `mi()` estimates the mutual information of `x` and `y` with the method named in `method`
#' and returns that estimator's result, which always inherits from `"gmmmi_estimate"` (fields
#' `estimate`, `std_error`, `unit`, `method`, `quantity`, `n`, `settings`, `call`; see
#' [gmmmi_estimate]). Use it to swap estimators without changing the rest of an analysis.
#'
#' | `method` | estimator | `x` | uncertainty |
#' |---|---|---|---|
#' | `"gmm"` | [gmm_mi()]: Gaussian-mixture MI (default) | numeric or factor | bootstrap |
#' | `"ksg"` | [mi_ksg()]: Kraskov-Stoegbauer-Grassberger kNN | numeric or factor (mixed kNN) | subsampling |
#' | `"knn_entropy"` | [mi_knn_entropy()]: H(X) + H(Y) - H(X,Y) by kNN entropies | numeric | subsampling |
#' | `"binned"` | [mi_binned()]: histogram plug-in with Miller-Madow correction (1-D) | numeric | delta method |
#' | `"gaussian"` | [mi_gaussian()]: MI of the Gaussian with the sample covariance | numeric | delta method |
#' | `"sliced"` | [mi_sliced()]: sliced MI (a different quantity: average MI of 1-D projections) | numeric or factor | Monte Carlo over slices |
#'
#' @param x,y The two variables: numeric vectors, matrices or data frames with one row per
#'   sample (and `x` a factor where the method supports it).
#' @param method The estimator; see the table.
#' @param ... Further arguments for the estimator (e.g. `k` for `"ksg"`, `n_bootstrap` for
#'   `"gmm"`).
#' @param unit `"nat"` (default) or `"bit"`.
#' @param n_permutations `0` (default) or the number of shuffles of a permutation test of
#'   independence ([mi_test()]); the result then also has `p_value` and `test` (the
#'   [mi_test()] object), and prints the p-value.
#' @param n_threads Number of threads (see [gmmmi_threads()]).
#' @return The estimator's result, inheriting from `"gmmmi_estimate"`. Discrete variables
#'   are handled by the rule of [gmmmi_discrete] (pass `discrete =` through `...` to override).
#' @examples
#' set.seed(1)
#' d <- toy_gaussian(500, rho = 0.6)
#' mi(d$x, d$y, method = "gaussian")
#' mi(d$x, d$y, method = "binned", unit = "bit")
#' @export
mi <- function(x, y, method = c("gmm", "ksg", "knn_entropy", "binned", "gaussian", "sliced"), ...,
               unit = c("nat", "bit"), n_permutations = 0, n_threads = NULL) {
  method <- check_choice(method, c("gmm", "ksg", "knn_entropy", "binned", "gaussian", "sliced"), "method")
  unit <- check_unit(unit)
  n_permutations <- check_count(n_permutations, "n_permutations", min = 0, max = 1e6)
  if (n_permutations > 0L) {
    t <- mi_test(x, y, method = method, ..., n_permutations = n_permutations, unit = unit,
                 n_threads = n_threads)
    res <- t$estimate
    res$p_value <- t$p_value
    res$test <- t
    res$call <- match.call()
    return(res)
  }
  fun <- switch(method, gmm = gmm_mi, ksg = mi_ksg, knn_entropy = mi_knn_entropy, binned = mi_binned,
                gaussian = mi_gaussian, sliced = mi_sliced)
  res <- fun(x, y, ..., unit = unit, n_threads = n_threads)
  res$call <- match.call()
  res
}
