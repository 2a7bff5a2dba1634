# gmm_mi(): the GMM-MI estimator (Piras et al. 2023) with bootstrap uncertainty.

#' Mutual information by Gaussian mixtures, with bootstrap uncertainty (GMM-MI)
#'
#' Estimates the mutual information (MI) between `x` and `y`, or the conditional MI
#' I(X; Y | Z), by fitting a full-covariance Gaussian mixture model (GMM) to the joint samples
#' and integrating the MI of the fitted density by Monte Carlo. The number of components K is
#' chosen by cross-validation, and the uncertainty due to the finite sample is measured by
#' refitting bootstrap resamples (Piras et al. 2023, <doi:10.1088/2632-2153/acc444>).
#'
#' @details
#' The algorithm, with its defaults:
#' 1. **Representation** (`transform`). MI is invariant to strictly monotone maps of each
#'    column, but a Gaussian mixture fitted to skewed or heavy-tailed columns spends components
#'    on the marginal shapes and reports dependence that is not there (independent lognormal
#'    columns gave 0.23 to 0.36 nats at z ~ 20 on the raw scale). `"normal_scores"` maps every
#'    numeric column to `qnorm((rank - 1/2) / n)`; ties get distinct ranks in a random order
#'    (a dequantisation that leaves the MI unchanged, because the original column is a function
#'    of the scores and the order is independent of everything else), so integer codes, counts
#'    and saturated values need no special care. The estimate is then exactly (bitwise) the same
#'    for `f(x)` and `g(y)` with any strictly increasing `f`, `g`. Normal scores can also distort
#'    structure that is Gaussian on the raw scale (well-separated clusters need many more
#'    components after the map). `"auto"` (the default) therefore chooses K in both
#'    representations and compares the chosen fits' held-out log-likelihoods of every row *on
#'    the scale of the original data* (the normal-scores fit is corrected by the log-Jacobian of
#'    the map, estimated by m-spacings with m = sqrt(n)): the normal scores are kept unless the
#'    raw values are better by more than 2 standard errors of the paired differences (Vuong's
#'    test for non-nested models), so the exactly invariant representation is the default and
#'    the raw one must prove itself. A column with atoms (over 10% of rows on one value) always
#'    uses normal scores, since raw data with atoms have no density to fit. `"none"` fits the
#'    raw values. `result$transform` says which was used and `result$transform_scores` gives
#'    both held-out scores and the paired z. With `"auto"` the estimate is invariant whenever
#'    both `x`, `y` and their transforms keep normal scores (they then give bitwise the same
#'    number); otherwise the two estimates differ by estimation error only. On the benchmark of
#'    [mi_tasks()] (`bench/accuracy.R`, 146 cases) the defaults are within 4 sd + 0.03 nats of
#'    the truth in 95.2% of cases (normal scores alone 85.6%, the reference's settings 74.7%,
#'    KSG 78.1%; raw values alone 97.9%, but they agree with the untransformed task within one
#'    combined sd on only 8 of 18 transformed tasks, against 17 of 18, bitwise, for the
#'    defaults). Known failure: sharp-edged uniform noise of high MI (1.60 for 1.71 nats).
#'    With `select = "aic"` or `"bic"` the penalised log-likelihoods are compared instead.
#'    Every column is then standardised (MI is invariant to per-column affine maps).
#' 2. **Choose K** (`select = "cv"`): the rows are split once into `n_folds` folds. For
#'    K = 1, 2, ..., each of `n_inits` initialisations is fitted by EM on all folds but
#'    one and scored by the mean held-out log-likelihood, averaged over folds; K's score is its
#'    best initialisation's. Start i uses the method `init[(i - 1) %% length(init) + 1]`: by
#'    default k-means++ (k-means with k-means++ seeding), random responsibilities, k-means++.
#'    Random-responsibility starts alone (the reference's choice) begin every component near
#'    the global mean and, as N grows, stall at a symmetric fixed point (three separated
#'    clusters at N = 1e5 gave an MI of 0 with K = 3); k-means++ starts alone miss some
#'    heavy-tailed optima; the mixture keeps the best of both. A K improves when it beats the best score so far by more than
#'    `threshold`; the search stops after `patience` consecutive K that do not improve (the
#'    counter restarts after an improvement) and the best-scoring K is chosen. Reaching
#'    `max_components` gives a warning. With `select = "aic"` or `"bic"`, each K is fitted on all
#'    rows (`n_inits` starts) and the criterion is minimised with the same stopping rule.
#'    `n_components` fixes K.
#' 3. **Independence check** (`independence = TRUE`; continuous `x` and `y`, with or without a
#'    continuous `z`, `select = "cv"`): every row is held out in one fold, so the chosen K's fold
#'    fits give each row a held-out pointwise MI, \eqn{\log q(x,y) - \log q(x) - \log q(y)}
#'    (with `z`: the pointwise conditional MI
#'    \eqn{\log q(x,y,z) + \log q(z) - \log q(x,z) - \log q(y,z)}) under the fit that
#'    did not see it (q: the joint mixture and its own marginals). Their mean is a
#'    cross-validated (conditional) MI. When it is negative by more than 2 standard errors, the fitted
#'    dependence does not carry over to new rows: it is the mixture's misfit, and the estimate is
#'    0 (see Value). A joint mixture of a few components cannot factorise when x or y is not
#'    Gaussian within a component, so on independent data it reports dependence from its own
#'    shape: independent 3-D Student-t blocks (dof 2) gave 0.03 to 0.11 nats at 3 to 7
#'    bootstrap sd, while their held-out MI was about -0.1 nats at z = -7 to -13. The margin
#'    of 2 standard errors keeps real dependence whose pointwise MI is heavy-tailed (a raw-scale
#'    fit of a Cauchy-like 2 x 2 Student-t task, MI 0.43, had a held-out mean of -0.02 at
#'    z = -0.1) and weak dependence (the held-out MI is a noisy, slightly low estimate).
#'    On the benchmark the check changes no estimate of a dependent task. Conditional MI has
#'    the same failure: x and y independent given z with skewed or heavy-tailed noise, or
#'    nonlinear in z, gave up to 0.046 nats, significant (estimate / sd > 1.645) in 16 of 24
#'    samples (N = 2000, 5000); with the check 3 of 24 are (the zeroed ones had held-out
#'    conditional MI at z = -2.1 to -9.1), and none of 96 samples with dependence given z was
#'    zeroed (Gaussian partial correlations 0.1 to 0.37 at N = 200 to 5000, a sine and a
#'    lognormal relation; `bench/independence_conditional.R`). A categorical `x` did not show the failure (0 of 32 independent
#'    samples significant, skewed and heavy-tailed `y`), and has no check.
#'    `result$independence` has the numbers.
#' 4. **Full-data fit** at the chosen K: every start is refitted on all rows and the one with
#'    the highest log-likelihood is kept (`full_fit = "all_starts"`; the reference refits only
#'    the best cross-validated start, `"best_cv_start"`, which can land in a poor optimum: a
#'    full-data fit of 0.044 nats for a truth of 0.132 on the published "D3" mixture). Its MI is
#'    `point`.
#' 5. **Bootstrap**: each of `n_bootstrap` replicates resamples the rows with replacement,
#'    refits EM warm-started from the full-data fit, and computes the MI of its fit. With
#'    `bootstrap_starts > 0` it also fits that many fresh starts and keeps the fit with the
#'    highest likelihood on its resample (`diagnostics$n_switched` counts the replicates where
#'    a fresh start won). The reference's bimodal bootstrap on "D3" came from a full-data fit
#'    in a poor optimum, which the best-of-all-starts full fit removes; measured on D3 and the
#'    gamma-exponential at N = 1e4 (3 seeds each), one fresh start per replicate changed the
#'    estimates by less than 0.001 nats and the standard errors by less than 5%, for 50% to
#'    80% more time, so the default is 0.
#'    `estimate` is bias-corrected by the replicates (see the argument `estimate`) and
#'    `std_error` is their standard deviation. The
#'    default of 100 replicates (the reference uses 50) halves the noise that a standard
#'    deviation estimated from 50 values adds to the reduced chi^2: in the Gaussian calibration
#'    (rho = 0.6, identity / log / cubic, `bench/calibration.R`) it is 1.23 / 1.11 / 0.79 to
#'    1.13 at N = 200 / 2000 / 20000 (1656 / 500 / 100 realisations) with 92.8% / 93.8% / 92% to
#'    98% coverage of +-1.96 sd (an earlier run with 50 replicates: 1.27 / 1.11 / 0.88). At
#'    N = 200 the excess comes from a few samples whose correlation is far below the truth: their
#'    estimate is low and so is its bootstrap sd (a Wald interval's weakness, not the bootstrap's
#'    number of replicates). A
#'    replicate whose fit fails (non-finite MI) is retried with a new resample and reported in
#'    `diagnostics`.
#' 6. **MI of a mixture** by Monte Carlo over `n_mc` draws from the fitted joint, with the
#'    marginals of `x` and `y` (any dimension) being mixtures of the blocks of every component.
#'    A one-component fit (a Gaussian) has a closed form, which is used instead.
#'
#' **Categorical `x`** (a factor or character vector): each class's `y` gets its own mixture
#' (K chosen per class), the bootstrap resamples within each class, and
#' `MI = sum_c p_c E[log p(y|c) - log sum_c' p_c' p(y|c')]` with `p_c` the observed class frequencies;
#' it is at most the entropy of the classes (<= log C).
#'
#' **Conditional MI** (`z` given): `I(X; Y | Z) = E[log p(x,y,z) + log p(z) - log p(x,z) - log p(y,z)]`
#' from one mixture fitted to (x, y, z).
#'
#' Incomplete rows (any `NA` in x, y or z) are dropped with a warning (`na.rm = TRUE`) or
#' rejected. Results depend only on the seed ([set.seed()]), not on `n_threads`: the
#' `n_inits` x `n_folds` fits of one K run in parallel, and so do the bootstrap replicates.
#'
#' @param x Numeric vector, matrix or data frame (rows are samples), or a factor / character
#'   vector of class labels. With `y = NULL`, a matrix or data frame with exactly two columns
#'   (x and y).
#' @param y Numeric vector, matrix or data frame with as many rows as `x`.
#' @param z Optional variable(s) to condition on (conditional MI \eqn{I(X;Y|Z)}): a numeric
#'   vector, matrix, factor or data frame. Continuous columns enter the mixture: one mixture
#'   over (x, y, z), or, for a categorical `x`, one mixture over (z, y) per class, with
#'   \eqn{I = \sum_c p_c E[\log p(z,y|c) - \log p(z|c) - \log p(z,y) + \log p(z)]}. Discrete
#'   columns (factors, or few distinct values; see [gmmmi_discrete]) are conditioned on exactly:
#'   one GMM-MI per stratum (combination of their values), combined as
#'   \eqn{\sum_s p_s I(X;Y|Z_{cont}, s)} with \eqn{p_s} the strata's frequencies; the result
#'   then has `$strata` (per stratum: rows, weight, estimate, standard error) and `$fits`, and its
#'   standard error is \eqn{\sqrt{\sum_s p_s^2 se_s^2 + (\sum_s p_s I_s^2 - I^2)/n}} (strata
#'   independent, plus the sampling variance of the weights). Every stratum needs enough rows
#'   for GMM-MI (10 or more), or the error names it. A discrete `x` and `y` with a continuous `z`
#'   is not supported (classed error): discretise `z`, or use `mi(method = "ksg")`.
#' @param n_components `NULL` (choose K) or a whole number fixing K (for a categorical `x`, one
#'   number for every class or one per class).
#' @param select How K is chosen: `"cv"` (held-out log-likelihood), `"aic"` or `"bic"`.
#' @param n_inits Number of initialisations per K.
#' @param n_folds Number of cross-validation folds.
#' @param threshold Minimum score improvement for a larger K to count as better.
#' @param patience Number of consecutive non-improving K after which the search stops.
#' @param max_components Largest K tried.
#' @param init Initialisation method(s), cycled over the `n_inits` starts: `"kmeans"`
#'   (k-means++ seeding, then k-means), `"random"` (random responsibilities),
#'   `"randomized_kmeans"` or `"minmax"`.
#' @param transform Representation of the numeric columns: `"auto"` (default: normal scores or
#'   raw values, whichever fits the held-out data better on the original scale), `"normal_scores"`
#'   or `"none"` (raw values). See Details.
#' @param independence Whether the estimate is set to 0 when the cross-validated (held-out)
#'   pointwise MI (with `z`: conditional MI) of the fit is negative by more than 2 standard errors
#'   (continuous `x` and `y`, `select = "cv"`; with discrete columns in `z`, within each
#'   stratum; see Details, step 3). The reference preset does not.
#' @param full_fit `"all_starts"` (refit every start on all rows and keep the best likelihood)
#'   or `"best_cv_start"` (the reference: refit the best cross-validated start only).
#' @param bootstrap_starts Number of fresh starts per bootstrap replicate besides the warm start
#'   from the full-data fit (default 0: warm start only, as the reference).
#' @param preset `"default"`, or `"reference"` for the published reference's settings
#'   (Piras et al. 2023: `init = "random"`, `transform = "none"`, `independence = FALSE`, `full_fit = "best_cv_start"`,
#'   `bootstrap_starts = 0`, `n_bootstrap = 50`), which reproduce its calibration; arguments given explicitly in the
#'   call override the preset.
#' @param tol EM stops when the mean log-likelihood per sample changes by less than `tol`.
#' @param max_iter Maximum EM iterations per fit.
#' @param reg_covar Added to covariance diagonals (on the standardised scale).
#' @param n_bootstrap Number of bootstrap replicates (0: only the full-data fit, `std_error = NA`).
#' @param estimate The reported value: `"bias_corrected"` (default) \eqn{\max(0, 2\hat I - \bar I^*)},
#'   the full-data fit's MI \eqn{\hat I} minus the bootstrap estimate of its bias
#'   \eqn{\bar I^* - \hat I} (\eqn{\bar I^*} the mean of the replicates), floored at 0;
#'   `"bootstrap_mean"`, \eqn{\bar I^*}, which the published reference reports (and
#'   `preset = "reference"` selects); or `"full_fit"`, \eqn{\hat I}. The standard error is the
#'   bootstrap sd in every case. An MI estimate is biased upward (a fitted density is never exactly
#'   independent), and the bootstrap mean doubles that bias: on the 24 independent pairs of the
#'   benchmark ([mi_tasks()], N = 5000, 3 seeds) the bootstrap mean was "significant" (estimate /
#'   sd > 1.645) in 7 of 24 samples, the bias-corrected value in 4 (3 of them the independent
#'   3-D Student-t blocks, where the mixture itself does not factorise; the independence check
#'   of step 3 now sets those to 0); over all 132 cases it was
#'   within 4 sd + 0.03 of the truth in 94.7% (bootstrap mean: 92.4%), with a smaller mean absolute
#'   error (0.0216 vs 0.0228 nat) (`bench/bias_correction.R`).
#' @param n_mc Number of Monte Carlo draws per MI evaluation.
#' @param unit `"nat"` (default) or `"bit"`.
#' @param na.rm Drop incomplete rows (with a warning) instead of failing.
#' @param discrete `NULL` (detect), `TRUE` / `FALSE`, or a named logical such as `c(x = TRUE)`:
#'   which variables are discrete; see [gmmmi_discrete] for the rule. A pair of discrete
#'   variables gets the plug-in estimate (a plain [`"gmmmi_estimate"`][gmmmi_estimate] with
#'   `method = "plug-in"`, no mixture); a discrete `x` or `y` with a continuous partner gets the
#'   categorical estimator (one mixture per class).
#' @param n_threads Number of threads (see [gmmmi_threads()]); results do not depend on it.
#' @param seed `NULL` (draw from R's random number stream, so [set.seed()] reproduces the result)
#'   or a whole number fixing the result without touching that stream.
#' @param progress Show progress (default: in interactive sessions, unless
#'   `options(gmmmi.progress = FALSE)`): while K is chosen, the K tried and a percentage of the
#'   search if it stops at the next K that scores no better (it may go on: how far is not known
#'   in advance, `max_components` is only a cap), reaching 100% on the last K tried; then a bar
#'   over the bootstrap replicates.
#' @return An object of class `c("gmm_mi", "gmmmi_estimate")`, a list with
#'   * `estimate`: MI as chosen by `estimate` (bias-corrected by default; `point` when
#'     `n_bootstrap` < 2), in `unit`;
#'   * `std_error`: standard deviation of the replicates;
#'   * `bootstrap`: the replicate values;
#'   * `point`: MI of the full-data fit (and `point_mc_se`, its Monte Carlo standard error);
#'   * `n_components`: the chosen K (a named vector per class for a categorical `x`);
#'   * `selection`: a data frame with one row per K tried: `score` (mean held-out log-likelihood
#'     per sample) or `aic` / `bic` (with `loglik`), the best initialisation, the score of every
#'     initialisation (and fold), non-converged fits, recovered collapses, the most EM iterations
#'     of any fit, and `chosen`. Scores are on the standardised scale of the data;
#'   * `model`: the full-data fit as a `"gmm"` object on the original scale of the data (a named
#'     list of them, one per class, for a categorical `x`);
#'   * `unit`, `n`, `dims` (dx, dy, dz), `settings`, `call`, `timing` (seconds per phase:
#'     selection, full fit, bootstrap), `data` (the complete rows used, for the plots),
#'     `class_prob` (observed class frequencies, categorical `x`) and `bootstrap_mc_se` (the
#'     Monte Carlo standard error of each replicate);
#'   * `treatment`: how the discrete-data rule ([gmmmi_discrete]) treated the pair
#'     (`"continuous"`, `"categorical"`, `"dequantised"`; `"plug-in"` results are not `gmm_mi`
#'     objects), `swapped` (a discrete `y` was used as the classes) and, with a discrete
#'     variable, `entropy` (its Miller-Madow entropy, the bound the estimate respects);
#'   * `transform`: the representation fitted (`"normal_scores"` or `"none"`), and
#'     `transform_scores`: with `transform = "auto"`, a data frame of each representation's
#'     held-out log-likelihood per row on the original scale, its paired z against the normal
#'     scores and which was chosen;
#'   * `independence`: the check of step 3: `tested`, `heldout_mi` (mean held-out pointwise
#'     MI), `z` (it over its standard error), `chosen` (`z` below -2: the reported
#'     `estimate` is then 0, `std_error` is still the joint mixture's bootstrap sd, and
#'     `confint()` gives the interval from 0 to z * `std_error`, z the normal quantile of the level) and
#'     `estimate_joint` (the estimate without the check);
#'   * `diagnostics`: a list with `k_at_cap`, `n_nonconverged`, `n_recovered` (EM recoveries from
#'     collapsing components), `n_failed_replicates`, `n_retried`, `all_cv_fits_short` (every CV
#'     fit stopped within 2 EM iterations, which suggests a too loose `tol`), `atoms` (the largest
#'     fraction of rows within 0.001 standard deviations of one value, for each column of x, y or
#'     z where it exceeds 10%: data with atoms, such as ties or saturated units, for which a
#'     density-based MI can be far too large on the raw scale; a warning only with
#'     `transform = "none"`), `ties` (tied rows per column, broken at random for normal scores),
#'     `n_switched` (bootstrap replicates where a fresh start beat the warm start) and `messages`.
#'
#'   Methods: `print()`, `summary()`, `coef()`, `confint()` (percentile or normal),
#'   `as.data.frame()` and `plot()` (see [plot.gmm_mi()]).
#' @references Piras D, Peiris HV, Pontzen A, Lucie-Smith L, Guo N, Nord B (2023). A robust
#'   estimator of mutual information for deep learning interpretability. *Machine Learning:
#'   Science and Technology* 4, 025006.
#' @examples
#' set.seed(1)
#' x <- rnorm(500)
#' y <- 0.6 * x + 0.8 * rnorm(500)
#' fit <- gmm_mi(x, y, n_bootstrap = 10, n_threads = 1)
#' fit                       # true MI: -0.5 * log(1 - 0.36) = 0.223 nats
#' confint(fit)
#' # categorical x
#' cls <- sample(c("a", "b", "c"), 300, replace = TRUE)
#' yc <- rnorm(300, mean = c(a = 0, b = 2, c = 4)[cls])
#' gmm_mi(cls, yc, n_bootstrap = 5, n_threads = 1)
#' @export
gmm_mi <- function(x, y = NULL, z = NULL, n_components = NULL, select = c("cv", "aic", "bic"),
                   n_inits = 3, n_folds = 2, threshold = 1e-5, patience = 1, max_components = 50,
                   init = c("kmeans", "random"), tol = 1e-5, max_iter = 10000, reg_covar = 1e-12,
                   n_bootstrap = 100, n_mc = 1e5, unit = c("nat", "bit"), na.rm = TRUE,
                   transform = c("auto", "normal_scores", "none"), independence = TRUE,
                   full_fit = c("all_starts", "best_cv_start"),
                   bootstrap_starts = 0, estimate = c("bias_corrected", "bootstrap_mean", "full_fit"),
                   preset = c("default", "reference"), discrete = NULL,
                   n_threads = NULL, progress = interactive(), seed = NULL) {
  call <- match.call()
  seed_argument(seed)
  preset <- if (identical(preset, c("default", "reference"))) "default" else check_choice(preset, c("default", "reference"), "preset")
  if (preset == "reference") {
    # the published reference's settings (Piras et al. 2023), for whatever the call does not set
    if (is.null(call$init)) init <- "random"
    if (is.null(call$transform)) transform <- "none"
    if (is.null(call$independence)) independence <- FALSE
    if (is.null(call$full_fit)) full_fit <- "best_cv_start"
    if (is.null(call$bootstrap_starts)) bootstrap_starts <- 0
    if (is.null(call$n_bootstrap)) n_bootstrap <- 50
    if (is.null(call$estimate)) estimate <- "bootstrap_mean"
  }
  estimate <- if (identical(estimate, c("bias_corrected", "bootstrap_mean", "full_fit"))) "bias_corrected" else
    check_choice(estimate, c("bias_corrected", "bootstrap_mean", "full_fit"), "estimate")
  transform <- if (identical(transform, c("auto", "normal_scores", "none"))) "auto" else
    check_choice(transform, c("auto", "normal_scores", "none"), "transform")
  independence <- check_flag(independence, "independence")
  full_fit <- if (identical(full_fit, c("all_starts", "best_cv_start"))) "all_starts" else
    check_choice(full_fit, c("all_starts", "best_cv_start"), "full_fit")
  bootstrap_starts <- check_count(bootstrap_starts, "bootstrap_starts", min = 0, max = 100)
  select <- if (identical(select, c("cv", "aic", "bic"))) "cv" else check_choice(select, c("cv", "aic", "bic"), "select")
  unit <- check_unit(unit)
  n_inits <- check_count(n_inits, "n_inits", min = 1, max = 1000)
  n_folds <- check_count(n_folds, "n_folds", min = 2, max = 100)
  threshold <- check_number(threshold, "threshold", lower = 0)
  patience <- check_count(patience, "patience", min = 1)
  max_components <- check_count(max_components, "max_components", min = 1, max = 10000)
  init_methods <- c("random", "kmeans", "randomized_kmeans", "minmax")
  if (!is.character(init) || length(init) < 1L || anyNA(init) || !all(init %in% init_methods)) {
    gmmmi_abort(sprintf("`init` must be one or more of %s (cycled over the %s starts).",
                        paste0('"', init_methods, '"', collapse = ", "), "`n_inits`"))
  }
  tol <- check_number(tol, "tol", lower = 0, lower_open = TRUE)
  max_iter <- check_count(max_iter, "max_iter", min = 1, max = gmmmi_limits$max_iter)
  reg_covar <- check_number(reg_covar, "reg_covar", lower = 0)
  n_bootstrap <- check_count(n_bootstrap, "n_bootstrap", min = 0, max = 1e6)
  n_mc <- check_count(n_mc, "n_mc", min = 100, max = 1e9)
  na.rm <- check_flag(na.rm, "na.rm")
  progress <- check_flag(progress, "progress")
  n_threads <- gmmmi_threads(n_threads)

  # the discrete-data rule (?gmmmi_discrete): for z first (a discrete z is conditioned on exactly,
  # stratum by stratum), then for the pair x, y
  treatment <- NULL
  cap_factor <- NULL
  swapped <- FALSE
  if (!is.null(z)) {
    dec <- discrete_declared(discrete, names = c("x", "y", "z"), call = call)
    zs <- conditioning_split(z, dec[["z"]], call = call)
    if (!is.null(zs$strata)) {
      args <- mget(c("n_components", "select", "n_inits", "n_folds", "threshold", "patience",
                     "max_components", "init", "tol", "max_iter", "reg_covar", "n_bootstrap", "n_mc",
                     "transform", "independence", "full_fit", "bootstrap_starts", "estimate", "n_threads"))
      return(gmm_mi_stratified(x, y, zs, dec, na.rm, unit, args, call))
    }
    z <- zs$continuous
    discrete <- dec[c("x", "y")]
    discrete <- if (all(is.na(discrete))) NULL else discrete[!is.na(discrete)]
  }
  sp <- if (is.null(y)) gmm_mi_split_xy(x) else list(x = x, y = y)
  if (!is.null(sp)) {
    dp <- discrete_pair(sp$x, sp$y, discrete, call = call)
    if (dp$pair == "discrete") {
      if (!is.null(z)) {
        gmmmi_abort(paste0("`x` and `y` are both discrete and `z` is continuous: GMM-MI has no estimator ",
                           "of this conditional MI. Discretise `z` (it is then conditioned on stratum ",
                           "by stratum), or use `method = \"ksg\"` in mi()."),
                    class = c("gmmmi_error_discrete", "gmmmi_error_input"), call = call)
      }
      return(mi_discrete_pair(dp$x, dp$y, unit, call, "gmm"))
    }
    treatment <- dp$pair
    if (dp$pair == "categorical") {
      cnt <- tabulate(as.integer(dp$x), nlevels(dp$x))
      ydim <- NCOL(dp$y) + (if (is.null(z)) 0L else NCOL(z))
      if (!dp$declared_x && min(cnt[cnt > 0]) < max(2L * n_folds, ydim + 2L, 4L)) {
        # a detected discrete variable with a value too rare to fit: dequantise it instead
        treatment <- "dequantised"
        cap_factor <- dp$x
        x <- sp$x
        y <- sp$y
      } else {
        x <- dp$x
        y <- dp$y
        swapped <- dp$swapped
      }
    }
  }
  data <- gmm_mi_data(x, y, z, na.rm = na.rm)
  categorical <- !is.null(data$classes)
  min_rows <- function(d) max(2L * n_folds, d + 2L, 4L)
  if (categorical) {
    lev <- levels(data$classes)
    counts <- as.vector(table(data$classes))
    if (length(lev) < 2L) {
      gmmmi_abort(sprintf("`%s` has a single class (\"%s\"); MI with a constant is 0 and cannot be estimated by GMM-MI.", if (swapped) "y" else "x", lev[1]))
    }
    d <- data$dz + data$dy  # the class models' columns: (z, y)
    small <- counts < min_rows(d)
    if (any(small)) {
      gmmmi_abort(sprintf("`%s`: class(es) %s have fewer than %d rows (need at least %d per class for %d folds).",
                          if (swapped) "y" else "x",
                          paste0('"', lev[small], '" (', counts[small], ")", collapse = ", "),
                          min_rows(d), min_rows(d), n_folds))
    }
    if (!is.null(data$z)) check_not_constant(data$z, "z")
    groups <- lapply(lev, function(l) cbind(data$z, data$y)[data$classes == l, , drop = FALSE])
    # a class whose y is constant on the raw scale (ties) can still be fitted on normal scores,
    # which break ties at random
    const_class <- vapply(groups, function(g) any(!(.col_stats(g)$sd > 0)), logical(1))
    if (any(const_class) && transform == "none") {
      for (j in which(const_class)) check_not_constant(groups[[j]], sprintf("y (within class \"%s\")", lev[j]))
    }
    p <- counts / sum(counts)
    kind <- 2L
  } else {
    joint <- do.call(cbind, Filter(Negate(is.null), list(data$x, data$y, data$z)))  # cbind(0-row, NULL) adds a column
    js <- .col_stats(joint)
    blocks <- rep(1:3, c(data$dx, data$dy, data$dz))
    part <- function(b) lapply(js, `[`, blocks == b)
    check_not_constant(NULL, "x", stats = part(1L), n = nrow(joint), names = colnames(data$x))
    check_not_constant(NULL, if (data$from_xy) "x" else "y", stats = part(2L), n = nrow(joint),
                       names = colnames(data$y))
    if (!is.null(data$z)) check_not_constant(NULL, "z", stats = part(3L), n = nrow(joint), names = colnames(data$z))
    # below 10 rows a mixture's MI is noise (rnorm(5) pairs gave 1.5 +- 2.9 nats)
    need <- max(min_rows(ncol(joint)), 10L)
    if (nrow(joint) < need) {
      gmmmi_abort(sprintf("`x` and `y` have %d complete rows; at least %d are needed (n_folds = %d, %d dimensions; GMM-MI needs 10 or more).",
                          nrow(joint), need, n_folds, ncol(joint)))
    }
    groups <- list(joint)
    lev <- NULL
    p <- numeric(0)
    kind <- if (is.null(data$z)) 0L else 1L
    if (kind == 0L) warn_if_dependent(data$x, data$y, call = call)  # infinite MI (issue 13)
    d <- ncol(joint)
  }
  # fixed K
  G <- length(groups)
  fixed <- rep(0L, G)
  if (!is.null(n_components)) {
    if (!is.numeric(n_components) || !(length(n_components) %in% c(1L, G)) || any(!is.finite(n_components)) ||
        any(n_components < 1) || any(n_components > gmmmi_limits$n_components) || any(n_components != round(n_components))) {
      gmmmi_abort(sprintf("`n_components` must be NULL or %s positive whole number%s.",
                          if (G > 1) sprintf("one or %d", G) else "one", if (G > 1) "s (one per class)" else ""))
    }
    fixed <- rep_len(as.integer(n_components), G)
    n_min <- min(vapply(groups, nrow, integer(1)))
    if (max(fixed) > n_min %/% 2L) {
      gmmmi_abort(sprintf("`n_components` (%d) is too large for %d rows%s.", max(fixed), n_min,
                          if (G > 1) " in the smallest class" else ""))
    }
  }
  # the representations of the data to fit: raw values and / or normal scores
  atoms <- atom_columns(data)
  raw_ok <- !(categorical && any(const_class))
  candidates <- switch(transform, none = "none", normal_scores = "normal_scores",
                       auto = if (length(atoms) || !raw_ok) "normal_scores" else c("normal_scores", "none"))
  reps <- lapply(candidates, function(tr) {
    if (tr == "none") return(gmm_mi_representation(data, lev, "none", 0))
    ns <- normal_scores_data(data)
    gmm_mi_representation(ns, lev, "normal_scores",
                          if (length(candidates) > 1L) normal_scores_log_jacobian(data, ns) else 0)
  })

  opt <- list(tol = tol, max_iter = max_iter, reg_covar = reg_covar, init = init, scale = 1,
              full_fit_all_starts = full_fit == "all_starts", boot_fresh_starts = bootstrap_starts,
              select = select, n_inits = n_inits, n_folds = n_folds, threshold = threshold,
              patience = patience, max_components = max_components, fixed_k = 0L,
              n_bootstrap = n_bootstrap, n_mc = as.double(n_mc), max_attempts = 5L,
              representation_z = 2,  # raw values must beat normal scores by 2 paired standard errors
              # the estimate is set to 0 when the held-out MI is negative by more than 2 standard
              # errors (a mean of heavy-tailed pointwise values can dip below 0 by chance)
              independence = independence, independence_z = -2)
  bar <- if (show_progress(progress)) {
    # K is chosen once per representation and group (class), in this order, each a pass of the
    # selection, weighted by its rows
    passes <- expand.grid(g = seq_along(reps[[1L]]$groups), r = seq_along(reps))
    gmm_mi_progress(select, fixed = any(fixed > 0L),
                    weights = vapply(passes$g, function(g) nrow(reps[[1L]]$groups[[g]]), numeric(1)),
                    labels = paste0(if (length(reps) > 1L) c(normal_scores = "normal scores", none = "raw values")[candidates[passes$r]],
                                    if (length(reps) > 1L && !is.null(lev)) ", ",
                                    if (!is.null(lev)) paste("class", lev[passes$g])))
  }
  on.exit(if (!is.null(bar)) bar$close(), add = TRUE)
  seed <- draw_seed()
  opt$fixed_k <- fixed
  res <- .gmm_mi_run(lapply(reps, `[`, c("groups", "log_jacobian", "row_offset")), kind, data$dx, data$dy,
                     p, opt, seed, n_threads, if (is.null(bar)) NULL else bar$update)
  rep <- reps[[res$chosen_rep]]
  rep$data$atoms <- atoms
  # the sorted raw columns, to map new data to normal scores in predict()
  if (identical(rep$transform, "normal_scores")) {
    rep$data$raw_sorted <- lapply(list(x = if (categorical) NULL else data$x, y = data$y, z = data$z),
                                  function(m) if (!is.null(m)) apply(m, 2L, sort))
  }
  rep$data$transform_scores <- if (length(reps) > 1L) {
    data.frame(transform = candidates, heldout_loglik = res$rep_scores, z = res$rep_z,
               chosen = seq_along(candidates) == res$chosen_rep, stringsAsFactors = FALSE)
  }
  out <- gmm_mi_result(res, data = rep$data, levels = lev, p = p, unit = unit, kind = kind, call = call,
                settings = list(select = select, n_components = if (is.null(n_components)) NA else n_components,
                                n_inits = n_inits, n_folds = n_folds, threshold = threshold,
                                patience = patience, max_components = max_components, init = init,
                                transform = transform, independence = independence, full_fit = full_fit,
                                bootstrap_starts = bootstrap_starts, estimate = estimate, preset = preset,
                                tol = tol, max_iter = max_iter, reg_covar = reg_covar,
                                n_bootstrap = n_bootstrap, n_mc = n_mc, n_threads = n_threads))
  if (is.null(treatment)) treatment <- if (length(atoms)) "dequantised" else "continuous"
  out$treatment <- treatment
  out$swapped <- isTRUE(swapped)
  if (categorical) out$entropy <- c(x = entropy_mm(data$classes)) * unit_scale(unit)
  if (!is.null(cap_factor)) out <- discrete_cap(out, cap_factor, unit)
  out
}

