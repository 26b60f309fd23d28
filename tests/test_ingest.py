"""Reading yearbook-style tables: layouts, sheets, encodings, missing markers and bad cells."""

import numpy as np
import pandas as pd
import pytest

from nqpf.errors import InputError
from nqpf.panel import ingest
from nqpf.panel.ingest import DEFAULT_MISSING_MARKERS
from nqpf.panel.settings import TableSettings


def read(spec):
    return ingest.read_table(spec, DEFAULT_MISSING_MARKERS)


def test_wide_csv_with_missing_markers(tmp_path):
    path = tmp_path / "economy.csv"
    path.write_text(
        "地区,年份,GDP,人口\n北京,2019年,35371.3,2190\n天津,2019,…,1562\n河北,2019,—,\n山西,2019,-,NA\n"
        '内蒙古,2019,无,2540\n辽宁,2019,"25,115.0",4352\n',
        encoding="utf-8",
    )
    records, [report] = read(
        TableSettings(
            layout="wide", path=str(path), unit="地区", year="年份", variables={"GDP": "gdp", "人口": "pop"}
        )
    )
    gdp = records[records["variable"] == "gdp"].set_index("unit_raw")["value"]
    assert gdp["北京"] == 35371.3 and gdp["辽宁"] == 25115.0
    assert gdp[["天津", "河北", "山西", "内蒙古"]].isna().all()
    assert set(records["year"]) == {2019}
    assert report.missing == {"…": 1, "—": 1, "-": 1, "无": 1, "(empty)": 1, "NA": 1}
    assert records.set_index(["unit_raw", "variable"]).loc[("天津", "gdp"), "row"] == 3  # spreadsheet row


