# info_decomposition(): what a representation keeps about each input part, split into the part
# its decision uses and the rest (Gu 2021, through the chain rule).

#' Decompose the information a representation keeps about each input part
#'
#' For each input part \eqn{x_i}{x_i} (a column of `x`, or a group of columns such as an image
#' patch), splits the information that the representation \eqn{z}{z} keeps about it into the
#' part the model's decision \eqn{d}{d} uses and the rest:
#' \deqn{\underbrace{I(x_i; z)}_{\mathrm{total}} = \underbrace{I(x_i; d)}_{\mathrm{decision-related}} + \underbrace{I(x_i; z \mid d)}_{\mathrm{redundant}}.}{I(x_i; z) [total] = I(x_i; d) [decision-related] + I(x_i; z | d) [redundant].}
#' This is the three-way split of Gu (2021, "Explaining representation by mutual information",
#' arXiv:2103.15114) written through the chain rule, \eqn{I(x_i; z, d) = I(x_i; d) + I(x_i; z \mid d)}{I(x_i; z, d) = I(x_i; d) + I(x_i; z | d)},
#' and \eqn{I(x_i; z, d) = I(x_i; z)}{I(x_i; z, d) = I(x_i; z)} because the decision is computed
#' from the representation (\eqn{d = g(z)}{d = g(z)}). If `decision` is not a function of `z`
#' (e.g. the true labels instead of the model's predictions), the identity becomes
#' \eqn{I(x_i; z) \le I(x_i; d) + I(x_i; z \mid d)}{I(x_i; z) <= I(x_i; d) + I(x_i; z | d)}, and the
#' additivity check below shows by how much.
#'
#' **Estimation.** The three terms are estimated separately, each with its standard error:
#' * total \eqn{I(x_i; z)}{I(x_i; z)} with `method` on all rows;
#' * decision-related \eqn{I(x_i; d)}{I(x_i; d)} with the categorical form of `method` (the factor
#'   `decision` as the estimator's `x`); it is at most \eqn{H(d) \le \log C}{H(d) <= log C};
#' * redundant \eqn{I(x_i; z \mid d) = \sum_c p(c)\, I(x_i; z \mid d = c)}{I(x_i; z | d) = sum_c p(c) I(x_i; z | d = c)}:
#'   `method` on the rows of each class, averaged with the class frequencies \eqn{p(c)}{p(c)}
#'   (standard error \eqn{\sqrt{\sum_c p(c)^2 \mathrm{se}_c^2}}{sqrt(sum_c p(c)^2 se_c^2)}, the
#'   class frequencies taken as fixed). This works with any estimator; classes with fewer than
#'   `min_class_size` rows are left out (their weight is given to the others) with a warning.
#'
#' The **additivity check** compares the total with the sum of the parts: `gap = total -
#' (decision + redundant)`, its standard error (the three standard errors combined as if
#' independent) and `z = gap / se`. With a consistent estimator and \eqn{d = g(z)}{d = g(z)}, |z|
#' should rarely exceed 2; larger gaps show estimator bias (e.g. kNN estimators on small classes).
#'
#' A constant input part (e.g. a pixel that is always blank) carries no information: its three
#' terms are 0 with standard error 0.
#'
#' **Integer-valued inputs** (e.g. pixel intensities 0 to 16) have many ties, which kNN and
#' mixture estimators do not expect. Adding independent uniform noise on \eqn{(-1/2, 1/2)}{(-1/2, 1/2)}
#' to a non-constant integer column ("dequantising") leaves every term unchanged (the integer is
#' recovered by rounding and the noise is independent of everything else) and makes the column
#' continuous; the vignette "Interpreting a representation" does this.
#'
#' @param x Input parts: a numeric matrix (or data frame) with one row per sample; each column
#'   is a part unless `groups` is given.
#' @param z The representation: a numeric matrix (samples x units).
#' @param decision The model's decision: a factor (or character / integer class labels), one per
#'   sample.
#' @param groups `NULL` (each column of `x` is a part) or a list of column indices (or names),
#'   one element per part, e.g. image patches. Names are used as part names.
#' @param method Estimator, as in [mi()] (default `"gmm"`); it must accept a factor `x` for the
#'   decision-related term (`"gmm"`, `"ksg"`, `"sliced"`, or a function).
#' @param ... Further arguments for the estimator.
#' @param min_class_size Smallest class used for the per-class conditional MI.
#' @param image_dim `NULL` or the dimensions (rows, columns) of the image whose pixels are the
#'   columns of `x` in row-major order (e.g. `c(8, 8)` for [digits]); used by `plot()`, where it
#'   can also be given.
#' @param progress Show one progress bar (with a percentage) over the `parts x (2 + classes)`
#'   estimates (default: in interactive sessions, unless `options(gmmmi.progress = FALSE)`);
#'   the estimators' own bars are off.
#' @inheritParams mi_matrix
#' @return An object of class `"info_decomposition"`: a list with `parts` (a data frame with one
#'   row per part: `part`, `total`, `total_se`, `decision`, `decision_se`, `redundant`,
#'   `redundant_se`, `gap`, `gap_se`, `gap_z`), `groups`, `classes` (class frequencies),
#'   `bound` (\eqn{H(d)}{H(d)}, the bound on the decision-related part, in `unit`), `image_dim`,
#'   `method`, `unit`, `n` and `call`. Methods: `print()`, `as.data.frame()`, `plot()` (a bar
#'   chart of the parts, or with `image_dim` three maps: see [plot.info_decomposition()]).
#' @references Gu, J. (2021). Explaining representation by mutual information.
#'   arXiv:2103.15114.
#' @examples
#' set.seed(1)
#' n <- 600
#' x <- matrix(rnorm(n * 4), n, dimnames = list(NULL, paste0("x", 1:4)))
#' z <- cbind(x[, 1] + x[, 2], x[, 3]) + 0.3 * matrix(rnorm(2 * n), n)
#' d <- factor(z[, 1] > 0)                    # the decision uses only z[, 1]
#' dec <- info_decomposition(x, z, d, method = "ksg", n_threads = 1)
#' dec
#' @export
info_decomposition <- function(x, z, decision, groups = NULL, method = "gmm", ...,
                               min_class_size = 20, image_dim = NULL, unit = c("nat", "bit"),
                               n_threads = NULL, seed = NULL, progress = interactive()) {
  call <- match.call()
  unit <- check_unit(unit)
  progress <- check_flag(progress, "progress")
  if (!is.null(n_threads)) n_threads <- check_count(n_threads, "n_threads", min = 1)
  seed <- check_seed(seed)
  min_class_size <- check_count(min_class_size, "min_class_size", min = 2)
  xm <- as_data_matrix(x, "x", allow_na = FALSE)
  zm <- as_data_matrix(z, "z", allow_na = FALSE)
  n <- nrow(xm)
  if (nrow(zm) != n) gmmmi_abort(sprintf("`x` and `z` must have the same number of rows (%d and %d).", n, nrow(zm)))
  if (!is.null(dim(decision)) || is.list(decision)) {
    gmmmi_abort(sprintf("`decision` must be a vector (or factor) of class labels, one per row, not %s.",
                        describe(decision)))
  }
  if (is.numeric(decision) && !is.factor(decision)) {
    if (any(decision != round(decision), na.rm = TRUE)) {
      gmmmi_abort("`decision` must be discrete (a factor, character, or whole-number class labels).")
    }
    decision <- factor(decision)
  }
  if (!is.factor(decision) && !is.character(decision) && !is.logical(decision)) {
    gmmmi_abort(sprintf("`decision` must be a factor of class labels, not %s.", describe(decision)))
  }
  d <- repr_variable(decision, "decision")
  if (length(d) != n) gmmmi_abort(sprintf("`decision` must have one value per row of `x` (%d), not %d.", n, length(d)))
  if (nlevels(d) < 2L) gmmmi_abort("`decision` must have at least two classes.")
  spec <- repr_spec(method, list(...), unit, n_threads)
  if (!spec$factor_ok) {
    gmmmi_abort(sprintf("`method = \"%s\"` does not accept the factor `decision`; use \"gmm\", \"ksg\" or \"sliced\".",
                        spec$method))
  }
  groups <- idc_groups(groups, xm)
  if (!is.null(image_dim)) {
    if (!is.numeric(image_dim) || length(image_dim) != 2L || prod(image_dim) != ncol(xm)) {
      gmmmi_abort(sprintf("`image_dim` must be two numbers whose product is the number of columns of `x` (%d).",
                          ncol(xm)))
    }
  }
  freq <- as.vector(table(d)) / n
  names(freq) <- levels(d)
  size <- as.vector(table(d))
  used <- which(size >= min_class_size)
  if (length(used) == 0L) {
    gmmmi_abort(sprintf("No class of `decision` has `min_class_size` = %d rows.", min_class_size))
  }
  if (length(used) < nlevels(d)) {
    gmmmi_warn(sprintf("Class(es) %s have fewer than %d rows and are left out of the conditional MI.",
                       paste(levels(d)[-used], collapse = ", "), min_class_size))
  }
  w <- freq[used] / sum(freq[used])
  rows_by_class <- lapply(levels(d)[used], function(l) which(d == l))
  A <- lapply(groups, function(g) xm[, g, drop = FALSE])
  B <- list(z = zm, d = d)
  n_parts <- length(groups)
  n_cls <- length(used)
  seeds <- repr_draw_seeds(n_parts * (2L + n_cls), seed)
  tasks <- list()
  for (i in seq_len(n_parts)) {
    base <- (i - 1L) * (2L + n_cls)
    tasks[[length(tasks) + 1L]] <- list(a = i, b = 1L, rows = NULL, seed = seeds[base + 1L])
    tasks[[length(tasks) + 1L]] <- list(a = i, b = 2L, rows = NULL, seed = seeds[base + 2L])
    for (cl in seq_len(n_cls)) {
      tasks[[length(tasks) + 1L]] <- list(a = i, b = 1L, rows = rows_by_class[[cl]],
                                          seed = seeds[base + 2L + cl])
    }
  }
  vals <- repr_run(tasks, A, B, spec, progress = progress,
                   label = sprintf("Information decomposition: %d estimates (%d part%s x (2 + %d class%s), %s)",
                                   length(tasks), n_parts, if (n_parts == 1L) "" else "s", n_cls,
                                   if (n_cls == 1L) "" else "es", spec$method))
  parts <- do.call(rbind, lapply(seq_len(n_parts), function(i) {
    base <- (i - 1L) * (2L + n_cls)
    tot <- vals[[base + 1L]]
    dec <- vals[[base + 2L]]
    cls <- do.call(rbind, vals[base + 2L + seq_len(n_cls)])
    red <- sum(w * cls[, 1L])
    red_se <- sqrt(sum(w^2 * cls[, 2L]^2))
    gap <- tot[1] - dec[1] - red
    gap_se <- sqrt(tot[2]^2 + dec[2]^2 + red_se^2)
    data.frame(part = names(groups)[i], total = tot[1], total_se = tot[2], decision = dec[1],
               decision_se = dec[2], redundant = red, redundant_se = red_se, gap = gap,
               gap_se = gap_se, gap_z = if (is.finite(gap_se) && gap_se > 0) gap / gap_se else NA_real_,
               stringsAsFactors = FALSE)
  }))
  rownames(parts) <- NULL
  structure(list(parts = parts, groups = groups, classes = freq,
                 bound = repr_entropy(d) * unit_scale(unit), image_dim = image_dim,
                 method = if (is.function(method)) "custom" else spec$method, unit = unit, n = n,
                 call = call),
            class = "info_decomposition")
}

