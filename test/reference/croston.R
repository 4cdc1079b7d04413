# Reference values for the Croston tests (test/models.test.ts). Regenerate with:
#   Rscript test/reference/croston.R > test/reference/croston.json
suppressMessages(library(forecast))
cp <- read.csv("test/fixtures/carparts-5.csv", stringsAsFactors = FALSE)
out <- character(0)
for (i in seq_len(nrow(cp))) {
  x <- as.numeric(strsplit(cp$values[i], " ")[[1]]); x <- x[!is.na(x)]
  fc <- croston(ts(x, frequency = 12), h = 12, alpha = 0.1)
  out <- c(out, sprintf('{"series":"%s","mean":%.12g}', cp$id[i], fc$mean[1]))
}
cat("[\n", paste(out, collapse = ",\n"), "\n]\n")
