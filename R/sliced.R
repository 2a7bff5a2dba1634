#' Sliced mutual information
#'
#' Estimates the sliced mutual information (SMI) of Goldfeld & Greenewald (2021): the average,
#' over random directions \eqn{\theta} (uniform on the unit sphere of \eqn{R^{d_x}}) and
#' \eqn{\phi} (uniform on the sphere of \eqn{R^{d_y}}, drawn independently), of the MI between
#' the one-dimensional projections \eqn{\theta^\top X} and \eqn{\phi^\top Y}. SMI is zero exactly
#' when X and Y are independent, never exceeds the MI, and stays estimable in dimensions where
#' direct MI estimators fail, which makes it suited to wide layers and latent spaces. With
#' `slice_dim = k > 1`, X and Y are projected onto Haar-random `k`-dimensional orthonormal
#' frames (k-sliced MI).
#'
#' Each slice's MI is estimated with a base estimator (`base`); the estimate is the mean
#' over the `n_slices` slices and `std_error` is the Monte Carlo error over slices,
#' `sd(slices) / sqrt(n_slices)`. It measures how much the average over random slices
#' would move with other random slices; it does not include the estimation error of each
#' slice's MI (which averages down over slices but whose bias does not).
#'
#' Columns are **not** standardised: SMI depends on the geometry of x and y (it is invariant to
#' rotations, not to general linear maps). Each one-dimensional projection is standardised by the
#' base estimator where that matters (KSG).
#'
#' The "ksg" base with `slice_dim = 1` and continuous x runs in C++: slices are estimated in parallel,
#' each with an O(n log n) one-dimensional KSG, and each slice's value is written to its own slot,
#' so results do not depend on `n_threads`. Directions are drawn serially from R's random number
#' generator, so [set.seed()] reproduces them; pass `directions =` (a previous result, or its
#' `$directions`) to reuse the same slices across calls, e.g. to compare layers or epochs fairly.
#'
#' @param x Numeric vector, matrix or data frame (rows are samples), or a factor / character
#'   vector for a discrete x (then only y is projected and the base estimator must handle a
#'   discrete x: "ksg" uses the mixed kNN estimator, "gmm" the categorical GMM-MI).
#' @param y Numeric vector, matrix or data frame with the same number of rows.
#' @param n_slices Number of random slices (pairs of directions). Formerly `n_projections`.
#' @param slice_dim Dimension of the random subspaces (1 for sliced MI; > 1 for k-sliced MI).
#'   Must not exceed the dimension of x (continuous) or y. Formerly `k`, which now means the
#'   number of neighbours everywhere: give the base KSG's as `base_args = list(k = 5)`.
#' @param base Base MI estimator for each slice: "ksg" ([mi_ksg()]), "knn_entropy"
#'   ([mi_knn_entropy()]), "binned" ([mi_binned()], `slice_dim = 1` only), "gmm" ([gmm_mi()]
#'   without bootstrap, slow) or "gaussian" (MI of the Gaussian with the slice's sample
#'   covariance, exact for Gaussian data and very fast). Formerly `estimator` (it is not called
#'   `method` so that `mi(x, y, method = "sliced", base = "gaussian")` can choose it).
#' @param base_args Named list of arguments passed to the base estimator (e.g.
#'   `list(k = 5)` for the number of KSG neighbours; the default KSG uses `k = 3`). Formerly
#'   `estimator_args`.
#' @param directions Reuse slices: a previous `"mi_sliced"` result (fitted with
#'   `keep_directions = TRUE`) or a list with elements `x` and `y` (for discrete x only `y`):
#'   for `k = 1`, matrices with one unit-norm column per slice (`dx x m`, `dy x m`); for `k > 1`,
#'   arrays `dx x k x m` of orthonormal frames. `n_slices` is then taken from them.
#' @param orthogonal If `TRUE`, directions are drawn in blocks of mutually orthogonal directions
#'   (from the QR factorisation of a Gaussian matrix) rather than independently; each is still
#'   uniform on the sphere.
#' @param keep_directions Return the directions in the result (needed to reuse them).
#' @param unit "nat" (default) or "bit".
#' @param na.rm Drop incomplete rows with a warning (`TRUE`) or stop (`FALSE`).
#' @param discrete `NULL` (detect), `TRUE` / `FALSE`, or a named logical such as `c(x = TRUE)`;
#'   see [gmmmi_discrete]. A discrete `x` or `y` (one variable) is used as class labels; a pair
#'   of discrete variables gets the plug-in MI of their table (which equals the sliced MI for
#'   one-dimensional variables).
#' @param n_threads Number of threads (see [gmmmi_threads()]).
#' @param progress Show a progress bar (with a percentage) over the slices (default: in
#'   interactive sessions, unless `options(gmmmi.progress = FALSE)`). The C++ sliced KSG then
#'   runs its slices in batches, the bar moving between them; the values are the same.
#' @param seed `NULL` (draw the directions from R's random number stream, so [set.seed()]
#'   reproduces them) or a whole number fixing them without touching that stream.
#' @param ... Further arguments for the base estimator (merged into `base_args`). The old
#'   names `n_projections`, `k`, `estimator` and `estimator_args` are still accepted here, with
#'   a warning of class `"gmmmi_warning_deprecated"`.
#' @return An object of class `c("mi_sliced", "gmmmi_estimate")` with `estimate`, `std_error`,
#'   `slices` (the per-slice values, in `unit`), `directions` (when kept), `unit`, `method`,
#'   `n`, `n_slices`, `slice_dim`, `base`, `settings`, `call`.
#' @references Goldfeld, Z. and Greenewald, K. (2021). Sliced mutual information: a scalable
#'   measure of statistical dependence. NeurIPS 34. arXiv:2110.05279.
#' @seealso [smi_gaussian()] for the exact value for Gaussian data.
#' @examples
#' set.seed(1)
#' n <- 1000
#' z <- matrix(rnorm(n * 3), n)
#' x <- z + matrix(rnorm(n * 3), n)
#' y <- z[, 1:2] + matrix(rnorm(n * 2), n)
#' s <- mi_sliced(x, y, n_slices = 200, base = "gaussian")
#' s
#' @export
mi_sliced <- function(x, y, n_slices = 1000, slice_dim = 1,
                      base = c("ksg", "knn_entropy", "binned", "gmm", "gaussian"),
                      base_args = list(), ..., directions = NULL, orthogonal = FALSE,
                      keep_directions = FALSE, unit = c("nat", "bit"), na.rm = TRUE,
                      discrete = NULL, n_threads = NULL, progress = interactive(), seed = NULL) {
  # `...` comes before the options so that an old `k =` is not partially matched to `keep_directions`
  call <- match.call()
  dots <- list(...)
  # the old names (deprecated): they reach `...`
  old <- deprecated_dots(dots, c(n_projections = "n_slices", k = "slice_dim", estimator = "base",
                                 estimator_args = "base_args"), "mi_sliced", call = call,
                         notes = c(k = "`k` was the slice dimension; a base KSG's neighbours go in `base_args = list(k = ...)`."))
  dots <- old$dots
  if (!is.null(old$values[["n_slices"]])) n_slices <- old$values[["n_slices"]]
  if (!is.null(old$values[["slice_dim"]])) slice_dim <- old$values[["slice_dim"]]
  if (!is.null(old$values[["base"]])) base <- old$values[["base"]]
  if (!is.null(old$values[["base_args"]])) base_args <- old$values[["base_args"]]
  seed_argument(seed)
  progress <- check_flag(progress, "progress")
  estimator <- check_choice(base, estimator_slice_bases(), "base")
  entry <- estimator_entry(estimator)
  unit <- check_unit(unit)
  k <- check_count(slice_dim, "slice_dim", min = 1, max = gmmmi_limits$dimension)
  orthogonal <- check_flag(orthogonal, "orthogonal")
  keep_directions <- check_flag(keep_directions, "keep_directions")
  na.rm <- check_flag(na.rm, "na.rm")
  n_threads <- gmmmi_threads(n_threads)
  if (!is.list(base_args) || (length(base_args) > 0L && is.null(names(base_args)))) {
    gmmmi_abort("`base_args` must be a named list.")
  }
  estimator_args <- utils::modifyList(base_args, dots)

  dp <- discrete_pair(x, y, discrete, call = call)
  if (dp$pair == "discrete") {
    res <- mi_discrete_pair(dp$x, dp$y, unit, call, "sliced")
    res$quantity <- "mutual information"
    return(res)
  }
  if (dp$pair == "categorical") {
    x <- dp$x
    y <- dp$y
  }
  disc_x <- is.factor(x) || is.character(x)
  if (disc_x) {
    x <- droplevels(as.factor(x))
  } else {
    x <- as_data_matrix(x, "x")
  }
  y <- as_data_matrix(y, "y")
  nx <- if (disc_x) length(x) else nrow(x)
  if (nx != nrow(y)) {
    gmmmi_abort(sprintf("`x` and `y` must have the same number of rows (%d vs %d).", nx, nrow(y)))
  }
  ok <- stats::complete.cases(y) & (if (disc_x) !is.na(x) else stats::complete.cases(x))
  if (!all(ok)) {
    if (!na.rm) gmmmi_abort(sprintf("`x` or `y` has %d incomplete rows; set `na.rm = TRUE` to drop them.", sum(!ok)))
    gmmmi_warn(sprintf("Dropped %d incomplete row(s) of %d.", sum(!ok), length(ok)))
    y <- y[ok, , drop = FALSE]
    x <- if (disc_x) droplevels(x[ok]) else x[ok, , drop = FALSE]
  }
  n <- nrow(y)
  if (n < 10L) gmmmi_abort(sprintf("`y` must have at least 10 complete rows, not %d.", n))
  dx <- if (disc_x) NA_integer_ else ncol(x)
  dy <- ncol(y)
  # one-dimensional x and y: every slice is +-x against +-y
  if (!disc_x && dx == 1L && dy == 1L) warn_if_dependent(x, y)
  if (!disc_x && k > dx) gmmmi_abort(sprintf("`slice_dim` (%d) must not exceed the dimension of `x` (%d).", k, dx))
  if (k > dy) gmmmi_abort(sprintf("`slice_dim` (%d) must not exceed the dimension of `y` (%d).", k, dy))
  if (k > entry$slice$max_dim) gmmmi_abort(sprintf('`base = "%s"` needs `slice_dim = 1`.', estimator))
  if (!entry$discrete && disc_x) {
    gmmmi_abort(sprintf('`base = "%s"` needs a continuous `x`; use "ksg" or "gmm" for a discrete `x`.', estimator))
  }
  if (disc_x && nlevels(x) < 2L) gmmmi_abort("`x` must have at least two classes.")

  if (is.null(directions)) {
    n_projections <- check_count(n_slices, "n_slices", min = 1, max = gmmmi_limits$n_projections)
    # Directions are drawn serially on the main thread from R's RNG: x first, then y.
    directions <- list(
      x = if (!disc_x) draw_frames(dx, k, n_projections, orthogonal),
      y = draw_frames(dy, k, n_projections, orthogonal)
    )
  } else {
    directions <- check_directions(directions, dx, dy, k, disc_x)
    n_projections <- if (k == 1L) ncol(directions$y) else dim(directions$y)[3]
  }

  if (entry$knn &&
      anyDuplicated(if (disc_x) cbind(as.integer(x), y) else cbind(x, y)) > 0L) {
    gmmmi_warn(paste("`x` and `y` contain duplicated rows: projections of duplicates are duplicates,",
                     "and kNN estimators are biased upward by them."))
  }
  bar <- progress_bar(n_projections, sprintf("Sliced MI: %d slice%s (%s)", n_projections,
                                             if (n_projections == 1L) "" else "s", estimator),
                      show_progress(progress))
  on.exit(bar$close(), add = TRUE)
  values <- slice_values(x, y, directions, k, estimator, estimator_args, disc_x, n_threads, bar)
  bar$close()
  if (any(!is.finite(values))) {
    gmmmi_abort(sprintf("The base estimator returned %d non-finite slice value(s).", sum(!is.finite(values))),
                class = "gmmmi_error_numeric")
  }
  values <- values * unit_scale(unit)
  m <- length(values)
  se <- if (m > 1L) stats::sd(values) / sqrt(m) else NA_real_
  new_mi_estimate(
    mean(values), se, unit, method = paste0("sliced/", estimator), n = n,
    quantity = if (k == 1L) "sliced mutual information" else sprintf("%d-sliced mutual information", k),
    settings = c(list(n_slices = m, slice_dim = k, base = estimator, orthogonal = orthogonal),
                 estimator_args),
    call = call, slices = values, n_slices = m, slice_dim = k, base = estimator,
    directions = if (keep_directions) directions else NULL, treatment = dp$pair, swapped = dp$swapped,
    class = "mi_sliced"
  )
}

