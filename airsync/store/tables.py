"""The SQL schema, in SQLAlchemy Core. Alembic migrations (store/migrations) create exactly this.

Every table that holds a user's data carries ``user_id`` so each lookup is scoped to the
authenticated user (DESIGN decision 7).
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True),
    # Login name, stored lower-case: "alice". Users may also log in with their e-mail address.
    Column("name", String(255), nullable=False, unique=True),
    Column("email", String(320), nullable=False, unique=True),
    Column("display_name", String(255), nullable=False),
    Column("password_hash", String(255), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    # Source of folder ServerIds and of the hierarchy change counter (see folders.changed_seq).
    Column("next_folder_id", Integer, nullable=False, server_default="1"),
    Column("hierarchy_seq", BigInteger, nullable=False, server_default="0"),
    # Source of item versions: every add, change or delete of one of the user's items takes the next.
    Column("item_seq", BigInteger, nullable=False, server_default="0"),
)

oof_settings = Table(
    "oof_settings",
    metadata,
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    # 0 disabled, 1 global, 2 time-based (MS-ASCMD 2.2.3.118 OofState).
    Column("oof_state", Integer, nullable=False, server_default="0"),
    Column("start_time", DateTime(timezone=True)),
    Column("end_time", DateTime(timezone=True)),
    # {"internal"|"external_known"|"external_unknown": {"enabled": bool, "message": str, "body_type": str}}
    Column("messages", JSON, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

folders = Table(
    "folders",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    # The folder's ServerId; never reused and never changed (EAS 16.1 keeps ids across resyncs).
    Column("server_id", String(64), nullable=False),
    Column("parent_id", String(64), nullable=False),  # "0" is the root
    Column("display_name", String(255), nullable=False),
    Column("type", Integer, nullable=False),  # MS-ASCMD 2.2.3.186.3 folder Type
    # users.hierarchy_seq when the folder was last added, changed or deleted.
    Column("changed_seq", BigInteger, nullable=False),
    Column("deleted", Boolean, nullable=False, server_default="0"),
    UniqueConstraint("user_id", "server_id", name="uq_folders_user_server"),
)

devices = Table(
    "devices",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("device_id", String(255), nullable=False),
    Column("device_type", String(255), nullable=False),
    Column("user_agent", String(512)),
    Column("protocol_version", String(8)),
    # Settings DeviceInformation: Model, IMEI, FriendlyName, OS, OSLanguage, PhoneNumber, ...
    Column("device_info", JSON, nullable=False),
    Column("first_seen", DateTime(timezone=True), nullable=False),
    Column("last_seen", DateTime(timezone=True), nullable=False),
    # Provisioning (MS-ASPROV): the temporary key handed out in phase one, the final key, and the
    # fingerprint of the policy as the device's protocol version received it.
    Column("pending_policy_key", BigInteger),
    Column("policy_key", BigInteger),
    Column("policy_fingerprint", String(64)),
    Column("policy_status", Integer),  # the device's own Status for the policy (1 applied, 2 partial...)
    Column("provisioned_at", DateTime(timezone=True)),
    # Remote wipe: none -> requested -> acknowledged (status 1) | failed (status 2). "account" wipes
    # only this account's data (16.1 AccountOnlyRemoteWipe).
    Column("wipe_state", String(16), nullable=False, server_default="none"),
    Column("wipe_type", String(16)),
    Column("wipe_requested_at", DateTime(timezone=True)),
    Column("wipe_acknowledged_at", DateTime(timezone=True)),
    Column("device_password", String(255)),  # Settings DevicePassword: the recovery password
    # The last full Sync request (WBXML), reused by an empty or Partial Sync (MS-ASCMD 2.2.3.131),
    # and the last Ping's folders and interval, reused by an empty Ping (3.1.5.8).
    Column("sync_request", LargeBinary),
    Column("ping_request", JSON),
    UniqueConstraint("user_id", "device_id", name="uq_devices_user_device"),
)

# One row per (device, sync key) the device may still present: the newest key and the one
# before it, so a response that never reached the device can be answered again (DESIGN decision 3).
hierarchy_states = Table(
    "hierarchy_states",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("device_pk", Integer, ForeignKey("devices.id", ondelete="CASCADE"), nullable=False),
    Column("sync_key", String(64), nullable=False),
    # {folder ServerId: changed_seq} as the device holds the hierarchy at this key.
    Column("snapshot", JSON, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("device_pk", "sync_key", name="uq_hierarchy_states_device_key"),
)

# Per (device, collection) partnership: which sync keys are live, the options the device last
# sent, and what it declared as Supported at key 0 (ghosting). The item-level state (which item at
# which version the device holds at each key) and the replay of the last response hang off this row.
sync_collections = Table(
    "sync_collections",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("device_pk", Integer, ForeignKey("devices.id", ondelete="CASCADE"), nullable=False),
    Column("collection_id", String(64), nullable=False),
    Column("sync_key", String(64), nullable=False),
    Column("previous_sync_key", String(64)),
    Column("folder_class", String(32), nullable=False),
    Column("options", JSON, nullable=False),
    # None: the device sent no Supported element (nothing ghosted); a list: the properties it sent.
    Column("supported", JSON),
    # The response body sent for sync_key, replayed when the device presents previous_sync_key.
    Column("last_response", LargeBinary),
    # The device holds every change of the collection up to this item version (see items.version).
    Column("watermark", BigInteger, nullable=False, server_default="0"),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("device_pk", "collection_id", name="uq_sync_collections_device_collection"),
)


# The user's items (calendar events, contacts, tasks, notes), each in its internet standard:
# iCalendar, vCard, or a small JSON document for notes (DESIGN decision 1). A deleted item stays as
# a tombstone so devices learn of the deletion. ``version`` comes from users.item_seq: the change
# feed of a folder is its items ordered by version.
items = Table(
    "items",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("folder_id", String(64), nullable=False),  # the folder's ServerId
    Column("server_id", String(64), nullable=False),  # stable for the item's life, across folders
    Column("item_class", String(32), nullable=False),  # Calendar, Contacts, Tasks, Notes
    Column("uid", String(255)),
    Column("content_type", String(64), nullable=False),
    Column("content", Text, nullable=False),
    Column("version", BigInteger, nullable=False),
    Column("deleted", Boolean, nullable=False, server_default="0"),
    # Derived from the content, for FilterType windows: the UTC range the item occupies (open end for
    # endless series) and whether a task is complete.
    Column("start_utc", DateTime(timezone=True)),
    Column("end_utc", DateTime(timezone=True)),
    Column("complete", Boolean),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("modified_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("user_id", "server_id", name="uq_items_user_server"),
)
Index("ix_items_feed", items.c.user_id, items.c.folder_id, items.c.version)

# What a device holds of a collection: item ServerId -> the item version it was last sent (or sent
# us). Add or Change is decided by presence, Delete is sent only for held items, conflicts compare
# versions.
sync_items = Table(
    "sync_items",
    metadata,
    Column(
        "partnership_id", Integer, ForeignKey("sync_collections.id", ondelete="CASCADE"), primary_key=True
    ),
    Column("server_id", String(64), primary_key=True),
    Column("version", BigInteger, nullable=False),
)

# ClientId -> ServerId of the items a device added, so a retried Add creates nothing twice.
sync_client_ids = Table(
    "sync_client_ids",
    metadata,
    Column(
        "partnership_id", Integer, ForeignKey("sync_collections.id", ondelete="CASCADE"), primary_key=True
    ),
    Column("client_id", String(64), primary_key=True),
    Column("server_id", String(64), nullable=False),
)

# Items of a collection the server could not convert for a device: skipped, logged, and recorded
# here so an operator can see them; the collection flows on (FIELD_NOTES 2).
sync_item_errors = Table(
    "sync_item_errors",
    metadata,
    Column(
        "partnership_id", Integer, ForeignKey("sync_collections.id", ondelete="CASCADE"), primary_key=True
    ),
    Column("server_id", String(64), primary_key=True),
    Column("version", BigInteger, nullable=False),
    Column("error", Text, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
)
