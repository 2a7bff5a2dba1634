# The common result class of the MI and entropy estimators ("gmmmi_estimate").
# gmm_mi() returns the richer class c("gmm_mi", "gmmmi_estimate"); the other estimators
# (mi_ksg, entropy_knn, mi_binned, mi_gaussian, mi(), ...) return a plain "gmmmi_estimate".
#
# A value with an error bar has four shapes in the package, each kept because its fields are
# part of the public API: a "gmmmi_estimate" (`estimate`, `std_error`, `unit`: the estimators);
# a number with attributes (`attr(, "std_error")`, and `"method"` for smi_gaussian(): the
# Monte Carlo ground truths mi_true_gmm() and smi_gaussian(), so that they stay plain numbers
# usable in arithmetic); a "gmmmi_toy" (`mi`, `mi_std_error`, `unit`: a data set with its true
# MI); a "disentanglement" score (`score`, `std_error`, `unit`). What they share is written
# once: how a value with its standard error is printed (format_value_se(), used by the print
# methods of all four and of mi_test) and the normal interval (normal_interval(): confint() of
# every estimate and of gmm_mi()'s normal type).

#' Result of an MI or entropy estimator
#'
#' Every estimator in gmmmi returns a list of class `"gmmmi_estimate"` (possibly with a more
#' specific class in front) with at least these fields:
#' * `estimate`: the estimate, in `unit`;
#' * `std_error`: its standard error (`NA` when the method gives none);
#' * `unit`: `"nat"` or `"bit"`;
#' * `method`: a short name of the estimator (e.g. `"ksg"`);
#' * `quantity`: what is estimated (`"mutual information"`, `"entropy"`, ...);
#' * `n`: the number of samples used;
#' * `settings`: a named list of the settings used;
#' * `call`: the matched call.
#'
#' Methods: `print()`, `summary()`, `coef()` (the estimate), `confint()` (normal interval from
#' `std_error`), `nobs()`, and `as.data.frame()` (one row with the same columns for every
#' estimator: `variables`, `method`, `quantity`, `estimate`, `std_error`, `conf_low`,
#' `conf_high` (95%), `unit`, `n`, `uncertainty` (bootstrap, subsample, delta method, slices,
#' per stratum combined, or none) and `treatment`); see also [gmmmi_tidy] for `tidy()` and
#' `glance()`.
#'
#' @param object,x A `"gmmmi_estimate"` object.
#' @param parm Ignored (there is one parameter).
#' @param level Confidence level.
#' @param digits Number of significant digits to print.
#' @param row.names,optional Ignored; present for compatibility with the generic.
#' @param ... Unused.
#' @name gmmmi_estimate
NULL

new_mi_estimate <- function(estimate, std_error = NA_real_, unit = "nat", method, n,
                            quantity = "mutual information", settings = list(), call = NULL,
                            ..., class = character()) {
  structure(
    list(estimate = as.double(estimate), std_error = as.double(std_error), unit = unit,
         method = method, quantity = quantity, n = as.integer(n), settings = settings,
         call = call, ...),
    class = c(class, "gmmmi_estimate")
  )
}

#' @rdname gmmmi_estimate
#' @export
print.gmmmi_estimate <- function(x, digits = 4, ...) {
  cat(sprintf("%s (%s)%s, n = %d\n", capitalise(x$quantity), method_label(x), variables_label(x), x$n))
  how <- if (!is.na(x$std_error) && !is.null(x$strata)) " (standard errors of the strata combined, with the variance of their weights)" else ""
  cat(sprintf("  %s %s%s\n", format_value_se(x$estimate, x$std_error, digits), x$unit, how))
  if (is.na(x$std_error) && !is.null(x$std_error_note)) cat("  No standard error:", x$std_error_note, "\n")
  print_treatment(x)
  invisible(x)
}

