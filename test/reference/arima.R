# Reference values for the AutoARIMA tests (test/models.test.ts). Regenerate with:
#   Rscript test/reference/arima.R > test/reference/arima.json
suppressMessages(library(forecast))
tr <- read.csv(gzfile("../shared/data/m4-weekly/train.csv.gz"), stringsAsFactors = FALSE)
j <- function(x) paste0("[", paste(sprintf("%.10g", x), collapse = ","), "]")
out <- character(0)
for (i in c(1, 7, 42, 100, 250)) {
  x <- as.numeric(tr[i, -1]); x <- x[!is.na(x)]
  fit <- auto.arima(x)
  fc <- forecast(fit, h = 13, level = 90)
  out <- c(out, sprintf('{"series":"%s","method":"%s","mean":%s,"upper90":%s}', tr[i, 1], as.character(fit), j(fc$mean), j(fc$upper[, 1])))
}
# fixed orders, exact ML, for the likelihood
x <- as.numeric(tr[7, -1]); x <- x[!is.na(x)]
for (o in list(c(1, 1, 0), c(2, 1, 2), c(1, 0, 1))) {
  fit <- Arima(x, order = o, include.drift = o[2] == 1, include.mean = TRUE)
  out <- c(out, sprintf('{"series":"W7","order":%s,"loglik":%.10g,"aicc":%.10g,"coef":%s}', j(o), fit$loglik, fit$aicc, j(coef(fit))))
}
cat("[\n", paste(out, collapse = ",\n"), "\n]\n")
