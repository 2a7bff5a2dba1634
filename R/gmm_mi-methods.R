# Methods for "gmm_mi" objects.

#' Methods for GMM-MI results
#'
#' `print()` shows the estimate, its bootstrap standard deviation, the number of components and
#' the unit, plus a warning line when the diagnostics report a problem. `summary()` adds the
#' selection table, the settings and the time spent per phase. `confint()` gives an interval
#' from the quantiles of the bootstrap replicates (default: the basic bootstrap interval for the
#' default bias-corrected estimate, the percentile interval for the bootstrap mean) or a normal
#' one; `as.data.frame()` one row.
#'
#' @param x,object A `"gmm_mi"` object from [gmm_mi()].
#' @param parm Ignored (there is one parameter).
#' @param level Confidence level.
#' @param type `"percentile"` (from the quantiles q of the bootstrap replicates: q itself for
#'   `estimate = "bootstrap_mean"`, the basic interval \eqn{2\hat I - q} floored at 0 for the
#'   default bias-corrected estimate, which corrects the quantiles by the same bootstrap bias) or
#'   `"normal"` (estimate +- z * std_error). When the independence model was chosen (estimate 0;
#'   see [gmm_mi()]) either type gives the interval from 0 to z * `std_error`.
#' @param digits Number of significant digits to print.
#' @param row.names,optional Ignored.
#' @param ... Unused.
#' @return `print()` returns `x` invisibly; `summary()` an object of class `"summary.gmm_mi"`;
#'   `confint()` a 1 x 2 matrix; `as.data.frame()` a one-row data frame.
#' @name gmm_mi-methods
#' @examples
#' set.seed(2)
#' x <- rnorm(300); y <- x + rnorm(300)
#' fit <- gmm_mi(x, y, n_bootstrap = 10, n_threads = 1)
#' summary(fit)
#' confint(fit, type = "normal")
#' as.data.frame(fit)
NULL

#' @rdname gmm_mi-methods
#' @export
print.gmm_mi <- function(x, digits = 4, ...) {
  cat(sprintf("%s (GMM-MI)%s, n = %d%s\n", capitalise(x$quantity), variables_label(x), x$n,
              if (isTRUE(x$categorical)) sprintf(", %d classes", length(x$n_components)) else ""))
  if (is.na(x$std_error)) {
    cat(sprintf("  %s %s (no bootstrap)\n", format(signif(x$estimate, digits)), x$unit))
  } else {
    how <- switch(if (is.null(x$settings$estimate)) "bootstrap_mean" else x$settings$estimate,
                  bias_corrected = "bias-corrected", bootstrap_mean = "bootstrap mean", full_fit = "full-data fit")
    cat(sprintf("  %s %s (%s +- bootstrap sd, %d replicates)\n", format_value_se(x$estimate, x$std_error, digits),
                x$unit, how, length(x$bootstrap)))
  }
  K <- x$n_components
  kk <- if (length(K) > 1L || !is.null(names(K))) paste0(names(K), ": ", K, collapse = ", ") else K
  cat(sprintf("  components: %s (chosen by %s); full-data fit: %s %s\n", kk,
              if (all(is.na(x$settings$n_components))) x$settings$select else "user",
              format(signif(x$point, digits)), x$unit))
  if (!is.null(x$transform)) {
    how <- if (identical(x$settings$transform, "auto")) "chosen by held-out fit" else "set by `transform`"
    cat(sprintf("  fitted to: %s (%s)\n", if (x$transform == "none") "the raw values" else
      "normal scores of every numeric column", how))
  }
  ic <- x$independence
  if (isTRUE(ic$chosen)) {
    cat(sprintf(paste0("  independence: the fitted dependence does not carry over to held-out rows\n",
                       "    (mean held-out pointwise %s %s %s, z = %s), so the estimate is 0;\n",
                       "    without this check: %s %s\n"), mi_name(x), format(signif(ic$heldout_mi, 3)), x$unit,
                format(signif(ic$z, 3)), format(signif(ic$estimate_joint, digits)), x$unit))
  }
  print_treatment(x)
  msgs <- x$diagnostics$messages
  if (length(msgs)) cat(paste0("  Warning: ", msgs, collapse = "\n"), "\n", sep = "")
  invisible(x)
}

