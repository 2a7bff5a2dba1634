# info_plane(): I(X;T) and I(T;Y) for every layer T of a network, over training epochs.

#' The information plane of a network
#'
#' For every layer \eqn{T}{T} (and every recorded training epoch) estimates \eqn{I(X;T)}{I(X;T)},
#' the information the layer keeps about the input, and \eqn{I(T;Y)}{I(T;Y)}, the information it
#' carries about the target (Shwartz-Ziv and Tishby 2017; Saxe et al. 2018). Plotting one against
#' the other over epochs gives the trajectories of the information plane.
#'
#' **The choices that make the quantities finite and estimable.**
#' * `noise`: a deterministic network gives \eqn{T = f(X)}{T = f(X)}, and for a continuous
#'   \eqn{X}{X} the MI \eqn{I(X;T)}{I(X;T)} is infinite (or, estimated, only reflects the
#'   estimator). Adding independent Gaussian noise of standard deviation `noise` (in the units of
#'   the activations) to every unit, \eqn{T + \sigma\varepsilon}{T + sigma * eps}, gives a noisy
#'   channel with finite MI (Saxe et al. 2018; Goldfeld et al. 2019). The noise is drawn on the
#'   main thread from R's random number generator, once per layer and epoch, and the same noisy
#'   activations are used for both quantities.
#' * `compress`: high-dimensional \eqn{X}{X} and \eqn{T}{T} are projected on their first
#'   `compress` principal components (centred, unscaled; a different basis per layer and epoch)
#'   before estimation (after the noise). MI of projections is at most the MI of the full
#'   variables (data processing), so this gives a lower-dimensional, lower-bound view.
#' * `method = "sliced"`: sliced MI ([mi_sliced()]), the average MI of random one-dimensional
#'   projections, which scales to many dimensions but is a different quantity (smaller than MI).
#' * A factor `y` (class labels) is passed as the categorical `x` of the estimator
#'   (`"gmm"`: one mixture per class; `"ksg"`: the mixed kNN estimator; `"sliced"`).
#'
#' Each of the `2 x layers x epochs` estimates gets its own seed drawn up front, so the result is
#' the same sequentially, with threads, and under any [future::plan()] (see [mi_matrix()] for the
#' parallel evaluation).
#'
#' @param activations The layers: a list with one element per layer, each either a numeric
#'   matrix (samples x units; one epoch) or a list of such matrices (one per epoch; every layer
#'   must have the same number of epochs). Names are used as layer names.
#' @param x The input: a numeric matrix (or vector / data frame) with one row per sample.
#' @param y The target: a factor (class labels) or a numeric vector / matrix.
#' @param method Estimator, as in [mi()] (default `"gmm"`), or a function (see [mi_matrix()]).
#' @param ... Further arguments for the estimator.
#' @param compress `NULL` (no compression) or the number of principal components kept of `x`
#'   and of every layer (only applied to variables with more columns).
#' @param noise `0` (none) or the standard deviation of the Gaussian noise added to every unit.
#' @param epochs `NULL` (1, 2, ...) or the epoch numbers, one per recorded epoch.
#' @param progress Show one progress bar (with a percentage) over the `2 x layers x epochs`
#'   estimates (default: in interactive sessions, unless `options(gmmmi.progress = FALSE)`);
#'   the estimators' own bars are off.
#' @inheritParams mi_matrix
#' @return An object of class `"info_plane"`: a list with `data` (a data frame with columns
#'   `layer`, `epoch`, `i_xt`, `i_xt_se`, `i_ty`, `i_ty_se`), `method`, `unit`, `compress`,
#'   `noise`, `n` and `call`. Methods: `print()`, `as.data.frame()`, `plot()`.
#' @references Shwartz-Ziv, R. and Tishby, N. (2017). Opening the black box of deep neural
#'   networks via information. arXiv:1703.00810.
#'
#'   Saxe, A. M., Bansal, Y., Dapello, J., Advani, M., Kolchinsky, A., Tracey, B. D. and Cox,
#'   D. D. (2018). On the information bottleneck theory of deep learning. *ICLR 2018*.
#'
#'   Goldfeld, Z., van den Berg, E., Greenewald, K., Melnyk, I., Nguyen, N., Kingsbury, B. and
#'   Polyanskiy, Y. (2019). Estimating information flow in deep neural networks. *ICML 2019*.
#' @examples
#' set.seed(1)
#' x <- matrix(rnorm(600), 300)
#' y <- x[, 1] + rnorm(300)
#' layers <- list(h1 = lapply(1:3, function(e) tanh(x %*% diag(e, 2))),
#'                h2 = lapply(1:3, function(e) tanh(x[, 1, drop = FALSE] * e)))
#' ip <- info_plane(layers, x, y, method = "gaussian", noise = 0.1)
#' ip
#' plot(ip)
#' @export
info_plane <- function(activations, x, y, method = "gmm", ..., compress = NULL, noise = 0,
                       epochs = NULL, unit = c("nat", "bit"), n_threads = NULL, seed = NULL,
                       progress = interactive()) {
  call <- match.call()
  unit <- check_unit(unit)
  progress <- check_flag(progress, "progress")
  if (!is.null(n_threads)) n_threads <- check_count(n_threads, "n_threads", min = 1)
  seed <- check_seed(seed)
  noise <- check_number(noise, "noise", lower = 0)
  if (!is.null(compress)) compress <- check_count(compress, "compress", min = 1)
  xm <- as_data_matrix(x, "x", allow_na = FALSE)
  n <- nrow(xm)
  yv <- repr_variable(y, "y")
  if (repr_nrow(yv) != n) {
    gmmmi_abort(sprintf("`x` and `y` must have the same number of rows (%d and %d).", n, repr_nrow(yv)))
  }
  layers <- ip_layers(activations, n)
  n_epochs <- length(layers[[1L]])
  if (is.null(epochs)) {
    epochs <- seq_len(n_epochs)
  } else if (!is.numeric(epochs) || length(epochs) != n_epochs || anyNA(epochs)) {
    gmmmi_abort(sprintf("`epochs` must be a numeric vector with one value per recorded epoch (%d).", n_epochs))
  }
  spec <- repr_spec(method, list(...), unit, n_threads)
  if (is.factor(yv) && !spec$factor_ok) {
    gmmmi_abort(sprintf("`method = \"%s\"` does not accept a factor `y`; use \"gmm\", \"ksg\" or \"sliced\".",
                        spec$method))
  }
  if (!is.factor(yv) && ncol(yv) > 1L && !is.null(compress)) yv <- ip_pca(yv, compress)
  xc <- if (is.null(compress)) xm else ip_pca(xm, compress)
  grid <- expand.grid(epoch = seq_len(n_epochs), layer = seq_along(layers))
  n_le <- nrow(grid)
  # The seeds, then the noise, are drawn on the main thread from R's stream, or with `seed` from
  # its own stream, leaving the caller's RNG state untouched.
  drawn <- with_seed(seed, {
    seeds <- sample.int(.Machine$integer.max, 2L * n_le)
    tl <- lapply(seq_len(n_le), function(i) {
      t <- layers[[grid$layer[i]]][[grid$epoch[i]]]
      if (noise > 0) t <- t + noise * matrix(stats::rnorm(length(t)), nrow(t))
      if (!is.null(compress)) t <- ip_pca(t, compress)
      t
    })
    list(seeds = seeds, tl = tl)
  })
  seeds <- drawn$seeds
  tl <- drawn$tl
  A <- list(x = xc, y = yv)
  tasks <- c(lapply(seq_len(n_le), function(i) list(a = 1L, b = i, rows = NULL, seed = seeds[i])),
             lapply(seq_len(n_le), function(i) list(a = 2L, b = i, rows = NULL, seed = seeds[n_le + i])))
  vals <- repr_run(tasks, A, tl, spec, progress = progress,
                   label = sprintf("Information plane: %d estimates (%d layer%s x %d epoch%s x 2, %s)",
                                   length(tasks), length(layers), if (length(layers) == 1L) "" else "s",
                                   n_epochs, if (n_epochs == 1L) "" else "s", spec$method))
  v <- do.call(rbind, vals)
  data <- data.frame(layer = factor(names(layers)[grid$layer], levels = names(layers)),
                     epoch = epochs[grid$epoch],
                     i_xt = v[seq_len(n_le), 1L], i_xt_se = v[seq_len(n_le), 2L],
                     i_ty = v[n_le + seq_len(n_le), 1L], i_ty_se = v[n_le + seq_len(n_le), 2L])
  data <- data[order(data$layer, data$epoch), , drop = FALSE]
  rownames(data) <- NULL
  structure(list(data = data, method = if (is.function(method)) "custom" else spec$method,
                 unit = unit, compress = compress, noise = noise, n = n, call = call),
            class = "info_plane")
}

