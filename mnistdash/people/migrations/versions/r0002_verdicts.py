"""Version 2: mislabel-table verdicts, where each answer came from, answers by person and time.

Revision ID: r0002
"""

import sqlalchemy as sa
from alembic import op

revision = "r0002"
down_revision = "r0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("answers") as batch:
        batch.add_column(sa.Column("source", sa.String(16), nullable=False, server_default="quiz"))
    op.create_index("ix_answers_who_at", "answers", ["who", "at"])
    op.create_table(
        "verdicts",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("split", sa.String(8), nullable=False),
        sa.Column("idx", sa.Integer, nullable=False),
        sa.Column("verdict", sa.String(16), nullable=False),
        sa.Column("who", sa.String(64), nullable=False),
        sa.Column("at", sa.String(32), nullable=False),
    )
    op.create_index("ix_verdicts_who_digit", "verdicts", ["who", "split", "idx"])


def downgrade() -> None:
    op.drop_table("verdicts")
    op.drop_index("ix_answers_who_at", "answers")
    with op.batch_alter_table("answers") as batch:
        batch.drop_column("source")
