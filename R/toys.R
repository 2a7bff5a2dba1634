# Distributions with known mutual information: data generators and their exact MI.
# The generators are plain R and draw from R's random number generator, so set.seed() governs them.
# The Gaussian mixture truth (toy_gmm(), mi_true_gmm()) takes the package's "gmm" objects too, but
# keeps its own pure-R density and sampler on purpose (see truth_check_gmm()).
# Every generator returns an object of class "gmmmi_toy" (see new_toy()).

new_toy <- function(x, y, mi, name, description, params, unit = "nat", mi_std_error = 0) {
  structure(
    list(x = x, y = y, mi = mi * unit_scale(unit), mi_std_error = mi_std_error * unit_scale(unit),
         unit = unit, name = name, description = description, params = params,
         transform = list(x = "identity", y = "identity")),
    class = "gmmmi_toy"
  )
}

#' Distributions with known mutual information
#'
#' Generators of samples from distributions whose mutual information (MI) is known, for testing
#' and comparing estimators. Each returns a `"gmmmi_toy"` object: a list with
#' * `x`, `y`: the samples (rows are samples; vectors for the one-dimensional cases, matrices
#'   for [toy_mvn()] and [toy_gmm()], a factor `x` for [toy_categorical()]);
#' * `mi`: the true MI in `unit`; `mi_std_error`: 0 for exact values, the Monte Carlo standard
#'   error for [toy_gmm()];
#' * `unit`, `name`, `description`, `params` (the parameters), `transform` (the monotone maps
#'   applied by [toy_transform()]).
#'
#' The data come from R's random number generator: [set.seed()] reproduces them.
#'
#' * `toy_gaussian()`: standard bivariate Gaussian with correlation `rho`;
#'   \eqn{I = -\frac12 \log(1 - \rho^2)}{I = -0.5 log(1 - rho^2)}.
#' * `toy_mvn()`: a multivariate Gaussian \eqn{N(\mu, \Sigma)}; `x` is the first `dx` coordinates,
#'   `y` the rest; \eqn{I = \frac12 (\log\det\Sigma_{xx} + \log\det\Sigma_{yy} - \log\det\Sigma)}{I = 0.5 (log det Sxx + log det Syy - log det Sigma)}
#'   (Cover & Thomas, *Elements of Information Theory*, 2nd ed., sec. 8.4).
#' * `toy_gamma_exp()`: \eqn{X \sim \mathrm{Gamma}(\alpha, 1)}{X ~ Gamma(shape alpha, rate 1)},
#'   \eqn{Y \mid X \sim \mathrm{Exp}(\mathrm{rate}\ X)}{Y | X ~ Exp(rate X)};
#'   \eqn{I = \psi(\alpha + 1) - \log\alpha}{I = digamma(alpha + 1) - log(alpha)}. (Y is Lomax:
#'   \eqn{p(y) = \alpha (1 + y)^{-\alpha - 1}}{p(y) = alpha (1 + y)^(-alpha - 1)}.)
#' * `toy_weinman()`: the ordered Weinman exponential, \eqn{X \sim \mathrm{Exp}}{X ~ Exp} with mean
#'   1/2 and \eqn{Y = X + E}{Y = X + E}, \eqn{E \sim \mathrm{Exp}}{E ~ Exp} with mean \eqn{\alpha}{alpha}
#'   (so \eqn{0 < X < Y}{0 < X < Y}); with \eqn{\psi}{psi} the digamma function,
#'   \eqn{I = -\log\frac{2\alpha}{1 - 2\alpha} + \psi(\frac{1}{1 - 2\alpha}) - \psi(1)}{I = -log(2 alpha / (1 - 2 alpha)) + psi(1 / (1 - 2 alpha)) - psi(1)}
#'   for \eqn{\alpha < 1/2}{alpha < 1/2}, \eqn{-\psi(1)}{-psi(1)} (Euler's constant) for
#'   \eqn{\alpha = 1/2}{alpha = 1/2}, and
#'   \eqn{\log\frac{2\alpha - 1}{2\alpha} + \psi(\frac{2\alpha}{2\alpha - 1}) - \psi(1)}{log((2 alpha - 1) / (2 alpha)) + psi(2 alpha / (2 alpha - 1)) - psi(1)}
#'   for \eqn{\alpha > 1/2}{alpha > 1/2}.
#' * `toy_gmm()`: a Gaussian mixture in \eqn{d}{d} dimensions, `x` the first `dx` coordinates;
#'   its MI has no closed form and is computed by [mi_true_gmm()] (Monte Carlo with `n_mc` draws,
#'   with a fixed `seed` so the truth does not depend on the data's seed).
#' * `toy_categorical()`: \eqn{X}{X} categorical with probabilities `probs` (a factor),
#'   \eqn{Y \mid X = c \sim N(\mu_c, \sigma_c^2)}{Y | X = c ~ N(mean_c, sd_c^2)};
#'   \eqn{I = h(Y) - \sum_c p_c \frac12\log(2\pi e\sigma_c^2)}{I = h(Y) - sum_c p_c 0.5 log(2 pi e sd_c^2)}
#'   with the entropy \eqn{h(Y)}{h(Y)} of the mixture computed by adaptive quadrature
#'   ([mi_true_categorical()]); \eqn{I \le H(X) \le \log C}{I <= H(X) <= log C}.
#'
#' The gamma-exponential and ordered Weinman exponential distributions and their MI are from
#' Darbellay & Vajda (2000); they are the validation cases of Piras et al. (2023), whose figures
#' use \eqn{\log X}{log X} and \eqn{\log Y}{log Y} (see [toy_transform()]: MI is unchanged).
#'
#' @param n Number of samples.
#' @param rho Correlation, in (-1, 1).
#' @param sigma A symmetric positive-definite covariance matrix (d x d, d >= 2).
#' @param dx Number of leading coordinates that form `x` (1 to d - 1).
#' @param mean Mean vector (length d); zero by default.
#' @param alpha Positive parameter: the gamma shape for `toy_gamma_exp()`, the mean of the
#'   increment \eqn{Y - X}{Y - X} for `toy_weinman()`.
#' @param weights,means,covariances Mixture parameters: `weights` (length K, non-negative, rescaled
#'   to sum to 1); `means` a K x d matrix (or a list of K vectors, or a length-K vector when d = 1);
#'   `covariances` a list of K d x d matrices, a d x d x K array, or a length-K vector of variances
#'   when d = 1. Or the whole mixture as a `"gmm"` object (from [gmm_fit()] or [gmm_model()]) in
#'   `weights`, with `means` and `covariances` left out: `toy_gmm(n, fit, dx = 1)`.
#' @param n_mc Number of Monte Carlo draws for the mixture's MI.
#' @param seed Seed of the Monte Carlo run of the truth (`NULL`: use, and advance, the current
#'   random number stream). The global random number state is restored afterwards.
#' @param probs Class probabilities (length C >= 2, non-negative, rescaled to sum to 1); its names,
#'   if any, become the factor levels.
#' @param sds Per-class standard deviations of `y` (length C, or one value for all classes).
#' @param unit `"nat"` (default) or `"bit"`, the unit of `mi`.
#' @return An object of class `"gmmmi_toy"` (see Details).
#' @references
#' Darbellay, G. A. and Vajda, I. (2000). Entropy expressions for multivariate continuous
#' distributions. *IEEE Transactions on Information Theory* 46(2), 709--712.
#'
#' Piras, D., Peiris, H. V., Pontzen, A., Lucie-Smith, L., Guo, N. and Nord, B. (2023). A robust
#' estimator of mutual information for deep learning interpretability. *Machine Learning: Science
#' and Technology* 4, 025006. \doi{10.1088/2632-2153/acc444}
#' @seealso [mi_true_gaussian()] and friends for the truth alone; [toy_transform()]; [mi_tasks()]
#'   for a registry of benchmark tasks with known MI built on these generators.
#' @examples
#' set.seed(1)
#' d <- toy_gaussian(500, rho = 0.6)
#' d
#' cor(d$x, d$y)
#' toy_gamma_exp(200, alpha = 1)$mi
#' toy_weinman(200, alpha = 1)$mi
#' s <- matrix(c(2, .6, .3, .6, 1, .5, .3, .5, 1.5), 3)
#' toy_mvn(100, s, dx = 1)$mi
#' g <- toy_gmm(300, weights = c(0.5, 0.5), means = rbind(c(-1, -1), c(1, 1)),
#'              covariances = list(diag(2), matrix(c(1, 0.8, 0.8, 1), 2)), dx = 1, n_mc = 1e4)
#' g$mi
#' toy_categorical(300, probs = c(a = 0.3, b = 0.7), means = c(0, 2), sds = 1)$mi
#' @name toys
NULL

