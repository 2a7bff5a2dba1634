# A registry of benchmark tasks with known mutual information: the "Beyond Normal" (BMI)
# benchmark of Czyz et al. (2023), its mixture follow-up, the discrete-continuous cases of Gao
# et al. (2017) and independent pairs. Each task is a spec (see task_spec()); mi_tasks() lists
# them, mi_task() draws a sample and returns a "gmmmi_toy" object (R/toys.R).

#' Benchmark tasks with known mutual information
#'
#' A registry of distributions with known mutual information (MI) for benchmarking estimators:
#' `mi_tasks()` lists them, `mi_task()` draws a sample of one. Most tasks follow the "Beyond
#' Normal" benchmark (BMI) of Czyz et al. (2023), which the names echo; the others come from the
#' mixture follow-up (Czyz et al. 2023b), from Gao et al. (2017), or are independent pairs.
#'
#' All truths are in nats (`mi_task(unit = "bit")` converts). `truth_se` is 0 for closed forms and
#' the Monte Carlo standard error for the Gaussian mixtures.
#'
#' ## Families
#'
#' * `"gaussian"`: \eqn{(X, Y)} jointly Gaussian with zero mean and unit variances;
#'   \eqn{I = \frac12(\log\det\Sigma_{xx} + \log\det\Sigma_{yy} - \log\det\Sigma)}{I = 0.5 (log det Sxx + log det Syy - log det S)}
#'   (Cover & Thomas 2006, sec. 8.4; [mi_true_mvn()]). Correlation structures:
#'   `mvn-1x1-rho0.75` (\eqn{\rho = 0.75}{rho = 0.75}); *dense* (`mvn-dense-DxD`): every pair of
#'   the \eqn{d_x + d_y}{dx + dy} coordinates, within and across the blocks, has correlation 0.5;
#'   *2-pair* (`mvn-2pair-DxD`): \eqn{x_1 - y_1}{x1-y1} and \eqn{x_2 - y_2}{x2-y2} have
#'   correlation 0.8, every other coordinate is independent noise; *sparse* (`mvn-sparse-DxD`):
#'   independent coordinates within each block, and only three cross pairs correlated,
#'   \eqn{x_1 - y_1}{x1-y1} and \eqn{x_2 - y_2}{x2-y2} at 0.6 and \eqn{x_1 - y_2}{x1-y2} at 0.3.
#' * `"student-t"`: a multivariate Student t with \eqn{\nu}{nu} degrees of freedom, zero location
#'   and identity dispersion, \eqn{(X, Y) = Z / \sqrt{W/\nu}}{(X, Y) = Z / sqrt(W / nu)} with
#'   \eqn{Z \sim N(0, I)}{Z ~ N(0, I)} and one \eqn{W \sim \chi^2_\nu}{W ~ chi^2_nu} shared by
#'   \eqn{X} and \eqn{Y} (so they are uncorrelated yet dependent). Arellano-Valle, Contreras-Reyes &
#'   Genton (2013) give, with \eqn{\psi}{psi} the digamma function,
#'   \deqn{I = \log\Gamma(\frac{\nu}{2}) + \log\Gamma(\frac{\nu + d_x + d_y}{2}) - \log\Gamma(\frac{\nu + d_x}{2}) - \log\Gamma(\frac{\nu + d_y}{2}) + \frac{\nu + d_x}{2}\psi(\frac{\nu + d_x}{2}) + \frac{\nu + d_y}{2}\psi(\frac{\nu + d_y}{2}) - \frac{\nu}{2}\psi(\frac{\nu}{2}) - \frac{\nu + d_x + d_y}{2}\psi(\frac{\nu + d_x + d_y}{2}).}{I = lgamma(nu/2) + lgamma((nu+dx+dy)/2) - lgamma((nu+dx)/2) - lgamma((nu+dy)/2) + (nu+dx)/2 psi((nu+dx)/2) + (nu+dy)/2 psi((nu+dy)/2) - nu/2 psi(nu/2) - (nu+dx+dy)/2 psi((nu+dx+dy)/2).}
#' * `"uniform-noise"`: \eqn{X \sim U(0, 1)}{X ~ U(0, 1)}, \eqn{Y = X + U(-\epsilon, \epsilon)}{Y = X + U(-eps, eps)}.
#'   \eqn{Y} has a trapezoidal density, so \eqn{I = h(Y) - \log(2\epsilon)}{I = h(Y) - log(2 eps)}
#'   gives \eqn{I = \epsilon - \log(2\epsilon)}{I = eps - log(2 eps)} for
#'   \eqn{\epsilon \le 1/2}{eps <= 1/2} and \eqn{I = 1/(4\epsilon)}{I = 1/(4 eps)} for
#'   \eqn{\epsilon \ge 1/2}{eps >= 1/2} (derived here; BMI uses \eqn{\epsilon}{eps} = 0.1 and 0.75).
#' * `"transformed"`: MI is invariant under injective maps of \eqn{X} and of \eqn{Y} separately, so
#'   these tasks keep the truth of their base task (named after the map):
#'   `halfcube` (\eqn{h(t) = \mathrm{sign}(t)|t|^{3/2}}{h(t) = sign(t) |t|^(3/2)} on every
#'   coordinate); `asinh` (on every coordinate, of a Student t); `normalcdf` (\eqn{\Phi}{pnorm} on
#'   every coordinate); `wiggly` (\eqn{t + 0.4\sin t + 0.2\sin(1.7t + 1)}{t + 0.4 sin(t) + 0.2 sin(1.7 t + 1)}
#'   on \eqn{X}, derivative \eqn{\ge 0.26}{>= 0.26}, and \eqn{t + 0.3\sin(2t) + 0.1\sin(3t + 2)}{t + 0.3 sin(2 t) + 0.1 sin(3 t + 2)}
#'   on \eqn{Y}, derivative \eqn{\ge 0.1}{>= 0.1}); `spiral` (BMI: \eqn{x \mapsto R(v\|x\|^2)x}{x -> R(v |x|^2) x},
#'   a rotation in the plane of the first two coordinates by an angle proportional to the squared
#'   norm, speed \eqn{v = 1/3}{v = 1/3}, applied to \eqn{X} and to \eqn{Y}; it keeps the norm, so it
#'   is inverted by the rotation by \eqn{-v\|x\|^2}{-v |x|^2}); `swissroll` (BMI: the 1 x 1
#'   Gaussian's \eqn{X} is mapped to \eqn{u = \Phi(X)}{u = pnorm(X)} and then onto the spiral
#'   \eqn{t = 1.5\pi(1 + 2u)}{t = 1.5 pi (1 + 2 u)}, \eqn{x = (t\cos t, t\sin t)/21}{x = (t cos t, t sin t) / 21},
#'   so `x` is two-dimensional; `y` is unchanged).
#' * `"mixture"`: Gaussian mixtures (Czyz et al. 2023b), whose MI is computed by [mi_true_gmm()]
#'   with \eqn{10^7}{1e7} Monte Carlo draws and seed 2023 and stored (the stored numbers
#'   are rechecked in the tests): `mix-x-1x1`, the "X": an equal mixture of two standard bivariate
#'   Gaussians with correlations +0.9 and -0.9 (uncorrelated but dependent); `mix-ai-1x1`: six
#'   elongated Gaussians drawing the letters "A" (two slanted legs and a bar) and "I" (a stem and
#'   two serifs) in the plane; `mix-concentric-1x1`: three zero-mean Gaussians with standard
#'   deviations 0.1, 1 and 3 and correlations 0.9, -0.6 and 0.3; `mix-inliers-2pair-2x2`: the
#'   2-pair 2 x 2 Gaussian with weight 0.8 and, with weight 0.2, the product of its marginals
#'   \eqn{N(0, I_4)}{N(0, I_4)}.
#' * `"discrete-continuous"` (Gao, Kannan, Oh & Viswanath 2017): `gao-uniform-mM`: \eqn{X}
#'   uniform on \eqn{\{0, \dots, m-1\}}{{0, ..., m - 1}} (a factor), \eqn{Y \mid X \sim U(X, X + 2)}{Y | X ~ U(X, X + 2)};
#'   \eqn{Y} has density \eqn{1/(2m)} on \eqn{[0, 1)} and \eqn{[m, m + 1]} and \eqn{1/m} in
#'   between, so \eqn{I = \log m - \frac{m-1}{m}\log 2}{I = log m - (m - 1)/m log 2}
#'   (1.0549 nats for \eqn{m = 5}). `gao-exp-poisson`: \eqn{X \sim \mathrm{Exp}(1)}{X ~ Exp(1)},
#'   \eqn{Y \mid X \sim \mathrm{Poisson}(X)}{Y | X ~ Poisson(X)} (integer counts); \eqn{Y} is
#'   geometric, \eqn{P(Y = k) = 2^{-k-1}}{P(Y = k) = 2^(-k-1)}, and
#'   \eqn{I = 2\log 2 - \gamma - \sum_{k \ge 2} 2^{-k-1}\log k!}{I = 2 log 2 - gamma - sum_(k >= 2) 2^(-k-1) log k!}
#'   (\eqn{\gamma}{gamma} is Euler's constant; the series is summed to \eqn{k = 200}), about 0.3012 nats.
#' * `"independent"`: pairs with \eqn{I = 0} and various marginals: lognormal, correlated
#'   lognormal vectors, exponential, Cauchy, independent Student t vectors (each with its own
#'   \eqn{\chi^2}{chi^2}), Gamma(0.5) versus \eqn{\chi^2_1}{chi^2_1}, Poisson(3) versus negative
#'   binomial (size 2, mean 4) counts, and a zero-inflated variable (70% exact zeros, otherwise
#'   lognormal) versus an exponential.
#'
#' @param family `NULL` (all tasks) or a character vector of families to keep.
#' @param name The name of a task (the `name` column of `mi_tasks()`).
#' @param n Number of samples (2 to 1e7).
#' @param unit `"nat"` (default) or `"bit"`, the unit of the returned `mi`.
#' @return `mi_tasks()`: a data frame, one row per task, with columns `name`, `family`, `dx`,
#'   `dy`, `truth` (MI in nats), `truth_se`, `x_type` and `y_type` (`"continuous"`, `"discrete"`
#'   or `"mixed"`) and `description`.
#'
#'   `mi_task()`: a `"gmmmi_toy"` object (see [toys]): `x` and `y` are numeric vectors for
#'   one-dimensional sides, matrices with columns `x1`, `x2`, ... (`y1`, `y2`, ...) otherwise, and a
#'   factor for a categorical `x`; `mi` is the truth, `mi_std_error` its Monte Carlo standard error;
#'   `params` holds the task's family, dimensions, types and parameters. The sample is drawn from
#'   R's random number generator, so [set.seed()] reproduces it.
#' @references
#' Czyz, P., Grabowski, F., Vogt, J. E., Beerenwinkel, N. and Marx, A. (2023). Beyond normal: on
#' the evaluation of mutual information estimators. *Advances in Neural Information Processing
#' Systems* 36. \doi{10.48550/arXiv.2306.11078}
#'
#' Czyz, P., Grabowski, F., Vogt, J. E., Beerenwinkel, N. and Marx, A. (2023b). On the properties
#' and estimation of pointwise mutual information profiles. \doi{10.48550/arXiv.2310.10240}
#'
#' Gao, W., Kannan, S., Oh, S. and Viswanath, P. (2017). Estimating mutual information for
#' discrete-continuous mixtures. *Advances in Neural Information Processing Systems* 30.
#' \doi{10.48550/arXiv.1709.06212}
#'
#' Arellano-Valle, R. B., Contreras-Reyes, J. E. and Genton, M. G. (2013). Shannon entropy and
#' mutual information for multivariate skew-elliptical distributions. *Scandinavian Journal of
#' Statistics* 40(1), 42--62. \doi{10.1111/j.1467-9469.2011.00774.x}
#'
#' Cover, T. M. and Thomas, J. A. (2006). *Elements of Information Theory*, 2nd ed. Wiley.
#' @seealso [toys] for single generators with free parameters, [toy_transform()], [mi_true_gmm()].
#' @examples
#' tasks <- mi_tasks()
#' nrow(tasks)
#' head(tasks[, c("name", "dx", "dy", "truth")])
#' mi_tasks("student-t")[, c("name", "truth")]
#' set.seed(1)
#' d <- mi_task("mvn-2pair-3x3", n = 200)
#' d
#' colnames(d$x)
#' mi_task("gao-uniform-m5", n = 10)$x
#' @name mi_tasks
NULL

