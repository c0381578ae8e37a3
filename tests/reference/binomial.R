# Independent reference values for cartrial.stats.binomial, computed with base R.
# Run from this folder:  Rscript binomial.R
# Writes clopper_pearson.csv (binom.test), two_sample.csv (Miettinen-Nurminen score CI written
# from the 1985 paper with numeric restricted MLE, Newcombe 1998 method 10 from Wilson intervals,
# fisher.test p-values).
options(digits = 17)
z <- qnorm(0.975)

cp <- expand.grid(x = NA, n = NA)[0, ]
cases <- list(c(0, 15), c(1, 15), c(3, 15), c(7, 15), c(14, 15), c(15, 15), c(0, 1), c(1, 1),
              c(12, 25), c(25, 25), c(37, 50), c(1, 3))
cp <- do.call(rbind, lapply(cases, function(k) {
  ci <- binom.test(k[1], k[2])$conf.int
  data.frame(x = k[1], n = k[2], lower = ci[1], upper = ci[2])
}))
write.csv(cp, "clopper_pearson.csv", row.names = FALSE)

wilson <- function(x, n) {
  p <- x / n
  centre <- (p + z^2 / (2 * n)) / (1 + z^2 / n)
  half <- z * sqrt(p * (1 - p) / n + z^2 / (4 * n^2)) / (1 + z^2 / n)
  c(centre - half, centre + half)
}
newcombe <- function(x1, n1, x2, n2) {
  p1 <- x1 / n1; p2 <- x2 / n2; d <- p1 - p2
  w1 <- wilson(x1, n1); w2 <- wilson(x2, n2)
  c(d - sqrt((p1 - w1[1])^2 + (w2[2] - p2)^2), d + sqrt((w1[2] - p1)^2 + (p2 - w2[1])^2))
}
xlogy <- function(x, y) ifelse(x == 0, 0, x * log(y))
restricted <- function(x1, n1, x2, n2, delta) {   # MLE of p2 under p1 - p2 = delta
  ll <- function(p2) xlogy(x1, p2 + delta) + xlogy(n1 - x1, 1 - p2 - delta) + xlogy(x2, p2) + xlogy(n2 - x2, 1 - p2)
  lo <- max(0, -delta); hi <- min(1, 1 - delta)
  optimize(ll, c(lo, hi), maximum = TRUE, tol = 1e-15)$maximum
}
mn_stat <- function(x1, n1, x2, n2, delta) {
  p2 <- restricted(x1, n1, x2, n2, delta); p1 <- p2 + delta
  N <- n1 + n2
  v <- (p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2) * N / (N - 1)
  (x1 / n1 - x2 / n2 - delta)^2 / v
}
mn <- function(x1, n1, x2, n2) {
  q <- qchisq(0.95, 1); eps <- 1e-10
  d <- min(max(x1 / n1 - x2 / n2, -1 + eps), 1 - eps)
  f <- function(delta) mn_stat(x1, n1, x2, n2, delta) - q
  lower <- if (f(-1 + eps) < 0) -1 else uniroot(f, c(-1 + eps, d), tol = 1e-14)$root
  upper <- if (f(1 - eps) < 0) 1 else uniroot(f, c(d, 1 - eps), tol = 1e-14)$root
  c(lower, upper)
}
pairs <- list(c(56, 70, 48, 80), c(9, 10, 3, 10), c(6, 7, 2, 7), c(5, 56, 0, 29), c(10, 10, 0, 20),
              c(12, 25, 18, 25), c(3, 15, 0, 15), c(22, 25, 25, 25), c(20, 25, 21, 25), c(1, 2, 0, 3))
two <- do.call(rbind, lapply(pairs, function(k) {
  nc <- newcombe(k[1], k[2], k[3], k[4]); m <- mn(k[1], k[2], k[3], k[4])
  data.frame(x1 = k[1], n1 = k[2], x2 = k[3], n2 = k[4], diff = k[1] / k[2] - k[3] / k[4],
             mn_lower = m[1], mn_upper = m[2], newcombe_lower = nc[1], newcombe_upper = nc[2],
             p_fisher = fisher.test(matrix(c(k[1], k[2] - k[1], k[3], k[4] - k[3]), 2, byrow = TRUE))$p.value)
}))
write.csv(two, "two_sample.csv", row.names = FALSE)