# Random frames: for k = 1 a d x m matrix of unit columns, else a d x k x m array of orthonormal
# k-frames, each uniform (Haar). With orthogonal = TRUE, frames come in blocks of mutually
# orthogonal frames cut from one Haar-random d x d orthogonal matrix.
draw_frames <- function(d, k, m, orthogonal) {
  if (!orthogonal) {
    if (k == 1L) {
      g <- matrix(stats::rnorm(d * m), d, m)
      return(sweep(g, 2L, sqrt(colSums(g^2)), "/"))
    }
    out <- array(0, c(d, k, m))
    for (s in seq_len(m)) out[, , s] <- haar_frame(d, k)
    return(out)
  }
  per_block <- d %/% k
  n_blocks <- ceiling(m / per_block)
  out <- array(0, c(d, k, n_blocks * per_block))
  for (b in seq_len(n_blocks)) {
    q <- haar_frame(d, per_block * k)
    for (j in seq_len(per_block)) {
      out[, , (b - 1L) * per_block + j] <- q[, (j - 1L) * k + seq_len(k), drop = FALSE]
    }
  }
  out <- out[, , seq_len(m), drop = FALSE]
  if (k == 1L) matrix(out, d, m) else out
}

# A Haar-random d x k matrix with orthonormal columns: QR of a Gaussian matrix with the signs of
# R's diagonal moved into Q (without the sign fix, QR is not Haar distributed).
haar_frame <- function(d, k) {
  g <- matrix(stats::rnorm(d * k), d, k)
  qrg <- qr(g)
  q <- qr.Q(qrg)
  s <- sign(diag(qr.R(qrg)))
  s[s == 0] <- 1
  q %*% diag(s, nrow = k)
}

