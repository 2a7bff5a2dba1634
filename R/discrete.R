# The one rule for discrete and partly discrete variables, shared by every estimator (see
# ?gmmmi_discrete): each variable is "discrete", "atoms" (continuous with atoms: zero-inflated,
# saturated, heavily tied) or "continuous"; the pair's treatment follows from the two kinds.

#' Discrete and partly discrete data: the rule every estimator applies
#'
#' Mutual information between a discrete variable and anything is at most the discrete
#' variable's entropy, and density-based estimators (Gaussian mixtures, nearest neighbours)
#' applied to integer codes or flags see spikes of infinite density and can report any number
#' (a 0/1 flag against a 3-level code gave 10 nats). Every estimator of the package
#' ([gmm_mi()], [mi_ksg()], [mi_knn_entropy()], [mi_binned()], [mi_gaussian()], [mi_sliced()],
#' and through them [mi()], [mi_test()], [mi_matrix()], [info_plane()], [info_decomposition()])
#' therefore first classifies each of `x` and `y`:
#'
#' * **discrete**: a factor, character or logical vector; or numeric columns that take at most
#'   `getOption("gmmmi.max_levels", 10)` distinct values, and no more than half as many as
#'   there are rows (integer codes, flags, small counts). A multi-column variable is discrete
#'   when all its columns are; its values are then the combinations of the columns.
#' * **atoms**: not discrete, but more than 10% of the rows sit on one value (within 0.001
#'   robust standard deviations, the interquartile range / 1.349): zero-inflated amounts,
#'   saturated units (`tanh` at exactly +-1), large counts, censored data.
#' * **continuous**: everything else.
#'
#' The pair is then estimated as follows (the result's `treatment` says which was used):
#'
#' | x | y | treatment |
#' |---|---|---|
#' | discrete | discrete | `"plug-in"`: the plug-in MI of the contingency table with the Miller-Madow correction and the delta-method standard error (as [mi_binned()]), whatever the method |
#' | discrete | continuous or atoms | `"categorical"`: the estimator's categorical form with the discrete variable as the classes (`gmm`: one mixture per class; `ksg`: Ross's mixed kNN estimator [mi_mixed()]; `knn_entropy`: \eqn{H(Y) - \sum_c p_c H(Y \mid c)}; `binned`: the classes as bins; `sliced`: class labels against projections of y). MI is symmetric, so a discrete `y` with a continuous `x` is swapped. `gaussian` has no categorical form and stops with an error of class `"gmmmi_error_discrete"` |
#' | continuous or atoms | continuous or atoms | `"continuous"`, or `"dequantised"` when a variable has atoms: `gmm` fits normal scores with ties broken at random (for every column), `ksg` replaces the columns with atoms by such normal scores (with a tiny jitter instead, independent zero-inflated data gave 0.05 nats at about 2 standard errors at N = 500), `binned` bins as usual; `knn_entropy` stops with an error of class `"gmmmi_error_discrete"` (the entropies of atoms are -Inf and do not cancel: independent counts gave -1.6 nats) |
#'
#' Why dequantisation is allowed: breaking ties at random maps X to a variable X' from which X
#' is recovered exactly (X = f(X')) and whose extra randomness is independent of everything
#' else, so \eqn{I(X'; Y) = I(X; Y)}. The same argument does not make a density estimator good
#' on a purely discrete pair (the dequantised joint is a grid of uniform blocks), which is why
#' discrete pairs get the plug-in estimate.
#'
#' For `gmm`, a detected (not user-declared) discrete variable whose rarest value has fewer rows
#' than one cross-validation fit needs is dequantised instead of used as classes (treatment
#' `"dequantised"`). Whatever the treatment, an estimate involving a discrete variable is capped
#' at that variable's (Miller-Madow) entropy, and `result$entropy` reports it; the plug-in and
#' the categorical GMM estimates satisfy the bound by construction.
#'
#' **Overriding the detection.** Every estimator takes `discrete`: `NULL` (detect), `TRUE` or
#' `FALSE` for both variables, or a named logical such as `c(x = TRUE)` or `c(y = FALSE)`
#' (variables not named are detected). [mi_matrix()] takes column names instead of `x` / `y`.
#' A discrete conditioning variable `z` in [gmm_mi()] is dequantised; [mi_ksg()] instead
#' estimates per stratum of a discrete `z` (each stratum by the rule above) and refuses a
#' discrete pair given a continuous `z` (see its Details).
#'
#' @name gmmmi_discrete
#' @aliases discrete
#' @examples
#' # a 0/1 flag against a 3-valued code: plug-in, bounded by H(am) = 0.675 nats
#' mi(mtcars$am, mtcars$gear, method = "ksg")
#' # treat a count as continuous (dequantised) instead of discrete
#' set.seed(1)
#' n <- 1000
#' k <- rpois(n, 2)
#' y <- k + rnorm(n)
#' mi(k, y, method = "ksg")                                 # categorical: classes of k
#' mi(k, y, method = "ksg", discrete = c(x = FALSE))        # dequantised
NULL

