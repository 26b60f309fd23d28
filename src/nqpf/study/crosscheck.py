"""Scripts a reviewer runs in the tool they trust to re-estimate a study's main spatial Durbin model (SDM) from the
files nqpf exports, without nqpf: ``results/<study>/crosscheck/sdm.do`` (Stata, ``xsmle``: Belotti, Hughes and
Mortari 2017, "Spatial panel-data models using Stata", Stata Journal 17(1): 139-180) and
``results/<study>/crosscheck/sdm.R`` (base R with spdep and spatialreg), with ``sdm_data.csv`` beside them.

The main SDM is the study's ``models`` settings: model ``sdm`` (when listed in ``models.models``) on the first
weights matrix of ``models.weights`` (else the study's first W), ``models.dependent`` on ``models.explanatory``
and their spatial lags, over the model years, with two-way fixed effects; the first of ``models.method`` is the
main method. A study without that model (no ``sdm``, or fixed effects other than two-way, or random effects
only) gets no scripts.

The R script estimates both methods nqpf implements (:mod:`nqpf.models.estimation`):
- direct (Elhorst 2014, Spatial Econometrics, ch. 3): maximum likelihood on the demeaned data counting N T
  observations, by ``spatialreg::lagsarlm`` (``method = "eigen"``) on the unit-demeaned data with year dummies
  and the block-diagonal W of the stacked panel, I_T (x) W. The dummies take the period means out of W y, as
  nqpf does (spatial lags are taken before demeaning); W applied to two-way demeaned y would differ unless W's
  columns also sum to 1.
- lee_yu (Lee and Yu 2010, J. Econometrics 154(2): 165-185, the transformation approach for two-way effects):
  the concentrated log-likelihood
  ``-(N-1)(T-1)/2 log(SSE(rho) / ((N-1)(T-1))) + (T-1) (sum log|1 - rho lambda_i| - log(1 - rho))``
  maximised in base R (``optimize`` after a scan, as nqpf does), then beta and sigma^2 = SSE / ((N-1)(T-1)) at
  the maximum, with standard errors from the analytic information matrix nqpf uses.

The Stata script uses ``xsmle, fe type(both)``. xsmle (1.4.5, 2017) applies its ``leeyu`` suboption to
individual effects only: ``type(both, leeyu)`` is replaced by ``type(ind, leeyu)`` with a warning, another
model. The do-file therefore estimates the direct two-way model, comparable with nqpf's ``direct`` method and
the R script's direct row; the two-way Lee-Yu numbers are checked by the R script.

R's foreign package cannot read Stata 118 files, so ``sdm_data.csv`` carries the model's columns of
``stata/panel.dta`` (17 significant digits) for R; both scripts read W as nqpf estimates with it
(``weights/<w>.stata.txt`` for Stata, ``weights/<w>.matrix.csv`` for R).
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from nqpf.errors import InputError

FOLDER = "crosscheck"
STATA_SCRIPT = "sdm.do"
R_SCRIPT = "sdm.R"
DATA = "sdm_data.csv"
R_RESULTS = "sdm_R.csv"
STATA_RESULTS = "sdm_stata.csv"
FILES = (STATA_SCRIPT, R_SCRIPT, DATA)
_STATA_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,31}")
_STATA_RESERVED = frozenset(
    "_all _b byte _coef _cons double float if in int long _n _N _pi _pred _rc _skip str# strL using with".split()
)
_WEIGHTS_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")


@dataclass(frozen=True)
class MainSDM:
    """The study's main spatial Durbin model, as the cross-check scripts estimate it."""

    study: str
    dependent: str
    explanatory: tuple[str, ...]
    weights: str
    years: tuple[int, ...]
    method: str  # the main method: lee_yu or direct
    draws: int  # simulations of the effects' standard errors
    seed: int

    @classmethod
    def from_dict(cls, values: dict) -> MainSDM:
        """From plain data (``dataclasses.asdict``, as a rule's params carry it)."""
        values = dict(values)
        values["explanatory"] = tuple(values["explanatory"])
        values["years"] = tuple(int(y) for y in values["years"])
        return cls(**values)


def main_sdm(s) -> MainSDM | None:
    """The main SDM of a study (:class:`nqpf.study.settings.StudySettings`), or None when it has none (no models,
    no ``sdm`` among ``models.models``, no weights, or fixed effects other than two-way)."""
    models = s.models
    if models is None or "sdm" not in models.models or models.fixed_effects != "two-way":
        return None
    names = s.model_weights
    if not names:
        return None
    return MainSDM(
        study=s.name,
        dependent=models.dependent,
        explanatory=tuple(models.explanatory),
        weights=names[0],
        years=tuple(s.model_years),
        method=models.methods[0],
        draws=models.effects.draws,
        seed=models.effects.seed,
    )


