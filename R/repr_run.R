# Internal machinery shared by mi_matrix(), info_plane() and info_decomposition(): many MI
# estimates ("tasks"), each with its own seed drawn up front on the main thread, evaluated
# sequentially (each estimator using its threads) or through future.apply when the user has set
# a non-sequential future::plan(). Because every task sets its own seed (with fixed RNG kinds)
# right before its estimator runs, results do not depend on the plan, the number of workers, the
# chunking or the number of threads.

# Resolve `method` (a name in the estimator registry, registry.R, or a function) into a spec used
# by the workers.
repr_spec <- function(method, args, unit, n_threads, arg = "method", call = sys.call(-1)) {
  if (is.function(method)) {
    return(list(method = "custom", fun = method, args = args, unit = unit, n_threads = n_threads,
                factor_ok = TRUE))
  }
  method <- check_choice(method, estimator_methods(), arg, call = call)
  entry <- estimator_entry(method)
  fname <- entry$fun
  ns <- topenv(environment(repr_spec))
  if (!exists(fname, envir = ns, mode = "function", inherits = FALSE)) {
    gmmmi_abort(sprintf("`%s = \"%s\"` needs %s(), which is not available in this build of gmmmi.",
                        arg, method, fname), call = call)
  }
  # the callers show one bar over all their estimates: the estimators' own bars stay off
  if (entry$progress) args$progress <- FALSE
  list(method = method, fun = fname, args = args, unit = unit, n_threads = n_threads,
       factor_ok = entry$discrete)
}

# Is a non-sequential future plan active (and future.apply available)?
repr_use_future <- function() {
  if (!requireNamespace("future", quietly = TRUE) ||
      !requireNamespace("future.apply", quietly = TRUE)) {
    return(FALSE)
  }
  !inherits(future::plan(), "sequential")
}

# One integer seed per task, from R's RNG (so set.seed() governs); `seed` fixes them instead
# without touching the caller's RNG stream.
repr_draw_seeds <- function(n, seed = NULL) {
  with_seed(seed, sample.int(.Machine$integer.max, n))
}

# Evaluate the tasks. Each task is list(a = index into A, b = index into B, rows = NULL or row
# indices, seed). Returns a list of c(estimate, std_error) with attribute "warnings".
# progress: show one bar over the tasks (after the line `label`), see show_progress().
repr_run <- function(tasks, A, B, spec, progress = FALSE, label = NULL) {
  if (length(tasks) == 0L) return(list())
  bar <- progress_bar(length(tasks), label, show_progress(progress))
  on.exit(bar$close(), add = TRUE)
  out <- vector("list", length(tasks))
  if (repr_use_future()) {
    # Processes give the parallelism; each estimator uses 1 thread unless n_threads was set.
    if (is.null(spec$n_threads)) spec$n_threads <- 1L
    # Without a bar, one call (future.apply balances the tasks over the workers); with a bar,
    # up to 10 batches of at least one task per worker, the bar moving between them.
    batches <- if (bar$active) repr_batches(length(tasks), future::nbrOfWorkers()) else list(seq_along(tasks))
    for (b in batches) {
      out[b] <- future.apply::future_lapply(tasks[b], repr_eval_task, A = A, B = B, spec = spec,
                                            future.seed = NULL, future.packages = "gmmmi")
      bar$tick(max(b))
    }
  } else {
    spec$n_threads <- gmmmi_threads(spec$n_threads)
    # Each task seeds R's RNG and restores it, so the caller's stream stays as it was after the
    # seeds were drawn (and no `.Random.seed` is left behind if there was none).
    for (i in seq_along(tasks)) {
      out[[i]] <- repr_eval_task(tasks[[i]], A = A, B = B, spec = spec)
      bar$tick(i)
    }
  }
  bar$close()
  warns <- unlist(lapply(out, function(o) o$warnings))
  if (length(warns) > 0L) {
    n_bad <- sum(vapply(out, function(o) length(o$warnings) > 0L, logical(1)))
    u <- unique(warns)
    # keep the degenerate class (infinite MI, entropy -Inf) when any estimate had it
    deg <- any(vapply(out, function(o) isTRUE(o$degenerate), logical(1)))
    gmmmi_warn(sprintf("%d of %d estimates raised warnings (%d distinct), e.g.: %s", n_bad,
                       length(out), length(u), u[1]),
               class = c(if (deg) "gmmmi_warning_degenerate", "gmmmi_warning"), call = NULL)
  }
  res <- lapply(out, function(o) o$value)
  attr(res, "warned") <- vapply(out, function(o) length(o$warnings) > 0L, logical(1))
  res
}

