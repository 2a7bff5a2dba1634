# mi_test(): a permutation test of independence (or conditional independence) for any estimator.

#' Permutation test of independence for any MI estimator
#'
#' Tests \eqn{H_0: X \perp Y} (or \eqn{X \perp Y \mid Z}) by recomputing a test statistic on
#' `n_permutations` copies of the data whose rows of `y` are shuffled against `x` (for a
#' conditional test, rows of `x` shuffled within strata of `z`). Under \eqn{H_0} the observed
#' data and the shuffled copies are exchangeable, so the p-value
#' \deqn{p = \frac{1 + \#\{b : T_b \ge T_{obs}\}}{1 + B}}{p = (1 + #{b: T_b >= T_obs}) / (1 + B)}
#' is valid at every sample size. The mean of the null draws is the estimator's *shuffle bias*
#' (what it reports for independent data with these marginals), which may be subtracted from
#' the estimate.
#'
#' **The statistic.** For every method except `"gmm"` the statistic is the estimator itself with
#' the same settings (without its standard error, which the test does not need). For `"gmm"`,
#' the full estimator ([gmm_mi()] with bootstrap) runs once on the observed data; the statistic
#' is then the MI of a mixture refitted at the observed K (per class for a categorical `x`) in the
#' observed representation (`transform`), best of `n_inits` starts by likelihood, with no
#' bootstrap and the same `n_mc`; with K = 1 this is the Gaussian MI of the representation in
#' closed form. The same function is applied to the observed and to every shuffled data set.
#' Fixing K at its observed value makes each null fit about as cheap as a bootstrap replicate;
#' that this keeps the test calibrated was checked by simulation (`bench/mi_test.R`,
#' `bench/results/mi_test.txt`: rejection rates at 5% and Kolmogorov-Smirnov tests of the
#' p-values under independence for skewed, heavy-tailed, integer and zero-inflated marginals).
#' Discrete pairs (see [gmmmi_discrete]) use the plug-in statistic.
#'
#' **Shuffles.** Shuffling the rows of `y` keeps both marginals (and the class sizes of a
#' categorical variable) exactly. For conditional MI, `x` is shuffled within strata of `z`:
#' the levels of a discrete `z`, equal-frequency bins of a one-dimensional `z`, or k-means
#' clusters of a standardised multi-dimensional `z`, each with about `strata_size` rows. This
#' is a standard approximate scheme (it preserves the dependence of X on Z only up to the
#' strata's width; exact for a discrete `z`); give `strata` to choose the strata yourself.
#'
#' **Reproducibility and parallelism.** One seed per shuffle (and one for the observed
#' statistic) is drawn up front from R's random number generator (or from `seed`), and each
#' shuffle and its statistic run right after `set.seed()` of their seed, so the result is the
#' same for any `n_threads`, sequentially or on any [future::plan()] (used when future.apply is
#' installed and a non-sequential plan is set; each estimator then uses 1 thread unless
#' `n_threads` is given).
#'
#' @param x,y The two variables, as for [mi()]; or `x` a formula `y ~ x` or `y ~ x | z` with `data`
#'   (which may also be given second).
#' @param data A data frame holding the variables of a formula.
#' @param z Optional variable to condition on (conditional independence; `method = "gmm"` or
#'   `"ksg"`, whose statistic is then the conditional MI of [mi_ksg()]).
#' @param method The estimator: a method of [mi()] (`"gmm"`, `"ksg"`, `"knn_entropy"`,
#'   `"binned"`, `"gaussian"`, `"sliced"`).
#' @param ... Further arguments for the estimator (e.g. `k` for `"ksg"`, `n_bootstrap` for
#'   `"gmm"`).
#' @param n_permutations Number of shuffles B (the smallest possible p-value is 1 / (B + 1)).
#' @param strata For a conditional test: `NULL` (strata from `z`, see Details) or a vector with
#'   one stratum label per row.
#' @param strata_size Rows per stratum when the strata are built from a continuous `z`.
#' @param unit `"nat"` (default) or `"bit"`.
#' @param n_threads Number of threads of each estimator call; results do not depend on it.
#' @param seed `NULL` (draw the seeds from R's random number stream) or a whole number fixing
#'   them without touching that stream.
#' @param progress Show one progress bar over the shuffles (default: interactive sessions).
#' @return An object of class `"mi_test"`: a list with
#'   * `estimate`: the estimator's full result on the observed data (an object inheriting from
#'     [`"gmmmi_estimate"`][gmmmi_estimate]);
#'   * `statistic`: the test statistic on the observed data; `null`: its values on the shuffles;
#'   * `p_value`, `null_mean` (the shuffle bias), `null_sd`, `n_permutations`, `method`,
#'     `statistic_description`, `conditional`, `n_strata`, `unit`, `n`, `seeds`, `call`.
#'
#'   Methods: `print()`, `plot()` (a histogram of the null draws with the observed statistic)
#'   and `as.data.frame()` (one row).
#' @seealso [mi()] with `n_permutations`, and [mi_matrix()] with `test = TRUE`.
#' @examples
#' set.seed(1)
#' x <- rnorm(300)
#' y <- 0.2 * x + rnorm(300)
#' t1 <- mi_test(x, y, method = "ksg", n_permutations = 99, n_threads = 1)
#' t1
#' plot(t1)
#' # with GMM-MI (fewer bootstrap replicates to keep the example fast)
#' mi_test(x, rexp(300), n_permutations = 49, n_bootstrap = 10, n_threads = 1)
#' @export
mi_test <- function(x, y, z = NULL, method = c("gmm", "ksg", "knn_entropy", "binned", "gaussian", "sliced"),
                    ..., n_permutations = 200, strata = NULL, strata_size = 20,
                    unit = c("nat", "bit"), n_threads = NULL, seed = NULL, progress = interactive(),
                    data = NULL) {
  call <- match.call()
  if (inherits(x, "formula")) {
    # y ~ x or y ~ x | z, with `data` (which may also come second, as in mi())
    if (is.null(data) && !missing(y)) data <- y
    f <- mi_formula(x, data)
    x <- f$x
    y <- f$y
    if (!is.null(f$z)) z <- f$z
  }
  method <- check_choice(method, estimator_methods(), "method")
  unit <- check_unit(unit)
  n_permutations <- check_count(n_permutations, "n_permutations", min = 1, max = 1e6)
  strata_size <- check_count(strata_size, "strata_size", min = 2)
  if (!is.null(n_threads)) n_threads <- check_count(n_threads, "n_threads", min = 1)
  seed <- check_seed(seed)
  progress <- check_flag(progress, "progress")
  if (missing(y)) gmmmi_abort("`y` is missing: mi_test() needs two variables.")
  if (!is.null(z) && !method %in% estimator_methods("conditional")) {
    gmmmi_abort(sprintf("`z` (a conditional test) needs `method = \"gmm\"` or \"ksg\", not \"%s\".", method))
  }
  args <- list(...)
  fun <- estimator_fun(method)
  if (estimator_entry(method)$progress && is.null(args$progress)) args$progress <- FALSE  # one bar: the test's
  n <- if (is.null(dim(x))) length(x) else nrow(x)
  ny <- if (is.null(dim(y))) length(y) else nrow(y)
  if (ny != n) gmmmi_abort(sprintf("`x` and `y` must have the same number of rows (%d and %d).", n, ny))
  if (!is.null(z) && (if (is.null(dim(z))) length(z) else nrow(z)) != n) {
    gmmmi_abort(sprintf("`z` must have %d rows, like `x`.", n))
  }
  # drop incomplete rows first, so that every shuffle uses the same rows
  miss <- function(v) if (is.null(dim(v))) is.na(v) else !stats::complete.cases(v)
  bad <- miss(x) | miss(y) | (if (is.null(z)) FALSE else miss(z))
  if (any(bad)) {
    if (all(bad)) gmmmi_abort("`x`, `y` (and `z`) have no complete row.")
    gmmmi_warn(sprintf("Dropped %d incomplete row(s) (missing values in x, y or z); %d rows remain.",
                       sum(bad), sum(!bad)))
    x <- rows_of(x, !bad)
    y <- rows_of(y, !bad)
    if (!is.null(z)) z <- rows_of(z, !bad)
    n <- sum(!bad)
  }
  seeds <- with_seed(seed, sample.int(.Machine$integer.max, n_permutations + 1L))
  use_future <- repr_use_future()
  threads <- if (use_future && is.null(n_threads)) 1L else gmmmi_threads(n_threads)

  # the full estimate on the observed data (its own seed: the first)
  full <- with_seed(seeds[1L], do.call(fun, c(list(x, y), if (!is.null(z)) list(z = z), args,
                                              list(unit = unit, n_threads = threads))),
                    fixed_kinds = TRUE)
  full$call <- call
  stat <- mi_test_statistic(method, fun, full, args, unit)
  strata_v <- NULL
  if (!is.null(z)) {
    strata_v <- mi_test_strata(z, strata, strata_size, seeds[1L])
  } else if (!is.null(strata)) {
    gmmmi_abort("`strata` applies to a conditional test (with `z`).")
  }
  # one shuffle, from the current random stream: y's rows, or x's rows within strata of z
  perm_draw <- function(nb) {
    if (is.null(strata_v)) return(sample.int(nb))
    perm <- seq_len(nb)
    for (idx in split(seq_len(nb), strata_v)) {
      if (length(idx) > 1L) perm[idx] <- idx[sample.int(length(idx))]
    }
    perm
  }
  bs <- seq_len(n_permutations)
  if (!is.null(stat$batch)) {
    # gmm: the shuffles are drawn here (one seed each), the refits run in C++ threads (or in
    # chunks on the future workers); column b uses the streams of shuffle b wherever it runs
    nb <- stat$n
    perms <- cbind(seq_len(nb), vapply(bs, function(b) with_seed(seeds[b + 1L], perm_draw(nb), fixed_kinds = TRUE),
                                       integer(nb)))
    cseed <- with_seed(seeds[1L], draw_seed(), fixed_kinds = TRUE)
    vals <- if (use_future) {
      chunks <- split(seq_len(ncol(perms)), ceiling(seq_len(ncol(perms)) / max(1L, ceiling(ncol(perms) / 8))))
      unlist(future.apply::future_lapply(chunks, function(ix) {
        stat$batch(perms[, ix, drop = FALSE], ix[1L] - 1, threads, cseed)
      }, future.seed = NULL, future.packages = "gmmmi"), use.names = FALSE)
    } else {
      stat$batch(perms, 0, threads, cseed)
    }
    t_obs <- vals[1L]
    null <- vals[-1L]
  } else {
    # the other methods: the estimator itself on y's shuffled rows, or (given z) on x's rows
    # shuffled within strata of z
    one <- function(b, threads) {
      with_seed(seeds[b + 1L], {
        if (b == 0L) {
          stat$fun(x, y, z, threads)
        } else if (is.null(z)) {
          stat$fun(x, rows_of(y, perm_draw(n)), NULL, threads)
        } else {
          stat$fun(rows_of(x, perm_draw(n)), y, z, threads)
        }
      }, fixed_kinds = TRUE)
    }
    t_obs <- one(0L, threads)
    if (use_future) {
      null <- unlist(future.apply::future_lapply(bs, one, threads = threads, future.seed = NULL,
                                                 future.packages = "gmmmi"))
    } else {
      bar <- if (progress && isTRUE(getOption("gmmmi.progress", TRUE))) {
        utils::txtProgressBar(min = 0, max = n_permutations, style = 3)
      }
      on.exit(if (!is.null(bar)) close(bar), add = TRUE)
      null <- numeric(n_permutations)
      for (b in bs) {
        null[b] <- one(b, threads)
        if (!is.null(bar)) utils::setTxtProgressBar(bar, b)
      }
    }
  }
  ok <- is.finite(null)
  if (!all(ok)) {
    gmmmi_warn(sprintf("%d of %d null statistics were not finite and were dropped.", sum(!ok), length(ok)))
  }
  null <- null[ok]
  p <- (1 + sum(null >= t_obs - 1e-12 * max(1, abs(t_obs)))) / (1 + length(null))
  structure(list(estimate = full, statistic = t_obs, null = null, p_value = p,
                 null_mean = mean(null), null_sd = if (length(null) > 1L) stats::sd(null) else NA_real_,
                 n_permutations = length(null), method = method,
                 statistic_description = stat$description, conditional = !is.null(z),
                 n_strata = if (is.null(strata_v)) NA_integer_ else length(unique(strata_v)),
                 unit = unit, n = as.integer(full$n), seeds = seeds, call = call),
            class = "mi_test")
}