def test_a_non_numeric_cell_names_file_row_column_and_value(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(
        "unit,year,gdp\n北京,2019,35371.3\n天津,2019,14104.3*\n河北,2019,n/a yet\n", encoding="utf-8"
    )
    with pytest.raises(InputError, match="2 non-numeric cells") as err:
        read(TableSettings(layout="wide", path=str(path), unit="unit", year="year", variables={"gdp": "gdp"}))
    message = str(err.value)
    assert f"{path} row 3, column gdp: '14104.3*'" in message
    assert "row 4, column gdp: 'n/a yet'" in message
    assert err.value.file == str(path) and err.value.row == 3 and err.value.column == "gdp"
    assert "missing_markers" in err.value.fix


def test_long_layout_maps_labels_and_reports_the_rest(tmp_path):
    path = tmp_path / "long.csv"
    path.write_text(
        "code,year,indicator,value\n110000.0,2019,5G基站数(个),1000\n110000.0,2019,其他,5\n", encoding="utf-8"
    )
    spec = TableSettings(
        path=str(path),
        layout="long",
        unit="code",
        year="year",
        variable="indicator",
        value="value",
        variables={"5G基站数(个)": "bs5g"},
    )
    records, [report] = read(spec)
    assert records["variable"].tolist() == ["bs5g"]
    assert report.ignored_labels == ["其他"]


def test_long_layout_without_mapping_needs_valid_names(tmp_path):
    path = tmp_path / "long.csv"
    path.write_text("code,year,var,value\n110000,2019,gdp,1\n110000,2019,人口,2\n", encoding="utf-8")
    with pytest.raises(InputError, match="not valid names: 人口"):
        read(
            TableSettings(
                path=str(path), layout="long", unit="code", year="year", variable="var", value="value"
            )
        )


def test_wide_years_layout(tmp_path):
    path = tmp_path / "gdp.csv"
    path.write_text("地区,2018年,2019,note\n北京,1,2,x\n", encoding="utf-8")
    records, _ = read(TableSettings(path=str(path), layout="wide_years", unit="地区", variable_name="gdp"))
    assert records[["year", "value"]].values.tolist() == [[2018, 1.0], [2019, 2.0]]


def test_xlsx_sheets_as_years_with_a_title_row(tmp_path):
    path = tmp_path / "book.xlsx"
    with pd.ExcelWriter(path) as writer:
        for year in (2019, 2020):
            frame = pd.DataFrame({"地区": ["北京市", "全国"], "专利": [year, "…"]})
            pd.DataFrame([["表 1 分地区专利"]]).to_excel(
                writer, sheet_name=str(year), header=False, index=False
            )
            frame.to_excel(writer, sheet_name=str(year), startrow=1, index=False)
    spec = TableSettings(
        layout="wide",
        path=str(path),
        unit="地区",
        year_from="sheet",
        sheet="*",
        skip_rows=1,
        variables={"专利": "patents"},
    )
    records, [report] = read(spec)
    assert report.sheets == ["2019", "2020"]
    beijing = records[records["unit_raw"] == "北京市"]
    assert beijing[["year", "value"]].values.tolist() == [[2019, 2019.0], [2020, 2020.0]]
    assert beijing["row"].tolist() == [3, 3]  # title row 1, header row 2


def test_year_from_the_file_name_and_globs(tmp_path):
    for year in (2020, 2021):
        (tmp_path / f"rd_{year}.csv").write_text(f"unit,rd\n北京,{year}\n", encoding="utf-8")
    records, reports = read(
        TableSettings(
            layout="wide",
            path=str(tmp_path / "rd_*.csv"),
            unit="unit",
            year_from="filename",
            variables={"rd": "rd"},
        )
    )
    assert [r.path.endswith(f"rd_{y}.csv") for r, y in zip(reports, (2020, 2021), strict=True)] == [
        True,
        True,
    ]
    assert sorted(records["year"]) == [2020, 2021]


def test_encoding_errors_suggest_the_fix(tmp_path):
    path = tmp_path / "gbk.csv"
    path.write_bytes("地区,年份,GDP\n北京,2019,1\n".encode("gbk"))
    with pytest.raises(InputError, match="not in the utf-8-sig encoding") as err:
        read(TableSettings(layout="wide", path=str(path), unit="地区", year="年份", variables={"GDP": "gdp"}))
    assert "gbk" in err.value.fix
    records, _ = read(
        TableSettings(
            layout="wide", path=str(path), unit="地区", year="年份", variables={"GDP": "gdp"}, encoding="gbk"
        )
    )
    assert records["unit_raw"].tolist() == ["北京"]


def test_missing_columns_files_and_bad_years(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("地区 ,年份\n北京,二〇一九\n", encoding="utf-8")
    with pytest.raises(InputError, match="column 'GDP' not found") as err:
        read(TableSettings(layout="wide", path=str(path), unit="地区", year="年份", variables={"GDP": "gdp"}))
    assert "地区" in err.value.fix
    with pytest.raises(InputError, match="not a year"):
        read(TableSettings(path=str(path), layout="wide", unit="地区", year="年份", variables={"年份": "y"}))
    with pytest.raises(InputError, match="statistics file not found"):
        read(
            TableSettings(
                layout="wide", path=str(tmp_path / "nope.csv"), unit="u", year="y", variables={"a": "a"}
            )
        )
    with pytest.raises(InputError, match="no file matches"):
        read(
            TableSettings(
                layout="wide", path=str(tmp_path / "nope_*.csv"), unit="u", year="y", variables={"a": "a"}
            )
        )


def test_blank_rows_are_counted_not_read(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("unit,year,gdp\n北京,2019,1\n,,\n天津,2019,2\n", encoding="utf-8")
    records, [report] = read(
        TableSettings(layout="wide", path=str(path), unit="unit", year="year", variables={"gdp": "gdp"})
    )
    assert report.blank_rows == 1
    assert records["row"].tolist() == [2, 4]
    assert not np.isnan(records["value"]).any()


# --- what a value is: never changed on the way in ------------------------------------------------------------


@pytest.mark.parametrize("cell", ["102719.0①", "6468²", "1e309", "-1e400", "12.5*", "3a"])
def test_a_footnote_marker_or_an_overflow_is_a_bad_cell_never_a_digit(tmp_path, cell):
    path = tmp_path / "t.csv"
    path.write_text(f"unit,year,gdp\n北京,2019,1.5\n天津,2019,{cell}\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        read(TableSettings(layout="wide", path=str(path), unit="unit", year="year", variables={"gdp": "gdp"}))
    assert f"row 3, column gdp: {cell!r}" in str(err.value) and "footnote" in err.value.fix


def test_full_width_digits_are_read_and_said(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("unit,year,gdp\n北京,2019,１２３．５\n天津,2019,7\n", encoding="utf-8")
    records, [report] = read(
        TableSettings(layout="wide", path=str(path), unit="unit", year="year", variables={"gdp": "gdp"})
    )
    assert records["value"].tolist() == [123.5, 7.0] and report.full_width == 1


def test_excel_error_cells_stop_like_any_bad_cell(tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["表 1 地区生产总值"])
    sheet.append(["地区", "年份", "GDP"])
    sheet.append(["北京", 2019, 1.5])
    sheet.append(["天津", 2019, None])
    sheet["C4"].value, sheet["C4"].data_type = "#DIV/0!", "e"
    path = tmp_path / "t.xlsx"
    book.save(path)
    with pytest.raises(InputError) as err:
        read(
            TableSettings(
                layout="wide", path=str(path), unit="地区", year="年份", skip_rows=1, variables={"GDP": "gdp"}
            )
        )
    assert "row 4, column GDP: '#DIV/0!'" in str(err.value)


def test_only_a_workbook_with_an_error_cell_is_read_a_second_time(tmp_path):
    import zipfile

    import openpyxl

    from nqpf.panel import ingest

    book = openpyxl.Workbook()
    book.active.append(["地区", "年份", "GDP"])
    book.active.append(["北京", 2019, 1.5])
    clean = tmp_path / "clean.xlsx"
    book.save(clean)
    book.active["C2"].value, book.active["C2"].data_type = "#REF!", "e"
    errors = tmp_path / "errors.xlsx"
    book.save(errors)
    assert not ingest._may_hold_errors(str(clean)) and ingest._may_hold_errors(str(errors))
    assert ingest._error_cells(str(clean), ["Sheet"]) == {}
    assert ingest._error_cells(str(errors), ["Sheet"]) == {"Sheet": {(2, 3): "#REF!"}}
    # another writer's quotes (t='e') are found as well
    quoted = tmp_path / "quoted.xlsx"
    with zipfile.ZipFile(errors) as source, zipfile.ZipFile(quoted, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                assert b't="e"' in data
                data = data.replace(b't="e"', b"t='e'")
            target.writestr(item, data)
    assert ingest._may_hold_errors(str(quoted))
    assert ingest._error_cells(str(quoted), ["Sheet"]) == {"Sheet": {(2, 3): "#REF!"}}


def test_a_legacy_xls_file_says_to_save_it_as_xlsx(tmp_path):
    path = tmp_path / "t.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504)
    with pytest.raises(InputError, match="legacy Excel") as err:
        read(TableSettings(layout="wide", path=str(path), unit="u", year="y", variables={"a": "a"}))
    assert ".xlsx" in err.value.fix


def test_cells_read_together_give_what_each_cell_read_alone_gives():
    """ingest._parse_values reads Python numbers and plain ASCII number texts together, and every other cell one
    by one: the numbers, the bad cells and the report's marker and full-width counts equal _parse_value's, cell by
    cell, on a mix of what spreadsheets and CSV files give."""
    markers = {ingest._clean(m) for m in ["-", "—", "0", "n.a."]}
    cells = [
        1.5,
        2,
        float("nan"),
        float("inf"),
        -float("inf"),
        True,
        np.float64(3.25),
        np.int64(7),
        None,
        "12.5",
        "-3",
        "+4",
        ".5",
        "6.",
        "1e5",
        "1E-3",
        "1e999",
        "0",
        "00",
        " 12 ",
        "12\n",
        "1,234.5",
        "１２．５",
        "٣",
        "12a",
        "①",
        "-",
        "—",
        "n.a.",
        "N.A.",
        "",
        "abc",
        "1_000",
        "0x10",
        "nan",
        "inf",
    ]
    values = np.empty(len(cells), dtype=object)
    values[:] = cells
    together = ingest.FileReport(path="f", sha256="")
    numbers, bad = ingest._parse_values(values, markers, together)
    alone = ingest.FileReport(path="f", sha256="")
    for k, cell in enumerate(cells):
        number, marker, is_bad, wide = ingest._parse_value(cell, markers)
        assert (number == numbers[k] or (np.isnan(number) and np.isnan(numbers[k]))) and is_bad == bad[k], (
            cell
        )
        if marker is not None:
            alone.missing[marker] += 1
        alone.full_width += wide
    assert together.missing == alone.missing and together.full_width == alone.full_width
    assert numbers[9] == 12.5 and bad[16] and np.isnan(numbers[17])  # "1e999" is bad; "0" is a marker here
