# One R forecast method over an M4 training file, as a whole process (bench/m4.ts times it):
#   Rscript bench/r/m4-method.R TRAIN.csv H FREQ METHOD OUT.csv
# METHOD: ets | arima | theta | naive. Writes id,step,mean.
suppressMessages(library(forecast))
a <- commandArgs(TRUE)
tr <- read.csv(a[1], stringsAsFactors = FALSE)
h <- as.integer(a[2]); frq <- as.integer(a[3]); method <- a[4]
f <- switch(method,
  ets = function(x) forecast(ets(x), h = h)$mean,
  arima = function(x) forecast(auto.arima(x), h = h)$mean,
  theta = function(x) thetaf(x, h = h)$mean,
  naive = function(x) naive(x, h = h)$mean)
out <- vector("list", nrow(tr))
for (i in seq_len(nrow(tr))) {
  x <- as.numeric(tr[i, -1]); x <- x[!is.na(x)]
  out[[i]] <- data.frame(id = tr[i, 1], step = 1:h, mean = as.numeric(f(ts(x, frequency = frq))))
}
write.csv(do.call(rbind, out), a[5], row.names = FALSE)