# Rows of a vector, factor, matrix or data frame.
rows_of <- function(v, idx) if (is.null(dim(v))) v[idx] else v[idx, , drop = FALSE]

# The test statistic: list(fun = function(x, y, z, n_threads) -> number, description).
mi_test_statistic <- function(method, fun, full, args, unit) {
  # the statistic needs no standard error (gmm here: a stratified or plug-in result, refitted
  # in full per shuffle without its bootstrap)
  se_off <- estimator_entry(method)$no_std_error
  if (method == "gmm") se_off$independence <- FALSE
  if (method == "gmm" && inherits(full, "gmm_mi")) {
    s <- full$settings
    K <- full$n_components
    tr <- full$transform
    d <- full$data
    categorical <- isTRUE(full$categorical)
    if (categorical) {
      lab <- as.integer(d$x)
      K <- unname(K[levels(d$x)])
      M <- cbind(d$z, d$y)  # the class models' columns (z, y)
      kind <- 2L
    } else {
      lab <- integer(0)
      K <- unname(K)
      M <- cbind(d$x, d$y, d$z)
      kind <- if (full$dims[["dz"]] > 0L) 1L else 0L
    }
    # (the core standardises M with its column statistics, as gmm_mi() does)
    opt <- list(tol = s$tol, max_iter = s$max_iter, reg_covar = s$reg_covar, init = s$init,
                n_inits = s$n_inits, n_mc = as.double(s$n_mc))
    p <- if (categorical) unname(full$class_prob) else numeric(0)
    return(list(
      description = if (all(K == 1L) && kind != 2L) {
        sprintf("Gaussian MI of the %s (K = 1, closed form)", if (tr == "none") "raw values" else "normal scores")
      } else {
        sprintf("MI of a mixture refitted at K = %s (%s, best of %d starts, no bootstrap)",
                paste(K, collapse = "/"), if (tr == "none") "raw values" else "normal scores", s$n_inits)
      },
      n = nrow(M),
      # the block shuffled: y (MI; for a categorical x, its labels) or x within strata of z
      batch = function(perms, b_offset, n_threads, seed) {
        .gmm_mi_null(M, lab, as.integer(K), kind, full$dims[["dx"]], full$dims[["dy"]], p, perms,
                     b_offset, opt, seed, n_threads) * unit_scale(unit)
      }))
  }
  list(description = sprintf("the %s estimate", if (is.null(full$method)) method else full$method),
       fun = function(x, y, z, n_threads) {
         r <- suppressWarnings(do.call(fun, c(list(x, y), if (!is.null(z)) list(z = z),
                                             utils::modifyList(args, se_off),
                                             list(unit = unit, n_threads = n_threads))))
         r$estimate
       })
}

