# Threads and random seeds shared by every user-facing function.

#' Number of threads used by gmmmi
#'
#' Resolves an `n_threads` argument: an explicit value wins, then
#' `getOption("gmmmi.n_threads")`, then the number of cores that
#' [RcppParallel::defaultNumThreads()] reports. The result is clamped to that number of cores
#' (asking for more threads than cores only adds overhead). Results never depend on it.
#'
#' @param n_threads `NULL` or a positive whole number.
#' @return An integer, the number of threads to use.
#' @examples
#' gmmmi_threads()
#' gmmmi_threads(1)
#' @export
gmmmi_threads <- function(n_threads = NULL) {
  max_threads <- max(1L, as.integer(RcppParallel::defaultNumThreads()))
  if (is.null(n_threads)) n_threads <- getOption("gmmmi.n_threads", max_threads)
  n_threads <- check_count(n_threads, "n_threads", min = 1)
  min(n_threads, max_threads)
}

# One 64-bit seed, drawn from R's RNG (so set.seed() governs it) as two 32-bit halves.
draw_seed <- function() {
  floor(stats::runif(2) * 4294967296)
}
