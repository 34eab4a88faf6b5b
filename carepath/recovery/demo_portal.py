"""Demo data: the care team's contact shown on the crisis page (reference data)."""

from .models import CareTeamContact


def add_demo_portal(org, seed: int) -> None:
    CareTeamContact.objects.get_or_create(organisation=org, defaults={
        # Ofcom's range for drama (01632 960000-960999): never a real line.
        "phone": "01632 960 100", "hours": "Monday to Friday, 9am to 5pm",
        "out_of_hours": "use the crisis lines above, or call 999 in an emergency"})
