# Reference values for the Diebold–Mariano tests (test/diebold-mariano.test.ts). Regenerate with:
#   Rscript test/reference/dm.R > test/reference/dm.json
# (R 4.x, forecast 8.20: forecast::dm.test, alternative "two.sided", varestimator "acf").
# The errors are those of R's naive and seasonal naive forecasts of AirPassengers (test/fixtures/seasonal-series.csv)
# (and of its logarithm) over the last 24 months, the first 120 months as history; and of the same forecasts over 8 months.
suppressMessages(library(forecast))
s <- read.csv("test/fixtures/seasonal-series.csv", stringsAsFactors = FALSE)
num <- function(v) paste(sprintf("%.17g", v), collapse = ",")
out <- character(0)
for (series in c("AirPassengers", "logAirPassengers")) {
x <- as.numeric(strsplit(s$values[s$series == series], " ")[[1]])
train <- ts(x[1:120], frequency = 12)
test <- x[121:144]
e1 <- test - as.numeric(naive(train, h = 24)$mean)
e2 <- test - as.numeric(snaive(train, h = 24)$mean)
for (case in list(list(n = 24, h = 1, p = 2), list(n = 24, h = 1, p = 1), list(n = 24, h = 4, p = 2),
                  list(n = 24, h = 4, p = 1), list(n = 8, h = 2, p = 1), list(n = 8, h = 1, p = 2))) {
  a <- e1[1:case$n]; b <- e2[1:case$n]
  r <- dm.test(a, b, alternative = "two.sided", h = case$h, power = case$p)
  out <- c(out, sprintf('{"h":%d,"power":%d,"e1":[%s],"e2":[%s],"statistic":%.15g,"p_value":%.15g}',
                        case$h, case$p, num(a), num(b), r$statistic, r$p.value))
}
}
pts <- c(-3.5, -2, -0.3, 0, 1.7)
dfs <- c(1, 10, 23, 7, 120)
tref <- sprintf('{"t":%g,"df":%g,"p":%.15g}', pts, dfs, pt(pts, dfs))
cat('{"dm":[\n', paste(out, collapse = ",\n"), '\n],\n"pt":[', paste(tref, collapse = ","), ']}\n')