#' @rdname mi_tasks
#' @export
mi_tasks <- function(family = NULL) {
  reg <- task_registry_df()
  if (!is.null(family)) {
    if (!is.character(family) || length(family) < 1L || anyNA(family) ||
        !all(family %in% unique(reg$family))) {
      gmmmi_abort(sprintf("`family` must be NULL or some of %s, not %s.",
                          paste0('"', unique(reg$family), '"', collapse = ", "), describe(family)))
    }
    reg <- reg[reg$family %in% family, , drop = FALSE]
    rownames(reg) <- NULL
  }
  reg
}

#' @rdname mi_tasks
#' @export
mi_task <- function(name, n, unit = "nat") {
  specs <- task_specs()
  if (!is.character(name) || length(name) != 1L || is.na(name)) {
    gmmmi_abort(sprintf("`name` must be a single task name (see mi_tasks()), not %s.", describe(name)))
  }
  if (!name %in% names(specs)) {
    gmmmi_abort(sprintf("Unknown task \"%s\". Closest names: %s. See mi_tasks() for all %d.", name,
                        paste0('"', task_close_names(name, names(specs)), '"', collapse = ", "),
                        length(specs)), class = c("gmmmi_error_unknown_task", "gmmmi_error_input"))
  }
  n <- check_count(n, "n", min = 2, max = 1e7)
  unit <- check_unit(unit)
  s <- specs[[name]]
  z <- s$sample(n)
  x <- task_side(z$x, "x")
  y <- task_side(z$y, "y")
  out <- new_toy(x, y, s$truth, name, s$description,
                 c(list(family = s$family, dx = s$dx, dy = s$dy, x_type = s$x_type,
                        y_type = s$y_type), s$params),
                 unit = unit, mi_std_error = s$truth_se)
  if (!is.null(s$transform)) out$transform <- s$transform
  out
}

