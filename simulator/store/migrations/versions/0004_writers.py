"""One writer per session (a lease row), imported copies, at most one live turn per number (version 4).

Revision ID: 0004
Revises: 0003
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "session_writers",
        sa.Column("session_id", sa.Integer(), sa.ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True,
                  autoincrement=False),
        sa.Column("token", sa.Text(), nullable=False),
        sa.Column("host", sa.Text(), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("seen_at", sa.Text(), nullable=False),
    )
    op.create_index("session_writers_by_token", "session_writers", ["token"])
    op.add_column("sessions", sa.Column("copy_of", sa.Text()))
    # Two writers at once could leave two live turns with one number before version 4: keep the first.
    op.execute("""UPDATE turns SET rewound_at = recorded_at WHERE rewound_at IS NULL AND EXISTS (
        SELECT 1 FROM turns AS first WHERE first.session_id = turns.session_id AND first.turn = turns.turn
        AND first.rewound_at IS NULL AND first.seq < turns.seq)""")
    live = sa.text("rewound_at IS NULL")
    op.create_index("turns_live", "turns", ["session_id", "turn"], unique=True,
                    sqlite_where=live, postgresql_where=live)
