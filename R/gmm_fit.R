# gmm_fit(): full-covariance Gaussian mixtures by EM, and gmm_model(), the constructor.

#' Fit a full-covariance Gaussian mixture by EM
#'
#' Fits a Gaussian mixture model with `n_components` components, each with its own full
#' covariance matrix, by the expectation-maximisation (EM) algorithm, computed in log space
#' (Cholesky factors, log-determinants and log-sum-exp). Several independent starts are run
#' (in parallel) and the one with the highest log-likelihood is kept. This is the engine every
#' GMM-based estimator in gmmmi uses.
#'
#' @section Algorithm:
#' Each iteration is one pass over the rows, in fixed blocks run in parallel: the E-step
#' computes every point's responsibilities and, in the same pass, the weighted sufficient
#' statistics of the M-step (in the whitened coordinates of the current components, which keeps
#' the covariance update free of cancellation). Blocks are added in a fixed order, so the result
#' is bitwise identical for any `n_threads`. EM stops when the change in the (weighted) mean
#' log-likelihood per sample is below `tol`, or after `max_iter` iterations; the returned
#' parameters are those of the last M-step and `loglik` is their exact log-likelihood.
#'
#' @section Initialisation:
#' Each start has its own random stream derived from one seed drawn from R's random number
#' generator, so [set.seed()] reproduces the fit.
#' * `"kmeans"`: k-means (k-means++ seeding, Lloyd iterations); weight = cluster share, mean =
#'   cluster mean, covariance = cluster scatter divided by the total number of rows (the cluster
#'   covariance shrunk by its weight).
#' * `"random"`: random responsibilities per row (uniform, normalised), then one M-step; all
#'   components start near the overall mean and covariance.
#' * `"randomized_kmeans"`: as `"kmeans"`, then each mean is moved by `scale` times a draw from
#'   a normal distribution with that component's covariance.
#' * `"minmax"`: equal weights, means uniform in the data's bounding box, isotropic covariances
#'   \eqn{s^2 I} with \eqn{s} the radius of a ball whose volume is the box's volume / K.
#' * a starting model: a `"gmm"` object or a list with `weights`, `means` (K x d) and
#'   `covariances` (d x d x K), as accepted by [gmm_model()]; EM starts from it (a warm start,
#'   `n_inits` is ignored).
#' * a list with one element `responsibilities`, an n x K matrix of non-negative rows summing
#'   to 1: EM starts with an M-step from these (useful to compare with other software).
#'
#' @section Collapse handling:
#' A component whose weight vanishes (its share of the data falls below 1e-10) is re-seeded at
#' the worst-explained data point (the one with the lowest density under the current model),
#' with the weighted average covariance of the other components. A covariance that is not
#' numerically positive definite (including one whose correlation matrix has a condition number
#' above about 1e14, where its smallest variance is lost in rounding) gets a larger
#' regularisation: `eps` times each column's variance is added to its diagonal, with `eps` =
#' 1e-10, 1e-9, ... as needed, and it then stays for that component. Each such action is
#' recorded in `events`; the fit never stops with an error or returns `NaN`. Note that with
#' `reg_covar > 0` a component sitting on a single point (or on copies of one point, as in data
#' with many ties) has covariance `reg_covar` times the identity: a valid but degenerate fit
#' with a very high likelihood. For such data use a larger `reg_covar`.
#'
#' @section Scale of `reg_covar`:
#' `gmm_fit()` works on the data as given: it does not standardise the columns. `reg_covar` is
#' added to the covariance diagonals in the data's units (squared), so it should be small
#' compared with the smallest variance that matters: the default `1e-12` is negligible for data
#' with unit-order variances (e.g. standardised data) but not for data measured in
#' units of 1e-6. Rescale such data, or set `reg_covar` relative to the column variances.
#' A warning (class `gmmmi_warning_reg_covar`) is given when `reg_covar` exceeds 1% of a column's
#' variance, and columns with standard deviations outside \[1e-100, 1e100\] (whose covariances
#' and densities are not representable in double precision) are refused.
#'
#' @param x A numeric vector, matrix or data frame; rows are samples. No missing or infinite
#'   values.
#' @param n_components Number of mixture components K (>= 1). May be omitted when `init` is a
#'   starting model or a list of responsibilities.
#' @param n_inits Number of independent starts (>= 1); the best log-likelihood is kept.
#' @param init Initialisation: one of `"kmeans"` (default), `"random"`, `"randomized_kmeans"`,
#'   `"minmax"`, or a starting model (see Initialisation).
#' @param tol Convergence tolerance on the change of the mean log-likelihood per sample (nats).
#' @param max_iter Maximum number of EM iterations per start.
#' @param reg_covar Non-negative number added to the covariance diagonals at initialisation and
#'   at every M-step (in the data's squared units; see below).
#' @param weights `NULL`, or non-negative row weights (one per row of `x`). Integer weights give
#'   the same fit as repeating rows; rows with weight 0 are ignored.
#' @param scale Perturbation scale of `init = "randomized_kmeans"`.
#' @param n_threads Number of threads (see [gmmmi_threads()]); the result does not depend on it.
#' @return An object of class `"gmm"`, a list with
#' * `weights` (length K), `means` (K x d matrix, rows `comp1`, ...; columns named after the
#'   data's columns), `covariances` (d x d x K array);
#' * `loglik` (the weighted log-likelihood \eqn{\sum_i w_i \log p(x_i)}, nats), `mean_loglik`,
#'   `n` (rows), `nobs` (sum of the weights), `d`, `n_components`, `df` (free parameters);
#' * `iterations`, `converged` (a warning is given when the kept fit did not converge), `events`
#'   (data frame: `iteration`, `component`, `what` =
#'   `"reseeded"` or `"regularised"`; iteration 0 means while preparing the start);
#' * `init` (the method or `"model"` / `"responsibilities"`), `init_loglik` (final
#'   log-likelihood of every start), `best_init`, `settings`, `data` (the data matrix) and `call`.
#'
#' Methods: [print()], [summary()], [logLik()], [AIC()], [BIC()], [predict()][predict.gmm],
#' [simulate()][simulate.gmm], [plot()][plot.gmm]; see also [gmm_density()].
#' @seealso [gmm_model()] to build a model from parameters.
#' @examples
#' fit <- gmm_fit(faithful, n_components = 2, n_threads = 1)
#' fit
#' BIC(fit)
#' head(predict(fit, faithful, type = "labels"))
#' @export
gmm_fit <- function(x, n_components, n_inits = 3, init = c("kmeans", "random", "randomized_kmeans",
                                                          "minmax"),
                    tol = 1e-5, max_iter = 10000, reg_covar = 1e-12, weights = NULL, scale = 1,
                    n_threads = NULL) {
  call <- match.call()
  x <- as_data_matrix(x, "x", allow_na = FALSE)
  n <- nrow(x)
  d <- ncol(x)
  cn <- colnames(x)
  n_threads <- gmmmi_threads(n_threads)
  n_inits <- check_count(n_inits, "n_inits", min = 1, max = 1000)
  tol <- check_number(tol, "tol", lower = 0)
  max_iter <- check_count(max_iter, "max_iter", min = 1, max = gmmmi_limits$max_iter)
  reg_covar <- check_number(reg_covar, "reg_covar", lower = 0)
  scale <- check_number(scale, "scale", lower = 0)
  weights <- check_row_weights(weights, n)
  rows <- if (is.null(weights)) seq_len(n) else which(weights > 0)
  check_not_constant(x[rows, , drop = FALSE], "x")
  check_fit_scale(x[rows, , drop = FALSE], "x", reg_covar = reg_covar)

  # initialisation
  start <- list()
  if (is.character(init)) {
    if (identical(init, eval(formals(gmm_fit)$init))) init <- "kmeans"
    init <- check_choice(init, c("kmeans", "random", "randomized_kmeans", "minmax"), "init")
    mode <- "method"
    init_name <- init
  } else if (is.list(init) && identical(names(init), "responsibilities")) {
    z <- init$responsibilities
    if (!is.numeric(z) || !is.matrix(z) || nrow(z) != n || anyNA(z) || any(!is.finite(z)) ||
        any(z < 0) || any(abs(rowSums(z) - 1) > 1e-8)) {
      gmmmi_abort(sprintf(paste0("`init$responsibilities` must be a numeric %d x K matrix with ",
                                 "non-negative rows that sum to 1."), n))
    }
    start <- list(responsibilities = z)
    mode <- "responsibilities"
    init_name <- "responsibilities"
  } else if (is.list(init)) {
    m <- validate_gmm_params(init$weights, init$means, init$covariances, arg = "init")
    if (ncol(m$means) != d) {
      gmmmi_abort(sprintf("`init` has %d dimension(s) but `x` has %d column(s).", ncol(m$means), d))
    }
    start <- m
    mode <- "model"
    init_name <- "model"
  } else {
    gmmmi_abort(sprintf(paste0("`init` must be one of \"kmeans\", \"random\", \"randomized_kmeans\", ",
                               "\"minmax\", a \"gmm\" object or a list of starting parameters, not %s."),
                        describe(init)))
  }
  K_start <- switch(mode, method = NA_integer_, responsibilities = ncol(start$responsibilities),
                    model = length(start$weights))
  if (missing(n_components)) {
    if (is.na(K_start)) gmmmi_abort("`n_components` is missing: give the number of components.")
    n_components <- K_start
  }
  K <- check_count(n_components, "n_components", min = 1, max = gmmmi_limits$n_components)
  if (!is.na(K_start) && K != K_start) {
    gmmmi_abort(sprintf("`n_components` (%d) does not match the %d component(s) of `init`.", K, K_start))
  }
  if (length(rows) < K) {
    gmmmi_abort(sprintf("`x` has %d row(s)%s, fewer than `n_components` = %d.", length(rows),
                        if (is.null(weights)) "" else " with positive weight", K))
  }

  seed <- draw_seed()
  res <- .gmm_fit_cpp(x, weights, K, n_inits, mode, if (mode == "method") init else "",
                      start, tol, max_iter, reg_covar, scale, 1024L, seed, n_threads)
  nobs <- if (is.null(weights)) n else sum(weights)
  fit <- new_gmm(res$weights, res$means, res$covariances, colnames = cn)
  fit$loglik <- res$loglik
  fit$mean_loglik <- res$mean_loglik
  fit$n <- n
  fit$nobs <- nobs
  fit$iterations <- res$iterations
  fit$converged <- res$converged
  fit$events <- events_frame(res$events)
  fit$init <- init_name
  fit$init_loglik <- res$init_loglik
  fit$best_init <- res$best_init
  fit$settings <- list(n_inits = if (mode == "method") n_inits else 1L, tol = tol,
                       max_iter = max_iter, reg_covar = reg_covar, scale = scale,
                       weighted = !is.null(weights))
  fit$data <- x
  fit$call <- call
  if (!fit$converged) {
    gmmmi_warn(sprintf(paste0("EM did not converge in `max_iter` = %d iterations (last change of the ",
                              "mean log-likelihood above `tol`); see `$converged`."), max_iter))
  }
  fit
}