ip_layers <- function(activations, n, call = sys.call(-1)) {
  if (is.matrix(activations) || is.data.frame(activations)) activations <- list(activations)
  if (!is.list(activations) || length(activations) == 0L) {
    gmmmi_abort("`activations` must be a list of layers (matrices, or lists of matrices per epoch).", call = call)
  }
  nm <- names(activations)
  if (is.null(nm)) nm <- rep("", length(activations))
  nm[nm == ""] <- paste0("layer", which(nm == ""))
  out <- lapply(seq_along(activations), function(l) {
    a <- activations[[l]]
    if (is.matrix(a) || is.data.frame(a) || is.numeric(a)) a <- list(a)
    if (!is.list(a) || length(a) == 0L) {
      gmmmi_abort(sprintf("`activations[[%d]]` must be a matrix or a list of matrices (one per epoch).", l),
                  call = call)
    }
    lapply(seq_along(a), function(e) {
      m <- as_data_matrix(a[[e]], sprintf("activations[[%d]][[%d]]", l, e), allow_na = FALSE, call = call)
      if (nrow(m) != n) {
        gmmmi_abort(sprintf("`activations[[%d]][[%d]]` has %d rows; `x` has %d.", l, e, nrow(m), n), call = call)
      }
      m
    })
  })
  ne <- vapply(out, length, integer(1))
  if (length(unique(ne)) != 1L) {
    gmmmi_abort(sprintf("Every layer of `activations` must have the same number of epochs (found %s).",
                        paste(ne, collapse = ", ")), call = call)
  }
  names(out) <- nm
  out
}

