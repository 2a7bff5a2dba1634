# A corpus of bad inputs for the exported entry points (issue 13). Each case is one baseline call
# (small and fast) with one argument replaced by a bad value. fuzz_run() evaluates every case and
# classifies the outcome: "classed" (an error of class gmmmi_error), "dispatch" (R's "no
# applicable method" for a generic called on a non-gmm object), "unclassed" (any other error),
# "ok" (a value), "nan_silent" (a value containing NaN without any warning). Warnings that are
# not gmmmi's own (such as R's coercion warnings) are recorded in `foreign_warning`.

fuzz_bad_values <- function() {
  list(null = NULL, na = NA, nan = NaN, inf = Inf, minus1 = -1, zero = 0, huge = 1e10,
       int_over = 2^31, frac = 1.5, chr = "a", empty = numeric(0), len3 = c(1, 2, 3),
       list = list(1), fun = function(x) x)
}

fuzz_bad_data <- function(n) {
  set.seed(11)
  v <- rnorm(n)
  list(na = replace(v, 3, NA), inf = replace(v, 2, Inf), const = rep(1, n), empty = numeric(0),
       short = v[-1], chr = as.character(v), one = v[1], all_na = rep(NA_real_, n),
       df_chr = data.frame(a = v, b = letters[(seq_len(n) - 1) %% 26 + 1]),
       arr3 = array(v, c(n, 1, 1)), lgl = rep(TRUE, n), cplx = complex(real = v), lst = as.list(v))
}

fuzz_baselines <- function() {
  set.seed(7)
  n <- 40
  x <- rnorm(n)
  y <- x + rnorm(n)
  X <- cbind(x, rnorm(n))
  f <- factor(rep(c("a", "b"), length.out = n))
  M <- rbind(z1 = c(1.2, 0.1), z2 = c(0.2, 0.9), z3 = c(0, 0.3))
  S <- matrix(c(1, 0.5, 0.5, 1), 2)
  mod <- gmm_model(c(0.4, 0.6), rbind(c(0, 0), c(2, 2)), array(c(S, S), c(2, 2, 2)))
  fit <- suppressWarnings(gmm_fit(X, 2, n_inits = 1, n_threads = 1))
  toy <- toy_gaussian(50, 0.5)
  layers <- list(h = list(X, X + 1))
  list(
    gmm_mi = list(f = gmm_mi, args = list(x = x, y = y, n_components = 1, n_inits = 1, n_folds = 2,
                  threshold = 1e-5, patience = 1, max_components = 2, tol = 1e-3, max_iter = 100,
                  reg_covar = 1e-6, n_bootstrap = 2, n_mc = 1000, unit = "nat", n_threads = 1),
                  data = c("x", "y")),
    gmm_fit = list(f = gmm_fit, args = list(x = X, n_components = 2, n_inits = 1, tol = 1e-3,
                   max_iter = 50, reg_covar = 1e-6, scale = 1, n_threads = 1), data = "x"),
    gmm_model = list(f = gmm_model, args = list(weights = c(0.4, 0.6), means = c(0, 1),
                     covariances = c(1, 2)), data = character()),
    gmm_density = list(f = gmm_density, args = list(model = mod, x = X, log = FALSE), data = "x"),
    predict = list(f = function(object, newdata, type) predict(object, newdata, type = type),
                   args = list(object = fit, newdata = X, type = "responsibilities"), data = "newdata"),
    simulate = list(f = function(object, nsim, seed) simulate(object, nsim, seed = seed),
                    args = list(object = mod, nsim = 5, seed = 1), data = character()),
    mi = list(f = mi, args = list(x = x, y = y, method = "ksg"), data = c("x", "y")),
    mi_ksg = list(f = mi_ksg, args = list(x = x, y = y, k = 3, variant = 1, jitter = NULL,
                  std_error = "subsample", n_subsamples = 2, unit = "nat", n_threads = 1),
                  data = c("x", "y")),
    mi_mixed = list(f = mi_mixed, args = list(x = f, y = y, k = 3, n_threads = 1), data = "y"),
    entropy_knn = list(f = entropy_knn, args = list(x = X, k = 3, weighted = FALSE, whiten = FALSE,
                       n_subsamples = 2, n_threads = 1), data = "x"),
    mi_knn_entropy = list(f = mi_knn_entropy, args = list(x = x, y = y, k = 3, n_threads = 1),
                          data = c("x", "y")),
    mi_binned = list(f = mi_binned, args = list(x = x, y = y, bins = 4), data = c("x", "y")),
    mi_gaussian = list(f = mi_gaussian, args = list(x = x, y = y), data = c("x", "y")),
    mi_sliced = list(f = mi_sliced, args = list(x = X, y = y, n_slices = 3, slice_dim = 1,
                     n_threads = 1), data = c("x", "y")),
    mi_matrix = list(f = mi_matrix, args = list(x = X, method = "gaussian", n_threads = 1, seed = 1),
                     data = "x"),
    mig = list(f = mig, args = list(m = M, entropy = c(log(4), log(4)), n_draws = 0), data = c("m", "entropy")),
    modularity = list(f = modularity, args = list(m = M, n_draws = 0), data = "m"),
    smi_gaussian = list(f = smi_gaussian, args = list(sigma = diag(3), dx = 1, n_slices = 50, seed = 1),
                        data = "sigma"),
    smi_gaussian_isotropic = list(f = smi_gaussian_isotropic, args = list(rho = 0.5, D = 2), data = "rho"),
    mi_true_gaussian = list(f = mi_true_gaussian, args = list(rho = 0.5), data = "rho"),
    mi_true_mvn = list(f = mi_true_mvn, args = list(sigma = S, dx = 1), data = "sigma"),
    mi_true_gamma_exp = list(f = mi_true_gamma_exp, args = list(alpha = 1), data = "alpha"),
    mi_true_weinman = list(f = mi_true_weinman, args = list(alpha = 1), data = "alpha"),
    mi_true_categorical = list(f = mi_true_categorical, args = list(probs = c(0.5, 0.5), means = c(0, 1),
                               sds = 1), data = c("probs", "means", "sds")),
    mi_true_gmm = list(f = mi_true_gmm, args = list(weights = c(0.4, 0.6), means = rbind(c(0, 0), c(2, 2)),
                       covariances = array(c(S, S), c(2, 2, 2)), dx = 1, n_mc = 1000, seed = 1),
                       data = c("weights", "means")),
    toy_gaussian = list(f = toy_gaussian, args = list(n = 20, rho = 0.5), data = character()),
    toy_mvn = list(f = toy_mvn, args = list(n = 20, sigma = S, dx = 1), data = "sigma"),
    toy_gamma_exp = list(f = toy_gamma_exp, args = list(n = 20, alpha = 1), data = character()),
    toy_weinman = list(f = toy_weinman, args = list(n = 20, alpha = 1), data = character()),
    toy_categorical = list(f = toy_categorical, args = list(n = 20, probs = c(0.5, 0.5), means = c(0, 1),
                           sds = 1), data = character()),
    toy_transform = list(f = toy_transform, args = list(data = toy, x = "cubic", y = "identity"),
                         data = character()),
    info_plane = list(f = info_plane, args = list(activations = layers, x = X, y = y, method = "gaussian", noise = 0.1,
                      n_threads = 1, seed = 1), data = c("x", "y")),
    info_decomposition = list(f = info_decomposition, args = list(x = X, z = X + rnorm(2 * n), decision = f,
                              method = "ksg", min_class_size = 5, n_threads = 1, seed = 1),
                              data = c("x", "z", "decision")),
    gmmmi_threads = list(f = gmmmi_threads, args = list(n_threads = 1), data = character())
  )
}

