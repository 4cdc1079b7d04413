# R forecast on the car-parts holdout (bench/carparts.ts runs and times it):
#   Rscript bench/r/carparts.R LONG_TRAIN.csv OUT.csv
# LONG_TRAIN: sku,date,units (the first 39 months of each series). Writes sku,step,croston,snaive.
suppressMessages(library(forecast))
a <- commandArgs(TRUE)
d <- read.csv(a[1], stringsAsFactors = FALSE, colClasses = c("character", "character", "numeric"))
out <- list()
for (s in unique(d$sku)) {
  x <- ts(d$units[d$sku == s], frequency = 12)
  cr <- as.numeric(croston(x, h = 12, alpha = 0.1)$mean)
  sn <- as.numeric(snaive(x, h = 12)$mean)
  out[[length(out) + 1]] <- data.frame(sku = s, step = 1:12, croston = cr, snaive = sn)
}
write.csv(do.call(rbind, out), a[2], row.names = FALSE)