# x as a two-column matrix / data frame (y = NULL): its columns as list(x, y); NULL otherwise.
gmm_mi_split_xy <- function(x) {
  if (is.data.frame(x) && ncol(x) == 2L) return(list(x = x[[1L]], y = x[[2L]]))
  if (is.matrix(x) && ncol(x) == 2L) return(list(x = x[, 1L], y = x[, 2L]))
  NULL
}

# ---- input handling ----

gmm_mi_data <- function(x, y, z, na.rm, call = sys.call(-1)) {
  from_xy <- FALSE
  is_cat <- function(v) is.factor(v) || is.character(v)
  if (is.null(y)) {
    if (is_cat(x)) gmmmi_abort("`y` is missing: a categorical `x` needs a numeric `y`.", call = call)
    if (is.data.frame(x) && ncol(x) == 2L && is_cat(x[[1]])) {
      y <- x[[2]]
      x <- x[[1]]
    } else {
      if (is.null(dim(x)) || length(dim(x)) != 2L || ncol(x) != 2L) {
        gmmmi_abort(sprintf("`x` must be a matrix or data frame with two columns when `y` is not given, not %s.",
                            describe(x)), call = call)
      }
      xy <- as_data_matrix(x, "x", call = call)
      x <- xy[, 1L, drop = FALSE]
      y <- xy[, 2L, drop = FALSE]
      from_xy <- TRUE
    }
  }
  classes <- NULL
  if (is.data.frame(x) && ncol(x) == 1L && is_cat(x[[1]])) x <- x[[1]]
  if (is_cat(x)) {
    if (!is.null(dim(x)) && length(dim(x)) > 1L && ncol(x) > 1L) {
      gmmmi_abort("`x` must be a single factor or character vector.", call = call)
    }
    classes <- x
    xm <- NULL
    nx <- length(x)
  } else {
    xm <- as_data_matrix(x, "x", call = call)
    nx <- nrow(xm)
  }
  ym <- as_data_matrix(y, "y", call = call)
  if (nrow(ym) != nx) {
    gmmmi_abort(sprintf("`y` has %d rows but `x` has %d; they must match.", nrow(ym), nx), call = call)
  }
  zm <- NULL
  if (!is.null(z)) {
    zm <- as_data_matrix(z, "z", call = call)
    if (nrow(zm) != nx) {
      gmmmi_abort(sprintf("`z` has %d rows but `x` has %d; they must match.", nrow(zm), nx), call = call)
    }
  }
  ok <- stats::complete.cases(ym)
  if (!is.null(xm)) ok <- ok & stats::complete.cases(xm) else ok <- ok & !is.na(classes)
  if (!is.null(zm)) ok <- ok & stats::complete.cases(zm)
  n_bad <- sum(!ok)
  if (n_bad > 0L) {
    if (!na.rm) {
      gmmmi_abort(sprintf("`x`, `y` or `z` contain missing values in %d row(s); use `na.rm = TRUE` to drop them.",
                          n_bad), call = call)
    }
    if (!any(ok)) {
      gmmmi_abort("`x`, `y` or `z` have no complete row: every row has a missing value (an all-NA column?).",
                  call = call)
    }
    gmmmi_warn(sprintf("Dropped %d incomplete row(s) (missing values in x, y or z); %d rows remain.",
                       n_bad, sum(ok)), call = call)
    ym <- ym[ok, , drop = FALSE]
    if (!is.null(xm)) xm <- xm[ok, , drop = FALSE]
    if (!is.null(zm)) zm <- zm[ok, , drop = FALSE]
    if (!is.null(classes)) classes <- classes[ok]
  }
  if (!is.null(classes)) classes <- droplevels(factor(classes))
  list(x = xm, y = ym, z = zm, classes = classes, from_xy = from_xy,
       dx = if (is.null(xm)) 1L else ncol(xm), dy = ncol(ym), dz = if (is.null(zm)) 0L else ncol(zm),
       n = nrow(ym), n_dropped = n_bad)
}

