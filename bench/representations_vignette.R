# Computes the full-mode results of vignettes/interpreting-representations.Rmd (GMM-MI for the
# information plane and the MI matrices) by running the vignette's own code with
# GMMMI_FULL=true, and stores them in inst/extdata/representations_full.rds, which the vignette
# then shows without recomputing. Run from the package root with the package installed:
#   Rscript bench/representations_vignette.R
# (then reinstall the package so that system.file() finds the stored file).
Sys.setenv(GMMMI_FULL = "true")
t0 <- Sys.time()
code <- knitr::purl("vignettes/interpreting-representations.Rmd",
                    output = tempfile(fileext = ".R"), quiet = TRUE)
env <- new.env()
sys.source(code, envir = env)
res <- list(ip = env$ip, m_dis = env$m_dis, m_ent = env$m_ent, m_net = env$m_net,
            info = list(created = format(Sys.time(), "%Y-%m-%d %H:%M UTC", tz = "UTC"),
                        seconds = as.numeric(difftime(Sys.time(), t0, units = "secs")),
                        method = env$method, settings = env$est_args,
                        gmmmi_version = as.character(utils::packageVersion("gmmmi")),
                        r_version = as.character(getRversion())))
# the calls built by do.call() hold the data; drop them to keep the file small
for (k in c("ip", "m_dis", "m_ent", "m_net")) res[[k]]$call <- NULL
dir.create("inst/extdata", showWarnings = FALSE, recursive = TRUE)
saveRDS(res, "inst/extdata/representations_full.rds", version = 2)
cat(sprintf("stored full results (%s) in %.0f s\n", env$method, res$info$seconds))
