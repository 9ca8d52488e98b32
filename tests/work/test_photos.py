"""Photos as evidence (issue 16 item 5): type checked by content, the size limit and count, saved with the
field-visit action in one transaction, and never read outside the loan's scope."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import pytest
from sqlalchemy import Engine, func, insert, select

from dashboard.actor import Actor
from dashboard.config import Config
from dashboard.work.collection import ActionForm, record_action
from dashboard.work.errors import FormInvalid, NotAllowed
from dashboard.work.photos import MAX_PHOTOS, PhotoUpload, add_photos, loan_photos, photo_type
from dashboard.work.visits import VisitForm, record_visit
from db.models import AuditEntry, CollectorAssignment, Photo
from tests.kpi.book import D, loan, place, reference, visit

NOW = datetime(2025, 3, 20, 15, 30)
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 96
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 92
COLLECTOR = Actor("c1", "collector", name="C1", staff_id="C1")
OFFICER_1 = Actor("o1", "officer", name="O1", staff_id="O1")
OFFICER_2 = Actor("o2", "officer", name="O2", staff_id="O2")
AGENCY_1 = Actor("a1", "agency", name="甲", agency_id="A1")
AGENCY_2 = Actor("a2", "agency", name="乙", agency_id="A2")
MONTHLY = [("2025-02-10", "1000", "10"), ("2025-03-10", "1000", "10")]


@pytest.fixture
def book(engine: Engine) -> Engine:
    """Loan B (O1's) assigned to C1 and placed with A1."""
    with engine.begin() as conn:
        reference(conn)
        loan(conn, "B", "2000", "2025-01-10", MONTHLY)
        conn.execute(
            insert(CollectorAssignment),
            [{"loan_id": "B", "staff_id": "C1", "assigned_on": D("2025-03-01"), "ended_on": None}],
        )
        place(conn, "B", "A1", "2025-03-01", "2000")
    return engine


def visit_form(*photos: PhotoUpload, channel: str = "field_visit") -> ActionForm:
    return ActionForm(
        loan_id="B",
        channel=channel,
        acted_at=datetime(2025, 3, 20, 10),
        result="no_answer",
        photos=photos,
    )


def stored(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.scalar(select(func.count()).select_from(Photo)) or 0)


def test_type_comes_from_the_content_not_the_name() -> None:
    assert photo_type(JPEG) == "image/jpeg"
    assert photo_type(PNG) == "image/png"
    assert photo_type(b"GIF89a" + b"\x00" * 10) is None
    assert photo_type(b"%PDF-1.7") is None


def test_a_field_visit_is_saved_with_its_photos_and_audit_rows(book: Engine) -> None:
    saved = record_action(
        book,
        COLLECTOR,
        visit_form(PhotoUpload("door.jpg", JPEG), PhotoUpload("x.png", PNG)),
        None,
        Config(),
        now=NOW,
    )
    with book.connect() as conn:
        rows = conn.execute(select(Photo.action_id, Photo.content_type, Photo.size_bytes, Photo.data)).all()
        audits = conn.scalars(select(AuditEntry.after).where(AuditEntry.table_name == "photos")).all()
    assert sorted((r.action_id, r.content_type, r.size_bytes) for r in rows) == [
        (saved.record_key, "image/jpeg", 100),
        (saved.record_key, "image/png", 100),
    ]
    assert {bytes(r.data) for r in rows} == {JPEG, PNG}
    assert len(audits) == 2 and all("data" not in a for a in audits)


@pytest.mark.parametrize(
    ("photos", "config", "expected"),
    [
        (
            (PhotoUpload("fake.jpg", b"GIF89a" + b"\x00" * 10),),
            Config(),
            "fake.jpg is not a JPEG or PNG image (checked by its content)",
        ),
        (
            (PhotoUpload("big.jpg", JPEG),),
            Config(photo_max_bytes=99),
            "big.jpg is 100 bytes; at most 99 allowed",
        ),
        ((PhotoUpload("empty.png", b""),), Config(), "empty.png is empty"),
        (
            (PhotoUpload("a.jpg", JPEG),) * (MAX_PHOTOS + 1),
            Config(),
            f"At most {MAX_PHOTOS} photos at a time",
        ),
    ],
    ids=["type-by-content", "one-byte-over", "empty", "too-many"],
)
def test_bad_photos_refuse_the_whole_action(
    book: Engine, photos: tuple[PhotoUpload, ...], config: Config, expected: str
) -> None:
    with pytest.raises(FormInvalid) as caught:
        record_action(book, COLLECTOR, visit_form(*photos), None, config, now=NOW)
    assert caught.value.field_texts("en") == {"photos": expected}
    assert stored(book) == 0


def test_the_size_limit_itself_is_accepted(book: Engine) -> None:
    record_action(
        book, COLLECTOR, visit_form(PhotoUpload("a.jpg", JPEG)), None, Config(photo_max_bytes=100), now=NOW
    )
    assert stored(book) == 1


def test_photos_go_with_a_field_visit_only(book: Engine) -> None:
    with pytest.raises(FormInvalid) as caught:
        record_action(
            book, COLLECTOR, visit_form(PhotoUpload("a.jpg", JPEG), channel="call"), None, Config(), now=NOW
        )
    assert caught.value.field_texts("en") == {"photos": "Photos go with a field visit"}


def test_photos_are_read_only_within_the_loans_scope(book: Engine) -> None:
    record_action(book, COLLECTOR, visit_form(PhotoUpload("a.jpg", JPEG)), None, Config(), now=NOW)
    with book.begin() as conn:
        vid = visit(conn, "B", "2025-03-20")
    add_photos(
        book,
        OFFICER_1,
        photos=[PhotoUpload("v.png", PNG)],
        token=None,
        config=Config(),
        visit_id=vid,
        now=NOW,
    )
    with book.connect() as conn:
        assert len(loan_photos(conn, OFFICER_1, "B", D("2025-03-20"))) == 2
        assert len(loan_photos(conn, COLLECTOR, "B", D("2025-03-20"))) == 2
        assert loan_photos(conn, OFFICER_2, "B", D("2025-03-20")) == []  # another officer's loan
        assert loan_photos(conn, AGENCY_2, "B", D("2025-03-20")) == []  # not placed with A2
        # A1 holds the loan but the photos are the lender's (a collector's action, a visit).
        assert loan_photos(conn, AGENCY_1, "B", D("2025-03-20")) == []
        assert loan_photos(conn, COLLECTOR, "B", D("2025-02-20")) == []  # before the assignment


def test_an_agency_sees_and_adds_photos_on_its_own_field_visits_only(book: Engine) -> None:
    saved = record_action(book, AGENCY_1, visit_form(PhotoUpload("a.jpg", JPEG)), None, Config(), now=NOW)
    collector = record_action(
        book, COLLECTOR, visit_form(PhotoUpload("c.jpg", JPEG)), None, Config(), now=NOW
    )
    with book.connect() as conn:
        assert [p["action_id"] for p in loan_photos(conn, AGENCY_1, "B", D("2025-03-20"))] == [
            saved.record_key
        ]
    with pytest.raises(NotAllowed):
        add_photos(
            book,
            AGENCY_1,
            photos=[PhotoUpload("x.jpg", JPEG)],
            token=None,
            config=Config(),
            action_id=collector.record_key,
            now=NOW,
        )
    with pytest.raises(NotAllowed):
        add_photos(
            book,
            AGENCY_2,
            photos=[PhotoUpload("x.jpg", JPEG)],
            token=None,
            config=Config(),
            action_id=saved.record_key,
            now=NOW,
        )
    add_photos(
        book,
        AGENCY_1,
        photos=[PhotoUpload("y.png", PNG)],
        token=None,
        config=Config(),
        action_id=saved.record_key,
        now=NOW,
    )
    assert stored(book) == 3


def test_a_visit_is_saved_with_its_photos_or_refused_whole(book: Engine) -> None:
    form = VisitForm(
        loan_id="B",
        visited_on=D("2025-03-20"),
        method="in_person",
        stage="repayment",
        content="上门核实",
        photos=(PhotoUpload("v.png", PNG),),
    )
    saved = record_visit(book, OFFICER_1, form, None, today=D("2025-03-20"), config=Config())
    with book.connect() as conn:
        assert conn.execute(select(Photo.visit_id, Photo.action_id)).all() == [(saved.record_key, None)]
    bad = replace(form, photos=(PhotoUpload("v.png", PNG), PhotoUpload("notes.txt", b"hello")))
    with pytest.raises(FormInvalid) as caught:
        record_visit(book, OFFICER_1, bad, None, today=D("2025-03-20"), config=Config())
    assert caught.value.field_texts("en") == {
        "photos": "notes.txt is not a JPEG or PNG image (checked by its content)"
    }
    assert stored(book) == 1
