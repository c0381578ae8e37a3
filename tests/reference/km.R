# Independent reference values for cartrial.stats.km, computed with R survival::survfit.
# Run from this folder:  Rscript km.R
# Reads km_cases.csv (case, time, status); writes km_quantiles.csv and km_landmarks.csv for the conf.types
# "log-log" (the SAS default), "log" and "plain".
library(survival)
options(digits = 17)
set.seed(20261122)
n <- 40
t_event <- rexp(n, 1 / 200); t_cens <- runif(n, 50, 500)
random <- data.frame(case = "F_random", time = round(pmin(t_event, t_cens)), status = as.integer(t_event <= t_cens))
fixed <- read.csv("km_cases_fixed.csv", stringsAsFactors = FALSE)
cases <- rbind(fixed, random)
write.csv(cases, "km_cases.csv", row.names = FALSE)
landmark_times <- c(1.5, 2, 3, 5, 30, 91, 183, 365)
q_rows <- list(); l_rows <- list()
for (cs in unique(cases$case)) {
  d <- cases[cases$case == cs, ]
  for (ct in c("log-log", "log", "plain")) {
    fit <- survfit(Surv(time, status) ~ 1, data = d, conf.type = ct)
    q <- quantile(fit, probs = c(0.25, 0.5, 0.75))
    q_rows[[length(q_rows) + 1]] <- data.frame(case = cs, conf_type = ct, prob = c(0.25, 0.5, 0.75),
      estimate = as.numeric(q$quantile), lower = as.numeric(q$lower), upper = as.numeric(q$upper))
    tt <- landmark_times[landmark_times <= max(d$time)]
    s <- summary(fit, times = tt)
    l_rows[[length(l_rows) + 1]] <- data.frame(case = cs, conf_type = ct, time = s$time, surv = s$surv,
      lower = s$lower, upper = s$upper, n_risk = s$n.risk)
  }
}
write.csv(do.call(rbind, q_rows), "km_quantiles.csv", row.names = FALSE)
write.csv(do.call(rbind, l_rows), "km_landmarks.csv", row.names = FALSE)