#' Build a Gaussian mixture model from its parameters
#'
#' Creates (and validates) an object of class `"gmm"` from weights, means and covariances, for
#' example a known truth to simulate from, or a starting model for [gmm_fit()]. All `"gmm"`
#' methods apply; those that need a fit (`logLik()`, `AIC()`, `BIC()`) give `NA`.
#'
#' @param weights Positive mixing weights (length K); they are normalised to sum to 1.
#' @param means Component means: a K x d matrix (one row per component). A vector is taken as
#'   K means of a one-dimensional mixture when `covariances` is a vector, else as the mean of a
#'   single component.
#' @param covariances Component covariances: a d x d x K array, a d x d matrix (K = 1), or, for
#'   d = 1, a vector of K variances. Each must be symmetric positive definite.
#' @param colnames Optional names of the d dimensions.
#' @return An object of class `"gmm"` with `weights`, `means`, `covariances`, `d`,
#'   `n_components` and `df`.
#' @examples
#' truth <- gmm_model(weights = c(0.3, 0.7), means = rbind(c(0, 0), c(3, 3)),
#'                    covariances = array(c(diag(2), 0.5 * diag(2)), c(2, 2, 2)))
#' truth
#' x <- simulate(truth, 200, seed = 1)
#' dim(x)
#' @export
gmm_model <- function(weights, means, covariances, colnames = NULL) {
  if (is.vector(means) && is.numeric(covariances) && is.null(dim(covariances)) &&
      length(covariances) == length(means)) {
    means <- matrix(means, ncol = 1L)
  }
  m <- validate_gmm_params(weights, means, covariances, arg = NULL)
  if (!is.null(colnames)) {
    if (!is.character(colnames) || length(colnames) != ncol(m$means)) {
      gmmmi_abort(sprintf("`colnames` must be a character vector of length %d.", ncol(m$means)))
    }
  } else {
    colnames <- colnames(m$means)
  }
  fit <- new_gmm(m$weights, m$means, m$covariances, colnames = colnames)
  fit$call <- match.call()
  fit
}