#' @rdname toys
#' @export
toy_gaussian <- function(n, rho, unit = "nat") {
  n <- check_count(n, "n", min = 1, max = gmmmi_limits$n_rows)
  rho <- truth_check_rho(rho)
  unit <- check_unit(unit)
  x <- stats::rnorm(n)
  y <- rho * x + sqrt(1 - rho^2) * stats::rnorm(n)
  new_toy(x, y, mi_true_gaussian(rho), "gaussian",
          sprintf("bivariate standard Gaussian, rho = %s", format(rho)), list(rho = rho), unit)
}

#' @rdname toys
#' @export
toy_mvn <- function(n, sigma, dx, mean = NULL, unit = "nat") {
  n <- check_count(n, "n", min = 1, max = gmmmi_limits$n_rows)
  sigma <- truth_check_cov(sigma, "sigma", min_dim = 2L)
  d <- ncol(sigma)
  dx <- check_count(dx, "dx", min = 1, max = d - 1)
  if (is.null(mean)) mean <- rep(0, d)
  if (!is.numeric(mean) || length(mean) != d || any(!is.finite(mean))) {
    gmmmi_abort(sprintf("`mean` must be a finite numeric vector of length %d (the dimension of `sigma`).", d))
  }
  unit <- check_unit(unit)
  z <- rmvn_zero(n, sigma)
  z <- sweep(z, 2L, mean, "+")
  new_toy(z[, seq_len(dx), drop = FALSE], z[, -seq_len(dx), drop = FALSE],
          mi_true_mvn(sigma, dx), "mvn",
          sprintf("%d-dimensional Gaussian, x = coordinates 1..%d, y = %d..%d", d, dx, dx + 1L, d),
          list(sigma = sigma, dx = dx, mean = mean), unit)
}

