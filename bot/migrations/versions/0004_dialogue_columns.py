"""dialogue bookkeeping in columns of its own: conv_on, last_checkin_on, screened_on

Until 0003 the open question's date lived in ``users.conv_data`` (JSON) and the dialogue's
bookkeeping (latest check-in date, safety screen date) inside the model's JSON in
``users.tolerance``. This moves each into a column and leaves ``tolerance`` holding the model alone.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 13:00:00

"""

import json
from datetime import date
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

_USERS = sa.table(
    'users',
    sa.column('id', sa.Integer()),
    sa.column('tolerance', sa.Text()),
    sa.column('conv_data', sa.Text()),
    sa.column('conv_on', sa.Date()),
    sa.column('last_checkin_on', sa.Date()),
    sa.column('screened_on', sa.Date()),
)


def _date(value: Any) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _json(text: str | None) -> Any:
    try:
        return json.loads(text) if text else None
    except ValueError:
        return None


def upgrade() -> None:
    op.add_column('users', sa.Column('conv_on', sa.Date(), nullable=True))
    op.add_column('users', sa.Column('last_checkin_on', sa.Date(), nullable=True))
    op.add_column('users', sa.Column('screened_on', sa.Date(), nullable=True))
    conn = op.get_bind()
    rows = conn.execute(sa.select(_USERS.c.id, _USERS.c.tolerance, _USERS.c.conv_data).where(
        sa.or_(_USERS.c.tolerance.is_not(None), _USERS.c.conv_data.is_not(None)))).all()
    for uid, tolerance, conv_data in rows:
        doc = _json(tolerance)
        extra = doc.get('extra') or {} if isinstance(doc, dict) else {}
        model = doc.get('model') if isinstance(doc, dict) and 'extra' in doc else doc
        data = _json(conv_data)
        conn.execute(_USERS.update().where(_USERS.c.id == uid).values(
            tolerance=json.dumps(model, separators=(',', ':')) if model else None,
            conv_on=_date(data.get('date')) if isinstance(data, dict) else None,
            last_checkin_on=_date(extra.get('last_checkin')),
            screened_on=_date(extra.get('screened_on')),
        ))
    # SQLite (3.35+) drops a plain column in place; no table rebuild, so no foreign-key cascade.
    op.drop_column('users', 'conv_data')


def downgrade() -> None:
    op.add_column('users', sa.Column('conv_data', sa.Text(), nullable=True))
    conn = op.get_bind()
    rows = conn.execute(sa.select(_USERS.c.id, _USERS.c.tolerance, _USERS.c.conv_on, _USERS.c.last_checkin_on,
                                  _USERS.c.screened_on)).all()
    for uid, tolerance, conv_on, last_checkin_on, screened_on in rows:
        extra = {k: v.isoformat() for k, v in (('last_checkin', last_checkin_on), ('screened_on', screened_on)) if v}
        model = _json(tolerance)
        conn.execute(_USERS.update().where(_USERS.c.id == uid).values(
            tolerance=json.dumps({'model': model, 'extra': extra}) if (model or extra) else None,
            conv_data=json.dumps({'date': conv_on.isoformat()}) if conv_on else None,
        ))
    op.drop_column('users', 'screened_on')
    op.drop_column('users', 'last_checkin_on')
    op.drop_column('users', 'conv_on')
