"""users.undo: what the last change of a setting replaced, so "undo" can put it back (issue 12)

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30 16:10:00

"""

import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('users', sa.Column('undo', sa.String(length=200), nullable=True))


def downgrade() -> None:
    op.drop_column('users', 'undo')