# ---- conditioning on a discrete z ----

# The columns of z split by the discrete-data rule: list(strata = factor of the discrete
# columns' combined values, or NULL; continuous = the other columns, or NULL; names).
# `declared`: NA (detect), TRUE (every column discrete) or FALSE (none).
conditioning_split <- function(z, declared = NA, call = sys.call(-1)) {
  cols <- if (is.data.frame(z)) as.list(z) else if (is.matrix(z) && (is.numeric(z) || is.logical(z))) {
    lapply(seq_len(ncol(z)), function(j) z[, j])
  } else list(z)
  nm <- if (is.data.frame(z) || is.matrix(z)) colnames(z) else NULL
  if (is.null(nm) || length(nm) != length(cols)) nm <- if (length(cols) == 1L) "z" else paste0("z", seq_along(cols))
  kinds <- vapply(cols, function(v) {
    if (is.factor(v) || is.character(v) || is.logical(v)) return("discrete")
    if (!is.numeric(v)) return("continuous")  # left to the data checks
    if (isTRUE(declared)) "discrete" else if (isFALSE(declared)) "continuous" else column_kind(v)
  }, character(1))
  disc <- kinds == "discrete"
  if (!any(disc)) return(list(strata = NULL, continuous = z, names = nm))
  keys <- lapply(cols[disc], function(v) ifelse(is.na(v), NA_character_, as.character(v)))
  key <- if (length(keys) == 1L) keys[[1]] else do.call(paste, c(keys, sep = ", "))
  key[Reduce(`|`, lapply(keys, is.na))] <- NA_character_
  cont <- if (all(disc)) NULL else {
    m <- do.call(cbind, cols[!disc])
    colnames(m) <- nm[!disc]
    m
  }
  list(strata = factor(key), continuous = cont, names = nm, strata_names = nm[disc])
}