# Strata of the rows for a conditional test: the given labels, the values of a discrete z,
# equal-frequency bins of a 1-D z, or k-means clusters of a standardised z.
mi_test_strata <- function(z, strata, size, seed, call = sys.call(-1)) {
  n <- if (is.null(dim(z))) length(z) else nrow(z)
  if (!is.null(strata)) {
    if (length(strata) != n || anyNA(strata)) {
      gmmmi_abort(sprintf("`strata` must have one label per row (%d), without missing values.", n), call = call)
    }
    return(as.integer(factor(strata)))
  }
  vz <- discrete_variable(z)
  if (vz$kind == "discrete") return(as.integer(vz$factor))
  zm <- as_data_matrix(z, "z", call = call)
  k <- max(1L, round(n / size))
  if (ncol(zm) == 1L) {
    r <- rank(zm[, 1L], ties.method = "first")
    return(as.integer(ceiling(r * k / n)))
  }
  zs <- scale(zm)
  zs[!is.finite(zs)] <- 0
  with_seed(seed, stats::kmeans(zs, centers = min(k, nrow(unique(zs))), iter.max = 50,
                                algorithm = "Lloyd")$cluster, fixed_kinds = TRUE)
}

#' @rdname mi_test
#' @param digits Number of significant digits printed.
#' @export
print.mi_test <- function(x, digits = 4, ...) {
  e <- x$estimate
  cat(sprintf("Permutation test of %sindependence (%s), n = %d, %d shuffles%s\n",
              if (x$conditional) "conditional " else "", x$method, x$n, x$n_permutations,
              if (x$conditional) sprintf(" within %d strata of z", x$n_strata) else ""))
  cat(sprintf("  estimate:  %s %s\n", format_value_se(e$estimate, e$std_error, digits), x$unit))
  cat(sprintf("  statistic: %s (%s)\n", format(signif(x$statistic, digits)), x$statistic_description))
  cat(sprintf("  null:      mean %s (the shuffle bias), sd %s\n", format(signif(x$null_mean, digits)),
              format(signif(x$null_sd, digits))))
  cat(sprintf("  p-value:   %s%s\n", format.pval(x$p_value, digits = 3),
              if (x$p_value <= 1 / (x$n_permutations + 1) + 1e-12)
                sprintf(" (the smallest possible with %d shuffles)", x$n_permutations) else ""))
  lab <- treatment_label(e)
  if (!is.null(lab)) cat("  Data:", lab, "\n")
  invisible(x)
}

