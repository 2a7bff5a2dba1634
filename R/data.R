#' Handwritten digits, 8 x 8 pixels
#'
#' 1797 images of handwritten digits (10 classes, 0 to 9), each an 8 x 8 grid of pixel counts
#' from 0 to 16: the test set of the UCI "Optical Recognition of Handwritten Digits" data. Each
#' 32 x 32 bitmap (from forms filled in by 13 writers, normalised with the NIST preprocessing
#' programs) was divided into non-overlapping 4 x 4 blocks and the number of "on" pixels in each
#' block counted. Used in the examples and vignettes on interpreting representations.
#'
#' @format A list with two components:
#' \describe{
#'   \item{`images`}{an integer matrix with 1797 rows (images) and 64 columns `p1`, ..., `p64`,
#'     the pixels in row-major order over the 8 x 8 grid (`p1` to `p8` are the top row, left to
#'     right), values 0 (white) to 16 (black).}
#'   \item{`label`}{a factor with levels `"0"` to `"9"`: the digit shown (174 to 183 images per
#'     class).}
#' }
#' @source E. Alpaydin and C. Kaynak (1998). Optical Recognition of Handwritten Digits.
#'   UCI Machine Learning Repository,
#'   <https://archive.ics.uci.edu/ml/datasets/Optical+Recognition+of+Handwritten+Digits>.
#'   Licensed under Creative Commons Attribution 4.0 International (CC BY 4.0,
#'   <https://creativecommons.org/licenses/by/4.0/>). Taken unchanged (file
#'   `sklearn/datasets/data/digits.csv.gz` of the Debian package python3-sklearn) and stored as
#'   an R list by `tools/make-digits.R` in the package sources.
#' @references
#' C. Kaynak (1995). Methods of Combining Multiple Classifiers and Their Applications to
#' Handwritten Digit Recognition. MSc thesis, Institute of Graduate Studies in Science and
#' Engineering, Bogazici University.
#'
#' E. Alpaydin and C. Kaynak (1998). Cascading classifiers. *Kybernetika* 34(4), 369--374.
#' @examples
#' data(digits, package = "gmmmi")
#' dim(digits$images)
#' table(digits$label)
#' # show the first image (row-major pixels; image() draws columns bottom-up, so flip the rows)
#' m <- matrix(digits$images[1, ], 8, 8, byrow = TRUE)
#' image(t(m[8:1, ]), col = grDevices::grey.colors(17, start = 1, end = 0), axes = FALSE,
#'       main = paste("label:", digits$label[1]))
"digits"