# I(X; Y | Z) for a z with discrete columns, exactly by the definition:
#   sum_s p(s) I(X; Y | Z_c, Z_d = s),
# one gmm_mi() per stratum s of the discrete columns (conditioning on the continuous columns Z_c,
# if any, within it), weighted by the strata's frequencies. Standard error: the strata are
# independent given their sizes, so Var = sum_s p_s^2 se_s^2, plus the multinomial variance of
# the weights, (sum_s p_s I_s^2 - I^2) / n.
gmm_mi_stratified <- function(x, y, zs, declared, na.rm, unit, args, call) {
  if (is.null(y)) {
    sp <- gmm_mi_split_xy(x)
    if (is.null(sp)) {
      gmmmi_abort("`y` is missing: conditional MI needs `x` and `y` (or `x` with two columns).", call = call)
    }
    x <- sp$x
    y <- sp$y
  }
  nrows <- function(v) if (is.null(dim(v))) length(v) else nrow(v)
  n0 <- length(zs$strata)
  for (a in list(list(x, "x"), list(y, "y"))) {
    if (nrows(a[[1]]) != n0) {
      gmmmi_abort(sprintf("`z` has %d rows but `%s` has %d; they must match.", n0, a[[2]], nrows(a[[1]])), call = call)
    }
  }
  miss <- function(v) if (is.null(v)) FALSE else if (is.null(dim(v))) is.na(v) else !stats::complete.cases(v)
  bad <- miss(x) | miss(y) | is.na(zs$strata) | miss(zs$continuous)
  if (any(bad)) {
    if (!na.rm) {
      gmmmi_abort(sprintf("`x`, `y` or `z` contain missing values in %d row(s); use `na.rm = TRUE` to drop them.",
                          sum(bad)), call = call)
    }
    if (all(bad)) gmmmi_abort("`x`, `y` or `z` have no complete row.", call = call)
    gmmmi_warn(sprintf("Dropped %d incomplete row(s) (missing values in x, y or z); %d rows remain.",
                       sum(bad), sum(!bad)), call = call)
  }
  keep <- which(!bad)
  strata <- droplevels(zs$strata[keep])
  n <- length(keep)
  # the pair's kinds from all rows, so that a stratum with few distinct values stays continuous
  dx <- declared[["x"]]
  dy <- declared[["y"]]
  kx <- if (is.na(dx)) discrete_variable(rows_of(x, keep))$kind == "discrete" else dx
  ky <- if (is.na(dy)) discrete_variable(rows_of(y, keep))$kind == "discrete" else dy
  lev <- levels(strata)
  fits <- vector("list", length(lev))
  names(fits) <- lev
  tab <- data.frame(stratum = lev, n = 0L, weight = 0, estimate = 0, std_error = 0,
                    treatment = NA_character_, stringsAsFactors = FALSE)
  for (i in seq_along(lev)) {
    idx <- keep[strata == lev[i]]
    xs <- drop_constant_columns(rows_of(x, idx))
    ys <- drop_constant_columns(rows_of(y, idx))
    zc <- if (is.null(zs$continuous)) NULL else drop_constant_columns(rows_of(zs$continuous, idx))
    tab$n[i] <- length(idx)
    if (is.null(xs) || is.null(ys)) {
      tab$treatment[i] <- "constant"  # x or y is constant within the stratum: I = 0 there
      next
    }
    fit <- tryCatch(
      do.call(gmm_mi, c(list(xs, ys, z = zc), args,
                        list(unit = unit, na.rm = FALSE, discrete = c(x = kx, y = ky), progress = FALSE))),
      gmmmi_error = function(e) {
        gmmmi_abort(sprintf("In the stratum %s = \"%s\" (%d rows): %s", paste(zs$strata_names, collapse = ", "),
                            lev[i], length(idx), conditionMessage(e)),
                    class = setdiff(class(e), c("gmmmi_error", "error", "condition")), call = call)
      })
    fits[[i]] <- fit
    tab$estimate[i] <- fit$estimate
    tab$std_error[i] <- fit$std_error
    tab$treatment[i] <- if (is.null(fit$treatment)) "continuous" else fit$treatment
  }
  tab$weight <- tab$n / n
  comb <- strata_combine(tab$weight, tab$estimate, tab$std_error, n)
  est <- comb$estimate
  se <- comb$std_error
  new_mi_estimate(est, se, unit = unit, method = "gmm", n = n, quantity = "conditional mutual information",
                  settings = args, call = call, strata = tab, fits = fits, treatment = "stratified",
                  conditioned_on = zs$strata_names,
                  std_error_note = if (is.na(se)) "a stratum's estimate has no standard error (see `$strata`)")
}