idc_groups <- function(groups, xm, call = sys.call(-1)) {
  cn <- colnames(xm)
  if (is.null(cn)) cn <- paste0("x", seq_len(ncol(xm)))
  if (is.null(groups)) {
    g <- as.list(seq_len(ncol(xm)))
    names(g) <- cn
    return(g)
  }
  if (!is.list(groups) || length(groups) == 0L) {
    gmmmi_abort("`groups` must be NULL or a non-empty list of column indices or names.", call = call)
  }
  g <- lapply(seq_along(groups), function(i) {
    gi <- groups[[i]]
    if (is.character(gi)) {
      idx <- match(gi, cn)
      if (anyNA(idx)) {
        gmmmi_abort(sprintf("`groups[[%d]]` names unknown column(s) of `x`: %s.", i,
                            paste(gi[is.na(idx)], collapse = ", ")), call = call)
      }
      gi <- idx
    }
    if (!is.numeric(gi) || length(gi) == 0L || anyNA(gi) || any(gi != round(gi)) ||
        any(gi < 1) || any(gi > ncol(xm))) {
      gmmmi_abort(sprintf("`groups[[%d]]` must hold column indices of `x` between 1 and %d.", i, ncol(xm)),
                  call = call)
    }
    as.integer(gi)
  })
  nm <- names(groups)
  if (is.null(nm)) nm <- rep("", length(g))
  nm[nm == ""] <- paste0("part", which(nm == ""))
  names(g) <- nm
  g
}

