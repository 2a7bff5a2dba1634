# Methods for "gmm" objects (from gmm_fit() or gmm_model()).

#' @export
print.gmm <- function(x, digits = 4, ...) {
  fitted <- !is.na(x$loglik)
  cat(sprintf("Gaussian mixture: %d component(s), %d dimension(s), full covariances\n",
              x$n_components, x$d))
  if (fitted) {
    cat(sprintf("Fitted by EM to %d rows%s (init \"%s\"): log-likelihood %s, %d iteration(s), %s\n",
                x$n, if (isTRUE(x$settings$weighted)) sprintf(" (weight %s)", format(x$nobs)) else "",
                x$init, format(signif(x$loglik, digits + 3)), x$iterations,
                if (isTRUE(x$converged)) "converged" else "NOT converged"))
  }
  tab <- cbind(weight = x$weights, x$means)
  cat("\nWeights and means:\n")
  print(signif(tab, digits))
  if (nrow(x$events) > 0L) {
    cat(sprintf("\n%d recovery event(s) during EM (see $events).\n", nrow(x$events)))
  }
  invisible(x)
}

#' Summarise a Gaussian mixture fit
#'
#' @param object A `"gmm"` object.
#' @param x A `"summary.gmm"` object.
#' @param digits Number of significant digits to print.
#' @param ... Unused.
#' @return `summary()` returns an object of class `"summary.gmm"`: a list with `components`
#'   (data frame: weight, means and the standard deviations of every dimension), `correlations`
#'   (list of correlation matrices), `loglik`, `AIC`, `BIC`, `df`, `nobs`, `iterations`,
#'   `converged`, `n_events` and `init`. Its `print()` method returns it invisibly.
#' @examples
#' fit <- gmm_fit(faithful, n_components = 2, n_threads = 1)
#' summary(fit)
#' @export
summary.gmm <- function(object, ...) {
  K <- object$n_components
  sds <- t(vapply(seq_len(K), function(k) sqrt(diag(matrix(object$covariances[, , k], object$d))),
                  numeric(object$d)))
  if (object$d == 1L) sds <- matrix(sds, ncol = 1L)
  colnames(sds) <- paste0("sd.", colnames(object$means))
  comp <- data.frame(weight = object$weights, object$means, sds, check.names = FALSE,
                     row.names = names(object$weights))
  cors <- lapply(seq_len(K), function(k) stats::cov2cor(matrix(object$covariances[, , k], object$d,
                                                               dimnames = dimnames(object$covariances)[1:2])))
  names(cors) <- names(object$weights)
  ll <- stats::logLik(object)
  structure(
    list(components = comp, correlations = cors, loglik = as.numeric(ll),
         AIC = stats::AIC(ll), BIC = if (is.na(ll)) NA_real_ else stats::BIC(ll), df = object$df,
         nobs = object$nobs, n = object$n, d = object$d, n_components = K,
         iterations = object$iterations, converged = object$converged,
         n_events = nrow(object$events), init = object$init),
    class = "summary.gmm"
  )
}

#' @rdname summary.gmm
#' @export
print.summary.gmm <- function(x, digits = 4, ...) {
  cat(sprintf("Gaussian mixture: %d component(s), %d dimension(s), %s free parameters\n",
              x$n_components, x$d, format(x$df)))
  if (!is.na(x$loglik)) {
    cat(sprintf("log-likelihood %s (nobs %s), AIC %s, BIC %s\n", format(signif(x$loglik, digits + 3)),
                format(x$nobs), format(signif(x$AIC, digits + 3)), format(signif(x$BIC, digits + 3))))
    cat(sprintf("EM: init \"%s\", %d iteration(s), %s, %d recovery event(s)\n", x$init,
                x$iterations, if (isTRUE(x$converged)) "converged" else "NOT converged", x$n_events))
  }
  cat("\nComponents:\n")
  print(format(x$components, digits = digits))
  if (x$d > 1L) {
    cat("\nCorrelations:\n")
    for (k in names(x$correlations)) {
      cat(k, ":\n", sep = "")
      print(signif(x$correlations[[k]], digits))
    }
  }
  invisible(x)
}

