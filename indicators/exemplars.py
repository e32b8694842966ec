"""Exemplars (``DienHinh``): filters, publicity coverage, direct workers, replication. Pure pandas."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import pandas as pd

from sheets import schema as S
from sheets.load import Dataset

CHANNELS: tuple[str, ...] = S.CHANNELS
DIRECT_WORKER = S.GROUP_WORKER
NO_GROUP = "Chưa ghi nhóm"
NO_KIND = "Chưa phân loại"


@dataclass(frozen=True)
class Share:
    """``numerator`` of ``denominator``; ``percent`` is None when the denominator is 0."""

    numerator: int
    denominator: int

    @property
    def percent(self) -> float | None:
        return None if self.denominator == 0 else 100.0 * self.numerator / self.denominator


@dataclass(frozen=True)
class Summary:
    total: int
    by_kind: pd.DataFrame  # Loại, Số lượng
    channels: pd.DataFrame  # Kênh, Số điển hình, Tỉ lệ (%)
    publicised: Share  # with at least one channel
    direct_workers: Share  # among individual exemplars (Loại = Cá nhân)
    direct_workers_all: Share  # among every exemplar
    replicated: Share


def select(
    ds: Dataset,
    *,
    year: int | None = None,
    scope: str | None = None,
    movement: str | None = None,
    group: str | None = None,
    kinds: Collection[str] | None = None,
) -> pd.DataFrame:
    """Current exemplars (voided ones excluded), filtered; ``scope`` is a unit and its subtree."""
    f = ds.frames["DienHinh"]
    mask = pd.Series(True, index=f.index)
    if year is not None:
        mask &= (f["year"] == year).fillna(False).astype(bool)
    if scope is not None:
        mask &= f["unit"].isin(ds.tree.subtree(scope))
    if movement is not None:
        mask &= (f["movement"] == movement).fillna(False).astype(bool)
    if group is not None:
        mask &= (f["group"] == group).fillna(False).astype(bool) if group != NO_GROUP else f["group"].isna()
    if kinds is not None:
        mask &= f["kind"].fillna(NO_KIND).isin(list(kinds))
    return f[mask.to_numpy()].reset_index(drop=True)


def channel_lists(frame: pd.DataFrame) -> list[list[str]]:
    """Each row's publicity channels, parsed from the canonical ``a, b, c`` text."""
    out: list[list[str]] = []
    for v in frame["channels"] if len(frame) else []:
        if isinstance(v, str) and v.strip():
            out.append([p.strip() for p in v.split(",") if p.strip()])
        else:
            out.append([])
    return out


def channel_coverage(frame: pd.DataFrame) -> pd.DataFrame:
    """For every channel of the contract, how many exemplars were publicised there."""
    lists = channel_lists(frame)
    n = len(lists)
    counts = [sum(1 for ch in lists if c in ch) for c in CHANNELS]
    return pd.DataFrame(
        {
            "Kênh": list(CHANNELS),
            "Số điển hình": counts,
            "Tỉ lệ (%)": [(100.0 * k / n) if n else None for k in counts],
        }
    )


def publicised(frame: pd.DataFrame) -> Share:
    return Share(sum(1 for ch in channel_lists(frame) if ch), len(frame))


def direct_worker_share(frame: pd.DataFrame, *, individuals_only: bool = True) -> Share:
    """Exemplars in the group «Công nhân, lao động trực tiếp».

    With ``individuals_only`` the denominator is the individual exemplars (``Loại`` =
    ``Cá nhân``); otherwise every exemplar (collectives and good practices included).
    """
    base = frame[frame["kind"] == S.SUBJECT_PERSON] if individuals_only else frame
    return Share(int((base["group"] == DIRECT_WORKER).fillna(False).sum()), len(base))


def replicated(frame: pd.DataFrame) -> Share:
    return Share(int(frame["replicated"].fillna(False).astype(bool).sum()), len(frame))


def by_kind(frame: pd.DataFrame) -> pd.DataFrame:
    kinds = frame["kind"].fillna(NO_KIND)
    order = [*S.EXEMPLAR_KINDS, NO_KIND]
    counts = [int((kinds == k).sum()) for k in order]
    out = pd.DataFrame({"Loại": order, "Số lượng": counts})
    return out[(out["Số lượng"] > 0) | out["Loại"].isin(S.EXEMPLAR_KINDS)].reset_index(drop=True)


def by_group(frame: pd.DataFrame) -> pd.DataFrame:
    groups = frame["group"].fillna(NO_GROUP)
    order = [*S.GROUPS, NO_GROUP]
    out = pd.DataFrame({"Nhóm đối tượng": order, "Số lượng": [int((groups == g).sum()) for g in order]})
    return out[out["Số lượng"] > 0].reset_index(drop=True)


def summarise(frame: pd.DataFrame) -> Summary:
    return Summary(
        total=len(frame),
        by_kind=by_kind(frame),
        channels=channel_coverage(frame),
        publicised=publicised(frame),
        direct_workers=direct_worker_share(frame),
        direct_workers_all=direct_worker_share(frame, individuals_only=False),
        replicated=replicated(frame),
    )


def table(ds: Dataset, frame: pd.DataFrame) -> pd.DataFrame:
    """The registry as people read it: Vietnamese headers, unit and movement names."""
    pt = ds.frames["PhongTrao"]
    movements = dict(zip(pt["movement"], pt["name"], strict=True))
    return pd.DataFrame(
        {
            "Mã": frame["exemplar"],
            "Năm": frame["year"],
            "Tên": frame["name"],
            "Loại": frame["kind"],
            "Đơn vị": [ds.tree.name(u) for u in frame["unit"]],
            "Nhóm đối tượng": frame["group"],
            "Phong trào": [movements.get(m, m) if isinstance(m, str) else None for m in frame["movement"]],
            "Kênh tuyên truyền": frame["channels"],
            "Ngày tuyên truyền": frame["publicised"],
            "Đã nhân rộng": frame["replicated"].fillna(False).astype(bool),
        }
    )


def next_code(ds: Dataset, year: int, unit: str) -> str:
    """A free code in the demo's style: DH{year}-{unit}-{nn}."""
    taken = set(ds.versions["DienHinh"]["exemplar"]) if len(ds.versions["DienHinh"]) else set()
    n = 1
    while f"DH{year}-{unit}-{n:02d}" in taken:
        n += 1
    return f"DH{year}-{unit}-{n:02d}"
