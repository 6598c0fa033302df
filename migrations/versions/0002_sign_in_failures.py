"""wrong passwords per account and address, for the sign-in back-off (throttle.py)

Revision ID: 0002_sign_in_failures
Revises: 7632421e00e4
Create Date: 2026-12-06

"""
import sqlalchemy as sa
from alembic import op

revision = "0002_sign_in_failures"
down_revision = "7632421e00e4"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "sign_in_failures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=40), nullable=False),
        sa.Column("address", sa.String(length=32), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failed_at", sa.DateTime(), nullable=False),
        sa.Column("blocked_until", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("username", "address"),
    )
    with op.batch_alter_table("sign_in_failures", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sign_in_failures_username"), ["username"], unique=False)
        batch_op.create_index(batch_op.f("ix_sign_in_failures_last_failed_at"), ["last_failed_at"], unique=False)


def downgrade():
    with op.batch_alter_table("sign_in_failures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sign_in_failures_last_failed_at"))
        batch_op.drop_index(batch_op.f("ix_sign_in_failures_username"))
    op.drop_table("sign_in_failures")
