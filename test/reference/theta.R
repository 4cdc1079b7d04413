# Reference values for the Theta tests (test/theta.test.ts). Regenerate with:
#   Rscript test/reference/theta.R > test/reference/theta.json
suppressMessages(library(forecast))
tr <- read.csv(gzfile("../shared/data/m4-weekly/train.csv.gz"), stringsAsFactors = FALSE)
j <- function(x) paste0("[", paste(sprintf("%.10g", x), collapse = ","), "]")
out <- list()
for (i in c(1, 7, 42, 100, 250)) {
  x <- as.numeric(tr[i, -1]); x <- x[!is.na(x)]
  fc <- thetaf(ts(x, frequency = 1), h = 13, level = c(50, 90))
  out[[length(out) + 1]] <- sprintf('{"series":"%s","m":1,"mean":%s,"lower90":%s,"upper90":%s}', tr[i, 1], j(fc$mean), j(fc$lower[, 2]), j(fc$upper[, 2]))
}
fc <- thetaf(AirPassengers, h = 12, level = c(50, 90))
out[[length(out) + 1]] <- sprintf('{"series":"AirPassengers","m":12,"mean":%s,"lower90":%s,"upper90":%s}', j(fc$mean), j(fc$lower[, 2]), j(fc$upper[, 2]))
cat("[\n", paste(out, collapse = ",\n"), "\n]\n")