discrete_max_levels <- function() {
  v <- getOption("gmmmi.max_levels", 10)
  if (!is.numeric(v) || length(v) != 1L || !is.finite(v) || v < 2) 10 else floor(v)
}

# Largest fraction of the values of v on one value, counting values within 0.001 robust
# standard deviations (IQR / 1.349, or the sd when the IQR is 0) as one; about 0.0004 for
# continuous data. Beyond `max_n` values an evenly spaced subsample of the sorted values is used.
atom_fraction <- function(v, max_n = 5000L) {
  v <- sort(v[is.finite(v)])
  n0 <- length(v)
  if (n0 < 20L) return(0)
  if (n0 > max_n) v <- v[unique(round(seq(1, n0, length.out = max_n)))]
  n <- length(v)
  q <- v[c(ceiling(0.25 * n), ceiling(0.75 * n))]
  s <- (q[2] - q[1]) / 1.349
  if (!(s > 0)) s <- stats::sd(v)
  if (!(s > 0)) return(1)
  cnt <- findInterval(v + 1e-3 * s, v) - seq_len(n) + 1L
  max(cnt) / n
}

# Kind of one numeric column (NAs ignored).
column_kind <- function(v, max_levels = discrete_max_levels()) {
  if (is.factor(v) || is.character(v) || is.logical(v)) return("discrete")
  v <- v[!is.na(v)]
  u <- length(unique(v))
  # a constant (or empty) numeric column is left to the estimators' own checks
  if (u < 2L) return("continuous")
  if (u <= max_levels && u <= length(v) / 2) return("discrete")
  if (atom_fraction(v) > 0.10) return("atoms")
  "continuous"
}

# A variable (vector, factor, matrix or data frame) as list(kind, factor, numeric, n):
# `factor` the discrete values as one factor (combinations of the columns) when discrete.
# `declared`: NA (detect), TRUE or FALSE. Non-numeric input other than factor / character /
# logical is returned as "continuous" for the estimator's own validation to reject.
discrete_variable <- function(v, declared = NA) {
  cols <- if (is.data.frame(v)) as.list(v) else if (is.matrix(v)) {
    if (is.numeric(v) || is.logical(v)) lapply(seq_len(ncol(v)), function(j) v[, j]) else list(v)
  } else list(v)
  ok <- vapply(cols, function(c) is.numeric(c) || is.factor(c) || is.character(c) || is.logical(c),
               logical(1))
  if (!all(ok) || length(cols) == 0L) return(list(kind = "continuous", factor = NULL))
  is_cat <- vapply(cols, function(c) is.factor(c) || is.character(c) || is.logical(c), logical(1))
  kinds <- if (isFALSE(declared)) {
    ifelse(is_cat, "discrete", vapply(cols, function(c) if (atom_fraction(c) > 0.10) "atoms" else "continuous", ""))
  } else if (isTRUE(declared)) {
    rep("discrete", length(cols))
  } else {
    vapply(cols, column_kind, character(1))
  }
  kind <- if (all(kinds == "discrete")) "discrete" else if (any(kinds == "atoms")) "atoms" else "continuous"
  if (kind != "discrete" && any(is_cat) && !isFALSE(declared)) kind <- "mixed_columns"
  f <- NULL
  if (kind == "discrete") {
    keys <- lapply(cols, function(c) as.character(c))
    key <- if (length(keys) == 1L) keys[[1]] else do.call(paste, c(keys, sep = "\r"))
    f <- if (length(cols) == 1L && is.factor(cols[[1]])) droplevels(cols[[1]]) else factor(key)
  }
  # user-declared: a factor / character / logical, or `discrete = TRUE`
  list(kind = kind, factor = f, declared = isTRUE(declared) || all(is_cat))
}

