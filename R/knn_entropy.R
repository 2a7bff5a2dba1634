# Kozachenko-Leonenko entropy (plain and weighted) and MI from kNN entropies. The exact neighbour
# search is in inst/include/gmmmi/knn.hpp; the helpers shared by the kNN estimators are in knn.R.

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