#' @rdname gmm_mi-methods
#' @export
summary.gmm_mi <- function(object, ...) {
  structure(list(object = object, selection = object$selection, timing = object$timing,
                 settings = object$settings, confint = stats::confint(object)),
            class = "summary.gmm_mi")
}

#' @export
print.summary.gmm_mi <- function(x, digits = 4, ...) {
  print(x$object, digits = digits)
  if (!anyNA(x$confint)) {
    cat(sprintf("  95%% interval (bootstrap quantiles): [%s, %s]\n", format(signif(x$confint[1], digits)),
                format(signif(x$confint[2], digits))))
  }
  cat("\nModel selection:\n")
  sel <- x$selection
  keep <- intersect(c("class", "K", "score", "aic", "bic", "best_init", "n_nonconverged",
                      "max_iterations", "chosen"), names(sel))
  print(format(sel[, keep, drop = FALSE], digits = digits), row.names = FALSE)
  s <- x$settings
  sv <- vapply(s, function(v) paste(format(v), collapse = ", "), character(1))
  cat("\nSettings:", paste0(names(sv), " = ", sv, collapse = "; "), "\n")
  tm <- x$timing
  cat(sprintf("Time (s): selection %.3f, full fit %.3f, bootstrap %.3f\n", tm[["selection"]],
              tm[["full_fit"]], tm[["bootstrap"]]))
  d <- x$object$diagnostics
  cat(sprintf("Diagnostics: K at cap %s; non-converged fits %d; recovered collapses %d; failed replicates %d; retried %d; replicates where a fresh start beat the warm start %d\n",
              d$k_at_cap, d$n_nonconverged, d$n_recovered, d$n_failed_replicates, d$n_retried,
              if (is.null(d$n_switched)) 0L else d$n_switched))
  ic <- x$object$independence
  if (isTRUE(ic$tested)) {
    cat(sprintf("Independence check: held-out pointwise %s %s %s (z = %s): %s\n", mi_name(x$object),
                format(signif(ic$heldout_mi, digits)), x$object$unit, format(signif(ic$z, 3)),
                if (ic$chosen) "negative beyond 2 se, estimate set to 0" else "estimate kept"))
  }
  ts <- x$object$transform_scores
  if (!is.null(ts)) {
    cat("Representations (held-out log-likelihood per row on the original scale; z: paired, against normal scores):\n")
    print(format(ts, digits = digits), row.names = FALSE)
  }
  if (length(d$ties)) {
    cat(sprintf("Ties broken at random (normal scores): %s\n", paste0(names(d$ties), " ", d$ties, " rows", collapse = ", ")))
  }
  invisible(x)
}

#' @rdname gmm_mi-methods
#' @export
confint.gmm_mi <- function(object, parm, level = 0.95, type = c("percentile", "normal"), ...) {
  level <- check_number(level, "level", lower = 0, upper = 1, lower_open = TRUE)
  type <- if (identical(type, c("percentile", "normal"))) "percentile" else check_choice(type, c("percentile", "normal"), "type")
  a <- (1 - level) / 2
  pct <- interval_labels(level)
  if (isTRUE(object$independence$chosen)) {
    # the independence model won: the estimate is 0, and the interval runs from 0 to z times
    # the joint mixture's bootstrap sd (either type)
    ci <- c(0, stats::qnorm(1 - a) * object$std_error)
  } else if (type == "normal" || length(object$bootstrap) < 2L) {
    ci <- normal_interval(object$estimate, object$std_error, level)
  } else {
    q <- unname(stats::quantile(object$bootstrap, c(a, 1 - a), names = FALSE))
    # a bias-corrected estimate goes with the basic (reflected) interval 2 * point - q, which
    # applies the same correction to the quantiles; the bootstrap mean with the plain percentiles
    ci <- if (identical(object$settings$estimate, "bias_corrected")) pmax(0, 2 * object$point - rev(q)) else q
  }
  matrix(ci, nrow = 1L, dimnames = list("mi", pct))
}

