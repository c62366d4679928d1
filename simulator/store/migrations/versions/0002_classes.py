"""Classes for serving a classroom: roster, assignments, exam lock, the class's sessions, and who is
connected (written by the server) (version 2).

Revision ID: 0002
Revises: 0001
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TEXT, INT = sa.Text(), sa.Integer()


def _class_ref() -> sa.Column:
    return sa.Column("class_id", INT, sa.ForeignKey("classes.id", ondelete="CASCADE"), primary_key=True,
                     autoincrement=False)


def upgrade() -> None:
    op.create_table(
        "classes",
        sa.Column("id", INT, primary_key=True, autoincrement=True),
        sa.Column("name", TEXT, nullable=False),
        sa.Column("code", TEXT, nullable=False, unique=True),
        sa.Column("status", TEXT, nullable=False),
        sa.Column("exam_locked", INT, nullable=False, server_default="0"),
        sa.Column("created_at", TEXT, nullable=False),
        sa.Column("ended_at", TEXT),
        sa.CheckConstraint("status IN ('open', 'ended')", name="classes_status"),
    )
    op.create_table(
        "class_members", _class_ref(),
        sa.Column("trainee_id", INT, sa.ForeignKey("trainees.id"), primary_key=True, autoincrement=False),
        sa.Column("seq", INT, nullable=False),
    )
    op.create_table(
        "class_assignments", _class_ref(),
        sa.Column("seq", INT, nullable=False),
        sa.Column("scenario_id", TEXT, primary_key=True),
    )
    op.create_table(
        "class_sessions", _class_ref(),
        sa.Column("session_id", INT, sa.ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True,
                  autoincrement=False),
    )
    op.create_index("class_sessions_by_session", "class_sessions", ["session_id"])
    op.create_table(
        "presence", _class_ref(),
        sa.Column("trainee_id", INT, sa.ForeignKey("trainees.id"), primary_key=True, autoincrement=False),
        sa.Column("online", INT, nullable=False),
        sa.Column("connected_at", TEXT, nullable=False),
        sa.Column("last_input_at", TEXT, nullable=False),
        sa.Column("left_at", TEXT),
    )