# The discrete-data treatment (?gmmmi_discrete), the entropy bound and whether it applied.
print_treatment <- function(x, digits = 4) {
  lab <- treatment_label(x)
  if (!is.null(lab)) cat("  Data:", lab, "\n")
  if (identical(x$conditioning, "strata")) {
    cat(sprintf("  Given z: weighted sum over %d strata of z%s\n", sum(!is.na(x$strata$weight)),
                if (isTRUE(x$n_dropped > 0L)) sprintf(" (%d rows in strata with at most k rows dropped)", x$n_dropped) else ""))
  } else if (identical(x$conditioning, "chain_rule")) {
    cat(sprintf("  Given z: chain rule I(X;(Y,Z)) - I(X;Z) = %s - %s %s\n", format(signif(x$terms[[1L]], digits)),
                format(signif(x$terms[[2L]], digits)), x$unit))
  }
  if (length(x$entropy)) {
    cat(sprintf("  Entropy of the discrete variable%s: %s %s%s\n", if (length(x$entropy) > 1L) "s" else "",
                paste(format(signif(x$entropy, digits)), collapse = ", "), x$unit,
                if (isTRUE(x$capped)) " (the estimate exceeded it and was capped)" else " (an upper bound)"))
  }
  if (!is.null(x$test)) {
    cat(sprintf("  Permutation test of %sindependence: p = %s (%d shuffles; null mean %s %s)\n",
                if (isTRUE(x$test$conditional)) "conditional " else "",
                format.pval(x$test$p_value, digits = 3), x$test$n_permutations,
                format(signif(x$test$null_mean, digits)), x$unit))
  }
  invisible(NULL)
}

#' @rdname gmmmi_estimate
#' @export
summary.gmmmi_estimate <- function(object, ...) {
  structure(list(object = object, table = as.data.frame(object)), class = "summary.gmmmi_estimate")
}

#' @export
print.summary.gmmmi_estimate <- function(x, digits = 4, ...) {
  print(x$object, digits = digits)
  if (length(x$object$settings) > 0L) {
    s <- vapply(x$object$settings, function(v) paste(format(v), collapse = ", "), character(1))
    cat("Settings:", paste0(names(s), " = ", s, collapse = "; "), "\n")
  }
  invisible(x)
}

#' @rdname gmmmi_estimate
#' @export
coef.gmmmi_estimate <- function(object, ...) {
  stats::setNames(object$estimate, if (identical(object$quantity, "entropy")) "entropy" else "mi")
}

#' @rdname gmmmi_estimate
#' @export
confint.gmmmi_estimate <- function(object, parm, level = 0.95, ...) {
  level <- check_number(level, "level", lower = 0, upper = 1, lower_open = TRUE)
  ci <- normal_interval(object$estimate, object$std_error, level)
  matrix(ci, nrow = 1L, dimnames = list(names(stats::coef(object)), interval_labels(level)))
}

# A value with its standard error as printed everywhere: "value +- se" (significant digits, or
# `fixed` decimals), with " +- se" left out when `show_se` is FALSE (by default: when se is NA).
format_value_se <- function(value, se, digits = 4, se_digits = digits, fixed = FALSE, show_se = !is.na(se)) {
  f <- function(v, dg) if (fixed) format(round(v, dg), nsmall = dg) else format(signif(v, dg))
  paste0(f(value, digits), if (isTRUE(show_se)) paste0(" +- ", f(se, se_digits)) else "")
}

# The one normal interval of a value with a standard error, estimate -+ z * std_error (z the
# normal quantile of the two-sided `level`), and its column labels ("2.5 %", "97.5 %").
normal_interval <- function(estimate, std_error, level) {
  estimate + c(-1, 1) * stats::qnorm(1 - (1 - level) / 2) * std_error
}

interval_labels <- function(level) {
  a <- (1 - level) / 2
  paste(format(100 * c(a, 1 - a), trim = TRUE, digits = 3), "%")
}

