# mi_matrix(): MI with its standard error between every column of x and every column of y.

#' Mutual information between every pair of columns
#'
#' Estimates the mutual information (with its standard error) between every column of `x` and
#' every column of `y`, or between every pair of columns of `x` when `y` is `NULL` (a symmetric
#' matrix with `NA` on the diagonal). This is the MI matrix used to interpret a representation:
#' latent variables (columns of `x`) against known generative factors (columns of `y`).
#'
#' **Column types.** Columns may be numeric or discrete (factor, character or logical columns of
#' a data frame). A pair with one discrete column uses the categorical form of the estimator:
#' the discrete column is passed as the estimator's `x` (MI is symmetric), which
#' `method = "gmm"` ([gmm_mi()]: one mixture per class), `"ksg"` ([mi_ksg()]: the mixed kNN
#' estimator) and `"sliced"` support; the other methods give an error for discrete columns. A
#' pair of two discrete columns gets the plug-in MI of their contingency table with the
#' Miller-Madow correction, \eqn{\hat I + (m_X + m_Y - m_{XY} - 1)/(2n)}{I + (m_X + m_Y - m_XY - 1) / (2n)}
#' (\eqn{m}{m}: non-empty cells), and the delta-method standard error, as in [mi_binned()].
#' A constant column carries no information: its MI is 0 with standard error 0.
#'
#' **Reproducibility.** One seed per pair is drawn up front from R's random number generator
#' (so [set.seed()] governs the result; or give `seed`), and each pair's estimator runs right
#' after `set.seed(pair_seed)`. The result is therefore the same whether the pairs run one
#' after the other, on any number of threads, or on any [future::plan()]. The caller's random
#' number stream advances only by the draw of the seeds.
#'
#' **Parallelism.** When the package future.apply is installed and a non-sequential
#' [future::plan()] is set (e.g. `future::plan(future::multisession, workers = 4)`, a cluster,
#' or a batch scheduler through future.batchtools), the pairs are spread over the workers with
#' [future.apply::future_lapply()]; each estimator then uses `n_threads` threads (1 if
#' `n_threads = NULL`, since the processes already use the cores). Otherwise the pairs run one
#' after the other and each estimator uses `n_threads` threads (its own parallel loops).
#' The workers must have gmmmi installed (the same version gives the same results).
#'
#' @param x A numeric matrix, or a data frame whose columns are numeric or discrete (factor,
#'   character, logical), with one row per sample; no missing values.
#' @param y `NULL` (all pairs of columns of `x`) or a matrix / data frame with as many rows as
#'   `x`.
#' @param method The estimator: one of the methods of [mi()] (`"gmm"`, the default; `"ksg"`,
#'   `"knn_entropy"`, `"binned"`, `"gaussian"`, `"sliced"`), or a function
#'   `function(x, y, ..., unit, n_threads)` returning a list with `estimate` and `std_error`.
#' @param ... Further arguments for the estimator (e.g. `n_bootstrap` for `"gmm"`, `k` for
#'   `"ksg"`). For `"gmm"`, `progress` defaults to `FALSE`.
#' @param unit `"nat"` (default) or `"bit"`: the unit of the estimates and standard errors.
#' @param n_threads Number of threads of each estimator call (see [gmmmi_threads()]); results
#'   do not depend on it.
#' @param seed `NULL` (draw the pair seeds from R's current random number stream) or a whole
#'   number fixing them without touching that stream.
#' @return An object of class `"mi_matrix"`: a list with
#'   * `estimate`, `std_error`: matrices (rows: columns of `x`; columns: columns of `y`, or of
#'     `x` when `y = NULL`), with the column names as dimnames;
#'   * `entropy`: for each column of `y` (of `x` when `y = NULL`), the plug-in entropy of a
#'     discrete column in `unit` (`NA` for numeric columns), used by [mig()];
#'   * `discrete_x`, `discrete_y`: which columns are discrete;
#'   * `symmetric`, `method`, `unit`, `n`, `seeds` (the matrix of pair seeds), `call`.
#'
#'   Methods: `print()`, `as.data.frame()` (long form: `row`, `col`, `estimate`, `std_error`)
#'   and `plot()` (a heatmap with the values in the cells, see [plot.mi_matrix()]).
#' @seealso [mig()] and [modularity()] for disentanglement scores from the matrix.
#' @examples
#' set.seed(1)
#' n <- 500
#' f <- data.frame(size = rnorm(n), shape = factor(sample(c("a", "b", "c"), n, TRUE)))
#' z <- cbind(z1 = f$size + 0.3 * rnorm(n), z2 = as.integer(f$shape) + 0.3 * rnorm(n),
#'            z3 = rnorm(n))
#' m <- mi_matrix(z, f, method = "ksg", n_threads = 1)
#' m
#' as.data.frame(m)
#' plot(m)
#' @export
mi_matrix <- function(x, y = NULL, method = "gmm", ..., unit = c("nat", "bit"), n_threads = NULL,
                      seed = NULL) {
  call <- match.call()
  unit <- check_unit(unit)
  if (!is.null(n_threads)) n_threads <- check_count(n_threads, "n_threads", min = 1)
  if (!is.null(seed)) seed <- check_count(seed, "seed", min = 0, max = .Machine$integer.max)
  A <- repr_columns(x, "x")
  symmetric <- is.null(y)
  B <- if (symmetric) A else repr_columns(y, "y")
  n <- repr_nrow(A[[1L]])
  if (!symmetric && repr_nrow(B[[1L]]) != n) {
    gmmmi_abort(sprintf("`x` and `y` must have the same number of rows (%d and %d).",
                        n, repr_nrow(B[[1L]])))
  }
  if (symmetric && length(A) < 2L) gmmmi_abort("`x` must have at least two columns when `y` is NULL.")
  if (n < 4L) gmmmi_abort(sprintf("`x` must have at least 4 rows, not %d.", n))
  spec <- repr_spec(method, list(...), unit, n_threads)
  disc_a <- vapply(A, is.factor, logical(1))
  disc_b <- vapply(B, is.factor, logical(1))
  if (!spec$factor_ok && (any(disc_a) || any(disc_b))) {
    mixed <- outer(disc_a, disc_b, xor)
    if (symmetric) diag(mixed) <- FALSE
    if (any(mixed)) {
      gmmmi_abort(sprintf("`method = \"%s\"` does not accept discrete columns (%s); use \"gmm\", \"ksg\" or \"sliced\".",
                          spec$method, paste(c(names(A)[disc_a], if (!symmetric) names(B)[disc_b]),
                                             collapse = ", ")))
    }
  }
  pairs <- if (symmetric) {
    which(upper.tri(matrix(0, length(A), length(A))), arr.ind = TRUE)
  } else {
    as.matrix(expand.grid(row = seq_along(A), col = seq_along(B)))
  }
  pairs <- pairs[order(pairs[, 1L], pairs[, 2L]), , drop = FALSE]
  seeds <- repr_draw_seeds(nrow(pairs), seed)
  tasks <- lapply(seq_len(nrow(pairs)), function(i) {
    list(a = pairs[i, 1L], b = pairs[i, 2L], rows = NULL, seed = seeds[i])
  })
  vals <- repr_run(tasks, A, B, spec)
  dn <- list(names(A), names(B))
  est <- se <- seed_m <- matrix(NA_real_, length(A), length(B), dimnames = dn)
  for (i in seq_along(tasks)) {
    r <- pairs[i, 1L]
    cc <- pairs[i, 2L]
    est[r, cc] <- vals[[i]][1L]
    se[r, cc] <- vals[[i]][2L]
    seed_m[r, cc] <- seeds[i]
    if (symmetric) {
      est[cc, r] <- vals[[i]][1L]
      se[cc, r] <- vals[[i]][2L]
      seed_m[cc, r] <- seeds[i]
    }
  }
  entropy <- vapply(B, function(v) if (is.factor(v)) repr_entropy(v) * unit_scale(unit) else NA_real_,
                    numeric(1))
  structure(list(estimate = est, std_error = se, entropy = entropy, discrete_x = disc_a,
                 discrete_y = disc_b, symmetric = symmetric,
                 method = if (is.function(method)) "custom" else spec$method, unit = unit, n = n,
                 seeds = seed_m, call = call),
            class = "mi_matrix")
}