#' @rdname gmm_mi-methods
#' @export
as.data.frame.gmm_mi <- function(x, row.names = NULL, optional = FALSE, ...) {
  # the columns of every estimator (?gmmmi_estimate), with the percentile interval
  estimate_row(x, stats::confint(x))
}

#' Pointwise mutual information of new data under a GMM-MI fit
#'
#' `predict(fit, newdata, type = "pmi")` evaluates the pointwise MI
#' \eqn{\log p(x, y) - \log p(x) - \log p(y)}{log p(x,y) - log p(x) - log p(y)} (for a categorical
#' `x`: \eqn{\log p(y \mid x) - \log p(y)}{log p(y|x) - log p(y)}) of each row of `newdata` under
#' the full-data mixture; its mean over the fitted rows is the plug-in MI of the fit. When the
#' fit used normal scores, new values are mapped through the fitted data's empirical
#' distribution (the average normal score of the ranks they fall between; values outside the
#' fitted range get the extreme scores).
#'
#' @param object A `"gmm_mi"` result (MI, not conditional MI).
#' @param newdata `NULL` (the fitted rows) or a list / data frame with `x` and `y` of the
#'   dimensions of the fit (for a categorical fit, `x` the classes, with the fitted levels).
#' @param type `"pmi"` (the only type).
#' @param ... Unused.
#' @return A numeric vector, in the unit of the fit.
#' @examples
#' set.seed(1)
#' d <- toy_gaussian(500, rho = 0.6)
#' fit <- gmm_mi(d$x, d$y, n_bootstrap = 5, n_threads = 1)
#' predict(fit, list(x = c(-2, 0, 2), y = c(-2, 0, 2)))
#' @export
predict.gmm_mi <- function(object, newdata = NULL, type = "pmi", ...) {
  type <- check_choice(type, "pmi", "type")
  if (object$dims[["dz"]] > 0L) gmmmi_abort("`predict()` gives pointwise MI, not conditional MI.")
  s <- unit_scale(object$unit)
  if (is.null(newdata)) {
    nx <- object$data$x
    ny <- object$data$y
  } else {
    if (!is.list(newdata) || is.null(newdata$x) || is.null(newdata$y)) {
      gmmmi_abort("`newdata` must be a list or data frame with `x` and `y`.")
    }
    ny <- as_data_matrix(newdata$y, "newdata$y", allow_na = FALSE)
    if (ncol(ny) != object$dims[["dy"]]) {
      gmmmi_abort(sprintf("`newdata$y` must have %d column(s), like the fitted y.", object$dims[["dy"]]))
    }
    if (isTRUE(object$categorical)) {
      nx <- factor(as.character(newdata$x), levels = levels(object$data$x))
      if (anyNA(nx)) gmmmi_abort("`newdata$x` has classes that were not fitted (or missing values).")
    } else {
      nx <- as_data_matrix(newdata$x, "newdata$x", allow_na = FALSE)
      if (ncol(nx) != object$dims[["dx"]]) {
        gmmmi_abort(sprintf("`newdata$x` must have %d column(s), like the fitted x.", object$dims[["dx"]]))
      }
      if (nrow(nx) != nrow(ny)) gmmmi_abort("`newdata$x` and `newdata$y` must have the same number of rows.")
    }
    if (identical(object$transform, "normal_scores")) {
      if (!isTRUE(object$categorical)) nx <- map_normal_scores(nx, object$raw_sorted$x)
      ny <- map_normal_scores(ny, object$raw_sorted$y)
    }
  }
  if (isTRUE(object$categorical)) {
    return(.gmm_pmi_categorical(lapply(object$model, unclass), as.double(object$class_prob),
                                as.integer(nx), ny, 1L) * s)
  }
  .gmm_pmi(unclass(object$model), cbind(nx, ny), ncol(nx), 1L) * s
}

