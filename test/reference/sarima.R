# Reference values for the seasonal AutoARIMA tests (test/sarima.test.ts), on R's own data sets
# (AirPassengers, USAccDeaths, nottem: Box & Jenkins 1976, Brockwell & Davis 1991, Anderson 1976;
# UKgas: Harvey 1989). Regenerate with (R 4.x, forecast 8.x):
#   Rscript test/reference/sarima.R test/fixtures/seasonal-series.csv > test/reference/sarima.json
suppressMessages(library(forecast))
args <- commandArgs(trailingOnly = TRUE)
sets <- list(AirPassengers = AirPassengers, logAirPassengers = log(AirPassengers), USAccDeaths = USAccDeaths,
             nottem = nottem, UKgas = UKgas)
# the fixture: id, season length, values separated by spaces
lines <- c("series,m,values", sapply(names(sets), function(k) sprintf("%s,%d,%s", k, frequency(sets[[k]]), paste(sprintf("%.10g", as.numeric(sets[[k]])), collapse = " "))))
writeLines(lines, args[1])
j <- function(x) paste0("[", paste(sprintf("%.10g", x), collapse = ","), "]")
out <- character(0)
for (k in names(sets)) {
  x <- sets[[k]]
  fit <- auto.arima(x)
  fc <- forecast(fit, h = 2 * frequency(x), level = 90)
  out <- c(out, sprintf('{"series":"%s","kind":"auto","D":%d,"method":"%s","loglik":%.10g,"mean":%s,"upper90":%s}',
                        k, nsdiffs(x), as.character(fit), fit$loglik, j(fc$mean), j(fc$upper[, 1])))
}
# fixed orders, exact ML (CSS-ML), for the likelihood and coefficients
fixed <- list(list("logAirPassengers", c(0, 1, 1), c(0, 1, 1), FALSE), list("USAccDeaths", c(1, 0, 1), c(1, 0, 0), TRUE),
              list("UKgas", c(1, 1, 0), c(0, 1, 1), FALSE), list("nottem", c(1, 0, 0), c(2, 0, 0), TRUE))
for (f in fixed) {
  x <- sets[[f[[1]]]]
  fit <- Arima(x, order = f[[2]], seasonal = f[[3]], include.mean = f[[4]])
  fc <- forecast(fit, h = frequency(x), level = 90)
  # R's default likelihood treats the differenced states with a diffuse prior of variance kappa = 1e6,
  # an approximation; the exact likelihood is that of the differenced series as a stationary ARMA
  w <- x
  if (f[[2]][2] > 0) w <- diff(w, differences = f[[2]][2])
  if (f[[3]][2] > 0) w <- diff(w, lag = frequency(x), differences = f[[3]][2])
  exact <- arima(w, order = c(f[[2]][1], 0, f[[2]][3]), seasonal = list(order = c(f[[3]][1], 0, f[[3]][3]), period = frequency(x)),
                 include.mean = f[[4]], init = coef(fit), transform.pars = FALSE)
  out <- c(out, sprintf('{"series":"%s","kind":"fixed","order":%s,"seasonal":%s,"constant":%s,"loglik":%.10g,"loglik_exact":%.10g,"aicc":%.10g,"coef":%s,"mean":%s,"upper90":%s}',
                        f[[1]], j(f[[2]]), j(f[[3]]), tolower(f[[4]]), fit$loglik, exact$loglik, fit$aicc, j(coef(fit)), j(fc$mean), j(fc$upper[, 1])))
}
cat("[\n", paste(out, collapse = ",\n"), "\n]\n")