# The `discrete` argument of the estimators: NULL, TRUE / FALSE, or a named logical over `names`.
# Returns a named logical (NA = detect) over `names`.
discrete_declared <- function(discrete, names = c("x", "y"), call = sys.call(-1)) {
  out <- stats::setNames(rep(NA, length(names)), names)
  if (is.null(discrete)) return(out)
  bad <- function() {
    gmmmi_abort(sprintf(paste0("`discrete` must be NULL (detect), TRUE or FALSE, or a named logical ",
                               "over %s, not %s."), paste0('"', names, '"', collapse = ", "),
                        describe(discrete)), call = call)
  }
  if (!is.logical(discrete) || anyNA(discrete) || length(discrete) < 1L) bad()
  if (is.null(names(discrete))) {
    if (length(discrete) != 1L) bad()
    out[] <- discrete
    return(out)
  }
  unknown <- setdiff(names(discrete), names)
  if (length(unknown)) {
    gmmmi_abort(sprintf("`discrete` names %s, which %s not among %s.",
                        paste0('"', unknown, '"', collapse = ", "),
                        if (length(unknown) > 1L) "are" else "is",
                        paste0('"', names, '"', collapse = ", ")), call = call)
  }
  out[names(discrete)] <- discrete
  out
}

# Classify the pair (x, y) for an estimator. Returns list(pair, x, y, kx, ky, swapped):
# pair "discrete" (x, y factors), "categorical" (x a factor, y as given; swapped if the input's y
# was the discrete one), "continuous" (x, y as given) or "dequantised" (continuous with atoms).
discrete_pair <- function(x, y, discrete = NULL, call = sys.call(-1)) {
  dec <- discrete_declared(discrete, call = call)
  vx <- discrete_variable(x, dec[["x"]])
  vy <- discrete_variable(y, dec[["y"]])
  if (vx$kind == "mixed_columns" || vy$kind == "mixed_columns") {
    gmmmi_abort(paste0("A variable mixes discrete (factor, character or logical) and numeric columns; ",
                       "convert the discrete columns to numbers, or pass them as a separate variable."),
                class = c("gmmmi_error_discrete", "gmmmi_error_input"), call = call)
  }
  out <- list(pair = "continuous", x = x, y = y, kx = vx$kind, ky = vy$kind, swapped = FALSE,
              fx = vx$factor, fy = vy$factor, declared_x = vx$declared, declared_y = vy$declared)
  if (vx$kind == "discrete" && vy$kind == "discrete") {
    out$pair <- "discrete"
    out$x <- vx$factor
    out$y <- vy$factor
  } else if (vx$kind == "discrete") {
    out$pair <- "categorical"
    out$x <- vx$factor
  } else if (vy$kind == "discrete") {
    out$pair <- "categorical"
    out$x <- vy$factor
    out$y <- x
    out$swapped <- TRUE
    out$declared_x <- vy$declared
  } else if (vx$kind == "atoms" || vy$kind == "atoms") {
    out$pair <- "dequantised"
  }
  out
}

# Miller-Madow entropy (nats) of a factor.
entropy_mm <- function(f) {
  cnt <- tabulate(as.integer(f), nlevels(f))
  cnt <- cnt[cnt > 0]
  n <- sum(cnt)
  p <- cnt / n
  -sum(p * log(p)) + (length(cnt) - 1) / (2 * n)
}

# Drop rows with a missing value in either variable (factors or matrices), with a warning.
discrete_complete <- function(x, y, call = sys.call(-1)) {
  miss <- function(v) if (is.null(dim(v))) is.na(v) else !stats::complete.cases(v)
  bad <- miss(x) | miss(y)
  if (!any(bad)) return(list(x = x, y = y))
  if (all(bad)) gmmmi_abort("`x` and `y` have no complete row.", call = call)
  gmmmi_warn(sprintf("Dropped %d incomplete row(s) (missing values in x or y); %d rows remain.",
                     sum(bad), sum(!bad)), call = call)
  sub <- function(v) if (is.null(dim(v))) droplevels(v[!bad]) else v[!bad, , drop = FALSE]
  list(x = sub(x), y = sub(y))
}

# The plug-in estimate of a discrete pair (factors fx, fy): Miller-Madow corrected, delta-method
# standard error; at most min(H_MM(X), H_MM(Y)) by construction.
mi_discrete_pair <- function(fx, fy, unit, call, requested, settings = list()) {
  cc <- discrete_complete(fx, fy, call = call)
  fx <- cc$x
  fy <- cc$y
  n <- length(fx)
  if (length(fy) != n) {
    gmmmi_abort(sprintf("`x` and `y` must have the same number of rows (%d and %d).", n, length(fy)),
                call = call)
  }
  tab <- unclass(table(fx, fy))
  res <- binned_mi_table(tab)
  est <- res$plugin + (res$m_x + res$m_y - res$m_xy - 1) / (2 * n)
  h <- c(x = entropy_mm(fx), y = entropy_mm(fy))
  sc <- unit_scale(unit)
  new_mi_estimate(est * sc, res$std_error * sc, unit = unit, method = "plug-in", n = n,
                  settings = c(list(requested_method = requested, correction = "miller_madow"), settings),
                  call = call, treatment = "plug-in", entropy = h * sc, table = tab,
                  plugin = res$plugin * sc)
}