#' Log-likelihood, AIC and BIC of a Gaussian mixture fit
#'
#' `logLik()` returns the fitted log-likelihood (nats) with attributes `df` (free parameters:
#' \eqn{(K - 1) + K d + K d (d + 1) / 2}) and `nobs` (the number of rows, or the sum of the
#' weights for a weighted fit), so [stats::AIC()] and [stats::BIC()] work on it directly.
#' For a model built with [gmm_model()] the value is `NA`.
#'
#' @param object A `"gmm"` object.
#' @param ... Unused.
#' @return An object of class `"logLik"`.
#' @examples
#' fit <- gmm_fit(faithful, n_components = 2, n_threads = 1)
#' logLik(fit)
#' AIC(fit)
#' BIC(fit)
#' @export
logLik.gmm <- function(object, ...) {
  structure(object$loglik, df = object$df, nobs = object$nobs, class = "logLik")
}

#' @importFrom stats nobs logLik predict simulate AIC BIC coef
#' @importFrom grDevices adjustcolor hcl.colors
#' @export
nobs.gmm <- function(object, ...) object$nobs

#' Predict component memberships or densities from a Gaussian mixture
#'
#' @param object A `"gmm"` object.
#' @param newdata Points to evaluate: a numeric vector (d = 1, or one point when d > 1 and
#'   its length is d), matrix or data frame with d columns. Defaults to the data of the fit.
#' @param type `"responsibilities"` (n x K matrix of posterior component probabilities, rows
#'   sum to 1), `"labels"` (the most probable component of each row), `"density"` or
#'   `"log_density"` (the mixture density, see [gmm_density()]).
#' @param n_threads Number of threads (see [gmmmi_threads()]).
#' @param ... Unused.
#' @return A matrix (responsibilities), an integer vector (labels) or a numeric vector.
#' @examples
#' fit <- gmm_fit(faithful, n_components = 2, n_threads = 1)
#' head(predict(fit, faithful))
#' table(predict(fit, type = "labels"))
#' @export
predict.gmm <- function(object, newdata = NULL, type = c("responsibilities", "labels", "density",
                                                         "log_density"),
                        n_threads = NULL, ...) {
  type <- check_choice(if (identical(type, eval(formals(predict.gmm)$type))) type[1] else type,
                       c("responsibilities", "labels", "density", "log_density"), "type")
  n_threads <- gmmmi_threads(n_threads)
  check_gmm(object)
  if (is.null(newdata)) {
    if (is.null(object$data)) {
      gmmmi_abort("`newdata` is required: this model does not store its data.")
    }
    newdata <- object$data
  }
  x <- gmm_points(newdata, object$d, "newdata")
  if (type %in% c("density", "log_density")) {
    return(gmm_density(object, x, log = type == "log_density", n_threads = n_threads))
  }
  z <- .gmm_eval_cpp(object$weights, object$means, object$covariances, x, "responsibilities",
                     n_threads)
  far <- which(!stats::complete.cases(z))
  if (length(far) > 0L) z[far, ] <- gmm_far_responsibilities(object, x[far, , drop = FALSE])
  colnames(z) <- names(object$weights)
  rownames(z) <- rownames(x)
  if (type == "labels") return(max.col(z, ties.method = "first"))
  z
}

#' Density of a Gaussian mixture
#'
#' Evaluates the mixture density \eqn{p(x) = \sum_k w_k N(x; \mu_k, \Sigma_k)} (or its log,
#' computed stably by log-sum-exp) at the rows of `x`.
#'
#' @param model A `"gmm"` object (from [gmm_fit()] or [gmm_model()]).
#' @param x Points: a numeric vector (d = 1, or one point of length d), matrix or data frame
#'   with d columns.
#' @param log If `TRUE`, return the log density (nats).
#' @param n_threads Number of threads (see [gmmmi_threads()]).
#' @return A numeric vector, one value per row of `x`.
#' @examples
#' m <- gmm_model(c(0.5, 0.5), means = c(-2, 2), covariances = c(1, 1))
#' gmm_density(m, c(-2, 0, 2))
#' integrate(function(t) gmm_density(m, t), -Inf, Inf)$value
#' @export
gmm_density <- function(model, x, log = FALSE, n_threads = NULL) {
  check_gmm(model, "model")
  log <- check_flag(log, "log")
  n_threads <- gmmmi_threads(n_threads)
  x <- gmm_points(x, model$d, "x")
  out <- .gmm_eval_cpp(model$weights, model$means, model$covariances, x, "log_density", n_threads)
  if (log) out else exp(out)
}