check_directions <- function(directions, dx, dy, k, discrete) {
  if (inherits(directions, "mi_sliced")) {
    if (is.null(directions$directions)) {
      gmmmi_abort("`directions` is an mi_sliced result without directions; fit it with `keep_directions = TRUE`.")
    }
    directions <- directions$directions
  }
  if (!is.list(directions) || is.null(directions$y) || (!discrete && is.null(directions$x))) {
    gmmmi_abort("`directions` must be a list with elements `x` and `y` (only `y` for a discrete `x`).")
  }
  check_one <- function(d_mat, d, what) {
    ok <- if (k == 1L) is.matrix(d_mat) && nrow(d_mat) == d else
      is.array(d_mat) && length(dim(d_mat)) == 3L && all(dim(d_mat)[1:2] == c(d, k))
    if (!ok || !is.numeric(d_mat) || anyNA(d_mat)) {
      shape <- if (k == 1L) sprintf("a %d x m matrix", d) else sprintf("a %d x %d x m array", d, k)
      gmmmi_abort(sprintf("`directions$%s` must be %s of unit-norm directions for k = %d.", what, shape, k))
    }
    if (k == 1L && any(abs(colSums(d_mat^2) - 1) > 1e-8)) {
      gmmmi_abort(sprintf("`directions$%s` must have unit-norm columns.", what))
    }
    d_mat
  }
  out <- list(x = if (!discrete) check_one(directions$x, dx, "x"), y = check_one(directions$y, dy, "y"))
  n_sl <- vapply(Filter(Negate(is.null), out), function(d_mat) if (k == 1L) ncol(d_mat) else dim(d_mat)[3], numeric(1))
  if (any(n_sl < 1)) gmmmi_abort("`directions` must hold at least one slice (it has none).")
  mx <- if (!discrete) (if (k == 1L) ncol(out$x) else dim(out$x)[3])
  my <- if (k == 1L) ncol(out$y) else dim(out$y)[3]
  if (!discrete && mx != my) gmmmi_abort("`directions$x` and `directions$y` must hold the same number of slices.")
  out
}

