"""Weights files in every form researchers receive them (nqpf.weights.files): bare N x N matrices in CSV, text,
XLSX and MATLAB .mat with their ids, GWT with and without its header, Stata exports with text ids, CSV with ids.
Every number is checked against a hand-written matrix, a round trip or what R spdep reported (tests/fixtures)."""

from __future__ import annotations

import csv
import json
import zipfile
from pathlib import Path

import numpy as np
import pytest
import scipy.io
import scipy.sparse as sp

from nqpf import SpatialWeights
from nqpf.errors import InputError
from nqpf.weights import files
from nqpf.weights.summary import summarise

FIXTURES = Path(__file__).parent / "fixtures" / "spdep"

IDS = ["430102", "430103", "430104", "430105"]
# a hand-written 4 x 4 W: asymmetric, weighted, with an island (430105) and a row that sums to 1
W = np.array(
    [
        [0.0, 1.0, 2.0, 0.0],
        [1.0, 0.0, 0.5, 0.0],
        [0.25, 0.75, 0.0, 0.0],
        [0.0, 0.0, 0.0, 0.0],
    ]
)
ROWS = ["0,1,2,0", "1,0,0.5,0", "0.25,0.75,0,0", "0,0,0,0"]


def write_text(path: Path, lines) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def dense(read) -> np.ndarray:
    return read.matrix.toarray()


# -- hand-checked small cases ---------------------------------------------------------------------------------


def test_csv_matrix_with_a_header_of_ids(tmp_path):
    path = write_text(tmp_path / "W.csv", [",".join(IDS), *ROWS])
    read = files.read_file(path, "matrix", ids_from="header")
    assert read.ids == IDS
    np.testing.assert_array_equal(dense(read), W)
    facts = read.facts
    assert facts["links"] == 6 and facts["sum_of_weights"] == 5.5
    assert facts["symmetric"] is False and facts["max_asymmetry"] == 1.75  # |2 - 0.25|; |0.5 - 0.75| = 0.25
    assert facts["row_standardised"] is False and facts["island_ids"] == ["430105"]


def test_csv_matrix_without_header_and_an_ids_file(tmp_path):
    path = write_text(tmp_path / "W.csv", ROWS)
    write_text(tmp_path / "ids.csv", IDS)  # one column, no header
    read = files.read_file(path, "matrix", ids=tmp_path / "ids.csv")
    assert read.ids == IDS
    np.testing.assert_array_equal(dense(read), W)
    write_text(tmp_path / "ids_header.txt", ["code", *IDS])  # a header line above the ids
    write_text(tmp_path / "ids_other.csv", ["county_code", *IDS])  # a header nqpf does not know: an id
    stop(lambda: files.read_file(path, "matrix", ids=tmp_path / "ids_other.csv"), "row", says="5 ids")
    assert files.read_file(path, "matrix", ids=tmp_path / "ids_header.txt").ids == IDS
    write_text(tmp_path / "table.csv", ["name,code", *(f"n{k},{c}" for k, c in enumerate(IDS))])
    assert files.read_file(path, "matrix", ids=tmp_path / "table.csv", ids_column="code").ids == IDS


def test_matrix_with_ids_in_the_first_column_and_a_label_corner(tmp_path):
    lines = ["code," + ",".join(IDS)] + [f"{c},{r}" for c, r in zip(IDS, ROWS, strict=True)]
    path = write_text(tmp_path / "W.csv", lines)
    for ids_from in ("column", "header"):
        read = files.read_file(path, "matrix", ids_from=ids_from)
        assert read.ids == IDS
        np.testing.assert_array_equal(dense(read), W)


