# The estimator registry: the MI estimators that mi(), mi_test(), mi_matrix(), info_plane(),
# info_decomposition() (through repr_spec()) and mi_sliced()'s slices choose by name, one entry
# each, and what each takes. Every list of method names, and every "which estimator takes z / a
# discrete variable / a progress bar" test, is read from here.
#
# Fields of an entry:
#   fun          name of the estimator function (looked up by name, so the registry does not
#                depend on the order in which the estimator files are collated)
#   conditional  takes `z` (conditional MI)
#   discrete     accepts a discrete variable (?gmmmi_discrete) with a continuous one
#   progress     has a `progress` argument (callers showing their own bar turn it off)
#   knn          a k-nearest-neighbour estimator (biased upward by duplicated rows)
#   std_error    the standard error it returns in `std_error` (every estimator gives one)
#   no_std_error arguments that skip computing it, for callers that need only the estimate
#                (mi_test()'s statistic, mi_sliced()'s slices); empty when it is a closed form
#   slice        NULL if mi_sliced() cannot use it as `base`; else list(rank = position in
#                mi_sliced()'s `base` choices (the default first), threads = the slice's call
#                passes `n_threads`, vectors = the projections are passed as vectors,
#                max_dim = largest `slice_dim`)
estimator_registry <- list(
  gmm = list(fun = "gmm_mi", conditional = TRUE, discrete = TRUE, progress = TRUE, knn = FALSE,
             std_error = "bootstrap", no_std_error = list(n_bootstrap = 0L),
             slice = list(rank = 4L, threads = TRUE, vectors = FALSE, max_dim = Inf)),
  ksg = list(fun = "mi_ksg", conditional = TRUE, discrete = TRUE, progress = FALSE, knn = TRUE,
             std_error = "subsampling", no_std_error = list(std_error = "none"),
             slice = list(rank = 1L, threads = TRUE, vectors = FALSE, max_dim = Inf)),
  knn_entropy = list(fun = "mi_knn_entropy", conditional = FALSE, discrete = TRUE, progress = FALSE,
                     knn = TRUE, std_error = "subsampling", no_std_error = list(std_error = "none"),
                     slice = list(rank = 2L, threads = TRUE, vectors = FALSE, max_dim = Inf)),
  binned = list(fun = "mi_binned", conditional = FALSE, discrete = TRUE, progress = FALSE, knn = FALSE,
                std_error = "delta method", no_std_error = list(),
                slice = list(rank = 3L, threads = FALSE, vectors = TRUE, max_dim = 1L)),
  # its slices have a closed form (sliced_gaussian_values()), computed for all slices at once
  gaussian = list(fun = "mi_gaussian", conditional = FALSE, discrete = FALSE, progress = FALSE,
                  knn = FALSE, std_error = "delta method", no_std_error = list(),
                  slice = list(rank = 5L, threads = TRUE, vectors = FALSE, max_dim = Inf)),
  sliced = list(fun = "mi_sliced", conditional = FALSE, discrete = TRUE, progress = TRUE, knn = FALSE,
                std_error = "Monte Carlo over slices", no_std_error = list(), slice = NULL)
)

# Names of the registered methods, in the registry's order; `with` keeps those whose logical
# field of that name is TRUE.
estimator_methods <- function(with = NULL) {
  keep <- if (is.null(with)) rep(TRUE, length(estimator_registry)) else
    vapply(estimator_registry, function(e) isTRUE(e[[with]]), logical(1))
  names(estimator_registry)[keep]
}

# Methods mi_sliced() can use as `base`, in the order of its `base` choices.
estimator_slice_bases <- function() {
  has <- Filter(function(e) !is.null(e$slice), estimator_registry)
  names(has)[order(vapply(has, function(e) e$slice$rank, integer(1)))]
}

estimator_entry <- function(method) estimator_registry[[method]]

# The estimator function of a method, from the package namespace.
estimator_fun <- function(method) {
  get(estimator_registry[[method]]$fun, envir = topenv(environment(estimator_fun)), mode = "function")
}
