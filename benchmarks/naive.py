"""The naive peer: how spreadsheets are commonly read with gspread, one worksheet at a time.

For each spreadsheet, sequentially (registry first, then every linked one): one metadata
request for the tab list, then ``worksheet.get_all_values()`` per tab, one after the other.
This is the peer at its best. The usual idiom, ``client.open_by_key(key).worksheets()``, costs
one more metadata request (``open_by_key`` fetches metadata and keeps only the spreadsheet's
properties; ``worksheets()`` fetches it again), and streamlit-gsheets-connection's
``conn.read(worksheet=...)`` opens the spreadsheet and looks the worksheet up again for every tab
(three requests a tab). Values are asked for unformatted, dates as serial numbers, so the cells
are the same as the store's and ``load`` makes the same Dataset of them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import gspread
from gspread.exceptions import APIError
from gspread.utils import DateTimeOption, ValueRenderOption

from sheets.stores.base import Grid, SheetRead
from sheets.stores.gsheets import grid_from_values, spreadsheet_key, spreadsheet_url


class NaiveSheetsStore:
    """Read-only Store over gspread, sequential, a request per worksheet (for ``load``)."""

    def __init__(self, registry: str, *, client: gspread.Client) -> None:
        self.client = client
        self.registry = registry
        self.label = f"naive-gsheets:{registry}"

    def canonical_name(self, value: str) -> str:
        return spreadsheet_key(value) or str(value).strip()

    def _read_one(self, name: str) -> SheetRead:
        key = spreadsheet_key(name)
        if key is None:
            return SheetRead(name, error=f"«{name}» không phải mã bảng tính Google Sheets.")
        http = self.client.http_client
        try:
            meta: dict[str, Any] = dict(http.fetch_sheet_metadata(key))  # the tab list
            tabs = {}
            for sheet in meta.get("sheets", []):
                props = sheet["properties"]
                if props.get("sheetType", "GRID") != "GRID":
                    continue
                ws = gspread.Worksheet(None, props, key, http)  # type: ignore[arg-type]
                values = ws.get_all_values(
                    value_render_option=ValueRenderOption.unformatted,
                    date_time_render_option=DateTimeOption.serial_number,
                )
                tabs[ws.title] = grid_from_values(values)
        except APIError as exc:
            return SheetRead(name, error=f"HTTP {exc.code}: {exc.error.get('message', '')}")
        return SheetRead(name, tabs, url=spreadsheet_url(key))

    def read(self, names: Sequence[str]) -> list[SheetRead]:
        return [self._read_one(n) for n in names]  # one after the other

    def spreadsheet_names(self) -> list[str]:
        return [self.registry]

    # read-only: the rest of the Store protocol is not needed by ``load``

    def append_rows(self, sheet: str, tab: str, header: list[str], rows: Grid) -> None:
        raise NotImplementedError("the naive peer only reads")

    def has_write_id(self, sheet: str, tab: str, write_id: str) -> bool:
        raise NotImplementedError("the naive peer only reads")

    def replace_tab(self, sheet: str, tab: str, grid: Grid) -> None:
        raise NotImplementedError("the naive peer only reads")

    def ensure_spreadsheet(self, sheet: str) -> bool:
        return False

    def sheet_name_for(self, unit_code: str) -> str:
        raise NotImplementedError("the naive peer only reads")

    def invalidate(self, sheet: str | None = None) -> None:
        return None  # nothing is cached
