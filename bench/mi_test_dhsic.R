# Power of dHSIC's permutation test (Pfister et al. 2018) on the alternatives of bench/mi_test.R
# (same data sets: set.seed(5000 + r), N = 500), for the docs' comparison. Needs the dHSIC
# package (install.packages("dHSIC")); prints one line per alternative.
#   Rscript bench/mi_test_dhsic.R [--reps=100] [--perms=99]
if (!requireNamespace("dHSIC", quietly = TRUE)) stop("needs the dHSIC package")
args <- commandArgs(trailingOnly = TRUE)
opt <- function(name, default) {
  a <- grep(paste0("^--", name, "="), args, value = TRUE)
  if (length(a)) sub(paste0("^--", name, "="), "", a[1]) else default
}
reps <- as.integer(opt("reps", 100))
perms <- as.integer(opt("perms", 99))
alts <- list(
  "gaussian rho = 0.1" = function(n) { x <- rnorm(n); list(x = x, y = 0.1 * x + sqrt(1 - 0.01) * rnorm(n)) },
  "gaussian rho = 0.2" = function(n) { x <- rnorm(n); list(x = x, y = 0.2 * x + sqrt(1 - 0.04) * rnorm(n)) },
  "noisy quadratic" = function(n) { x <- rnorm(n); list(x = x, y = x^2 + 2 * rnorm(n)) },
  "noisy sine" = function(n) { x <- runif(n, -pi, pi); list(x = x, y = sin(2 * x) + 1.5 * rnorm(n)) },
  "heteroscedastic" = function(n) { x <- rnorm(n); list(x = x, y = rnorm(n) * (0.5 + abs(x))) }
)
cat(sprintf("dHSIC %s, permutation test with %d shuffles, %d data sets per alternative, N = 500\n",
            as.character(utils::packageVersion("dHSIC")), perms, reps))
for (an in names(alts)) {
  rej <- 0
  for (r in seq_len(reps)) {
    set.seed(5000 + r)
    d <- alts[[an]](500)
    p <- dHSIC::dhsic.test(d$x, d$y, method = "permutation", B = perms)$p.value
    rej <- rej + (p <= 0.05)
  }
  cat(sprintf("%-20s %8.2f\n", an, rej / reps))
}
