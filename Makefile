# Developer shortcuts. `make document` regenerates RcppExports, NAMESPACE and man/.
R ?= R
RSCRIPT ?= Rscript

.PHONY: document install test check bench

document:
	$(RSCRIPT) -e 'Rcpp::compileAttributes(); roxygen2::roxygenise()'

install:
	$(R) CMD INSTALL --preclean --no-multiarch .

test: install
	$(RSCRIPT) tools/test.R

check:
	cd /tmp && $(R) CMD build --no-manual $(CURDIR) && _R_CHECK_FUTURE_FILE_TIMESTAMPS_=false $(R) CMD check --no-manual gmmmi_*.tar.gz

bench: install
	for f in bench/*.R; do $(RSCRIPT) $$f; done
