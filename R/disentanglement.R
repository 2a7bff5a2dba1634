# Disentanglement scores from an MI matrix of latents (rows) x factors (columns).

# Accept an "mi_matrix" or a plain numeric matrix; returns list(mi, se, entropy, unit).
dis_input <- function(m, arg = "m", call = sys.call(-1)) {
  if (inherits(m, "mi_matrix")) {
    if (isTRUE(m$symmetric)) {
      gmmmi_abort(sprintf("`%s` must be an MI matrix of latents (rows) x factors (columns), not a symmetric matrix of all pairs.",
                          arg), call = call)
    }
    if (anyNA(m$estimate) || any(!is.finite(m$estimate))) {
      bad <- which(!is.finite(m$estimate), arr.ind = TRUE)
      gmmmi_abort(sprintf("`%s` has %d missing or infinite MI estimate(s) (e.g. row %d, column %d); re-estimate them first.",
                          arg, nrow(bad), bad[1, 1], bad[1, 2]), call = call)
    }
    return(list(mi = m$estimate, se = m$std_error, entropy = m$entropy, unit = m$unit))
  }
  if (is.data.frame(m)) m <- as.matrix(m)
  if (!is.matrix(m) || !is.numeric(m) || anyNA(m) || any(!is.finite(m))) {
    gmmmi_abort(sprintf("`%s` must be an \"mi_matrix\" object or a numeric matrix without missing values, not %s.",
                        arg, describe(m)), call = call)
  }
  if (is.null(rownames(m))) rownames(m) <- paste0("z", seq_len(nrow(m)))
  if (is.null(colnames(m))) colnames(m) <- paste0("v", seq_len(ncol(m)))
  list(mi = m, se = NULL, entropy = rep(NA_real_, ncol(m)), unit = NA_character_)
}

# Parametric draws of the MI matrix from the standard errors (normal approximation).
dis_draws <- function(mi, se, n_draws, score) {
  if (is.null(se) || n_draws < 2L || all(is.na(se))) return(NA_real_)
  se[is.na(se)] <- 0
  vals <- vapply(seq_len(n_draws), function(b) {
    score(mi + se * matrix(stats::rnorm(length(mi)), nrow(mi)))
  }, numeric(1))
  stats::sd(vals)
}