# New values mapped to the normal scores of fitted data (sorted columns `ref`): the average
# normal score of the ranks the value falls between, clamped to the fitted range.
map_normal_scores <- function(m, ref) {
  n <- nrow(ref)
  for (j in seq_len(ncol(m))) {
    lo <- findInterval(m[, j], ref[, j], left.open = TRUE)   # number of fitted values < v
    hi <- findInterval(m[, j], ref[, j])                     # number of fitted values <= v
    r <- pmin(pmax((lo + 1 + hi) / 2, 1), n)                # mid-rank among the fitted values
    m[, j] <- stats::qnorm((r - 0.5) / n)
  }
  m
}

#' Plot a GMM-MI result
#'
#' * `"bootstrap"`: histogram of the bootstrap replicates with the estimate, the full-data fit
#'   and the interval of [confint()] (for the default bias-corrected estimate, the basic bootstrap
#'   interval: both sit on the other side of the full-data fit from the replicates' centre);
#' * `"selection"`: the selection score against K (one line per class for a categorical `x`),
#'   with the chosen K marked;
#' * `"model"`: the data and the fitted components' 2-sd ellipses (1-D `x` and 1-D `y`); for a
#'   categorical `x` with 1-D `y`, the class-conditional fitted densities;
#' * `"pmi"`: the data coloured by pointwise MI log p(x,y) - log p(x) - log p(y) under the fit
#'   (1-D `x` and 1-D `y`, or a categorical `x` with 1-D `y`).
#'
#' @param x A `"gmm_mi"` object.
#' @param type One of `"bootstrap"`, `"selection"`, `"model"`, `"pmi"`.
#' @param level Level of the interval drawn by `type = "bootstrap"`.
#' @param ... Passed to the underlying base graphics call.
#' @return `x`, invisibly (for `type = "pmi"`, the pointwise MI values, invisibly, in `unit`).
#' @examples
#' set.seed(3)
#' x <- rnorm(300); y <- x + rnorm(300)
#' fit <- gmm_mi(x, y, n_bootstrap = 10, n_threads = 1)
#' plot(fit)
#' plot(fit, type = "model")
#' @export
plot.gmm_mi <- function(x, type = c("bootstrap", "selection", "model", "pmi"), level = 0.95, ...) {
  type <- if (identical(type, c("bootstrap", "selection", "model", "pmi"))) "bootstrap" else
    check_choice(type, c("bootstrap", "selection", "model", "pmi"), "type")
  switch(type,
         bootstrap = plot_gmm_mi_bootstrap(x, level, ...),
         selection = plot_gmm_mi_selection(x, ...),
         model = plot_gmm_mi_model(x, ...),
         pmi = plot_gmm_mi_pmi(x, ...))
}