#' @rdname info_decomposition
#' @param digits Number of decimals printed.
#' @export
print.info_decomposition <- function(x, digits = 3, ...) {
  p <- x$parts
  cat(sprintf("Information decomposition (%s, %s): %d part(s), n = %d, %d classes (H(d) = %s)\n",
              x$method, x$unit, nrow(p), x$n, length(x$classes), format(round(x$bound, digits))))
  show <- utils::head(p, 10L)
  num <- vapply(show, is.double, logical(1))
  show[num] <- lapply(show[num], round, digits)
  print(show, row.names = FALSE)
  if (nrow(p) > 10L) cat(sprintf("... %d more parts (see as.data.frame()).\n", nrow(p) - 10L))
  ok <- is.finite(p$gap_z)
  cat(sprintf("Additivity check: total - (decision + redundant): mean %s, |z| > 2 for %d of %d parts.\n",
              format(signif(mean(p$gap), 3)), sum(abs(p$gap_z[ok]) > 2), sum(ok)))
  invisible(x)
}

#' @rdname info_decomposition
#' @param row.names,optional Ignored.
#' @export
as.data.frame.info_decomposition <- function(x, row.names = NULL, optional = FALSE, ...) x$parts

#' Plot an information decomposition
#'
#' Without `image_dim` (the default unless it was given to [info_decomposition()]): a bar per
#' input part (column of `x`, or group), split into the decision-related part
#' \eqn{I(x_i; d)}{I(x_i; d)} and the redundant rest \eqn{I(x_i; z \mid d)}{I(x_i; z | d)},
#' with +-1 standard error bars (at the end of the decision-related part, and at the end of the
#' bar for the sum of both), and the separately estimated total \eqn{I(x_i; z)}{I(x_i; z)} as a
#' point with its standard error: where it falls off the end of the bar, the parts do not add
#' up (see the additivity check of [info_decomposition()]).
#'
#' With `image_dim`: three maps of the image (total, decision-related, redundant), each pixel
#' coloured by the value of the part it belongs to, with a colour key in `unit`.
#'
#' @param x An `"info_decomposition"` object.
#' @param image_dim `NULL` (the bar chart) or the dimensions (rows, columns) of the image whose
#'   pixels are the columns of `x` in row-major order (the maps).
#' @param col Colours: for the bar chart, two (decision-related, redundant); for the maps, a
#'   palette (default: `hcl.colors(64, "YlOrRd", rev = TRUE)`).
#' @param common_scale Maps: use one colour scale for the three maps (default) so they can be
#'   compared.
#' @param values Maps: write the values in the cells.
#' @param ... Bar chart: passed to [graphics::plot()] (which draws the frame), overriding the
#'   defaults: e.g. `main`, `xlab`, `xlim`, `cex.axis`. Maps: passed to [graphics::image()].
#' @return `x`, invisibly.
#' @examples
#' set.seed(1)
#' n <- 600
#' x <- matrix(rnorm(n * 4), n, dimnames = list(NULL, paste0("x", 1:4)))
#' z <- cbind(x[, 1] + x[, 2], x[, 3]) + 0.3 * matrix(rnorm(2 * n), n)
#' d <- factor(z[, 1] > 0)
#' dec <- info_decomposition(x, z, d, method = "ksg", n_threads = 1)
#' plot(dec)
#' plot(dec, main = "What z keeps about each input", col = c("darkorange", "grey70"))
#' @export
plot.info_decomposition <- function(x, image_dim = x$image_dim, col = NULL, common_scale = TRUE,
                                    values = FALSE, ...) {
  if (is.null(image_dim)) return(plot_idc_bars(x, col, ...))
  if (is.null(col)) col <- grDevices::hcl.colors(64, "YlOrRd", rev = TRUE)
  p <- x$parts
  what <- c(total = "Total I(x_i; z)", decision = "Decision-related I(x_i; d)",
            redundant = "Redundant I(x_i; z | d)")
  npix <- max(unlist(x$groups))
  if (prod(image_dim) != npix) {
    gmmmi_abort(sprintf("`image_dim` must multiply to the number of input columns (%d).", npix))
  }
  maps <- lapply(names(what), function(k) {
    v <- rep(NA_real_, npix)
    for (i in seq_along(x$groups)) v[x$groups[[i]]] <- p[[k]][i]
    matrix(v, image_dim[1], image_dim[2], byrow = TRUE)
  })
  rng <- range(c(0, unlist(maps)), na.rm = TRUE)
  # the three maps side by side, each followed by its colour key (or one key after the three
  # when they share the scale)
  widths <- if (common_scale) c(1, 1, 1, 0.32) else rep(c(1, 0.32), 3)
  old <- graphics::par(c("mfrow", "mar"))
  on.exit(graphics::par(old))
  graphics::layout(matrix(seq_along(widths), 1L), widths = widths)
  for (k in seq_along(maps)) {
    m <- maps[[k]]
    zl <- if (common_scale) rng else range(c(0, m), na.rm = TRUE)
    graphics::par(mar = c(1, 1, 3, 1))
    shown <- pmin(pmax(m, zl[1]), zl[2])
    graphics::image(seq_len(ncol(m)), seq_len(nrow(m)), t(shown[nrow(m):1, , drop = FALSE]),
                    col = col, zlim = zl, axes = FALSE, asp = 1, xlab = "", ylab = "",
                    main = sprintf("%s\nmax %s %s", what[k], format(signif(max(m, na.rm = TRUE), 2)), x$unit),
                    cex.main = 1.2, ...)
    if (values) {
      ij <- expand.grid(i = seq_len(nrow(m)), j = seq_len(ncol(m)))
      graphics::text(ij$j, nrow(m) + 1 - ij$i, formatC(m[cbind(ij$i, ij$j)], digits = 2, format = "f"),
                     cex = 0.5)
    }
    if (!common_scale || k == length(maps)) map_key(zl, col, x$unit)
  }
  invisible(x)
}