#' @rdname toys
#' @export
toy_gamma_exp <- function(n, alpha, unit = "nat") {
  n <- check_count(n, "n", min = 1, max = gmmmi_limits$n_rows)
  alpha <- check_number(alpha, "alpha", lower = 0, lower_open = TRUE)
  unit <- check_unit(unit)
  x <- stats::rgamma(n, shape = alpha, rate = 1)
  # x can underflow to 0 for tiny alpha; keep it positive so that Exp(rate x) is defined
  x <- pmax(x, .Machine$double.xmin)
  y <- stats::rexp(n, rate = x)
  new_toy(x, y, mi_true_gamma_exp(alpha), "gamma_exp",
          sprintf("X ~ Gamma(%s, 1), Y | X ~ Exp(rate X)", format(alpha)), list(alpha = alpha), unit)
}

#' @rdname toys
#' @export
toy_weinman <- function(n, alpha, unit = "nat") {
  n <- check_count(n, "n", min = 1, max = gmmmi_limits$n_rows)
  alpha <- check_number(alpha, "alpha", lower = 0, lower_open = TRUE)
  unit <- check_unit(unit)
  x <- stats::rexp(n, rate = 2)
  y <- x + stats::rexp(n, rate = 1 / alpha)
  new_toy(x, y, mi_true_weinman(alpha), "weinman",
          sprintf("ordered Weinman exponential: X ~ Exp(mean 1/2), Y = X + Exp(mean %s)", format(alpha)),
          list(alpha = alpha), unit)
}

#' @rdname toys
#' @export
toy_gmm <- function(n, weights, means, covariances, dx, n_mc = 1e6, seed = 1L, unit = "nat") {
  n <- check_count(n, "n", min = 1, max = gmmmi_limits$n_rows)
  p <- truth_check_gmm(weights, means, covariances)
  d <- ncol(p$means)
  if (d < 2L) gmmmi_abort("`means` must describe a mixture in at least 2 dimensions (x and y).")
  dx <- check_count(dx, "dx", min = 1, max = d - 1)
  unit <- check_unit(unit)
  truth <- mi_true_gmm(p$weights, p$means, p$covariances, dx, n_mc = n_mc, seed = seed)
  z <- truth_sample_gmm(n, p)
  new_toy(z[, seq_len(dx), drop = FALSE], z[, -seq_len(dx), drop = FALSE], as.numeric(truth),
          "gmm", sprintf("%d-component Gaussian mixture in %d dimensions, x = coordinates 1..%d",
                         length(p$weights), d, dx),
          list(weights = p$weights, means = p$means, covariances = p$covariances, dx = dx,
               n_mc = n_mc), unit, mi_std_error = attr(truth, "std_error"))
}

#' @rdname toys
#' @export
toy_categorical <- function(n, probs, means, sds = 1, unit = "nat") {
  n <- check_count(n, "n", min = 1, max = gmmmi_limits$n_rows)
  p <- truth_check_categorical(probs, means, sds)
  unit <- check_unit(unit)
  k <- sample.int(length(p$probs), n, replace = TRUE, prob = p$probs)
  x <- factor(p$levels[k], levels = p$levels)
  y <- stats::rnorm(n, p$means[k], p$sds[k])
  new_toy(x, y, mi_true_categorical(p$probs, p$means, p$sds), "categorical",
          sprintf("categorical x with %d classes, Gaussian y per class", length(p$probs)),
          list(probs = stats::setNames(p$probs, p$levels), means = p$means, sds = p$sds), unit)
}