slice_frame <- function(dirs, s, k) if (k == 1L) dirs[, s, drop = FALSE] else dirs[, , s]

# bar: a progress_bar() over the m slices.
slice_values <- function(x, y, directions, k, estimator, args, discrete, n_threads,
                         bar = progress_bar(0, show = FALSE)) {
  m <- if (k == 1L) ncol(directions$y) else dim(directions$y)[3]
  if (!discrete && k == 1L && estimator == "ksg") {
    extra <- setdiff(names(args), c("k", "variant"))
    if (length(extra) > 0L) {
      gmmmi_abort(sprintf("`base_args` for the sliced KSG accepts `k` and `variant`, not %s.",
                          paste0("`", extra, "`", collapse = ", ")))
    }
    kn <- check_count(if (is.null(args$k)) 3L else args$k, "base_args$k", min = 1, max = nrow(y) - 1)
    variant <- check_count(if (is.null(args$variant)) 1L else args$variant, "base_args$variant", min = 1, max = 2)
    if (!bar$active) return(.sliced_ksg(x, y, directions$x, directions$y, kn, variant, n_threads))
    # with a bar: batches of slices (each slice's value does not depend on the others), at
    # least 4 per thread and at most 50 batches
    size <- max(4L * n_threads, ceiling(m / 50))
    vals <- numeric(m)
    for (idx in split(seq_len(m), ceiling(seq_len(m) / size))) {
      vals[idx] <- .sliced_ksg(x, y, directions$x[, idx, drop = FALSE], directions$y[, idx, drop = FALSE],
                               kn, variant, n_threads)
      bar$tick(max(idx))
    }
    return(vals)
  }
  if (estimator == "gaussian") {
    vals <- sliced_gaussian_values(x, y, directions, k)  # closed form, all slices at once
    bar$tick(m)
    return(vals)
  }
  # any other base: its estimator from the registry, called on each slice without its standard
  # error or bar (the caller's `args` override)
  entry <- estimator_entry(estimator)
  slice <- entry$slice
  est <- estimator_fun(estimator)
  # the slices keep the kinds decided for x and y (a projection is not re-classified), and their
  # warnings are aggregated into one
  if (is.null(args$discrete)) args$discrete <- c(x = discrete, y = FALSE)
  a <- utils::modifyList(c(entry$no_std_error, if (slice$threads) list(n_threads = n_threads),
                           if (entry$progress) list(progress = FALSE)), args)
  fun <- function(px, py) {
    if (slice$vectors) {
      px <- as.vector(px)
      py <- as.vector(py)
    }
    do.call(est, c(list(px, py), a))$estimate
  }
  warns <- character()
  vals <- withCallingHandlers(vapply(seq_len(m), function(s) {
    py <- y %*% slice_frame(directions$y, s, k)
    px <- if (discrete) x else x %*% slice_frame(directions$x, s, k)
    v <- fun(px, py)
    bar$tick(s)
    v
  }, numeric(1)), warning = function(w) {
    warns <<- c(warns, conditionMessage(w))
    invokeRestart("muffleWarning")
  })
  bar$close()  # before the aggregated warning
  if (length(warns)) {
    u <- unique(warns)
    gmmmi_warn(sprintf("%d of %d slice estimates raised warnings (%d distinct), e.g.: %s",
                       length(warns), m, length(u), u[1]), call = NULL)
  }
  vals
}