#' Mutual information gap (MIG)
#'
#' The disentanglement score of Chen et al. (2018). For each factor \eqn{v_k}{v_k} (a column of
#' the MI matrix), the latents (rows) are sorted by their MI with it and the gap between the
#' two largest is divided by the entropy of the factor:
#' \deqn{\mathrm{MIG} = \frac1K \sum_k \frac{I(z_{j^{(1)}}; v_k) - I(z_{j^{(2)}}; v_k)}{H(v_k)}.}{MIG = (1/K) sum_k [I(z_(1); v_k) - I(z_(2); v_k)] / H(v_k).}
#' It is 1 when each factor is fully captured by one latent and by no other, and near 0 when
#' every factor's information is spread over several latents (entangled). It does not penalise
#' one latent capturing several factors; see [modularity()] for that.
#'
#' The entropies \eqn{H(v_k)}{H(v_k)} are those of discrete factors: given in `entropy` (in the
#' unit of the matrix), or computed (plug-in) from `factors`, or taken from the `"mi_matrix"`
#' (which records the entropy of its discrete `y` columns). Continuous factors have no finite
#' entropy: discretise them first (e.g. into quantile bins with [cut()]), as Chen et al. do.
#' Negative MI estimates (possible for bias-corrected estimators near 0) are set to 0, and
#' normalised gaps are clipped to \[0, 1\] only when `clip = TRUE`.
#'
#' @param m An [`"mi_matrix"`][mi_matrix] of latents (rows) x factors (columns), e.g.
#'   `mi_matrix(latents, factors)`, or a plain numeric matrix in that orientation.
#' @param entropy `NULL` or the entropies of the factors (one per column, in the unit of the
#'   matrix; nats for a plain matrix).
#' @param factors `NULL` or a data frame / matrix of the discrete factors (one column per
#'   column of `m`) from which the plug-in entropies are computed.
#' @param n_draws Number of normal draws of the matrix from its standard errors used to give a
#'   standard error of the score (0 for none). Uses R's random number generator.
#' @param clip Clip the per-factor gaps to \[0, 1\]?
#' @return A list of class `"disentanglement"` with `score` (the MIG), `std_error` (from the
#'   draws, `NA` without standard errors), `per_factor` (a data frame: factor, entropy, best
#'   latent, second latent, gap, normalised gap) and `name = "MIG"`.
#' @references Chen, R. T. Q., Li, X., Grosse, R. and Duvenaud, D. (2018). Isolating sources of
#'   disentanglement in variational autoencoders. *Advances in Neural Information Processing
#'   Systems 31*. arXiv:1802.04942.
#' @seealso [modularity()], [mi_matrix()].
#' @examples
#' # hand-made MI matrix: 3 latents x 2 factors of entropy log(4)
#' m <- rbind(z1 = c(1.2, 0.1), z2 = c(0.2, 0.9), z3 = c(0, 0.3))
#' mig(m, entropy = c(log(4), log(4)))   # ((1.2 - 0.2) + (0.9 - 0.3)) / 2 / log(4) = 0.577
#' @export
mig <- function(m, entropy = NULL, factors = NULL, n_draws = 200, clip = FALSE) {
  inp <- dis_input(m)
  n_draws <- check_count(n_draws, "n_draws", min = 0, max = gmmmi_limits$n_draws)
  clip <- check_flag(clip, "clip")
  K <- ncol(inp$mi)
  if (nrow(inp$mi) < 2L) gmmmi_abort("`m` must have at least two latents (rows).")
  if (!is.null(factors)) {
    if (!is.null(entropy)) gmmmi_abort("Give `entropy` or `factors`, not both.")
    if (is.factor(factors) || is.vector(factors)) factors <- data.frame(factors)
    if (NCOL(factors) != K) {
      gmmmi_abort(sprintf("`factors` must have one column per column of `m` (%d), not %d.", K, NCOL(factors)))
    }
    entropy <- vapply(seq_len(K), function(k) repr_entropy(as.data.frame(factors)[[k]]), numeric(1))
    if (identical(inp$unit, "bit")) entropy <- entropy / log(2)
  }
  if (is.null(entropy)) entropy <- inp$entropy
  if (!is.numeric(entropy) || length(entropy) != K) {
    gmmmi_abort(sprintf("`entropy` must be a numeric vector with one value per factor (%d).", K))
  }
  if (anyNA(entropy)) {
    gmmmi_abort(sprintf("The entropy of factor(s) %s is unknown (continuous factors): discretise them, or give `entropy` or `factors`.",
                        paste(colnames(inp$mi)[is.na(entropy)], collapse = ", ")))
  }
  if (any(entropy <= 0)) gmmmi_abort("`entropy` must be positive (a constant factor has none).")
  score_fun <- function(mi) {
    mi <- pmax(mi, 0)
    g <- apply(mi, 2L, function(v) {
      s <- sort(v, decreasing = TRUE)
      s[1] - s[2]
    }) / entropy
    if (clip) g <- pmin(pmax(g, 0), 1)
    mean(g)
  }
  mi <- pmax(inp$mi, 0)
  ord <- apply(mi, 2L, order, decreasing = TRUE)
  gap <- mi[cbind(ord[1, ], seq_len(K))] - mi[cbind(ord[2, ], seq_len(K))]
  ng <- gap / entropy
  if (clip) ng <- pmin(pmax(ng, 0), 1)
  per <- data.frame(factor = colnames(mi), entropy = entropy, best = rownames(mi)[ord[1, ]],
                    second = rownames(mi)[ord[2, ]], gap = gap, normalised_gap = ng,
                    stringsAsFactors = FALSE)
  structure(list(score = mean(ng), std_error = dis_draws(inp$mi, inp$se, n_draws, score_fun),
                 per_factor = per, name = "MIG", unit = inp$unit),
            class = "disentanglement")
}