plot_gmm_mi_bootstrap <- function(x, level, ...) {
  if (length(x$bootstrap) < 2L) gmmmi_abort("`x` has no bootstrap replicates (n_bootstrap = 0).")
  dots <- list(...)
  h <- graphics::hist(x$bootstrap, breaks = if (is.null(dots$breaks)) "FD" else dots$breaks, plot = FALSE)
  top <- max(if (isFALSE(dots$freq)) h$density else h$counts)
  ci <- stats::confint(x, level = level)
  bc <- identical(x$settings$estimate, "bias_corrected")
  plot_with(graphics::hist, list(x = x$bootstrap, breaks = "FD", col = "grey85", border = "white",
                                  main = "Bootstrap replicates", xlab = sprintf("%s (%s)", mi_name(x, short = TRUE), x$unit),
                                  xlim = range(h$breaks, ci, x$estimate, x$point, finite = TRUE),
                                  ylim = legend_room(c(0, top), legend_height(3))), dots)
  graphics::segments(x$estimate, 0, x$estimate, top, lwd = 2, col = "firebrick")  # below the legend
  graphics::segments(ci, 0, ci, top, lty = 2, col = "firebrick")
  graphics::segments(x$point, 0, x$point, top, lty = 3, lwd = 2, col = "grey30")
  # the default estimate corrects the full-data fit by the replicates' mean shift, so it sits on
  # the other side of the fit from the histogram's centre; the interval is corrected alike
  indep <- isTRUE(x$independence$chosen)
  est_lab <- if (indep) sprintf("estimate 0 (held-out %s %s)", mi_name(x, short = TRUE),
                                format(signif(x$independence$heldout_mi, 2))) else
    if (bc) "estimate (bias-corrected)" else "estimate"
  ci_lab <- if (indep) sprintf("%g%% interval: 0 to %.2f sd", 100 * level, stats::qnorm(0.5 + level / 2)) else
    sprintf("%g%% interval%s", 100 * level, if (bc) " (basic bootstrap)" else "")
  graphics::legend("topright", c(est_lab, if (indep) "full-data fit (joint mixture)" else "full-data fit", ci_lab),
                   lty = c(1, 3, 2), lwd = c(2, 2, 1), col = c("firebrick", "grey30", "firebrick"), bty = "n")
  invisible(x)
}

plot_gmm_mi_selection <- function(x, ...) {
  sel <- x$selection
  sc <- intersect(c("score", "aic", "bic"), names(sel))[1]
  ylab <- switch(sc, score = "held-out mean log-likelihood", aic = "AIC", bic = "BIC")
  grp <- if ("class" %in% names(sel)) sel$class else rep("", nrow(sel))
  lev <- unique(grp)
  cols <- grDevices::hcl.colors(max(2L, length(lev)), "Dark 3")[seq_along(lev)]
  leg_rows <- min(length(lev), 3L)  # the legend (several classes) in up to 3 rows above the lines
  yl <- range(sel[[sc]], finite = TRUE)
  if (length(lev) > 1L) yl <- legend_room(yl, legend_height(leg_rows))
  plot_with(graphics::plot, list(x = sel$K, y = sel[[sc]], type = "n", xlab = "number of components K",
                                  ylab = ylab, main = "Choice of K", xaxt = "n", ylim = yl), list(...))
  graphics::axis(1, at = sort(unique(sel$K)))  # whole-number ticks
  for (j in seq_along(lev)) {
    r <- grp == lev[j]
    graphics::lines(sel$K[r], sel[[sc]][r], type = "b", pch = 19, col = cols[j])
    ch <- r & sel$chosen
    graphics::points(sel$K[ch], sel[[sc]][ch], pch = 1, cex = 2.2, col = cols[j], lwd = 2)
  }
  if (length(lev) > 1L) {
    graphics::legend("topright", lev, col = cols, lwd = 1, pch = 19, bty = "n",
                     ncol = ceiling(length(lev) / leg_rows))
  }
  invisible(x)
}

ellipse_points <- function(mu, S, r = 2, n = 100) {
  t <- seq(0, 2 * pi, length.out = n)
  L <- t(chol(S))
  sweep(t(L %*% rbind(cos(t), sin(t))) * r, 2L, mu, "+")
}

