"""The fairness report over plain rows: rates, mean scores and ratios by group, and the four-fifths flag."""

from __future__ import annotations

import pytest

from gateway.scoring.fairness import FairnessRow, province_of, render, report


def _rows() -> list[FairnessRow]:
    rows = []
    # dairy: 8 of 10 approved; seaweed: 6 of 10; patchouli: 7 of 10 (7/8 = 0.875 of the best: not flagged)
    for chain, approved, score in (("dairy", 8, 600), ("seaweed", 6, 540), ("patchouli", 7, 570)):
        for i in range(10):
            province = "Jawa Barat" if chain == "dairy" else "Nusa Tenggara Timur" if chain == "seaweed" else "Aceh"
            rows.append(FairnessRow(i < approved, score if i % 5 else None, chain, province, "f" if i % 2 else "m"))
    return rows


def test_approval_rates_ratios_and_mean_scores_by_group() -> None:
    by_chain = report(_rows())[0]
    assert by_chain.dimension == "value_chain"
    lines = {line.group: line for line in by_chain.groups}
    assert [line.group for line in by_chain.groups] == ["dairy", "patchouli", "seaweed"]
    assert (lines["dairy"].count, lines["dairy"].approval_rate, lines["dairy"].approval_ratio) == (10, 0.8, 1.0)
    assert lines["seaweed"].approval_ratio == pytest.approx(0.75)
    assert lines["patchouli"].approval_ratio == pytest.approx(0.875)
    assert (lines["seaweed"].mean_score, lines["seaweed"].score_ratio) == (540.0, pytest.approx(0.9))
    assert by_chain.flagged == ("seaweed",)


def test_gender_is_reported_where_recorded_and_said_so_where_not() -> None:
    reports = report(_rows())
    assert [line.group for line in reports[2].groups] == ["m", "f"]  # m: 5 of 5 approved in dairy
    unrecorded = report([FairnessRow(True, 500, "dairy", "Aceh")])
    assert (unrecorded[2].groups, unrecorded[2].note) == ((), "not recorded for any application")


def test_the_rendered_report_names_the_flagged_group() -> None:
    text = render("Stored decisions", report(_rows()))
    assert "seaweed         10     60.0%    0.75       540.0    0.90  <- below 0.8 of the best group" in text
    assert text.endswith("flagged: value_chain=seaweed, province=Nusa Tenggara Timur")
    assert "nothing to compare" in render("Stored decisions", report([]))


def test_the_province_is_the_last_part_of_the_place() -> None:
    assert province_of("Pangalengan, Jawa Barat") == "Jawa Barat"
    assert province_of("") == "(not recorded)"
