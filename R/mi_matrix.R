# mi_matrix(): MI with its standard error between every column of x and every column of y.

#' Mutual information between every pair of columns
#'
#' Estimates the mutual information (with its standard error) between every column of `x` and
#' every column of `y`, or between every pair of columns of `x` when `y` is `NULL` (a symmetric
#' matrix with `NA` on the diagonal). This is the MI matrix used to interpret a representation:
#' latent variables (columns of `x`) against known generative factors (columns of `y`).
#'
#' **Column types.** Columns may be numeric or discrete (factor, character or logical columns of
#' a data frame, or numeric columns detected as discrete by the rule of [gmmmi_discrete]). A
#' pair with one discrete column uses the categorical form of the estimator (the discrete
#' column is passed as the estimator's `x`; MI is symmetric); `method = "gaussian"` has none, so
#' such cells are `NA` with the flag `unsupported` and a warning. A
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
#'   character, logical), with one row per sample. Missing values are allowed: each cell uses
#'   the rows where both of its columns are observed (pairwise deletion, as
#'   `cor(use = "pairwise.complete.obs")`; `n_complete` gives the numbers).
#' @param y `NULL` (all pairs of columns of `x`) or a matrix / data frame with as many rows as
#'   `x`.
#' @param method The estimator: one of the methods of [mi()] (`"gmm"`, the default; `"ksg"`,
#'   `"knn_entropy"`, `"binned"`, `"gaussian"`, `"sliced"`), or a function
#'   `function(x, y, ..., unit, n_threads)` returning a list with `estimate` and `std_error`.
#' @param ... Further arguments for the estimator (e.g. `n_bootstrap` for `"gmm"`, `k` for
#'   `"ksg"`). The estimators' own progress bars are off (see `progress`).
#' @param unit `"nat"` (default) or `"bit"`: the unit of the estimates and standard errors.
#' @param discrete `NULL` (detect discrete columns by the rule of [gmmmi_discrete]), `TRUE` /
#'   `FALSE` for every column, a character vector of column names to treat as discrete, or a
#'   logical named by column (e.g. `c(carb = FALSE, gear = TRUE)`).
#' @param test Add a permutation test of independence per cell ([mi_test()], with the cell's
#'   seed): `p_value`, `p_adjusted` and `null_mean` matrices.
#' @param n_permutations Shuffles per cell when `test = TRUE`.
#' @param p_adjust Multiple-testing adjustment over the distinct cells, one of
#'   [stats::p.adjust.methods] (default `"holm"`; `"BH"` for the false discovery rate, `"none"`).
#' @param n_threads Number of threads of each estimator call (see [gmmmi_threads()]); results
#'   do not depend on it.
#' @param seed `NULL` (draw the pair seeds from R's current random number stream) or a whole
#'   number fixing them without touching that stream.
#' @param progress Show one progress bar (with a percentage) over all cells (default: in
#'   interactive sessions, unless `options(gmmmi.progress = FALSE)`); with `test = TRUE`, a
#'   second, labelled bar over the permutation tests. The estimators' own bars are off. Under a
#'   [future::plan()] the cells are sent in up to 10 batches and the bar moves between them.
#' @return An object of class `"mi_matrix"`: a list with
#'   * `estimate`, `std_error`: matrices (rows: columns of `x`; columns: columns of `y`, or of
#'     `x` when `y = NULL`), with the column names as dimnames;
#'   * `entropy`: for each column of `y` (of `x` when `y = NULL`), the plug-in entropy of a
#'     discrete column in `unit` (`NA` for numeric columns), used by [mig()];
#'   * `discrete_x`, `discrete_y`: which columns are factors (character, logical) in the input;
#'   * `treatment`: a character matrix, how each cell's pair was estimated (`"continuous"`,
#'     `"categorical"`, `"plug-in"`, `"dequantised"`, `"constant"`, or `"unsupported"` when the
#'     method has no form for the pair: the cell is `NA`; see [gmmmi_discrete]);
#'   * `methods`: a character matrix, the estimator behind each cell in words ("KSG, k = 3",
#'     "Ross's mixed kNN, k = 3", "plug-in, Miller-Madow"; `NA` for constant columns); also the
#'     `method` column of `as.data.frame()`;
#'   * `flags`: a character matrix of each cell's diagnostics, comma-separated: `k_at_cap`
#'     (GMM: K reached `max_components`), `failed_replicates`, `entropy_cap` (the estimate
#'     exceeded the discrete variable's entropy and was capped), `atoms` (dequantised data),
#'     `warning` (the estimator warned; the warnings are aggregated into one), `unsupported`.
#'     `print()` marks flagged cells with `*` and lists them;
#'   * `n_complete`: the number of rows each cell used (pairwise deletion of missing values);
#'   * with `test = TRUE`: `p_value`, `p_adjusted`, `null_mean` matrices and `test` (settings);
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
mi_matrix <- function(x, y = NULL, method = "gmm", ..., unit = c("nat", "bit"), discrete = NULL,
                      test = FALSE, n_permutations = 200, p_adjust = "holm", n_threads = NULL,
                      seed = NULL, progress = interactive()) {
  call <- match.call()
  unit <- check_unit(unit)
  progress <- check_flag(progress, "progress")
  if (!is.null(n_threads)) n_threads <- check_count(n_threads, "n_threads", min = 1)
  seed <- check_seed(seed)
  test <- check_flag(test, "test")
  if (test) {
    n_permutations <- check_count(n_permutations, "n_permutations", min = 1, max = 1e6)
    p_adjust <- check_choice(p_adjust, stats::p.adjust.methods, "p_adjust")
  }
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
  declared <- mi_matrix_declared(discrete, unique(c(names(A), names(B))))
  pairs <- if (symmetric) {
    which(upper.tri(matrix(0, length(A), length(A))), arr.ind = TRUE)
  } else {
    as.matrix(expand.grid(row = seq_along(A), col = seq_along(B)))
  }
  pairs <- pairs[order(pairs[, 1L], pairs[, 2L]), , drop = FALSE]
  seeds <- repr_draw_seeds(nrow(pairs), seed)
  tasks <- lapply(seq_len(nrow(pairs)), function(i) {
    dd <- c(x = declared[[names(A)[pairs[i, 1L]]]], y = declared[[names(B)[pairs[i, 2L]]]])
    list(a = pairs[i, 1L], b = pairs[i, 2L], rows = NULL, seed = seeds[i],
         discrete = if (all(is.na(dd))) NULL else dd[!is.na(dd)])
  })
  vals <- repr_run(tasks, A, B, spec, progress = progress,
                   label = sprintf("MI matrix: estimating %d cell%s (%s)", length(tasks),
                                   if (length(tasks) == 1L) "" else "s", spec$method))
  dn <- list(names(A), names(B))
  est <- se <- seed_m <- matrix(NA_real_, length(A), length(B), dimnames = dn)
  treat <- flags <- methods <- matrix(NA_character_, length(A), length(B), dimnames = dn)
  n_complete <- matrix(NA_integer_, length(A), length(B), dimnames = dn)
  for (i in seq_along(tasks)) {
    r <- pairs[i, 1L]
    cc <- pairs[i, 2L]
    inf <- attr(vals[[i]], "info")
    idx <- if (symmetric) rbind(c(r, cc), c(cc, r)) else cbind(r, cc)
    est[idx] <- vals[[i]][1L]
    se[idx] <- vals[[i]][2L]
    seed_m[idx] <- seeds[i]
    treat[idx] <- if (is.null(inf$treatment)) "continuous" else inf$treatment
    methods[idx] <- if (is.null(inf$method)) NA_character_ else inf$method
    n_complete[idx] <- if (is.null(inf$n)) NA_integer_ else as.integer(inf$n)
    flags[idx] <- paste(c(inf$flags, if (length(attr(vals, "warned")) && attr(vals, "warned")[i]) "warning"),
                        collapse = ",")
  }
  entropy <- vapply(B, function(v) if (is.factor(v)) repr_entropy(v) * unit_scale(unit) else NA_real_,
                    numeric(1))
  out <- structure(list(estimate = est, std_error = se, entropy = entropy, discrete_x = disc_a,
                 discrete_y = disc_b, treatment = treat, flags = flags, methods = methods, n_complete = n_complete,
                 symmetric = symmetric,
                 method = if (is.function(method)) "custom" else spec$method, unit = unit, n = n,
                 seeds = seed_m, call = call),
            class = "mi_matrix")
  if (test) out <- mi_matrix_test(out, A, B, pairs, spec, declared, n_permutations, p_adjust, progress)
  out
}