#' @rdname mi_matrix
#' @param digits Number of decimals printed.
#' @export
print.mi_matrix <- function(x, digits = 3, ...) {
  cat(sprintf("MI matrix (%s), %d x %d, n = %d, unit: %s\n", x$method, nrow(x$estimate),
              ncol(x$estimate), x$n, x$unit))
  cell <- matrix(ifelse(is.na(x$estimate), "",
                        ifelse(is.na(x$std_error), formatC(x$estimate, digits = digits, format = "f"),
                               paste0(formatC(x$estimate, digits = digits, format = "f"), " (",
                                      formatC(x$std_error, digits = digits, format = "f"), ")"))),
                 nrow(x$estimate), dimnames = dimnames(x$estimate))
  print(noquote(cell), right = TRUE)
  cat("Cells: estimate (standard error).\n")
  invisible(x)
}

#' @rdname mi_matrix
#' @param row.names,optional Ignored.
#' @export
as.data.frame.mi_matrix <- function(x, row.names = NULL, optional = FALSE, ...) {
  rn <- rownames(x$estimate)
  cn <- colnames(x$estimate)
  idx <- expand.grid(i = seq_along(rn), j = seq_along(cn))
  out <- data.frame(row = rn[idx$i], col = cn[idx$j], estimate = x$estimate[cbind(idx$i, idx$j)],
                    std_error = x$std_error[cbind(idx$i, idx$j)], stringsAsFactors = FALSE)
  if (x$symmetric) out <- out[idx$i < idx$j, , drop = FALSE]
  rownames(out) <- NULL
  out
}