#' @rdname gmmmi_estimate
#' @export
as.data.frame.gmmmi_estimate <- function(x, row.names = NULL, optional = FALSE, ...) {
  estimate_row(x, stats::confint(x))
}

# One row, the same columns for every estimator (so results of several methods rbind):
# variables, method, quantity, estimate, std_error, conf_low, conf_high (95%), unit, n,
# uncertainty (how std_error was obtained) and treatment (?gmmmi_discrete).
estimate_row <- function(x, ci) {
  v <- variables_label(x)
  data.frame(variables = if (nzchar(v)) sub("^ (between|of) ", "", v) else NA_character_,
             method = x$method, quantity = x$quantity, estimate = x$estimate,
             std_error = x$std_error, conf_low = ci[1L], conf_high = ci[2L], unit = x$unit,
             n = x$n, uncertainty = uncertainty_kind(x),
             treatment = if (is.null(x$treatment)) NA_character_ else x$treatment,
             stringsAsFactors = FALSE, row.names = NULL)
}

# How an estimator's standard error was obtained.
uncertainty_kind <- function(x) {
  if (is.na(x$std_error)) return("none")
  m <- x$method
  if (identical(m, "gmm")) return("bootstrap")
  if (identical(m, "ksg_cmi") && identical(x$conditioning, "strata")) return("per stratum, combined")
  if (m %in% c("ksg1", "ksg2", "ross", "ksg_cmi", "knn_entropy", "kl", "kl_weighted")) return("subsample")
  if (m %in% c("binned", "gaussian", "plug-in")) return("delta method")
  if (startsWith(m, "sliced")) return("slices (Monte Carlo)")
  "other"
}

#' @rdname gmmmi_estimate
#' @export
nobs.gmmmi_estimate <- function(object, ...) object$n

#' Tidy summaries of MI estimates (for the broom conventions)
#'
#' `tidy()` gives one row per estimate with the columns of `as.data.frame()` (`variables`,
#' `method`, `quantity`, `estimate`, `std_error`, `conf_low`, `conf_high`, `unit`, `n`,
#' `uncertainty`, `treatment`), the same for every estimator, so results of several methods can
#' be stacked with `rbind()`; `glance()` gives the settings and diagnostics in one row. The
#' methods are registered for the generics of the generics package (used by broom) when it is
#' installed; they can also be called directly.
#'
#' @param x A `"gmmmi_estimate"` (any estimator's result) or an `"mi_test"` object.
#' @param conf.level Confidence level of `conf_low`, `conf_high`.
#' @param ... Unused.
#' @return A data frame with one row.
#' @examples
#' set.seed(1)
#' d <- toy_gaussian(500, rho = 0.6)
#' rbind(tidy.gmmmi_estimate(mi(d$x, d$y, method = "ksg")),
#'       tidy.gmmmi_estimate(mi(d$x, d$y, method = "gaussian")),
#'       tidy.gmmmi_estimate(gmm_mi(d$x, d$y, n_bootstrap = 10, n_threads = 1)))
#' @name gmmmi_tidy
NULL

#' @rdname gmmmi_tidy
#' @export
tidy.gmmmi_estimate <- function(x, conf.level = 0.95, ...) {
  estimate_row(x, stats::confint(x, level = conf.level))
}

#' @rdname gmmmi_tidy
#' @export
glance.gmmmi_estimate <- function(x, ...) {
  s <- x$settings
  keep <- s[vapply(s, function(v) is.atomic(v) && length(v) == 1L, logical(1))]
  out <- data.frame(method = x$method, n = x$n, uncertainty = uncertainty_kind(x),
                    stringsAsFactors = FALSE)
  if (length(keep)) out <- cbind(out, as.data.frame(keep, stringsAsFactors = FALSE))
  if (inherits(x, "gmm_mi")) {
    out$n_components <- paste(x$n_components, collapse = ",")
    out$transform <- x$transform
    out$point <- x$point
    out$n_replicates <- length(x$bootstrap)
  }
  if (!is.null(x$p_value)) out$p_value <- x$p_value
  out
}