# A frequency-weighted sum over strata, sum_s p_s I_s, and its standard error: the strata are
# independent given their sizes (sum_s p_s^2 se_s^2), plus the multinomial variance of the
# weights, (sum_s p_s I_s^2 - I^2) / n. Used by gmm_mi() and mi_ksg() with a discrete z.
strata_combine <- function(p, est, se, n) {
  total <- sum(p * est)
  list(estimate = total, std_error = sqrt(sum(p^2 * se^2) + max(0, sum(p * est^2) - total^2) / n))
}

# The non-constant columns of a vector, matrix or data frame (NULL if none). A factor with one
# level, or a numeric column with one value, is constant.
drop_constant_columns <- function(v) {
  const <- function(c) length(unique(c)) < 2L
  if (is.null(dim(v))) return(if (const(v)) NULL else v)
  keep <- !vapply(seq_len(ncol(v)), function(j) const(v[, j]), logical(1))
  if (!any(keep)) NULL else v[, keep, drop = FALSE]
}

# ---- marginal transform ----

# Normal scores of one column: qnorm((rank - 1/2) / n). Tied values get distinct ranks in a
# random order (R's random number generator, drawn only for columns with ties): this is a
# dequantisation by uniform noise inside each tied value's block of ranks, which leaves the MI
# unchanged (the original column is a function of the scores, and the noise is independent of
# everything else), where a density fitted to exact ties would make it infinite.
normal_scores <- function(v) {
  n <- length(v)
  r <- if (anyDuplicated(v)) order(order(v, stats::runif(n))) else rank(v, ties.method = "first")
  stats::qnorm((r - 0.5) / n)
}