# ---- internals ----

new_gmm <- function(weights, means, covariances, colnames = NULL) {
  K <- length(weights)
  d <- ncol(means)
  comp <- paste0("comp", seq_len(K))
  if (is.null(colnames)) colnames <- paste0("x", seq_len(d))
  weights <- as.double(weights)
  names(weights) <- comp
  means <- matrix(as.double(means), K, d, dimnames = list(comp, colnames))
  covariances <- array(as.double(covariances), c(d, d, K), dimnames = list(colnames, colnames, comp))
  structure(
    list(weights = weights, means = means, covariances = covariances, loglik = NA_real_,
         mean_loglik = NA_real_, n = NA_integer_, nobs = NA_real_, d = d, n_components = K,
         df = (K - 1) + K * d + K * d * (d + 1) / 2, iterations = NA_integer_, converged = NA,
         events = events_frame(NULL), init = NA_character_, call = NULL),
    class = "gmm"
  )
}

events_frame <- function(ev) {
  if (is.null(ev) || length(ev$iteration) == 0L) {
    return(data.frame(iteration = integer(), component = integer(), what = character()))
  }
  data.frame(iteration = as.integer(ev$iteration), component = as.integer(ev$component),
             what = c("reseeded", "regularised")[ev$kind])
}

check_row_weights <- function(weights, n, call = sys.call(-1)) {
  if (is.null(weights)) return(NULL)
  if (!is.numeric(weights) || (!is.null(dim(weights)) && sum(dim(weights) > 1L) > 1L)) {
    gmmmi_abort(sprintf("`weights` must be a numeric vector, not %s.", describe(weights)), call = call)
  }
  weights <- as.double(weights)
  if (length(weights) != n) {
    gmmmi_abort(sprintf("`weights` must have one value per row of `x` (%d), not %d.", n,
                        length(weights)), call = call)
  }
  if (anyNA(weights) || any(!is.finite(weights))) {
    gmmmi_abort("`weights` must not contain missing or infinite values.", call = call)
  }
  if (any(weights < 0)) gmmmi_abort("`weights` must be non-negative.", call = call)
  if (!(sum(weights) > 0)) gmmmi_abort("`weights` must not all be zero.", call = call)
  weights
}

