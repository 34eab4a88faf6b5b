"""The demo: every role, deterministic for a seed, logins only in demo mode."""

import json

import pytest
from django.core.management import CommandError, call_command

from carepath.accounts.models import AccountType, Organisation, Role, User
from carepath.audit.verify import verify_chain
from carepath.patients import demo
from carepath.patients.models import Patient


def test_demo_has_every_role_patients_across_the_pathway_and_a_clean_audit(db):
    call_command("demo", "--seed", "7")
    roles = set(User.objects.values_list("role", flat=True))
    assert {r.value for r in Role} <= roles
    assert User.objects.filter(account_type=AccountType.PATIENT).exists()
    assert User.objects.filter(account_type=AccountType.SUPPORTER).exists()
    assert Patient.objects.count() == 60
    # The demo patient signs in; the recovery demo gives a few others portal accounts with
    # no usable password so their check-ins have an author.
    assert Patient.objects.filter(user__username="patient").count() == 1
    assert not any(u.has_usable_password() for u in User.objects.filter(
        account_type=AccountType.PATIENT).exclude(username="patient"))
    levels = set(Patient.objects.values_list("episodes__level_of_care", flat=True))
    assert len(levels) >= 5
    assert all(p.care_team.exists() for p in Patient.objects.all())
    call_command("demo")  # loads once: a second run changes nothing
    assert Patient.objects.count() == 60
    assert verify_chain().ok


def test_same_seed_gives_the_same_people(db):
    org = Organisation.objects.create(name="Seeded", mrn_prefix="SD")
    staff = [User.objects.create(username=f"staff{i}", role=role, organisation=org)
             for i, role in enumerate((Role.CLINICIAN, Role.CLINICIAN, Role.NURSE,
                                       Role.PRESCRIBER))]

    def people():
        org.next_mrn = 1
        demo.generate_population(org, 25, seed=99, care_staff=staff)
        rows = list(Patient.objects.order_by("mrn").values_list(
            "uuid", "mrn", "legal_given_name", "legal_family_name", "date_of_birth",
            "nhs_number"))
        Patient.objects.all().delete()
        return rows

    first = people()
    assert len(first) == 25 and first == people()


def test_credentials_list_logins_with_totp_secrets(db, capsys):
    call_command("demo", "--credentials", "--seed", "7")
    logins = json.loads(capsys.readouterr().out)
    assert {"username", "password", "role", "totp_secret"} <= set(logins[0])
    clinician = next(x for x in logins if x["username"] == "clinician")
    assert clinician["totp_secret"] == demo.totp_secret(7, "clinician")


def test_credentials_are_refused_outside_demo_mode(db, settings):
    settings.CAREPATH_DEMO = False
    settings.DEBUG = False
    with pytest.raises(CommandError, match="demo mode"):
        call_command("demo", "--credentials")


def test_synthetic_nhs_numbers_are_valid_test_range_numbers():
    import random

    from carepath.patients.identifiers import validate_nhs_number

    rng = random.Random(1)
    for _ in range(200):
        number = demo.synthetic_nhs_number(rng)
        assert number.startswith("999")
        validate_nhs_number(number)