# ---- registry ----------------------------------------------------------------------------

task_cache <- new.env(parent = emptyenv())

task_specs <- function() {
  if (is.null(task_cache$specs)) {
    specs <- task_build_specs()
    names(specs) <- vapply(specs, function(s) s$name, character(1))
    stopifnot(!anyDuplicated(names(specs)))
    task_cache$specs <- specs
  }
  task_cache$specs
}

task_registry_df <- function() {
  if (is.null(task_cache$df)) {
    specs <- task_specs()
    col <- function(f, type) unname(vapply(specs, function(s) s[[f]], type))
    task_cache$df <- data.frame(
      name = col("name", character(1)), family = col("family", character(1)),
      dx = col("dx", integer(1)), dy = col("dy", integer(1)),
      truth = col("truth", numeric(1)), truth_se = col("truth_se", numeric(1)),
      x_type = col("x_type", character(1)), y_type = col("y_type", character(1)),
      description = col("description", character(1)), stringsAsFactors = FALSE
    )
  }
  task_cache$df
}

task_spec <- function(name, family, dx, dy, truth, description, sample, params = list(),
                      truth_se = 0, x_type = "continuous", y_type = "continuous", transform = NULL) {
  list(name = name, family = family, dx = as.integer(dx), dy = as.integer(dy),
       truth = as.double(truth), truth_se = as.double(truth_se), x_type = x_type, y_type = y_type,
       description = description, sample = sample, params = params, transform = transform)
}

