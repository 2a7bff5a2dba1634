# The one place that touches the caller's random number state.

# The caller's RNG state: the kinds and `.Random.seed` (or the fact that there is none yet).
rng_state <- function() {
  env <- globalenv()
  had <- exists(".Random.seed", envir = env, inherits = FALSE)
  list(kind = RNGkind(), had = had,
       seed = if (had) get(".Random.seed", envir = env, inherits = FALSE) else NULL)
}

rng_restore <- function(state) {
  env <- globalenv()
  # RNGkind() first (it may write `.Random.seed`), then the exact saved state or its absence.
  suppressWarnings(RNGkind(state$kind[1], state$kind[2], state$kind[3]))
  if (state$had) {
    assign(".Random.seed", state$seed, envir = env)
  } else if (exists(".Random.seed", envir = env, inherits = FALSE)) {
    rm(".Random.seed", envir = env)
  }
  invisible(NULL)
}

# Evaluate `expr` with R's RNG seeded by `seed`, then restore the caller's RNG state exactly
# (including "no state yet"). `seed = NULL`: evaluate `expr` in the current stream, which it
# advances (no restore). `fixed_kinds = TRUE` seeds with the default generator kinds, so the
# stream is the same on every worker whatever the caller's RNGkind().
# Every function taking `seed =` goes through this helper.
with_seed <- function(seed, expr, fixed_kinds = FALSE) {
  local_seed(seed, fixed_kinds = fixed_kinds)
  expr
}

# The same for the rest of the calling function: seeds now, restores when `frame` exits.
local_seed <- function(seed, fixed_kinds = FALSE, frame = parent.frame()) {
  if (is.null(seed)) return(invisible(NULL))
  state <- rng_state()
  do.call(on.exit, list(substitute(rng_restore(s), list(s = state)), add = TRUE), envir = frame)
  if (fixed_kinds) {
    set.seed(seed, kind = "Mersenne-Twister", normal.kind = "Inversion", sample.kind = "Rejection")
  } else {
    set.seed(seed)
  }
  invisible(NULL)
}

# Evaluate `expr`, then put the caller's RNG state back as it was before.
with_preserved_rng <- function(expr) {
  state <- rng_state()
  on.exit(rng_restore(state), add = TRUE)
  expr
}

# A function's `seed =` argument: NULL (draw from R's stream) or a whole number that seeds the
# rest of the calling function and restores the caller's stream when it exits.
seed_argument <- function(seed, frame = parent.frame(), call = sys.call(-1)) {
  if (is.null(seed)) return(invisible(NULL))
  local_seed(check_seed(seed, call = call), frame = frame)
}

# A `seed =` argument checked: NULL, or a whole number from 0 (from -.Machine$integer.max with
# `negative = TRUE`, where the function has always taken any set.seed() value) to
# .Machine$integer.max, returned as an integer.
check_seed <- function(seed, negative = FALSE, call = sys.call(-1)) {
  if (is.null(seed)) return(NULL)
  check_count(seed, "seed", min = if (negative) -.Machine$integer.max else 0, max = .Machine$integer.max,
              call = call)
}