#' Toy data as a data frame
#'
#' @param x A `"gmmmi_toy"` object (see [toys]).
#' @param row.names,optional Ignored; present for compatibility with the generic.
#' @param ... Unused.
#' @return A data frame with the columns of `x` (named `x`, or `x1`, `x2`, ... when `x` has
#'   several columns) followed by those of `y` (`y` or `y1`, `y2`, ...); the true MI is kept in the
#'   attribute `"mi"`.
#' @examples
#' set.seed(1)
#' head(as.data.frame(toy_mvn(5, diag(3) + 0.5, dx = 2)))
#' @export
as.data.frame.gmmmi_toy <- function(x, row.names = NULL, optional = FALSE, ...) {
  cols <- function(v, nm) {
    if (is.factor(v) || is.null(dim(v))) return(stats::setNames(list(v), nm))
    if (ncol(v) == 1L) return(stats::setNames(list(v[, 1L]), nm))
    stats::setNames(lapply(seq_len(ncol(v)), function(j) v[, j]), paste0(nm, seq_len(ncol(v))))
  }
  out <- as.data.frame(c(cols(x$x, "x"), cols(x$y, "y")), stringsAsFactors = FALSE)
  attr(out, "mi") <- x$mi
  out
}

#' @export
print.gmmmi_toy <- function(x, ...) {
  dims <- function(v) if (is.factor(v)) sprintf("factor (%d levels)", nlevels(v)) else
    if (is.matrix(v)) sprintf("%d x %d matrix", nrow(v), ncol(v)) else sprintf("vector of length %d", length(v))
  cat(sprintf("Toy distribution with known MI: %s\n", x$description))
  tr <- vapply(x$transform, function(t) if (is.character(t)) t else "custom", character(1))
  if (any(tr != "identity")) cat(sprintf("  transformed: x by %s, y by %s\n", tr[["x"]], tr[["y"]]))
  cat(sprintf("  x: %s; y: %s\n", dims(x$x), dims(x$y)))
  mc <- isTRUE(x$mi_std_error > 0)
  cat(sprintf("  true MI = %s%s %s\n", format_value_se(x$mi, x$mi_std_error, 8, se_digits = 2, show_se = mc),
              if (mc) " (Monte Carlo)" else "", x$unit))
  invisible(x)
}

#' Exact mutual information of the toy distributions
#'
#' The true mutual information (MI) of the distributions generated by [toy_gaussian()],
#' [toy_mvn()], [toy_gamma_exp()], [toy_weinman()], [toy_gmm()] and [toy_categorical()]; the
#' formulas and their sources are given in [toys].
#'
#' `mi_true_gmm()` has no closed form: it draws `n_mc` points from the mixture and averages
#' \eqn{\log p(x, y) - \log p(x) - \log p(y)}{log p(x, y) - log p(x) - log p(y)} (the marginals of a
#' Gaussian mixture are the mixtures of the blocks of each component), in chunks of `1e5` points.
#' Its Monte Carlo standard error is returned as the attribute `"std_error"`. With a non-`NULL`
#' `seed` the draw is reproducible and the global random number state is left untouched.
#'
#' `mi_true_categorical()` integrates \eqn{-p \log p}{-p log p} of the mixture density of `y` by
#' adaptive quadrature ([stats::integrate()], on pieces split at each class's mean +- 1, 2, 4, 8,
#' 16 sd); its error is far below 1e-8 nats.
#'
#' @inheritParams toys
#' @return A number, the MI in `unit` (nats by default).
#' @examples
#' mi_true_gaussian(c(0.3, 0.6, 0.9))
#' mi_true_mvn(matrix(c(2, .6, .3, .6, 1, .5, .3, .5, 1.5), 3), dx = 1)   # 0.0992254694
#' mi_true_gamma_exp(1)
#' mi_true_weinman(c(0.25, 0.5, 1))
#' mi_true_categorical(c(0.5, 0.5), means = c(-3, 3), sds = 0.5)   # close to log 2
#' mi_true_gmm(c(0.5, 0.5), rbind(c(-1, -1), c(1, 1)), list(diag(2), diag(2)), dx = 1, n_mc = 1e4)
#' @name mi_true
NULL

#' @rdname mi_true
#' @export
mi_true_gaussian <- function(rho, unit = "nat") {
  rho <- truth_check_rho(rho, scalar = FALSE)
  unit <- check_unit(unit)
  gaussian_mi_r2(rho^2) * unit_scale(unit)
}

#' @rdname mi_true
#' @export
mi_true_mvn <- function(sigma, dx, unit = "nat") {
  sigma <- truth_check_cov(sigma, "sigma", min_dim = 2L)
  d <- ncol(sigma)
  dx <- check_count(dx, "dx", min = 1, max = d - 1)
  unit <- check_unit(unit)
  ix <- seq_len(dx)
  mi <- gaussian_mi_logdets(logdet(sigma[ix, ix, drop = FALSE]), logdet(sigma[-ix, -ix, drop = FALSE]),
                            logdet(sigma))
  max(mi, 0) * unit_scale(unit)
}

