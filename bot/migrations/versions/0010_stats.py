"""indexes for the admin stats: check-ins, suggestions and prompts by date, users by signup

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30 16:00:00

"""

import sqlalchemy as sa
from alembic import op

FLAGGED = "red_flags <> '[]'"

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # (date, user, id): daily active users, the range filters and the range's smallest id read the
    # index alone.
    op.create_index('ix_checkins_date_user', 'checkins', ['local_date', 'user_id', 'id'])
    # Red-flag answers in a range: a partial index holds only the few flagged check-ins.
    op.create_index('ix_checkins_flagged', 'checkins', ['local_date', 'user_id'],
                    postgresql_where=sa.text(FLAGGED), sqlite_where=sa.text(FLAGGED))
    # (date, action, user): the suggestion mix from the index alone.
    op.create_index('ix_reco_date_action_user', 'recommendations', ['local_date', 'action', 'user_id'])
    op.create_index('ix_sent_kind_date', 'sent_messages', ['kind', 'local_date'])
    op.create_index('ix_users_created', 'users', ['created_at'])


def downgrade() -> None:
    op.drop_index('ix_users_created', table_name='users')
    op.drop_index('ix_sent_kind_date', table_name='sent_messages')
    op.drop_index('ix_reco_date_action_user', table_name='recommendations')
    op.drop_index('ix_checkins_flagged', table_name='checkins')
    op.drop_index('ix_checkins_date_user', table_name='checkins')
