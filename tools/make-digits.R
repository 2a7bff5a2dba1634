# Builds data/digits.rda: the 8 x 8 handwritten digits (1797 images, 10 classes), the test set of
# the UCI "Optical Recognition of Handwritten Digits" data (Alpaydin & Kaynak 1998, CC BY 4.0).
# Source file: sklearn/datasets/data/digits.csv.gz of the Debian package python3-sklearn
# (64 pixel columns in row-major order over the 8 x 8 grid, values 0..16, then the label).
#
# Usage (from the package root):
#   apt-get download python3-sklearn && dpkg-deb -x python3-sklearn_*.deb /tmp/sk
#   Rscript tools/make-digits.R /tmp/sk/usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz
# Without an argument the script looks in the installed python3-sklearn.
args <- commandArgs(trailingOnly = TRUE)
src <- if (length(args) >= 1L) args[1] else
  "/usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz"
if (!file.exists(src)) stop("digits.csv.gz not found at ", src, "; pass its path as the argument")
raw <- utils::read.csv(gzfile(src), header = FALSE)
stopifnot(nrow(raw) == 1797L, ncol(raw) == 65L)
m <- as.matrix(raw)
stopifnot(all(m == round(m)), all(m[, 1:64] >= 0 & m[, 1:64] <= 16), all(m[, 65] %in% 0:9))
images <- m[, 1:64]
storage.mode(images) <- "integer"
dimnames(images) <- list(NULL, paste0("p", 1:64))
digits <- list(images = images, label = factor(m[, 65], levels = 0:9))
cat(sprintf("images %d x %d, pixel sum %d, labels: %s\n", nrow(images), ncol(images),
            sum(images), paste(table(digits$label), collapse = " ")))
dir.create("data", showWarnings = FALSE)
save(digits, file = file.path("data", "digits.rda"), compress = "xz")
cat("wrote data/digits.rda (", file.size(file.path("data", "digits.rda")), "bytes)\n")
