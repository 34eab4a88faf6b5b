"""The family planner's acceptance journey: a supporter registers and confirms their email,
starts an intervention plan, invites two members who join by their links; each drafts a
statement the others cannot read until it is shared; all agree to the boundaries; a
treatment option is chosen and the pre-booked enquiry appears in the intake pipeline
marked "intervention planned"; the follow-up "agreed" moves it to assessment booked."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from e2e_support import click_and_wait

from carepath.accounts.models import AccountType, User
from carepath.directory.models import Service
from carepath.family.models import InterventionPlan, SupporterProfile
from carepath.intake.models import Enquiry, Stage

PASSWORD = "lantern-orchard-ribbon-47"  # noqa: S105 (a test password)
VERIFY = re.compile(r"/family/verify/[A-Za-z0-9_\-]+/")
JOIN = re.compile(r"/family/plans/join/[A-Za-z0-9_\-]+/")
DRAFTS = {
    "organiser": "I saw you miss Nan's birthday after a weekend away",
    "riley": "When you went quiet for three days I could not sleep",
    "casey": "I miss our Saturday runs and I want them back",
}


def _member_account(username: str, email: str, org) -> User:
    """The two invited members already have confirmed family accounts (registration itself
    is the organiser's part of the journey)."""
    user = User.objects.create_user(username=email, email=email, password=PASSWORD,
                                    account_type=AccountType.SUPPORTER, organisation=org,
                                    first_name=username.title(), last_name="Member")
    SupporterProfile.objects.create(user=user, email_verified_at=timezone.now())
    return user


def _sign_in(page, email: str) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", PASSWORD)
    click_and_wait(page, page.get_by_role("button", name="Sign in"))
    page.wait_for_url("**/family/")


def _step(page, plan, slug: str) -> None:
    page.goto(f"/family/plans/{plan.uuid}/{slug}/")


def _done(page, slug: str) -> bool:
    return page.locator(f"[data-step='{slug}']").get_attribute("data-done") == "true"


def _write_statement(page, plan, text: str) -> None:
    _step(page, plan, "statements")
    form = page.get_by_test_id("statement-form")
    form.get_by_label("What I have seen").fill(text)
    form.get_by_label("What I love and hope for").fill("I love you and I am not going anywhere")
    click_and_wait(page, page.get_by_role("button", name="Save my statement"))


@pytest.mark.browser
def test_a_family_plans_an_intervention_and_agreed_books_the_assessment(
        browse, live_server, demo_org):
    # 1. The organiser registers, confirms their email and signs in.
    organiser = browse.new_page()
    organiser.goto("/family/register/")
    browse.check(organiser, "supporter registration")
    organiser.fill("#id_given_name", "Jordan")
    organiser.fill("#id_family_name", "Organiser")
    organiser.fill("#id_email", "jordan.organiser@example.org")
    organiser.fill("#id_password1", PASSWORD)
    organiser.fill("#id_password2", PASSWORD)
    click_and_wait(organiser, organiser.get_by_role("button", name="Create my account"))
    organiser.wait_for_url("**/family/register/check-your-email/")
    message = mail.outbox[-1]
    assert message.to == ["jordan.organiser@example.org"]
    assert "ketamine" not in message.body.lower()
    organiser.goto(VERIFY.search(message.body).group(0))
    browse.check(organiser, "email confirmed")
    _sign_in(organiser, "jordan.organiser@example.org")
    browse.check(organiser, "supporter home")

    # 2. They start a plan for Robin with a date three weeks ahead.
    org = User.objects.get(username="jordan.organiser@example.org").organisation
    riley = _member_account("riley", "riley@example.org", org)
    casey = _member_account("casey", "casey@example.org", org)
    organiser.goto("/family/plans/new/")
    organiser.locator("#id_loved_one_name").fill("Robin")
    day = timezone.localdate() + timedelta(days=21)
    organiser.locator("#id_intervention_date").fill(day.isoformat())
    organiser.locator("#id_setting").fill("Mum's kitchen, Sunday morning")
    click_and_wait(organiser, organiser.get_by_role("button", name="Start the plan"))
    plan = InterventionPlan.objects.get(loved_one_name="Robin")
    assert plan.intervention_date == day
    browse.check(organiser, "plan step 1")

    # 3. Two members are invited; inviting one of them again says they are already on it.
    for name, email in (("Riley", "riley@example.org"), ("Casey", "casey@example.org"),
                        ("Riley again", "Riley@Example.org")):
        form = organiser.get_by_test_id("invite-form")
        form.get_by_label("Their name").fill(name)
        form.get_by_label("Their email address").fill(email)
        click_and_wait(organiser, form.get_by_role("button", name="Send the invitation"))
    assert "already on this plan" in organiser.content()
    assert organiser.get_by_test_id("invite-form").get_by_label(
        "Their email address").input_value() == "Riley@Example.org"
    links = {m.to[0]: JOIN.search(m.body).group(0) for m in mail.outbox
             if JOIN.search(m.body)}
    assert set(links) == {"riley@example.org", "casey@example.org"}

    # 4. Each joins by their own link.
    pages = {"organiser": organiser}
    for key, user in (("riley", riley), ("casey", casey)):
        page = browse.new_page()
        _sign_in(page, user.email)
        page.goto(links[user.email])
        click_and_wait(page, page.get_by_role("button", name="Join the plan"))
        pages[key] = page
    assert plan.members.filter(accepted_at__isnull=False).count() == 3
    _step(organiser, plan, "plan")
    assert _done(organiser, "plan")

    # 5. Statements: drafts stay private until their author shares them.
    for key, page in pages.items():
        _write_statement(page, plan, DRAFTS[key])
    _step(pages["riley"], plan, "statements")
    assert DRAFTS["organiser"] not in pages["riley"].content()
    assert DRAFTS["casey"] not in pages["riley"].content()
    browse.check(pages["riley"], "statements before sharing")
    for page in pages.values():
        _step(page, plan, "statements")
        click_and_wait(page, page.get_by_role("button", name="Share with the team"))
    _step(pages["casey"], plan, "statements")
    assert DRAFTS["organiser"] in pages["casey"].content()
    assert DRAFTS["riley"] in pages["casey"].content()
    assert _done(pages["casey"], "statements")

    # 6. Boundaries: two are set, then all three agree to all of them.
    for key, text in (("organiser", "I will not lend money while you are using"),
                      ("riley", "I will not cover for missed shifts")):
        _step(pages[key], plan, "boundaries")
        pages[key].locator("#id_text").fill(text)
        click_and_wait(pages[key], pages[key].get_by_role("button", name="Add boundary"))
    for page in pages.values():
        _step(page, plan, "boundaries")
        click_and_wait(page, page.get_by_role("button",
                                              name="I agree to all of these boundaries"))
    _step(organiser, plan, "boundaries")
    assert "3 of 3" in organiser.content()
    assert _done(organiser, "boundaries")
    browse.check(organiser, "boundaries agreed")

    # 7. A treatment option is chosen and an assessment pre-booked.
    service = Service.objects.filter(active=True, offers_outpatient=True).order_by("name").first()
    organiser.goto(f"/family/plans/{plan.uuid}/options/?q={service.name}")
    hit = organiser.locator("form").filter(has=organiser.locator(
        f"input[name='service'][value='{service.uuid}']"))
    click_and_wait(organiser, hit.get_by_role("button", name="Add as an option"))
    # USWDS checkboxes and radios are styled labels: tap the label, as a person does.
    organiser.get_by_test_id("choose-form").locator("label").filter(
        has_text=service.name).click()
    click_and_wait(organiser, organiser.get_by_role("button", name="Save chosen options"))
    click_and_wait(organiser, organiser.get_by_role("button", name="Pre-book an assessment"))
    browse.check(organiser, "options with a pre-booked assessment")
    plan.refresh_from_db()
    enquiry = Enquiry.objects.get(pk=plan.enquiry_id)
    assert enquiry.intervention_planned_for == day and enquiry.stage == Stage.NEW

    # The intake team sees it in the pipeline, marked "intervention planned".
    intake = browse.new_page()
    browse.sign_in(intake, "intake")
    intake.goto("/intake/enquiries/")
    row = intake.get_by_test_id("enquiry-row").filter(has_text="Robin")
    assert row.get_by_test_id("intervention-tag").count() == 1
    browse.check(intake, "pipeline with a planned intervention")

    # 8. Follow-up: Robin agreed, so the enquiry moves to assessment booked at once.
    _step(organiser, plan, "follow-up")
    organiser.locator("label").filter(has_text="Agreed to treatment").click()
    click_and_wait(organiser, organiser.get_by_role("button", name="Record the outcome"))
    browse.check(organiser, "follow-up recorded")
    enquiry.refresh_from_db()
    assert enquiry.stage == Stage.ASSESSMENT_BOOKED
    intake.goto(f"/intake/enquiries/{enquiry.uuid}/")
    assert intake.get_by_test_id("enquiry-stage").text_content().strip() == "Assessment booked"
