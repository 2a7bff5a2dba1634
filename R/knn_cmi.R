# Conditional mutual information I(X;Y|Z) by nearest neighbours: mi_ksg(x, y, z = ...).
# Three routes, chosen by the rule of ?gmmmi_discrete applied to x, y and z:
# * z discrete: the weighted sum over the strata of z of the per-stratum mi_ksg() estimates;
# * z continuous, x and y continuous: the KSG-1 construction of Frenzel & Pompe (2007), whose
#   exact neighbour search and counts are in inst/include/gmmmi/knn.hpp (ksg_cmi);
# * z continuous, one of x, y discrete: the chain rule I(X;Y|Z) = I(X;(Y,Z)) - I(X;Z) with
#   Ross's mixed estimator for both terms (the discrete variable as X).

# Entry point from mi_ksg() when `z` is given; `call` is mi_ksg()'s matched call.
ksg_conditional <- function(x, y, z, k, variant, standardize, jitter, std_error, n_subsamples,
                            unit, discrete, na.rm, n_threads, call) {
  std_error <- check_choice(std_error, c("subsample", "none"), "std_error", call = call)
  n_threads <- gmmmi_threads(n_threads)
  standardize <- check_flag(standardize, "standardize", call = call)
  variant <- check_count(variant, "variant", min = 1, max = 2, call = call)
  if (variant != 1L) {
    gmmmi_abort(paste0("`variant` must be 1 with `z`: conditional MI uses the KSG-1 construction of ",
                       "Frenzel and Pompe (2007)."), call = call)
  }
  n_subsamples <- check_count(n_subsamples, "n_subsamples", min = 2, max = gmmmi_limits$n_subsamples,
                              call = call)
  nx <- NROW(x)
  if (NROW(y) != nx) {
    gmmmi_abort(sprintf("`y` must have the same number of rows as `x` (%d), not %d.", nx, NROW(y)), call = call)
  }
  if (is.function(z) || is.environment(z) || NROW(z) != nx) {
    gmmmi_abort(sprintf("`z` must be a vector, matrix or data frame with the same number of rows as `x` (%d), not %s.",
                        nx, if (is.function(z) || is.environment(z)) describe(z) else sprintf("%d row(s)", NROW(z))),
                call = call)
  }
  cc <- complete_rows(list(x = x, y = y, z = z), na.rm, call = call)
  x <- cc$x
  y <- cc$y
  z <- cc$z
  dec <- discrete_declared(discrete, c("x", "y", "z"), call = call)
  dec_xy <- dec[c("x", "y")]
  dec_xy <- if (all(is.na(dec_xy))) NULL else dec_xy[!is.na(dec_xy)]
  vz <- discrete_variable(z, dec[["z"]])
  if (vz$kind == "mixed_columns") {
    gmmmi_abort(paste0("`z` mixes discrete (factor, character or logical) and numeric columns; convert ",
                       "the discrete columns to numbers, or condition on them separately."),
                class = c("gmmmi_error_discrete", "gmmmi_error_input"), call = call)
  }
  dp <- discrete_pair(x, y, dec_xy, call = call)
  opts <- list(k = k, standardize = standardize, jitter = jitter, std_error = std_error,
               n_subsamples = n_subsamples, n_threads = n_threads)
  if (vz$kind == "discrete") {
    # the per-stratum calls classify x and y as they are classified on all rows
    kinds <- c(x = dp$kx == "discrete", y = dp$ky == "discrete")
    return(ksg_cmi_strata(x, y, vz$factor, dp, kinds, opts, unit, call))
  }
  if (dp$pair == "discrete") {
    gmmmi_abort(paste0("`z` is continuous and `x` and `y` are both discrete (?gmmmi_discrete): there is no ",
                       "nearest-neighbour estimator of I(X;Y|Z) for a discrete pair given a continuous ",
                       "`z` here. Bin `z` (e.g. `cut(z, quantile(z, 0:5 / 5), include.lowest = TRUE)`) ",
                       "to get the stratified estimate, or declare a variable continuous with `discrete`."),
                class = c("gmmmi_error_discrete", "gmmmi_error_input"), call = call)
  }
  k <- check_count(k, "k", min = 1, max = NROW(x) - 1, call = call)
  if (dp$pair == "categorical") return(ksg_cmi_chain(dp, z, k, opts, unit, call))
  ksg_cmi_continuous(x, y, z, dequantise = dp$pair == "dequantised" || vz$kind == "atoms",
                     k, opts, unit, call)
}