plot_gmm_mi_model <- function(x, ...) {
  dims <- x$dims
  if (isTRUE(x$categorical)) {
    if (dims[["dy"]] != 1L) gmmmi_abort("`type = \"model\"` needs a one-dimensional `y` for a categorical `x`.")
    y <- x$data$y[, 1]
    lev <- names(x$model)
    cols <- grDevices::hcl.colors(max(2L, length(lev)), "Dark 3")[seq_along(lev)]
    grid <- seq(min(y), max(y), length.out = 400)
    dens <- vapply(x$model, function(m) {
      rowSums(vapply(seq_along(m$weights), function(k)
        m$weights[k] * stats::dnorm(grid, m$means[k, 1], sqrt(m$covariances[1, 1, k])), numeric(length(grid))))
    }, numeric(length(grid)))
    leg_rows <- min(length(lev), 3L)
    plot_with(graphics::matplot, list(x = grid, y = dens, type = "l", lty = 1, col = cols,
                                      xlab = gmm_mi_axis_labels(x)[2], ylab = "density p(y | class)",
                                      main = "Fitted class-conditional mixtures",
                                      ylim = legend_room(c(0, max(dens)), legend_height(leg_rows))), list(...))
    graphics::rug(y)
    graphics::legend("topright", lev, col = cols, lty = 1, bty = "n", ncol = ceiling(length(lev) / leg_rows))
    return(invisible(x))
  }
  if (dims[["dx"]] != 1L || dims[["dy"]] != 1L || dims[["dz"]] != 0L) {
    gmmmi_abort("`type = \"model\"` needs one-dimensional `x` and `y` (and no `z`).")
  }
  m <- x$model
  lab <- gmm_mi_axis_labels(x)
  plot_with(graphics::plot, list(x = x$data$x[, 1], y = x$data$y[, 1], pch = 16, cex = 0.5,
                                  col = grDevices::adjustcolor("grey30", 0.4), xlab = lab[1], ylab = lab[2],
                                  main = sprintf("Fitted mixture, K = %d", m$n_components)), list(...))
  cols <- grDevices::hcl.colors(max(2L, m$n_components), "Dark 3")
  for (k in seq_len(m$n_components)) {
    e <- ellipse_points(m$means[k, ], m$covariances[, , k])
    graphics::lines(e, col = cols[k], lwd = 1 + 3 * m$weights[k] / max(m$weights))
    graphics::points(m$means[k, 1], m$means[k, 2], pch = 3, col = cols[k])
  }
  invisible(x)
}

plot_gmm_mi_pmi <- function(x, ...) {
  dims <- x$dims
  s <- unit_scale(x$unit)
  if (isTRUE(x$categorical)) {
    if (dims[["dy"]] != 1L) gmmmi_abort("`type = \"pmi\"` needs a one-dimensional `y` for a categorical `x`.")
    cls <- x$data$x
    p <- .gmm_pmi_categorical(lapply(x$model, unclass), as.double(x$class_prob), as.integer(cls),
                              cbind(x$data$z, x$data$y), 1L, dims[["dz"]]) * s
    # spread the points of a class sideways without drawing random numbers (golden-ratio steps)
    xs <- as.integer(cls) + ((seq_along(cls) * 0.6180339887498949) %% 1 - 0.5) * 0.5
    cols <- pmi_colours(p)
    lab <- gmm_mi_axis_labels(x)
    plot_with(graphics::plot, list(x = xs, y = x$data$y[, 1], col = cols, pch = 16, cex = 0.6, xaxt = "n",
                                   xlab = lab[1], ylab = lab[2],
                                   xlim = legend_room(c(0.7, nlevels(cls) + 0.3), pmi_key_width(cols, x$unit), axis = 1L),
                                   main = sprintf("Pointwise %sMI (%s); mean %.3g",
                                                  if (dims[["dz"]] > 0L) "conditional " else "", x$unit, mean(p))),
              list(...))
    pmi_key(cols, x$unit)
    graphics::axis(1, at = seq_along(levels(cls)), labels = levels(cls))
    return(invisible(p))
  }
  if (dims[["dx"]] != 1L || dims[["dy"]] != 1L || dims[["dz"]] != 0L) {
    gmmmi_abort("`type = \"pmi\"` needs one-dimensional `x` and `y` (and no `z`).")
  }
  xy <- cbind(x$data$x, x$data$y)
  p <- .gmm_pmi(unclass(x$model), xy, 1L, 1L) * s
  o <- order(abs(p))
  lab <- gmm_mi_axis_labels(x)
  cols <- pmi_colours(p)
  plot_with(graphics::plot, list(x = xy[o, 1], y = xy[o, 2], col = cols[o], pch = 16, cex = 0.6,
                                  xlab = lab[1], ylab = lab[2],
                                  xlim = legend_room(range(xy[, 1]), pmi_key_width(cols, x$unit), axis = 1L),
                                  main = sprintf("Pointwise MI (%s); mean %.3g", x$unit, mean(p))), list(...))
  pmi_key(cols, x$unit)
  invisible(p)
}