fuzz_cases <- function() {
  base <- fuzz_baselines()
  bad <- fuzz_bad_values()
  cases <- list()
  for (nm in names(base)) {
    b <- base[[nm]]
    for (a in names(b$args)) {
      pool <- bad
      if (a %in% b$data) pool <- c(pool, fuzz_bad_data(40))
      # a function as `method` is a user-supplied estimator: its own errors are its own
      if (a == "method") pool$fun <- NULL
      for (v in names(pool)) {
        args <- b$args
        if (is.null(pool[[v]])) args[a] <- list(NULL) else args[[a]] <- pool[[v]]
        cases[[length(cases) + 1L]] <- list(id = sprintf("%s(%s = %s)", nm, a, v), f = b$f, args = args)
      }
    }
  }
  cases
}

has_nan <- function(v, depth = 0L) {
  if (depth > 4L) return(FALSE)
  if (is.numeric(v) && !is.object(v)) return(any(is.nan(v)))
  if (is.numeric(v)) return(any(is.nan(unclass(v))))
  if (is.list(v)) {
    for (el in v) if (has_nan(el, depth + 1L)) return(TRUE)
  }
  FALSE
}

fuzz_run <- function(cases = fuzz_cases()) {
  old <- options(gmmmi.progress = FALSE, warn = 1)
  on.exit(options(old), add = TRUE)
  out <- lapply(cases, function(cs) {
    warned <- FALSE
    foreign <- character()  # warnings that are not gmmmi's own (e.g. R's coercion warnings)
    t0 <- proc.time()[["elapsed"]]
    res <- tryCatch(
      withCallingHandlers(
        list(value = do.call(cs$f, cs$args)),
        warning = function(w) {
          warned <<- TRUE
          if (!inherits(w, "gmmmi_warning")) foreign <<- c(foreign, conditionMessage(w))
          invokeRestart("muffleWarning")
        }),
      error = function(e) list(error = e))
    el <- proc.time()[["elapsed"]] - t0
    outcome <- if (!is.null(res$error)) {
      if (inherits(res$error, "gmmmi_error")) "classed"
      else if (grepl("^no applicable method", conditionMessage(res$error))) "dispatch"
      else "unclassed"
    } else if (has_nan(res$value) && !warned) "nan_silent" else "ok"
    msg <- if (!is.null(res$error)) conditionMessage(res$error) else ""
    data.frame(id = cs$id, outcome = outcome, warned = warned,
               foreign_warning = if (length(foreign)) substr(foreign[1], 1, 160) else NA_character_,
               seconds = el,
               message = substr(gsub("\n", " ", msg), 1, 160), stringsAsFactors = FALSE)
  })
  do.call(rbind, out)
}