# Applies normal_scores to every numeric column of x, y and z (not to a categorical x's labels);
# records the number of tied rows per column in data$ties.
normal_scores_data <- function(data) {
  ties <- integer(0)
  for (b in c("x", "y", "z")) {
    m <- data[[b]]
    if (is.null(m)) next
    for (j in seq_len(ncol(m))) {
      v <- m[, j]
      nt <- length(v) - length(unique(v))
      if (nt > 0L) ties[[if (ncol(m) > 1L) sprintf("%s[, %d]", b, j) else b]] <- nt
      m[, j] <- normal_scores(v)
    }
    data[[b]] <- m
  }
  data$ties <- ties
  data
}

# One representation of the data for .gmm_mi_run: the groups (the joint rows, or one matrix of
# (z, y) rows per class) on the representation's scale, and the log-Jacobian of the map from the
# data to it (`log_jac`, per row, or 0 for the raw values): its mean, which puts held-out
# log-likelihoods on the scale of the original data, and the rows' deviations from it, split by
# group (for the paired comparison of representations). The core standardises the groups with
# their pooled column statistics and returns the fits on this scale.
gmm_mi_representation <- function(data, lev, transform, log_jac) {
  by_group <- function(v) if (is.null(lev)) list(v) else lapply(lev, function(l) v[data$classes == l])
  groups <- if (is.null(lev)) list(cbind(data$x, data$y, data$z)) else
    lapply(lev, function(l) cbind(data$z, data$y)[data$classes == l, , drop = FALSE])
  data$transform <- transform
  mj <- if (length(log_jac) > 1L) mean(log_jac) else log_jac
  list(groups = groups, log_jacobian = mj,
       row_offset = if (length(log_jac) > 1L) by_group(log_jac - mj) else list(),
       data = data, transform = transform)
}

