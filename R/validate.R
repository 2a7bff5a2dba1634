# Input validation: small checkers that coerce and give messages naming the argument.
# Every rejected input raises an error of class "gmmmi_error_input" (and "gmmmi_error").

gmmmi_abort <- function(message, class = "gmmmi_error_input", call = sys.call(-1)) {
  cond <- structure(
    class = c(class, "gmmmi_error", "error", "condition"),
    list(message = message, call = call)
  )
  stop(cond)
}

gmmmi_warn <- function(message, class = "gmmmi_warning", call = sys.call(-1)) {
  cond <- structure(
    class = c(class, "warning", "condition"),
    list(message = message, call = call)
  )
  warning(cond)
}

check_count <- function(x, arg, min = 0, max = Inf, call = sys.call(-1)) {
  if (!is.numeric(x) || length(x) != 1L || is.na(x) || !is.finite(x) || x != round(x)) {
    gmmmi_abort(sprintf("`%s` must be a single whole number, not %s.", arg, describe(x)), call = call)
  }
  if (x < min || x > max) {
    range <- if (is.finite(max)) sprintf("between %s and %s", min, max) else sprintf(">= %s", min)
    gmmmi_abort(sprintf("`%s` must be %s, not %s.", arg, range, format(x)), call = call)
  }
  as.integer(x)
}

check_number <- function(x, arg, lower = -Inf, upper = Inf, lower_open = FALSE,
                         call = sys.call(-1)) {
  if (!is.numeric(x) || length(x) != 1L || is.na(x) || !is.finite(x)) {
    gmmmi_abort(sprintf("`%s` must be a single finite number, not %s.", arg, describe(x)), call = call)
  }
  bad_low <- if (lower_open) x <= lower else x < lower
  if (bad_low || x > upper) {
    gmmmi_abort(sprintf("`%s` must be %s %s%s, not %s.", arg, if (lower_open) ">" else ">=",
                        format(lower), if (is.finite(upper)) sprintf(" and <= %s", format(upper)) else "",
                        format(x)), call = call)
  }
  as.double(x)
}

check_flag <- function(x, arg, call = sys.call(-1)) {
  if (!is.logical(x) || length(x) != 1L || is.na(x)) {
    gmmmi_abort(sprintf("`%s` must be TRUE or FALSE, not %s.", arg, describe(x)), call = call)
  }
  x
}

check_choice <- function(x, choices, arg, call = sys.call(-1)) {
  if (!is.character(x) || length(x) < 1L || is.na(x[1]) || !(x[1] %in% choices)) {
    gmmmi_abort(sprintf("`%s` must be one of %s, not %s.", arg,
                        paste0('"', choices, '"', collapse = ", "), describe(x)), call = call)
  }
  x[1]
}

check_unit <- function(unit, call = sys.call(-1)) {
  if (identical(unit, c("nat", "bit"))) return("nat")
  check_choice(unit, c("nat", "bit"), "unit", call = call)
}

unit_scale <- function(unit) if (identical(unit, "bit")) 1 / log(2) else 1

# Coerce numeric vector / matrix / data frame to a double matrix (rows = samples).
# Missing values are allowed here (callers decide); non-numeric and Inf are rejected.
as_data_matrix <- function(x, arg, allow_na = TRUE, call = sys.call(-1)) {
  if (is.data.frame(x)) {
    ok <- vapply(x, function(col) is.numeric(col) || is.logical(col), logical(1))
    if (!all(ok)) {
      gmmmi_abort(sprintf("`%s` must be numeric; column(s) %s are not.", arg,
                          paste0("'", names(x)[!ok], "'", collapse = ", ")), call = call)
    }
    x <- as.matrix(x)
  }
  if (is.logical(x) && !all(is.na(x))) storage.mode(x) <- "double"
  if (!is.numeric(x)) {
    gmmmi_abort(sprintf("`%s` must be a numeric vector, matrix or data frame, not %s.", arg,
                        describe(x)), call = call)
  }
  if (is.null(dim(x))) x <- matrix(x, ncol = 1L)
  if (length(dim(x)) != 2L) {
    gmmmi_abort(sprintf("`%s` must be a vector or a two-dimensional matrix.", arg), call = call)
  }
  storage.mode(x) <- "double"
  if (nrow(x) < 1L || ncol(x) < 1L) {
    gmmmi_abort(sprintf("`%s` must have at least one row and one column.", arg), call = call)
  }
  if (any(is.infinite(x))) {
    gmmmi_abort(sprintf("`%s` contains infinite values (%d); remove or transform them.", arg,
                        sum(is.infinite(x))), call = call)
  }
  if (!allow_na && anyNA(x)) {
    gmmmi_abort(sprintf("`%s` contains missing or NaN values (%d rows).", arg,
                        sum(!stats::complete.cases(x))), call = call)
  }
  x
}