# Task indices in up to 10 consecutive batches of at least `n_workers` tasks.
repr_batches <- function(n, n_workers) {
  size <- max(1, n_workers, ceiling(n / 10))  # n_workers may be Inf: one batch
  split(seq_len(n), ceiling(seq_len(n) / size))
}

repr_eval_task <- function(task, A, B, spec) {
  a <- A[[task$a]]
  b <- B[[task$b]]
  if (!is.null(task$rows)) {
    a <- if (is.factor(a)) droplevels(a[task$rows]) else a[task$rows, , drop = FALSE]
    b <- if (is.factor(b)) droplevels(b[task$rows]) else b[task$rows, , drop = FALSE]
  }
  warns <- character()
  degenerate <- FALSE
  value <- tryCatch(withCallingHandlers(
    with_seed(task$seed, repr_estimate(a, b, spec, task$discrete), fixed_kinds = TRUE),
    warning = function(w) {
      warns <<- c(warns, conditionMessage(w))
      degenerate <<- degenerate || inherits(w, "gmmmi_warning_degenerate")
      invokeRestart("muffleWarning")
    }),
    gmmmi_error_discrete = function(e) {
      # the method has no form for this pair of column types: an empty cell, reported
      warns <<- c(warns, conditionMessage(e))
      structure(c(estimate = NA_real_, std_error = NA_real_),
                info = list(treatment = "unsupported", flags = "unsupported"))
    })
  list(value = value, warnings = warns, degenerate = degenerate)
}

# MI of one pair. a, b: factors or numeric matrices. Constant columns are dropped (a constant
# carries no information); if nothing is left the MI is 0 with standard error 0.
# `discrete`: NULL or the estimators' `discrete` argument for (a, b) (user overrides by column).
# Returns c(estimate, std_error) with attribute "info": list(treatment, flags) where flags are
# the cell's diagnostics (see ?mi_matrix).
repr_estimate <- function(a, b, spec, discrete = NULL) {
  # pairwise deletion: the rows where both columns are observed (quietly; n_complete says how many)
  ok <- (if (is.factor(a)) !is.na(a) else stats::complete.cases(a)) &
    (if (is.factor(b)) !is.na(b) else stats::complete.cases(b))
  if (!all(ok)) {
    if (!any(ok)) gmmmi_abort("A pair of columns has no complete row (missing values).", call = NULL)
    a <- if (is.factor(a)) droplevels(a[ok]) else a[ok, , drop = FALSE]
    b <- if (is.factor(b)) droplevels(b[ok]) else b[ok, , drop = FALSE]
  }
  n_ok <- sum(ok)
  a <- repr_drop_constant(a)
  b <- repr_drop_constant(b)
  info <- function(treatment, flags = character(), method = NA_character_) {
    list(treatment = treatment, flags = flags, n = n_ok, method = method)
  }
  if (is.null(a) || is.null(b)) {
    return(structure(c(estimate = 0, std_error = 0), info = info("constant")))
  }
  fa <- is.factor(a)
  fb <- is.factor(b)
  if (fa && fb) {
    return(structure(repr_mi_discrete(a, b, spec$unit), info = info("plug-in", method = "plug-in, Miller-Madow")))
  }
  if (fb && !is.function(spec$fun)) {
    # MI is symmetric: the discrete column goes first (the estimators would swap it anyway)
    tmp <- a
    a <- b
    b <- tmp
    if (!is.null(discrete)) discrete <- stats::setNames(discrete[c("y", "x")[match(names(discrete), c("x", "y"))]],
                                                        names(discrete))
    fa <- TRUE
  }
  if (!fa && ncol(a) == 1L) a <- a[, 1L]
  if (ncol(b) == 1L) b <- b[, 1L]
  fun <- if (is.function(spec$fun)) spec$fun else get(spec$fun, envir = asNamespace("gmmmi"))
  args <- c(list(a, b), spec$args, list(unit = spec$unit, n_threads = spec$n_threads))
  if (!is.function(spec$fun) && length(discrete)) args$discrete <- discrete
  res <- do.call(fun, args)
  tr <- if (is.null(res$treatment)) (if (fa) "categorical" else "continuous") else res$treatment
  dg <- res$diagnostics
  flags <- c(if (isTRUE(dg$k_at_cap)) "k_at_cap",
             if (isTRUE(dg$n_failed_replicates > 0L)) "failed_replicates",
             if (isTRUE(res$capped)) "entropy_cap",
             if (tr == "dequantised") "atoms")
  structure(c(estimate = as.double(res$estimate)[1], std_error = as.double(res$std_error)[1]),
            info = info(tr, flags, method = if (is.character(res$method)) method_label(res) else NA_character_))
}

