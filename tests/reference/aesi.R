# Reference values for the AESI ARD (cartrial.summaries.safety.summarize_aesi): exact Clopper-Pearson 95% CIs
# from base R binom.test for the counts of the hand-made example in tests/summaries/test_aesi.py.
# Run from this folder:  Rscript aesi.R   (writes aesi_cp.csv)
options(digits = 17)
cases <- list(c(2, 4), c(1, 3), c(3, 7), c(1, 4), c(0, 3), c(1, 7), c(2, 7))
cp <- do.call(rbind, lapply(cases, function(k) {
  ci <- binom.test(k[1], k[2])$conf.int
  data.frame(x = k[1], n = k[2], lower = ci[1], upper = ci[2])
}))
write.csv(cp, "aesi_cp.csv", row.names = FALSE)