# Columns with zero (or numerically zero) variance carry no information and break EM.
check_not_constant <- function(x, arg, call = sys.call(-1), stats = .col_stats(x), n = nrow(x)) {
  sds <- stats$sd
  scale <- pmax(stats$absmax, 1e-300)
  bad <- which(!is.finite(sds) | sds <= 1e-12 * scale)
  if (length(bad) > 0L && n > 1L) {
    gmmmi_abort(sprintf("`%s` has constant column(s) %s: a constant carries no information.",
                        arg, paste(bad, collapse = ", ")), call = call)
  }
  invisible(x)
}

# Standardise columns (MI is invariant to per-column affine maps). Returns the matrix with
# attributes "center" and "scale". (gmm_mi() does the same in C++ with pooled statistics.)
standardise <- function(x) {
  st <- .col_stats(x)
  center <- st$mean
  scale <- st$sd
  scale[!is.finite(scale) | scale == 0] <- 1
  n <- nrow(x)
  out <- (x - rep(center, each = n)) / rep(scale, each = n)
  attr(out, "center") <- center
  attr(out, "scale") <- scale
  out
}

# Per column of a numeric matrix: 2^-e with 2^(e-1) <= max |column| < 2^e (1 for a zero
# column), as gmmmi::pow2_inv_scale() in C++.
pow2_inv_scale <- function(x) {
  mx <- apply(abs(x), 2L, max)
  e <- ifelse(mx > 0 & is.finite(mx), floor(log2(mx)) + 1, 0)
  # log2 can round up just below a power of two; fix the exponent exactly
  e <- ifelse(mx > 0 & is.finite(mx) & mx >= 2^e, e + 1, e)
  e <- ifelse(mx > 0 & is.finite(mx) & mx < 2^(e - 1), e - 1, e)
  2^(-e)
}

# Data whose squares would overflow or underflow (largest |value| outside [1e-100, 1e100]) are
# divided by a power of two near that value (per column, or one factor for the whole block),
# which is exact; ordinary data are returned unchanged, so results on them do not move.
rescale_extreme <- function(x, per_column = TRUE) {
  mx <- apply(abs(x), 2L, max)
  if (all(!is.finite(mx) | mx == 0 | (mx >= 1e-100 & mx <= 1e100))) return(x)
  f <- pow2_inv_scale(x)
  if (!per_column) f <- rep(pow2_inv_scale(matrix(max(mx), 1L, 1L)), length(f))
  x * rep(f, each = nrow(x))
}

describe <- function(x) {
  if (is.null(x)) return("NULL")
  if (is.factor(x)) return(sprintf("a factor of length %d", length(x)))
  if (is.data.frame(x)) return(sprintf("a data frame with %d column(s)", ncol(x)))
  if (is.function(x)) return("a function")
  if (length(x) == 1L && is.atomic(x)) {
    return(if (is.character(x)) sprintf('"%s"', x) else format(x))
  }
  sprintf("a %s %s of length %d", typeof(x), if (is.matrix(x)) "matrix" else "vector", length(x))
}