#' @rdname mi_true
#' @export
mi_true_gamma_exp <- function(alpha, unit = "nat") {
  alpha <- truth_check_positive(alpha, "alpha")
  unit <- check_unit(unit)
  (digamma(alpha + 1) - log(alpha)) * unit_scale(unit)
}

#' @rdname mi_true
#' @export
mi_true_weinman <- function(alpha, unit = "nat") {
  alpha <- truth_check_positive(alpha, "alpha")
  unit <- check_unit(unit)
  out <- vapply(alpha, function(a) {
    if (a < 0.5) {
      -log(2 * a / (1 - 2 * a)) + digamma(1 / (1 - 2 * a)) - digamma(1)
    } else if (a == 0.5) {
      -digamma(1)
    } else {
      # log((2a - 1) / 2a) + digamma(2a / (2a - 1)) - digamma(1), without Inf / Inf for huge a
      log1p(-0.5 / a) + digamma(1 + 1 / (2 * a - 1)) - digamma(1)
    }
  }, numeric(1))
  out * unit_scale(unit)
}

#' @rdname mi_true
#' @export
mi_true_gmm <- function(weights, means, covariances, dx, n_mc = 1e6, seed = 1L, unit = "nat") {
  p <- truth_check_gmm(weights, means, covariances)
  d <- ncol(p$means)
  if (d < 2L) gmmmi_abort("`means` must describe a mixture in at least 2 dimensions (x and y).")
  dx <- check_count(dx, "dx", min = 1, max = d - 1)
  n_mc <- check_count(n_mc, "n_mc", min = 2, max = gmmmi_limits$n_mc_r)
  seed <- check_seed(seed, negative = TRUE)
  unit <- check_unit(unit)
  local_seed(seed)
  ix <- seq_len(dx)
  px <- truth_gmm_block(p, ix)
  py <- truth_gmm_block(p, -ix)
  chunk <- 100000L
  n_chunks <- ceiling(n_mc / chunk)
  s1 <- 0
  s2 <- 0
  for (b in seq_len(n_chunks)) {
    m <- min(chunk, n_mc - (b - 1L) * chunk)
    z <- truth_sample_gmm(m, p)
    v <- truth_gmm_logdens(z, p) - truth_gmm_logdens(z[, ix, drop = FALSE], px) -
      truth_gmm_logdens(z[, -ix, drop = FALSE], py)
    s1 <- s1 + sum(v)
    s2 <- s2 + sum(v^2)
  }
  mean_v <- s1 / n_mc
  var_v <- max(0, (s2 - n_mc * mean_v^2) / (n_mc - 1))
  structure(mean_v * unit_scale(unit), std_error = sqrt(var_v / n_mc) * unit_scale(unit))
}

#' @rdname mi_true
#' @export
mi_true_categorical <- function(probs, means, sds = 1, unit = "nat") {
  p <- truth_check_categorical(probs, means, sds)
  unit <- check_unit(unit)
  pr <- p$probs
  keep <- pr > 0
  mu <- p$means[keep]
  s <- p$sds[keep]
  pr <- pr[keep]
  # MI is invariant to rescaling y: bring extreme scales (sds of 1e-300 or 1e300) to order one
  # exactly (by a power of two), so densities and integration limits stay representable
  if (max(s) < 1e-50 || max(s) > 1e50) {
    f <- pow2_inv_scale(matrix(max(s), 1L, 1L))
    mu <- mu * f
    s <- s * f
    # means farther apart than ~1e300 sds: the classes are perfectly separated
    if (any(!is.finite(mu))) return(-sum(pr * log(pr)) * unit_scale(unit))
  }
  # h(Y): components farther apart than 80 sds do not overlap (in double precision); such groups
  # are integrated separately, each centred, so |mean| / sd never exceeds what doubles resolve
  o <- order(mu)
  gap <- diff(mu[o]) > 80 * pmax(s[o][-1L], s[o][-length(o)])
  cl <- integer(length(o))
  cl[o] <- cumsum(c(1L, gap))
  h <- if (max(cl) == 1L) {
    truth_mixture_entropy(pr, mu, s)
  } else {
    P <- as.vector(tapply(pr, cl, sum))
    -sum(P * log(P)) + sum(vapply(seq_along(P), function(j) {
      i <- cl == j
      P[j] * truth_mixture_entropy(pr[i] / P[j], mu[i] - mean(mu[i]), s[i])
    }, numeric(1)))
  }
  cond <- sum(pr * 0.5 * log(2 * pi * exp(1) * s^2))
  max(h - cond, 0) * unit_scale(unit)
}

