"""Words that follow the region tree (issue 22): the members of the tree's parent are 城市 under a province,
省份 under a country, 地区 otherwise — in headings, pickers, counts and the leadership screen."""
from __future__ import annotations

from services.i18n import t


def member_level(rep) -> str:
    """The level ('city', 'province', …) of the members of the report's parent region."""
    regions = rep.regions.set_index("code")
    members = rep.progress.loc[~rep.progress["is_province"].astype(bool), "region"]
    levels = {str(regions["level"].get(m)) for m in members if m in regions.index}
    return levels.pop() if len(levels) == 1 else "region"


def parent_level(rep) -> str:
    regions = rep.regions.set_index("code")
    return str(regions["level"].get(rep.province, "region")) if rep.province else "region"


def member(rep) -> str:
    """城市 / 省份 / 地区 (city / province / region)."""
    return t(f"fu_member_{member_level(rep) if member_level(rep) in ('city', 'province') else 'region'}")


def members(rep) -> str:
    """Plural in English (cities / provinces / regions); the same word in Chinese."""
    return t(f"fu_members_{member_level(rep) if member_level(rep) in ('city', 'province') else 'region'}")


def total(rep) -> str:
    """全省合计 / 全国合计 / 合计 (the parent's total)."""
    lvl = parent_level(rep)
    return t(f"fu_total_{lvl if lvl in ('province', 'country') else 'region'}")
