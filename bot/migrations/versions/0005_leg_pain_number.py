"""leg pain as its own number, and the leg symptoms named

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 13:40:00

"""

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('checkins', sa.Column('leg_score', sa.Float(), nullable=True))
    op.add_column('checkins', sa.Column('leg_symptoms', sa.Text(), server_default='[]', nullable=False))


def downgrade() -> None:
    op.drop_column('checkins', 'leg_symptoms')
    op.drop_column('checkins', 'leg_score')
