"""The notes demo: made through the actions, signed notes verify, quick to load."""

import time

import pytest

from carepath.accounts.models import Organisation
from carepath.patients import demo
from carepath.treatment import actions_notes as actions
from carepath.treatment.demo_notes import add_demo_notes
from carepath.treatment.models import ClinicalNote, NoteAmendment

pytestmark = pytest.mark.django_db


def test_demo_notes_are_signed_amended_cosigned_and_drafted(monkeypatch):
    # Only the population and this area's demo: the other areas test their own.
    monkeypatch.setattr(demo, "EXTENSIONS", [add_demo_notes])
    demo.create_demo(seed=11, patients=12)
    notes = ClinicalNote.objects.filter(author__username="clinician")
    assert notes.filter(status="signed").exists() and notes.filter(status="draft").exists()
    assert all(actions.verify_note(n) for n in notes.filter(status="signed"))
    assert notes.filter(cosigned_by__username="supervisor").exists()
    assert notes.filter(needs_cosign=True, cosigned_at__isnull=True).exists()
    assert NoteAmendment.objects.exists()
    # Loading again adds nothing, and is fast.
    count = ClinicalNote.objects.count()
    started = time.monotonic()
    add_demo_notes(Organisation.objects.get(), 11)
    assert ClinicalNote.objects.count() == count
    assert time.monotonic() - started < 2