#' Heatmap of an MI matrix
#'
#' Draws the matrix with [graphics::image()] (rows of the matrix from top to bottom, darker is
#' more information) and writes each estimate (and, with `se = TRUE`, its standard error) in
#' its cell.
#'
#' @param x An `"mi_matrix"` object.
#' @param se Also write the standard errors.
#' @param digits Number of decimals written.
#' @param col Colour palette.
#' @param zlim Range of the colour scale (default: 0 to the largest estimate).
#' @param main,xlab,ylab Titles.
#' @param cex Size of the numbers.
#' @param ... Passed to [graphics::image()].
#' @return `x`, invisibly.
#' @examples
#' set.seed(2)
#' z <- matrix(rnorm(600), 200)
#' f <- cbind(a = z[, 1] + rnorm(200), b = z[, 2] - z[, 3] + rnorm(200))
#' plot(mi_matrix(z, f, method = "gaussian"))
#' @export
plot.mi_matrix <- function(x, se = FALSE, digits = 2,
                           col = grDevices::hcl.colors(64, "YlOrRd", rev = TRUE), zlim = NULL,
                           main = NULL, xlab = "", ylab = "", cex = 0.8, ...) {
  est <- x$estimate
  nr <- nrow(est)
  nc <- ncol(est)
  if (is.null(zlim)) zlim <- c(0, max(c(est, 1e-12), na.rm = TRUE))
  if (is.null(main)) main <- sprintf("Mutual information (%s, %s)", x$method, x$unit)
  shown <- pmin(pmax(est, zlim[1]), zlim[2])
  graphics::image(seq_len(nc), seq_len(nr), t(shown[nr:1, , drop = FALSE]), col = col, zlim = zlim,
                  axes = FALSE, main = main, xlab = xlab, ylab = ylab, ...)
  graphics::axis(1, at = seq_len(nc), labels = colnames(est), tick = FALSE,
                 las = if (max(nchar(colnames(est))) <= 8) 1 else 2)
  graphics::axis(2, at = seq_len(nr), labels = rev(rownames(est)), tick = FALSE, las = 1)
  graphics::box()
  lab <- formatC(as.vector(est), digits = digits, format = "f")
  if (se) lab <- paste0(lab, "\n(", formatC(as.vector(x$std_error), digits = digits, format = "f"), ")")
  lab[is.na(as.vector(est))] <- ""
  lab <- matrix(lab, nr, nc)
  dark <- !is.na(est) & (est - zlim[1]) > 0.6 * diff(zlim)
  ij <- expand.grid(i = seq_len(nr), j = seq_len(nc))
  graphics::text(ij$j, nr + 1 - ij$i, labels = lab[cbind(ij$i, ij$j)], cex = cex,
                 col = ifelse(dark[cbind(ij$i, ij$j)], "white", "black"))
  invisible(x)
}