# Log-Jacobian of every row (summed over the transformed columns) of the normal-scores map, estimated by
# m-spacings (m = round(sqrt(n))): log J(x_(i)) = log(s_(i+m) - s_(i-m)) - log(x_(i+m) - x_(i-m))
# with indices clamped to 1..n, x the data and s their scores in the same (tie-broken) order.
# As both spacings span the same ranks, the bias of the m-spacing density estimate cancels to
# first order. Ties in x make it +Inf: such data have no density to fit on the raw scale.
normal_scores_log_jacobian <- function(data, ns) {
  total <- numeric(data$n)
  for (b in c("x", "y", "z")) {
    m <- data[[b]]
    if (is.null(m) || (b == "x" && !is.null(data$classes))) next
    for (j in seq_len(ncol(m))) {
      s <- ns[[b]][, j]
      o <- order(s)
      v <- m[o, j]
      s <- s[o]
      n <- length(v)
      h <- max(1L, round(sqrt(n)))
      i <- seq_len(n)
      lo <- pmax(i - h, 1L)
      hi <- pmin(i + h, n)
      total[o] <- total[o] + (log(s[hi] - s[lo]) - log(v[hi] - v[lo]))
    }
  }
  total
}

# ---- diagnostics ----

# Columns of x, y and z whose atom fraction exceeds `limit` (named numeric, possibly empty).
# The limit is above what rounding alone gives: data recorded on a grid of about 50 values
# (faithful's waiting times in whole minutes: 6% at the mode) are not flagged, while discrete or
# saturated data with a value holding a tenth of the rows are.
atom_columns <- function(data, limit = 0.10) {
  out <- numeric(0)
  for (b in c("x", "y", "z")) {
    m <- data[[b]]
    if (is.null(m)) next
    for (j in seq_len(ncol(m))) {
      f <- atom_fraction(m[, j])
      label <- if (isTRUE(data$from_xy)) sprintf("column %d of x", match(b, c("x", "y")))
               else if (ncol(m) > 1L) sprintf("%s[, %d]", b, j) else b
      if (f > limit) out[[label]] <- f
    }
  }
  out
}

# ---- progress ----

# The progress display of gmm_mi(): the C++ monitor calls update(phase, done, total).
# Phase 0 (choosing K): update(0, K, last) after each K tried, once per pass (representation x
# group), where last is the K at which the pass stops unless a larger K scores better (last == K:
# the pass is over). How far the search will go is unknown (max_components is only a cap), so the
# percentage is that of the work if the search stops as early as it can: K = 1..done against
# K = 1..last, each K weighted by K (a fit's cost grows with K), passes weighted by their rows.
# It reaches 100% on the last K tried, and may step back when a larger K scores better with
# patience > 1. Phase 1: the full-data fit; phase 2: the bootstrap (a txtProgressBar).
gmm_mi_progress <- function(select = "cv", fixed = FALSE, weights = 1, labels = "") {
  env <- new.env()
  env$bar <- NULL
  env$phase <- -1L
  env$pass <- 0L
  env$done <- 0
  env$width <- 0L
  cum <- c(0, cumsum(weights)) / sum(weights)
  work <- function(k) k * (k + 1) / 2
  how <- c(cv = "cross-validation", aic = "AIC", bic = "BIC")[[select]]
  # one line, redrawn with \r (which only returns to the start of the current line, so the line
  # must fit the console): a bar of fixed width and the percentage, then the text, cut to fit
  draw_k <- function(frac, text) {
    fill <- as.integer(floor(10 * frac + 1e-9))
    line <- sprintf("  |%s%s| %3d%%  %s", strrep("=", fill), strrep(" ", 10L - fill),
                    as.integer(floor(100 * frac + 1e-9)), text)
    room <- getOption("width", 80L) - 1L
    if (nchar(line) > room) line <- paste0(substr(line, 1L, room - 3L), "...")
    cat("\r", line, strrep(" ", max(0L, env$width - nchar(line))), sep = "")
    env$width <- nchar(line)
  }
  update <- function(phase, done, total) {
    if (phase != env$phase) {
      if (!is.null(env$bar)) close(env$bar)
      env$bar <- NULL
      if (env$phase == 0L && env$width > 0L) cat("\n")
      env$phase <- phase
      if (phase == 0L && !fixed) {
        cat(sprintf("Choosing K by %s; %% if it stops at the next K without gain\n", how))
        draw_k(0, "fitting K = 1")
      }
      if (phase == 2L && total > 0) {
        cat("Bootstrap replicates\n")
        env$bar <- utils::txtProgressBar(min = 0, max = total, style = 3)
      }
    }
    if (phase == 0L && done > 0) {
      if (env$pass == 0L || done <= env$done) env$pass <- env$pass + 1L
      env$done <- done
      p <- min(env$pass, length(weights))
      last <- max(total, done)
      frac <- cum[p] + work(done) / work(last) * (cum[p + 1L] - cum[p])
      lab <- if (length(weights) > 1L) paste0(labels[p], ": ") else ""
      tried <- if (done > 1) sprintf("K = 1-%d tried", as.integer(done)) else "K = 1 tried"
      text <- if (done >= last) {
        sprintf("%s%s, done", lab, tried)
      } else if (last == done + 1) {
        sprintf("%s%s, fitting %d (last if no gain)", lab, tried, as.integer(done + 1))
      } else {
        sprintf("%s%s, fitting %d (last: %d if no gain)", lab, tried, as.integer(done + 1),
                as.integer(last))
      }
      draw_k(frac, text)
    }
    if (!is.null(env$bar)) utils::setTxtProgressBar(env$bar, done)
    invisible(NULL)
  }
  list(update = update, close = function() {
    if (env$phase == 0L && env$width > 0L) cat("\n")
    env$phase <- -1L
    if (!is.null(env$bar)) {
      close(env$bar)
      env$bar <- NULL
    }
  })
}