#' Monotone transforms that preserve mutual information
#'
#' Applies a strictly monotone map to every coordinate of `x` and of `y` of a toy data set.
#' Mutual information is invariant under such maps, so `mi` is unchanged while the shape of the
#' distribution (and the difficulty for an estimator) changes. Piras et al. (2023) use `"log"`
#' for the gamma-exponential and Weinman cases, and `"log5"` and `"cubic"` for the Gaussian.
#'
#' Named maps: `"identity"`; `"log"` (\eqn{\log v}{log v}, needs \eqn{v > 0}{v > 0});
#' `"log5"` (\eqn{\log(v + 5)}{log(v + 5)}, needs \eqn{v > -5}{v > -5}); `"cubic"`
#' (\eqn{v + v^3/2}{v + 0.5 v^3}); `"exp"`; `"asinh"`. A function is applied to each column; it
#' must be strictly monotone, which is checked on the data (the order of the values must be kept
#' or exactly reversed). A factor `x` cannot be transformed.
#'
#' @param data A `"gmmmi_toy"` object.
#' @param x,y The map for `x` and for `y`: a name (see Details) or a function.
#' @return `data` with `x` and `y` transformed and the maps recorded in `$transform`.
#' @examples
#' set.seed(2)
#' d <- toy_transform(toy_gaussian(1000, 0.6), y = "cubic")
#' d
#' toy_transform(toy_gamma_exp(100, 1), x = "log", y = "log")$mi
#' @export
toy_transform <- function(data, x = "identity", y = x) {
  if (!inherits(data, "gmmmi_toy")) {
    gmmmi_abort(sprintf("`data` must be a \"gmmmi_toy\" object, not %s.", describe(data)))
  }
  fx <- resolve_monotone(x, "x")
  fy <- resolve_monotone(y, "y")
  if (is.factor(data$x)) {
    if (!identical(x, "identity")) {
      gmmmi_abort("`x` must be \"identity\": the factor `x` of a categorical toy cannot be transformed.")
    }
  } else {
    data$x <- apply_monotone(data$x, fx$f, fx$name, "x")
  }
  data$y <- apply_monotone(data$y, fy$f, fy$name, "y")
  data$transform <- list(x = if (is.function(x)) x else fx$name, y = if (is.function(y)) y else fy$name)
  data
}

# ---- internal helpers --------------------------------------------------------------------

monotone_maps <- list(
  identity = list(f = function(v) v, ok = function(v) TRUE, need = ""),
  log = list(f = log, ok = function(v) all(v > 0), need = "all values > 0"),
  log5 = list(f = function(v) log(v + 5), ok = function(v) all(v > -5), need = "all values > -5"),
  cubic = list(f = function(v) v + 0.5 * v^3, ok = function(v) TRUE, need = ""),
  exp = list(f = exp, ok = function(v) TRUE, need = ""),
  asinh = list(f = asinh, ok = function(v) TRUE, need = "")
)

resolve_monotone <- function(f, arg, call = sys.call(-1)) {
  if (is.function(f)) return(list(f = f, name = "custom", ok = function(v) TRUE, need = ""))
  name <- check_choice(f, names(monotone_maps), arg, call = call)
  c(monotone_maps[[name]], name = name)
}

apply_monotone <- function(v, f, name, arg, call = sys.call(-1)) {
  m <- if (name %in% names(monotone_maps)) monotone_maps[[name]] else NULL
  if (!is.null(m) && !m$ok(v)) {
    gmmmi_abort(sprintf("The \"%s\" map for `%s` needs %s.", name, arg, m$need), call = call)
  }
  out <- if (is.matrix(v)) {
    r <- apply(v, 2L, f)
    matrix(r, nrow = nrow(v), dimnames = dimnames(v))
  } else {
    f(v)
  }
  if (!is.numeric(out) || length(out) != length(v) || any(!is.finite(out))) {
    gmmmi_abort(sprintf("The map for `%s` must return finite numbers, one per value.", arg), call = call)
  }
  vm <- as.matrix(v)
  om <- as.matrix(out)
  for (j in seq_len(ncol(vm))) {
    o <- order(vm[, j])
    dv <- diff(vm[o, j])
    df <- diff(om[o, j])[dv > 0]
    if (length(df) > 0L && !(all(df > 0) || all(df < 0))) {
      gmmmi_abort(sprintf("The map for `%s` is not strictly monotone on the data, so it would change the MI.",
                          arg), call = call)
    }
  }
  out
}

truth_check_rho <- function(rho, scalar = TRUE, call = sys.call(-1)) {
  if (!is.numeric(rho) || length(rho) < 1L || (scalar && length(rho) != 1L) || anyNA(rho) ||
      any(rho <= -1 | rho >= 1)) {
    gmmmi_abort(sprintf("`rho` must be %s strictly between -1 and 1, not %s.",
                        if (scalar) "a single number" else "numbers", describe(rho)), call = call)
  }
  as.double(rho)
}

