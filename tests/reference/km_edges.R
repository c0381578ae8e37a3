# Kaplan-Meier landmark rates at the edges of the curve, computed with R survival::survfit, for the convention
# of cartrial.stats.km.compute_landmark (docs/spec/statistics.md, "Landmark rates at the edges").
# Run from this folder:  Rscript km_edges.R   (writes km_edges.csv)
#   S = 1 (no event yet): survfit gives CI (1, 1) before the first time and NA after a censoring; cartrial
#     states the CI as not estimable (NE) in both, so one column never mixes the two.
#   S = 0 reached with an event: the curve stays at 0 (summary(..., extend = TRUE)); the CI is NA.
#   Beyond the last follow-up with S > 0: survfit with extend = TRUE carries S forward with n.risk 0;
#     cartrial reports the rate as not estimable (NE), the estimate being undefined there.
library(survival)
options(digits = 17)
cases <- list(
  S1_censor_first = list(time = c(2, 4, 6, 8, 10), status = c(0, 0, 0, 0, 1), tau = c(1, 3, 5, 9)),
  S0_event_last = list(time = c(1, 3, 5), status = c(1, 0, 1), tau = c(2, 5, 7, 30)),
  censored_last = list(time = c(1, 2, 3, 4, 5, 6, 7, 8), status = c(1, 0, 1, 0, 1, 0, 0, 0), tau = c(2.5, 4.5, 9))
)
rows <- list()
for (cs in names(cases)) {
  d <- cases[[cs]]
  fit <- survfit(Surv(d$time, d$status) ~ 1, conf.type = "log-log")
  s <- summary(fit, times = d$tau, extend = TRUE)
  rows[[cs]] <- data.frame(case = cs, time = s$time, surv = s$surv, lower = s$lower, upper = s$upper,
                           n_risk = s$n.risk, last_time = max(d$time))
}
write.csv(do.call(rbind, rows), "km_edges.csv", row.names = FALSE)
cases_out <- do.call(rbind, lapply(names(cases), function(cs) data.frame(case = cs, time = cases[[cs]]$time,
                                                                           status = cases[[cs]]$status)))
write.csv(cases_out, "km_edges_cases.csv", row.names = FALSE)