def test_xlsx_matrix_first_sheet_or_named(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "notes"
    book.active.append(["W of four counties"])
    sheet = book.create_sheet("W")
    sheet.append(["", *IDS])
    for code, row in zip(IDS, W, strict=True):
        sheet.append([code, *(float(v) for v in row)])
    first = book.create_sheet("first", 0)
    first.append([int(c) for c in IDS])  # ids as numbers, as Excel holds codes
    for row in W:
        first.append([float(v) if v else None for v in row])  # blanks for no link
    book.save(tmp_path / "W.xlsx")
    read = files.read_file(tmp_path / "W.xlsx", ids_from="header")  # the first sheet
    assert read.facts["sheet"] == "first" and read.ids == IDS
    np.testing.assert_array_equal(dense(read), W)
    assert read.facts["blank_cells"] == 10  # 16 cells, 6 links
    named = files.read_file(tmp_path / "W.xlsx", ids_from="column", sheet="W")
    assert named.ids == IDS
    np.testing.assert_array_equal(dense(named), W)
    with pytest.raises(InputError, match="no sheet 'W2'") as err:
        files.read_file(tmp_path / "W.xlsx", ids_from="column", sheet="W2")
    assert err.value.key == "weights[].sheet" and "first, notes, W" in err.value.fix


def test_mat_matrix_named_or_the_only_one(tmp_path):
    scipy.io.savemat(tmp_path / "W.mat", {"W": W, "n": np.array([[4.0]])})
    write_text(tmp_path / "ids.csv", IDS)
    read = files.read_file(tmp_path / "W.mat", ids=tmp_path / "ids.csv")
    assert read.facts["variable"] == "W" and read.ids == IDS
    np.testing.assert_array_equal(dense(read), W)
    scipy.io.savemat(tmp_path / "two.mat", {"W": W, "D": sp.csc_matrix(W.T)})  # the second one sparse
    read = files.read_file(tmp_path / "two.mat", ids=tmp_path / "ids.csv", variable="D")
    np.testing.assert_array_equal(dense(read), W.T)
    with pytest.raises(InputError, match="2 2-D numeric arrays") as err:
        files.read_file(tmp_path / "two.mat", ids=tmp_path / "ids.csv")
    assert err.value.key == "weights[].variable" and err.value.file.endswith("two.mat")


def test_from_file_api_and_what_it_reports(tmp_path):
    path = write_text(tmp_path / "W.csv", ROWS)
    write_text(tmp_path / "ids.csv", IDS)
    w = SpatialWeights.from_file(path, format="matrix", ids=tmp_path / "ids.csv", standardise="none")
    assert w.ids == tuple(IDS) and w.kind == "file"
    np.testing.assert_array_equal(w.raw.toarray(), W)
    assert w.asymmetry() == 1.75 and not w.is_row_standardised()
    assert w.parameters == {"path": str(path), "format": "matrix", "ids": str(tmp_path / "ids.csv")}
    action = w.actions[0]
    for words in (
        "6 links",
        "sum of weights 5.5",
        "max |w_ij - w_ji| = 1.75",
        "not row-standardised",
        "430105",
    ):
        assert words in action
    summary = summarise(w)
    assert summary["raw_weights"] == {
        "links": 6,
        "sum_of_weights": 5.5,
        "symmetric": False,
        "max_asymmetry": 1.75,
        "row_standardised": False,
        "islands": 1,
    }
    assert summary["exports"]["stata"]["id_map"] is None  # numeric codes: Stata takes them as they are
    rows = W / np.where(W.sum(1, keepdims=True) > 0, W.sum(1, keepdims=True), 1)
    files.write_matrix(IDS, rows, tmp_path / "R.csv", ids_to="column")
    again = SpatialWeights.from_file(tmp_path / "R.csv", format="matrix", ids_from="column")
    assert again.is_row_standardised() and "already row-standardised" in again.actions[0]


# -- every defect stops with the file, the place and the fix ----------------------------------------------------


def stop(call, *where, says: str) -> InputError:
    with pytest.raises(InputError) as caught:
        call()
    err = caught.value
    assert err.fix and err.file, str(err)
    for name in where:
        assert getattr(err, name) not in (None, ""), f"no {name} in:\n{err}"
    assert says in str(err), str(err)
    return err


def matrix_case(tmp_path, rows, ids=IDS):
    path = write_text(tmp_path / "W.csv", rows)
    write_text(tmp_path / "ids.csv", ids)
    return lambda: files.read_file(path, "matrix", ids=tmp_path / "ids.csv")


def test_defects_of_a_matrix(tmp_path):
    err = stop(matrix_case(tmp_path, [r + ",0" for r in ROWS]), "row", "column", says="not square")
    assert (err.row, err.column) == (1, "5") and "the ids give 4 columns" in str(err)
    ragged = [ROWS[0], ROWS[1] + ",0", *ROWS[2:]]
    err = stop(matrix_case(tmp_path, ragged), "row", "column", says="line 2 has 5 cells")
    assert (err.row, err.column) == (2, "5")
    short = [ROWS[0], ROWS[1], *ROWS[2:3]]  # a row missing
    stop(matrix_case(tmp_path, short), "row", says="4 ids need 4 rows")
    err = stop(matrix_case(tmp_path, ["0,1,nan,0", *ROWS[1:]]), "row", "column", "unit", says="not a finite")
    assert (err.row, err.column, err.unit) == (1, "3", "430102 -> 430104")
    err = stop(matrix_case(tmp_path, [*ROWS[:2], "0.25,-0.75,0,0", ROWS[3]]), "row", "unit", says="negative")
    assert (err.row, err.column, err.unit) == (3, "2", "430104 -> 430103")
    err = stop(
        matrix_case(tmp_path, [*ROWS[:3], "0,0,0,1"]), "row", "column", "unit", says="non-zero diagonal"
    )
    assert (err.row, err.column, err.unit) == (4, "4", "430105")
    err = stop(
        matrix_case(tmp_path, [*ROWS[:3], "0,0,x,0"]), "row", "column", "unit", says="'x', not a number"
    )
    assert (err.row, err.column) == (4, "3")
    err = stop(matrix_case(tmp_path, ROWS, IDS[:3] + [IDS[0]]), "row", "unit", says="430102 is given twice")
    assert err.file.endswith("ids.csv") and err.row == 4 and err.key == "weights[].ids"
    err = stop(matrix_case(tmp_path, ROWS, IDS[:3]), "row", "key", says="3 ids (the last on line 3)")
    assert err.file.endswith("ids.csv")


def test_defects_of_the_ids_and_the_file(tmp_path):
    path = write_text(tmp_path / "W.csv", ROWS)
    err = stop(lambda: files.read_file(path, "matrix", ids=tmp_path / "none.csv"), "key", says="not found")
    assert err.file.endswith("none.csv")
    err = stop(lambda: files.read_file(path, "matrix"), "key", says="has no ids")
    assert "ids_from: column" in err.fix and "ids:" in err.fix
    header = write_text(tmp_path / "H.csv", [",".join(["430102", "430103", "430199", "430105"]), *ROWS])
    write_text(tmp_path / "ids.csv", IDS)
    err = stop(
        lambda: files.read_file(header, "matrix", ids=tmp_path / "ids.csv"), "row", "column", says="430199"
    )
    assert (err.row, err.column) == (1, "3")
    header_ids = write_text(tmp_path / "D.csv", [",".join(IDS[:3] + [IDS[1]]), *ROWS])
    err = stop(
        lambda: files.read_file(header_ids, "matrix", ids_from="header"), "row", "column", says="twice"
    )
    assert (err.row, err.column) == (1, "4")


def test_a_matlab_v73_file_is_refused_with_the_way_out(tmp_path):
    # the 128-byte MATLAB 7.3 header, then the HDF5 signature at byte 512, as MATLAB's save -v7.3 writes it
    head = b"MATLAB 7.3 MAT-file, Platform: GLNXA64, Created on: Mon Jan  1 00:00:00 2024 HDF5 schema 1.00 ."
    data = head.ljust(116, b" ") + b"\x00" * 8 + b"\x00\x02IM"
    data = data.ljust(512, b"\x00") + b"\x89HDF\r\n\x1a\n" + b"\x00" * 64
    (tmp_path / "W.mat").write_bytes(data)
    write_text(tmp_path / "ids.csv", IDS)
    err = stop(lambda: files.read_file(tmp_path / "W.mat", ids=tmp_path / "ids.csv"), "row", says="v7.3")
    assert "-v7" in err.fix and "CSV" in err.fix


def test_options_that_do_not_apply_stop(tmp_path):
    path = write_text(tmp_path / "W.csv", ROWS)
    stop(lambda: files.read_file(path, "matrix", ids_from="column", sheet="W"), "key", says="sheet")
    stop(lambda: files.read_file(path, "matrix", ids="a.csv", ids_from="column"), "key", says="both")
    stop(lambda: files.read_file(path, "matrix", ids_from="column", ids_column="c"), "key", says="ids_column")


# -- round trips ---------------------------------------------------------------------------------------------


def awkward_matrix(n=6, seed=3) -> np.ndarray:
    """Weights no decimal text writes exactly: thirds, sevenths, inverse distances, one island."""
    rng = np.random.default_rng(seed)
    values = rng.random((n, n)) ** 3 / 7 + np.arange(n)[:, None] / 3
    values[rng.random((n, n)) < 0.3] = 0
    np.fill_diagonal(values, 0)
    values[n - 1] = 0
    return values


@pytest.mark.parametrize("suffix", ["csv", "txt", "xlsx", "mat"])
@pytest.mark.parametrize("ids_to", ["file", "header", "column"])
def test_bare_matrices_round_trip_exactly(tmp_path, suffix, ids_to):
    ids = ["110000", "120000", "130000", "140000", "150000", "210000"]
    if suffix != "mat":
        ids = ["北京", "Tianjin", "c-03", "007", "150000", "Nan"]  # text ids, a leading zero
    matrix = awkward_matrix()
    path = tmp_path / f"W.{suffix}"
    written = files.write_matrix(ids, matrix, path, ids_to=ids_to)
    options = {"ids": written} if ids_to == "file" else {"ids_from": ids_to}
    read = files.read_file(path, "matrix", **options)
    assert read.ids == ids
    np.testing.assert_array_equal(dense(read), matrix)  # the same doubles, bit for bit


@pytest.mark.parametrize("fmt", ["gal", "gwt", "gwt-headerless", "stata", "csv"])
def test_the_other_formats_round_trip_with_text_ids(tmp_path, fmt):
    ids = ["Anhua", "Changsha", "c01", "007", "430102", "Nan"]
    matrix = awkward_matrix()[:, :]
    matrix[:5, 5] = 0.5  # the last unit: no links of its own, but named as a neighbour (a GWT lists it)
    path = tmp_path / f"W.{ {'stata': 'txt', 'gwt-headerless': 'gwt'}.get(fmt, fmt) }"
    writer = {
        "gal": files.write_gal,
        "gwt": files.write_gwt,
        "gwt-headerless": lambda *a: files.write_gwt(*a, header=False),
        "stata": files.write_stata,
        "csv": files.write_csv,
    }[fmt]
    writer(ids, sp.csr_matrix(matrix), path)
    read = files.read_file(path, fmt.split("-")[0])
    assert read.ids == ids
    expected = (matrix != 0).astype(float) if fmt == "gal" else matrix
    np.testing.assert_array_equal(dense(read), expected)
    if fmt == "gwt-headerless":
        first = path.read_text().splitlines()[0].split()
        assert len(first) == 3 and first[0] == "Anhua"  # a link, no header


def test_stata_export_of_text_ids_writes_numbers_and_a_map(tmp_path):
    ids = ["Anhua", "Changsha", "007"]
    matrix = np.array([[0, 1, 0], [0.5, 0, 0.5], [1, 0, 0]])
    id_map = files.write_stata(ids, matrix, tmp_path / "w.stata.txt", names=["安化", "长沙", "seven"])
    assert id_map == tmp_path / "w.stata.ids.csv"
    lines = (tmp_path / "w.stata.txt").read_text().splitlines()
    assert lines[0] == "3" and [line.split()[0] for line in lines[1:]] == ["1", "2", "3"]
    with open(id_map, encoding="utf-8") as handle:
        assert list(csv.reader(handle)) == [
            ["stata_id", "code", "name"],
            ["1", "Anhua", "安化"],
            ["2", "Changsha", "长沙"],
            ["3", "007", "seven"],
        ]
    read = files.read_file(tmp_path / "w.stata.txt")
    assert read.ids == ids and "stata_id -> code" in read.facts["ids"]
    np.testing.assert_array_equal(dense(read), matrix)
    # numeric codes go as they are, and a stale map of an earlier export goes away
    assert files.write_stata(["110000", "120000", "130000"], matrix, tmp_path / "w.stata.txt") is None
    assert not id_map.exists()
    w = SpatialWeights.from_matrix(matrix, ids, name="u")
    export = summarise(w)["exports"]["stata"]
    assert export["id_map"] == "u.stata.ids.csv" and "1..n" in export["ids"]
    assert export["standardisation"] == "row" and export["row_standardised"] is True


def test_ids_with_spaces_cannot_go_into_gal_or_gwt(tmp_path):
    with pytest.raises(InputError, match="holds spaces") as err:
        files.write_gwt(["a", "Inner Mongolia"], sp.csr_matrix(np.eye(2)[::-1]), tmp_path / "w.gwt")
    assert err.value.unit == "Inner Mongolia"


# -- R spdep reads nqpf's GWT and GAL ---------------------------------------------------------------------------

SPDEP_IDS = ["Anhua", "Anren", "Anxiang", "Baojing", "Chaling"]
SPDEP_W = np.array(
    [
        [0, 0.25, 0.75, 0, 0],
        [1 / 3, 0, 0, 2 / 3, 0],
        [0.1, 0, 0, 0.2, 0.7],
        [0, 0, 0, 0, 0],
        [0, 0.5, 0, 0.5, 0],
    ]
)


def test_spdep_reads_the_gwt_and_gal_nqpf_writes(tmp_path):
    files.write_gwt(SPDEP_IDS, SPDEP_W, tmp_path / "w.gwt", source="hunan_fixture", id_variable="County")
    files.write_gal(SPDEP_IDS, SPDEP_W, tmp_path / "w.gal", source="hunan fixture", id_variable="County")
    # the files R read are the files nqpf writes today (a space in the source becomes _, as spdep needs)
    assert (tmp_path / "w.gwt").read_bytes() == (FIXTURES / "w.gwt").read_bytes()
    assert (tmp_path / "w.gal").read_bytes() == (FIXTURES / "w.gal").read_bytes()
    header = (FIXTURES / "w.gwt").read_text().splitlines()[0]
    assert len(header.split(" ")) == 4  # spdep splits on single spaces and wants four fields
    with open(FIXTURES / "spdep_gwt.csv", encoding="utf-8") as handle:
        links = list(csv.DictReader(handle))
    index = {unit: i for i, unit in enumerate(SPDEP_IDS)}
    from_r = np.zeros_like(SPDEP_W)
    for link in links:
        from_r[index[link["from"]], index[link["to"]]] = float(link["weight"])
    np.testing.assert_array_equal(from_r, SPDEP_W)  # what R read, to the last bit
    with open(FIXTURES / "spdep_card.csv", encoding="utf-8") as handle:
        card = list(csv.DictReader(handle))
    assert [row["id"] for row in card] == SPDEP_IDS
    expected = (SPDEP_W != 0).sum(axis=1).tolist()
    assert [int(row["card_gwt"]) for row in card] == expected
    assert [int(row["card_gal"]) for row in card] == expected
    read = files.read_file(FIXTURES / "w.gwt")
    order = [read.ids.index(unit) for unit in SPDEP_IDS if unit in read.ids]
    assert [read.ids[k] for k in order] == SPDEP_IDS  # Baojing has no links of its own but is a neighbour
    np.testing.assert_array_equal(dense(read)[np.ix_(order, order)], SPDEP_W)


# -- real data: the 88 Hunan counties ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def hunan_queen():
    from tests.conftest import REFERENCE_DATA

    shapefile = REFERENCE_DATA / "hunan" / "Hunan.shp"
    if not shapefile.exists():
        pytest.skip("../shared/reference-data/hunan/Hunan.shp is absent")
    from nqpf.units import boundaries

    gdf, _ = boundaries.read_file(shapefile, id_field="County", name_field="County")
    return SpatialWeights.from_geodataframe(gdf, "contiguity", name="queen", criterion="queen")


@pytest.mark.parametrize("suffix", ["csv", "xlsx", "mat"])
def test_hunan_queen_as_a_bare_matrix_reads_back_exactly(tmp_path, hunan_queen, reference_data, suffix):
    w = hunan_queen
    assert w.n == 88
    written = files.write_matrix(list(w.ids), w.matrix, tmp_path / f"W.{suffix}")
    back = SpatialWeights.from_file(
        tmp_path / f"W.{suffix}", format="matrix", ids=written, standardise="none"
    )
    assert back.ids == w.ids
    np.testing.assert_array_equal(back.raw.toarray(), w.matrix.toarray())  # row-standardised: 1/3, 1/7 ...
    assert back.is_row_standardised() and back.asymmetry() > 0
    assert json.loads(json.dumps(summarise(back)))["raw_weights"]["links"] == w.links


def test_a_study_weights_of_kind_file_reads_a_bare_xlsx_with_an_ids_file(tmp_path):
    import geopandas as gpd
    from shapely.geometry import box

    from nqpf import weights

    gdf = gpd.GeoDataFrame(
        {"code": IDS, "name": IDS}, geometry=[box(110 + k, 30, 110.5 + k, 30.5) for k in range(4)], crs=4326
    )
    order = [2, 0, 3, 1]  # the file lists the units in another order than the study
    written = files.write_matrix([IDS[k] for k in order], W[np.ix_(order, order)], tmp_path / "W.xlsx")
    spec = {
        "name": "user",
        "kind": "file",
        "path": str(tmp_path / "W.xlsx"),
        "format": "matrix",
        "ids": str(written),
        "standardise": "none",
        "islands": {"policy": "keep"},
    }
    w, facts = weights.build(spec, gdf)
    assert w.ids == tuple(IDS)
    np.testing.assert_array_equal(w.raw.toarray(), W)
    assert w.parameters["ids"] == str(written) and w.parameters["format"] == "matrix"
    assert facts["file"]["ids"] == str(written) and facts["file"]["island_ids"] == ["430105"]
    assert facts["file"]["max_asymmetry"] == 1.75 and "sum of weights 5.5" in facts["file"]["read"]


def test_full_matrix_exports_write_every_entry_as_the_dense_matrix_gives_it(tmp_path):
    """Stata's text and the CSV matrix format a sparse W's links only and write 0 for the rest
    (files._dense_rows): the same text as every entry of the dense matrix formatted, duplicates summed, a stored
    zero and a negative zero included."""
    rows = [0, 0, 1, 2, 2, 2, 3, 3]
    cols = [3, 1, 0, 1, 1, 3, 2, 0]
    data = [0.1, 1 / 3, 2.5e-17, 0.25, 0.5, 0.0, -0.0, 123456.789]
    matrix = sp.csr_matrix((data, (rows, cols)), shape=(4, 4))
    matrix.has_canonical_format = False
    expected = [[files._number(v) for v in row] for row in matrix.toarray()]
    assert list(files._dense_rows(matrix)) == expected
    ids = ["110000", "120000", "130000", "140000"]
    files.write_stata(ids, matrix, tmp_path / "w.stata.txt")
    lines = (tmp_path / "w.stata.txt").read_text(encoding="utf-8").splitlines()
    assert lines[1:] == [f"{unit} " + " ".join(row) for unit, row in zip(ids, expected, strict=True)]
    files.write_csv(ids, matrix, tmp_path / "w.csv")
    with open(tmp_path / "w.csv", encoding="utf-8", newline="") as handle:
        assert list(csv.reader(handle))[1:] == [[unit, *row] for unit, row in zip(ids, expected, strict=True)]


def test_a_bare_xlsx_matrix_is_the_same_bytes_on_every_write(tmp_path):
    """The workbook of write_matrix carries no time of writing (nqpf.io.with_rows), so a rerun gives the same file."""
    ids = ["北京", "Tianjin", "c-03", "007", "150000", "Nan"]
    first = files.write_matrix(ids, awkward_matrix(), tmp_path / "a.xlsx", ids_to="column")
    files.write_matrix(ids, awkward_matrix(), tmp_path / "b.xlsx", ids_to="column")
    assert first is None
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()
    archive = zipfile.ZipFile(tmp_path / "a.xlsx")
    assert {info.date_time for info in archive.infolist()} == {(2000, 1, 1, 0, 0, 0)}
    core = archive.read("docProps/core.xml").decode()
    assert core.count("2000-01-01T00:00:00Z") == 2  # created and modified
