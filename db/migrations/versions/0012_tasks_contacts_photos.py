"""tasks: contact persons, the person an action called, photos as evidence

`contacts` (contacts.csv of the extract): the people to call about a customer once the borrower is past T+3
(rule 2). `collection_actions.contact_id`: whom an action called (NULL: the borrower), so the daily call cap
counts per number called. `photos`: JPEG/PNG evidence on a field-visit action or a visit, kept in the
database and read through the loan's scope; the CHECKs back the service's rules (a known type, a size, one
owner).

Revision ID: 0012
Revises: 0009
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "contacts",
        sa.Column("contact_id", sa.String(length=40), nullable=False),
        sa.Column("customer_id", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("relation", sa.String(length=40), nullable=True),
        sa.Column("phone", sa.String(length=30), nullable=False),
        sa.CheckConstraint("length(trim(name)) > 0", name=op.f("ck_contacts_name_required")),
        sa.CheckConstraint("length(trim(phone)) > 0", name=op.f("ck_contacts_phone_required")),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.customer_id"], name=op.f("fk_contacts_customer_id_customers")
        ),
        sa.PrimaryKeyConstraint("contact_id", name=op.f("pk_contacts")),
    )
    op.create_index(op.f("ix_contacts_customer_id"), "contacts", ["customer_id"], unique=False)
    with op.batch_alter_table("collection_actions") as batch:
        batch.add_column(sa.Column("contact_id", sa.String(length=40), nullable=True))
        batch.create_foreign_key(
            op.f("fk_collection_actions_contact_id_contacts"), "contacts", ["contact_id"], ["contact_id"]
        )
    op.create_table(
        "photos",
        sa.Column("photo_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("loan_id", sa.String(length=40), nullable=False),
        sa.Column("action_id", sa.String(length=40), nullable=True),
        sa.Column("visit_id", sa.String(length=40), nullable=True),
        sa.Column("content_type", sa.String(length=20), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("uploaded_by", sa.String(length=60), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "content_type IN ('image/jpeg', 'image/png')", name=op.f("ck_photos_content_type_enum")
        ),
        sa.CheckConstraint("size_bytes > 0", name=op.f("ck_photos_size_positive")),
        sa.CheckConstraint("(action_id IS NULL) <> (visit_id IS NULL)", name=op.f("ck_photos_one_owner")),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["collection_actions.action_id"],
            name=op.f("fk_photos_action_id_collection_actions"),
        ),
        sa.ForeignKeyConstraint(["loan_id"], ["loans.loan_id"], name=op.f("fk_photos_loan_id_loans")),
        sa.ForeignKeyConstraint(["visit_id"], ["visits.visit_id"], name=op.f("fk_photos_visit_id_visits")),
        sa.PrimaryKeyConstraint("photo_id", name=op.f("pk_photos")),
    )
    op.create_index("ix_photos_loan", "photos", ["loan_id", "uploaded_at"], unique=False)
    op.create_index(op.f("ix_photos_action_id"), "photos", ["action_id"], unique=False)
    op.create_index(op.f("ix_photos_visit_id"), "photos", ["visit_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_photos_visit_id"), table_name="photos")
    op.drop_index(op.f("ix_photos_action_id"), table_name="photos")
    op.drop_index("ix_photos_loan", table_name="photos")
    op.drop_table("photos")
    with op.batch_alter_table("collection_actions") as batch:
        batch.drop_constraint(op.f("fk_collection_actions_contact_id_contacts"), type_="foreignkey")
        batch.drop_column("contact_id")
    op.drop_index(op.f("ix_contacts_customer_id"), table_name="contacts")
    op.drop_table("contacts")