truth_check_positive <- function(x, arg, call = sys.call(-1)) {
  if (!is.numeric(x) || length(x) < 1L || anyNA(x) || any(!is.finite(x)) || any(x <= 0)) {
    gmmmi_abort(sprintf("`%s` must be positive finite number(s), not %s.", arg, describe(x)), call = call)
  }
  as.double(x)
}

# A symmetric positive-definite matrix (up to rounding); returns it exactly symmetrised.
truth_check_cov <- function(s, arg, min_dim = 1L, call = sys.call(-1)) {
  if (is.numeric(s) && length(s) == 1L && is.null(dim(s))) s <- matrix(s, 1, 1)
  if (!is.matrix(s) || !is.numeric(s) || nrow(s) != ncol(s) || any(!is.finite(s))) {
    gmmmi_abort(sprintf("`%s` must be a finite square numeric matrix, not %s.", arg, describe(s)), call = call)
  }
  if (ncol(s) < min_dim) {
    gmmmi_abort(sprintf("`%s` must be at least %d x %d.", arg, min_dim, min_dim), call = call)
  }
  storage.mode(s) <- "double"
  if (max(abs(s - t(s))) > 1e-10 * max(1, max(abs(s)))) {
    gmmmi_abort(sprintf("`%s` must be symmetric.", arg), call = call)
  }
  s <- (s + t(s)) / 2
  ev <- eigen(s, symmetric = TRUE, only.values = TRUE)$values
  if (min(ev) <= 1e-12 * max(abs(ev), .Machine$double.xmin)) {
    gmmmi_abort(sprintf("`%s` must be positive definite (smallest eigenvalue %s).", arg,
                        format(signif(min(ev), 3))), call = call)
  }
  dimnames(s) <- NULL
  s
}

# The mixture of toy_gmm() and mi_true_gmm(): list(weights, means = K x d matrix, covariances =
# list of K d x d matrices), from its parameters or from a "gmm" object passed as `weights`.
# The ground truth keeps its own pure-R density (truth_gmm_logdens()) and sampler
# (truth_sample_gmm()) on purpose, rather than the package's C++ mixture code (gmm_density(),
# simulate.gmm()): a truth computed by the code under test would share its bugs.
truth_check_gmm <- function(weights, means, covariances, call = sys.call(-1)) {
  if (inherits(weights, "gmm")) {
    if (!missing(means) || !missing(covariances)) {
      gmmmi_abort(paste("Give the mixture either as a \"gmm\" object in `weights` or as `weights`,",
                        "`means` and `covariances`, not both."), call = call)
    }
    check_gmm(weights, "weights", call = call)
    g <- weights
    d <- ncol(g$means)
    return(truth_check_gmm(unname(g$weights), unname(g$means),
                           lapply(seq_along(g$weights), function(i) matrix(g$covariances[, , i], d, d)),
                           call = call))
  }
  if (!is.numeric(weights) || length(weights) < 1L || any(!is.finite(weights)) || any(weights < 0) ||
      sum(weights) <= 0) {
    gmmmi_abort(sprintf("`weights` must be non-negative finite numbers with a positive sum, not %s.",
                        describe(weights)), call = call)
  }
  k <- length(weights)
  if (is.list(means)) {
    if (length(means) != k) gmmmi_abort(sprintf("`means` must have %d elements, one per weight.", k), call = call)
    if (!all(vapply(means, is.numeric, logical(1)))) {
      gmmmi_abort("`means` must be a numeric matrix, or a list of numeric vectors (one per weight).", call = call)
    }
    means <- do.call(rbind, lapply(means, as.numeric))
  } else if (is.numeric(means) && is.null(dim(means))) {
    if (length(means) != k) {
      gmmmi_abort(sprintf("`means` must be a K x d matrix (K = %d components); a vector means d = 1 and needs length %d.",
                          k, k), call = call)
    }
    means <- matrix(means, ncol = 1L)
  }
  if (!is.matrix(means) || !is.numeric(means) || nrow(means) != k || any(!is.finite(means))) {
    gmmmi_abort(sprintf("`means` must be a finite %d x d matrix, one row per component.", k), call = call)
  }
  d <- ncol(means)
  if (is.numeric(covariances) && is.null(dim(covariances)) && d == 1L) {
    covariances <- as.list(covariances)
  } else if (is.array(covariances) && length(dim(covariances)) == 3L) {
    covariances <- lapply(seq_len(dim(covariances)[3]), function(i) covariances[, , i])
  } else if (is.matrix(covariances) && k == 1L) {
    covariances <- list(covariances)
  }
  if (!is.list(covariances) || length(covariances) != k) {
    gmmmi_abort(sprintf("`covariances` must be a list of %d covariance matrices (%d x %d) or a %d x %d x %d array.",
                        k, d, d, d, d, k), call = call)
  }
  covariances <- lapply(seq_len(k), function(i) {
    s <- covariances[[i]]
    if (is.numeric(s) && length(s) == 1L) s <- matrix(s, 1, 1)
    s <- truth_check_cov(s, sprintf("covariances[[%d]]", i), call = call)
    if (ncol(s) != d) {
      gmmmi_abort(sprintf("`covariances[[%d]]` must be %d x %d to match `means`.", i, d, d), call = call)
    }
    s
  })
  weights <- as.double(weights) / sum(weights)
  list(weights = weights, means = unname(means * 1.0), covariances = covariances)
}

