# Reference values for the STL/MSTL tests (test/models.test.ts). Regenerate with:
#   Rscript test/reference/mstl.R > test/reference/mstl.json
# The series is made by formula so that the test can make the same one.
suppressMessages(library(forecast))
t <- 1:400
y <- 100 + 0.1 * t + 10 * sin(2 * pi * t / 7) + 5 * cos(2 * pi * t / 30) + 3 * sin(1.7 * t)
j <- function(x) paste0("[", paste(sprintf("%.12g", x), collapse = ","), "]")
s1 <- stl(ts(y, frequency = 7), s.window = 11)
m <- mstl(msts(y, seasonal.periods = c(7, 30)))
fc <- forecast(m, h = 14, method = "ets", level = 90)
cat(sprintf('{"stl7":{"seasonal":%s,"trend":%s},"mstl":{"s7":%s,"s30":%s,"trend":%s},"forecast":%s}\n',
  j(s1$time.series[, "seasonal"]), j(s1$time.series[, "trend"]), j(m[, "Seasonal7"]), j(m[, "Seasonal30"]), j(m[, "Trend"]), j(fc$mean)))