# The names closest to `name`: those containing it or contained in it, then by edit distance.
task_close_names <- function(name, choices, k = 5L) {
  d <- as.numeric(utils::adist(tolower(name), tolower(choices), partial = FALSE))
  sub <- grepl(tolower(name), tolower(choices), fixed = TRUE) |
    vapply(choices, function(ch) grepl(tolower(ch), tolower(name), fixed = TRUE), logical(1))
  choices[order(!sub, d)][seq_len(min(k, length(choices)))]
}

task_side <- function(v, prefix) {
  if (is.factor(v)) return(v)
  if (is.matrix(v)) {
    if (ncol(v) == 1L) return(as.numeric(v[, 1L]))
    colnames(v) <- paste0(prefix, seq_len(ncol(v)))
    return(v)
  }
  as.numeric(v)
}

# ---- covariance structures and truths -------------------------------------------------------

task_cov_dense <- function(dx, dy, rho = 0.5) {
  d <- dx + dy
  s <- matrix(rho, d, d)
  diag(s) <- 1
  s
}

task_cov_2pair <- function(dx, dy, rho = 0.8) {
  s <- diag(dx + dy)
  for (i in 1:2) s[i, dx + i] <- s[dx + i, i] <- rho
  s
}

task_cov_sparse <- function(dx, dy) {
  s <- diag(dx + dy)
  s[1, dx + 1] <- s[dx + 1, 1] <- 0.6
  s[2, dx + 2] <- s[dx + 2, 2] <- 0.6
  s[1, dx + 2] <- s[dx + 2, 1] <- 0.3
  s
}