truth_gmm_block <- function(p, idx) {
  list(weights = p$weights, means = p$means[, idx, drop = FALSE],
       covariances = lapply(p$covariances, function(s) s[idx, idx, drop = FALSE]))
}

# log density of a Gaussian mixture at the rows of z (vectorised over rows, log-sum-exp over components)
truth_gmm_logdens <- function(z, p) {
  k <- length(p$weights)
  d <- ncol(z)
  l <- matrix(0, nrow(z), k)
  for (c in seq_len(k)) {
    if (p$weights[c] <= 0) {
      l[, c] <- -Inf
      next
    }
    r <- chol(p$covariances[[c]])
    u <- backsolve(r, t(z) - p$means[c, ], transpose = TRUE)
    l[, c] <- log(p$weights[c]) - 0.5 * (d * log(2 * pi) + logdet_chol(r) + colSums(u^2))
  }
  truth_logsumexp_rows(l)
}

# log(rowSums(exp(l))) without overflow, fast for many rows
truth_logsumexp_rows <- function(l) {
  if (ncol(l) == 1L) return(l[, 1L])
  mx <- do.call(pmax, lapply(seq_len(ncol(l)), function(j) l[, j]))
  mx[!is.finite(mx)] <- 0
  mx + log(rowSums(exp(l - mx)))
}

truth_sample_gmm <- function(n, p) {
  k <- length(p$weights)
  d <- ncol(p$means)
  comp <- sample.int(k, n, replace = TRUE, prob = p$weights)
  z <- matrix(stats::rnorm(n * d), n, d)
  for (c in seq_len(k)) {
    i <- which(comp == c)
    if (length(i) == 0L) next
    z[i, ] <- sweep(z[i, , drop = FALSE] %*% chol(p$covariances[[c]]), 2L, p$means[c, ], "+")
  }
  z
}

truth_check_categorical <- function(probs, means, sds, call = sys.call(-1)) {
  if (!is.numeric(probs) || length(probs) < 2L || any(!is.finite(probs)) || any(probs < 0) ||
      sum(probs) <= 0) {
    gmmmi_abort(sprintf("`probs` must be at least 2 non-negative finite numbers with a positive sum, not %s.",
                        describe(probs)), call = call)
  }
  C <- length(probs)
  if (!is.numeric(means) || length(means) != C || any(!is.finite(means))) {
    gmmmi_abort(sprintf("`means` must be %d finite numbers, one per class.", C), call = call)
  }
  if (length(sds) == 1L && is.numeric(sds)) sds <- rep(sds, C)
  if (!is.numeric(sds) || length(sds) != C || any(!is.finite(sds)) || any(sds <= 0)) {
    gmmmi_abort(sprintf("`sds` must be one positive number or %d, one per class.", C), call = call)
  }
  levels <- if (!is.null(names(probs)) && all(nzchar(names(probs))) && !anyDuplicated(names(probs))) {
    names(probs)
  } else {
    as.character(seq_len(C))
  }
  list(probs = as.double(probs) / sum(probs), means = as.double(means), sds = as.double(sds),
       levels = levels)
}

# Differential entropy of the 1-D Gaussian mixture sum_c pr_c N(mu_c, s_c^2), by adaptive
# quadrature between break points around every component.
truth_mixture_entropy <- function(pr, mu, s) {
  logp <- function(y) {
    l <- vapply(seq_along(pr), function(c) log(pr[c]) + stats::dnorm(y, mu[c], s[c], log = TRUE),
                numeric(length(y)))
    if (!is.matrix(l)) l <- matrix(l, nrow = length(y))
    truth_logsumexp_rows(l)
  }
  integrand <- function(y) {
    lp <- logp(y)
    out <- -exp(lp) * lp
    out[!is.finite(out)] <- 0
    out
  }
  br <- sort(unique(c(outer(mu, rep(1, 11)) + outer(s, c(-16, -8, -4, -2, -1, 0, 1, 2, 4, 8, 16)))))
  lo <- min(mu - 40 * s)
  hi <- max(mu + 40 * s)
  br <- c(lo, br, hi)
  h <- 0
  for (i in seq_len(length(br) - 1L)) {
    if (br[i + 1L] <= br[i]) next
    h <- h + stats::integrate(integrand, br[i], br[i + 1L], rel.tol = 1e-12, abs.tol = 0,
                              subdivisions = 1000L)$value
  }
  h
}
