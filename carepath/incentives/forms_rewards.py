"""Forms for the ledger's pages: enrol, ask for a redemption, decide on one."""

from django import forms

from carepath.ui.forms import UswdsFormMixin

from .models import RedemptionKind


class EnrolForm(UswdsFormMixin, forms.Form):
    schedule = forms.ChoiceField(label="Schedule", error_messages={
        "required": "Choose a schedule.", "invalid_choice": "Choose one of the schedules listed."})

    def __init__(self, *args, schedules=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["schedule"].choices = [("", "Choose a schedule")] + [
            (str(s.uuid), f"{s.name} ({s.get_kind_display()}"
                          f"{', ' + s.programme.name if s.programme_id else ''})")
            for s in schedules]


class RedemptionForm(UswdsFormMixin, forms.Form):
    submission_key = forms.UUIDField(required=False, widget=forms.HiddenInput)
    amount = forms.DecimalField(
        label="Amount", min_value=0.01, max_digits=8, decimal_places=2,
        help_text="Such as 7.50.",
        error_messages={"required": "Enter an amount, such as 7.50.",
                        "invalid": "Amount must be a number, such as 7.50.",
                        "min_value": "Amount must be more than 0.",
                        "max_decimal_places": "Amount can have at most two decimal places."})
    kind = forms.ChoiceField(
        label="What kind", choices=RedemptionKind.choices,
        help_text="Rewards are goods, vouchers or gift cards, never cash.",
        error_messages={"required": "Choose goods, a voucher or a gift card."})
    description = forms.CharField(
        label="What it is for", max_length=200,
        help_text="Such as “supermarket voucher” or “bus pass”.",
        error_messages={"required": "Say what it is for, such as “supermarket voucher”."})


class DecisionForm(UswdsFormMixin, forms.Form):
    decision = forms.ChoiceField(label="Decision", choices=[("approve", "Approve"),
                                                           ("refuse", "Refuse")],
                                 error_messages={"required": "Choose approve or refuse."})
    note = forms.CharField(label="Reason (needed to refuse; the person sees it)",
                           max_length=300, required=False)
    back = forms.ChoiceField(choices=[("queue", "queue"), ("chart", "chart")],
                             required=False, widget=forms.HiddenInput)
