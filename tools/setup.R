# Installs what a fresh machine lacks to build, test and use gmmmi, then installs gmmmi itself.
#   Rscript tools/setup.R            # dependencies (Imports, LinkingTo, Suggests) + the package,
#                                    # built with its vignettes (R CMD build, then INSTALL)
#   Rscript tools/setup.R --deps     # dependencies only
# Missing R packages come from Debian's prebuilt r-cran-* packages when running as root on a
# Debian-like system (fast), else from CRAN with install.packages(). pandoc (to build the
# vignettes) comes from apt when available.
args <- commandArgs(trailingOnly = TRUE)
deps_only <- "--deps" %in% args
root <- normalizePath(file.path(dirname(sub("^--file=", "", grep("^--file=", commandArgs(), value = TRUE)[1])), ".."))
desc <- read.dcf(file.path(root, "DESCRIPTION"))
fields <- intersect(c("Imports", "LinkingTo", "Suggests"), colnames(desc))
pkgs <- unlist(lapply(fields, function(f) strsplit(desc[1, f], ",")[[1]]))
pkgs <- trimws(sub("\\(.*\\)", "", pkgs))
base_pkgs <- rownames(installed.packages(priority = "base"))
pkgs <- setdiff(unique(pkgs[nzchar(pkgs)]), c(base_pkgs, "R"))
missing <- function() pkgs[!vapply(pkgs, requireNamespace, logical(1), quietly = TRUE)]

have_apt <- nzchar(Sys.which("apt-get")) && identical(Sys.info()[["user"]], "root")
apt <- function(debs) {
  if (!have_apt || length(debs) == 0L) return(invisible())
  if (length(list.files("/var/lib/apt/lists", pattern = "Packages")) == 0L) {
    system("apt-get update -qq > /dev/null 2>&1")
  }
  # install one by one so a name Debian lacks does not stop the others
  for (d in debs) {
    system(paste("DEBIAN_FRONTEND=noninteractive apt-get install -y -qq", d, "> /dev/null 2>&1"))
  }
}

todo <- missing()
if (length(todo) > 0L) {
  message("gmmmi setup: installing ", paste(todo, collapse = ", "))
  apt(paste0("r-cran-", tolower(todo)))
  todo <- missing()
  if (length(todo) > 0L) {
    repos <- getOption("repos")
    if (is.null(repos) || identical(unname(repos["CRAN"]), "@CRAN@")) repos <- c(CRAN = "https://cloud.r-project.org")
    install.packages(todo, repos = repos, Ncpus = 2L)
  }
  todo <- missing()
  if (length(todo) > 0L) stop("gmmmi setup: could not install ", paste(todo, collapse = ", "))
}
if (!nzchar(Sys.which("pandoc")) && dir.exists(file.path(root, "vignettes"))) apt("pandoc")

if (!deps_only) {
  r_bin <- file.path(R.home("bin"), "R")
  # build first, so that the vignettes are built and installed (vignette("gmmmi") works); if the
  # build fails (e.g. no pandoc), install from the sources without them
  build_dir <- tempfile("gmmmi-build")
  dir.create(build_dir)
  old_wd <- setwd(build_dir)
  built <- system2(r_bin, c("CMD", "build", "--no-manual", "--no-resave-data", shQuote(root)),
                   stdout = FALSE, stderr = FALSE) == 0L
  setwd(old_wd)
  tarball <- list.files(build_dir, pattern = "^gmmmi_.*[.]tar[.]gz$", full.names = TRUE)
  target <- if (built && length(tarball) == 1L) tarball else root
  if (!identical(target, tarball)) message("gmmmi setup: building the vignettes failed; installing without them")
  status <- system2(r_bin, c("CMD", "INSTALL", "--preclean", "--no-multiarch", shQuote(target)),
                    stdout = FALSE, stderr = FALSE)
  if (status != 0L) {
    # run again with output shown, to say why
    system2(r_bin, c("CMD", "INSTALL", "--no-multiarch", shQuote(target)))
    stop("gmmmi setup: R CMD INSTALL failed")
  }
  message("gmmmi setup: installed gmmmi ", as.character(utils::packageVersion("gmmmi", lib.loc = .libPaths())),
          if (identical(target, tarball)) " with its vignettes" else " (without vignettes)")
}