# MI of the Gaussian with each slice's sample covariance, from the full sample covariance.
sliced_gaussian_values <- function(x, y, directions, k) {
  # one factor per block keeps the geometry (SMI is invariant to scaling x or y as a whole)
  x <- rescale_extreme(x, per_column = FALSE)
  y <- rescale_extreme(y, per_column = FALSE)
  s <- stats::cov(cbind(x, y))
  dx <- ncol(x)
  sxx <- s[seq_len(dx), seq_len(dx), drop = FALSE]
  syy <- s[-seq_len(dx), -seq_len(dx), drop = FALSE]
  sxy <- s[seq_len(dx), -seq_len(dx), drop = FALSE]
  if (k == 1L) {
    th <- directions$x
    ph <- directions$y
    num <- colSums(th * (sxy %*% ph))
    vx <- colSums(th * (sxx %*% th))
    vy <- colSums(ph * (syy %*% ph))
    r2 <- pmin(num^2 / (vx * vy), 1 - 1e-15)
    return(gaussian_mi_r2(r2))
  }
  m <- dim(directions$y)[3]
  vapply(seq_len(m), function(j) {
    a <- directions$x[, , j]
    b <- directions$y[, , j]
    cx <- crossprod(a, sxx %*% a)
    cy <- crossprod(b, syy %*% b)
    cxy <- crossprod(a, sxy %*% b)
    joint <- rbind(cbind(cx, cxy), cbind(t(cxy), cy))
    gaussian_mi_logdets(logdet_lu(cx), logdet_lu(cy), logdet_lu(joint))
  }, numeric(1))
}