def targets(name: str, s) -> list[str]:
    """The cross-check files of a study (empty without a main SDM), as paths under results/."""
    if main_sdm(s) is None:
        return []
    return [f"results/{name}/{FOLDER}/{f}" for f in FILES]


def _check_names(spec: MainSDM) -> None:
    for variable in (spec.dependent, *spec.explanatory):
        if not _STATA_NAME.fullmatch(variable) or variable in _STATA_RESERVED:
            raise InputError(
                f"the model variable {variable!r} is not a name Stata can carry (at most 32 letters, digits and "
                "_, not starting with a digit, not a reserved word)",
                column=variable,
                key="models.explanatory" if variable != spec.dependent else "models.dependent",
                fix="rename the variable in the study so that Stata can name it",
            )
    if not _WEIGHTS_NAME.fullmatch(spec.weights):
        raise InputError(
            f"the weights name {spec.weights!r} cannot be part of a file path in the scripts",
            key="weights[].name",
            fix="name the weights with letters, digits, _ and -",
        )
    if len(spec.years) < 2 or list(spec.years) != list(range(spec.years[0], spec.years[-1] + 1)):
        raise InputError(
            f"the cross-check needs two or more consecutive model years, not {list(spec.years)}",
            key="models.years",
            fix="give models.years a span of two or more years",
        )


def _comment(text: str) -> list[str]:
    """Text as comment lines of at most 110 characters (its line breaks become spaces, leading blanks kept)."""
    text = str(text)
    indent = text[: len(text) - len(text.lstrip(" "))]
    flat = " ".join(text.split())
    return textwrap.wrap(flat, width=108, initial_indent=indent, subsequent_indent=indent + "  ") or [""]