# MI of the multivariate t with identity dispersion (Arellano-Valle et al. 2013)
task_mi_student <- function(nu, dx, dy) {
  a <- nu / 2
  ax <- (nu + dx) / 2
  ay <- (nu + dy) / 2
  axy <- (nu + dx + dy) / 2
  lgamma(a) + lgamma(axy) - lgamma(ax) - lgamma(ay) + ax * digamma(ax) + ay * digamma(ay) -
    a * digamma(a) - axy * digamma(axy)
}

task_mi_uniform_noise <- function(eps) if (eps <= 0.5) eps - log(2 * eps) else 1 / (4 * eps)

task_mi_gao_uniform <- function(m) log(m) - (m - 1) / m * log(2)

# X ~ Exp(1), Y | X ~ Poisson(X): I = 2 log 2 - gamma - sum_k 2^(-k-1) log k! (terms below 1e-50 by k = 200)
task_mi_exp_poisson <- function() {
  k <- 2:200
  2 * log(2) + digamma(1) - sum(exp(-(k + 1) * log(2) + log(lgamma(k + 1))))
}

# ---- samplers ----------------------------------------------------------------------------

task_split <- function(z, dx) list(x = z[, seq_len(dx), drop = FALSE], y = z[, -seq_len(dx), drop = FALSE])

# (the factories force their arguments: they are called in loops, and a lazy promise would see the
# loop variable's last value)
task_sample_mvn <- function(sigma, dx) {
  force(sigma)
  force(dx)
  function(n) task_split(rmvn_zero(n, sigma), dx)
}

task_sample_student <- function(nu, dx, dy) {
  force(nu)
  force(dx)
  force(dy)
  function(n) {
    z <- matrix(stats::rnorm(n * (dx + dy)), n, dx + dy)
    w <- stats::rchisq(n, df = nu)
    task_split(z / sqrt(w / nu), dx)
  }
}

# the maps of the transformed tasks (all strictly increasing or, for spiral and swissroll, injective)
task_halfcube <- function(t) sign(t) * abs(t)^1.5
task_wiggly_x <- function(t) t + 0.4 * sin(t) + 0.2 * sin(1.7 * t + 1)
task_wiggly_y <- function(t) t + 0.3 * sin(2 * t) + 0.1 * sin(3 * t + 2)
task_spiral <- function(z, speed = 1 / 3) {
  th <- speed * rowSums(z^2)
  c1 <- cos(th) * z[, 1] - sin(th) * z[, 2]
  c2 <- sin(th) * z[, 1] + cos(th) * z[, 2]
  z[, 1] <- c1
  z[, 2] <- c2
  z
}
task_swissroll <- function(v) {
  t <- 1.5 * pi * (1 + 2 * stats::pnorm(as.numeric(v)))
  cbind(t * cos(t), t * sin(t)) / 21
}

task_map_sides <- function(sampler, fx, fy = fx) {
  force(sampler)
  force(fx)
  force(fy)
  function(n) {
    z <- sampler(n)
    list(x = fx(z$x), y = fy(z$y))
  }
}

# ---- Gaussian mixtures ----------------------------------------------------------------------

task_rot_cov <- function(angle, sd_along, sd_across) {
  r <- matrix(c(cos(angle), sin(angle), -sin(angle), cos(angle)), 2)
  r %*% diag(c(sd_along, sd_across)^2) %*% t(r)
}

task_corr2 <- function(sd, rho) sd^2 * matrix(c(1, rho, rho, 1), 2)