# Axis labels for the data the model was fitted to: the variables' names from the call (the
# classes first for a categorical fit), marked as normal scores when the fit used them.
gmm_mi_axis_labels <- function(x) {
  nm <- gmm_mi_var_names(x)
  if (isTRUE(x$categorical)) return(c(nm[1], if (identical(x$transform, "normal_scores")) sprintf("%s (normal score)", nm[2]) else nm[2]))
  if (identical(x$transform, "normal_scores")) sprintf("%s (normal score)", nm) else nm
}

# Names of x and y as the user wrote them (swapped when a discrete y was used as the classes).
gmm_mi_var_names <- function(x) {
  nm <- c("x", "y")
  a <- call_xy(x$call)
  if (!is.null(a$x) && !is.null(a$y) && !is_formula_call(a$x)) nm <- c(short_expr(a$x, 25L), short_expr(a$y, 25L))
  if (isTRUE(x$swapped)) nm <- rev(nm)
  nm
}

# Call a graphics function with default arguments that the user's `...` may override (so that
# `main =`, `col =`, `xlab =` work instead of being "matched by multiple actual arguments").
plot_with <- function(fun, defaults, dots) do.call(fun, utils::modifyList(defaults, dots))

pmi_colours <- function(p) {
  pal <- grDevices::hcl.colors(101, "Blue-Red 3")
  m <- max(stats::quantile(abs(p), 0.95, names = FALSE), 1e-12)
  structure(pal[pmax(1, pmin(101, round(50 * p / m) + 51))], scale = m, palette = pal)
}

# Colour key of a pointwise-MI plot (values beyond the scale get the end colours), drawn in the
# strip on the right that legend_room() kept free of points.
pmi_key <- function(cols, unit, cex = 0.75) {
  pal <- attr(cols, "palette")
  graphics::legend("topright", fill = pal[c(1, 26, 51, 76, 101)], border = NA, bty = "n", cex = cex,
                   legend = pmi_key_labels(cols), title = sprintf("PMI (%s)", unit))
}

pmi_key_labels <- function(cols) formatC(c(-1, -0.5, 0, 0.5, 1) * attr(cols, "scale"), digits = 2, format = "g")

# Width (inches) of the colour key: the widest label after its colour box, or the title.
pmi_key_width <- function(cols, unit, cex = 0.75) {
  sw <- function(s) max(graphics::strwidth(s, units = "inches", cex = cex))
  max(sw(pmi_key_labels(cols)) + sw("00000"), sw(sprintf("PMI (%s)", unit)) + sw("00")) + 0.05
}

# Axis limits `lim` extended so that a strip `inches` deep of the plot region (at the top for
# axis 2, on the right for axis 1) stays free of data: a legend drawn there covers nothing.
# Call before the plot is drawn (it reads the size of the plot region, par("pin")).
legend_room <- function(lim, inches, axis = 2L) {
  f <- min(0.45, inches / max(graphics::par("pin")[axis], 1e-6))
  c(lim[1], lim[1] + diff(lim) / (1 - f))
}

# Height (inches) of a legend with `rows` rows (and a title) at text size `cex`, with its margins.
legend_height <- function(rows, cex = 1, title = FALSE) (rows + title + 1) * graphics::par("cin")[2] * cex

# What a gmm_mi result estimates, in words: "MI" or "conditional MI" ("CMI" with short = TRUE).
mi_name <- function(x, short = FALSE) {
  if (x$dims[["dz"]] == 0L) "MI" else if (short) "CMI" else "conditional MI"
}