# The `discrete` argument of mi_matrix(): NULL, TRUE / FALSE for every column, a character
# vector of column names declared discrete, or a logical named by column. Returns a logical
# (NA = detect) named by `cols`.
mi_matrix_declared <- function(discrete, cols, call = sys.call(-1)) {
  out <- stats::setNames(rep(NA, length(cols)), cols)
  if (is.null(discrete)) return(out)
  if (is.character(discrete)) discrete <- stats::setNames(rep(TRUE, length(discrete)), discrete)
  if (!is.logical(discrete) || anyNA(discrete) || length(discrete) < 1L ||
      (is.null(names(discrete)) && length(discrete) != 1L)) {
    gmmmi_abort(sprintf(paste0("`discrete` must be NULL, TRUE or FALSE, column names, or a logical named ",
                               "by column, not %s."), describe(discrete)), call = call)
  }
  if (is.null(names(discrete))) {
    out[] <- discrete
    return(out)
  }
  unknown <- setdiff(names(discrete), cols)
  if (length(unknown)) {
    gmmmi_abort(sprintf("`discrete` names column(s) %s, which are not in the data.",
                        paste0('"', unknown, '"', collapse = ", ")), call = call)
  }
  out[names(discrete)] <- discrete
  out
}

#' @rdname mi_matrix
#' @param digits Number of decimals printed.
#' @export
print.mi_matrix <- function(x, digits = 3, ...) {
  used <- if (is.null(x$methods)) character() else unique(stats::na.omit(as.vector(x$methods)))
  cat(sprintf("MI matrix (%s), %d x %d, n = %d, unit: %s\n",
              if (length(used)) paste(used, collapse = "; ") else x$method, nrow(x$estimate),
              ncol(x$estimate), x$n, x$unit))
  fl <- if (is.null(x$flags)) matrix("", nrow(x$estimate), ncol(x$estimate)) else x$flags
  fl[is.na(fl)] <- ""
  mark <- ifelse(fl != "", "*", "")
  cell <- matrix(ifelse(is.na(x$estimate), ifelse(mark == "*", "NA*", ""),
                        paste0(ifelse(is.na(x$std_error), formatC(x$estimate, digits = digits, format = "f"),
                                      paste0(formatC(x$estimate, digits = digits, format = "f"), " (",
                                             formatC(x$std_error, digits = digits, format = "f"), ")")),
                               mark)),
                 nrow(x$estimate), dimnames = dimnames(x$estimate))
  print(noquote(cell), right = TRUE)
  cat("Cells: estimate (standard error).\n")
  cells <- function(m) {
    ij <- which(m, arr.ind = TRUE)
    if (x$symmetric) ij <- ij[ij[, 1L] < ij[, 2L], , drop = FALSE]
    paste0(rownames(x$estimate)[ij[, 1L]], "-", colnames(x$estimate)[ij[, 2L]])
  }
  if (!is.null(x$treatment)) {
    tr <- x$treatment
    for (t in setdiff(unique(stats::na.omit(as.vector(tr))), c("continuous", "constant"))) {
      cc <- cells(!is.na(tr) & tr == t)
      if (length(cc)) {
        cat(sprintf("Treated as %s (?gmmmi_discrete): %s\n", t, paste(utils::head(cc, 8), collapse = ", ")),
            if (length(cc) > 8) sprintf("and %d more\n", length(cc) - 8) else "", sep = "")
      }
    }
  }
  if (any(mark == "*")) {
    ij <- which(mark == "*", arr.ind = TRUE)
    if (x$symmetric) ij <- ij[ij[, 1L] < ij[, 2L], , drop = FALSE]
    lab <- paste0(rownames(x$estimate)[ij[, 1L]], "-", colnames(x$estimate)[ij[, 2L]], ": ", fl[ij])
    cat("* Suspect cells (see `$flags`):", paste(utils::head(lab, 8), collapse = "; "),
        if (length(lab) > 8) sprintf("; and %d more", length(lab) - 8) else "", "\n")
  }
  if (!is.null(x$p_adjusted)) {
    cat(sprintf("\nPermutation p-values (%d shuffles, %s-adjusted):\n", x$test$n_permutations, x$test$p_adjust))
    pm <- matrix(ifelse(is.na(x$p_adjusted), "", format.pval(x$p_adjusted, digits = 2)),
                 nrow(x$p_adjusted), dimnames = dimnames(x$p_adjusted))
    print(noquote(pm), right = TRUE)
  }
  invisible(x)
}

