"""Version 1: quiz answers.

Revision ID: r0001
"""

import sqlalchemy as sa
from alembic import op

revision = "r0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "answers",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("split", sa.String(8), nullable=False),
        sa.Column("idx", sa.Integer, nullable=False),
        sa.Column("answer", sa.String(1), nullable=False),
        sa.Column("who", sa.String(64), nullable=False),
        sa.Column("at", sa.String(32), nullable=False),
        sa.Column("round_id", sa.String(64), nullable=True),
    )
    op.create_index("ix_answers_digit", "answers", ["split", "idx"])


def downgrade() -> None:
    op.drop_table("answers")