#' Modularity of a representation
#'
#' The modularity score of Ridgeway and Mozer (2018): a latent is modular when it carries
#' information about at most one factor. For latent \eqn{i}{i} with MI \eqn{m_{if}}{m_if} with
#' factor \eqn{f}{f} (\eqn{F}{F} factors), \eqn{\theta_i = \max_f m_{if}}{theta_i = max_f m_if},
#' template \eqn{t_{if} = \theta_i}{t_if = theta_i} for the best factor and 0 otherwise, and
#' \deqn{\delta_i = \frac{\sum_f (m_{if} - t_{if})^2}{\theta_i^2 (F - 1)}, \qquad \mathrm{modularity}_i = 1 - \delta_i.}{delta_i = sum_f (m_if - t_if)^2 / (theta_i^2 (F - 1)), modularity_i = 1 - delta_i.}
#' The score is the mean over latents: 1 when every latent informs about a single factor, 0 when a
#' latent informs equally about all. Latents with no information (\eqn{\theta_i = 0}{theta_i = 0})
#' are left out of the mean (their modularity is `NA`). Negative MI estimates are set to 0. Unlike
#' [mig()], it needs no factor entropies (it is invariant to the unit), but it does not check
#' that a factor is captured at all (compactness); the two scores complement each other.
#'
#' @inheritParams mig
#' @return A list of class `"disentanglement"` with `score`, `std_error`, `per_latent` (a data
#'   frame: latent, best factor, theta, modularity) and `name = "modularity"`.
#' @references Ridgeway, K. and Mozer, M. C. (2018). Learning deep disentangled embeddings with
#'   the F-statistic loss. *Advances in Neural Information Processing Systems 31*.
#'   arXiv:1802.05312.
#' @seealso [mig()], [mi_matrix()].
#' @examples
#' m <- rbind(z1 = c(1.2, 0.1), z2 = c(0.2, 0.9), z3 = c(0, 0.3))
#' modularity(m)
#' @export
modularity <- function(m, n_draws = 200) {
  inp <- dis_input(m)
  n_draws <- check_count(n_draws, "n_draws", min = 0, max = gmmmi_limits$n_draws)
  n_f <- ncol(inp$mi)
  if (n_f < 2L) gmmmi_abort("`m` must have at least two factors (columns) for modularity.")
  per_latent <- function(mi) {
    mi <- pmax(mi, 0)
    theta <- apply(mi, 1L, max)
    best <- apply(mi, 1L, which.max)
    tmpl <- matrix(0, nrow(mi), n_f)
    tmpl[cbind(seq_len(nrow(mi)), best)] <- theta
    delta <- rowSums((mi - tmpl)^2) / (theta^2 * (n_f - 1))
    mod <- 1 - delta
    mod[theta <= 0] <- NA_real_
    list(mod = mod, theta = theta, best = best)
  }
  score_fun <- function(mi) mean(per_latent(mi)$mod, na.rm = TRUE)
  p <- per_latent(inp$mi)
  if (any(p$theta <= 0)) {
    zero <- rownames(inp$mi)[p$theta <= 0]
    gmmmi_warn(sprintf(paste0("latent(s) %s have zero MI with every factor: their modularity is undefined (NA)%s."),
                       paste(zero, collapse = ", "),
                       if (all(p$theta <= 0)) ", and so is the score" else " and left out of the score"),
               class = c("gmmmi_warning_degenerate", "gmmmi_warning"))
  }
  per <- data.frame(latent = rownames(inp$mi), best = colnames(inp$mi)[p$best], theta = p$theta,
                    modularity = p$mod, stringsAsFactors = FALSE)
  score <- if (all(is.na(p$mod))) NA_real_ else mean(p$mod, na.rm = TRUE)
  structure(list(score = score,
                 std_error = dis_draws(inp$mi, inp$se, n_draws, score_fun),
                 per_latent = per, name = "modularity", unit = inp$unit),
            class = "disentanglement")
}

#' @export
print.disentanglement <- function(x, digits = 3, ...) {
  cat(sprintf("%s: %s\n", x$name, format_value_se(x$score, x$std_error, digits, fixed = TRUE)))
  tab <- if (!is.null(x$per_factor)) x$per_factor else x$per_latent
  num <- vapply(tab, is.numeric, logical(1))
  tab[num] <- lapply(tab[num], round, digits)
  print(tab, row.names = FALSE)
  invisible(x)
}
