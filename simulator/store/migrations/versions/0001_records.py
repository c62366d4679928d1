"""Trainees, sessions, turns and rewinds (schema version 1).

Revision ID: 0001
Revises:
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TEXT, INT = sa.Text(), sa.Integer()


def _id() -> sa.Column:
    # INTEGER PRIMARY KEY: SQLite's rowid, PostgreSQL's SERIAL
    return sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True)


def _session_ref() -> sa.Column:
    return sa.Column("session_id", INT, sa.ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False)


def upgrade() -> None:
    op.create_table(
        "trainees", _id(),
        sa.Column("name", TEXT, nullable=False, unique=True),
        sa.Column("created_at", TEXT, nullable=False),
    )
    op.create_table(
        "sessions", _id(),
        sa.Column("uuid", TEXT, nullable=False, unique=True),
        sa.Column("trainee_id", INT, sa.ForeignKey("trainees.id"), nullable=False),
        *(sa.Column(name, TEXT, nullable=False)
          for name in ("scenario_id", "scenario_title", "rubric_id", "persona", "mode", "status")),
        sa.Column("started_at", TEXT, nullable=False),
        sa.Column("updated_at", TEXT, nullable=False),
        *(sa.Column(name, TEXT) for name in ("finished_at", "ending_node", "ending_kind", "ending_title",
                                             "ending_summary", "closing_line")),
        sa.Column("total", INT),
        sa.Column("dimensions", TEXT, nullable=False),
        sa.Column("data", TEXT, nullable=False),
        sa.CheckConstraint("status IN ('active', 'finished', 'abandoned')", name="sessions_status"),
    )
    op.create_index("sessions_by_trainee", "sessions", ["trainee_id", "scenario_id", "status"])
    op.create_index("sessions_by_start", "sessions", ["started_at"])
    op.create_table(
        "turns", _id(), _session_ref(),
        sa.Column("seq", INT, nullable=False),
        sa.Column("turn", INT, nullable=False),
        *(sa.Column(name, TEXT, nullable=False) for name in ("node", "prompt", "reply")),
        sa.Column("choice", INT),
        sa.Column("hint_used", INT, nullable=False),
        sa.Column("total", INT, nullable=False),
        sa.Column("capped_by", TEXT),
        *(sa.Column(name, TEXT, nullable=False)
          for name in ("dimensions", "hits", "flags", "missed", "verdicts", "changes", "state", "next_node")),
        sa.Column("ending_kind", TEXT),
        sa.Column("model_answers", TEXT, nullable=False),
        sa.Column("recorded_at", TEXT, nullable=False),
        sa.Column("rewound_at", TEXT),
        sa.UniqueConstraint("session_id", "seq", name="turns_session_seq"),
    )
    op.create_index("turns_by_session", "turns", ["session_id", "rewound_at", "turn"])
    op.create_table(
        "rewinds", _id(), _session_ref(),
        sa.Column("seq", INT, nullable=False),
        sa.Column("to_turn", INT, nullable=False),
        sa.Column("from_turn", INT, nullable=False),
        sa.Column("at", TEXT, nullable=False),
        sa.UniqueConstraint("session_id", "seq", name="rewinds_session_seq"),
    )
