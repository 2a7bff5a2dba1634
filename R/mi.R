#' Mutual information: one front door to every estimator
#'
#' `mi()` estimates the mutual information of `x` and `y` with the method named in `method`
#' and returns that estimator's result, which always inherits from `"gmmmi_estimate"` (fields
#' `estimate`, `std_error`, `unit`, `method`, `quantity`, `n`, `settings`, `call`; see
#' [gmmmi_estimate]). Use it to swap estimators without changing the rest of an analysis.
#'
#' | `method` | estimator | `x` | conditional MI (`z`) | uncertainty |
#' |---|---|---|---|---|
#' | `"gmm"` | [gmm_mi()]: Gaussian-mixture MI (default) | numeric or factor | yes (numeric `x`): one mixture of (x, y, z) | bootstrap |
#' | `"ksg"` | [mi_ksg()]: Kraskov-Stoegbauer-Grassberger kNN | numeric or factor (mixed kNN) | yes: Frenzel-Pompe kNN; per stratum of a discrete `z`; chain rule for a factor | subsampling |
#' | `"knn_entropy"` | [mi_knn_entropy()]: H(X) + H(Y) - H(X,Y) by kNN entropies | numeric | no | subsampling |
#' | `"binned"` | [mi_binned()]: histogram plug-in with Miller-Madow correction (1-D) | numeric | no | delta method |
#' | `"gaussian"` | [mi_gaussian()]: MI of the Gaussian with the sample covariance | numeric | no | delta method |
#' | `"sliced"` | [mi_sliced()]: sliced MI (a different quantity: average MI of 1-D projections) | numeric or factor | no | Monte Carlo over slices |
#'
#' Conditional MI \eqn{I(X;Y \mid Z)}{I(X;Y|Z)}: give a formula `y ~ x | z`, or `z` as a further
#' argument (`mi(x, y, z = z, method = "ksg")`), which is passed on to the estimator; the
#' methods without a conditional form refuse `z` with an error.
#'
#' @param x,y The two variables: numeric vectors, matrices or data frames with one row per
#'   sample, or factors, characters, logicals (see [gmmmi_discrete]). Or `x` a formula
#'   `y ~ x` (several variables joined by `+`) or `y ~ x | z` (conditional MI, `method = "gmm"`
#'   or `"ksg"`)
#'   with `data` (which may also be given as the second argument).
#' @param data A data frame holding the variables of a formula.
#' @param method The estimator; see the table.
#' @param ... Further arguments for the estimator (e.g. `k` for `"ksg"`, `n_bootstrap` for
#'   `"gmm"`, `z` for conditional MI).
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
#' mi(mpg ~ wt, mtcars, method = "ksg")                 # formula interface
#' mi(mpg ~ wt + hp, data = mtcars, method = "gaussian")
#' mi(mpg ~ wt | hp, mtcars, method = "ksg")            # conditional MI given hp
#' @export
mi <- function(x, y, method = c("gmm", "ksg", "knn_entropy", "binned", "gaussian", "sliced"), ...,
               data = NULL, unit = c("nat", "bit"), n_permutations = 0, n_threads = NULL) {
  call <- match.call()
  method <- check_choice(method, estimator_methods(), "method")
  unit <- check_unit(unit)
  n_permutations <- check_count(n_permutations, "n_permutations", min = 0, max = 1e6)
  extra <- list()
  if (inherits(x, "formula")) {
    if (is.null(data) && !missing(y)) data <- y
    f <- mi_formula(x, data)
    x <- f$x
    y <- f$y
    if (!is.null(f$z)) {
      if (!method %in% estimator_methods("conditional")) {
        gmmmi_abort(sprintf("A conditioning variable (`| z` in the formula) needs `method = \"gmm\"` or \"ksg\", not \"%s\".",
                            method))
      }
      if ("z" %in% names(list(...))) gmmmi_abort("Give `z` either in the formula (`| z`) or as an argument, not both.")
      extra$z <- f$z
    }
  } else if (missing(y)) {
    gmmmi_abort("`y` is missing: mi() needs two variables, `mi(x, y)`, or a formula, `mi(y ~ x, data)`.")
  }
  if ("z" %in% names(list(...)) && !method %in% estimator_methods("conditional")) {
    gmmmi_abort(sprintf("`z` (conditional MI) needs `method = \"gmm\"` or \"ksg\", not \"%s\".", method))
  }
  # errors and warnings name the user's call, not the internal one (which would show the data)
  relabel <- function(cnd) {
    cnd$call <- call
    cnd
  }
  res <- withCallingHandlers(
    tryCatch({
      if (n_permutations > 0L) {
        t <- do.call(mi_test, c(list(x, y, method = method), extra, list(...),
                                list(n_permutations = n_permutations, unit = unit, n_threads = n_threads)))
        r <- t$estimate
        r$p_value <- t$p_value
        r$test <- t
        r
      } else {
        fun <- estimator_fun(method)
        do.call(fun, c(list(x, y), extra, list(...), list(unit = unit, n_threads = n_threads)))
      }
    }, gmmmi_error = function(e) stop(relabel(e))),
    gmmmi_warning = function(w) {
      warning(relabel(w))
      invokeRestart("muffleWarning")
    })
  res$call <- call
  res
}

# Variables of a formula `y ~ x` or `y ~ x | z` (several names joined by `+` on any side) taken
# from `data`: list(x, y, z), each a vector (one column, factors kept) or a data frame.
mi_formula <- function(f, data, call = sys.call(-1)) {
  if (length(f) != 3L) gmmmi_abort("The formula must have two sides: `y ~ x` or `y ~ x | z`.", call = call)
  if (is.null(data)) gmmmi_abort("A formula needs `data`, a data frame holding its variables.", call = call)
  if (!is.data.frame(data)) data <- as.data.frame(data)
  rhs <- f[[3L]]
  zpart <- NULL
  if (is.call(rhs) && identical(rhs[[1L]], as.name("|"))) {
    zpart <- rhs[[3L]]
    rhs <- rhs[[2L]]
  }
  pick <- function(e, side, frame = FALSE) {
    v <- all.vars(e)
    if ("." %in% v) gmmmi_abort("`.` is not supported in the formula; name the variables.", call = call)
    miss <- setdiff(v, names(data))
    if (length(miss)) {
      gmmmi_abort(sprintf("The formula's %s names variable(s) not in `data`: %s.", side,
                          paste0("`", miss, "`", collapse = ", ")), call = call)
    }
    if (length(v) == 0L) gmmmi_abort(sprintf("The formula's %s names no variable.", side), call = call)
    if (length(v) == 1L && !frame) data[[v]] else data[, v, drop = FALSE]
  }
  # z stays a data frame, whose column names name the strata of a discrete z
  list(y = pick(f[[2L]], "left-hand side"), x = pick(rhs, "right-hand side"),
       z = if (!is.null(zpart)) pick(zpart, "conditioning part (after `|`)", frame = TRUE))
}