#' Simulate from a Gaussian mixture
#'
#' Draws `nsim` points from the mixture with gmmmi's own random streams (the seed is drawn from
#' R's random number generator, so [set.seed()] or `seed` reproduces the draw).
#'
#' @param object A `"gmm"` object.
#' @param nsim Number of points to draw.
#' @param seed `NULL`, or an integer passed to [set.seed()] first (R's random state is restored
#'   afterwards).
#' @param ... Unused.
#' @return An `nsim` x d matrix with attribute `"component"` (the component each point came from).
#' @examples
#' m <- gmm_model(c(0.3, 0.7), means = c(0, 5), covariances = c(1, 2))
#' y <- simulate(m, 1000, seed = 1)
#' mean(y)  # near 0.3 * 0 + 0.7 * 5
#' @export
simulate.gmm <- function(object, nsim = 1, seed = NULL, ...) {
  check_gmm(object)
  nsim <- check_count(nsim, "nsim", min = 0, max = gmmmi_limits$n_rows)
  seed <- check_seed(seed, negative = TRUE)
  local_seed(seed)
  out <- .gmm_sample_cpp(object$weights, object$means, object$covariances, nsim, draw_seed())
  colnames(out) <- colnames(object$means)
  out
}

#' Plot a Gaussian mixture
#'
#' For two-dimensional data, draws the data points (when the fit stores them, or `data` is
#' given) and, for every component, its mean and the ellipse containing probability `level`
#' of that component. For d > 2 the first two dimensions are shown (the exact marginal mixture
#' of those dimensions), with a note. For d = 1, draws a histogram of the data with the mixture
#' density and its weighted components.
#'
#' @param x A `"gmm"` object.
#' @param data Optional data to draw (defaults to the data of the fit).
#' @param level Probability content of the ellipses.
#' @param dims The two dimensions to show when d > 2.
#' @param col_points,col_components Colours of the points and of the components.
#' @param ... Passed to [graphics::plot()], overriding the defaults (e.g. `main`, `xlab`,
#'   `xlim`).
#' @return `x`, invisibly.
#' @examples
#' fit <- gmm_fit(faithful, n_components = 2, n_threads = 1)
#' plot(fit)
#' @export
plot.gmm <- function(x, data = NULL, level = 0.95, dims = c(1L, 2L),
                     col_points = grDevices::adjustcolor("grey40", 0.5),
                     col_components = grDevices::hcl.colors(x$n_components, "Dark 3"), ...) {
  level <- check_number(level, "level", lower = 0, upper = 1, lower_open = TRUE)
  if (is.null(data)) data <- x$data
  if (!is.null(data)) data <- gmm_points(data, x$d, "data")
  col_components <- rep_len(col_components, x$n_components)
  title <- sprintf("Gaussian mixture, K = %d", x$n_components)
  if (x$d == 1L) {
    rng <- if (!is.null(data)) range(data) else {
      s <- sqrt(x$covariances[1, 1, ])
      range(c(x$means - 4 * s, x$means + 4 * s))
    }
    grid <- seq(rng[1], rng[2], length.out = 400)
    dens <- gmm_density(x, grid, n_threads = 1)
    if (!is.null(data)) {
      h <- graphics::hist(data, breaks = "FD", plot = FALSE)
      plot_with(graphics::plot, list(x = h, freq = FALSE, col = "grey90", border = "grey60",
                                     ylim = c(0, max(h$density, dens)), main = title,
                                     xlab = colnames(x$means)[1]), list(...))
    } else {
      plot_with(graphics::plot, list(x = grid, y = dens, type = "n", main = title,
                                     xlab = colnames(x$means)[1], ylab = "Density"), list(...))
    }
    for (k in seq_len(x$n_components)) {
      graphics::lines(grid, x$weights[k] * stats::dnorm(grid, x$means[k, 1],
                                                        sqrt(x$covariances[1, 1, k])),
                      col = col_components[k], lty = 2)
    }
    graphics::lines(grid, dens, lwd = 2)
    return(invisible(x))
  }
  dims <- as.integer(dims)
  if (length(dims) != 2L || anyNA(dims) || any(dims < 1L | dims > x$d) || dims[1] == dims[2]) {
    gmmmi_abort(sprintf("`dims` must be two different dimensions between 1 and %d.", x$d))
  }
  if (x$d > 2L) {
    message(sprintf("Showing dimensions %d and %d of %d (the marginal mixture).", dims[1], dims[2], x$d))
  }
  r <- stats::qchisq(level, 2)
  t <- seq(0, 2 * pi, length.out = 100)
  circle <- rbind(cos(t), sin(t)) * sqrt(r)
  ells <- lapply(seq_len(x$n_components), function(k) {
    S <- x$covariances[dims, dims, k]
    L <- t(chol(S))
    t(L %*% circle + x$means[k, dims])
  })
  pts <- if (!is.null(data)) data[, dims, drop = FALSE] else NULL
  all <- rbind(pts, do.call(rbind, ells))
  nm <- colnames(x$means)[dims]
  plot_with(graphics::plot, list(x = all[, 1], y = all[, 2], type = "n", xlab = nm[1], ylab = nm[2],
                                 main = sprintf("%s (%g%% ellipses)", title, 100 * level)), list(...))
  if (!is.null(pts)) graphics::points(pts, pch = 16, cex = 0.5, col = col_points)
  for (k in seq_len(x$n_components)) {
    graphics::lines(ells[[k]], col = col_components[k], lwd = 2)
    graphics::points(x$means[k, dims[1]], x$means[k, dims[2]], pch = 3, col = col_components[k],
                     cex = 1.5, lwd = 2)
  }
  invisible(x)
}

