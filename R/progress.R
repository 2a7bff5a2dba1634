# Progress bars, drawn on the main thread only, between units of work (estimates, slices,
# replicates), never from inside parallel loops. A bar is shown when the caller's `progress` is
# TRUE and the option `gmmmi.progress` is not FALSE; it goes to the console (stdout), so
# capture.output() sees it.

show_progress <- function(progress) isTRUE(progress) && isTRUE(getOption("gmmmi.progress", TRUE))

# One utils::txtProgressBar (style 3, with a percentage) over `total` units, after a label line.
# With show = FALSE (or nothing to do) a no-op with the same interface: list(tick(done), close(),
# active). close() may be called more than once.
progress_bar <- function(total, label = NULL, show = TRUE) {
  if (!show || total < 1) {
    return(list(tick = function(done) invisible(NULL), close = function() invisible(NULL), active = FALSE))
  }
  if (!is.null(label)) cat(label, "\n", sep = "")
  bar <- utils::txtProgressBar(min = 0, max = total, style = 3)
  open <- TRUE
  list(tick = function(done) utils::setTxtProgressBar(bar, done),
       close = function() {
         if (open) close(bar)
         open <<- FALSE
         invisible(NULL)
       },
       active = TRUE)
}
