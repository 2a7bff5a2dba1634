# A/B timing of two builds of gmmmi on the same machine: run it alternately with R_LIBS pointing at
# each build (e.g. for L in old new; do R_LIBS=/work/lib-$L Rscript bench/ab_micro.R $L; done, three times).
# Prints the median and fastest of 9 runs of gmm_mi() on a Gaussian pair (N = 5e4) and of 5 runs on
# the logs of a gamma-exponential pair (N = 1e3), 2 threads, fixed seed (identical results).
library(gmmmi)
set.seed(1); n <- 5e4; x <- rnorm(n); y <- 0.6*x + 0.8*rnorm(n)
set.seed(2); n2 <- 1e3; x2 <- rgamma(n2, 1); y2 <- rexp(n2, x2)
t <- replicate(9, system.time(gmm_mi(x, y, n_threads = 2, seed = 1))[["elapsed"]])
t2 <- replicate(5, system.time(gmm_mi(log(x2), log(y2), n_threads = 2, seed = 1))[["elapsed"]])
cat(sprintf("%s gauss5e4 median %.3f min %.3f | gamma1e3 median %.3f min %.3f\n", commandArgs(TRUE)[1], median(t), min(t), median(t2), min(t2)))