def r_string(text: str) -> str:
    """An R string literal of ``text`` (double-quoted; backslash, quote and control characters escaped)."""
    out = []
    for ch in str(text):
        if ch in '\\"':
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 32 or ord(ch) == 127:
            out.append(f"\\x{ord(ch):02x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def stata_string(text: str, key: str = "weights[].name") -> str:
    """A Stata compound-quoted string of ``text`` (holds double quotes; a line break cannot be in one); ``key``
    names the setting the text comes from (the scripts' paths hold the weights' name)."""
    text = str(text)
    if "\n" in text or "\r" in text or "\"'" in text or '`"' in text:
        raise InputError(
            f"{text!r} cannot be written as a Stata string",
            key=key,
            fix="use a name of letters, digits, _ and -",
        )
    return '`"' + text + "\"'"


def _header(spec: MainSDM, tool: str, run: str, mark: str) -> list[str]:
    from nqpf import __version__

    lines = [
        f"{spec.study}: cross-check of nqpf's main spatial Durbin model (SDM) in {tool}.",
        f"Written by nqpf {__version__} (nqpf.study.crosscheck) from the study's settings; do not edit, rerun the",
        "workflow. Run from this folder:",
        f"    cd results/{spec.study}/{FOLDER}",
        f"    {run}",
        "",
        f"Model: {spec.dependent} on {', '.join(spec.explanatory)} and their spatial lags W.x, two-way fixed "
        f"effects, W {spec.weights}, years {spec.years[0]}-{spec.years[-1]}; nqpf's main method: {spec.method}.",
        f"Compare with ../models/{spec.weights}/estimates.csv and fit.json (model sdm, spec main; one row per method "
        "when the study lists several). A panel with gaps in the model's variables stops the script: nqpf then "
        "estimates on the units without gaps (models.balance: drop_units), which this script does not redo.",
    ]
    out = []
    for line in lines:
        out += [f"{mark} {part}" for part in _comment(line)] if line else [mark]
    return out


def stata_script(spec: MainSDM) -> str:
    """The Stata do-file of the main SDM (``xsmle``; see the module docstring)."""
    _check_names(spec)
    variables = " ".join((spec.dependent, *spec.explanatory))
    first, last = spec.years[0], spec.years[-1]
    lines = _header(spec, "Stata with xsmle (Belotti, Hughes and Mortari 2017, Stata Journal 17(1))",
                    "stata -b do sdm.do", "*")  # fmt: skip
    lines += [
        "* Needs Stata 15 or later (spmatrix) and xsmle (ssc install xsmle). Writes sdm_stata.csv (every",
        "* coefficient of e(b) with its standard error) beside this file; Stata writes the log, sdm.log.",
        "*",
        "* xsmle's leeyu suboption transforms individual effects only (version 1.4.5 replaces type(both, leeyu)",
        "* by type(ind, leeyu) with a warning, another model), so this file estimates the direct two-way model",
        "* (Elhorst 2014): compare it with nqpf's method direct and with the direct rows of sdm.R, whose lee_yu",
        "* rows check nqpf's Lee and Yu (2010) two-way estimates.",
        "",
        "version 15",
        "clear all",
        "set more off",
        "",
        "* -- W --------------------------------------------------------------------------------------------------",
        "* xsmle's wmat() takes a Stata matrix or an spmat object (the older sppack), not a Stata 15 spmatrix. The",
        "* export is spmatrix's text format with the ids of W's rows: import it, take the matrix and its ids to",
        "* Mata, and the matrix from there to a Stata matrix (11,000 rows at most in Stata SE and MP before 16).",
        f"spmatrix import W_nqpf using {stata_string(f'../weights/{spec.weights}.stata.txt')}, replace",
        "spmatrix matafromsp W_mata W_ids = W_nqpf",
        'mata: st_matrix("W", W_mata)',
        'mata: st_numscalar("W_units", rows(W_ids))',
        "local units = W_units",
        "",
        "* the row of W each unit id is",
        "clear",
        "set obs `units'",
        "getmata _ID = W_ids, double",
        "generate long w_row = _n",
        "tempfile rows",
        "save `rows'",
        "",
        "* -- the panel -------------------------------------------------------------------------------------------",
        f"use {stata_string('../stata/panel.dta')}, clear",
        "capture confirm variable _ID",
        "if _rc {",
        "    * text codes: the weights export numbered W's units 1..N, its id map says which code each number is",
        "    preserve",
        f"    import delimited using {stata_string(f'../weights/{spec.weights}.stata.ids.csv')}, ///",
        '        varnames(1) stringcols(_all) encoding("utf-8") clear',
        "    destring stata_id, generate(_ID)",
        "    keep _ID code",
        "    tempfile ids",
        "    save `ids'",
        "    restore",
        "    merge m:1 code using `ids', keep(match) nogenerate",
        "}",
        "* units of the panel that W does not hold are left out, as nqpf leaves them out",
        "merge m:1 _ID using `rows', keep(match) nogenerate",
        f"keep if inrange(year, {first}, {last})",
        f"keep w_row _ID code year {variables}",
        "",
        "* xsmle needs a strongly balanced panel without gaps, in W's unit order: the panel variable is the row of W",
        "* (xsmle orders units by it), the data sorted by time, then unit.",
        f"foreach v of varlist {variables} {{",
        "    assert !missing(`v')",
        "}",
        f"assert _N == `units' * {last - first + 1}",
        "isid w_row year",
        "xtset w_row year",
        "sort year w_row",
        "",
        "* -- the spatial Durbin model, two-way fixed effects (direct approach) -------------------------------------",
        "* effects: direct, indirect and total effects with simulated standard errors (LeSage and Pace 2009),",
        "* as many draws as the study's models.effects.draws, from its seed",
        f"set seed {spec.seed}",
        f"xsmle {variables}, wmat(W) model(sdm) fe type(both) ///",
        f"    effects vceeffects(sim, nsim({spec.draws})) nolog",
        "",
        "* -- every coefficient with its standard error, full precision ----------------------------------------------",
        "matrix b = e(b)",
        "matrix V = e(V)",
        "local names : colfullnames b",
        "tempname out",
        f"file open `out' using {stata_string(STATA_RESULTS)}, write text replace",
        'file write `out\' "term,estimate,std_error" _n',
        "local k = 0",
        "foreach name of local names {",
        "    local ++k",
        "    file write `out' `\"\"`name'\",\"' %21.0g (b[1, `k']) \",\" %21.0g (sqrt(V[`k', `k'])) _n",
        "}",
        "file close `out'",
        'capture noisily display as text "rho: " %12.0g _b[Spatial:rho] "   sigma2_e: " %12.0g _b[Variance:sigma2_e]',
    ]
    return "\n".join(lines) + "\n"


R_BODY = r"""
suppressPackageStartupMessages({
  library(spdep)
  library(spatialreg)
})

# -- W, in its own unit order ------------------------------------------------------------------------------------
w_table <- read.csv(weights_file, check.names = FALSE, colClasses = "character", encoding = "UTF-8")
ids <- w_table[[1]]
if (!identical(colnames(w_table)[-1], ids)) stop(weights_file, ": the header's ids differ from the rows' ids")
W <- matrix(as.numeric(unlist(w_table[-1], use.names = FALSE)), nrow = length(ids))
n_units <- length(ids)
n_periods <- length(years)
lambda <- eigen(W, only.values = TRUE)$values
if (is.complex(lambda) && max(abs(Im(lambda))) < 1e-10) lambda <- Re(lambda)
logdet <- function(rho) sum(log(Mod(1 - rho * lambda)))  # log |I - rho W| from W's eigenvalues
bounds <- c(1 / min(Re(lambda)), 1 / max(Re(lambda)))  # where I - rho W stays invertible

# -- the panel: one N x T matrix per variable, units in W's order, periods in columns --------------------------
panel <- read.csv(data_file, check.names = FALSE, colClasses = c(code = "character"), encoding = "UTF-8")
panel <- panel[panel$year %in% years & panel$code %in% ids, , drop = FALSE]
if (anyDuplicated(panel[c("code", "year")])) stop(data_file, ": a unit has two rows in one year")
by_period <- function(variable) {
  out <- matrix(NA_real_, n_units, n_periods)
  for (k in seq_len(n_periods)) {
    rows <- panel[panel$year == years[k], , drop = FALSE]
    out[, k] <- as.numeric(rows[[variable]][match(ids, rows$code)])
  }
  gaps <- which(is.na(out), arr.ind = TRUE)
  if (nrow(gaps) > 0) {
    stop(sprintf("%s: %s has no value for unit %s in %d (%d cells missing); the SDM needs a balanced panel",
                 data_file, variable, ids[gaps[1, 1]], years[gaps[1, 2]], nrow(gaps)))
  }
  out
}
Y <- by_period(dependent)
X <- lapply(explanatory, by_period)
WX <- lapply(X, function(x) W %*% x)  # spatial lags, period by period, before any demeaning
terms <- c(explanatory, paste0("W.", explanatory))
stacked <- function(m) as.vector(m)  # time-major: unit i of period t is row (t - 1) N + i
unit_demeaned <- function(m) m - rowMeans(m)
two_way_demeaned <- function(m) m - rowMeans(m) - rep(colMeans(m), each = nrow(m)) + mean(m)
results <- list()
keep <- function(method, term, estimate, std_error = NA_real_) {
  results[[length(results) + 1]] <<- data.frame(method = method, term = term, estimate = estimate,
                                                std_error = std_error)
}

# -- (a) direct (Elhorst 2014): spatialreg::lagsarlm on the unit-demeaned data with year dummies ---------------
# The year dummies take the period means out of y, X, W X and W y (W y = (I_T (x) W) y of the unit-demeaned y),
# as nqpf's two-way demeaning of the lags does; lagsarlm counts all N T observations: sigma^2 = SSE / (N T).
regressors <- paste0("z", seq_along(terms))
frame <- data.frame(y = stacked(unit_demeaned(Y)),
                    sapply(c(X, WX), function(m) stacked(unit_demeaned(m))),
                    period = factor(rep(years, each = n_units)))
names(frame) <- c("y", regressors, "period")
neighbours <- lapply(seq_len(n_units), function(i) which(W[i, ] != 0))
stacked_nb <- unlist(lapply(seq_len(n_periods) - 1L, function(t) {
  lapply(neighbours, function(j) if (length(j)) as.integer(t * n_units + j) else 0L)
}), recursive = FALSE)
glist <- rep(lapply(seq_len(n_units), function(i) W[i, neighbours[[i]]]), n_periods)
class(stacked_nb) <- "nb"
attr(stacked_nb, "region.id") <- as.character(seq_len(n_units * n_periods))
listw <- nb2listw(stacked_nb, glist = glist, style = "B", zero.policy = TRUE)  # style B: the weights as given
direct <- lagsarlm(as.formula(paste("y ~ 0 +", paste(regressors, collapse = " + "), "+ period")),
                   data = frame, listw = listw, method = "eigen", zero.policy = TRUE, quiet = TRUE,
                   interval = bounds,
                   control = list(pre_eig = rep(lambda, n_periods), tol.opt = 1e-12))
direct_beta <- unname(direct$coefficients[regressors])
cat("Direct approach (Elhorst 2014), spatialreg::lagsarlm, N T =", n_units * n_periods, "observations\n")
print(data.frame(term = c(terms, "rho", "sigma2", "loglik"),
                 estimate = c(direct_beta, direct$rho, direct$s2, as.numeric(direct$LL))), digits = 10)
for (k in seq_along(terms)) keep("direct", terms[k], direct_beta[k])
keep("direct", "rho", direct$rho)
keep("direct", "sigma2", direct$s2)
keep("direct", "loglik", as.numeric(direct$LL))

# -- (b) Lee and Yu (2010) transformation approach, two-way effects -----------------------------------------------
sums <- rowSums(W)
if (any(abs(sums - 1) > 1e-10)) {
  # as in nqpf, which refuses the method then: the time transformation needs W's rows to sum to 1
  cat("\nLee and Yu (2010) approach left out: it needs a row-standardised W; W's rows sum to between",
      min(sums), "and", max(sums), "\n")
} else {
  # The orthonormal transformations leave (N - 1)(T - 1) observations whose sums of squares equal those of the
  # two-way demeaned data; W's eigenvalue 1 drops out of the Jacobian (row-standardised W).
  Z <- sapply(c(X, WX), function(m) stacked(two_way_demeaned(m)))
  y <- stacked(two_way_demeaned(Y))
  wy <- stacked(two_way_demeaned(W %*% Y))
  fit0 <- lm.fit(Z, y)
  fit1 <- lm.fit(Z, wy)
  e0 <- fit0$residuals
  e1 <- fit1$residuals
  n_eff <- n_units - 1
  t_eff <- n_periods - 1
  n_ly <- n_eff * t_eff
  loglik_ly <- function(rho) {
    sse <- sum((e0 - rho * e1)^2)
    -n_ly / 2 * log(sse / n_ly) + t_eff * (logdet(rho) - log(1 - rho))
  }
  span <- diff(bounds)
  grid <- seq(bounds[1] + 1e-6 * span, bounds[2] - 1e-6 * span, length.out = 81)
  best <- which.max(sapply(grid, loglik_ly))
  bracket <- grid[c(max(best - 1, 1), min(best + 1, length(grid)))]
  rho <- optimize(loglik_ly, interval = bracket, maximum = TRUE, tol = 1e-12)$maximum
  # the likelihood is flat at its maximum, so a search that compares its values stops some 1e-8 from it: polish
  # rho to the root of the score (the derivative of the concentrated log-likelihood), where it changes sign
  score_ly <- function(rho) {
    n_ly * sum(e1 * (e0 - rho * e1)) / sum((e0 - rho * e1)^2) +
      t_eff * (1 / (1 - rho) - sum(Re(lambda / (1 - rho * lambda))))
  }
  step <- 1e-6 * span
  if (score_ly(rho - step) > 0 && score_ly(rho + step) < 0) {
    rho <- uniroot(score_ly, c(rho - step, rho + step), tol = 1e-15)$root
  }
  beta <- unname(fit0$coefficients - rho * fit1$coefficients)
  e <- e0 - rho * e1
  sigma2 <- sum(e^2) / n_ly
  loglik <- loglik_ly(rho) - n_ly / 2 * (log(2 * pi) + 1)

  # standard errors: the analytic information matrix of (beta, rho, sigma^2) (Lee and Yu 2010; Elhorst 2014,
  # eq. 3.18) of the transformed model, G = W (I - rho W)^-1 and H the two-way demeaned G X beta
  G <- W %*% solve(diag(n_units) - rho * W)
  H <- stacked(two_way_demeaned(G %*% matrix(Z %*% beta, n_units, n_periods)))
  tr_g <- sum(diag(G)) - 1 / (1 - rho)
  tr_gg <- sum(G * t(G)) - 1 / (1 - rho)^2
  tr_gtg <- sum(G * G) - sum(colSums(G)^2) / n_units
  k <- length(beta)
  info <- matrix(0, k + 2, k + 2)
  info[1:k, 1:k] <- crossprod(Z) / sigma2
  info[1:k, k + 1] <- info[k + 1, 1:k] <- crossprod(Z, H) / sigma2
  info[k + 1, k + 1] <- t_eff * (tr_gg + tr_gtg) + sum(H^2) / sigma2
  info[k + 1, k + 2] <- info[k + 2, k + 1] <- t_eff * tr_g / sigma2
  info[k + 2, k + 2] <- n_ly / (2 * sigma2^2)
  se <- sqrt(diag(solve(info)))[1:(k + 1)]
  cat("\nLee and Yu (2010) transformation approach,", n_ly, "effective observations\n")
  print(data.frame(term = c(terms, "rho", "sigma2", "loglik"), estimate = c(beta, rho, sigma2, loglik),
                   std_error = c(se, NA, NA)), digits = 10)
  for (k in seq_along(terms)) keep("lee_yu", terms[k], beta[k], se[k])
  keep("lee_yu", "rho", rho, se[length(se)])
  keep("lee_yu", "sigma2", sigma2)
  keep("lee_yu", "loglik", loglik)
}

out <- do.call(rbind, results)
out <- out[order(out$method != main_method), ]  # the study's main method first
full_precision <- function(v) ifelse(is.na(v), "", sprintf("%.17g", v))
out$estimate <- full_precision(out$estimate)
out$std_error <- full_precision(out$std_error)
write.csv(out, output_file, row.names = FALSE, quote = FALSE, fileEncoding = "UTF-8")
cat("\nwrote", output_file, "\n")
"""


def r_script(spec: MainSDM) -> str:
    """The R script of the main SDM (base R, spdep and spatialreg; see the module docstring)."""
    _check_names(spec)
    lines = _header(spec, "R (spdep, spatialreg)", "Rscript sdm.R", "#")
    lines += [
        "# Needs base R with the packages spdep and spatialreg (Debian r-cran-spdep and r-cran-spatialreg).",
        f"# Reads {DATA} (the model's columns of ../stata/panel.dta, 17 significant digits: R's foreign package",
        f"# cannot read Stata 118 files) and ../weights/{spec.weights}.matrix.csv (W as nqpf estimates with it).",
        "# Estimates (a) the direct approach (Elhorst 2014) with spatialreg::lagsarlm, method eigen, and (b) the",
        "# Lee and Yu (2010) transformation approach by maximising its concentrated log-likelihood with optimize:",
        "#   -(N-1)(T-1)/2 log(SSE(rho) / ((N-1)(T-1))) + (T-1) (sum log|1 - rho lambda_i| - log(1 - rho)),",
        "#   lambda_i the eigenvalues of the row-standardised W, then beta and sigma^2 at the maximum.",
        "# Standard errors: Lee-Yu from the analytic information matrix nqpf uses (they match nqpf's); direct: point",
        "# estimates only (lagsarlm's own standard errors count the year dummies' design, not nqpf's).",
        f"# Prints rho, beta (x and W.x), sigma^2 and the log-likelihood of both and writes them to {R_RESULTS}.",
        "",
        f"data_file <- {r_string(DATA)}",
        f"weights_file <- {r_string(f'../weights/{spec.weights}.matrix.csv')}",
        f"output_file <- {r_string(R_RESULTS)}",
        f"dependent <- {r_string(spec.dependent)}",
        "explanatory <- c(" + ", ".join(r_string(v) for v in spec.explanatory) + ")",
        f"years <- seq({spec.years[0]}L, {spec.years[-1]}L)",
        f"main_method <- {r_string(spec.method)}",
    ]
    return "\n".join(lines) + "\n" + R_BODY


def write_data(panel_dta, path, spec: MainSDM) -> Path:
    """The model's columns of the study's ``stata/panel.dta`` (code, year, dependent, explanatory; the model
    years) as CSV with 17 significant digits, for the R script: the same numbers the do-file reads."""
    frame = pd.read_stata(panel_dta, convert_categoricals=False)
    columns = ["code", "year", spec.dependent, *spec.explanatory]
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InputError(
            f"{Path(panel_dta).name} has no column {', '.join(missing)} of the main SDM",
            file=str(panel_dta),
            column=", ".join(missing),
            fix="rerun the workflow so that the Stata panel holds the model's variables",
        )
    frame = frame.loc[frame["year"].isin(spec.years), columns]
    frame["code"] = frame["code"].astype(str)
    frame["year"] = frame["year"].astype(int)
    path = Path(path)
    frame.to_csv(path, index=False, float_format="%.17g", lineterminator="\n")
    return path


def write_scripts(spec: MainSDM, folder) -> list[Path]:
    """``sdm.do`` and ``sdm.R`` of ``spec`` in ``folder``."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in ((STATA_SCRIPT, stata_script(spec)), (R_SCRIPT, r_script(spec))):
        path = folder / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
