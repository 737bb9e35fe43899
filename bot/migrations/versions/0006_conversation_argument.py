"""the open question's argument: which possible red flag a triage question is about, which session
a "same as yesterday" offer stands for

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 13:50:00

"""

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('users', sa.Column('conv_arg', sa.String(length=40), nullable=True))


def downgrade() -> None:
    op.drop_column('users', 'conv_arg')
