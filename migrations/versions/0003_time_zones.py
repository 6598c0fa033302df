"""time zones: the school's (an install setting) and a teacher's own

Times stay stored as naive UTC; rows written before this revision already are, so none is rewritten.

Revision ID: 0003_time_zones
Revises: 0002_sign_in_failures
Create Date: 2026-12-06

"""
import sqlalchemy as sa
from alembic import op

revision = "0003_time_zones"
down_revision = "0002_sign_in_failures"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "settings",
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("value", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("time_zone", sa.String(length=64), server_default="", nullable=False))


def downgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("time_zone")
    op.drop_table("settings")
