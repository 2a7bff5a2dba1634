#' gmmmi: mutual information with honest uncertainty
#'
#' gmmmi estimates mutual information (MI) and reports how uncertain the estimate is.
#'
#' @section Where to start:
#' * [gmm_mi()]: MI (or conditional MI, or MI with a categorical variable) with bootstrap
#'   uncertainty, by Gaussian mixtures (GMM-MI). The package's main function.
#' * [mi()]: one front door to every MI estimator, returning a common result ([gmmmi_estimate]).
#' * Classical estimators to compare against: [mi_ksg()] (KSG), [mi_mixed()] (discrete x,
#'   continuous y), [entropy_knn()] and [mi_knn_entropy()] (Kozachenko-Leonenko and weighted KL),
#'   [mi_binned()], [mi_gaussian()].
#' * High dimensions: [mi_sliced()] (sliced MI) with the exact Gaussian value [smi_gaussian()].
#' * Interpreting representations: [mi_matrix()], [mig()], [modularity()], [info_plane()],
#'   [info_decomposition()], and the [digits] data set.
#' * Ground truth: toy distributions with known MI ([toy_gaussian()], [toy_mvn()],
#'   [toy_gamma_exp()], [toy_weinman()], [toy_gmm()], [toy_categorical()], [toy_transform()]) and
#'   the truths alone ([mi_true_gaussian()] and friends).
#' * The engine: [gmm_fit()] fits a full-covariance Gaussian mixture by EM, with [logLik()],
#'   [AIC()], [BIC()], [predict()], [simulate()], [gmm_density()] and [plot()] methods;
#'   [gmm_model()] builds one from parameters.
#'
#' Vignettes: `vignette("gmmmi")` (getting started), `vignette("validation")` (the published
#' toy validations, reproduced), `vignette("choosing-an-estimator")`, `vignette("sliced-mi")`,
#' `vignette("interpreting-representations")`.
#'
#' @section Threads and reproducibility:
#' Every function that does substantial work takes `n_threads`. Its default comes from
#' `getOption("gmmmi.n_threads")`, else the number of cores RcppParallel reports, and it is
#' clamped to that number. Randomness comes from one seed drawn from R's random number generator,
#' so [set.seed()] reproduces every result; each unit of work (an initialisation, a bootstrap
#' replicate, a Monte Carlo chunk) has its own random stream, so results are bitwise identical
#' for any `n_threads`.
#'
#' @section Units:
#' MI and entropies are in nats unless `unit = "bit"` is given.
#'
#' @keywords internal
#' @useDynLib gmmmi, .registration = TRUE
#' @importFrom Rcpp sourceCpp
#' @importFrom RcppParallel RcppParallelLibs
"_PACKAGE"
