# Reference values for the findings and concomitant-treatment ARDs (cartrial.summaries.findings, .medications):
# exact Clopper-Pearson 95% CIs from base R binom.test for the counts of the hand-made examples in
# tests/summaries/test_findings.py. Run from this folder:  Rscript findings.R   (writes findings_cp.csv)
cases <- data.frame(x = c(3, 1, 2, 1, 0, 1, 2), n = c(4, 4, 4, 2, 2, 1, 2))
ci <- t(mapply(function(x, n) binom.test(x, n)$conf.int, cases$x, cases$n))
write.csv(data.frame(cases, lower = sprintf("%.10f", ci[, 1]), upper = sprintf("%.10f", ci[, 2])),
          "findings_cp.csv", row.names = FALSE, quote = FALSE)
