# Runs `code` (a string of R code, evaluated after library(gmmmi)) in a child Rscript, sends it
# SIGINT `after` seconds after the call starts, and returns the seconds from the signal until the
# call returned with an interrupt condition (NA if it finished or failed otherwise, or did not
# stop within `timeout` seconds; the child is then killed).
interrupt_latency <- function(code, after = 1, timeout = 30, lib = NULL) {
  dir <- tempfile("gmmmi-intr-")
  dir.create(dir)
  on.exit(unlink(dir, recursive = TRUE), add = TRUE)
  started <- file.path(dir, "started")
  result <- file.path(dir, "result")
  libs <- if (is.null(lib)) .libPaths() else c(lib, .libPaths())
  script <- file.path(dir, "child.R")
  writeLines(c(
    sprintf(".libPaths(%s)", paste(deparse(libs), collapse = "")),
    "suppressMessages(library(gmmmi)); options(gmmmi.progress = FALSE)",
    "set.seed(1)",
    sprintf("prep <- function() NULL; f <- function() { %s }", code),
    sprintf("file.create(%s)", deparse(started)),
    "out <- tryCatch({ f(); 'finished' }, interrupt = function(e) sprintf('%.3f', as.numeric(Sys.time())),",
    "                error = function(e) paste('error:', conditionMessage(e)))",
    sprintf("writeLines(out, %s)", deparse(result))
  ), script)
  rscript <- file.path(R.home("bin"), "Rscript")
  pid <- as.integer(system(sprintf("'%s' --vanilla '%s' > /dev/null 2>&1 & echo $!", rscript, script),
                           intern = TRUE))
  on.exit(tools::pskill(pid, tools::SIGKILL), add = TRUE)
  t0 <- Sys.time()
  while (!file.exists(started) && difftime(Sys.time(), t0, units = "secs") < timeout) Sys.sleep(0.05)
  Sys.sleep(after)
  if (file.exists(result)) return(structure(NA_real_, output = readLines(result)))  # done before the signal
  sent <- Sys.time()
  tools::pskill(pid, tools::SIGINT)
  while (!file.exists(result) && difftime(Sys.time(), sent, units = "secs") < timeout) Sys.sleep(0.02)
  Sys.sleep(0.1)
  if (!file.exists(result)) return(structure(NA_real_, output = "no result (did not stop)"))
  out <- readLines(result)
  stopped <- suppressWarnings(as.numeric(out))
  if (length(out) != 1L || is.na(stopped)) return(structure(NA_real_, output = out))
  stopped - as.numeric(sent)
}
