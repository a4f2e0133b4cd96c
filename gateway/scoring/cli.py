"""`jembatan scoring fit` (propose a scorecard from past loans) and `jembatan scoring report` (fairness)."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from gateway.config import Settings

DEFAULT_PROPOSAL = "scorecard.proposed.yaml"


def cmd_fit(args: argparse.Namespace, settings: Settings) -> int:
    from gateway.scoring.fit import NotEnoughHistory, propose
    from gateway.scoring.scorecard import SCORECARD_FILE, load_scorecard
    from gateway.storage.db import make_engine

    live = (settings.menus_dir / SCORECARD_FILE).resolve()
    base_path = Path(args.base) if args.base else live
    out = Path(args.out)
    if out.resolve() == live and not args.replace_live:
        print(
            f"{out} is the live scorecard: write the proposal elsewhere for review (or give --replace-live)",
            file=sys.stderr,
        )
        return 2
    try:
        base = load_scorecard(base_path)
    except (OSError, ValueError) as exc:
        print(f"cannot use {base_path} as the base scorecard:\n{exc}", file=sys.stderr)
        return 2
    engine = make_engine(settings.database_url)
    try:
        fitted = propose(engine, base, datetime.now(UTC))
    except NotEnoughHistory as exc:
        print(f"not enough history to fit: {exc}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    out.write_text(fitted.text, encoding="utf-8")
    print(f"proposed scorecard written to {out} (version {fitted.scorecard.version}); review it before use")
    print(f"past loans: {fitted.loans} ({fitted.bad} bad); fitted on {fitted.trained_on}, held back {fitted.held_back}")
    print(f"on the held-back loans: AUC {fitted.auc:.3f}, KS {fitted.ks:.3f}")
    if fitted.dropped:
        print(f"features left out (no usable bins): {', '.join(fitted.dropped)}")
    return 0


def cmd_report(args: argparse.Namespace, settings: Settings) -> int:
    from gateway.scoring.fairness import render, replayed_rows, report, stored_rows
    from gateway.scoring.policy import load_policy
    from gateway.scoring.scorecard import SCORECARD_FILE, load_scorecard
    from gateway.storage.db import make_engine

    engine = make_engine(settings.database_url)
    try:
        if args.replay_history:
            card = load_scorecard(settings.menus_dir / SCORECARD_FILE)
            policy = load_policy(settings.menus_dir / "decision_policy.yaml")
            rows = replayed_rows(engine, card, policy)
            title = f"Past loans scored again with scorecard {card.version} and policy {policy.version}: {len(rows)}"
        else:
            rows = stored_rows(engine)
            title = f"Stored decisions: {len(rows)} decided applications (referred and withdrawn ones left out)"
    finally:
        engine.dispose()
    print(render(title, report(rows)))
    return 0


def add_commands(sub: Any) -> None:
    scoring = sub.add_parser("scoring", help="credit scoring: fit a scorecard, fairness report")
    commands = scoring.add_subparsers(dest="scoring_command", required=True)
    fit = commands.add_parser("fit", help="propose a scorecard from past loans (optbinning); prints AUC and KS")
    fit.add_argument(
        "--out", default=DEFAULT_PROPOSAL, help=f"where to write the proposal (default: {DEFAULT_PROPOSAL})"
    )
    fit.add_argument("--base", help="the scorecard whose features and windows to fit (default: the live one)")
    fit.add_argument("--replace-live", action="store_true", help="allow --out to be the live menus/scorecard.yaml")
    fit.set_defaults(func=cmd_fit)
    rep = commands.add_parser("report", help="approval rates and mean scores by value chain, province and gender")
    rep.add_argument(
        "--replay-history",
        action="store_true",
        help="score every closed past loan with today's scorecard and policy instead",
    )
    rep.set_defaults(func=cmd_report)
