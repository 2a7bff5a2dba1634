# Renders the plot gallery of README.md: one PNG per kind of plot into man/figures/.
# Run from the package root against an installed gmmmi:  Rscript tools/readme_figures.R
# (an output directory may be given as the first argument). Takes about half a minute.
suppressPackageStartupMessages(library(gmmmi))
options(gmmmi.progress = FALSE)
args <- commandArgs(trailingOnly = TRUE)
out <- if (length(args)) args[1] else file.path("man", "figures")
dir.create(out, showWarnings = FALSE, recursive = TRUE)

figure <- function(name, expr, width = 480, height = 360) {
  file <- file.path(out, paste0(name, ".png"))
  grDevices::png(file, width = width, height = height, res = 96, type = "cairo")
  on.exit(grDevices::dev.off())
  force(expr)
  cat(sprintf("%-28s %s\n", basename(file), "written"))
}

# GMM-MI on the log gamma-exponential distribution (truth 0.4228 nats)
set.seed(2)
g <- toy_transform(toy_gamma_exp(1000, alpha = 1), x = "log", y = "log")
fit_g <- gmm_mi(g$x, g$y)
figure("plot-bootstrap", plot(fit_g, type = "bootstrap"))
figure("plot-selection", plot(fit_g, type = "selection"))
figure("plot-model", plot(fit_g, type = "model"), height = 420)
figure("plot-pmi", plot(fit_g, type = "pmi"), height = 420)

# categorical x: iris species and sepal length
set.seed(3)
fit_c <- gmm_mi(iris$Species, iris$Sepal.Length)
figure("plot-model-categorical", plot(fit_c, type = "model"))
figure("plot-pmi-categorical", plot(fit_c, type = "pmi"))
figure("plot-selection-categorical", plot(fit_c, type = "selection"))

# a Gaussian mixture fitted with gmm_fit()
figure("plot-gmm", plot(gmm_fit(faithful, n_components = 3, n_threads = 1)))

# permutation test of independence
set.seed(9)
xw <- rnorm(500)
yw <- 0.15 * xw + rnorm(500)
figure("plot-mi-test", plot(mi_test(xw, yw, n_permutations = 200)))

# MI matrix heatmap (mtcars has tied values, which KSG jitters with a warning)
set.seed(4)
m <- suppressWarnings(mi_matrix(mtcars[, c("mpg", "disp", "hp", "drat", "wt", "qsec")], method = "ksg"))
figure("plot-mi-matrix", plot(m), height = 420)

# sliced MI of 20-D x and 10-D y
set.seed(5)
xs <- matrix(rnorm(2000 * 20), 2000)
ys <- xs[, 1:10] + matrix(rnorm(2000 * 10), 2000)
figure("plot-mi-sliced", plot(mi_sliced(xs, ys, n_slices = 200)), width = 640)

# information plane of two toy layers over five "epochs"
set.seed(6)
xi <- matrix(rnorm(1000), 500)
yi <- xi[, 1] + 0.5 * rnorm(500)
layers <- list(wide = lapply(1:5, function(e) tanh(xi %*% diag(c(e, 1 / e)))),
               narrow = lapply(1:5, function(e) tanh(xi[, 1, drop = FALSE] * e / 2)))
figure("plot-info-plane", plot(info_plane(layers, xi, yi, method = "gaussian", noise = 0.1)))

# information decomposition: a bar chart of parts, and pixel maps on the digits
set.seed(7)
n <- 600
xp <- matrix(rnorm(n * 4), n, dimnames = list(NULL, c("shape", "colour", "size", "noise")))
zp <- cbind(xp[, 1] + xp[, 2], xp[, 3]) + 0.3 * matrix(rnorm(2 * n), n)
dp <- factor(zp[, 1] > 0)   # the decision uses the first unit only
figure("plot-info-decomposition", plot(info_decomposition(xp, zp, dp, method = "ksg")))

set.seed(8)
img <- digits$images[1:900, ]
pc <- prcomp(img)$x[, 1:3]                            # the representation: 3 principal components
centre <- apply(pc, 2, function(u) tapply(u, digits$label[1:900], mean))
decision <- factor(apply(pc, 1, function(u) which.min(colSums((t(centre) - u)^2))) - 1)  # nearest class mean
keep <- apply(img, 2, function(u) diff(range(u)) > 0)
xd <- img + 0
xd[, keep] <- img[, keep] + runif(sum(keep) * nrow(img), -0.5, 0.5)  # dequantise the pixel counts
figure("plot-info-decomposition-maps",
       plot(info_decomposition(xd, pc, decision, method = "ksg", image_dim = c(8, 8))),
       width = 640, height = 260)

sizes <- file.size(list.files(out, "^plot-.*\\.png$", full.names = TRUE))
cat(sprintf("%d figures, %.0f KB in all\n", length(sizes), sum(sizes) / 1024))