#' @rdname gmmmi_tidy
#' @export
tidy.mi_test <- function(x, ...) as.data.frame(x)

# tidy() / glance() for the generics package when it is installed (no hard dependency).
register_s3 <- function(generic, pkg, class, fun) {
  envir <- asNamespace(pkg)
  if (exists(generic, envir = envir, inherits = FALSE)) registerS3method(generic, class, fun, envir = envir)
}

.onLoad <- function(libname, pkgname) {
  if (requireNamespace("generics", quietly = TRUE)) {
    register_s3("tidy", "generics", "gmmmi_estimate", tidy.gmmmi_estimate)
    register_s3("glance", "generics", "gmmmi_estimate", glance.gmmmi_estimate)
    register_s3("tidy", "generics", "mi_test", tidy.mi_test)
  }
  invisible(NULL)
}

capitalise <- function(s) paste0(toupper(substring(s, 1, 1)), substring(s, 2))

# A readable name of the estimator for print().
method_label <- function(x) {
  m <- x$method
  k <- x$settings$k
  lab <- switch(m,
                ksg1 = "KSG", ksg2 = "KSG, variant 2", ross = "Ross's mixed kNN",
                ksg_cmi = cmi_label(x),
                knn_entropy = "kNN entropies", kl = "Kozachenko-Leonenko", kl_weighted = "weighted Kozachenko-Leonenko",
                binned = "binned", gaussian = "Gaussian", "plug-in" = "plug-in, Miller-Madow",
                gmm = "GMM-MI", m)
  if (m %in% c("ksg1", "ksg2", "ross", "ksg_cmi", "knn_entropy", "kl", "kl_weighted") && !is.null(k)) lab <- sprintf("%s, k = %d", lab, as.integer(k))
  lab
}

# The estimator behind a conditional kNN estimate (mi_ksg() with z), by its route.
cmi_label <- function(x) {
  if (identical(x$conditioning, "chain_rule")) return("Ross's mixed kNN, chain rule")
  if (!identical(x$conditioning, "strata")) return("KSG, Frenzel-Pompe")
  inner <- if (identical(x$treatment, "plug-in")) "plug-in" else if (identical(x$treatment, "categorical")) "Ross's mixed kNN" else "KSG"
  paste(inner, "per stratum of z")
}

# " between <x> and <y>" (and " given <z>") from the call (the expressions the user passed),
# or "".
variables_label <- function(x) {
  a <- call_xy(x$call)
  if (is_formula_call(a$x)) return(sprintf(" of %s", short_expr(a$x, 50L)))
  if (is.null(a$x) || is.null(a$y)) return("")
  given <- if (is.call(x$call) && !is.null(x$call[["z"]])) sprintf(" given %s", short_expr(x$call[["z"]])) else ""
  sprintf(" between %s and %s%s", short_expr(a$x), short_expr(a$y), given)
}

# The expressions passed as x and y in a call (by name or position), or NULLs.
call_xy <- function(cl) {
  if (is.null(cl) || !is.call(cl)) return(list(x = NULL, y = NULL))
  a <- as.list(cl)[-1L]
  nm <- names(a)
  if (is.null(nm)) nm <- rep("", length(a))
  pos <- a[nm == ""]
  get_arg <- function(name, i) if (!is.null(a[[name]])) a[[name]] else if (length(pos) >= i) pos[[i]] else NULL
  list(x = get_arg("x", 1L), y = get_arg("y", 2L))
}

is_formula_call <- function(e) is.call(e) && identical(e[[1L]], as.name("~"))

# An expression as text, cut to `width` characters.
short_expr <- function(e, width = 30L) {
  s <- paste(deparse(e, width.cutoff = 60L), collapse = " ")
  if (nchar(s) > width) paste0(substr(s, 1L, width - 3L), "...") else s
}