# Validate mixture parameters; returns list(weights, means (K x d), covariances (d x d x K)).
# arg: name of the argument holding them (e.g. "init"), or NULL for separate arguments.
validate_gmm_params <- function(weights, means, covariances, arg = NULL, call = sys.call(-1)) {
  nm <- function(field) if (is.null(arg)) field else sprintf("%s$%s", arg, field)
  if (inherits(means, "data.frame")) means <- as.matrix(means)
  if (!is.numeric(weights) || length(weights) < 1L || anyNA(weights) || any(!is.finite(weights)) ||
      any(weights <= 0)) {
    gmmmi_abort(sprintf("`%s` must be a vector of positive, finite mixing weights.", nm("weights")),
                call = call)
  }
  K <- length(weights)
  if (!is.numeric(means) || anyNA(means) || any(!is.finite(means))) {
    gmmmi_abort(sprintf("`%s` must be a finite numeric K x d matrix.", nm("means")), call = call)
  }
  if (is.null(dim(means))) {
    if (length(means) %% K != 0L) {
      gmmmi_abort(sprintf("`%s` must be a K x d matrix with one row per weight (K = %d).",
                          nm("means"), K), call = call)
    }
    means <- matrix(means, nrow = K)
  }
  if (length(dim(means)) != 2L || nrow(means) != K) {
    gmmmi_abort(sprintf("`%s` must be a K x d matrix with one row per weight (K = %d).",
                        nm("means"), K), call = call)
  }
  d <- ncol(means)
  if (!is.numeric(covariances) || anyNA(covariances) || any(!is.finite(covariances))) {
    gmmmi_abort(sprintf("`%s` must be a finite numeric d x d x K array.", nm("covariances")),
                call = call)
  }
  if (is.null(dim(covariances)) && d == 1L && length(covariances) == K) {
    covariances <- array(covariances, c(1L, 1L, K))
  } else if (length(dim(covariances)) == 2L && K == 1L) {
    covariances <- array(covariances, c(dim(covariances), 1L))
  }
  if (length(dim(covariances)) != 3L || !all(dim(covariances) == c(d, d, K))) {
    gmmmi_abort(sprintf("`%s` must be a %d x %d x %d array (d x d x K).", nm("covariances"), d, d, K),
                call = call)
  }
  for (k in seq_len(K)) {
    S <- covariances[, , k]
    S <- matrix(S, d, d)
    if (max(abs(S - t(S))) > 1e-10 * max(abs(S))) {
      gmmmi_abort(sprintf("`%s`: covariance %d is not symmetric.", nm("covariances"), k), call = call)
    }
    ok <- tryCatch({
      chol(S)
      TRUE
    }, error = function(e) FALSE)
    if (!ok) {
      gmmmi_abort(sprintf("`%s`: covariance %d is not positive definite.", nm("covariances"), k),
                  call = call)
    }
    covariances[, , k] <- S / 2 + t(S) / 2  # (S + t(S)) / 2 overflows for entries near 1e308
  }
  storage.mode(means) <- "double"
  storage.mode(covariances) <- "double"
  w <- as.double(weights) / max(weights)  # sum(weights) overflows for weights near 1e308
  list(weights = w / sum(w), means = means, covariances = covariances)
}

