"""teams: team settings on running groups, the daily post's claim, and users' pauses

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 16:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('running_groups', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_team', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('owner_key', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('checkin_time', sa.String(length=5), nullable=False, server_default='08:00'))
        batch_op.add_column(sa.Column('days', sa.String(length=40), nullable=False,
                                      server_default='mon,tue,wed,thu,fri,sat,sun'))
        batch_op.add_column(sa.Column('digest_day', sa.String(length=3), nullable=False, server_default='mon'))

    op.create_table(
        'team_daily_posts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('group_id', sa.Integer(), nullable=False),
        sa.Column('local_date', sa.Date(), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('ref', sa.String(length=100), nullable=True),
        sa.Column('shown', sa.Integer(), nullable=True),
        sa.Column('members', sa.Integer(), nullable=True),
        sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('posted_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('edited_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('error', sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(['group_id'], ['running_groups.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('group_id', 'local_date', name='uq_team_daily_post'),
    )

    op.create_table(
        'user_pauses',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('start', sa.Date(), nullable=False),
        sa.Column('until', sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('user_pauses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_pauses_user_id'), ['user_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('user_pauses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_pauses_user_id'))
    op.drop_table('user_pauses')
    op.drop_table('team_daily_posts')
    with op.batch_alter_table('running_groups', schema=None) as batch_op:
        batch_op.drop_column('digest_day')
        batch_op.drop_column('days')
        batch_op.drop_column('checkin_time')
        batch_op.drop_column('owner_key')
        batch_op.drop_column('is_team')
