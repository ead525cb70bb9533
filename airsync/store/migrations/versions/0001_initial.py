"""Users, out-of-office settings, folders, devices, hierarchy and collection sync state.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("display_name", sa.String(255), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("next_folder_id", sa.Integer, nullable=False, server_default="1"),
        sa.Column("hierarchy_seq", sa.BigInteger, nullable=False, server_default="0"),
        sa.PrimaryKeyConstraint("id", name="pk_users"),
        sa.UniqueConstraint("name", name="uq_users_name"),
        sa.UniqueConstraint("email", name="uq_users_email"),
    )
    op.create_table(
        "oof_settings",
        sa.Column("user_id", sa.Integer, nullable=False),
        sa.Column("oof_state", sa.Integer, nullable=False, server_default="0"),
        sa.Column("start_time", TZ),
        sa.Column("end_time", TZ),
        sa.Column("messages", sa.JSON, nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("user_id", name="pk_oof_settings"),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], ondelete="CASCADE", name="fk_oof_settings_user_id_users"
        ),
    )
    op.create_table(
        "folders",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("user_id", sa.Integer, nullable=False),
        sa.Column("server_id", sa.String(64), nullable=False),
        sa.Column("parent_id", sa.String(64), nullable=False),
        sa.Column("display_name", sa.String(255), nullable=False),
        sa.Column("type", sa.Integer, nullable=False),
        sa.Column("changed_seq", sa.BigInteger, nullable=False),
        sa.Column("deleted", sa.Boolean, nullable=False, server_default="0"),
        sa.PrimaryKeyConstraint("id", name="pk_folders"),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], ondelete="CASCADE", name="fk_folders_user_id_users"
        ),
        sa.UniqueConstraint("user_id", "server_id", name="uq_folders_user_server"),
    )
    op.create_table(
        "devices",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("user_id", sa.Integer, nullable=False),
        sa.Column("device_id", sa.String(255), nullable=False),
        sa.Column("device_type", sa.String(255), nullable=False),
        sa.Column("user_agent", sa.String(512)),
        sa.Column("protocol_version", sa.String(8)),
        sa.Column("device_info", sa.JSON, nullable=False),
        sa.Column("first_seen", TZ, nullable=False),
        sa.Column("last_seen", TZ, nullable=False),
        sa.Column("pending_policy_key", sa.BigInteger),
        sa.Column("policy_key", sa.BigInteger),
        sa.Column("policy_fingerprint", sa.String(64)),
        sa.Column("policy_status", sa.Integer),
        sa.Column("provisioned_at", TZ),
        sa.Column("wipe_state", sa.String(16), nullable=False, server_default="none"),
        sa.Column("wipe_type", sa.String(16)),
        sa.Column("wipe_requested_at", TZ),
        sa.Column("wipe_acknowledged_at", TZ),
        sa.Column("device_password", sa.String(255)),
        sa.PrimaryKeyConstraint("id", name="pk_devices"),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], ondelete="CASCADE", name="fk_devices_user_id_users"
        ),
        sa.UniqueConstraint("user_id", "device_id", name="uq_devices_user_device"),
    )
    op.create_table(
        "hierarchy_states",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("device_pk", sa.Integer, nullable=False),
        sa.Column("sync_key", sa.String(64), nullable=False),
        sa.Column("snapshot", sa.JSON, nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_hierarchy_states"),
        sa.ForeignKeyConstraint(
            ["device_pk"], ["devices.id"], ondelete="CASCADE", name="fk_hierarchy_states_device_pk_devices"
        ),
        sa.UniqueConstraint("device_pk", "sync_key", name="uq_hierarchy_states_device_key"),
    )
    op.create_table(
        "sync_collections",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("device_pk", sa.Integer, nullable=False),
        sa.Column("collection_id", sa.String(64), nullable=False),
        sa.Column("sync_key", sa.String(64), nullable=False),
        sa.Column("previous_sync_key", sa.String(64)),
        sa.Column("folder_class", sa.String(32), nullable=False),
        sa.Column("options", sa.JSON, nullable=False),
        sa.Column("supported", sa.JSON),
        sa.Column("last_response", sa.LargeBinary),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_sync_collections"),
        sa.ForeignKeyConstraint(
            ["device_pk"], ["devices.id"], ondelete="CASCADE", name="fk_sync_collections_device_pk_devices"
        ),
        sa.UniqueConstraint("device_pk", "collection_id", name="uq_sync_collections_device_collection"),
    )


def downgrade() -> None:
    for table in ("sync_collections", "hierarchy_states", "devices", "folders", "oof_settings", "users"):
        op.drop_table(table)