repr_drop_constant <- function(v) {
  if (is.factor(v)) return(if (nlevels(droplevels(v)) < 2L) NULL else droplevels(v))
  keep <- apply(v, 2L, function(col) {
    if (all(is.na(col))) return(TRUE)  # left to the estimator (no complete row: an error)
    r <- range(col, na.rm = TRUE)
    r[2] - r[1] > 1e-12 * max(abs(r), 1e-300)
  })
  if (!any(keep)) return(NULL)
  v[, keep, drop = FALSE]
}

# Plug-in MI of two discrete variables with the Miller-Madow correction and the delta-method
# standard error (the same formulas as mi_binned()).
repr_mi_discrete <- function(a, b, unit) {
  tab <- unclass(table(a, b))
  res <- binned_mi_table(tab)
  n <- sum(tab)
  est <- res$plugin + (res$m_x + res$m_y - res$m_xy - 1) / (2 * n)
  sc <- unit_scale(unit)
  c(estimate = est * sc, std_error = res$std_error * sc)
}

# Plug-in entropy of a discrete variable (in nats).
repr_entropy <- function(v) {
  p <- as.vector(table(v)) / length(v)
  p <- p[p > 0]
  -sum(p * log(p))
}

# A variable (vector, factor, matrix, data-frame column) as a factor or a numeric matrix.
# Missing values are kept: each pair uses the rows where both of its columns are observed
# (pairwise deletion, as cor(use = "pairwise.complete.obs")).
repr_variable <- function(v, arg, call = sys.call(-1)) {
  if (is.character(v) || is.logical(v)) v <- factor(v)
  if (is.factor(v)) return(droplevels(v))
  as_data_matrix(v, arg, allow_na = TRUE, call = call)
}

repr_nrow <- function(v) if (is.factor(v)) length(v) else nrow(v)

# Split x (matrix or data frame; factor/character/logical columns allowed in a data frame) into
# a list of single variables, one per column.
repr_columns <- function(x, arg, call = sys.call(-1)) {
  if (is.factor(x) || is.character(x) || is.logical(x)) {
    x <- data.frame(x, stringsAsFactors = TRUE)
    names(x) <- arg
  }
  if (is.data.frame(x)) {
    if (ncol(x) < 1L || nrow(x) < 1L) {
      gmmmi_abort(sprintf("`%s` must have at least one row and one column.", arg), call = call)
    }
    nm <- names(x)
    cols <- lapply(seq_along(x), function(j) repr_variable(x[[j]], sprintf("%s[, %d]", arg, j),
                                                            call = call))
  } else {
    m <- as_data_matrix(x, arg, allow_na = TRUE, call = call)
    nm <- colnames(m)
    cols <- lapply(seq_len(ncol(m)), function(j) m[, j, drop = FALSE])
  }
  if (is.null(nm)) nm <- paste0(arg, seq_along(cols))
  nm[is.na(nm) | nm == ""] <- paste0(arg, which(is.na(nm) | nm == ""))
  names(cols) <- nm
  cols
}