task_mixtures <- function() {
  s2 <- task_cov_2pair(2, 2)
  leg <- atan2(2.4, 1.2)
  list(
    "mix-x-1x1" = list(
      weights = c(0.5, 0.5), means = rbind(c(0, 0), c(0, 0)),
      covariances = list(task_corr2(1, 0.9), task_corr2(1, -0.9)), dx = 1L,
      description = "\"X\": equal mixture of two standard bivariate Gaussians with correlations +0.9 and -0.9 (Czyz et al. 2023b)"),
    "mix-ai-1x1" = list(
      weights = c(0.22, 0.22, 0.12, 0.24, 0.10, 0.10),
      means = rbind(c(-1.6, 0), c(-0.4, 0), c(-1.0, -0.2), c(1.2, 0), c(1.2, 1.2), c(1.2, -1.2)),
      covariances = list(task_rot_cov(leg, 0.6, 0.08), task_rot_cov(pi - leg, 0.6, 0.08),
                         task_rot_cov(0, 0.35, 0.08), task_rot_cov(pi / 2, 0.6, 0.08),
                         task_rot_cov(0, 0.2, 0.06), task_rot_cov(0, 0.2, 0.06)), dx = 1L,
      description = "\"AI\": six elongated Gaussians drawing the letters A and I in the plane (after Czyz et al. 2023b)"),
    "mix-concentric-1x1" = list(
      weights = c(1, 1, 1) / 3, means = matrix(0, 3, 2),
      covariances = list(task_corr2(0.1, 0.9), task_corr2(1, -0.6), task_corr2(3, 0.3)), dx = 1L,
      description = "concentric: zero-mean bivariate Gaussians with sd 0.1, 1, 3 and correlations 0.9, -0.6, 0.3 (after Czyz et al. 2023b)"),
    "mix-inliers-2pair-2x2" = list(
      weights = c(0.8, 0.2), means = matrix(0, 2, 4), covariances = list(s2, diag(4)), dx = 2L,
      description = "2-pair 2 x 2 Gaussian (rho 0.8) mixed with weight 0.2 with the product of its marginals N(0, I) (after Czyz et al. 2023b)")
  )
}

# Truths of task_mixtures() (nats) and their Monte Carlo standard errors, computed once with
#   m <- task_mixtures()[[name]]
#   mi_true_gmm(m$weights, m$means, m$covariances, m$dx, n_mc = 1e7, seed = 2023)
# (about 10 s each); tests/testthat/test-tasks.R rechecks them with 1e5 draws and another seed.
task_mixture_truths <- list(
  "mix-x-1x1" = c(truth = 0.4083193, se = 2.36e-04),
  "mix-ai-1x1" = c(truth = 0.6864751, se = 2.68e-04),
  "mix-concentric-1x1" = c(truth = 0.6312433, se = 3.25e-04),
  "mix-inliers-2pair-2x2" = c(truth = 0.6364868, se = 3.66e-04)
)

task_sample_gmm <- function(m) {
  p <- truth_check_gmm(m$weights, m$means, m$covariances)
  dx <- m$dx
  function(n) task_split(truth_sample_gmm(n, p), dx)
}

# ---- the tasks ----------------------------------------------------------------------------