# A vertical colour key for the maps: the palette over `zl`, ticked on the right, the unit on top.
map_key <- function(zl, col, unit) {
  if (!(diff(zl) > 0)) zl <- c(zl[1], zl[1] + 1)
  graphics::par(mar = c(1.5, 0.2, 3.5, 3.2))
  graphics::plot.new()
  graphics::plot.window(xlim = c(0, 1), ylim = zl, xaxs = "i", yaxs = "i")
  v <- seq(zl[1], zl[2], length.out = length(col) + 1L)
  graphics::rect(0, v[-length(v)], 1, v[-1L], col = col, border = NA)
  graphics::box()
  graphics::axis(4, las = 1, cex.axis = 1.1, mgp = c(3, 0.5, 0), tcl = -0.3)
  graphics::mtext(unit, side = 3, line = 0.4, cex = 0.8)
}

# The bar chart of plot.info_decomposition(): one horizontal bar per part (first part on top),
# decision-related then redundant, standard error bars, the total as a point, the legend above.
plot_idc_bars <- function(x, col, ...) {
  p <- x$parts
  np <- nrow(p)
  if (is.null(col)) col <- c("#D55E00", "#9FB6CD")  # vermilion, light steel blue
  col <- rep_len(col, 2L)
  dec <- p$decision
  red <- p$redundant
  end <- dec + red
  se_end <- sqrt(p$decision_se^2 + p$redundant_se^2)
  ok_se <- function(s) is.finite(s) & s > 0
  s0 <- function(s) ifelse(ok_se(s), s, 0)
  y <- rev(seq_len(np))  # first part on top
  h <- 0.35              # half the bar height
  rng <- range(c(0, dec - s0(p$decision_se), dec + s0(p$decision_se), end - s0(se_end), end + s0(se_end),
                 p$total - s0(p$total_se), p$total + s0(p$total_se)), na.rm = TRUE)
  labs <- c("decision-related I(x_i; d)", "redundant I(x_i; z | d)", "total I(x_i; z)")
  if (any(ok_se(c(p$decision_se, se_end, p$total_se)))) labs[3] <- paste(labs[3], "  (bars: +-1 s.e.)")
  # margins (in lines): the part names on the left (at most 40% of the width), the legend above
  # the plot in two columns, or in one if two do not fit the width
  csi <- graphics::par("csi")
  din <- graphics::par("din")
  cex_names <- min(1, max(0.5, 28 / np))
  name_w <- max(graphics::strwidth(p$part, units = "inches", cex = cex_names)) / csi  # lines
  cap <- 0.4 * din[1] / csi
  if (name_w + 1.5 > cap) {  # smaller names (down to cex 0.5) before they are cut
    shrink <- max(0.5 / cex_names, (cap - 1.5) / name_w)
    cex_names <- cex_names * shrink
    name_w <- name_w * shrink
  }
  left <- min(name_w + 1.5, cap)
  lw <- graphics::strwidth(labs, units = "inches", cex = 0.85) + 0.45
  leg_cols <- if (max(lw[1:2]) + lw[3] < din[1] - 0.3) 2L else 1L
  op <- graphics::par(mar = c(4.2, left, if (leg_cols == 2L) 6.5 else 7.5, 1.5))
  on.exit(graphics::par(op), add = TRUE)
  plot_with(graphics::plot, list(x = NA, xlim = rng, ylim = c(0.5, np + 0.5), yaxt = "n", yaxs = "i",
                                 xlab = sprintf("mutual information (%s)", x$unit), ylab = "",
                                 main = sprintf("What z keeps about each input part (%s)", x$method)),
            list(...))
  graphics::abline(v = 0, col = "grey60")
  graphics::axis(2, at = y, labels = p$part, las = 1, tick = FALSE, cex.axis = cex_names)
  graphics::rect(0, y - h, dec, y + h, col = col[1], border = NA)
  graphics::rect(dec, y - h, end, y + h, col = col[2], border = NA)
  whisker <- function(v, s, yy, colour) {
    k <- ok_se(s)
    if (!any(k)) return(invisible(NULL))
    graphics::arrows(v[k] - s[k], yy[k], v[k] + s[k], yy[k], angle = 90, code = 3,
                     length = min(0.04, 0.6 * h * graphics::par("pin")[2] / np), col = colour)
  }
  whisker(dec, p$decision_se, y + h / 3, "grey15")
  whisker(end, se_end, y - h / 3, "grey15")
  whisker(p$total, p$total_se, y, "black")
  graphics::points(p$total, y, pch = 23, bg = "white", col = "black", cex = min(1.1, max(0.5, 20 / np)))
  usr <- graphics::par("usr")
  graphics::legend(x = mean(usr[1:2]), y = usr[4] + 0.2 * graphics::strheight("M"), xjust = 0.5, yjust = 0,
                   ncol = leg_cols, xpd = NA, legend = labs, fill = c(col, NA), border = c(NA, NA, NA),
                   pch = c(NA, NA, 23), pt.bg = "white", col = c(NA, NA, "black"), bty = "n", cex = 0.85)
  invisible(x)
}
