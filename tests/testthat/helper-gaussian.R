# Independent references for Gaussian quantities shared by the tests: log-determinants by LU
# (determinant()), not by the package's Cholesky logdet() (R/gaussian.R), and the MI and
# conditional MI of a Gaussian computed from them.
ldet <- function(S) as.numeric(determinant(as.matrix(S), logarithm = TRUE)$modulus)
mi_gauss <- function(S, ix, iy) 0.5 * (ldet(S[ix, ix]) + ldet(S[iy, iy]) - ldet(S[c(ix, iy), c(ix, iy)]))
cmi_gauss <- function(S, ix, iy, iz) {
  0.5 * (ldet(S[c(ix, iz), c(ix, iz)]) + ldet(S[c(iy, iz), c(iy, iz)]) - ldet(S) - ldet(S[iz, iz]))
}
