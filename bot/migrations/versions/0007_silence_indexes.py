"""indexes for the scheduler's silence rules: a user's latest inbound message, check-in change,
answer and sent check-in, each one index lookup

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 14:00:00

"""

from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_inbound_user_at', 'inbound_messages', ['user_id', 'at'])
    op.create_index('ix_checkins_user_updated', 'checkins', ['user_id', 'updated_at'])
    op.create_index('ix_sent_user_kind_sent_at', 'sent_messages', ['user_id', 'kind', 'sent_at'])
    op.create_index('ix_sent_user_answered', 'sent_messages', ['user_id', 'answered_at'])


def downgrade() -> None:
    op.drop_index('ix_sent_user_answered', table_name='sent_messages')
    op.drop_index('ix_sent_user_kind_sent_at', table_name='sent_messages')
    op.drop_index('ix_checkins_user_updated', table_name='checkins')
    op.drop_index('ix_inbound_user_at', table_name='inbound_messages')
