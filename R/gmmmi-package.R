#' gmmmi: mutual information with honest uncertainty
#'
#' gmmmi estimates mutual information (MI) and reports how uncertain the estimate is.
#'
#' @section Where to start:
#' * [gmm_fit()]: fit a full-covariance Gaussian mixture by EM (the engine every GMM-based
#'   estimator stands on), with [logLik()], [AIC()], [BIC()], [predict()], [simulate()],
#'   [gmm_density()] and [plot()] methods.
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