# First k principal components (centred, unscaled); matrices with <= k columns are returned as is.
ip_pca <- function(m, k) {
  if (ncol(m) <= k) return(m)
  m <- sweep(m, 2L, colMeans(m))
  s <- svd(m, nu = 0, nv = k)
  m %*% s$v
}

#' @rdname info_plane
#' @param digits Number of decimals printed.
#' @export
print.info_plane <- function(x, digits = 3, ...) {
  cat(sprintf("Information plane (%s, %s), n = %d, noise = %s, compress = %s\n", x$method, x$unit,
              x$n, format(x$noise), if (is.null(x$compress)) "none" else x$compress))
  d <- x$data
  num <- vapply(d, is.double, logical(1))
  d[num] <- lapply(d[num], round, digits)
  print(d, row.names = FALSE)
  invisible(x)
}

#' @rdname info_plane
#' @param row.names,optional Ignored.
#' @export
as.data.frame.info_plane <- function(x, row.names = NULL, optional = FALSE, ...) x$data

#' @rdname info_plane
#' @param col Colours, one per layer.
#' @param error_bars Draw +-1 standard error bars.
#' @param main,xlab,ylab Titles.
#' @param legend_pos Position of the legend (see [graphics::legend()]) or `NULL` for none.
#' @export
plot.info_plane <- function(x, col = NULL, error_bars = TRUE, main = "Information plane",
                            xlab = NULL, ylab = NULL, legend_pos = "bottomright", ...) {
  d <- x$data
  layers <- levels(d$layer)
  if (is.null(col)) col <- grDevices::hcl.colors(max(3L, length(layers)), "Dark 3")[seq_along(layers)]
  if (is.null(xlab)) xlab <- sprintf("I(X;T) [%s]", x$unit)
  if (is.null(ylab)) ylab <- sprintf("I(T;Y) [%s]", x$unit)
  se0 <- function(s) ifelse(is.na(s) | !error_bars, 0, s)
  xr <- range(c(d$i_xt - se0(d$i_xt_se), d$i_xt + se0(d$i_xt_se)), na.rm = TRUE)
  yr <- range(c(d$i_ty - se0(d$i_ty_se), d$i_ty + se0(d$i_ty_se)), na.rm = TRUE)
  graphics::plot(NA, xlim = xr, ylim = yr, xlab = xlab, ylab = ylab, main = main, ...)
  epochs <- sort(unique(d$epoch))
  for (l in seq_along(layers)) {
    s <- d[d$layer == layers[l], , drop = FALSE]
    s <- s[order(s$epoch), , drop = FALSE]
    if (error_bars) {
      graphics::segments(s$i_xt - se0(s$i_xt_se), s$i_ty, s$i_xt + se0(s$i_xt_se), s$i_ty,
                         col = grDevices::adjustcolor(col[l], 0.4))
      graphics::segments(s$i_xt, s$i_ty - se0(s$i_ty_se), s$i_xt, s$i_ty + se0(s$i_ty_se),
                         col = grDevices::adjustcolor(col[l], 0.4))
    }
    if (nrow(s) > 1L) {
      k <- seq_len(nrow(s) - 1L)
      ok <- (s$i_xt[k + 1] - s$i_xt[k])^2 + (s$i_ty[k + 1] - s$i_ty[k])^2 > 0
      graphics::arrows(s$i_xt[k][ok], s$i_ty[k][ok], s$i_xt[k + 1][ok], s$i_ty[k + 1][ok],
                       col = col[l], length = 0.07, lwd = 1.5)
    }
    # later epochs are drawn larger
    cex <- 0.6 + 1.2 * (match(s$epoch, epochs) - 1) / max(1, length(epochs) - 1)
    graphics::points(s$i_xt, s$i_ty, pch = 21, bg = col[l], col = "white", cex = cex)
  }
  if (!is.null(legend_pos)) {
    graphics::legend(legend_pos, legend = layers, col = col, pt.bg = col, pch = 21, lwd = 1.5,
                     bty = "n", title = sprintf("epochs %s-%s", format(min(epochs)), format(max(epochs))))
  }
  invisible(x)
}