# The one validator of "gmm" objects where they are used (predict, gmm_density, simulate, ...):
# a modified object (Inf means, an asymmetric or indefinite covariance, weights not summing to
# one, inconsistent d or K) is refused before it reaches C++.
check_gmm <- function(object, arg = "object", call = sys.call(-1)) {
  if (!inherits(object, "gmm") || !is.list(object)) {
    gmmmi_abort(sprintf("`%s` must be a \"gmm\" object, not %s.", arg, describe(object)), call = call)
  }
  m <- validate_gmm_params(object$weights, object$means, object$covariances, arg = arg, call = call)
  if (abs(sum(object$weights) - 1) > 1e-8) {
    gmmmi_abort(sprintf("`%s$weights` must sum to 1 (they sum to %s).", arg, format(sum(object$weights))),
                call = call)
  }
  if (!is.matrix(object$means) || !identical(as.integer(object$d), ncol(m$means)) ||
      !identical(as.integer(object$n_components), length(m$weights))) {
    gmmmi_abort(sprintf("`%s` is inconsistent: `d` and `n_components` must match `means` (%d x %d).",
                        arg, nrow(m$means), ncol(m$means)), call = call)
  }
  invisible(object)
}

# gmm_fit() works in the units of the data (reg_covar is absolute): covariances, their
# determinants and densities must be representable. Column spreads outside [1e-100, 1e100] are
# refused with a clear message rather than fitted into a wrong log-likelihood, and a reg_covar
# above 1% of a column's variance gets a warning.
check_fit_scale <- function(x, arg, reg_covar = 0, call = sys.call(-1)) {
  sds <- .col_stats(x)$sd
  bad <- which(is.finite(sds) & (sds < 1e-100 | sds > 1e100))
  if (length(bad) > 0L) {
    gmmmi_abort(sprintf(paste0("`%s` column(s) %s have standard deviation(s) %s, outside [1e-100, 1e100]: ",
                               "covariances and densities in these units are not representable in double ",
                               "precision. Rescale the data (e.g. scale(x)); gmm_mi() does this itself."),
                        arg, paste(bad, collapse = ", "), paste(format(sds[bad], digits = 3), collapse = ", ")),
                call = call)
  }
  # reg_covar is absolute: when it is not small against a column's variance, the fit reflects
  # reg_covar rather than the data
  big <- which(is.finite(sds) & reg_covar > 0.01 * sds^2)
  if (length(big) > 0L) {
    gmmmi_warn(sprintf(paste0("`reg_covar` (%s) is not small against the variance of `%s` column(s) %s ",
                              "(%s): the fitted covariances reflect `reg_covar` more than the data. ",
                              "Rescale the data or lower `reg_covar`."),
                       format(reg_covar), arg, paste(big, collapse = ", "),
                       paste(format(sds[big]^2, digits = 3), collapse = ", ")),
               class = c("gmmmi_warning_reg_covar", "gmmmi_warning"), call = call)
  }
  invisible(x)
}