# Frenzel-Pompe estimate for continuous x, y and z (numeric vectors, matrices or data frames).
ksg_cmi_continuous <- function(x, y, z, dequantise, k, opts, unit, call) {
  x <- knn_data(x, "x", call = call)
  y <- knn_data(y, "y", call = call)
  z <- knn_data(z, "z", call = call)
  n <- nrow(x)
  if (dequantise) {
    x <- dequantise_atoms(x)
    y <- dequantise_atoms(y)
    z <- dequantise_atoms(z)
  }
  warn_if_dependent(x, y, call = call)
  if (opts$standardize) {
    x <- knn_standardise(x)
    y <- knn_standardise(y)
    z <- knn_standardise(z)
  }
  dx <- ncol(x)
  dy <- ncol(y)
  ix <- seq_len(dx)
  iy <- dx + seq_len(dy)
  iz <- dx + dy + seq_len(ncol(z))
  nt <- opts$n_threads
  core_of <- function(m) {
    .cmi_core(m[, ix, drop = FALSE], m[, iy, drop = FALSE], m[, iz, drop = FALSE], k, nt)
  }
  seed <- draw_seed()
  jz <- knn_with_jitter(cbind(x, y, z), opts$jitter, seed, core_of, call = call)
  core <- jz$result
  xyz <- jz$data
  est_fun <- function(idx) core_of(xyz[idx, , drop = FALSE])$estimate
  se <- knn_subsample_se(n, k, opts$std_error, opts$n_subsamples, seed, est_fun)
  scale <- unit_scale(unit)
  new_mi_estimate(
    core$estimate * scale, se$std_error * scale, unit = unit, method = "ksg_cmi", n = n,
    quantity = "conditional mutual information",
    settings = list(k = k, variant = 1L, standardize = opts$standardize, norm = "max",
                    jitter = jz$amplitude, std_error = opts$std_error,
                    n_subsamples = se$n_subsamples, subsample_size = se$size,
                    n_threads = nt, conditioning = "frenzel_pompe"),
    call = call, duplicates = jz$duplicates, zero_radius = core$zero_radius,
    subsamples = se$estimates * scale, std_error_note = se$note,
    treatment = if (dequantise) "dequantised" else "continuous", conditioning = "frenzel_pompe",
    dims = c(dx = dx, dy = dy, dz = ncol(z))
  )
}

# Chain rule for a discrete X (dp$x, a factor) and a continuous W (dp$y) given a continuous z:
# I(X;W|Z) = I(X;(W,Z)) - I(X;Z), both terms by Ross's estimator (as mi_mixed(), max-norm) on
# the same rows, jitter and subsamples, so the subsampling standard error is that of the
# difference.
ksg_cmi_chain <- function(dp, z, k, opts, unit, call) {
  cls <- dp$x
  w <- knn_data(dp$y, if (dp$swapped) "x" else "y", call = call)
  z <- knn_data(z, "z", call = call)
  n <- nrow(w)
  codes <- as.integer(cls)
  L <- nlevels(cls)
  if (max(tabulate(codes, L)) < 2L) {
    gmmmi_abort(sprintf("`%s` (discrete) has no class with at least 2 members.", if (dp$swapped) "y" else "x"),
                call = call)
  }
  wz <- cbind(w, z)
  if (opts$standardize) wz <- knn_standardise(wz)
  iz <- ncol(w) + seq_len(ncol(z))
  nt <- opts$n_threads
  two <- function(m, cc) {
    a <- .mixed_core(m, cc, L, k, "max", nt)
    b <- .mixed_core(m[, iz, drop = FALSE], cc, L, k, "max", nt)
    list(joint = a, z = b, estimate = a$estimate - b$estimate, duplicates = a$duplicates + b$duplicates)
  }
  seed <- draw_seed()
  jz <- knn_with_jitter(wz, opts$jitter, seed, function(m) two(m, codes), call = call)
  res <- jz$result
  wz <- jz$data
  if (res$joint$n_dropped > 0) {
    gmmmi_warn(sprintf("%d point(s) in classes of `%s` with a single member were dropped.",
                       as.integer(res$joint$n_dropped), if (dp$swapped) "y" else "x"), call = call)
  }
  est_fun <- function(idx) {
    cs <- codes[idx]
    if (max(tabulate(cs, L)) < 2L) return(NA_real_)
    two(wz[idx, , drop = FALSE], cs)$estimate
  }
  se <- knn_subsample_se(n, k, opts$std_error, opts$n_subsamples, seed, est_fun)
  scale <- unit_scale(unit)
  out <- new_mi_estimate(
    res$estimate * scale, se$std_error * scale, unit = unit, method = "ksg_cmi", n = n,
    quantity = "conditional mutual information",
    settings = list(k = k, standardize = opts$standardize, norm = "max", jitter = jz$amplitude,
                    n_classes = sum(tabulate(codes, L) > 0L), std_error = opts$std_error,
                    n_subsamples = se$n_subsamples, subsample_size = se$size, n_threads = nt,
                    conditioning = "chain_rule"),
    call = call, terms = c("I(X;(Y,Z))" = res$joint$estimate, "I(X;Z)" = res$z$estimate) * scale,
    n_dropped = as.integer(res$joint$n_dropped), duplicates = jz$duplicates,
    zero_radius = res$joint$zero_radius, subsamples = se$estimates * scale,
    std_error_note = se$note, treatment = "categorical", swapped = dp$swapped,
    conditioning = "chain_rule"
  )
  # I(X;Y|Z) <= H(X|Z) <= H(X)
  discrete_cap(out, cls, unit)
}

