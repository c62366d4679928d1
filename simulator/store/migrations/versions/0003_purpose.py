"""Who a session is for (trainees practising, or instructors' and authors' runs), and the options a
beginner-mode turn showed, in the order shown (version 3).

Revision ID: 0003
Revises: 0002
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("sessions", sa.Column("purpose", sa.Text(), nullable=False, server_default="training"))
    op.add_column("turns", sa.Column("options", sa.Text(), nullable=False, server_default="[]"))
