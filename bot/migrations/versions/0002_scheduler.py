"""scheduler: due-pair index, claim owner and retry time, reminder index

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 12:00:00

Additive only: one index on users, two nullable columns and one index on sent_messages.
"""

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.create_index('ix_users_tz_time', ['timezone', 'checkin_time'], unique=False)
    with op.batch_alter_table('sent_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('claimed_by', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index('ix_sent_kind_sent_at', ['kind', 'sent_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('sent_messages', schema=None) as batch_op:
        batch_op.drop_index('ix_sent_kind_sent_at')
        batch_op.drop_column('next_attempt_at')
        batch_op.drop_column('claimed_by')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index('ix_users_tz_time')
