"""Loan decisions: consent answers, each application's case, its decision history and the LOS hand-off.

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer, "sqlite")
WHEN = sa.DateTime(timezone=True)
REFERENCE = sa.String(20)


def upgrade() -> None:
    op.create_table(
        "loan_consents",
        sa.Column("id", ID, primary_key=True),
        sa.Column("reference", REFERENCE, nullable=False, unique=True),
        sa.Column("msisdn", sa.String(20), nullable=False),
        sa.Column("granted", sa.Boolean, nullable=False),
        sa.Column("wording_version", sa.String(40), nullable=False),
        sa.Column("channel", sa.String(10), nullable=False),
        sa.Column("answered_at", WHEN, nullable=False),
    )
    op.create_index("ix_loan_consents_msisdn", "loan_consents", ["msisdn"])
    op.create_table(
        "loan_cases",
        sa.Column("id", ID, primary_key=True),
        sa.Column("reference", REFERENCE, nullable=False, unique=True),
        sa.Column("msisdn", sa.String(20), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("lang", sa.String(8), nullable=False),
        sa.Column("channel", sa.String(10), nullable=False),
        sa.Column("submitted_at", WHEN, nullable=False),
        sa.Column("updated_at", WHEN, nullable=False),
        sa.Column("scored_at", WHEN, nullable=True),
    )
    op.create_index("ix_loan_cases_msisdn", "loan_cases", ["msisdn"])
    op.create_index("ix_loan_cases_state", "loan_cases", ["state"])
    op.create_table(
        "loan_decisions",
        sa.Column("id", ID, primary_key=True),
        sa.Column("reference", REFERENCE, nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("reason_code", sa.String(40), nullable=False),
        sa.Column("note", sa.String(500), nullable=False),
        sa.Column("score", sa.Integer, nullable=True),
        sa.Column("scorecard_version", sa.String(40), nullable=False),
        sa.Column("policy_version", sa.String(40), nullable=False),
        sa.Column("detail", sa.JSON, nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
    )
    op.create_index("ix_loan_decisions_reference", "loan_decisions", ["reference"])
    op.create_table(
        "los_deliveries",
        sa.Column("id", ID, primary_key=True),
        sa.Column("reference", REFERENCE, nullable=False, unique=True),
        sa.Column("state", sa.String(12), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("next_attempt_at", WHEN, nullable=False),
        sa.Column("last_error", sa.String(200), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("delivered_at", WHEN, nullable=True),
    )
    op.create_index("ix_los_deliveries_state", "los_deliveries", ["state"])


def downgrade() -> None:
    op.drop_index("ix_los_deliveries_state", table_name="los_deliveries")
    op.drop_table("los_deliveries")
    op.drop_index("ix_loan_decisions_reference", table_name="loan_decisions")
    op.drop_table("loan_decisions")
    op.drop_index("ix_loan_cases_state", table_name="loan_cases")
    op.drop_index("ix_loan_cases_msisdn", table_name="loan_cases")
    op.drop_table("loan_cases")
    op.drop_index("ix_loan_consents_msisdn", table_name="loan_consents")
    op.drop_table("loan_consents")
