"""What tables call things, in English or Chinese: a fixed vocabulary of table terms, symbols with their LaTeX
forms, the NBS regions and the groups of the region sets (:mod:`nqpf.units.region_sets`), and the study's own names (variables, indicators, dimensions, weights) from the config.

Chinese terms follow the usage of Chinese economics journals (个体固定效应, 直接效应, 括号内为标准误 ...).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from nqpf.tables.cells import Style
from nqpf.tables.model import Cell
from nqpf.units import region_sets

LANGUAGES = ("en", "zh")

TERMS: dict[str, tuple[str, str]] = {
    # descriptive statistics
    "descriptive": ("Descriptive statistics", "描述性统计"),
    "variable": ("Variable", "变量"),
    "obs": ("Obs.", "观测值"),
    "mean": ("Mean", "均值"),
    "sd": ("Std. dev.", "标准差"),
    "min": ("Min.", "最小值"),
    "max": ("Max.", "最大值"),
    # indicator systems and indices
    "indicator_system": ("Indicator system and entropy weights: {index}", "{index}评价指标体系及权重"),
    "dimension": ("Dimension", "维度"),
    "indicator": ("Indicator", "指标"),
    "direction": ("Direction", "属性"),
    "positive": ("Positive", "正向"),
    "negative": ("Negative", "负向"),
    "entropy": ("Entropy", "信息熵"),
    "weight_percent": ("Weight (%)", "权重（%）"),
    "indicator_system_weights": ("Indicator system and weights: {index}", "{index}评价指标体系及权重"),
    "method_weight": ("{method} (%)", "{method}（%）"),
    "combined_weight": ("Combined weight (%)", "组合权重（%）"),
    "method_entropy": ("Entropy", "熵值法"),
    "method_entropy_topsis": ("Entropy-TOPSIS", "熵权TOPSIS"),
    "method_equal": ("Equal", "等权重"),
    "method_critic": ("CRITIC", "CRITIC"),
    "method_scatter_degree": ("Scatter degree", "纵横向拉开档次法"),
    "method_game_theory": ("Game theory", "博弈论组合赋权"),
    "index_robustness": ("{index} under other weightings", "{index}替换赋权方法的稳健性检验"),
    "dimension_weights": ("{dimension} (weights {weights} %)", "{dimension}（权重 {weights}%）"),
    "robustness_correlations": ("Correlation with the index", "与原指数的相关系数"),
    "pearson_with_index": ("Pearson r", "Pearson 相关系数"),
    "spearman_with_index": ("Spearman rank correlation", "Spearman 秩相关系数"),
    "spearman_lowest_year": ("Spearman, lowest year", "Spearman 秩相关系数（最低年份）"),
    "index_robustness_note": (
        "The index rebuilt on the same normalised indicators with each weighting; weights in %; correlations "
        "over the {n} unit-years with a value.",
        "在相同的标准化指标上以各赋权方法重新测算指数；权重单位为 %；相关系数基于 {n} 个有效单元-年份观测值。",
    ),
    "dimension_weight": ("{dimension} (weight {weight} %)", "{dimension}（权重 {weight}%）"),
    "index_regions": ("{index} by region and year", "{index}分区域均值"),
    "year": ("Year", "年份"),
    "national": ("National", "全国"),
    "growth": ("Average annual growth (%)", "年均增长率（%）"),
    "index_note": ("Unweighted means of the units in each region.", "各区域内研究单元的算术平均值。"),
    "obstacles": ("Obstacle degrees of {index} by year (%)", "{index}障碍度诊断（%）"),
    "obstacle_dimensions": ("Dimensions", "维度障碍度"),
    "obstacle_top": ("Largest indicator obstacles", "主要障碍因子"),
    "obstacle_rank": ("{rank}", "第{rank}位"),
    "obstacle_regions": ("By region, {year}", "分区域（{year}年）"),
    "obstacles_note": (
        "Obstacle degree O = F (1 - x') / sum F (1 - x') x 100, F the indicator's weight, x' its normalised value as "
        "the index uses it; means over the units of each year; indicators ranked by their mean obstacle degree.",
        "障碍度 O = F(1 - x')/ΣF(1 - x') × 100，F 为指标权重，x' 为指数所用的标准化值；各年取研究单元均值，"
        "指标按平均障碍度排序。",
    ),
    # the baseline regression, correlations and VIF (nqpf.models.baseline)
    "baseline_title": ("Baseline regression of {dependent}", "{dependent}的基准回归结果"),
    "constant": ("Constant", "常数项"),
    "r2_within": ("Within R²", "组内 R²"),
    "baseline_cov_clustered": (
        "Fixed-effects (within) estimates; standard errors clustered by unit.",
        "固定效应模型估计结果，标准误聚类到个体层面。",
    ),
    "baseline_cov_robust": (
        "Fixed-effects (within) estimates; heteroskedasticity-robust (HC1) standard errors.",
        "固定效应模型估计结果，采用异方差稳健标准误（HC1）。",
    ),
    "baseline_cov_unadjusted": ("Fixed-effects (within) estimates.", "固定效应模型估计结果。"),
    "correlation_title": ("Correlation coefficients", "主要变量的相关系数矩阵"),
    "correlation_note": (
        "Pearson correlations over the {n} unit-years with a value of every variable.",
        "Pearson 相关系数，基于 {n} 个各变量均有取值的单元-年份观测值。",
    ),
    "vif_title": ("Variance inflation factors", "方差膨胀因子（VIF）检验"),
    "mean_vif": ("Mean VIF", "平均 VIF"),
    "vif_note": (
        "VIF of each explanatory variable in a pooled regression on the others with a constant; values below 10 "
        "are read as no serious multicollinearity.",
        "各解释变量对其余解释变量（含常数项）的混合回归所得 VIF；小于 10 通常视为不存在严重的多重共线性。",
    ),
    # Hansen's panel threshold model (nqpf.models.threshold)
    "threshold_tests_title": ("Threshold effect tests: {variable}", "门槛效应检验（门槛变量：{variable}）"),
    "threshold_model": ("Model", "模型"),
    "threshold_single": ("Single threshold", "单一门槛"),
    "threshold_double": ("Double threshold", "双重门槛"),
    "threshold_triple": ("Triple threshold", "三重门槛"),
    "threshold": ("Threshold", "门槛"),
    "threshold_name_g1": ("γ1", "γ1"),
    "threshold_name_g1_refined": ("γ1 (refined)", "γ1（修正）"),
    "threshold_name_g2": ("γ2", "γ2"),
    "threshold_name_g3": ("γ3", "γ3"),
    "estimate": ("Estimate", "估计值"),
    "ci95": ("95% interval", "95% 置信区间"),
    "f_statistic": ("F", "F 值"),
    "bootstrap_draws": ("Bootstrap draws", "BS 次数"),
    "critical_10": ("10% critical value", "10% 临界值"),
    "critical_5": ("5% critical value", "5% 临界值"),
    "critical_1": ("1% critical value", "1% 临界值"),
    "threshold_tests_note": (
        "F tests of one against none, two against one and three against two thresholds (Hansen 1999); p-values "
        "and critical values from the bootstrap under each null model, units drawn with replacement; thresholds "
        "with their likelihood-ratio intervals.",
        "依次检验单一、双重与三重门槛（Hansen 1999）；P 值与临界值由原假设模型下按个体有放回抽样的自抽样"
        "（Bootstrap）得到；门槛值的置信区间由似然比统计量构造。",
    ),
    "lr_plot_title": (
        "Likelihood ratio of each threshold; dashed: the {level}% critical value {critical}",
        "门槛估计值的似然比函数图（虚线为 {level}% 临界值 {critical}）",
    ),
    "distance_km_axis": ("Distance (km)", "距离（km）"),
    "boundary_title": (
        "Indirect effect by distance, {level}% interval shaded; filled: significant",
        "间接效应随距离的变化（阴影为 {level}% 置信区间，实心点为显著）",
    ),
    "boundary_table_title": (
        "Spillover boundary: effects of {variable} by distance",
        "空间溢出边界：{variable}的效应随距离的变化",
    ),
    "distance_band": ("{low}-{high} km", "{low}～{high} km"),
    "distance_beyond": ("≥ {low} km", "≥ {low} km"),
    "not_estimated": ("not estimated", "未估计"),
    "boundary_at_bound": (
        "† rho at the edge of W's interval: the effects at that distance are unreliable.",
        "† 表示 ρ 位于该权重矩阵参数空间的边界，该距离下的效应估计不可靠。",
    ),
    "boundary_left_out": ("rho at its bound, left out: {distances} km", "ρ 位于边界而未绘出：{distances} km"),
    "boundary_note_band": (
        "The SDM on W of the pairs of units in each ring of distances (inverse distance to the power {power}, "
        "row-standardised); effects with their standard errors; rho the spatial parameter.",
        "以各距离区间内的单元对构建空间权重矩阵（距离的 {power} 次幂倒数，行标准化）估计空间杜宾模型；"
        "括号内为效应的标准误，rho 为空间自回归系数。",
    ),
    "boundary_note_beyond": (
        "The SDM on W of the pairs of units at least the given distance apart (inverse distance to the power "
        "{power}, row-standardised); effects with their standard errors; rho the spatial parameter.",
        "以不小于给定距离的单元对构建空间权重矩阵（距离的 {power} 次幂倒数，行标准化）估计空间杜宾模型；"
        "括号内为效应的标准误，rho 为空间自回归系数。",
    ),
    "threshold_regression_title": (
        "Panel threshold regression: {variable}",
        "面板门槛模型估计结果（门槛变量：{variable}）",
    ),
    # spatial beta convergence
    "beta_convergence": ("Spatial beta convergence of {variable}", "{variable}的空间β收敛检验"),
    "club_convergence": ("Club convergence of {variable}", "{variable}的俱乐部收敛检验"),
    "beta_absolute": ("Absolute β", "绝对β收敛"),
    "beta_conditional": ("Conditional β", "条件β收敛"),
    "beta_ln": ("ln {variable} (β)", "ln {variable}（β）"),
    "theta_ln": ("W·ln {variable} (θ)", "W·ln {variable}（θ）"),
    "beta_model": ("β ({model})", "β（{model}）"),
    "direct_effect": ("Direct effect", "直接效应"),
    "indirect_effect": ("Indirect effect", "间接效应"),
    "total_effect": ("Total effect", "总效应"),
    "speed_percent": ("Speed of convergence (%)", "收敛速度（%）"),
    "half_life": ("Half-life (years)", "半生命周期（年）"),
    "speed_model": ("Speed, {model} (%)", "收敛速度，{model}（%）"),
    "half_life_model": ("Half-life, {model} (years)", "半生命周期，{model}（年）"),
    "beta_convergence_note": (
        "Absolute β: the cross-section of the yearly growth over {span} years on the initial level; conditional β: "
        "the panel of the growth over {period}-year spans on the level at each span's start, unit and year fixed "
        "effects (Lee-Yu corrected). Spatial models on {weights}. Speed -ln(1 + kβ)/k over k years, half-life "
        "ln 2/speed; direct and indirect effects of the initial level (LeSage and Pace 2009).",
        "绝对β收敛：以 {span} 年间的年均增长率对期初水平作截面回归；条件β收敛：以 {period} 年为一期的年均增长率对期初"
        "水平作面板回归，控制个体与时间固定效应（Lee-Yu 偏误修正）。空间模型采用{weights}。收敛速度为 -ln(1 + kβ)/k"
        "（k 为年数），半生命周期为 ln 2/收敛速度；直接效应与间接效应为期初水平的效应（LeSage and Pace, 2009）。",
    ),
    "club_convergence_note": (
        "β of each group of units with the weights {weights} restricted to the group and standardised again.",
        "各组别分别估计β，空间权重（{weights}）限于组内单元并重新标准化。",
    ),
    # ESDA
    "moran": ("Global Moran's I of {variable} by year", "{variable}全局莫兰指数"),
    "moran_note": (
        "z and p under the randomisation assumption (Cliff and Ord 1981), as R spdep's moran.test reports them.",
        "z 值与 p 值基于随机化假设（Cliff and Ord, 1981）计算，与 R spdep 的 moran.test 一致。",
    ),
    "clusters": ("Named spatial clusters", "空间集聚区识别"),
    "weights": ("Weights", "空间权重"),
    "statistic": ("Statistic", "统计量"),
    "region": ("Region", "区域"),
    "years_detected": ("Years detected", "识别年数"),
    "period": ("Period", "时段"),
    "members_last": ("Members (last year found)", "成员（最近识别年份）"),
    "no_clusters": ("No significant cluster matched a named region.", "未识别出与命名区域匹配的显著集聚区。"),
    "clusters_note": (
        "Significant high-value clusters of each year matched to the named regions; Jaccard: overlap of the cluster "
        "with the region's units.",
        "每年显著的高值集聚区与命名区域匹配；Jaccard 系数为集聚区与区域单元的重合度。",
    ),
    "lisa": ("LISA High-High", "LISA 高-高"),
    "gi_star": ("Gi* hot spot", "Gi* 热点"),
    # model selection
    "model_selection": ("Model selection tests ({weights})", "模型选择检验（{weights}）"),
    "test": ("Test", "检验"),
    "pooled": ("Pooled", "混合"),
    "unit_fe": ("Unit FE", "个体固定"),
    "time_fe": ("Time FE", "时间固定"),
    "two_way_fe": ("Two-way FE", "双向固定"),
    "lm_block": ("LM tests on the residuals of OLS", "基于 OLS 残差的 LM 检验"),
    "selection_block": ("LR, Wald and Hausman tests", "LR、Wald 与 Hausman 检验"),
    "df": ("df", "自由度"),
    "p": ("p", "p 值"),
    "decision": ("Decision at 5 %", "5% 水平结论"),
    "reject": ("Reject H0", "拒绝原假设"),
    "keep": ("Do not reject H0", "不能拒绝原假设"),
    "untested": ("No test (see the notes)", "无检验（见注）"),
    "lm_lag": ("LM-lag", "LM-lag"),
    "lm_error": ("LM-error", "LM-error"),
    "robust_lm_lag": ("Robust LM-lag", "Robust LM-lag"),
    "robust_lm_error": ("Robust LM-error", "Robust LM-error"),
    "wald_sdm_vs_sar": ("Wald: SDM vs SAR (theta = 0)", "Wald 检验：SDM 退化为 SAR"),
    "lr_sdm_vs_sar": ("LR: SDM vs SAR (theta = 0)", "LR 检验：SDM 退化为 SAR"),
    "wald_sdm_vs_sem": ("Wald: SDM vs SEM (theta = -rho beta)", "Wald 检验：SDM 退化为 SEM"),
    "lr_sdm_vs_sem": ("LR: SDM vs SEM (theta = -rho beta)", "LR 检验：SDM 退化为 SEM"),
    "wald_sdem_vs_sem": ("Wald: SDEM vs SEM (theta = 0)", "Wald 检验：SDEM 退化为 SEM"),
    "lr_sdem_vs_sem": ("LR: SDEM vs SEM (theta = 0)", "LR 检验：SDEM 退化为 SEM"),
    "lr_unit_effects": ("LR: joint significance of unit effects", "LR 检验：个体固定效应联合显著性"),
    "lr_time_effects": ("LR: joint significance of time effects", "LR 检验：时间固定效应联合显著性"),
    "hausman": ("Hausman: fixed vs random effects ({model})", "Hausman 检验：固定效应与随机效应（{model}）"),
    "p_in_parentheses": ("p-values in parentheses.", "括号内为 p 值。"),
    # regressions
    "main_models": (
        "Spatial panel models of {dependent} ({weights})",
        "{dependent}的空间面板模型估计结果（{weights}）",
    ),
    "unit_effects_row": ("Unit fixed effects", "个体固定效应"),
    "time_effects_row": ("Time fixed effects", "时间固定效应"),
    "yes": ("Yes", "是"),
    "no": ("No", "否"),
    "loglik": ("Log-likelihood", "对数似然值"),
    "n_units": ("Units (N)", "截面单元数（N）"),
    "n_periods": ("Years (T)", "年数（T）"),
    "n_obs": ("Observations", "观测值"),
    # the notes of stars and parentheses are made of these by Labels.stars_note and Labels.se_note
    "parentheses_std_error": ("Standard errors in parentheses", "括号内为标准误"),
    "parentheses_t": (
        "t statistics in parentheses (z for the maximum-likelihood models)",
        "括号内为 t 值（极大似然模型为 z 值）",
    ),
    "star_level": ("{symbol} p < {p}", "{symbol}"),
    "stars_several": ("{stars}", "{symbols} 分别表示在 {levels} 的水平上显著"),
    "stars_one": ("{stars}", "{symbols} 表示在 {levels} 的水平上显著"),
    "observations_likelihood": (
        "Observations are those the likelihood counts: after the Lee and Yu (2010) transformation N (T - 1) with "
        "unit effects, (N - 1) T with time effects and (N - 1)(T - 1) with two-way effects, of the N T unit-years.",
        "观测值为似然函数实际计入的样本数：Lee 和 Yu（2010）变换后，个体效应下为 N(T - 1)，时间效应下为 (N - 1)T，"
        "双向效应下为 (N - 1)(T - 1)，少于 N T 个单元-年份。",
    ),
    "observations_nt": (
        "Observations are the N T unit-years; after the Lee and Yu (2010) transformation the likelihood counts "
        "fewer: N (T - 1) with unit effects, (N - 1) T with time effects, (N - 1)(T - 1) with two-way effects.",
        "观测值为 N T 个单元-年份；Lee 和 Yu（2010）变换后似然函数计入的样本更少：个体效应下为 N(T - 1)，"
        "时间效应下为 (N - 1)T，双向效应下为 (N - 1)(T - 1)。",
    ),
    "estimation_note": (
        "Maximum likelihood with {fe} fixed effects{correction}; log-determinants from the eigenvalues of W.",
        "极大似然估计，{fe}固定效应{correction}；对数行列式由 W 的特征值精确计算。",
    ),
    "lee_yu": (
        ", bias-corrected by the Lee and Yu (2010) transformation",
        "，采用 Lee 和 Yu（2010）的偏误修正变换",
    ),
    "method_lee_yu": ("Lee-Yu transformation", "Lee-Yu 变换法"),
    "method_direct": ("Direct approach", "直接法"),
    "with_method": ("{text} ({method})", "{text}（{method}）"),
    "methods_note": ("Columns by estimation method: {methods}.", "按估计方法分列：{methods}。"),
    "method_note_lee_yu": (
        "{method}, the Lee and Yu (2010) orthonormal transformation, which removes the fixed effects and with them "
        "the bias of sigma² and rho (N - 1 units with time effects, T - 1 years with unit effects)",
        "{method}即 Lee 和 Yu（2010）的正交变换，消除固定效应及其导致的 σ² 与 ρ 偏误"
        "（含时间效应时为 N - 1 个单元，含个体效应时为 T - 1 年）",
    ),
    "method_note_direct": (
        "{method}, maximum likelihood on the demeaned data without bias correction (Elhorst 2014)",
        "{method}即对去均值数据直接进行极大似然估计，未作偏误修正（Elhorst, 2014）",
    ),
    "dropped_units": (
        "{n} units dropped for gaps: {units}; the models are estimated on the other units, W restricted to them "
        "and standardised again.",
        "{n} 个单元因数据缺失未纳入估计：{units}；模型基于其余单元估计，空间权重矩阵限定于这些单元并重新标准化。",
    ),
    "effects": (
        "Direct, indirect and total effects ({model}, {weights})",
        "直接效应、间接效应与总效应（{model}，{weights}）",
    ),
    "direct": ("Direct", "直接效应"),
    "indirect": ("Indirect", "间接效应"),
    "total": ("Total", "总效应"),
    "direct_block": ("Direct effects", "直接效应"),
    "indirect_block": ("Indirect effects", "间接效应"),
    "total_block": ("Total effects", "总效应"),
    "fit_block": ("Model", "模型统计量"),
    "effects_note": (
        "Effects after LeSage and Pace (2009) from exact traces of (I - rho W)^-1; standard errors from {draws} "
        "draws of the estimated asymptotic distribution.",
        "效应分解依据 LeSage 和 Pace（2009），由 (I - ρW)^-1 的精确迹计算；标准误基于 {draws} 次参数模拟。",
    ),
    "effects_normal": (
        "p-values and stars from z = effect / standard error on the normal distribution, as xsmle and spatialreg "
        "report them; the intervals of the effects figures are effect ± z standard errors, so an effect with a "
        "star at a level has an interval at that level that excludes 0.",
        "p 值与显著性标记由 z = 效应 / 标准误按正态分布计算（与 xsmle、spatialreg 一致）；效应图中的置信区间为效应 ± z 倍"
        "标准误，故在某一水平上显著的效应，其同一水平的区间不含 0。",
    ),
    "effects_percentile": (
        "p-values and stars from the draws: twice the share of draws on the other side of 0; the intervals of "
        "the effects figures are the percentile intervals of the same draws, so an effect with a star at a level "
        "has an interval at that level that excludes 0.",
        "p 值与显著性标记由模拟抽样计算（越过 0 的抽样比例的两倍）；效应图中的置信区间为同一组抽样的分位数区间，"
        "故在某一水平上显著的效应，其同一水平的区间不含 0。",
    ),
    "effects_note_analytic": (
        "Effects after LeSage and Pace (2009); standard errors analytic (the effects are linear in the coefficients).",
        "效应分解依据 LeSage 和 Pace（2009）；效应为系数的线性函数，标准误为解析值。",
    ),
    "at_bound": (
        "† The spatial parameter of {columns} lies at the bound of W's interval: the likelihood rises toward it, so "
        "that W does not suit the model and its effects are not to be read; the estimator is not normal there "
        "(Andrews 1999), so no standard errors are given.",
        "† {columns}的空间参数位于 W 取值区间的边界：似然函数向边界单调上升，该权重矩阵不适合此模型，其效应不宜解读；"
        "边界处估计量不服从正态分布（Andrews，1999），故不报告标准误。",
    ),
    "robustness": ("Robustness across weights matrices ({model})", "稳健性检验：替换空间权重矩阵（{model}）"),
    "comparison": ("Spatial panel models compared", "空间面板模型估计结果比较"),
    "heterogeneity": ("Regional heterogeneity ({model}, {weights})", "区域异质性分析（{model}，{weights}）"),
    "full_sample": ("Full sample", "全样本"),
    "heterogeneity_note": (
        "Each region estimated on its own with W restricted to the region and row-standardised again.",
        "分区域估计时空间权重矩阵限定在区域内部并重新行标准化。",
    ),
    "too_few_units": (
        "{region} not estimated: {n} units, fewer than the {minimum} the configuration asks for.",
        "{region}未单独估计：仅 {n} 个单元，少于配置要求的 {minimum} 个。",
    ),
    # disparity
    "dagum": (
        "Dagum Gini coefficient of {variable} and its decomposition",
        "{variable}的 Dagum 基尼系数及其分解",
    ),
    "overall": ("Overall", "总体"),
    "within": ("Within regions", "区域内"),
    "between": ("Between regions", "区域间"),
    "contribution": ("Contribution (%)", "贡献率（%）"),
    "within_short": ("Within", "区域内"),
    "between_short": ("Between", "区域间"),
    "transvariation": ("Transvariation", "超变密度"),
    "dagum_note": (
        "Dagum (1997) decomposition into within-region, net between-region and transvariation parts.",
        "依据 Dagum（1997）分解为区域内差异、区域间净值差异与超变密度。",
    ),
    # centrography
    "centrography": (
        "Gravity centre and standard deviational ellipse of {variable}",
        "{variable}的重心迁移与标准差椭圆参数",
    ),
    "centre_lon": ("Centre longitude (°E)", "重心经度（°E）"),
    "centre_lat": ("Centre latitude (°N)", "重心纬度（°N）"),
    "move_km": ("Move (km)", "移动距离（km）"),
    "direction_short": ("Direction", "移动方向"),
    "major_km": ("Major semi-axis (km)", "长半轴（km）"),
    "minor_km": ("Minor semi-axis (km)", "短半轴（km）"),
    "rotation": ("Rotation (°)", "转角（°）"),
    "ellipse_area": ("Area (10^4 km²)", "面积（万 km²）"),
    "shape_index": ("Shape index", "形状指数"),
    "centrography_note": (
        "Centre weighted by the variable; ellipse of {std} standard deviation(s){sqrt2} after ArcGIS's Directional "
        "Distribution, in {crs}; moves as the geodesic between successive centres; rotation of the major axis "
        "clockwise from north.",
        "以变量值加权的重心；标准差椭圆按 ArcGIS 方向分布工具计算（{std} 倍标准差{sqrt2}），投影为{crs}；"
        "移动距离为相邻年份重心间的测地线距离；转角为长轴自正北顺时针方向的角度。",
    ),
    "equal_area_projection": ("the units' equal-area projection", "研究单元的等积投影"),
    "sqrt2_applied": (" with the sqrt(2) correction", "，含 √2 校正"),
    "ellipse_title": (
        "Gravity centre and standard deviational ellipses of {variable}",
        "{variable}的重心迁移轨迹与标准差椭圆",
    ),
    "ellipse_year": ("ellipse {year}", "{year}年标准差椭圆"),
    "centre_track": ("Track of the gravity centre", "重心迁移轨迹"),
    "km_east": ("km east of the first year's centre", "相对首年重心向东距离（km）"),
    "km_north": ("km north of the first year's centre", "相对首年重心向北距离（km）"),
    "compass_N": ("N", "北"),
    "compass_NE": ("NE", "东北"),
    "compass_E": ("E", "东"),
    "compass_SE": ("SE", "东南"),
    "compass_S": ("S", "南"),
    "compass_SW": ("SW", "西南"),
    "compass_W": ("W", "西"),
    "compass_NW": ("NW", "西北"),
    # geographical detector
    "geodetector": (
        "Geographical detector of {variable}: factor detector",
        "{variable}的地理探测结果：因子探测",
    ),
    "geodetector_interaction": (
        "Geographical detector of {variable}: interaction detector, {period}",
        "{variable}的地理探测结果：交互探测（{period}）",
    ),
    "factor": ("Factor", "探测因子"),
    "strata": ("Strata", "分层数"),
    "pooled_years": ("Years pooled", "全部年份"),
    "geodetector_note": (
        "q = 1 - SSW / SST (Wang and Xu 2017); stars from the non-central F test of Wang, Zhang and Fu (2016); "
        "continuous factors discretised by the optimal parameters-based geographical detector (Song et al. 2020).",
        "q = 1 - SSW/SST（王劲峰和徐成东，2017）；显著性依据 Wang、Zhang 和 Fu（2016）的非中心 F 检验；"
        "连续型因子按最优参数地理探测器（Song 等，2020）离散化。",
    ),
    "interaction_note": (
        "Diagonal: the factor's own q. Below it: q of the two factors' intersected strata and the interaction type: "
        "NE nonlinear enhance, BE bivariate enhance, I independent, UW univariate weaken, NW nonlinear weaken.",
        "对角线为单因子 q 值；下三角为两因子叠加后的 q 值及交互类型：NE 非线性增强，BE 双因子增强，I 独立，"
        "UW 单因子非线性减弱，NW 非线性减弱。",
    ),
    "geodetector_figure": ("Geographical detector of {variable}", "{variable}的地理探测结果"),
    "interaction_panel": ("Interactions, {period}", "交互探测（{period}）"),
    # distribution dynamics
    "markov": (
        "Traditional and spatial Markov transition probabilities of {variable}",
        "{variable}的传统与空间马尔可夫转移概率矩阵",
    ),
    "lisa_markov": ("LISA Markov transitions of {variable}", "{variable}的 LISA 时空跃迁"),
    "markov_traditional": ("Traditional Markov chain", "传统马尔可夫链"),
    "markov_spatial": (
        "Spatial Markov chain ({weights}), neighbours {name}",
        "空间马尔可夫链（{weights}），邻域{name}",
    ),
    "neighbour_class": ("Neighbours: {name}", "邻域{name}"),
    "lag_type": ("Neighbours", "邻域类型"),
    "t_t1": ("t / t+1", "t / t+1"),
    "n_start": ("n", "n"),
    "class_numbered": ("Class {k}", "等级{k}"),
    "class_low": ("Low", "低水平"),
    "class_lower_middle": ("Lower-middle", "中低水平"),
    "class_middle": ("Middle", "中等水平"),
    "class_upper_middle": ("Upper-middle", "中高水平"),
    "class_high": ("High", "高水平"),
    "homogeneity_row": (
        "Homogeneity ({weights}): Q = {q} (p = {p_q}), LR = {lr} (p = {p_lr}), df = {dof}",
        "空间同质性检验（{weights}）：Q = {q}（p = {p_q}），LR = {lr}（p = {p_lr}），自由度 = {dof}",
    ),
    "time_homogeneity_row": (
        "Time homogeneity ({periods}): Q = {q} (p = {p_q}), LR = {lr} (p = {p_lr}), df = {dof}",
        "时间同质性检验（{periods}）：Q = {q}（p = {p_q}），LR = {lr}（p = {p_lr}），自由度 = {dof}",
    ),
    "markov_note": (
        "{k} classes by {scheme}; the spatial chains condition on the class of the neighbours' mean (row-standardised "
        "W) in the starting year (Rey 2001); homogeneity tests of Bickenbach and Bode (2003).",
        "按{scheme}划分为 {k} 个等级；空间马尔可夫链以期初邻域（行标准化权重）均值所属等级为条件（Rey, 2001）；"
        "同质性检验依据 Bickenbach 和 Bode（2003）。",
    ),
    "markov_scheme_pooled": ("the quantiles of all years pooled", "全部年份合并的分位数"),
    "markov_scheme_yearly": ("each year's quantiles", "各年分位数"),
    "markov_scheme_cutoffs": ("given cut-offs", "给定分界值"),
    "left_out_transitions": (
        "{n} transitions from or to a missing value left out.",
        "{n} 次涉及缺失值的转移未计入。",
    ),
    "no_lag_transitions": (
        "{n} transitions of units without neighbours or with an incomplete neighbourhood left out of the spatial "
        "chain on {weights}.",
        "{weights}下 {n} 次无邻居或邻域数据不完整单元的转移未计入空间马尔可夫链。",
    ),
    "move_type": ("Type", "跃迁类型"),
    "moves_count": ("Transitions", "转移次数"),
    "moves_share": ("Share (%)", "占比（%）"),
    "move_0": ("0: neither moves", "类型0：本单元与邻域均不变"),
    "move_I": ("I: the unit moves", "类型I：仅本单元跃迁"),
    "move_II": ("II: the neighbours move", "类型II：仅邻域跃迁"),
    "move_IIIA": ("IIIA: both, together", "类型IIIA：二者同向跃迁"),
    "move_IIIB": ("IIIB: both, apart", "类型IIIB：二者反向跃迁"),
    "lisa_markov_note": (
        "Moves between Moran scatterplot quadrants from one year to the next; types after Rey (2001).",
        "莫兰散点图象限的逐年跃迁；跃迁类型依据 Rey（2001）。",
    ),
    "markov_figure": (
        "Markov transition probabilities of {variable} ({weights})",
        "{variable}的马尔可夫转移概率（{weights}）",
    ),
    "surface_title": ("Kernel density of {variable} by year", "{variable}的动态核密度"),
    # figures (the tables' words where a figure shows the same thing: direct, indirect, total ...)
    "simulated": ("simulated demo data", "模拟数据"),
    "year_label": ("{year}", "{year}年"),
    "year_axis": ("year", "年份"),
    "no_data": ("no data", "无数据"),
    "outside_study": ("outside the study", "研究区外"),
    "islands_hidden": ("; South China Sea islands not shown", "；南海诸岛未显示"),
    "scheme_quantiles": ("quantiles", "分位数分级"),
    "scheme_equal_interval": ("equal intervals", "等间距分级"),
    "scheme_natural_breaks": ("natural breaks (Fisher-Jenks)", "自然断点分级（Fisher-Jenks）"),
    "scheme_user": ("given breaks", "指定断点分级"),
    "classes_pooled": (
        "{k} classes, {scheme} of the {years} years pooled",
        "{k} 级，{scheme}（{years} 年合并）",
    ),
    "classes_one": ("{k} classes, {scheme}", "{k} 级，{scheme}"),
    "lisa_HH": ("High-High", "高-高"),
    "lisa_LH": ("Low-High", "低-高"),
    "lisa_LL": ("Low-Low", "低-低"),
    "lisa_HL": ("High-Low", "高-低"),
    "not_significant": ("not significant", "不显著"),
    "island_unit": ("island", "孤立单元"),
    "lisa_title": (
        "LISA clusters of {variable} ({weights}, {method})",
        "{variable}的 LISA 集聚图（{weights}，{method}）",
    ),
    "correction_fdr": ("FDR", "FDR 校正"),
    "correction_bonferroni": ("Bonferroni", "Bonferroni 校正"),
    "correction_alpha": ("no correction", "未校正"),
    "scatter_title": ("{variable} ({weights}), {year}", "{variable}（{weights}），{year}年"),
    "scatter_observed": (
        "{variable} ({weights}), {year}, {n} of {total} units observed",
        "{variable}（{weights}），{year}年，{total} 个单元中 {n} 个有观测值",
    ),
    "moran_value": ("{title}: Moran's I = {value}", "{title}：莫兰指数 I = {value}"),
    "standardised": ("standardised value", "标准化值"),
    "standardised_lag": ("spatial lag of the standardised value", "标准化值的空间滞后"),
    "moran_axis": ("Moran's I", "莫兰指数"),
    "moran_trend": ("Global Moran's I (filled: p <= {alpha})", "全局莫兰指数（实心：p ≤ {alpha}）"),
    "w_map": (
        "W {name}: {kind}, {n} units, {links} links ({shown})",
        "空间权重 {name}：{kind}，{n} 个单元，{links} 条连接（{shown}）",
    ),
    "all_links": ("all links", "全部连接"),
    "strongest_links": ("each unit's {k} strongest links", "每个单元最强的 {k} 条连接"),
    "kind_contiguity": ("contiguity", "邻接"),
    "kind_knn": ("k nearest neighbours", "K 近邻"),
    "kind_distance_band": ("distance band", "距离阈值"),
    "kind_inverse_distance": ("inverse distance", "反距离"),
    "kind_negative_exponential": ("negative exponential distance", "负指数距离"),
    "kind_economic": ("economic distance", "经济距离"),
    "kind_economic_geographic": ("economic-geographic", "经济地理嵌套"),
    "kind_block": ("block", "区块"),
    "kind_file": ("from a file", "外部文件"),
    "kind_matrix": ("given matrix", "给定矩阵"),
    "mean_of": ("mean {variable}", "{variable}均值"),
    "by_region": ("{variable} by region", "{variable}分区域均值"),
    "density": ("density", "核密度"),
    "kernel": ("Kernel density of {variable}", "{variable}的核密度估计"),
    "gini_within": ("within regions", "区域内差异"),
    "gini_between": ("between regions (net)", "区域间净差异"),
    "gini_transvariation": ("transvariation", "超变密度"),
    "gini_overall": ("Gini G", "总体基尼系数 G"),
    "gini_axis": ("Dagum Gini", "Dagum 基尼系数"),
    "gini_title": ("Dagum Gini decomposition of {variable}", "{variable}的 Dagum 基尼系数分解"),
    "effect_direct": ("direct", "直接效应"),
    "effect_indirect": ("indirect (spillover)", "间接效应"),
    "effect_total": ("total", "总效应"),
    "spec_main": ("main", "基准"),
    "spec_random": ("random", "随机效应"),
    "spec_method": ("{spec} specification{method}", "{spec}设定{method}"),
    "method_of": (", {method}", "，{method}"),
    "effects_figure": (
        "{model} effects{target} ({spec}) on every W",
        "{model} 模型{target}的直接效应、间接效应与总效应（{spec}，各空间权重）",
    ),
    "effects_target": (" on {dependent}", "对{dependent}"),
    "coefficients_figure": (
        "Coefficients{target} ({spec}) on every W",
        "{target}系数估计（{spec}，各空间权重）",
    ),
    "coefficients_target": (" of {dependent}", "{dependent}的"),
    "effects_intervals": (
        "{level} intervals{how}; filled markers: the interval excludes 0",
        "{level} 置信区间{how}；实心标记：区间不含 0",
    ),
    "coefficient_intervals": (
        "{level} intervals (estimate ± {z} s.e.); filled markers: the interval excludes 0",
        "{level} 置信区间（估计值 ± {z} 倍标准误）；实心标记：区间不含 0",
    ),
    "interval_normal": ("effect ± {z} simulated s.e.", "效应 ± {z} 倍模拟标准误"),
    "interval_percentile": ("percentile intervals of the simulated effects", "模拟效应的分位数区间"),
    "at_bound_figure": (
        "†{parameter} at the bound of W's interval: these effects are not to be read",
        "†{parameter} 位于 W 取值区间的边界：这些效应不宜解读",
    ),
    # shared
    # mechanism tests
    "mediation_title": ("Mediation through {mediator}: stepwise test", "中介效应检验：{mediator}"),
    "mediation_test": ("Test of the mediated effect", "中介效应检验"),
    "mediated_effect": ("Mediated effect", "中介效应"),
    "share_mediated": ("Share of the total effect (%)", "中介效应占总效应比重（%）"),
    "sobel_z": ("Sobel z (p)", "Sobel 检验 z 值（p 值）"),
    "bootstrap_interval": ("Bootstrap 95% interval ({draws} draws)", "Bootstrap 95% 置信区间（{draws} 次）"),
    "mediation_note": (
        "Column (2) is the effect of the treatment on the mediator, the step many journals ask for alone (Jiang "
        "2022); columns (1)-(3) are the stepwise test (Wen and Ye 2014). The mediated effect a × b is tested by "
        "Sobel's z and a bootstrap of the units.",
        "第（2）列为核心解释变量对中介变量的影响，即许多期刊仅要求报告的一步（江艇，2022）；第（1）—（3）列为逐步回归"
        "检验（温忠麟和叶宝娟，2014）。中介效应 a × b 以 Sobel 检验和按单元抽样的 Bootstrap 检验。",
    ),
    "spatial_mediation_title": (
        "Spatial mediation through {mediator}: effects of each path ({model})",
        "空间中介效应分解：{mediator}（{model}）",
    ),
    "path": ("Path", "路径"),
    "path_x_m": ("{x} → {m}", "{x} → {m}"),
    "path_x_y": ("{x} → {y} (direct path)", "{x} → {y}（直接路径）"),
    "path_m_y": ("{m} → {y}", "{m} → {y}"),
    "path_mediated": ("{x} → {m} → {y} (mediated)", "{x} → {m} → {y}（中介路径）"),
    "path_total": ("{x} → {y} (both paths)", "{x} → {y}（总路径）"),
    "equation_of": ("equation of {variable}", "{variable}方程"),
    "spatial_mediation_note": (
        "The mediator's and the outcome's equations are {model}s with two-way fixed effects; each effect is the "
        "average of a matrix of partial derivatives, exact from W's eigenvalues (LeSage and Pace 2009), with the "
        "standard deviation of draws of the parameters.",
        "中介变量方程与被解释变量方程均为双向固定效应 {model}；各效应为偏导数矩阵的平均值，由 W 的特征值精确计算"
        "（LeSage 和 Pace，2009），标准误为参数抽样的标准差。",
    ),
    "fe_model": ("FE", "固定效应"),
    "moderation_title": ("Moderation by {moderator}", "调节效应检验：{moderator}"),
    "moderation_note": (
        "{treatment} × {moderator} is the product of the variables centred at their means ({x_mean} and "
        "{m_mean}; Aiken and West 1991).",
        "{treatment} × {moderator} 为两变量中心化（均值分别为 {x_mean} 和 {m_mean}）后的交互项（Aiken 和 West，1991）。",
    ),
    "quadratic_title": ("Non-linear effect of {variable}", "{variable}的非线性效应检验"),
    "turning_point": ("Turning point", "拐点"),
    "turning_point_of": ("{model}: {effect}", "{model}：{effect}"),
    "turning_coefficients": ("coefficients", "系数"),
    "turning_direct": ("direct effect", "直接效应"),
    "turning_indirect": ("indirect effect", "间接效应"),
    "turning_total": ("total effect", "总效应"),
    "slope_at_min": ("Slope at the smallest value ({value})", "最小值处斜率（{value}）"),
    "slope_at_max": ("Slope at the largest value ({value})", "最大值处斜率（{value}）"),
    "quadratic_note": (
        "Turning point -b1 / (2 b2), with a delta-method interval (fixed effects) or the draws' percentile "
        "interval (spatial effects); an inverted U (or U) needs slopes of opposite signs at the smallest and "
        "largest value (Lind and Mehlum 2010).",
        "拐点为 -b1 / (2 b2)，固定效应模型以 Delta 方法、空间效应以参数抽样分位数给出置信区间；倒 U 型（或 U 型）"
        "关系要求最小值与最大值处斜率符号相反（Lind 和 Mehlum，2010）。",
    ),
    "turning_outside": ("‡ the turning point lies outside the data.", "‡ 拐点位于样本取值范围之外。"),
    # the words of nqpf.figures.mechanisms
    "marginal_plot_marginal_effect": ("Marginal effect of {variable}", "{variable}的边际效应"),
    "marginal_plot_marginal_title": (
        "Marginal effect of {treatment} against {moderator}",
        "{treatment}的边际效应随{moderator}的变化",
    ),
    "marginal_plot_shaded": ("shaded: {level}% interval", "阴影为 {level}% 置信区间"),
    "marginal_plot_centre_line": ("dotted line: mean of {moderator}", "虚线为{moderator}均值"),
    "marginal_plot_rug": ("ticks at the bottom: observed values", "横轴上方短线为观测值分布"),
    "marginal_plot_fe": ("Fixed effects (non-spatial)", "固定效应模型（非空间）"),
    "marginal_plot_sdm": ("SDM", "空间杜宾模型"),
    "marginal_plot_sar": ("SAR", "空间滞后模型"),
    "marginal_plot_direct": ("direct effect", "直接效应"),
    "marginal_plot_indirect": ("indirect (spillover) effect", "间接效应（溢出效应）"),
    "marginal_plot_total": ("total effect", "总效应"),
    # the words of nqpf.figures.policy
    "policy_plot_event_title": ("Event study of {dependent}", "{dependent}的平行趋势检验（事件研究法）"),
    "policy_plot_relative_years": ("Years relative to the policy", "政策实施相对年份"),
    "policy_plot_effect_on": ("Effect on {dependent}", "对{dependent}的影响"),
    "policy_plot_points": ("points: estimates", "圆点为估计系数"),
    "policy_plot_bars": ("bars: {level}% confidence intervals", "竖线为{level}%置信区间"),
    "policy_plot_hollow": ("hollow point: reference period ({period})", "空心点为基期（{period}）"),
    "policy_plot_policy_line": ("dashed vertical line: adoption of the policy", "竖虚线为政策实施时点"),
    "policy_plot_pretrend": ("Joint test of the leads", "政策前各期系数联合检验"),
    "policy_plot_twfe": ("TWFE", "双向固定效应"),
    "policy_plot_sun_abraham": ("Sun and Abraham (2021)", "Sun 和 Abraham（2021）"),
    "policy_plot_main": ("Estimate", "基准估计"),
    "policy_plot_placebo_title": (
        "Placebo test: the DID over {draws} random assignments of the policy",
        "安慰剂检验：随机分配政策 {draws} 次的 DID 估计",
    ),
    "policy_plot_placebo_estimate": (
        "Estimated coefficient of the placebo treatment",
        "安慰剂处理的估计系数",
    ),
    "policy_plot_placebo_t": ("t statistic of the placebo treatment", "安慰剂处理估计系数的 t 值"),
    "policy_plot_density": ("Density", "核密度"),
    "policy_plot_actual_estimate": ("dashed line: actual estimate {value}", "竖虚线为真实估计系数 {value}"),
    "policy_plot_actual_t": ("dashed line: actual t statistic {value}", "竖虚线为真实 t 值 {value}"),
    "policy_plot_p_randomisation": ("randomisation {p}", "随机化检验 {p}"),
    "policy_plot_histogram": (
        "bars: histogram of the draws; curve: kernel density",
        "柱为抽样分布直方图，曲线为核密度",
    ),
    # policy evaluation (nqpf.tables.policy)
    "policy_did_title": (
        "Difference-in-differences estimates of the pilot policy on {dependent}",
        "试点政策对{dependent}影响的双重差分估计结果",
    ),
    "policy_event_title": (
        "Event study of the pilot policy on {dependent} (parallel trends)",
        "试点政策对{dependent}影响的事件研究（平行趋势检验）",
    ),
    "policy_pilot": ("Pilot (DID)", "试点政策（DID）"),
    "policy_w_pilot": ("W × Pilot", "W × 试点政策"),
    "policy_twfe": ("TWFE DID", "双向固定效应 DID"),
    "policy_sun_abraham": ("Sun and Abraham", "Sun 和 Abraham"),
    "policy_spatial": ("Spatial DID ({model})", "空间 DID（{model}）"),
    "policy_effects_of_pilot": ("Effects of the pilot", "试点政策的效应分解"),
    "policy_controls": ("Controls", "控制变量"),
    "policy_pilots": ("Pilot units (batches)", "试点单元数（批次）"),
    "policy_never": ("Units never in the pilot", "非试点单元数"),
    "policy_negative_weights": ("Treated cells with negative weights", "负权重处理组观测数"),
    "policy_pretrend": ("Joint test of the leads, F (p)", "政策前各期联合检验 F（p）"),
    "policy_placebo": (
        "Placebo test: randomisation p ({draws} draws)",
        "安慰剂检验随机化 p 值（{draws} 次）",
    ),
    "policy_relative": ("Years relative to the pilot", "相对试点年份"),
    "policy_reference": ("(reference)", "（基期）"),
    "policy_at_most": ("≤ {period}", "≤ {period}"),
    "policy_at_least": ("≥ {period}", "≥ {period}"),
    "policy_note_twfe": (
        "Column (1): two-way fixed-effects DID, D = 1 from a unit's first pilot year; with staggered batches it "
        "weighs the batch-year effects, some negatively (de Chaisemartin and D'Haultfoeuille 2020).",
        "第（1）列为双向固定效应 DID，D 自单元首个试点年份起取 1；分批试点时其为各批次各年效应的加权和，"
        "部分权重可能为负（de Chaisemartin 和 D'Haultfoeuille，2020）。",
    ),
    "policy_note_sun_abraham": (
        "Sun and Abraham (2021): the average of the batch-specific effects from the pilot year on, against the "
        "units never in the pilot.",
        "Sun 和 Abraham（2021）估计量：以从未试点单元为对照的各批次试点后效应的加权平均。",
    ),
    "policy_note_spatial": (
        "Spatial DID: D and W × D in a two-way fixed-effects {model}; the direct effect is the pilot's on its own "
        "unit, the indirect its spillover to the other units (LeSage and Pace 2009).",
        "空间 DID：D 与 W × D 进入双向固定效应{model}，直接效应为试点对本单元的影响，间接效应为对其他单元的"
        "空间溢出（LeSage 和 Pace，2009）。",
    ),
    "policy_note_event": (
        "Coefficients of the years relative to each unit's first pilot year; the year before is the reference; "
        "the end years absorb the years beyond them.",
        "系数为相对各单元首个试点年份的各期效应，以试点前一年为基期，首尾两期合并其外各期。",
    ),
    # the dynamic spatial panel model (nqpf.tables.dynamic_panel)
    "dynamic_title": (
        "Dynamic spatial Durbin model of {dependent} ({weights})",
        "{dependent}的动态空间杜宾模型估计结果（{weights}）",
    ),
    "dynamic_title_sar": (
        "Dynamic spatial lag model of {dependent} ({weights})",
        "{dependent}的动态空间滞后模型估计结果（{weights}）",
    ),
    "dynamic_corrected": ("Bias-corrected", "偏差修正"),
    "dynamic_qml": ("QML", "QML"),
    "dynamic_bias": ("Bias removed", "修正的偏差"),
    "dynamic_short_run": ("Short-run effects", "短期效应"),
    "dynamic_long_run": ("Long-run effects", "长期效应"),
    "dynamic_time_lag": ("{dependent} (t − 1)", "{dependent}（t − 1）"),
    "dynamic_stability": ("γ + η + ρ (s.e.)", "γ + η + ρ（标准误）"),
    "dynamic_modulus": ("Largest |eigenvalue| of A", "A 的最大特征值模"),
    "dynamic_note": (
        "Two-way fixed-effects dynamic {model} by quasi-maximum likelihood with Yu, de Jong and Lee's (2008) "
        "correction of the 1/T bias (time effects removed by Lee and Yu's 2010 transformation); the first year "
        "is the initial condition. Short-run effects: (I − ρW)⁻¹(β + θW); long-run: ((1 − γ)I − (ρ + η)W)⁻¹(β + "
        "θW) (Debarsy, Ertur and LeSage 2012), with {draws} parameter draws.",
        "双向固定效应动态{model}，准极大似然估计并按 Yu、de Jong 和 Lee（2008）修正 1/T 阶偏差（时间效应按 Lee 和 "
        "Yu（2010）的正交变换消除），首年为初始条件。短期效应为 (I − ρW)⁻¹(β + θW)，长期效应为 ((1 − γ)I − "
        "(ρ + η)W)⁻¹(β + θW)（Debarsy、Ertur 和 LeSage，2012），基于 {draws} 次参数抽样。",
    ),
    "dynamic_unstable": (
        "The estimated process is not stable: its long-run effects do not exist.",
        "估计的过程不平稳，长期效应不存在。",
    ),
    "demo": ("Simulated demo data.", "模拟演示数据（simulated demo data）。"),
    "fixed_effects_none": ("no", "无"),
    "fixed_effects_unit": ("unit", "个体"),
    "fixed_effects_time": ("time", "时间"),
    "fixed_effects_two-way": ("unit and time (two-way)", "个体和时间双向"),
}

REGIONS = {"East": "东部", "Central": "中部", "West": "西部", "Northeast": "东北"}
NAMED_REGIONS = {"Bohai Rim": "环渤海", "Yangtze River Delta": "长三角", "Pearl River Delta": "珠三角"}

# Symbols: the Unicode form for CSV, Markdown, HTML and Word; the LaTeX form for .tex.
SYMBOLS: dict[str, tuple[str, str]] = {
    "rho": ("ρ", r"$\rho$"),
    "lambda": ("λ", r"$\lambda$"),
    "sigma2": ("σ²", r"$\sigma^2$"),
    "r2": ("R²", r"$R^2$"),
    "moran_i": ("I", r"$I$"),
    "z": ("z", r"$z$"),
    "p": ("p", r"$p$"),
}


@dataclass(frozen=True)
class Labels:
    """The vocabulary in one language, with the study's own labels (config ``tables.labels``) on top."""

    language: str = "en"
    names: dict[str, dict[str, str]] = field(default_factory=dict)
    style: Style = field(default_factory=Style)

    def __post_init__(self) -> None:
        if self.language not in LANGUAGES:
            raise ValueError(f"tables.language is {self.language!r}; use one of {', '.join(LANGUAGES)}")

    @property
    def _slot(self) -> int:
        return LANGUAGES.index(self.language)

    def term(self, key: str, **values) -> str:
        return TERMS[key][self._slot].format(**values)

    def _stars(self) -> str:
        levels = self.style.stars
        if not levels:
            return ""
        stars = ", ".join(self.term("star_level", symbol=symbol, p=f"{p:g}") for p, symbol in levels)
        return self.term(
            "stars_several" if len(levels) > 1 else "stars_one",
            stars=stars,
            symbols="、".join(symbol for _, symbol in levels),
            levels="、".join(f"{100 * p:g}%" for p, _ in levels),
        )

    @property
    def _end(self) -> str:
        return "。" if self.language == "zh" else "."

    def stars_note(self) -> str:
        """What the stars mean, from the thresholds of ``style`` (empty when the tables print none)."""
        stars = self._stars()
        return stars + self._end if stars else ""

    def se_note(self) -> str:
        """What the parentheses under the estimates hold, and what the stars mean."""
        stars = self._stars()
        separator = "；" if self.language == "zh" else "; "
        return (
            self.term(f"parentheses_{self.style.parentheses}")
            + (separator + stars if stars else "")
            + self._end
        )

    def symbol(self, key: str) -> Cell:
        text, latex = SYMBOLS[key]
        return Cell(text, latex=latex)

    def name(self, key: str) -> str:
        """A variable, indicator, dimension, weights matrix or region as the reader should see it."""
        given = self.names.get(key, {})
        if self.language in given:
            return given[self.language]
        if self.language == "zh":
            if key in REGIONS:
                return REGIONS[key]
            if key in NAMED_REGIONS:
                return NAMED_REGIONS[key]
        if "en" not in given and key in (groups := region_sets.group_names()):
            # a group of a region set (三大地带, 八大综合经济区, basin reaches, 城市群) or outside
            return groups[key][self._slot]
        return given.get("en", key)

    def lagged(self, key: str) -> Cell:
        """The spatial lag of a variable: W × name."""
        name = self.name(key)
        return Cell(f"W × {name}", latex=f"$W \\times$ {escape_latex(name)}")

    def fixed_effects(self, kind: str) -> str:
        return self.term(f"fixed_effects_{kind}")


_LATEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "<": r"\textless{}",
    ">": r"\textgreater{}",
}


def escape_latex(text: str) -> str:
    return "".join(_LATEX_SPECIAL.get(ch, ch) for ch in text)


_CLASS_NAMES = {
    2: ("low", "high"),
    3: ("low", "middle", "high"),
    4: ("low", "lower_middle", "upper_middle", "high"),
    5: ("low", "lower_middle", "middle", "upper_middle", "high"),
}


def class_names(labels: Labels, k: int) -> list[str]:
    """The names of k ordered classes, low to high, as papers call them (4: low, lower-middle, upper-middle and
    high; 低水平, 中低水平, 中高水平, 高水平); numbered beyond five."""
    if k in _CLASS_NAMES:
        return [labels.term(f"class_{key}") for key in _CLASS_NAMES[k]]
    return [labels.term("class_numbered", k=i + 1) for i in range(k)]