# Cap an estimate (in `unit`) at the entropy of the discrete side(s) `f` (a factor or list of
# factors); records the entropy and whether the cap applied.
discrete_cap <- function(res, f, unit) {
  if (is.factor(f)) f <- list(x = f)
  h <- vapply(f, entropy_mm, numeric(1)) * unit_scale(unit)
  res$entropy <- h
  if (is.finite(res$estimate) && res$estimate > min(h)) {
    res$estimate <- min(h)
    res$capped <- TRUE
  } else {
    res$capped <- FALSE
  }
  res
}

# Short description of a treatment for print().
treatment_label <- function(res) {
  tr <- res$treatment
  if (is.null(tr) || tr == "continuous") return(NULL)
  switch(tr,
         "plug-in" = "both variables discrete: plug-in MI with the Miller-Madow correction",
         "categorical" = sprintf("%s discrete: categorical form%s", if (isTRUE(res$swapped)) "y" else "x",
                                 if (isTRUE(res$swapped)) " (x and y swapped)" else ""),
         "dequantised" = "atoms or ties: dequantised (ties broken at random)",
         "stratified" = sprintf("discrete z (%s): conditional MI within each of its %d strata, weighted by their frequencies (see `$strata`)",
                                paste(res$conditioned_on, collapse = ", "), NROW(res$strata)),
         tr)
}

# The columns of a numeric variable that have atoms replaced by their normal scores, ties broken
# in a random order (R's RNG): a dequantisation that leaves the MI unchanged (the column is
# recovered from its scores; the order of ties is independent of everything else).
dequantise_atoms <- function(v) {
  m <- as_data_matrix(v, "x", allow_na = FALSE)
  for (j in seq_len(ncol(m))) {
    if (identical(column_kind(m[, j]), "atoms")) m[, j] <- normal_scores(m[, j])
  }
  m
}

# The one missing-value policy of the estimators (the `na.rm` argument, default TRUE as in
# gmm_mi()): rows with a missing value in x or y are dropped with a warning that says how many,
# or, with na.rm = FALSE, are an error naming the variable. Lengths are checked by the estimators.
complete_pair <- function(x, y, na.rm, call = sys.call(-1)) {
  complete_rows(list(x = x, y = y), na.rm, call = call)
}

# The same policy for any named list of variables (vectors, factors, matrices, data frames),
# e.g. list(x, y, z) for conditional MI. Variables of different lengths are returned unchanged.
complete_rows <- function(vars, na.rm, call = sys.call(-1)) {
  na.rm <- check_flag(na.rm, "na.rm", call = call)
  miss <- function(v) {
    if (is.data.frame(v) || !is.null(dim(v))) return(!stats::complete.cases(v))
    if (is.atomic(v) || is.factor(v)) return(is.na(v))
    rep(FALSE, NROW(v))
  }
  if (length(unique(vapply(vars, NROW, integer(1)))) != 1L) return(vars)
  m <- lapply(vars, miss)
  bad <- Reduce(`|`, m)
  if (!any(bad)) return(vars)
  nm <- names(vars)
  if (!na.rm) {
    j <- which(vapply(m, any, logical(1)))[1L]
    gmmmi_abort(sprintf("`%s` contains missing values (%d rows); use `na.rm = TRUE` to drop incomplete rows.",
                        nm[j], sum(m[[j]])), call = call)
  }
  listing <- function(v, last) {
    if (length(v) == 1L) return(v)
    paste(paste(v[-length(v)], collapse = ", "), last, v[length(v)])
  }
  if (all(bad)) {
    gmmmi_abort(sprintf("%s have no complete row (every row has a missing value).",
                        listing(paste0("`", nm, "`"), "and")), call = call)
  }
  gmmmi_warn(sprintf("Dropped %d incomplete row(s) (missing values in %s); %d rows remain.",
                     sum(bad), listing(nm, "or"), sum(!bad)), call = call)
  keep <- function(v) if (is.data.frame(v) || !is.null(dim(v))) v[!bad, , drop = FALSE] else v[!bad]
  lapply(vars, keep)
}