# Discrete z: sum over the strata s of z of p_s I(X;Y | Z = s), each term by mi_ksg() on the
# rows of the stratum (which routes discrete and categorical pairs itself; `kinds` fixes their
# classification to that on all rows). A stratum in which x or y takes a single value has
# I = 0 exactly; a stratum with at most k rows cannot be estimated by kNN and is dropped with a
# warning (not for a discrete pair, whose plug-in works at any size). Standard error:
# Var = sum_s p_s^2 se_s^2 + (sum_s p_s I_s^2 - I^2) / n (the second term: the sampling
# variance of the weights).
ksg_cmi_strata <- function(x, y, fz, dp, kinds, opts, unit, call) {
  fz <- droplevels(fz)
  lev <- levels(fz)
  sizes <- tabulate(as.integer(fz), length(lev))
  k <- opts$k
  knn_pair <- dp$pair != "discrete"
  if (knn_pair) {
    k <- check_count(k, "k", min = 1, max = max(sizes) - 1, call = call)
    small <- sizes <= k
    if (all(small)) {
      gmmmi_abort(sprintf("Every stratum of `z` has at most `k` = %d rows; use a smaller `k` or fewer strata.", k),
                  call = call)
    }
    if (any(small)) {
      gmmmi_warn(sprintf(paste0("%d stratum/strata of `z` with at most `k` = %d rows (%d rows in all) were ",
                                "dropped; the weights are renormalised over the other strata."),
                         sum(small), k, sum(sizes[small])), call = call)
    }
  } else {
    small <- rep(FALSE, length(lev))
  }
  keep <- which(!small)
  single <- function(v) NROW(unique(v)) == 1L
  rows <- split(seq_along(fz), fz)
  per <- lapply(keep, function(s) {
    idx <- rows[[s]]
    xs <- rows_of(x, idx)
    ys <- rows_of(y, idx)
    if (single(xs) || single(ys)) {
      return(list(estimate = 0, std_error = 0, treatment = "constant"))
    }
    where <- sprintf("In the stratum z = %s (%d rows): ", lev[s], length(idx))
    r <- withCallingHandlers(
      tryCatch(
        mi_ksg(xs, ys, k = k, standardize = opts$standardize, jitter = opts$jitter,
               std_error = opts$std_error, n_subsamples = opts$n_subsamples, unit = "nat",
               discrete = kinds, na.rm = FALSE, n_threads = opts$n_threads),
        gmmmi_error = function(e) {
          e$message <- paste0(where, conditionMessage(e))
          e$call <- call
          stop(e)
        }),
      warning = function(w) {
        w$message <- paste0(where, conditionMessage(w))
        w$call <- call
        warning(w)
        invokeRestart("muffleWarning")
      })
    list(estimate = r$estimate, std_error = r$std_error, treatment = r$treatment,
         note = r$std_error_note)
  })
  n <- sum(sizes[keep])
  p <- sizes[keep] / n
  est <- vapply(per, function(r) r$estimate, numeric(1))
  ses <- vapply(per, function(r) r$std_error, numeric(1))
  total <- sum(p * est)
  note <- NULL
  if (identical(opts$std_error, "none")) {
    se <- NA_real_
    note <- "not requested (std_error = \"none\")"
  } else if (anyNA(ses)) {
    se <- NA_real_
    j <- which(is.na(ses))[which.min(sizes[keep][is.na(ses)])]
    note <- sprintf("the stratum z = %s has no standard error (%s)", lev[keep][j],
                    if (is.null(per[[j]]$note)) "see its estimator" else per[[j]]$note)
  } else {
    se <- strata_combine(p, est, ses, n)$std_error
  }
  scale <- unit_scale(unit)
  strata <- data.frame(stratum = lev, n = sizes, weight = NA_real_, estimate = NA_real_,
                       std_error = NA_real_, treatment = NA_character_, stringsAsFactors = FALSE)
  strata$weight[keep] <- p
  strata$estimate[keep] <- est * scale
  strata$std_error[keep] <- ses * scale
  strata$treatment[keep] <- vapply(per, function(r) if (is.null(r$treatment)) NA_character_ else r$treatment,
                                   character(1))
  new_mi_estimate(
    total * scale, se * scale, unit = unit, method = "ksg_cmi", n = n,
    quantity = "conditional mutual information",
    # k is not used by the plug-in estimate of a discrete pair
    settings = c(if (knn_pair) list(k = k),
                 list(standardize = opts$standardize, std_error = opts$std_error,
                      n_subsamples = opts$n_subsamples, n_threads = opts$n_threads,
                      conditioning = "strata", n_strata = length(keep))),
    call = call, strata = strata, std_error_note = note,
    treatment = if (dp$pair == "discrete") "plug-in" else dp$pair, swapped = dp$swapped,
    conditioning = "strata", n_dropped = as.integer(sum(sizes[small]))
  )
}