# Coerce points for evaluation against a d-dimensional model: returns an n x d double matrix.
gmm_points <- function(x, d, arg, call = sys.call(-1)) {
  if (is.numeric(x) && is.null(dim(x)) && d > 1L) {
    if (length(x) != d) {
      gmmmi_abort(sprintf("`%s` must have %d columns (or be one point of length %d).", arg, d, d),
                  call = call)
    }
    x <- matrix(x, nrow = 1L)
  }
  x <- as_data_matrix(x, arg, allow_na = FALSE, call = call)
  if (ncol(x) != d) {
    gmmmi_abort(sprintf("`%s` must have %d column(s) like the model, not %d.", arg, d, ncol(x)),
                call = call)
  }
  x
}

# Responsibilities of points so far from every component that all log densities are -Inf (their
# squared Mahalanobis distances overflow): log-sum-exp on power-of-two-scaled distances. With
# u = x / s, log w_k N(x; mu_k, S_k) = c_k - (s^2 u'P_k u - 2 s u'P_k mu_k + mu_k'P_k mu_k) / 2
# (P_k = S_k^-1). The quadratic terms decide between components unless they tie (equal
# covariances, or equal growth along x); among tied components the linear and constant terms
# decide, which stay finite.
gmm_far_responsibilities <- function(object, x) {
  K <- object$n_components
  d <- object$d
  s <- 1 / pow2_inv_scale(NULL, max(abs(x), abs(object$means)))
  u <- t(x) / s
  cst <- numeric(K)
  quad <- lin <- matrix(0, nrow(x), K)
  for (k in seq_len(K)) {
    r <- chol(matrix(object$covariances[, , k], d, d))
    mu <- object$means[k, ]
    cst[k] <- log(object$weights[k]) - 0.5 * logdet_chol(r)  # exactly sum(log(diag(r)))
    v <- backsolve(r, u, transpose = TRUE)     # R^-T u, so |v|^2 = u'P u
    pm <- backsolve(r, backsolve(r, mu, transpose = TRUE))  # P mu
    quad[, k] <- colSums(v * v)
    lin[, k] <- drop(crossprod(u, pm))
    cst[k] <- cst[k] - 0.5 * sum(mu * pm)
  }
  t(vapply(seq_len(nrow(x)), function(i) {
    q <- quad[i, ]
    tied <- q - min(q) <= 1e-12 * max(abs(q))
    l <- rep(-Inf, K)
    # among the tied components: c_k + s u'P_k mu_k (the common s^2 u'P u / 2 cancels)
    l[tied] <- cst[tied] + s * lin[i, tied]
    l[is.na(l)] <- -Inf
    if (all(l == -Inf)) l[tied] <- 0
    e <- exp(l - max(l))
    e / sum(e)
  }, numeric(K)))
}