#' @rdname mi_matrix
#' @param row.names,optional Ignored.
#' @export
as.data.frame.mi_matrix <- function(x, row.names = NULL, optional = FALSE, ...) {
  rn <- rownames(x$estimate)
  cn <- colnames(x$estimate)
  idx <- expand.grid(i = seq_along(rn), j = seq_along(cn))
  ij <- cbind(idx$i, idx$j)
  out <- data.frame(row = rn[idx$i], col = cn[idx$j], estimate = x$estimate[ij],
                    std_error = x$std_error[ij], stringsAsFactors = FALSE)
  if (!is.null(x$methods)) out$method <- x$methods[ij]  # the estimator behind each cell, in words
  if (!is.null(x$treatment)) out$treatment <- x$treatment[ij]
  if (!is.null(x$flags)) out$flags <- x$flags[ij]
  if (!is.null(x$p_value)) {
    out$p_value <- x$p_value[ij]
    out$p_adjusted <- x$p_adjusted[ij]
    out$null_mean <- x$null_mean[ij]
  }
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
  # margins that fit the labels (lines of text: about 0.6 per character at cex 1), and room on
  # the right for the colour key
  rot_x <- max(nchar(colnames(est))) > 8
  op <- graphics::par(mar = c(if (rot_x) min(12, 1.5 + 0.6 * max(nchar(colnames(est)))) else 3,
                              min(14, 1.5 + 0.6 * max(nchar(rownames(est)))), 3, 5.5))
  on.exit(graphics::par(op), add = TRUE)
  graphics::image(seq_len(nc), seq_len(nr), t(shown[nr:1, , drop = FALSE]), col = col, zlim = zlim,
                  axes = FALSE, main = main, xlab = xlab, ylab = ylab, ...)
  graphics::axis(1, at = seq_len(nc), labels = colnames(est), tick = FALSE, las = if (rot_x) 2 else 1)
  graphics::axis(2, at = seq_len(nr), labels = rev(rownames(est)), tick = FALSE, las = 1)
  graphics::box()
  # colour key
  usr <- graphics::par("usr")
  kx <- usr[2] + c(0.04, 0.09) * diff(usr[1:2])
  ky <- seq(usr[3], usr[4], length.out = length(col) + 1L)
  graphics::rect(kx[1], ky[-length(ky)], kx[2], ky[-1L], col = col, border = NA, xpd = NA)
  tk <- pretty(zlim, 4)
  tk <- tk[tk >= zlim[1] & tk <= zlim[2]]
  graphics::text(kx[2], usr[3] + (tk - zlim[1]) / diff(zlim) * diff(usr[3:4]), formatC(tk, format = "g"),
                 pos = 4, cex = 0.7, xpd = NA)
  graphics::text(mean(kx), usr[4], x$unit, pos = 3, cex = 0.7, xpd = NA)
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

# mi_matrix(test = TRUE): a permutation test per cell (mi_test() with the cell's seed), p-values
# adjusted over the distinct cells with p.adjust(). progress: one bar over the cells.
mi_matrix_test <- function(out, A, B, pairs, spec, declared, n_permutations, p_adjust, progress = FALSE,
                           call = sys.call(-1)) {
  if (identical(spec$method, "custom")) {
    gmmmi_abort("`test = TRUE` needs one of the methods of mi(), not a function.", call = call)
  }
  pv <- nm <- out$estimate
  pv[] <- NA_real_
  nm[] <- NA_real_
  p_raw <- numeric(nrow(pairs))
  bar <- progress_bar(nrow(pairs), sprintf("MI matrix: permutation tests of %d cell%s (%d shuffles each)",
                                           nrow(pairs), if (nrow(pairs) == 1L) "" else "s", n_permutations),
                      show_progress(progress))
  on.exit(bar$close(), add = TRUE)
  for (i in seq_len(nrow(pairs))) {
    a <- repr_drop_constant(A[[pairs[i, 1L]]])
    b <- repr_drop_constant(B[[pairs[i, 2L]]])
    if (is.null(a) || is.null(b)) {
      p <- 1
      m0 <- 0
    } else {
      dd <- c(x = declared[[names(A)[pairs[i, 1L]]]], y = declared[[names(B)[pairs[i, 2L]]]])
      args <- spec$args
      args$progress <- NULL  # mi_test() has its own
      if (!all(is.na(dd))) args$discrete <- dd[!is.na(dd)]
      if (!is.factor(a) && ncol(a) == 1L) a <- a[, 1L]
      if (!is.factor(b) && ncol(b) == 1L) b <- b[, 1L]
      t <- tryCatch(suppressWarnings(do.call(mi_test, c(list(a, b, method = spec$method), args,
                                                        list(n_permutations = n_permutations, unit = out$unit,
                                                             n_threads = spec$n_threads,
                                                             seed = out$seeds[pairs[i, 1L], pairs[i, 2L]],
                                                             progress = FALSE)))),
                    gmmmi_error_discrete = function(e) NULL)
      p <- if (is.null(t)) NA_real_ else t$p_value
      m0 <- if (is.null(t)) NA_real_ else t$null_mean
    }
    p_raw[i] <- p
    idx <- if (out$symmetric) rbind(pairs[i, ], rev(pairs[i, ])) else matrix(pairs[i, ], 1L)
    pv[idx] <- p
    nm[idx] <- m0
    bar$tick(i)
  }
  bar$close()
  adj <- out$estimate
  adj[] <- NA_real_
  pa <- stats::p.adjust(p_raw, method = p_adjust)
  for (i in seq_len(nrow(pairs))) {
    idx <- if (out$symmetric) rbind(pairs[i, ], rev(pairs[i, ])) else matrix(pairs[i, ], 1L)
    adj[idx] <- pa[i]
  }
  out$p_value <- pv
  out$p_adjusted <- adj
  out$null_mean <- nm
  out$test <- list(n_permutations = n_permutations, p_adjust = p_adjust)
  out
}
