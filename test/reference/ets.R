# Reference values for the ETS tests (test/ets.test.ts). Regenerate with:
#   Rscript test/reference/ets.R > test/reference/ets.json
# (R with the forecast package: apt-get install r-base-core r-cran-forecast)
suppressMessages(library(forecast))
tr <- read.csv(gzfile("../shared/data/m4-weekly/train.csv.gz"), stringsAsFactors = FALSE)
pick <- c(1, 7, 42, 100, 250)
out <- list()
j <- function(x) paste0("[", paste(sprintf("%.10g", x), collapse = ","), "]")
for (i in pick) {
  x <- as.numeric(tr[i, -1]); x <- x[!is.na(x)]
  for (model in c("ZZZ", "ANN", "AAN", "MAN", "MNN")) {
    damped <- NULL
    fit <- ets(ts(x, frequency = 1), model = model)
    fc <- forecast(fit, h = 13, level = c(50, 90))
    out[[length(out) + 1]] <- sprintf(
      '{"series":"%s","request":"%s","method":"%s","par":%s,"aicc":%.10g,"loglik":%.10g,"sigma2":%.10g,"mean":%s,"lower90":%s,"upper90":%s}',
      tr[i, 1], model, fit$method, j(fit$par), fit$aicc, fit$loglik, fit$sigma2, j(fc$mean), j(fc$lower[, 2]), j(fc$upper[, 2]))
  }
}
ap <- AirPassengers
for (model in c("ZZZ", "MAM", "AAA", "MNM", "AAdM")) {
  fit <- if (model == "AAdM") ets(ap, model = "MAM", damped = TRUE) else ets(ap, model = model)
  fc <- forecast(fit, h = 12, level = c(50, 90))
  out[[length(out) + 1]] <- sprintf(
    '{"series":"AirPassengers","request":"%s","method":"%s","par":%s,"aicc":%.10g,"loglik":%.10g,"sigma2":%.10g,"mean":%s,"lower90":%s,"upper90":%s}',
    model, fit$method, j(fit$par), fit$aicc, fit$loglik, fit$sigma2, j(fc$mean), j(fc$lower[, 2]), j(fc$upper[, 2]))
}
cat("[\n", paste(out, collapse = ",\n"), "\n]\n")