#' @export
print.mi_sliced <- function(x, digits = 4, ...) {
  NextMethod()
  cat(sprintf("  %d slices (slice_dim = %d), base estimator \"%s\"; std_error is the Monte Carlo error over slices\n",
              x$n_slices, x$slice_dim, x$base))
  invisible(x)
}

#' Plot a sliced MI estimate
#'
#' Two panels: the distribution of the per-slice MI values (with the estimate), and the running
#' mean against the number of slices with a band of +-2 Monte Carlo standard errors, which shows
#' whether `n_slices` was enough.
#'
#' @param x An `"mi_sliced"` result.
#' @param ... Passed to [graphics::hist()] for the first panel, overriding its defaults (e.g.
#'   `main`, `xlab`, `col`, `breaks`).
#' @return `x`, invisibly.
#' @examples
#' set.seed(2)
#' x <- matrix(rnorm(600), 300)
#' y <- x[, 1] + rnorm(300)
#' plot(mi_sliced(x, y, n_slices = 100, base = "gaussian"))
#' @export
plot.mi_sliced <- function(x, ...) {
  op <- graphics::par(mfrow = c(1, 2))
  on.exit(graphics::par(op))
  v <- x$slices
  plot_with(graphics::hist, list(x = v, breaks = "FD", main = "Per-slice MI", xlab = sprintf("MI (%s)", x$unit),
                                 col = "grey85", border = "white"), list(...))
  graphics::abline(v = x$estimate, col = "firebrick", lwd = 2)
  m <- length(v)
  idx <- seq_len(m)
  run <- cumsum(v) / idx
  run_sd <- vapply(idx, function(i) if (i > 1L) stats::sd(v[seq_len(i)]) else NA_real_, numeric(1))
  band <- 2 * run_sd / sqrt(idx)
  graphics::plot(idx, run, type = "n", ylim = range(c(run - band, run + band), na.rm = TRUE),
                 xlab = "number of slices", ylab = sprintf("running mean (%s)", x$unit),
                 main = "Convergence over slices")
  ok <- is.finite(band)
  graphics::polygon(c(idx[ok], rev(idx[ok])), c((run + band)[ok], rev((run - band)[ok])),
                    col = grDevices::adjustcolor("steelblue", 0.3), border = NA)
  graphics::lines(idx, run, col = "steelblue4", lwd = 2)
  graphics::abline(h = x$estimate, lty = 2)
  invisible(x)
}