# ---- result ----

gmm_mi_colnames <- function(data) {
  nm <- function(m, prefix) {
    if (is.null(m)) return(NULL)
    cn <- colnames(m)
    if (is.null(cn) || anyNA(cn) || any(cn == "")) cn <- if (ncol(m) == 1L) prefix else paste0(prefix, seq_len(ncol(m)))
    cn
  }
  c(nm(data$x, "x"), nm(data$y, "y"), nm(data$z, "z"))
}

gmm_mi_result <- function(res, data, levels, p, unit, kind, call, settings) {
  s <- unit_scale(unit)
  categorical <- kind == 2L
  # a categorical x's class models are over (z, y)
  cn <- if (categorical) {
    nm <- gmm_mi_colnames(list(y = data$y, z = data$z))
    c(utils::tail(nm, data$dz), utils::head(nm, data$dy))
  } else gmm_mi_colnames(data)
  # the glue returns the fits on the data's scale with the fields of a "gmm" object
  models <- lapply(res$models, function(f) {
    m <- new_gmm(f$weights, f$means, f$covariances, colnames = cn)
    for (field in c("loglik", "n", "nobs", "mean_loglik", "iterations", "converged", "init")) m[[field]] <- f[[field]]
    m
  })
  sel <- lapply(seq_along(res$selection), function(g) {
    df <- as.data.frame(res$selection[[g]], stringsAsFactors = FALSE)
    if (categorical) df <- cbind(class = levels[g], df, stringsAsFactors = FALSE)
    df
  })
  selection <- do.call(rbind, sel)
  rownames(selection) <- NULL
  K <- res$n_components
  if (categorical) {
    names(K) <- levels
    names(models) <- levels
    model <- models
  } else {
    model <- models[[1]]
  }
  ct <- res$counts
  boot <- res$bootstrap * s
  point <- unname(res$point["value"]) * s
  messages <- character()
  k_at_cap <- ct$k_at_cap
  if (any(k_at_cap)) {
    messages <- c(messages, sprintf("K reached max_components = %d%s: the search did not stop; consider a larger max_components.",
                                    settings$max_components,
                                    if (categorical) sprintf(" (class %s)", paste(levels[k_at_cap], collapse = ", ")) else ""))
  }
  if (ct$all_cv_fits_short) messages <- c(messages, "Every cross-validation fit stopped within 2 EM iterations; `tol` may be too loose.")
  if (ct$n_failed_replicates > 0L) {
    messages <- c(messages, sprintf("%d of %d bootstrap replicates failed after retries and were dropped.",
                                    ct$n_failed_replicates, settings$n_bootstrap))
  }
  if (ct$n_retried > 0L) messages <- c(messages, sprintf("%d bootstrap replicate(s) were retried with a new resample.", ct$n_retried))
  if (!is.finite(point)) messages <- c(messages, "The Monte Carlo MI of the full-data fit is not finite.")
  if (ct$n_nonconverged > 0L) messages <- c(messages, sprintf("%d EM fit(s) reached max_iter without converging.", ct$n_nonconverged))
  atoms <- data$atoms
  if (length(atoms) && identical(data$transform, "none")) {
    messages <- c(messages, sprintf(paste0(
      "%s: %s of the rows lie within 0.001 sd of a single value (an atom or near-atom). A Gaussian ",
      "mixture models it as a very narrow density, which can inflate the MI; use transform = \"auto\" ",
      "or \"normal_scores\" (ties are then broken at random, which leaves the MI unchanged)."),
      paste(names(atoms), collapse = ", "), paste0(round(100 * atoms), "%", collapse = ", ")))
  }
  diagnostics <- list(k_at_cap = any(k_at_cap), n_nonconverged = ct$n_nonconverged,
                      n_recovered = ct$n_recovered, n_failed_replicates = ct$n_failed_replicates,
                      n_retried = ct$n_retried, all_cv_fits_short = ct$all_cv_fits_short,
                      n_dropped_rows = as.integer(data$n_dropped), atoms = atoms,
                      ties = if (is.null(data$ties)) integer(0) else data$ties,
                      n_switched = ct$n_switched, messages = messages)
  for (msg in messages[grepl("max_components|failed|not finite", messages)]) gmmmi_warn(msg, call = call)
  if (length(boot) >= 2L) {
    estimate <- switch(settings$estimate, bootstrap_mean = mean(boot), full_fit = point,
                       bias_corrected = max(0, 2 * point - mean(boot)))
    std_error <- stats::sd(boot)
  } else {
    estimate <- point
    std_error <- NA_real_
  }
  ic <- res$independence
  independence <- if (isTRUE(ic$tested)) {
    list(tested = TRUE, chosen = isTRUE(ic$chosen), heldout_mi = ic$heldout_mi * s, z = ic$z,
         estimate_joint = estimate)
  } else list(tested = FALSE, chosen = FALSE)
  if (independence$chosen) estimate <- 0
  quantity <- if (data$dz > 0L) "conditional mutual information" else "mutual information"
  new_mi_estimate(
    estimate = estimate, std_error = std_error, unit = unit, method = "gmm", n = data$n,
    quantity = quantity, settings = settings, call = call,
    bootstrap = boot, point = point, point_mc_se = unname(res$point["std_error"]) * s,
    n_components = K, selection = selection, model = model, diagnostics = diagnostics,
    timing = res$timing, dims = c(dx = data$dx, dy = data$dy, dz = data$dz),
    categorical = categorical, class_prob = if (categorical) stats::setNames(p, levels) else NULL,
    data = list(x = if (categorical) data$classes else data$x, y = data$y, z = data$z),
    raw_sorted = data$raw_sorted,
    transform = data$transform, transform_scores = data$transform_scores,
    independence = independence,
    bootstrap_mc_se = res$bootstrap_mc_se * s,
    class = "gmm_mi"
  )
}