#' @rdname mi_test
#' @param breaks,col,main,xlab Passed to [graphics::hist()]. `plot()` draws the null distribution
#'   with the observed value; a value far beyond the null is shown by an arrow at the edge.
#' @export
plot.mi_test <- function(x, breaks = 30, col = "grey85", main = NULL, xlab = NULL, ...) {
  if (is.null(main)) main <- sprintf("Permutation test (%s): p = %s", x$method, format.pval(x$p_value, digits = 3))
  if (is.null(xlab)) xlab <- sprintf("statistic (%s)", x$unit)
  stat <- x$statistic
  nr <- range(x$null, finite = TRUE)
  w <- max(diff(nr), 0.1 * abs(nr[2]), 1e-12)
  # an observed value far outside the null would squeeze the histogram into a sliver: then the
  # axis covers the null (and a strip on that side), and an arrow at the edge points to the value
  far <- is.finite(stat) && (stat > nr[2] + 1.5 * w || stat < nr[1] - 1.5 * w)
  right <- !far || stat > nr[2]
  rng <- if (far) nr + (if (right) c(0, 0.35) else c(-0.35, 0)) * w else range(c(x$null, stat), finite = TRUE)
  h <- graphics::hist(x$null, breaks = breaks, plot = FALSE)
  top <- max(h$counts)
  # room above the bars for the legend, which would otherwise cover the observed value's line
  plot_with(graphics::hist, list(x = x$null, breaks = breaks, col = col, border = "white", main = main,
                                 xlab = xlab, xlim = rng + c(-0.04, 0.04) * diff(rng),
                                 ylim = legend_room(c(0, top), legend_height(2, 0.85))), list(...))
  graphics::segments(x$null_mean, 0, x$null_mean, top, col = "grey40", lty = 2)
  if (far) {
    usr <- graphics::par("usr")
    edge <- usr[if (right) 2L else 1L]
    from <- if (right) nr[2] + 0.05 * w else nr[1] - 0.05 * w
    graphics::arrows(from, 0.6 * top, edge, 0.6 * top, col = "firebrick", lwd = 2, length = 0.1)
    graphics::text(edge, 0.6 * top, sprintf("observed %s", format(signif(stat, 3))), adj = c(if (right) 1 else 0, -0.6),
                   col = "firebrick", cex = 0.85)
  } else {
    graphics::segments(stat, 0, stat, top, col = "firebrick", lwd = 2)
  }
  graphics::legend("topright", bty = "n", col = c("firebrick", "grey40"), lwd = c(2, 1), lty = c(1, 2),
                   legend = c(if (far) "observed (off the scale)" else "observed", "null mean"), cex = 0.85)
  invisible(x)
}

#' @rdname mi_test
#' @param row.names,optional Ignored.
#' @export
as.data.frame.mi_test <- function(x, row.names = NULL, optional = FALSE, ...) {
  data.frame(method = x$method, estimate = x$estimate$estimate, std_error = x$estimate$std_error,
             statistic = x$statistic, null_mean = x$null_mean, null_sd = x$null_sd, p_value = x$p_value,
             n_permutations = x$n_permutations, unit = x$unit, n = x$n, stringsAsFactors = FALSE)
}
