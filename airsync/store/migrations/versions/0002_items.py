"""Items and item-level sync state: what each device holds, ClientId map, conversion errors.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("item_seq", sa.BigInteger, nullable=False, server_default="0"))
    with op.batch_alter_table("devices") as batch:
        batch.add_column(sa.Column("sync_request", sa.LargeBinary))
        batch.add_column(sa.Column("ping_request", sa.JSON))
    with op.batch_alter_table("sync_collections") as batch:
        batch.add_column(sa.Column("watermark", sa.BigInteger, nullable=False, server_default="0"))
    op.create_table(
        "items",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("user_id", sa.Integer, nullable=False),
        sa.Column("folder_id", sa.String(64), nullable=False),
        sa.Column("server_id", sa.String(64), nullable=False),
        sa.Column("item_class", sa.String(32), nullable=False),
        sa.Column("uid", sa.String(255)),
        sa.Column("content_type", sa.String(64), nullable=False),
        sa.Column("content", sa.Text, nullable=False),
        sa.Column("version", sa.BigInteger, nullable=False),
        sa.Column("deleted", sa.Boolean, nullable=False, server_default="0"),
        sa.Column("start_utc", TZ),
        sa.Column("end_utc", TZ),
        sa.Column("complete", sa.Boolean),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("modified_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_items"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE", name="fk_items_user_id_users"),
        sa.UniqueConstraint("user_id", "server_id", name="uq_items_user_server"),
    )
    op.create_index("ix_items_feed", "items", ["user_id", "folder_id", "version"])
    for name, extra in (
        ("sync_items", [sa.Column("version", sa.BigInteger, nullable=False)]),
        ("sync_client_ids", [sa.Column("server_id", sa.String(64), nullable=False)]),
        (
            "sync_item_errors",
            [
                sa.Column("version", sa.BigInteger, nullable=False),
                sa.Column("error", sa.Text, nullable=False),
                sa.Column("at", TZ, nullable=False),
            ],
        ),
    ):
        key = "client_id" if name == "sync_client_ids" else "server_id"
        op.create_table(
            name,
            sa.Column("partnership_id", sa.Integer, nullable=False),
            sa.Column(key, sa.String(64), nullable=False),
            *extra,
            sa.PrimaryKeyConstraint("partnership_id", key, name=f"pk_{name}"),
            sa.ForeignKeyConstraint(
                ["partnership_id"],
                ["sync_collections.id"],
                ondelete="CASCADE",
                name=f"fk_{name}_partnership_id_sync_collections",
            ),
        )


def downgrade() -> None:
    for name in ("sync_item_errors", "sync_client_ids", "sync_items"):
        op.drop_table(name)
    op.drop_index("ix_items_feed", table_name="items")
    op.drop_table("items")
    with op.batch_alter_table("sync_collections") as batch:
        batch.drop_column("watermark")
    with op.batch_alter_table("devices") as batch:
        batch.drop_column("ping_request")
        batch.drop_column("sync_request")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("item_seq")