task_build_specs <- function() {
  specs <- list()
  add <- function(s) specs[[length(specs) + 1L]] <<- s
  dims <- function(dx, dy) sprintf("%dx%d", dx, dy)
  gauss_src <- "I = 0.5 (log det Sxx + log det Syy - log det S) (Cover & Thomas 2006)"

  # Gaussian
  mvn_task <- function(name, sigma, dx, what) {
    task_spec(name, "gaussian", dx, ncol(sigma) - dx, mi_true_mvn(sigma, dx),
              sprintf("Gaussian %s, %s; %s", dims(dx, ncol(sigma) - dx), what, gauss_src),
              task_sample_mvn(sigma, dx), list(sigma = sigma))
  }
  s11 <- matrix(c(1, 0.75, 0.75, 1), 2)
  add(mvn_task("mvn-1x1-rho0.75", s11, 1, "correlation 0.75"))
  for (d in c(2, 3, 5, 10)) {
    add(mvn_task(sprintf("mvn-dense-%s", dims(d, d)), task_cov_dense(d, d), d,
                 "all pairwise correlations 0.5 (BMI dense)"))
  }
  for (d in c(3, 5)) {
    add(mvn_task(sprintf("mvn-sparse-%s", dims(d, d)), task_cov_sparse(d, d), d,
                 "only x1-y1, x2-y2 (0.6) and x1-y2 (0.3) correlated (sparse)"))
  }
  for (d in c(2, 3, 5, 10)) {
    add(mvn_task(sprintf("mvn-2pair-%s", dims(d, d)), task_cov_2pair(d, d), d,
                 "x1-y1 and x2-y2 correlation 0.8, other coordinates independent (BMI 2-pair)"))
  }

  # Student t
  st_src <- "closed form of Arellano-Valle et al. (2013)"
  for (a in list(c(1, 1), c(2, 1), c(1, 2), c(2, 2), c(2, 3), c(3, 3), c(2, 5), c(3, 5))) {
    nu <- a[1]
    d <- a[2]
    add(task_spec(sprintf("student-t-dof%d-%s", nu, dims(d, d)), "student-t", d, d,
                  task_mi_student(nu, d, d),
                  sprintf("multivariate Student t, %d dof, identity dispersion, %s; %s", nu, dims(d, d), st_src),
                  task_sample_student(nu, d, d), list(nu = nu)))
  }

  # additive uniform noise
  for (eps in c(0.1, 0.75)) {
    add(task_spec(sprintf("uniform-noise-eps%s", format(eps)), "uniform-noise", 1, 1,
                  task_mi_uniform_noise(eps),
                  sprintf("X ~ U(0, 1), Y = X + U(-%s, %s); I = %s (trapezoidal density of Y)", format(eps),
                          format(eps), if (eps <= 0.5) "eps - log(2 eps)" else "1 / (4 eps)"),
                  local({
                    e <- eps
                    function(n) {
                      x <- stats::runif(n)
                      list(x = x, y = x + stats::runif(n, -e, e))
                    }
                  }), list(eps = eps)))
  }

  # transformed (truth = base truth)
  tr <- function(name, base, dx, dy, mx, my, fx, fy, what, base_truth, base_sampler, dy_out = dy, dx_out = dx) {
    task_spec(name, "transformed", dx_out, dy_out, base_truth,
              sprintf("%s of %s; MI invariant under injective maps, truth of the base task", what, base),
              task_map_sides(base_sampler, fx, fy), list(base = base), transform = list(x = mx, y = my))
  }
  s2p <- task_cov_2pair(2, 2)
  sd3 <- task_cov_dense(3, 3)
  add(tr("halfcube-mvn-1x1-rho0.75", "mvn-1x1-rho0.75", 1, 1, "halfcube", "halfcube", task_halfcube,
         task_halfcube, "sign(t) |t|^1.5 on each coordinate", mi_true_mvn(s11, 1), task_sample_mvn(s11, 1)))
  add(tr("halfcube-mvn-2pair-2x2", "mvn-2pair-2x2", 2, 2, "halfcube", "halfcube", task_halfcube,
         task_halfcube, "sign(t) |t|^1.5 on each coordinate", mi_true_mvn(s2p, 2), task_sample_mvn(s2p, 2)))
  add(tr("asinh-student-t-dof1-1x1", "student-t-dof1-1x1", 1, 1, "asinh", "asinh", asinh, asinh,
         "asinh on each coordinate", task_mi_student(1, 1, 1), task_sample_student(1, 1, 1)))
  add(tr("normalcdf-mvn-1x1-rho0.75", "mvn-1x1-rho0.75", 1, 1, "normalcdf", "normalcdf", stats::pnorm,
         stats::pnorm, "pnorm on each coordinate", mi_true_mvn(s11, 1), task_sample_mvn(s11, 1)))
  add(tr("normalcdf-mvn-dense-3x3", "mvn-dense-3x3", 3, 3, "normalcdf", "normalcdf", stats::pnorm,
         stats::pnorm, "pnorm on each coordinate", mi_true_mvn(sd3, 3), task_sample_mvn(sd3, 3)))
  add(tr("wiggly-mvn-1x1-rho0.75", "mvn-1x1-rho0.75", 1, 1, "wiggly", "wiggly", task_wiggly_x,
         task_wiggly_y, "wiggly increasing maps t + 0.4 sin t + 0.2 sin(1.7 t + 1) (x), t + 0.3 sin 2t + 0.1 sin(3t + 2) (y)",
         mi_true_mvn(s11, 1), task_sample_mvn(s11, 1)))
  add(tr("spiral-mvn-dense-3x3", "mvn-dense-3x3", 3, 3, "spiral", "spiral", task_spiral, task_spiral,
         "spiral (rotation of coordinates 1-2 by |v|^2 / 3) of x and of y", mi_true_mvn(sd3, 3),
         task_sample_mvn(sd3, 3)))
  add(tr("swissroll-mvn-1x1-rho0.75", "mvn-1x1-rho0.75", 1, 1, "swissroll", "identity", task_swissroll,
         identity, "swiss roll embedding of x (pnorm, then t = 1.5 pi (1 + 2u), (t cos t, t sin t) / 21)",
         mi_true_mvn(s11, 1), task_sample_mvn(s11, 1), dx_out = 2))

  # Gaussian mixtures (truths stored)
  mixes <- task_mixtures()
  for (nm in names(mixes)) {
    m <- mixes[[nm]]
    d <- ncol(m$means)
    add(task_spec(nm, "mixture", m$dx, d - m$dx, task_mixture_truths[[nm]][["truth"]],
                  sprintf("%s; truth by mi_true_gmm() with 1e7 draws", m$description),
                  task_sample_gmm(m), m[c("weights", "means", "covariances")],
                  truth_se = task_mixture_truths[[nm]][["se"]]))
  }

  # discrete-continuous (Gao et al. 2017)
  for (m in c(5, 2)) {
    add(task_spec(sprintf("gao-uniform-m%d", m), "discrete-continuous", 1, 1, task_mi_gao_uniform(m),
                  sprintf("X uniform on {0..%d} (factor), Y | X ~ U(X, X + 2); I = log m - (m - 1)/m log 2 (Gao et al. 2017)", m - 1),
                  local({
                    mm <- m
                    function(n) {
                      k <- sample.int(mm, n, replace = TRUE) - 1L
                      list(x = factor(k, levels = 0:(mm - 1L)), y = k + stats::runif(n, 0, 2))
                    }
                  }), list(m = m), x_type = "discrete"))
  }
  add(task_spec("gao-exp-poisson", "discrete-continuous", 1, 1, task_mi_exp_poisson(),
                "X ~ Exp(1), Y | X ~ Poisson(X) (counts); I = 2 log 2 - gamma - sum_k 2^(-k-1) log k! (Gao et al. 2017)",
                function(n) {
                  x <- stats::rexp(n)
                  list(x = x, y = as.numeric(stats::rpois(n, x)))
                }, y_type = "discrete"))

  # independent pairs
  ind <- function(name, dx, dy, what, sample, x_type = "continuous", y_type = "continuous") {
    task_spec(name, "independent", dx, dy, 0, sprintf("independent: %s; I = 0", what), sample,
              x_type = x_type, y_type = y_type)
  }
  add(ind("indep-lognormal-1x1", 1, 1, "X, Y iid lognormal(0, 1)",
          function(n) list(x = stats::rlnorm(n), y = stats::rlnorm(n))))
  add(ind("indep-lognormal-2x2", 2, 2, "X = exp(N(0, corr 0.6)), Y = exp(N(0, corr -0.4)), X independent of Y",
          function(n) list(x = exp(rmvn_zero(n, task_corr2(1, 0.6))), y = exp(rmvn_zero(n, task_corr2(1, -0.4))))))
  add(ind("indep-exponential-1x1", 1, 1, "X, Y iid Exp(1)",
          function(n) list(x = stats::rexp(n), y = stats::rexp(n))))
  add(ind("indep-cauchy-1x1", 1, 1, "X, Y iid standard Cauchy",
          function(n) list(x = stats::rcauchy(n), y = stats::rcauchy(n))))
  add(ind("indep-student-t-dof2-3x3", 3, 3, "X and Y independent 3-D Student t vectors, 2 dof, each with its own chi^2",
          function(n) list(x = task_sample_student(2, 3, 0)(n)$x, y = task_sample_student(2, 3, 0)(n)$x)))
  add(ind("indep-gamma-chisq-1x1", 1, 1, "X ~ Gamma(0.5, 1), Y ~ chi^2_1 independent",
          function(n) list(x = stats::rgamma(n, shape = 0.5), y = stats::rchisq(n, df = 1))))
  add(ind("indep-poisson-negbin-1x1", 1, 1, "X ~ Poisson(3), Y ~ negative binomial (size 2, mean 4) counts",
          function(n) list(x = as.numeric(stats::rpois(n, 3)), y = as.numeric(stats::rnbinom(n, size = 2, mu = 4))),
          x_type = "discrete", y_type = "discrete"))
  add(ind("indep-zeroinfl-exponential-1x1", 1, 1, "X zero-inflated (70% exact zeros, else lognormal(0, 1)), Y ~ Exp(1)",
          function(n) {
            x <- stats::rlnorm(n) * (stats::runif(n) >= 0.7)
            list(x = x, y = stats::rexp(n))
          }, x_type = "mixed"))
  specs
}
